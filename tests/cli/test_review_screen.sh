#!/usr/bin/env bash
# The review screen never hides what is being judged: a 2,000-character title
# is clamped (the whole item on demand), the key line keeps help and quit at
# the smallest size, the dashboard falls back to the text matrix, a rationale
# mark is never dropped, the image pane wraps its message, every action says
# what it did, notes show on the item. Headless, scripted (docs/review.md).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

db=$TMP/s.db
mkdir -p "$TMP/img"
python3 "$here/../tools/mkpng.py" "$TMP/img/a.png" 64 48 200 30 30
python3 "$here/../tools/mkpng.py" "$TMP/img/b.png" 48 64 30 200 30
python3 "$here/../tools/mkpng.py" "$TMP/img/c.png" 40 40 30 30 200
long=$(python3 -c 'print(" ".join(["Lederhandtasche"] * 125))')
{
	printf '{"id": "long", "path": "img/a.png", "title": "%s", "category": "bags"}\n' "$long"
	printf '{"id": "b-item", "path": "img/b.png", "title": "Short", "category": "bags"}\n'
	printf '{"id": "c-item", "path": "img/c.png", "title": "Third", "category": "bags"}\n'
} >"$TMP/m.jsonl"
"$GAVEL" init --db "$db" 2>/dev/null
"$GAVEL" import --db "$db" -q "$TMP/m.jsonl"
"$GAVEL" label --db "$db" --provider heuristic -q
# the columns from..to (1-based, in characters) of a dumped screen
cols() { python3 -c 'import sys
for l in open(sys.argv[1], encoding="utf-8"): print(l.rstrip("\n")[int(sys.argv[2]) - 1:int(sys.argv[3])])' "$@"; }
pane() { cols "$1" 68 200; } # the LLM pane at 100 columns
review() { # REVIEWER SCRIPT-TEXT [ARGS...]
	local who=$1 text=$2; shift 2
	printf '%s\n' "$text" >"$TMP/script"
	run "$GAVEL" review --db "$db" --reviewer "$who" --script "$TMP/script" --dump-dir "$TMP" "$@"
}

# ---- a 2,000-character title ----
review ana "dump long
key i
dump item
key q
key q" --size 100x30
pane=$(pane "$TMP/long.txt")
expect_match "$pane" "LLM  [1-5] " "the LLM's label stays on screen under a long title"
expect_match "$pane" "more lines: i shows the" "the title says it is cut"
expect_eq "$(grep -c Lederhandtasche "$TMP/long.txt")" 3 "the title takes three lines"
expect_match "$(cat "$TMP/item.txt")" "the whole item" "i opens the whole item"
expect_ge() { if [ "$1" -ge "$2" ]; then ok; else not_ok "$3: $1 < $2"; fi; }
expect_ge "$(grep -o Lederhandtasche "$TMP/item.txt" | wc -l)" 100 "and shows the whole title"

# ---- the smallest screen keeps help and quit ----
review ben "dump small
key q" --size 80x24
expect_match "$(tail -n 1 "$TMP/small.txt")" "\? help +q quit" "at 80x24 the key line keeps ? help and q quit"

# ---- feedback, the rationale mark, notes ----
review cay "key r
key j
dump moved
key r
key 3
dump decided
key k
key r
dump marked-after
key u
dump undone
key n
type box is dented
key <Enter>
dump noted
key q" --size 100x30
expect_eq "$(sql "$db" "SELECT count(*) FROM reviews WHERE reviewer = 'cay' AND decision = 'verdict' AND rationale_verdict = 'flawed' AND item_id = 1")" 1 \
	"a mark on an item left undecided is written as it is left"
expect_eq "$(sql "$db" "SELECT rationale_verdict FROM reviews WHERE reviewer = 'cay' AND decision IN ('accept', 'override')")" flawed \
	"a mark made before deciding goes with the decision"
expect_match "$(sed -n '$!{h};${x;p}' "$TMP/decided.txt")" "(accepted|labelled) 3 .* (on )?b-item|labelled 3" "a decision says what it did"
expect_eq "$(sql "$db" "SELECT group_concat(rationale_verdict, ',') FROM reviews WHERE reviewer = 'cay' AND decision = 'verdict' AND item_id = 2")" "sound" \
	"marks on a decided item are written at once"
expect_eq "$(sql "$db" "SELECT rationale_verdict FROM reviews WHERE reviewer = 'cay' AND item_id = 2 AND decision IN ('verdict', 'override') ORDER BY id DESC LIMIT 1")" sound "the latest mark is the one that counts"
expect_match "$(cat "$TMP/undone.txt")" "undone on b-item" "undo says what it undid"
expect_match "$(cat "$TMP/noted.txt")" "note saved on b-item" "a note says where it went"
expect_match "$(pane "$TMP/noted.txt" | tr '\n' ' ')" "cay 20[0-9-]+ [0-9:]+: box +is +dented" "and shows on the item"

# ---- Backspace deletes one grapheme cluster ----
review fay "key n
type note ab🇯🇵👨‍👩‍👧é
key <Backspace> <Backspace> <Backspace>
type z🏴󠁧󠁢󠁳󠁣󠁴󠁿
key <Backspace>
key <Enter>
key q" --size 100x30
expect_eq "$(sql "$db" "SELECT note FROM reviews WHERE reviewer = 'fay' AND decision = 'note'")" "note abz" \
	"Backspace takes whole clusters: e with its accent, a family, a flag, the Scotland flag"

# ---- the dashboard falls back to text when a picture does not fit ----
review dee "key a
key d
dump dash
key q
key q" --size 120x40 --graphics blocks
expect_match "$(cat "$TMP/dash.txt")" "LLM vs" "the dashboard opens at 120x40 in half blocks"
expect_match "$(cat "$TMP/dash.txt")" "unusable|poor|acceptable|good|excellent" "and shows the confusion matrix as text"

# ---- the image pane wraps its message ----
sql "$db" "UPDATE items SET path = '$TMP/a/very/long/folder/name/that/does/not/exist/anywhere/at/all/image.png' WHERE id = 3"
review eve "key j
dump missing
key q" --size 100x30 --graphics blocks
expect_match "$(cols "$TMP/missing.txt" 22 65 | tr -d ' \n')" "does/not/exist/anywhere/at/all/image.png" \
	"the image pane's error shows the whole path, wrapped"

finish
