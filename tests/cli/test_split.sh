#!/usr/bin/env bash
# Export splits (src/export/split.c) through build/tools/splitassign against
# the independent python of split_check.py: parts, stability, proportions.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=${GAVEL_BUILD:-$here/../../build}
driver=$build/tools/splitassign

if [ ! -x "$driver" ]; then
	not_ok "no driver at $driver (make tests builds it)"
	finish
	exit
fi
python3 "$here/split_check.py" "$driver" >"$TMP/check" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) ok ;;
	"not ok "*) not_ok "${line#not ok }" ;;
	esac
done <"$TMP/check"
[ "$rc" -eq 0 ] || grep -q '^not ok' "$TMP/check" || not_ok "split_check.py: $(tail -n 3 "$TMP/check")"
finish
