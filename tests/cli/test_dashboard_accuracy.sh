#!/usr/bin/env bash
# The review dashboard's table of each rater's estimated accuracy per label
# (Dawid-Skene, the LLM as a rater), read off scripted headless screens and
# checked by dashboard_check.py against the independent Dawid-Skene of
# dawidskene_check.py on the votes it generated; the same numbers as
# `gavel agree`; the database's default parameters; a window of raters on a
# small screen that keeps the chosen reviewer in view.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

python3 "$here/dashboard_check.py" "$GAVEL" "$TMP" >"$TMP/check" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) ok ;;
	"not ok "*) not_ok "${line#not ok }" ;;
	esac
done <"$TMP/check"
[ "$rc" -eq 0 ] || grep -q '^not ok' "$TMP/check" || not_ok "dashboard_check.py: $(tail -n 3 "$TMP/check")"
finish
