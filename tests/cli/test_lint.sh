#!/usr/bin/env bash
# The layering lint passes on the tree and catches each kind of violation.
. "$(dirname "$0")/lib.sh"
lint=$(cd "$(dirname "$0")/../.." && pwd)/tests/lint.sh

run "$lint" "$(dirname "$0")/../.."
expect_rc 0 "the tree keeps the layering rules"

fake=$TMP/tree
mkdir -p "$fake/src/llm" "$fake/ui" "$fake/db"
echo '#include <curses.h>' >"$fake/ui/ok.c"
echo '#include <sqlite3.h>' >"$fake/db/ok.c"
echo '#include "src/base/status.h"' >"$fake/db/ok2.c"
echo '#include <curl/curl.h>' >"$fake/src/llm/http.c"
run "$lint" "$fake"
expect_rc 0 "allowed includes pass"

violate() { # FILE LINE RULE-REGEX
	echo "$2" >"$fake/$1"
	run "$lint" "$fake"
	expect_rc 1 "$1 including $2 is caught"
	expect_match "$out" "^$1:1: $3" "$1 is named with its line"
	rm "$fake/$1"
}
violate src/bad.c '#include <ncursesw/curses.h>' "curses is included outside ui/"
violate db/bad.c '#  include <curses.h>' "curses is included outside ui/"
violate src/other.c '#include <curl/curl.h>' "curl is included outside src/llm/http.c"
violate ui/bad.c '#include <sqlite3.h>' "sqlite3 is included outside db/"
violate src/bad.c '#include "ui/gfx.h"' "a file outside ui/ and src/cmd/ includes ui/"
violate db/bad.c '#include "src/import.h"' "db/ includes src/"

finish
