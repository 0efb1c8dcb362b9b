#!/usr/bin/env bash
# The layering lint passes on the tree and catches each kind of violation:
# every folder's include rule, the libraries, the link level, domain words.
. "$(dirname "$0")/lib.sh"
# the second, sanitized pass of make check: the lint reads sources and objects, not the binary, so once is enough
case ${GAVEL_BUILD:-} in */asan)
	echo "checked once, in the first pass"
	finish
	exit ;;
esac
top=$(cd "$(dirname "$0")/../.." && pwd)
lint=$top/tests/lint.sh

run "$lint" "$top" "${GAVEL_BUILD:-$top/build}"
expect_rc 0 "the tree keeps the layering rules"

fake=$TMP/tree
mkdir -p "$fake"/src/{base,img,llm,agree,import,review,score,settle,export,cmd} "$fake/ui" "$fake/db"
cp "$top/db/kinds.h" "$fake/db/kinds.h"
echo '#include <curses.h>' >"$fake/ui/ok.c"
echo '#include <sqlite3.h>' >"$fake/db/ok.c"
echo '#include "src/base/status.h"' >"$fake/db/ok2.c"
echo '#include <curl/curl.h>' >"$fake/src/llm/http.c"
echo '#include "db/database.h"' >"$fake/src/agree/agreeload.c"
echo '#include "db/kinds.h"' >"$fake/src/agree/ok.c"
echo '#include "db/database.h"' >"$fake/src/score/trainer.c"
printf '#include "ui/gfx.h"\n#include "src/llm/prompt.h"\n' >"$fake/src/cmd/ok.c"
run "$lint" "$fake" "$fake/build"
expect_rc 0 "allowed includes pass: $out"

violate() { # FILE LINE RULE-REGEX
	printf '%s\n' "$2" >"$fake/$1"
	run "$lint" "$fake" "$fake/build"
	expect_rc 1 "$1 with '$2' is caught"
	expect_match "$out" "^$1(:1)?: $3" "$1 is named with its line"
	rm "$fake/$1"
}
# each folder's rule
violate src/base/bad.c '#include "src/img/img.h"' "src/base/ may not include src/img/img.h"
violate src/img/bad.c '#include "db/database.h"' "src/img/ may not include db/database.h"
violate src/llm/bad.c '#include "src/agree/agree.h"' "src/llm/ may not include"
violate src/agree/bad.c '#include "db/database.h"' "src/agree/ may not include db/database.h"
violate src/agree/bad.c '#include "src/llm/reply.h"' "src/agree/ may not include"
violate src/import/bad.c '#include "src/llm/labelrun.h"' "src/import/ may not include"
violate src/review/bad.c '#include "src/llm/prompt.h"' "src/review/ may not include"
violate src/score/bad.c '#include "db/database.h"' "src/score/ may not include"
violate src/settle/bad.c '#include "src/agree/agree.h"' "src/settle/ may not include"
violate src/export/bad.c '#include "ui/draw.h"' "src/export/ may not include ui/draw.h"
violate ui/bad.c '#include "src/cmd/cli.h"' "ui/ may not include src/cmd/cli.h"
violate db/bad.c '#include "src/import/import.h"' "db/ may not include"
mkdir -p "$fake/src/newdomain"
violate src/newdomain/x.c '#include "src/base/status.h"' "src/newdomain/ has no rule"
# every file named in docs/ARCHITECTURE.md, when the tree has one
mkdir -p "$fake/docs"
printf '| `src/base/named.c` | a file with its row |\n' >"$fake/docs/ARCHITECTURE.md"
touch "$fake/src/base/named.c"
violate src/base/unnamed.c '/* nothing */' "has no row in docs/ARCHITECTURE.md"
rm -r "$fake/docs" "$fake/src/base/named.c"
# the libraries
violate src/base/bad.c '#include <ncursesw/curses.h>' "curses is included outside ui/"
violate db/bad.c '#  include <curses.h>' "curses is included outside ui/"
violate src/llm/other.c '#include <curl/curl.h>' "curl is included outside src/llm/http.c"
violate ui/bad.c '#include <sqlite3.h>' "sqlite3 is included outside db/"
# domain words
violate src/review/w.c 'int f(const char *d) { return !strcmp(d, "accept"); }' \
	"compares a domain word"

# raw printing outside the printer
violate src/agree/bad.c 'void f(const char *s) { printf("%s", s); }' "prints raw text"
violate ui/bad.c 'void f(FILE *o, const char *s) { fputs(s, o); }' "prints raw text"
violate src/cmd/bad.c 'void f(const char *s) { fprintf(stderr, "%s\n", s); }' "prints raw text"

# the link level: objects that call across the rules, which no include shows
mkdir -p "$fake/build/ui" "$fake/build/src/llm" "$fake/build/src/cmd"
echo 'int ui_thing(void) { return 1; }' >"$fake/ui/u.c"
echo 'int ui_thing(void); int cmd_thing(void) { return ui_thing(); }' >"$fake/src/cmd/c.c"
for f in ui/u.c src/cmd/c.c; do cc -c -o "$fake/build/${f%.c}.o" "$fake/$f"; done
run "$lint" "$fake" "$fake/build"
expect_rc 0 "src/cmd/ may call into ui/"
echo 'int ui_thing(void); int llm_thing(void) { return ui_thing(); }' >"$fake/src/llm/l.c"
cc -c -o "$fake/build/src/llm/l.o" "$fake/src/llm/l.c"
run "$lint" "$fake" "$fake/build"
expect_rc 1 "src/llm/ calling ui/ at link level is caught"
expect_match "$out" "^src/llm/l.c: refers to ui/ at link level; only src/cmd/ may \(ui_thing\)" \
	"the caller and the symbol are named"
rm "$fake/src/llm/l.c" "$fake/build/src/llm/l.o"
echo 'int cmd_thing(void); int ui_other(void) { return cmd_thing(); }' >"$fake/ui/v.c"
cc -c -o "$fake/build/ui/v.o" "$fake/ui/v.c"
run "$lint" "$fake" "$fake/build"
expect_rc 1 "ui/ calling the command layer is caught"
expect_match "$out" "^ui/v.c: ui/ refers to the command layer src/cmd/ \(cmd_thing\)" "named"

finish
