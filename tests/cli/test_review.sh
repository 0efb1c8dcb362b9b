#!/usr/bin/env bash
# gavel review, headless and scripted: screens against golden dumps, keys
# against the database, 4 reviewers at once, SIGKILL, hostile titles.
# UPDATE_GOLDEN=1 rewrites tests/data/ui/*.txt (then read them before committing).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
golden=$here/../data/ui
mkpng() { python3 "$here/../tools/mkpng.py" "$@"; }

# ---- a small fixture: 6 images, UTF-8 titles, one hostile title ----
db=$TMP/r.db
mkdir -p "$TMP/img"
mkpng "$TMP/img/a.png" 64 48 200 30 30
mkpng "$TMP/img/b.png" 48 64 30 200 30
mkpng "$TMP/img/c.png" 32 32 30 30 200
mkpng "$TMP/img/d.png" 40 40 250 250 250
mkpng "$TMP/img/e.png" 40 40 10 10 10
mkpng "$TMP/img/f.png" 40 40 128 128 128
cat >"$TMP/m.jsonl" <<'JSON'
{"id": "a-red", "path": "img/a.png", "title": "赤いマグカップ 🍎", "category": "kitchen"}
{"id": "b-green", "path": "img/b.png", "title": "Grüne Vase – groß", "category": "home"}
{"id": "c-blue", "path": "img/c.png", "title": "\u001b]0;pwned\u0007\u001b[2JBlue bowl", "category": "kitchen"}
{"id": "d-white", "path": "img/d.png", "title": "White plate", "category": "kitchen"}
{"id": "e-black", "path": "img/e.png", "title": "Black pan", "category": "kitchen"}
{"id": "f-grey", "path": "img/f.png", "title": "Grey mug", "category": "home"}
JSON
"$GAVEL" init --db "$db" 2>/dev/null
"$GAVEL" import --db "$db" -q "$TMP/m.jsonl"
"$GAVEL" label --db "$db" --provider heuristic -q
review() { # REVIEWER SCRIPT-TEXT [ARGS...]
	local who=$1 text=$2; shift 2
	printf '%s\n' "$text" >"$TMP/script"
	run "$GAVEL" review --db "$db" --reviewer "$who" --script "$TMP/script" --dump-dir "$TMP" --size 100x30 "$@"
}
check_golden() { # NAME
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$TMP/$1.txt" "$golden/$1.txt"; fi
	if diff -u "$golden/$1.txt" "$TMP/$1.txt" >"$TMP/diff"; then ok; else not_ok "screen $1 differs from its golden file:"; cat "$TMP/diff" >&2; fi
}
decisions() { sql "$db" "SELECT group_concat(i.external_id || ':' || r.decision || ifnull(':' || r.label, ''), ' ') FROM reviews r JOIN items i ON i.id = r.item_id WHERE r.reviewer = '$1' ORDER BY r.id"; }

# ---- the screen and the keys ----
review ana "dump first
key a
dump accepted
key 5
key s
dump overridden
key u
dump undone
key r 2
key ?
dump help
key q
key k
key h
dump history
key <Esc>
key q"
expect_rc 0 "a scripted session"
check_golden first
check_golden accepted
check_golden overridden
check_golden undone
check_golden help
first=$(cat "$TMP/first.txt")
expect_match "$(sed -n 1p "$TMP/first.txt")" "gavel · r.db · prompt heuristic · ana +you 0 · 0/6 reviewed · your κw" "the title bar: yours, everyone's, your agreement"
expect_match "$(sed -n 2p "$TMP/first.txt")" "^>a-red +·" "the cursor on the first item"
expect_match "$first" "LLM  [1-5] [a-z]+ +conf 0\.[0-9]+" "the LLM's label and confidence"
expect_match "$first" "Heuristic \(not a model\)" "the rationale"
expect_match "$first" "赤いマグカップ 🍎" "a Japanese title with an emoji"
expect_match "$(sed -n 2p "$TMP/accepted.txt")" "^ a-red +✓ [1-5]" "accept marks the item"
expect_match "$(cat "$TMP/overridden.txt")" "b-green +(✗ [1-5]→5|✓ 5)" "an override shows old→new"
expect_match "$(cat "$TMP/overridden.txt")" "c-blue +s" "a skip shows s"
expect_match "$(sed -n 4p "$TMP/undone.txt")" "^>c-blue +·" "undo returns to the skipped item"
expect_match "$(cat "$TMP/help.txt")" "u +undo the last decision" "help lists the commands"
expect_match "$(cat "$TMP/history.txt")" "ana override 2 \(rationale flawed\)" "history shows the decision with its verdict"
expect_match "$(cat "$TMP/history.txt")" "ana retract undoes #" "history shows the undo"
got=$(decisions ana)
expect_match "$got" "^a-red:accept:[1-5] b-green:(override:5|accept:5) c-blue:skip c-blue:retract c-blue:override:2$" "the review log"
expect_eq "$(sql "$db" "SELECT rationale_verdict FROM reviews WHERE reviewer = 'ana' AND label = 2")" "flawed" "the rationale verdict is stored with the decision"
expect_eq "$(sql "$db" "SELECT count(*) FROM reviews WHERE reviewer = 'ana' AND prediction_id IS NULL AND decision IN ('accept','override')")" 0 "decisions record the prediction shown"
expect_match "$err" "ana has reviewed 3 of 6 items" "the goodbye line counts the decisions"

# ---- filters: browse what I labelled 2; search ----
review ana "key f m
type 2
key <Enter>
dump mine2
key f x
key /
type Grey
key <Enter>
dump search
key q"
expect_match "$(cat "$TMP/mine2.txt")" "order: my decisions" "a filter on my label browses my decisions"
expect_match "$(sed -n 2p "$TMP/mine2.txt")" "^>c-blue +● 2|^>c-blue +✗ [0-9]→2" "the item I labelled 2"
expect_eq "$(sed -n 3p "$TMP/mine2.txt" | cut -c1-20 | tr -d ' ')" "" "only that item"
expect_match "$(sed -n 2p "$TMP/search.txt")" "^>f-grey" "search finds the title"
expect_match "$(cat "$TMP/search.txt")" "search: Grey" "the search is shown"

# ---- the dashboard: figures recomputed here from the log ----
review ana "key d
dump dashboard
key x
key q"
expect_match "$(cat "$TMP/dashboard.txt")" "LLM vs ana · every prompt version · n = 3" "the dashboard names what it compares"
pct=$(sql "$db" "SELECT printf('%.3f', avg(r.label = p.label)) FROM reviews r JOIN predictions p ON p.id = r.prediction_id WHERE r.reviewer = 'ana' AND r.decision IN ('accept', 'override') AND NOT EXISTS (SELECT 1 FROM reviews x WHERE x.retracts = r.id)")
expect_match "$(cat "$TMP/dashboard.txt")" "percent agreement +$pct" "percent agreement matches the log"
expect_match "$(cat "$TMP/dashboard.txt")" "Cohen's kappa +undefined" "kappa is undefined when the LLM gave one label"
expect_match "$(cat "$TMP/dashboard.txt")" "undefined: the second rater gave the same label to every item" "the reason is given"
expect_match "$(cat "$TMP/dashboard.txt")" "human label +1 +2 +3 +4 +5 total|LLM label" "the confusion matrix as text without graphics"

# ---- hostile text never reaches the terminal (c-blue's title is ESC ] 0 ; ... ESC [ 2 J) ----
cp "$TMP/undone.txt" "$TMP/hostile.txt"
if grep -q "$(printf '\033')" "$TMP/hostile.txt"; then not_ok "an escape character reached the screen"; else ok; fi
expect_match "$(cat "$TMP/hostile.txt")" '\^\[\]0;pwned\^G\^\[\[2JBlue bowl' "the hostile title shows as caret text"

# ---- reopening continues where the reviewer left off; others get the rest ----
review ana "dump reopen
key q"
expect_match "$(grep '^>' "$TMP/reopen.txt")" "^>d-white" "a new session starts at the next unreviewed item"
expect_match "$(sed -n 2,4p "$TMP/reopen.txt" | tr '\n' '|')" "a-red +✓ [1-5] .*b-green .*c-blue +(●|✗)" "the last session's decisions stand above the cursor"
review ben "dump ben
key a a a
key q"
expect_match "$(sed -n 2p "$TMP/ben.txt")" "^>d-white" "another reviewer is not handed ana's items"
review ben "key q"
expect_match "$err" "ben has reviewed 3 of 6" "ben decided the rest"
review cay "dump cay
key q"
expect_match "$(cat "$TMP/cay.txt")" "nothing to review" "nothing left for a third reviewer"

# ---- blind items hide the answer and record that they were blind ----
db2=$TMP/blind.db
"$GAVEL" init --db "$db2" 2>/dev/null
"$GAVEL" import --db "$db2" -q "$TMP/m.jsonl"
"$GAVEL" label --db "$db2" --provider heuristic -q
printf 'dump blind\nkey a 4 4 4 4 4 4\nkey q\n' >"$TMP/script"
run "$GAVEL" review --db "$db2" --reviewer dee --blind 1 --script "$TMP/script" --dump-dir "$TMP" --size 100x30
expect_match "$(cat "$TMP/blind.txt")" "BLIND" "blind items hide the answer"
expect_no_match "$(cat "$TMP/blind.txt")" "Heuristic \(not a model\)" "blind items hide the rationale"
expect_eq "$(sql "$db2" "SELECT count(*) || ' ' || sum(blind) || ' ' || count(prediction_id) FROM reviews WHERE reviewer = 'dee'")" "6 6 0" "blind decisions are marked blind, with no prediction shown"

# ---- the minimum size is enforced with a clear message ----
printf 'dump small\nkey a\nkey q\n' >"$TMP/script"
run "$GAVEL" review --db "$db2" --reviewer eli --script "$TMP/script" --dump-dir "$TMP" --size 60x20
expect_match "$(cat "$TMP/small.txt")" "needs at least 80x24 \(this is 60x20\)" "the minimum-size message"
expect_eq "$(sql "$db2" "SELECT count(*) FROM reviews WHERE reviewer = 'eli'")" 0 "no decision is taken on a too-small screen"

# ---- four reviewers at once on 1,000 items, 10% overlap ----
big=$TMP/big
mkdir -p "$big"
python3 "$here/../bench/gen_manifest.py" "$big" 1000 >/dev/null
bdb=$big/g.db
"$GAVEL" init --db "$bdb" 2>/dev/null
"$GAVEL" import --db "$bdb" -q --no-probe "$big/manifest.jsonl"
"$GAVEL" label --db "$bdb" --provider heuristic -q
# more keys than needed: a reviewer whose queue runs dry while others hold
# their look-ahead claims spends keys on "nothing left" until they free up
printf 'key a*700\nkey q\n' >"$big/script"
for who in r1 r2 r3 r4; do
	"$GAVEL" review --db "$bdb" --reviewer "$who" --overlap 0.1 --script "$big/script" --size 100x30 2>"$big/$who.err" &
done
wait
expect_eq "$(sql "$bdb" "SELECT count(*) FROM items WHERE NOT EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = items.id)")" 0 "every item was decided by someone"
expect_eq "$(sql "$bdb" "SELECT count(*) FROM (SELECT item_id, reviewer FROM reviews GROUP BY 1, 2 HAVING count(*) > 1)")" 0 "no reviewer was handed an item twice"
overlap=$(sql "$bdb" "SELECT count(*) FROM items WHERE (id * 2654435761) % 1000 < 100")
twice=$(sql "$bdb" "SELECT count(*) FROM (SELECT item_id FROM reviews GROUP BY 1 HAVING count(DISTINCT reviewer) = 2)")
beyond=$(sql "$bdb" "SELECT count(*) FROM (SELECT r.item_id FROM reviews r JOIN items i ON i.id = r.item_id GROUP BY 1 HAVING count(DISTINCT r.reviewer) > 1 + ((i.id * 2654435761) % 1000 < 100))")
expect_eq "$beyond" 0 "no item went to more reviewers than it needs"
expect_eq "$twice" "$overlap" "every overlap item went to two different reviewers"
total=0
for who in r1 r2 r3 r4; do
	n=$(sed -n "s/.*$who has reviewed \([0-9]*\) of.*/\1/p" "$big/$who.err")
	expect_eq "$(sql "$bdb" "SELECT count(*) FROM reviews WHERE reviewer = '$who'")" "$n" "every acknowledged decision of $who is on disk"
	total=$((total + n))
done
expect_eq "$total" $((1000 + overlap)) "1,000 items plus the overlap, decided once each"

# ---- SIGKILL after acknowledged keys loses nothing ----
printf 'key a*15\nsleep 30000\nkey q\n' >"$TMP/kill"
"$GAVEL" review --db "$bdb" --reviewer r5 --script "$TMP/kill" --size 100x30 2>/dev/null &
pid=$!
sql "$bdb" "DELETE FROM claims" 2>/dev/null
for _ in $(seq 1 100); do
	[ "$(sql "$bdb" "SELECT count(*) FROM reviews WHERE reviewer = 'r5'")" -ge 15 ] && break
	sleep 0.05
done
sleep 0.2
kill -9 $pid
wait $pid 2>/dev/null
# r5 had nothing to review (all taken), so give r5 a fresh database to decide in
kdb=$TMP/kill.db
"$GAVEL" init --db "$kdb" 2>/dev/null
"$GAVEL" import --db "$kdb" -q --no-probe "$big/manifest.jsonl"
"$GAVEL" label --db "$kdb" --provider heuristic -q --limit 40
"$GAVEL" review --db "$kdb" --reviewer r6 --script "$TMP/kill" --size 100x30 2>/dev/null &
pid=$!
for _ in $(seq 1 200); do
	[ "$(sql "$kdb" "SELECT count(*) FROM reviews WHERE reviewer = 'r6'")" -ge 15 ] && break
	sleep 0.05
done
kill -9 $pid
wait $pid 2>/dev/null
expect_eq "$(sql "$kdb" "SELECT count(*) FROM reviews WHERE reviewer = 'r6' AND decision = 'accept'")" 15 "all 15 acknowledged decisions survive kill -9"
expect_eq "$(sql "$kdb" "PRAGMA integrity_check")" ok "the database is sound after kill -9"
printf 'dump after-kill\nkey q\n' >"$TMP/script"
run "$GAVEL" review --db "$kdb" --reviewer r6 --script "$TMP/script" --dump-dir "$TMP" --size 100x30
expect_match "$(grep '^>' "$TMP/after-kill.txt")" "^>item-000015" "the killed reviewer's next session goes on at item 16"

# ---- usage ----
run "$GAVEL" review --db "$db" --order sideways
expect_rc 2 "an unknown order"
run "$GAVEL" review --db "$db" --blind 2
expect_rc 2 "a share over 1"
run "$GAVEL" review --db "$db" </dev/null
expect_rc 2 "no terminal and no script"
expect_match "$err" "needs a terminal" "the no-terminal message"

finish
