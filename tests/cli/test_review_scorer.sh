#!/usr/bin/env bash
# The scorer in the review UI (headless, scripted): R refits it in the
# background while decisions go on being made and committed; the refit is
# stored like any model and re-scores what still needs review; the title
# shows the model's cross-validated kappa and its number of labels, the pane
# the scorer's label and probability, each checked against the database;
# --retrain-every N refits after every N labels; the new orders are offered.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

# 3000 items with tiny images, 40 features each, 900 labelled by ana, an LLM run
python3 "$here/../bench/gen_manifest.py" "$TMP" 3000 >/dev/null
db=$TMP/s.db
"$GAVEL" init --db "$db" 2>/dev/null
"$GAVEL" import --db "$db" -q --no-probe "$TMP/manifest.jsonl"
python3 - "$TMP" <<'EOF'
import random, sys
out = sys.argv[1]
rng = random.Random(8)
with open(out + "/emb.csv", "w") as f, open(out + "/r.csv", "w") as r:
    # 40 columns, so that a refit takes long enough to be seen working
    f.write("item," + ",".join("e%d" % j for j in range(40)) + "\n")
    r.write("item,rater,label\n")
    for i in range(3000):
        x = [rng.gauss(0, 1) for _ in range(40)]
        f.write("item-%06d," % i + ",".join(repr(v) for v in x) + "\n")
        t = min(5, max(1, round(3 + 1.3 * x[0] - x[1] + rng.gauss(0, 0.7))))
        if i % 10 < 3:
            r.write("item-%06d,ana,%d\n" % (i, t))
        r.write("item-%06d,bot,%d\n" % (i, min(5, max(1, t + rng.choice([-1, 0, 1])))))
EOF
"$GAVEL" import-features --db "$db" -q --set emb "$TMP/emb.csv"
"$GAVEL" import-ratings --db "$db" -q --llm bot "$TMP/r.csv"
"$GAVEL" train --db "$db" --features emb --folds 5 >/dev/null 2>&1

review() { # REVIEWER SCRIPT-TEXT [ARGS...]
	local who=$1 text=$2; shift 2
	printf '%s\n' "$text" >"$TMP/script"
	run "$GAVEL" review --db "$db" --reviewer "$who" --script "$TMP/script" --dump-dir "$TMP" \
		--size 120x30 --graphics none "$@"
}

# ---- R: the refit runs while decisions are made ----
before=$(sql "$db" "SELECT max(id) FROM scorer_models")
review zed "key R
dump busy
key 3 3 3 3 3 3 3 3
sleep 8000
key <C-l>
dump done
key q"
expect_rc 0 "a session with a refit"
expect_match "$(head -n 1 "$TMP/busy.txt")" "scorer refitting…" "the title says a refit is under way"
model=$(sql "$db" "SELECT max(id) FROM scorer_models")
expect_eq "$model" "$((before + 1))" "the refit is stored as a model"
expect_eq "$(sql "$db" "SELECT json_extract(params, '$.origin') || ' ' || target || ' ' ||
	json_extract(features, '$.sources') FROM scorer_models WHERE id = $model")" \
	"review refit by zed human emb" "... of the current model's kind, on the settled labels"
rows=$(sql "$db" "SELECT rows FROM scorer_models WHERE id = $model")
expect_match "$rows" "^90[0-8]$" "fitted on the settled labels (900 and up to 8 made meanwhile: $rows)"
# the decisions made after R were committed while the refit worked: before
# the model it was still training was stored
expect_eq "$(sql "$db" "SELECT count(*) FROM reviews WHERE reviewer = 'zed'")" 8 "eight decisions made"
early=$(sql "$db" "SELECT count(*) FROM reviews WHERE reviewer = 'zed' AND created_at <
	(SELECT created_at FROM scorer_models WHERE id = $model)")
expect_match "$early" "^[1-8]$" "decisions were committed while the refit trained ($early before it was stored)"
run_id=$(sql "$db" "SELECT max(id) FROM runs WHERE provider = 'scorer'")
expect_eq "$(sql "$db" "SELECT json_extract(params, '$.model_id') || ' ' || status FROM runs WHERE id = $run_id")" \
	"$model done" "the refit re-scored items as a scorer run"
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions WHERE run_id = $run_id")" \
	"$(sql "$db" "SELECT count(*) FROM item_queue WHERE deciders < need AND item_id IN
	(SELECT item_id FROM features WHERE name = 'emb')")" "... every item still needing a review"
title=$(head -n 1 "$TMP/done.txt")
want=$(sql "$db" "SELECT printf('scorer κw %.2f (n=%d)', json_extract(metrics, '$.scorer.kappa_quadratic'), rows)
	FROM scorer_models WHERE id = $model")
expect_eq "$(printf '%s' "$title" | grep -cF "$want")" 1 "the title shows the model's cross-validated kappa and its labels ($want)"
expect_match "$(cat "$TMP/done.txt")" "scorer refitted: model $model on [0-9]+ labels" "the status line says so"
# the pane: the scorer's answer for the item on screen
item=$(sed -n 's/^.*│ \(item-[0-9]*\) · .*$/\1/p' "$TMP/done.txt" | head -n 1)
want=$(sql "$db" "SELECT printf('scorer  %d [a-z]+    p %.2f', p.label, p.confidence) FROM predictions p
	JOIN items i ON i.id = p.item_id WHERE p.run_id = $run_id AND i.external_id = '$item'")
expect_match "$(cat "$TMP/done.txt")" "$want" "the pane shows the scorer's label and probability ($item)"

# ---- --retrain-every ----
n=$(sql "$db" "SELECT count(*) FROM scorer_models")
review yan "key 2*10
sleep 8000
key q" --retrain-every 5
expect_rc 0 "--retrain-every 5"
expect_eq "$(sql "$db" "SELECT count(*) FROM scorer_models WHERE json_extract(params, '$.origin') = 'review refit by yan'")" \
	2 "ten labels, two refits"
expect_eq "$(sql "$db" "SELECT count(*) FROM scorer_models")" "$((n + 2))" "each stored"

# ---- the orders menu offers the scorer's orders ----
review zed "key o
dump menu
key <Esc>
key q"
for name in "e uncertain" "l llm-vs-scorer" "h suspect"; do
	expect_match "$(cat "$TMP/menu.txt")" "$name" "the order menu offers: $name"
done
review ana "dump suspect
key q" --order suspect
first=$(sed -n 's/^>\(item-[0-9]*\).*$/\1/p' "$TMP/suspect.txt" | head -n 1)
want=$(sql "$db" "SELECT i.external_id FROM item_queue q JOIN items i ON i.id = q.item_id
	JOIN standing s ON s.item_id = q.item_id AND s.reviewer = 'ana'
	WHERE q.suspect_p IS NOT NULL ORDER BY q.suspect_p, q.item_id LIMIT 1")
expect_eq "$first" "$want" "--order suspect starts with ana's least plausible label"
finish
