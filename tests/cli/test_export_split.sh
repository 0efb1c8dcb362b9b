#!/usr/bin/env bash
# gavel export --split-mode exact: every row's split against export_check.py's
# own reading of split.h (groups by key in hash order, cut per label at the
# largest-remainder counts), every label's counts equal to its targets in
# the manifest, the mode recorded; items added move only few old items
# (split.h's bound), while stable mode moves none; labels too small are
# reported; --split-mode needs --split.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
check=$here/export_check.py

pycheck() { # NAME ARGS...: export_check.py ARGS, its failures named NAME
	python_check -n "$1" "$check" "${@:2}"
}

s=$TMP/s.db
"$GAVEL" init --db "$s" >/dev/null 2>&1
python3 - "$TMP/s.csv" "$TMP/s2.csv" <<'EOF'
import random, sys
rng = random.Random(8)
def write(path, first, n):
    with open(path, "w") as f:
        f.write("item,rater,label\n")
        for i in range(first, first + n):
            # label 1: three items, too few for 80/10/10
            label = 1 if i < 3 else rng.choices([2, 3, 4, 5], [20, 40, 30, 5])[0]
            f.write("s%05d,r1,%d\n" % (i, label))
write(sys.argv[1], 0, 2000)
write(sys.argv[2], 2000, 100)
EOF
"$GAVEL" import-ratings --db "$s" -q "$TMP/s.csv"
run "$GAVEL" export --db "$s" --split 80/10/10 --seed 7 --split-mode exact "$TMP/e1"
expect_rc 0 "an exact split"
pycheck "exact rows" rows "$s" "$TMP/e1" --split 80/10/10 --seed 7 --split-mode exact
pycheck "exact manifest" manifest "$s" "$TMP/e1"
expect_eq "$(python3 - "$TMP/e1/manifest.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))["split"]
print(m["mode"], all(l["count"] == l["target"] for l in m["labels"]),
      [l["label"] for l in m["labels"] if l["too_few"]])
EOF
)" "exact True [1]" "the manifest: the mode, every label's counts at its targets, label 1 too small"
expect_match "$err" "label 1 has 3 items: too few for the split" "the small label is reported"
"$GAVEL" export --db "$s" -q --split 80/10/10 --seed 7 "$TMP/st1" 2>/dev/null
expect_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["split"]["mode"])' "$TMP/st1/manifest.json")" \
	stable "stable is the default, and the manifest says so"
# the same database, the same bytes
"$GAVEL" export --db "$s" -q --split 80/10/10 --seed 7 --split-mode exact "$TMP/e1b" 2>/dev/null
if cmp -s "$TMP/e1/gold.jsonl" "$TMP/e1b/gold.jsonl"; then ok; else not_ok "exact mode is deterministic"; fi

# 100 items added: stable mode moves none; exact mode at most 2 per added item
# of the same label (80/10/10), and few in all
"$GAVEL" import-ratings --db "$s" -q "$TMP/s2.csv"
"$GAVEL" export --db "$s" -q --split 80/10/10 --seed 7 --split-mode exact "$TMP/e2" 2>/dev/null
"$GAVEL" export --db "$s" -q --split 80/10/10 --seed 7 "$TMP/st2" 2>/dev/null
pycheck "stable mode, items added" stable "$TMP/st1" "$TMP/st2"
pycheck "exact rows, items added" rows "$s" "$TMP/e2" --split 80/10/10 --seed 7 --split-mode exact
expect_eq "$(python3 - "$TMP/e1/gold.jsonl" "$TMP/e2/gold.jsonl" <<'EOF'
import json, sys
def read(path):
    return {r["item"]: (r["label"], r["split"]) for r in map(json.loads, open(path))}
a, b = read(sys.argv[1]), read(sys.argv[2])
added, moved = {}, {}
for k, (label, _) in b.items():
    if k not in a:
        added[label] = added.get(label, 0) + 1
for k, (label, part) in a.items():
    if b[k][1] != part:
        moved[label] = moved.get(label, 0) + 1
over = {l: (m, added.get(l, 0)) for l, m in moved.items() if m > 2 * added.get(l, 0)}
print(over or "within", sum(moved.values()) <= sum(added.values()))
EOF
)" "within True" "exact mode: old items moved per label within 2 per added item"

run "$GAVEL" export --db "$s" --split-mode exact "$TMP/nosplit"
expect_rc 2 "--split-mode without --split"
run "$GAVEL" export --db "$s" --split 80/20 --split-mode even "$TMP/bad"
expect_rc 2 "an unknown --split-mode"
finish
