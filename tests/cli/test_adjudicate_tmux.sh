#!/usr/bin/env bash
# The adjudication screen in a real terminal (tmux, the half-block path),
# driven with send-keys and read back with capture-pane, the database read
# with sqlite3 after every decision: two adjudicators never get the same
# item; a digit and a reason make an adjudicate row; u withdraws it; A
# accepts the unanimous items after asking, and u withdraws them all; the
# filter keeps only the conflicts; the screen shows the reviewers with
# their notes and estimated accuracy, the LLM and the posterior bars.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C.UTF-8

start_tmux || { finish; exit; }

# ---- the fixture: sixteen photos, two reviewers, conflicts and agreements ----
dir=$TMP/items
mkdir -p "$dir"
n=0
for f in "$here"/../../samples/images/*; do
	case $f in *.jpg | *.png) ;; *) continue ;; esac
	n=$((n + 1))
	[ "$n" -le 16 ] || break
	cp "$f" "$dir/p$n.${f##*.}"
	printf '{"id": "p%d", "path": "p%d.%s", "title": "photo %d"}\n' "$n" "$n" "${f##*.}" "$n" >>"$dir/m.jsonl"
done
db=$TMP/a.db
"$GAVEL" init --db "$db" >/dev/null 2>&1
"$GAVEL" import --db "$db" -q "$dir/m.jsonl" >/dev/null 2>&1
"$GAVEL" label --db "$db" --provider heuristic -q >/dev/null 2>&1
# p1-p4 and p9-p16 in conflict (p4: bo unsure), p5-p7 unanimous, p8 one review
{ printf 'item,rater,label\n'; for i in $(seq 9 16); do printf 'p%d,ann,1\np%d,bo,2\n' "$i" "$i"; done; } >"$TMP/r.csv"
cat >>"$TMP/r.csv" <<'EOF'
p1,ann,2
p1,bo,4
p2,ann,1
p2,bo,3
p3,ann,5
p3,bo,2
p4,ann,3
p5,ann,3
p5,bo,3
p6,ann,4
p6,bo,4
p7,ann,2
p7,bo,2
p8,ann,3
EOF
"$GAVEL" import-ratings --db "$db" -q "$TMP/r.csv"
sql "$db" "INSERT INTO reviews (item_id, reviewer, decision) SELECT id, 'bo', 'skip' FROM items WHERE external_id = 'p4';
	INSERT INTO reviews (item_id, reviewer, decision, note) SELECT id, 'ann', 'note', 'the blur is on purpose' FROM items WHERE external_id = 'p1'"

cat >"$TMP/run.sh" <<'EOF'
#!/bin/sh
out=$1 tag=$2; shift 2
"$@" 2>"$out/$tag.err"
echo $? >"$out/$tag.rc"
EOF
start() { # TAG REVIEWER
	t new-session -d -s "$1" -x 140 -y 36 \
		"$(printf '%q ' sh "$TMP/run.sh" "$TMP" "$1" "$GAVEL" review --db "$db" --reviewer "$2" --graphics blocks)"
}
cap() { t capture-pane -p -t "$1" 2>/dev/null; }
key() { t send-keys -t "$1" -l "$2"; }
keyname() { t send-keys -t "$1" "$2"; }
until_screen() { # TAG REGEX: waits (8 s) until the screen matches
	local end=$((SECONDS + 8))
	while :; do
		screen=$(cap "$1")
		printf '%s\n' "$screen" | grep -qE -- "$2" && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}
expect_screen() { # TAG REGEX NAME
	if until_screen "$1" "$2"; then ok; else
		not_ok "$3"
		printf -- '---- screen (%s) ----\n%s\n' "$3" "$screen" >&2
	fi
}
# the items of the adjudication list (left pane), in order
listed() { cap "$1" | sed -n '2,30p' | cut -c1-24 | grep -oE '^[ >]p[0-9]+' | tr -d ' >' | sort; }
last() {
	sql "$db" "SELECT i.external_id || ' ' || r.reviewer || ' ' || r.decision || ' ' || ifnull(r.label, '-') || ' ' || ifnull(r.note, '-')
		FROM reviews r JOIN items i ON i.id = r.item_id ORDER BY r.id DESC LIMIT 1"
}

# ---- two adjudicators, disjoint lists ----
start zed zed
expect_screen zed 'order: ' "zed's review screen"
key zed c
expect_screen zed 'adjudication: [0-9]+ items? in conflict claimed' "zed opens the adjudication screen"
zed_items=$(listed zed)
start yan yan
expect_screen yan 'order: ' "yan's review screen"
key yan c
expect_screen yan 'adjudication: ' "yan opens it too"
yan_items=$(listed yan)
expect_eq "$(printf '%s\n' "$zed_items" | grep -c .) $(printf '%s\n' "$yan_items" | grep -c .)" "4 4" \
	"each adjudicator holds four items in conflict ($(echo $zed_items) / $(echo $yan_items))"
expect_eq "$(printf '%s\n%s\n' "$zed_items" "$yan_items" | sort | uniq -d)" "" "no item on both screens"
key yan q
expect_screen yan 'order: ' "yan closes the screen (the claims go back)"
t kill-session -t yan

# ---- what the screen shows of an item ----
expect_screen zed 'reviewers' "the reviewers' section"
expect_screen zed '\(acc [01]\.[0-9]{2}\)' "each reviewer's estimated accuracy"
expect_screen zed 'Dawid-Skene posterior' "the posterior section"
expect_screen zed '[█░]{4,} [01]\.[0-9]{2}' "a bar per label"
# each shown accuracy is the diagonal cell of that reviewer's confusion matrix
# in an independent Dawid-Skene (tests/cli/dawidskene_check.py) of the votes
# read with sqlite3: the reviewers' labels, no LLM (the default rule's fit);
# the current item's posterior bars are that fit's posterior
cap zed >"$TMP/screen"
python3 - "$db" "$here" "$TMP/screen" >"$TMP/acc" <<'EOF'
import re, sqlite3, sys
sys.path.insert(0, sys.argv[2])
import dawidskene_check as ref
con = sqlite3.connect(sys.argv[1])
rows = con.execute("SELECT item_id, reviewer, label FROM standing"
                   " WHERE decision IN ('accept', 'override') ORDER BY item_id, reviewer").fetchall()
items = sorted({r[0] for r in rows})
raters = sorted({r[1] for r in rows})
K = con.execute("SELECT count(*) FROM scale").fetchone()[0]
d = ref.Data(K, len(items), len(raters),
             [(items.index(i), raters.index(r), l) for i, r, l in rows])
pi = ref.fit(d, 1000, 1e-10)["confusion"]
fit = ref.fit(d, 1000, 1e-10)
pi = fit["confusion"]
screen = open(sys.argv[3]).read()
shown = re.findall(r"(\w+): (\d) \S+  \(acc ([0-9.]+)\)", screen)
bad = ["%s %s: shown %s, want %.2f" % (r, l, a, pi[raters.index(r)][int(l) - 1][int(l) - 1])
       for r, l, a in shown if "%.2f" % pi[raters.index(r)][int(l) - 1][int(l) - 1] != a]
# the current item's posterior bars: the value to the two decimals shown,
# the bar's filled cells its share of the bar, rounded
current = re.search(r"^>(p[0-9]+)", screen, re.M).group(1)
row = fit["posterior"][items.index(con.execute(
    "SELECT id FROM items WHERE external_id = ?", (current,)).fetchone()[0])]
bars = re.findall(r" ([1-9]) .{10} ([█░]+) ([01]\.[0-9]{2})", screen)
bad += ["%s label %s: %s %s, want %.4f" % (current, l, b, x, row[int(l) - 1]) for l, b, x in bars
        if abs(float(x) - row[int(l) - 1]) > 0.005 + 1e-9
        or b.count("█") != int(row[int(l) - 1] * len(b) + 0.5)]
if len(bars) != K:
    bad.append("%d bars for %d labels" % (len(bars), K))
print("%d shown; %s" % (len(shown) + len(bars), "; ".join(bad) if bad else "all equal"))
EOF
expect_match "$(cat "$TMP/acc")" "^[1-9][0-9]* shown; all equal$" "the accuracies and the posterior bars shown are Dawid-Skene's ($(cat "$TMP/acc"))"
expect_screen zed 'LLM  [1-5] ' "the LLM's label"
expect_screen zed '▀' "the picture, in half blocks"
first=$(cap zed | grep -oE '^>p[0-9]+' | tr -d '>')
[ -n "$first" ] && ok || not_ok "a current item"

# ---- a final label with a reason, then undo ----
before=$(sql "$db" "SELECT count(*) FROM reviews")
key zed 3
expect_screen zed 'final label 3 acceptable; reason' "the digit asks for a reason"
key zed "no visible defect"
keyname zed Enter
expect_screen zed "^ ?$first +✓ 3" "the item shows its final label"
expect_eq "$(last)" "$first zed adjudicate 3 no visible defect" "an adjudicate row with the reason"
expect_eq "$(sql "$db" "SELECT ifnull(queue_order, 'NULL') FROM reviews ORDER BY id DESC LIMIT 1")" conflicts \
	"it records the queue its item came from"
expect_eq "$(sql "$db" "SELECT adjudicated FROM item_queue q JOIN items i ON i.id = q.item_id WHERE i.external_id = '$first'")" 3 \
	"the queue state knows it"
key zed u
expect_screen zed 'undone: 1 adjudication withdrawn' "u withdraws it"
expect_eq "$(sql "$db" "SELECT decision FROM reviews ORDER BY id DESC LIMIT 1")" retract "a retract row"
expect_eq "$(sql "$db" "SELECT adjudicated IS NULL FROM item_queue q JOIN items i ON i.id = q.item_id WHERE i.external_id = '$first'")" 1 \
	"the item is in conflict again"
key zed 4
expect_screen zed 'reason' "a label without a reason"
keyname zed Escape
expect_screen zed '1-5 final' "Esc cancels: nothing decided"
expect_eq "$(sql "$db" "SELECT count(*) FROM reviews")" $((before + 2)) "no row from a cancelled decision"

# ---- the unanimous items in one confirmed step ----
key zed A
expect_screen zed 'accept 3 unanimous items .* y/n' "A asks first, with the count"
key zed n
expect_screen zed 'nothing accepted' "n declines"
key zed A
expect_screen zed 'y/n' "asked again"
key zed y
expect_screen zed '3 unanimous items accepted' "y accepts"
expect_eq "$(sql "$db" "SELECT group_concat(i.external_id || '=' || r.label, ' ') FROM reviews r JOIN items i ON i.id = r.item_id WHERE r.decision = 'adjudicate' AND r.note = 'unanimous (accepted in bulk)' ORDER BY i.id")" \
	"p5=3 p6=4 p7=2" "each with its unanimous label (p8 has one review, p4 an unsure reviewer)"
expect_eq "$(sql "$db" "SELECT group_concat(ifnull(queue_order, 'NULL'), ' ') FROM reviews WHERE decision = 'adjudicate' AND note = 'unanimous (accepted in bulk)'")" \
	"unanimous unanimous unanimous" "each records that it was accepted with the unanimous items"
key zed u
expect_screen zed 'undone: 3 adjudications withdrawn' "u withdraws the bulk step as one"
expect_eq "$(sql "$db" "SELECT count(*) FROM item_queue WHERE adjudicated IS NOT NULL")" 0 "nothing adjudicated any more"

# ---- the filter: only the conflicts (reviewers disagree) ----
key zed f
expect_screen zed 'filter: c only conflicts' "the filter menu"
key zed c
sleep 0.5
disagree() { # the items whose reviewers gave different labels
	sql "$db" "SELECT i.external_id FROM item_queue q JOIN items i ON i.id = q.item_id WHERE q.human_min < q.human_max"
}
expect_eq "$(listed zed | grep -cvxF "$(disagree)")" 0 "only items whose reviewers disagree"
expect_eq "$(listed zed | grep -c .)" 4 "... four of them"
key zed f
key zed x
sleep 0.5
key zed f
key zed 2
sleep 0.5
expect_eq "$(listed zed | grep -c p4)" 0 "two or more human labels: p4 (one label, one unsure) is out"
key zed q
expect_screen zed 'order: ' "q goes back to the review screen"
key zed q
for _ in $(seq 1 50); do [ -s "$TMP/zed.rc" ] && break; sleep 0.1; done
expect_eq "$(cat "$TMP/zed.rc" 2>/dev/null)" 0 "gavel review exits cleanly"
expect_eq "$(sql "$db" "SELECT count(*) FROM claims")" 0 "every claim given back"
finish
