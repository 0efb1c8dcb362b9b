#!/usr/bin/env bash
# R on the lab screen: a rerun on a seeded sample of N settled items,
# stratified by the human label (headless gavel review --script, against
# the local test server). The items each run planned, and the items the
# server was asked, are the sample lab_sample_check.py draws by itself from
# src/lab/labsample.h's definition (largest remainder per label, ties to
# the smaller label; a splitmix64 Fisher-Yates within each label): 10 of
# 24, then 4 (a tie of remainders), then 10 again in a later session (the
# same seed, the same items, all from the cache). gavel label --settled
# --sample draws the same with the same seed, another with seed 2.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
db=$TMP/lab.db
calls() { grep -c '"path": "/v1/chat/completions"' "$LLM_LOG"; }

# u1, u2: no human label (imported first: label --limit 2 takes them);
# d1-d3: ann and bob disagree (not settled); s01-s24 settled by ann with
# 5, 3, 9, 3, 4 items of labels 1-5, in an order that is not the ids'.
python3 - "$here/../tools" "$TMP" <<'PY'
import csv, json, os, sys
sys.path.insert(0, sys.argv[1])
from mkpng import write_png
out = sys.argv[2]
labels = [1] * 5 + [2] * 3 + [3] * 9 + [4] * 3 + [5] * 4
labels = [labels[(7 * i) % 24] for i in range(24)]  # 7 is prime to 24
names = ["u1", "u2", "d1", "d2", "d3"] + [f"s{i:02d}" for i in range(1, 25)]
with open(os.path.join(out, "m.jsonl"), "w") as m, open(os.path.join(out, "h.csv"), "w") as h:
    h.write("item,rater,label\n")
    for n, name in enumerate(names):
        write_png(os.path.join(out, name + ".png"), 8, 8, (n, 7 * n % 256, 50))
        m.write(json.dumps({"id": name, "path": name + ".png", "expect": n % 5 + 1}) + "\n")
        if name.startswith("d"):
            h.write(f"{name},ann,2\n{name},bob,{3 + n % 2}\n")
        elif name.startswith("s"):
            h.write(f"{name},ann,{labels[n - 5]}\n")
PY
"$GAVEL" init --db "$db" >/dev/null 2>&1
"$GAVEL" import --db "$db" -q "$TMP/m.jsonl"
"$GAVEL" import-ratings --db "$db" -q "$TMP/h.csv"
expect_eq "$(sql "$db" "SELECT count(*) FROM item_queue WHERE deciders > 0 AND human_min = human_max")" 24 \
	"fixture: 24 settled items"
start_llm_server
label() {
	"$GAVEL" label --db "$db" --provider openai --model fake-1 --base-url "$LLM_URL/v1" \
		--api-key k --prompt "$here/../data/prompts/fake.md" --backoff 0.05 -q "$@" >/dev/null 2>&1
}
label --items all --limit 2 # run 1: u1 and u2, so the lab knows the labeller
expect_eq "$(calls)" 2 "fixture: run 1 asked 2 items"

session() { # NAME: runs $TMP/NAME.script, dumps in $TMP/NAME/
	mkdir -p "$TMP/$1"
	run "$GAVEL" review --db "$db" --reviewer ann --script "$TMP/$1.script" --dump-dir "$TMP/$1"
	expect_rc 0 "session $1"
}
status_line() { sed -n 29p "$TMP/$1/$2.txt"; } # SESSION DUMP: the status line (100x30)

# Session 1: R, 10 (run 2, every item asked); R, 4 (run 3: its items are
# among the 10, so all from the cache).
cat >"$TMP/s1.script" <<'EOF2'
key L R
dump asked
type 10
key <Enter>
sleep 1500
dump ten
key R
type 4
key <Enter>
sleep 800
dump four
key q q
EOF2
session s1
expect_match "$(status_line s1 asked)" "how many settled items, stratified by label \(N, or N SEED\)\?" "R asks how many"
expect_match "$(status_line s1 ten)" "run 2 done: 10 ok, 0 unparsed, 0 failed; 0 from the cache, 10 calls made" \
	"run 2 asked the server for its 10 items"
expect_match "$(status_line s1 four)" "run 3 done: 4 ok, 0 unparsed, 0 failed; 4 from the cache, 0 calls made" \
	"run 3's 4 items all came from the cache"
after1=$(calls)

# Session 2, later: R, 10 again (run 4): the same seed, the same items.
printf 'key L R\ntype 10\nkey <Enter>\nsleep 1200\ndump again\nkey q q\n' >"$TMP/s2.script"
session s2
expect_match "$(status_line s2 again)" "run 4 done: 10 ok, 0 unparsed, 0 failed; 10 from the cache, 0 calls made" \
	"run 4 asked nothing"
expect_eq "$(sql "$db" "SELECT group_concat(item_id) FROM (SELECT item_id FROM run_items WHERE run_id = 4 ORDER BY item_id)")" \
	"$(sql "$db" "SELECT group_concat(item_id) FROM (SELECT item_id FROM run_items WHERE run_id = 2 ORDER BY item_id)")" \
	"run 4 planned run 2's items"
after2=$(calls)

# The command line: the same draw with seed 1 (run 5), another with seed 2 (run 6).
label --settled --sample 10
label --settled --sample 10 --seed 2
expect_eq "$(sql "$db" "SELECT count(*) FROM runs")" 6 "six runs"
strict_check "$here/lab_sample_check.py" "$db" "$LLM_LOG" "2:10:1:2:$after1" "3:4:1:$after1:$after1" \
	"4:10:1:$after1:$after2" "5:10:1:$after2:$after2" "6:10:2:$after2:$(calls)"

# Session 3: R with a seed of its own draws what --seed 2 drew (run 7, all
# cached); a count with words after it is refused, and nothing runs.
after3=$(calls)
printf 'key L R\ntype 10 x\nkey <Enter>\ndump refused\nkey R\ntype 10 2\nkey <Enter>\nsleep 1200\ndump seeded\nkey q q\n' >"$TMP/s3.script"
session s3
expect_match "$(status_line s3 refused)" "'10 x' is not a number of items \(and a seed\)" "R refuses '10 x'"
expect_match "$(status_line s3 seeded)" "run 7 done: 10 ok, 0 unparsed, 0 failed; 10 from the cache, 0 calls made" \
	"run 7 asked nothing"
expect_eq "$(calls)" "$after3" "no call for run 7"
expect_eq "$(sql "$db" "SELECT group_concat(item_id) FROM (SELECT item_id FROM run_items WHERE run_id = 7 ORDER BY item_id)")" \
	"$(sql "$db" "SELECT group_concat(item_id) FROM (SELECT item_id FROM run_items WHERE run_id = 6 ORDER BY item_id)")" \
	"R 10 2 planned the items of --sample 10 --seed 2"
expect_eq "$(sql "$db" "SELECT id, json_extract(params, '\$.sample'), json_extract(params, '\$.seed') FROM runs WHERE id IN (2, 3, 7) ORDER BY id" | tr '\n' ' ')" \
	"2|10|1 3|4|1 7|10|2 " "a sampled rerun records its sample size and seed"
finish
