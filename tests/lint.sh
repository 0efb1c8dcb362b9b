#!/usr/bin/env bash
# lint.sh [ROOT] - the layering rules of STYLE.md, checked on the source tree:
#   curses only under ui/; <curl/curl.h> in one file (src/llm/http.c); <sqlite3.h>
#   only under db/; src/ never includes ui/; db/ includes nothing of src/ or ui/
#   but the two leaf utilities src/base/status.h and src/base/xalloc.h.
# Prints each violation as FILE:LINE: rule, and exits 1 when there is any.
set -u
root=${1:-.}
cd "$root" || exit 2
bad=0
violation() { echo "$1: $2"; bad=1; }

check() { # PATTERN ALLOWED-REGEX MESSAGE: files outside ALLOWED that include PATTERN
	local pattern=$1 allowed=$2 message=$3 hit file
	while IFS= read -r hit; do
		file=${hit%%:*}
		[[ $file =~ $allowed ]] || violation "${hit%:*}" "$message"
	done < <(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($pattern)[>\"]" \
		--include='*.c' --include='*.h' -r src ui db tests 2>/dev/null | cut -d: -f1-3)
}

check 'n?curses(w)?\.h|ncursesw/[a-z]+\.h|term\.h|panel\.h' '^(ui/|tests/)' \
	"curses is included outside ui/"
check 'curl/curl\.h' '^src/llm/http\.c$|^tests/' "curl is included outside src/llm/http.c"
check 'sqlite3\.h' '^(db/|tests/)' "sqlite3 is included outside db/"
check 'ui/[^>"]*' '^(ui/|src/cmd/|tests/)' "a file outside ui/ and src/cmd/ includes ui/"

# db/ may include the two leaf utilities; anything else of src/ is a violation.
while IFS= read -r hit; do
	case "$hit" in *src/base/status.h*|*src/base/xalloc.h*) ;; *) violation "$(echo "$hit" | cut -d: -f1-2)" "db/ includes src/ beyond status.h and xalloc.h" ;; esac
done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"src/' -r db 2>/dev/null)

[ $bad -eq 0 ] && echo "lint: layering ok"
exit $bad
