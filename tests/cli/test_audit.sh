#!/usr/bin/env bash
# gavel audit and the audit order end to end: a seeded draw on a small
# catalogue of images, reviewed headless in the audit order (blind by the
# audit's rule, each decision recording its queue order), then gavel agree
# and the dashboard with the audit as their headline, checked against the
# review log read with sqlite3; usage errors; and estimate_check.py, which
# checks every figure of gavel estimate and the draw itself against
# independent computations and measures the coverage of the intervals.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
mkpng() { python3 "$here/../tools/mkpng.py" "$@"; }

db=$TMP/a.db
mkdir -p "$TMP/img"
: >"$TMP/m.jsonl"
for i in 1 2 3 4 5 6 7 8 9 10; do
	mkpng "$TMP/img/p$i.png" 40 40 $((i * 20)) $((250 - i * 20)) 90
	printf '{"id": "p%d", "path": "img/p%d.png", "title": "photo %d", "category": "%s"}\n' \
		"$i" "$i" "$i" "$([ $((i % 2)) = 0 ] && echo shoes || echo bags)" >>"$TMP/m.jsonl"
done
"$GAVEL" init --db "$db" 2>/dev/null
"$GAVEL" import --db "$db" -q "$TMP/m.jsonl"
"$GAVEL" label --db "$db" --provider heuristic -q

# dashboard_is_estimate DB DUMP: the dashboard's catalogue line and plan are
# what gavel estimate --json gives for the newest audit, formatted here
dashboard_is_estimate() {
	local want dash
	"$GAVEL" estimate --db "$1" --width 0.05 --json >"$TMP/est.json"
	want=$(python3 - "$TMP/est.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
shares = []
for lab in d["labels"]:
    e = lab["ppi++"]
    shares.append(f"{lab['name']} {100 * e['point']:.1f}% ±{50 * (e['hi'] - e['lo']):.1f}"
                  if e["defined"] else f"{lab['name']} undefined")
more = [lab["ppi++"]["more_reviews"] for lab in d["labels"] if lab["ppi++"]["defined"]]
print("catalogue (ppi++): " + " · ".join(shares))
if len(more) < len(d["labels"]):
    print("review the audit first")
elif any(m is None or m < 0 for m in more):
    print("out of reach by reviewing")
else:
    print(f"{max(more)} more audit reviews")
PY
)
	dash=$(tr -s ' \n' '  ' <"$2")
	expect_eq "$(printf '%s' "$dash" | grep -cF -- "$(printf '%s\n' "$want" | head -1)")" "1" \
		"the dashboard's shares are estimate's ppi++ ($(printf '%s\n' "$want" | head -1))"
	expect_eq "$(printf '%s' "$dash" | grep -cF -- "within ±2.5 points: $(printf '%s\n' "$want" | tail -1)")" \
		"1" "its plan is estimate's largest ($(printf '%s\n' "$want" | tail -1))"
}

# ---- drawing ----
run "$GAVEL" audit --db "$db" --size 4 --seed 3 --name spring
expect_rc 0 "gavel audit draws"
expect_eq "$out" "1" "it prints the audit's id"
expect_match "$err" "audit 1: drew 4 of 10 items with seed 3" "it says what it drew"
expect_eq "$(sql "$db" "SELECT count(*), min(probability), max(probability) FROM audit_items")" "4|0.4|0.4" "4 items with probability 4/10"
expect_eq "$(sql "$db" "SELECT design, seed, blind, name FROM audits")" "uniform|3|1|spring" "the draw is stored"
expect_eq "$(sql "$db" "SELECT size, population, added FROM audit_draws")" "4|10|4" "the draw is logged"
run "$GAVEL" audit --db "$db" --list
expect_match "$out" "1 +spring +uniform +3 +4 +10 +0 +blind" "--list"
run "$GAVEL" audit --db "$db" --show 1 --items
expect_match "$out" "audit 1 \(spring\): uniform, seed 3, reviewed blind" "--show"
expect_eq "$(printf '%s\n' "$out" | grep -c ' 0\.400000  -$')" "4" "--show --items lists the four items"

# ---- reviewing in the audit order: blind by the audit's rule ----
order=$(sql "$db" "SELECT group_concat(i.external_id, ' ') FROM (SELECT item_id FROM audit_items ORDER BY rank) a JOIN items i ON i.id = a.item_id")
first=${order%% *}
printf 'dump audit1\nkey 3\nkey 4\nkey 2\nkey 5\ndump audit2\nkey q\n' >"$TMP/script"
run "$GAVEL" review --db "$db" --reviewer ana --order audit --script "$TMP/script" --dump-dir "$TMP" --size 100x30
expect_rc 0 "reviewing the audit"
expect_match "$(grep '^>' "$TMP/audit1.txt")" "^>$first " "the audit order starts at the first drawn item"
expect_match "$(cat "$TMP/audit1.txt")" "BLIND +the LLM's answer is" "audit items are blind (no --blind share given)"
expect_match "$(cat "$TMP/audit1.txt")" "order: audit sample" "the order is named"
expect_eq "$(sql "$db" "SELECT group_concat(i.external_id, ' ') FROM (SELECT item_id FROM reviews ORDER BY id) r JOIN items i ON i.id = r.item_id")" "$order" "the four items reviewed in draw order"
expect_eq "$(sql "$db" "SELECT count(*), sum(blind), min(queue_order), max(queue_order) FROM reviews")" "4|4|audit|audit" "every decision blind, from the audit order"
expect_match "$(cat "$TMP/audit2.txt")" "nothing left|no more items|empty" "the audit order holds only the audit"

# claiming in the audit order is a range scan of the open audit items' index
plan=$(sql "$db" "EXPLAIN QUERY PLAN SELECT item_id FROM item_queue q WHERE q.open AND q.audit_key IS NOT NULL ORDER BY q.audit_key, q.item_id LIMIT 8")
expect_match "$plan" "USING INDEX queue_audit" "the audit order has its partial index"
expect_no_match "$plan" "TEMP B-TREE" "no sort at claim time"

# a primed audit shows the LLM's answer even with a blind share asked for
run "$GAVEL" audit --db "$db" --size 2 --seed 99 --primed
printf 'dump primed\nkey q\n' >"$TMP/script"
run "$GAVEL" review --db "$db" --reviewer ben --order audit --blind 1 --script "$TMP/script" --dump-dir "$TMP" --size 100x30
expect_no_match "$(cat "$TMP/primed.txt")" "BLIND" "a --primed audit's items show the LLM's answer"
# an item outside every audit follows the blind share as before
printf 'key 3\nkey q\n' >"$TMP/script"
run "$GAVEL" review --db "$db" --reviewer cy --order disagreement --script "$TMP/script" --dump-dir "$TMP" --size 100x30
expect_eq "$(sql "$db" "SELECT queue_order FROM reviews WHERE reviewer = 'cy'")" "disagreement" "the queue order is kept with the decision"

# ---- agree: the audit as the headline ----
run "$GAVEL" agree --db "$db" --audit 1 --no-ci
expect_rc 0 "gavel agree with an audit"
expect_match "$out" "Agreement on the audit: the catalogue's \(a random sample\)" "the headline is the audit's"
expect_match "$out" "audit 1: 4 of its 4 items reviewed, 4 of them settled" "what the headline rests on"
pct=$(sql "$db" "SELECT printf('%.1f%%', 100.0 * avg(r.label = q.llm_label)) FROM reviews r JOIN item_queue q ON q.item_id = r.item_id JOIN audit_items a ON a.item_id = r.item_id AND a.audit_id = 1 WHERE r.reviewer = 'ana'")
expect_match "$out" "percent agreement +$pct " "the audit's percent agreement, recomputed from the log"
expect_match "$out" "not representative" "every review is labelled as not representative"
expect_match "$out" "audit 4" "how the reviewed items were chosen"
json=$("$GAVEL" agree --db "$db" --audit 1 --no-ci --json)
expect_eq "$(printf '%s' "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["audit"]["id"], d["audit"]["n"], d["items_chosen_by"]["audit"], d["items_chosen_by"]["disagreement"], d["llm_vs_settled"]["representative"])')" "1 4 4 1 False" "the JSON names the audit, the items' origins, and that every review is not representative"

# ---- the dashboard: the audit's figures first ----
printf 'key d\ndump dash\nkey x\nkey q\n' >"$TMP/script"
run "$GAVEL" review --db "$db" --reviewer ana --script "$TMP/script" --dump-dir "$TMP" --size 120x30
expect_match "$(cat "$TMP/dash.txt")" "LLM vs the settled human label · audit 2, a random sample" "the dashboard's headline is the newest audit"
expect_match "$(cat "$TMP/dash.txt")" "\(all [0-9.]+\*\)|\(all undefined\*\)" "the figure over every review beside it"
expect_match "$(cat "$TMP/dash.txt")" "not representative" "... labelled as not representative"
expect_match "$(cat "$TMP/dash.txt")" "catalogue \(ppi\+\+\):" "the catalogue's shares"
expect_match "$(cat "$TMP/dash.txt")" "for every share within ±2.5 points:" "and the reviews they still need"
dashboard_is_estimate "$db" "$TMP/dash.txt"

# ... and on a catalogue of 3,000 items on three labels, 250 of an audit
# of 300 reviewed (imported ratings), where every figure is a real number
python3 - "$TMP" <<'PY'
import random, sys
r = random.Random(5)
llm = [r.choice([1, 2, 2, 3, 3, 3]) for _ in range(3000)]
with open(sys.argv[1] + "/llm.csv", "w") as f:
    f.write("item,rater,label\n")
    f.writelines(f"x{i},gpt,{l}\n" for i, l in enumerate(llm))
PY
"$GAVEL" init --db "$TMP/rich.db" --scale bad,ok,good 2>/dev/null
"$GAVEL" import-ratings --db "$TMP/rich.db" -q --llm gpt "$TMP/llm.csv"
"$GAVEL" audit --db "$TMP/rich.db" --size 300 --seed 1 >/dev/null 2>&1
sql "$TMP/rich.db" "SELECT i.external_id, q.llm_label FROM audit_items a JOIN items i ON i.id = a.item_id JOIN item_queue q ON q.item_id = a.item_id ORDER BY a.rank LIMIT 250" |
	python3 -c '
import random, sys
r = random.Random(6)
print("item,rater,label")
for line in sys.stdin:
    e, l = line.strip().split("|")
    print(f"{e},ann,{l if r.random() < 0.7 else r.randint(1, 3)}")' >"$TMP/human.csv"
"$GAVEL" import-ratings --db "$TMP/rich.db" -q "$TMP/human.csv"
printf 'key d\ndump richdash\nkey x\nkey q\n' >"$TMP/script"
run "$GAVEL" review --db "$TMP/rich.db" --reviewer ann --script "$TMP/script" --dump-dir "$TMP" --size 120x30
expect_match "$(cat "$TMP/richdash.txt")" "more audit reviews" "a plan within reach"
dashboard_is_estimate "$TMP/rich.db" "$TMP/richdash.txt"

# ---- estimate on this database ----
run "$GAVEL" estimate --db "$db" --audit 1 --by category --width 0.2
expect_rc 0 "gavel estimate"
expect_match "$out" "sample: audit 1 \"spring\" \(uniform, seed 3\): 4 of its 4 items reviewed" "the sample is named"
expect_match "$out" "category bags: 5 items" "per category"
expect_match "$out" "Further audit reviews for an interval 20.0 points wide" "the plan"
# the footnote on "out of reach" shows exactly when a cell says it
for w in 0.2 0.9 0.001; do
	run "$GAVEL" estimate --db "$db" --audit 1 --width $w
	cells=$(printf '%s\n' "$out" | grep -c '^[0-9].* out of reach')
	note=$(printf '%s\n' "$out" | grep -c '^out of reach: ')
	expect_eq "$note" "$([ "$cells" -gt 0 ] && echo 1 || echo 0)" "--width $w: the footnote iff a cell is out of reach ($cells)"
done
expect_eq "$([ "$cells" -gt 0 ] && echo some)" "some" "--width 0.001: out of reach for some label"
run "$GAVEL" estimate --db "$db" --reviewed-as-sample
expect_match "$out" "treated as a uniform random sample" "--reviewed-as-sample says so"

# ---- usage errors ----
run "$GAVEL" audit --db "$db"
expect_rc 2 "no size"
run "$GAVEL" audit --db "$db" --size 11 --seed 1
expect_rc 2 "more than the catalogue"
expect_match "$err" "more than the 10 items" "says how many there are"
run "$GAVEL" audit --db "$db" --stratify llm --stratum nosuch=2
expect_rc 2 "an unknown label"
run "$GAVEL" audit --db "$db" --show 42
expect_rc 1 "an audit that does not exist"
run "$GAVEL" estimate --db "$db" --audit 1 --reviewed-as-sample
expect_rc 2 "--audit and --reviewed-as-sample"
run "$GAVEL" estimate --db "$db" --alpha 1
expect_rc 2 "alpha out of range"

# ---- items that came after the draw ----
joined() { "$GAVEL" estimate --db "$TMP/rich.db" --audit "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sample"]["joined_after_draw"])'; }
"$GAVEL" audit --db "$TMP/rich.db" --stratify llm --size 30 --seed 2 >/dev/null 2>&1
expect_eq "$(joined 1) $(joined 2)" "0 0" "no item came after either draw"
printf 'item,rater,label\nnew1,gpt2,1\nnew2,gpt2,3\nnew3,gpt2,3\n' >"$TMP/new.csv"
"$GAVEL" import-ratings --db "$TMP/rich.db" -q --llm gpt2 "$TMP/new.csv"
printf 'item,rater,label\nnew4,ann,2\nnew5,ann,2\n' >"$TMP/new.csv"
"$GAVEL" import-ratings --db "$TMP/rich.db" -q "$TMP/new.csv"
expect_eq "$(joined 1) $(joined 2)" "5 3" "items after the draw: all five for the uniform audit, the three with an LLM label for the stratified one"
run "$GAVEL" estimate --db "$TMP/rich.db" --audit 1
expect_match "$out" "warning: 5 items joined the catalogue the audit draws from after its last draw" "the text warns"
"$GAVEL" audit --db "$TMP/rich.db" --grow 1 --size 310 >/dev/null 2>&1
expect_eq "$(joined 1) $(joined 2)" "0 3" "growing the audit takes them in"
run "$GAVEL" estimate --db "$TMP/rich.db" --audit 1
expect_no_match "$out" "joined the catalogue" "and the warning goes"

# ---- every figure against independent computations ----
mkdir -p "$TMP/check"
strict_check "$here/estimate_check.py" "$GAVEL" "$TMP/check" "$here/../data" \
	--audits "${ESTIMATE_AUDITS:-30}"
finish
