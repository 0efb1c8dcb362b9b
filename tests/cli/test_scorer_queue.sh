#!/usr/bin/env bash
# The scorer's queue orders (most uncertain, LLM and scorer disagree, the
# scorer's lowest, suspect human labels) against their definitions computed
# from the raw tables (tests/cli/scorer_queue_check.py), after training,
# scoring, a label decided again, a newer model and a rebuild of the kept
# state; and each order an index range scan.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
tool=${GAVEL_BUILD:-$here/../../build}/tools/queue_order

if [ ! -x "$tool" ]; then
	not_ok "$tool is missing: run make tests"
	finish
	exit
fi
result=$(python3 "$here/scorer_queue_check.py" "$GAVEL" "$tool" "$TMP" 2>&1)
line=$(printf '%s\n' "$result" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [ -z "$line" ]; then
	not_ok "scorer_queue_check.py printed no summary: $(printf '%s' "$result" | tail -n 5)"
else
	pass=$((pass + ${line%% passed*}))
	f=${line#*passed, } f=${f%% failed*}
	fail=$((fail + f))
	[ "$f" -eq 0 ] || printf '%s\n' "$result" | grep '^FAIL' >&2
fi
finish
