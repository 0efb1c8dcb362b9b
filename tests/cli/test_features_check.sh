#!/usr/bin/env bash
# The 13 pixel features of src/img/features.c on PNG images (samples/ photos
# and patterns written by the checker), recomputed by
# tests/cli/features_check.py from the formulas documented in
# src/img/features.h, with its own PNG decoder. The C driver is
# build/tools/features_measure (make tests).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=${GAVEL_BUILD:-$(dirname "$GAVEL")/build}

if [ ! -x "$build/tools/features_measure" ]; then
	not_ok "$build/tools/features_measure is missing: run make tests"
	finish
	exit
fi
result=$(python3 "$here/features_check.py" "$build/tools/features_measure" "$TMP" 2>&1)
line=$(printf '%s\n' "$result" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [ -z "$line" ]; then
	not_ok "features_check.py printed no summary: $(printf '%s' "$result" | tail -n 5)"
else
	pass=$((pass + ${line%% passed*}))
	f=${line#*passed, } f=${f%% failed*}
	fail=$((fail + f))
	[ "$f" -eq 0 ] || printf '%s\n' "$result" | grep '^FAIL' >&2
fi
finish
