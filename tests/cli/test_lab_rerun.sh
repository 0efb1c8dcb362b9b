#!/usr/bin/env bash
# A rerun started from the lab screen, in the background, against the
# local test server (headless gavel review --script): the status line shows
# its progress; x cancels it midway (eight items hang on their first three
# attempts, so it is midway for sure); r at once resumes that run, not a new
# one; stopped again, the run is left resumable (the lab says so, and so
# does `label --list`); r on the same line, in a later session, resumes it
# again; stopped and resumed once more, it finishes without asking again
# any item already answered (calls counted at the server).
# Then the comparison screen: the broken items and those where B disagrees
# with the settled label sent to re-review, checked in the database against
# Python's own reckoning; the re-review order serves them; a correction
# made there is counted by the recomputed comparison as a changed settled
# label, and its classes follow the new label.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
db=$TMP/lab.db
prompts=$here/../data/prompts
calls() { grep -c '"path": "/v1/chat/completions"' "$LLM_LOG"; }

# 24 items, each settled by ann; version A (fake.md) answers each item's
# expect, version B (fake-b.md) its expect_b
python3 - "$here/../tools" "$TMP" <<'PY'
import csv, json, os, sys
sys.path.insert(0, sys.argv[1])
from mkpng import write_png
out = sys.argv[2]
kinds = [(3, 2, 3), (4, 4, 2), (5, 2, 4), (2, 3, 5), (3, 2, 4), (1, 1, 1), (2, 4, 4), (4, 4, 4)]
with open(os.path.join(out, "m.jsonl"), "w") as m, open(os.path.join(out, "h.csv"), "w") as h:
    h.write("item,rater,label\n")
    for i in range(1, 25):
        hl, a, b = kinds[i % len(kinds)]
        name = f"p{i:02d}"
        write_png(os.path.join(out, name + ".png"), 8, 8, (i, 5 * i % 256, 99))
        m.write(json.dumps({"id": name, "path": name + ".png", "expect": a, "expect_b": b}) + "\n")
        h.write(f"{name},ann,{hl}\n")
PY
"$GAVEL" init --db "$db" >/dev/null 2>&1
"$GAVEL" import --db "$db" -q "$TMP/m.jsonl"
"$GAVEL" import-ratings --db "$db" -q "$TMP/h.csv"
start_llm_server
label() {
	"$GAVEL" label --db "$db" --provider openai --model fake-1 --base-url "$LLM_URL/v1" \
		--api-key k --prompt "$1" --backoff 0.05 -q "${@:2}" >/dev/null 2>&1
}
label "$prompts/fake.md" --settled            # run 1: A on the 24 settled items
label "$prompts/fake-b.md" --settled --sample 4 # run 2: B on 4 of them
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions")" 28 "fixture: 28 answers"

# The same server again (the runs stored its address), now with p17-p24
# hanging on their first three attempts.
port=${LLM_URL##*:}
stop_llm_server
start_llm_server --port "$port" --faults "$(printf 'p%02d=hang:20x3,' $(seq 17 24))"
expect_eq "${LLM_URL##*:}" "$port" "the server is back on its port"

# the lab's lines by rank, from prompts list (navigation only)
line_of() { # REF: its line on the lab screen (0 = the first), from its rank
	"$GAVEL" prompts --db "$db" list --resamples 10 | awk -v ref="$1" '$2 == ref { print $1 - 1 }'
}
session() { # NAME: runs $TMP/NAME.script, dumps in $TMP/NAME/
	mkdir -p "$TMP/$1"
	run "$GAVEL" review --db "$db" --reviewer ann --script "$TMP/$1.script" --dump-dir "$TMP/$1"
	expect_rc 0 "session $1"
}
status_line() { sed -n 29p "$TMP/$1/$2.txt"; } # SESSION DUMP: the status line (100x30)
screen() { cat "$TMP/$1/$2.txt"; }

# Session 1: r on B's line reruns it on the 24 settled items (4 from the
# cache); 12 answer at once, 8 hang; x stops it; r resumes it (the eight
# hang again), x stops it again.
b=$(line_of 2)
cat >"$TMP/s1.script" <<EOF
key L
key j*$b r
sleep 1200
dump running
key x
sleep 400
dump stopped
key r
sleep 500
dump resumed
key x
sleep 400
dump stopped-again
key q q
EOF
session s1
run_id=$(sql "$db" "SELECT max(id) FROM runs")
expect_eq "$run_id" 3 "the rerun is run 3, and r after x made no other"
expect_match "$(status_line s1 resumed)" "resuming run 3 .*run 3: 16/24 answered" \
	"r right after x resumes the run (the lab reread itself)"
expect_match "$(status_line s1 running)" "run 3: 16/24 answered \(4 from the cache\)" \
	"the status line shows the run's progress"
expect_match "$(status_line s1 stopped)" "run 3 stopped by you at 16 of 24 \(r resumes it\)" \
	"the status line says it stopped and how to resume"
expect_match "$(screen s1 stopped)" "run 3 stopped before its end: r resumes it" \
	"the lab, reread, says the run can be resumed"
expect_eq "$(sql "$db" "SELECT status, (SELECT count(*) FROM predictions WHERE run_id = 3) FROM runs WHERE id = 3")" \
	"interrupted|16" "run 3 is interrupted with 16 answers"
expect_eq "$(sql "$db" "SELECT count(*) FROM run_items WHERE run_id = 3")" 24 "its plan keeps the 24 items"
run "$GAVEL" label --db "$db" --list
expect_match "$out$err" "--resume 3" "label --list offers to resume run 3"
expect_match "$(status_line s1 stopped-again)" "run 3 stopped by you at 16 of 24" "x stops it again"
before=$(calls)
expect_eq "$before" 28 "28 calls so far: 12 answered, 8 hung twice (4 came from the cache)"

# Session 2: r on the same line resumes run 3 (the eight hang a third
# time); x stops it; r resumes it again, and it finishes.
b=$(line_of 2)
cat >"$TMP/s2.script" <<EOF
key L
key j*$b r
sleep 600
dump resumed
key x
sleep 400
dump stopped
key r
sleep 100
dump resuming
sleep 1200
dump done
key q q
EOF
session s2
expect_match "$(status_line s2 resumed)" "resuming run 3 .*run 3: 16/24 answered" "r resumes run 3"
expect_match "$(status_line s2 stopped)" "run 3 stopped by you at 16 of 24" "x stops it again"
expect_match "$(status_line s2 resuming)" "resuming run 3" "r resumes it at once (the lab reread itself)"
expect_match "$(status_line s2 done)" "run 3 done: 8 ok, 0 unparsed, 0 failed; 0 from the cache, 8 calls made" \
	"the resumed run finishes"
expect_eq "$(sql "$db" "SELECT count(*) FROM runs")" 3 "no new run was made"
expect_eq "$(sql "$db" "SELECT r.status, count(p.id), count(DISTINCT p.item_id) FROM runs r JOIN predictions p ON p.run_id = r.id WHERE r.id = 3")" \
	"done|24|24" "run 3 is done: one answer for each of the 24 items"

# Session 3: compare A (fake.md) with B on the settled items; send the
# broken items, then those where B disagrees with the settled label; the
# re-review order serves them; ann corrects the first one.
a=$(line_of 1) b=$(line_of 2)
cat >"$TMP/s3.script" <<EOF
key L
key j*$a m
key k*9 j*$b c
dump compare
key s b
dump sent-broken
key s d
dump sent-disagrees
key q q o k
dump recheck
EOF
session s3
# the items to send, worked out by lab_rerun_check.py at the end
expect_match "$(screen s3 compare)" "A 1 fake.md  vs  B 2 fake-b.md  on 24 settled items" "the comparison of A and B"
nb=$(sql "$db" "SELECT count(*) FROM recheck WHERE reason = 'broken'")
nd=$(sql "$db" "SELECT count(*) FROM recheck WHERE reason = 'disagrees'")
expect_match "$(screen s3 compare)" " 2 broken $nb " "the comparison counts the broken items it sent"
expect_match "$(status_line s3 sent-broken)" "sent $nb broken items back to review" "s b sends the broken items"
expect_match "$(status_line s3 sent-disagrees)" "sent $nd disagrees items back to review: the review screen's order re-review \(o k\)" \
	"s d sends B's disagreements, and says where to find them"
expect_eq "$(sql "$db" "SELECT count(*) FROM recheck WHERE source = '1 2' AND settled_label = (SELECT human_min FROM item_queue q WHERE q.item_id = recheck.item_id)")" \
	$((nb + nd)) "each request names the comparison and the settled label it had"
expect_eq "$(sql "$db" "SELECT count(*) FROM item_queue WHERE recheck_key IS NOT NULL")" "$nd" \
	"the re-review queue holds each item once (the broken ones disagree too)"
first=$(sql "$db" "SELECT external_id FROM items WHERE id = (SELECT item_id FROM recheck ORDER BY id LIMIT 1)")
expect_match "$(screen s3 recheck)" ">$first " "the re-review order serves the first item sent"
expect_match "$(screen s3 recheck)" "order: re-review" "in the re-review order"

# Session 4: ann gives the first item another label (a correction in the
# log); the comparison, recomputed, counts it.
old=$(sql "$db" "SELECT settled_label FROM recheck ORDER BY id LIMIT 1")
new=$((old % 5 + 1))
a=$(line_of 1) b=$(line_of 2)
cat >"$TMP/s4.script" <<EOF
key o k $new
dump corrected
key L
key j*$a m
key k*9 j*$b c
dump recomputed
key q q q
EOF
session s4
expect_match "$(status_line s4 corrected)" "labelled $new .*: $first" "the correction is made in review"
expect_eq "$(sql "$db" "SELECT human_min, recheck_key IS NULL FROM item_queue WHERE item_id = (SELECT item_id FROM recheck ORDER BY id LIMIT 1)")" \
	"$new|1" "its settled label is now $new, and it left the queue"
# Session 5: a background run that ends while the lab waits for the note
# of an edit (the lab is reread after the edit, not under it: the edit
# keeps its parent). r on A's line (every answer cached), e at once.
printf '#!/bin/sh\nprintf "\\nMind the edges.\\n" >>"$1"\n' >"$TMP/editor.sh"
chmod +x "$TMP/editor.sh"
a=$(line_of 1)
printf 'key L\nkey j*%d\nkey r e\nsleep 500\ntype fix the edges\nkey <Enter>\nsleep 200\ndump edited\nkey q q\n' \
	"$a" >"$TMP/s5.script"
EDITOR=$TMP/editor.sh VISUAL= session s5
expect_match "$(screen s5 edited)" "saved as version 3 \(edit of 1\)" "the edit is saved while the run ended"
expect_eq "$(sql "$db" "SELECT parent_id, note FROM prompt_versions WHERE id = 3")" "1|fix the edges" \
	"the edit keeps its parent and note"
expect_eq "$(sql "$db" "SELECT r.status, count(*), sum(p.cached) FROM runs r JOIN predictions p ON p.run_id = r.id WHERE r.id = 4")" \
	"done|24|24" "the run ended meanwhile, every answer from the cache"
expect_match "$(screen s5 edited)" "^ version 3 .* edit of 1" "the lab, reread after the edit, is on the new version"

strict_check "$here/lab_rerun_check.py" "$db" "$LLM_LOG" "$before" "$TMP/s4/recomputed.txt"
finish
