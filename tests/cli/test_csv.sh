#!/usr/bin/env bash
# The RFC 4180 writer (src/export/csv.c) read back by Python's csv module in
# strict mode, through build/tools/csvwrite (csv_check.py says what is checked).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=${GAVEL_BUILD:-$here/../../build}
driver=$build/tools/csvwrite

if [ ! -x "$driver" ]; then
	not_ok "no driver at $driver (make tests builds it)"
	finish
	exit
fi
python3 "$here/csv_check.py" "$driver" >"$TMP/check" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) ok ;;
	"not ok "*) not_ok "${line#not ok }" ;;
	esac
done <"$TMP/check"
[ "$rc" -eq 0 ] || grep -q '^not ok' "$TMP/check" || not_ok "csv_check.py: $(tail -n 3 "$TMP/check")"
finish
