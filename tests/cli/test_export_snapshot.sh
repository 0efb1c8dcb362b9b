#!/usr/bin/env bash
# gavel export while another process writes: the rows and the manifest's
# content hash (computed on a second connection, on a thread) come from the
# same committed state, checked by export_check.py against a hash it
# computes itself; and when the momentary write lock that lines the two
# snapshots up cannot be had (another writer holds the lock), the export
# still completes, with the hash of the state it read. Also: the JSONL of
# a database with strings that need every kind of escape and a run asked
# three times per item, against Python's own reading of the database
# (export_check.py rows): one row an item, showing an answer of the majority.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
check=$here/export_check.py

pycheck() { # NAME ARGS...: export_check.py ARGS, its failures named NAME
	python_check -n "$1" "$check" "${@:2}"
}

# ---- 10,000 items with a vote and an LLM answer each ----
db=$TMP/w.db
"$GAVEL" init --db "$db" >/dev/null 2>&1
sqlite3 "$db" >/dev/null <<'SQL'
BEGIN;
INSERT INTO prompt_versions (id, hash, name, text) VALUES (1, 'p', 'p.md', 'p');
INSERT INTO runs (id, provider, model, prompt_version_id, status) VALUES (1, 'openai', 'm', 1, 'done');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO items (id, external_id, has_image) SELECT i, 'i' || i, 0 FROM n;
INSERT INTO predictions (run_id, item_id, status, label, rationale)
  SELECT 1, id, 'ok', 1 + id % 5, 'why ' || id FROM items;
INSERT INTO reviews (item_id, reviewer, decision, label, created_at)
  SELECT id, 'ann', 'override', 1 + id % 4, '2026-01-01T00:00:00Z' FROM items;
COMMIT;
SQL

# a writer adding items one per commit until told to stop
writer() {
	python3 - "$db" "$TMP/stop" "$TMP/started" "$1" <<'EOF'
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
con.execute("PRAGMA synchronous = OFF")
i = 0
while not os.path.exists(sys.argv[2]):
    i += 1
    con.execute("INSERT INTO items (external_id, has_image) VALUES (?, 0)", ("w%s-%d" % (sys.argv[4], i),))
    if i == 5:
        open(sys.argv[3], "w").close()
EOF
}
for round in 1 2; do
	rm -f "$TMP/stop" "$TMP/started"
	writer "$round" &
	pid=$!
	for _ in $(seq 1 200); do [ -e "$TMP/started" ] && break; sleep 0.05; done
	run "$GAVEL" export --db "$db" -q --all "$TMP/x$round"
	touch "$TMP/stop"
	wait "$pid"
	expect_rc 0 "export during writes, round $round"
	pycheck "round $round" snapshot "$db" "$TMP/x$round"
done

# another process holds the write lock past the wait: the export goes on
rm -f "$TMP/held"
python3 - "$db" "$TMP/held" <<'EOF' &
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
con.execute("INSERT INTO items (external_id, has_image) VALUES ('uncommitted', 0)")
open(sys.argv[2], "w").close()
time.sleep(3)
con.execute("ROLLBACK")
EOF
pid=$!
for _ in $(seq 1 100); do [ -e "$TMP/held" ] && break; sleep 0.05; done
run "$GAVEL" export --db "$db" -q --all "$TMP/held-x"
wait "$pid"
expect_rc 0 "export while another process holds the write lock"
pycheck "lock held" manifest "$db" "$TMP/held-x"
expect_eq "$(wc -l <"$TMP/held-x/gold.jsonl")" "$(sql "$db" "SELECT count(*) FROM items")" \
	"every committed item, none of the uncommitted"

# ---- strings that need escapes, through Python's json reader ----
e=$TMP/e.db
"$GAVEL" init --db "$e" >/dev/null 2>&1
python3 - "$e" <<'EOF'
import random, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
rng = random.Random(4)
# every control character, quotes and backslashes at run edges, long plain
# runs (the 8-byte scan), multi-byte UTF-8, U+2028, an empty string
alphabet = [chr(c) for c in range(32)] + ['"', "\\", "a", "\u00e9", "\u2028", "\U0001F600", "/"]
def text():
    n = rng.choice([0, 1, 7, 8, 9, 15, 16, 17, 40])
    s = "".join(rng.choice(alphabet) if rng.random() < 0.3 else "x" for _ in range(n))
    return s.replace("\0", "")
con.execute("INSERT INTO prompt_versions (id, hash, name, text) VALUES (1, ?, ?, 'p')", (text(), text()))
con.execute("INSERT INTO runs (id, provider, model, prompt_version_id, status) VALUES (1, 'openai', ?, 1, 'done')", (text(),))
for i in range(1, 401):
    con.execute("INSERT INTO items (id, external_id, title, category, has_image) VALUES (?, ?, ?, ?, 0)",
                (i, "e%d%s" % (i, text()), text(), text()))
    con.execute("INSERT INTO predictions (run_id, item_id, status, label, score, confidence, rationale)"
                " VALUES (1, ?, 'ok', ?, ?, ?, ?)",
                (i, rng.randint(1, 5), rng.choice([None, rng.uniform(-1e6, 1e6), float(rng.randint(-9, 9)),
                                                    -0.0, 1e15, 123456789012345.0, 0.1]),
                 rng.choice([None, rng.random()]), text()))
    con.execute("INSERT INTO reviews (item_id, reviewer, decision, label, note, created_at)"
                " VALUES (?, ?, 'override', ?, ?, ?)", (i, "r" + text(), rng.randint(1, 5), text(), "2026-01-0%dT00:00:00Z" % rng.randint(1, 9)))
# a second run asked three times (--repeat 3): on items 1-80 samples 1 and
# 2 agree on a label sample 0 does not give (sample 0 failed on even items);
# on 81-100 all three differ (a tie: the lowest label)
con.execute("INSERT INTO runs (id, provider, model, prompt_version_id, status, repeats)"
            " VALUES (2, 'openai', 'm2', 1, 'done', 3)")
for i in range(1, 101):
    labels = [1 + i % 5, 1 + (i + 1) % 5, 1 + (i + 1) % 5] if i <= 80 else \
        [1 + (i + s) % 5 for s in range(3)]
    for sample in range(3):
        failed = sample == 0 and i % 2 == 0 and i <= 80
        con.execute("INSERT INTO predictions (run_id, item_id, sample, status, label, rationale)"
                    " VALUES (2, ?, ?, ?, ?, ?)", (i, sample, "failed" if failed else "ok",
                                                  None if failed else labels[sample],
                                                  "sample %d" % sample))
con.commit()
EOF
run "$GAVEL" export --db "$e" -q --all "$TMP/esc"
expect_rc 0 "export of escaped strings"
pycheck "escapes" rows "$e" "$TMP/esc" --all
expect_eq "$(python3 - "$TMP/esc/gold.jsonl" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
shown = [r["llm_rationale"] for r in rows[:100]]
# 81: labels 2 3 4, a tie to 2 (sample 0); 83: 4 5 1 -> 1 (sample 2)
print(len(rows), set(shown[:80]), shown[80], shown[82], all(r["llm_run"] == 2 for r in rows[:100]))
EOF
)" "400 {'sample 1'} sample 0 sample 2 True" \
	"a run with --repeat: one row an item, an answer of the majority (a tie to the lower label)"
finish
