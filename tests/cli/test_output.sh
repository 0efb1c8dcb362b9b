#!/usr/bin/env bash
# Nothing raw reaches the terminal: reviewer names, database paths, raters,
# categories and titles with escape sequences and bidirectional or hidden
# characters are shown cleaned on stdout, stderr and the review screen alike,
# while JSON stays JSON (the characters escaped, the strings the same).
. "$(dirname "$0")/lib.sh"

esc=$'\033' bidi=$'\u202e' lri=$'\u2066' bell=$'\a'
hostile="ana${esc}]0;pwned${bell}${bidi}evil${lri}"
raw_found() { # FILE: whether it holds an escape, a bell or a bidi control
	LC_ALL=C grep -qP '\x1b|\x07|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$1"
}

dir="$TMP/d${esc}]2;title${bell}"
mkdir -p "$dir"
db=$dir/o.db
"$GAVEL" init --db "$db" 2>"$TMP/init.err"
if raw_found "$TMP/init.err"; then not_ok "init's message shows the path raw"; else ok; fi
mkdir -p "$TMP/img"
python3 "$(dirname "$0")/../tools/mkpng.py" "$TMP/img/a.png" 16 16 >/dev/null 2>&1 ||
	printf '\x89PNG\r\n\x1a\n' >"$TMP/img/a.png"
printf '{"id": "x%s1", "path": "img/a.png", "title": "t%s%s", "category": "c%s"}\n' "$bidi" "$esc[2J" "$bidi" "$lri" >"$TMP/m.jsonl"
"$GAVEL" import --db "$db" -q --no-probe "$TMP/m.jsonl" 2>"$TMP/import.err"
if raw_found "$TMP/import.err"; then not_ok "import's messages show text raw"; else ok; fi

printf 'item,rater,label\n"x%s1","%s",3\n"x%s1","ben%s",4\n' "$bidi" "$hostile" "$bidi" "$bidi" >"$TMP/r.csv"
run "$GAVEL" import-ratings --db "$db" "$TMP/r.csv"
expect_rc 0 "ratings with hostile rater names load"
printf '%s' "$err" >"$TMP/ir.err"
if raw_found "$TMP/ir.err"; then not_ok "import-ratings shows names raw"; else ok; fi

run "$GAVEL" agree --db "$db" --by reviewer --no-ci
printf '%s%s' "$out" "$err" >"$TMP/agree.txt"
if raw_found "$TMP/agree.txt"; then not_ok "the agree report shows a name raw"; else ok; fi
expect_match "$out" "<U\+202E>" "the agree report names the hidden character"
run "$GAVEL" agree --db "$db" --by category --no-ci --json
printf '%s' "$out" >"$TMP/agree.json"
if raw_found "$TMP/agree.json"; then not_ok "agree --json holds a raw control"; else ok; fi
expect_eq "$(python3 -c '
import json, sys
def strings(v):
    if isinstance(v, str): yield v
    elif isinstance(v, dict):
        for k, x in v.items(): yield k; yield from strings(x)
    elif isinstance(v, list):
        for x in v: yield from strings(x)
print(any("\u202e" in s for s in strings(json.load(open(sys.argv[1])))))' "$TMP/agree.json")" "True" \
	"the JSON still decodes to the real names"

printf 'dump screen\nkey q\n' >"$TMP/script"
run "$GAVEL" review --db "$db" --reviewer "$hostile" --script "$TMP/script" --dump-dir "$TMP" --size 100x30
expect_rc 0 "a review session with a hostile reviewer name"
printf '%s' "$err" >"$TMP/review.err"
if raw_found "$TMP/review.err"; then not_ok "review's goodbye line shows the name or path raw"; else ok; fi
expect_match "$err" "pwned\^G<U\+202E>evil" "and shows them cleaned"
if raw_found "$TMP/screen.txt"; then not_ok "the review screen shows a hidden character raw"; else ok; fi

run "$GAVEL" stats --db "$db" --json
printf '%s' "$out$err" >"$TMP/stats.txt"
if raw_found "$TMP/stats.txt"; then not_ok "stats shows the path raw"; else ok; fi

finish
