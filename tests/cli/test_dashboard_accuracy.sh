#!/usr/bin/env bash
# The review dashboard's table of each rater's estimated accuracy per label
# (Dawid-Skene, the LLM as a rater), read off scripted headless screens and
# checked by dashboard_check.py against the independent Dawid-Skene of
# dawidskene_check.py on the votes it generated; the same numbers as
# `gavel agree`; the database's default parameters; a window of raters on a
# small screen that keeps the chosen reviewer in view; the table fitted on a
# worker: a first frame that says so, closing and quitting while it runs.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

python_check "$here/dashboard_check.py" "$GAVEL" "$TMP"
finish
