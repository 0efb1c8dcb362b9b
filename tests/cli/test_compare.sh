#!/usr/bin/env bash
# The prompt lab's statistics (src/agree/compare.h, stattest.h,
# consistency.h) recomputed by an independent Python implementation
# (compare_check.py) through the driver tests/tools/compare_json: classes,
# kappa and agreement of both labellers and their difference, jackknife
# standard errors, the paired bootstrap replayed on the same random stream,
# McNemar, the sign test, Holm across categories, the smallest detectable
# difference, self-consistency and its AUC, and R's published McNemar values.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=${GAVEL_BUILD:-$here/../../build}
driver=$build/tools/compare_json

if [ ! -x "$driver" ]; then
	not_ok "$driver is missing: run make tests"
	finish
	exit
fi
strict_check "$here/compare_check.py" "$driver" "$here/../data"

# A usage error is reported, not crashed on: a label outside the scale.
out=$(printf 'compare 3 0 10 1 0.95 0.8 auto 2\n1 1 4 -1\n2 2 2 -1\n' | "$driver")
expect_match "$out" '"error":"item 1: a label lies outside 1..3"' "a label outside the scale"
finish
