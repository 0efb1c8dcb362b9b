#!/usr/bin/env bash
# The review queue's LLM label for a --repeat run is the majority of the
# item's answers in that run (a tie to the lower label, as the review pane
# shows it), not its last answer: a run of four samples per item against a
# test server that votes so that the last sample differs from the majority
# on most items (and ties on some). item_queue, llm_counts and the order the
# disagreement queue hands items out in (tests/tools/queue_order) are
# checked by queue_majority_check.py against the majority it counts itself
# from the predictions; then the same after the queue state is rebuilt from
# the log (a database of the state before, version 3, whose labels were the
# last answers).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
tool=${GAVEL_BUILD:-$here/../../build}/tools/queue_order
db=$TMP/q.db

# q1-q8: the server's four votes on each; bob's label on all but q7
votes="q1=2/2/2/5,q2=2/2/4/4,q3=1/2/3/4,q4=5/5/5/5,q5=3/5/5/1,q6=4/3/3/3,q7=1/3/3/2,q8=1/1/4/4"
python3 - "$here/../tools" "$TMP" <<'PY'
import json, os, sys
sys.path.insert(0, sys.argv[1])
from mkpng import write_png
out = sys.argv[2]
bob = {"q1": 2, "q2": 4, "q3": 4, "q4": 1, "q5": 5, "q6": 3, "q8": 3}
with open(os.path.join(out, "m.jsonl"), "w") as m, open(os.path.join(out, "h.csv"), "w") as h:
    h.write("item,rater,label\n")
    for i in range(1, 9):
        name = f"q{i}"
        write_png(os.path.join(out, name + ".png"), 8, 8, (30 * i, 7 * i, 11))
        m.write(json.dumps({"id": name, "path": name + ".png"}) + "\n")
        if name in bob:
            h.write(f"{name},bob,{bob[name]}\n")
PY
"$GAVEL" init --db "$db" >/dev/null 2>&1
"$GAVEL" import --db "$db" -q "$TMP/m.jsonl"
"$GAVEL" import-ratings --db "$db" -q "$TMP/h.csv"
start_llm_server --votes "$votes"
# one request at a time: each item's samples are asked, and stored, in order
"$GAVEL" label --db "$db" --provider openai --model fake-1 --base-url "$LLM_URL/v1" --api-key k \
	--prompt "$here/../data/prompts/fake.md" --items all --repeat 4 --concurrency 1 -q >/dev/null 2>&1
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions WHERE status = 'ok'")" 32 "fixture: 32 answers"

check() { # WHAT IDS_FILE
	python3 "$here/queue_majority_check.py" "$db" "$votes" "$2" >"$TMP/check" 2>&1
	local rc=$? line
	while IFS= read -r line; do
		case $line in
		ok\ *) ok ;;
		*) not_ok "$1: $line" ;;
		esac
	done <"$TMP/check"
	[ "$rc" -eq 0 ] || grep -q '^FAIL' "$TMP/check" || not_ok "$1: queue_majority_check.py exited $rc"
}
# every item needs two reviewers: bob's label leaves them open to ann
"$tool" claim "$db" ann disagreement 0 1000 20 >"$TMP/ann" 2>"$TMP/err"
expect_eq "$?" 0 "queue_order claim: $(cat "$TMP/err")"
check "kept by the triggers" "$TMP/ann"

# The state as the version before left it (the last answers), rebuilt;
# ann's claims let go first.
sql "$db" "DELETE FROM claims; UPDATE item_queue SET llm_label = (SELECT p.label FROM predictions p
	WHERE p.item_id = item_queue.item_id ORDER BY p.sample DESC LIMIT 1);
	UPDATE meta SET value = '3' WHERE key = 'queue_state'"
"$tool" claim "$db" cath disagreement 0 1000 20 >"$TMP/cath" 2>"$TMP/err"
expect_eq "$?" 0 "queue_order claim after the rebuild: $(cat "$TMP/err")"
expect_eq "$(sql "$db" "SELECT value FROM meta WHERE key = 'queue_state'")" 4 "the state was rebuilt"
check "rebuilt from the log" "$TMP/cath"
# claiming still reads the order's index alone (no vote counted then)
plan=$(sql "$db" "EXPLAIN QUERY PLAN SELECT q.item_id FROM item_queue q WHERE q.open
	ORDER BY q.disagreement_key, q.item_id LIMIT 8")
expect_match "$plan" "USING INDEX queue_disagreement" "the disagreement order is an index scan"
expect_no_match "$plan" "TEMP B-TREE|predictions" "with no sort and no vote at claim time"
finish
