#!/usr/bin/env bash
# The lab screen's own figures, read off headless screen dumps (gavel review
# --script) and recomputed by lab_screen_check.py from the database with
# Python's sqlite3 (not from `prompts list`): for every line the ref, name,
# model, runs, covered settled items, quadratic kappa and its bootstrap
# interval (the resampling replayed), exact agreement, parse-failure rate,
# tokens, cost (a run's own price, else the settings file's), the best,
# current and fewer-items marks, the ranking order, and the detail lines
# (answers, cache, tokens, cost, the fewer-items note, self-consistency).
# Then the review pane of a --repeat run: majority, vote split and entropy
# for a split item and a unanimous one.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
db=$TMP/lab.db
export XDG_CONFIG_HOME=$TMP/config

# 44 items: p01-p40 with a human label (p37-p40 with two people who
# disagree: not settled), p41-p44 with none.
python3 - "$here/../tools" "$TMP" <<'PY'
import csv, json, os, sys
sys.path.insert(0, sys.argv[1])
from mkpng import write_png
out = sys.argv[2]
kinds = [(3, 2, 3), (4, 4, 2), (5, 2, 4), (2, 3, 5), (3, 2, 4), (1, 1, 1), (2, 4, 4)]
with open(os.path.join(out, "m.jsonl"), "w") as m, \
        open(os.path.join(out, "h.csv"), "w", newline="") as h, \
        open(os.path.join(out, "llm.csv"), "w", newline="") as llm:
    hw, lw = csv.writer(h), csv.writer(llm)
    hw.writerow(["item", "rater", "label"])
    lw.writerow(["item", "rater", "label"])
    for i in range(1, 45):
        hl, a, b = kinds[i % len(kinds)]
        name = f"p{i:02d}"
        write_png(os.path.join(out, name + ".png"), 8, 8, (i, 3 * i % 256, 77))
        m.write(json.dumps({"id": name, "path": name + ".png", "expect": a, "expect_b": b}) + "\n")
        if i <= 40:
            hw.writerow([name, "ann", hl])
        if i > 36 and i <= 40:
            hw.writerow([name, "bob", hl % 5 + 1])
        if i <= 30:  # another labeller's answers, loaded as a run without a prompt
            lw.writerow([name, "other", (hl + i) % 5 + 1])
PY
"$GAVEL" init --db "$db" >/dev/null 2>&1
"$GAVEL" import --db "$db" -q "$TMP/m.jsonl"
"$GAVEL" import-ratings --db "$db" -q "$TMP/h.csv"
prompts=$here/../data/prompts
sed 's/Rate this photo/Rate this photo, once more,/' "$prompts/fake.md" >"$TMP/fake-c.md"
sed 's/Rate this photo/Rate this photo carefully/' "$prompts/fake.md" >"$TMP/fake-d.md"
sed 's/Rate this photo/Rate this photo three times/' "$prompts/fake.md" >"$TMP/fake-e.md"
# p05 and p12 answer unparsably; p41 votes 2/2/3 and p42 4/4/4 when asked
# three times, p03 and p10 split among the settled items
start_llm_server --faults p05=badscore,p12=badscore \
	--votes p41=2/2/3,p42=4/4/4,p03=1/5/5,p10=2/3/2
label() { # PROMPT ARGS...
	"$GAVEL" label --db "$db" --provider openai --model fake-1 --base-url "$LLM_URL/v1" \
		--api-key k --prompt "$1" --backoff 0.05 -q "${@:2}" >/dev/null 2>&1
}
label "$prompts/fake.md" --settled --price-in 2 --price-out 8     # run 1: version 1, its own price
label "$prompts/fake-b.md" --settled --sample 10                  # run 2: version 2 on 10
label "$prompts/fake-b.md" --settled                              # run 3: version 2 again, some cached
label "$TMP/fake-c.md" --settled --sample 8                       # run 4: version 3, fewer items
"$GAVEL" import-ratings --db "$db" -q --llm other "$TMP/llm.csv" # run 5: no prompt
label "$TMP/fake-e.md" --items all --repeat 3                     # run 6: version 4, repeated
"$GAVEL" prompts --db "$db" add "$TMP/fake-d.md" >/dev/null 2>&1 # version 5, never run
# prices set after the runs (which stored none but run 1's): the lab takes
# the settings file's, as `prompts list` does
mkdir -p "$XDG_CONFIG_HOME/gavel"
printf '[openai]\nprice_in = 150\nprice_out = 600\n' >"$XDG_CONFIG_HOME/gavel/config"
expect_eq "$(sql "$db" "SELECT count(*) FROM runs")" 6 "fixture: six runs"
expect_eq "$(sql "$db" "SELECT count(*) FROM runs WHERE params LIKE '%price%'")" 1 "fixture: one run with a price"
expect_eq "$(sql "$db" "SELECT count(*) FROM prompt_versions")" 5 "fixture: five versions"

# The lab at 130 columns (the wide layout: runs, tokens and cost in the
# list), the cursor on each line in turn; then at 100 (the narrow one).
lines=$(($(sql "$db" "SELECT count(*) FROM prompt_versions") + 1))
{
	echo "resize 130x30"
	echo "key L"
	for i in $(seq 0 $((lines - 1))); do
		echo "dump lab$i"
		echo "key j"
	done
	echo "resize 100x30"
	echo "key L"
	echo "dump narrow"
	echo "key q"
	# the review pane of the repeated run: p41 (split) is first in ann's
	# queue, then p42 (unanimous)
	echo "dump votes41"
	echo "key j"
	echo "dump votes42"
	echo "key q"
} >"$TMP/script"
mkdir -p "$TMP/dumps"
run "$GAVEL" review --db "$db" --reviewer ann --script "$TMP/script" --dump-dir "$TMP/dumps"
expect_rc 0 "the headless session"
run "$GAVEL" prompts --db "$db" list --json
printf '%s' "$out" >"$TMP/list.json"

strict_check "$here/lab_screen_check.py" "$db" "$TMP/dumps" "$lines" "$TMP/list.json" \
	"$XDG_CONFIG_HOME/gavel/config"
finish
