#!/usr/bin/env bash
# Export splits (src/export/split.c) through build/tools/splitassign against
# the independent python of split_check.py: parts, stability, proportions,
# in both modes.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=${GAVEL_BUILD:-$here/../../build}
driver=$build/tools/splitassign

if [ ! -x "$driver" ]; then
	not_ok "no driver at $driver (make tests builds it)"
	finish
	exit
fi
python_check "$here/split_check.py" "$driver"
finish
