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
python_check "$here/csv_check.py" "$driver"
finish
