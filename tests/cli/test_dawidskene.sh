#!/usr/bin/env bash
# Dawid-Skene (src/settle/dawidskene.c) through its driver build/tools/dawidskene
# against the independent python implementation of dawidskene_check.py:
# iteration by iteration (K = 0, 1, 2) and at the EM fixed point, on
# crowd-kit's step-by-step fixture (and its published values), both
# transcriptions of the D&S anaesthetist data, and seeded random cases.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=${GAVEL_BUILD:-$here/../../build}
driver=$build/tools/dawidskene

if [ ! -x "$driver" ]; then
	not_ok "no driver at $driver (make tests builds it)"
	finish
	exit
fi

python_check "$here/dawidskene_check.py" "$driver" "$here/../data/dawidskene"

# refused input reaches the user as a sentence, not a crash
printf 'labels 2\nitems 1\nraters 1\nvote 0 0 3\n' >"$TMP/bad"
run "$driver" "$TMP/bad"
expect_rc 1 "a label off the scale is refused"
expect_match "$err" "vote 0: label 3 is not on the scale 1..2" "the refusal names the vote"
finish
