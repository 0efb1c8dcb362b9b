#!/usr/bin/env bash
# bench_estimate.sh GAVEL [N] [AUDIT] - gavel estimate on a database of N
# items (default 1,000,000), each with an LLM label and a category, and an
# audit of AUDIT items (default 10,000) drawn by gavel audit and reviewed.
# The whole command is timed, database reads included. Baseline in the same
# run: the sqlite3 shell counting the LLM labels and joining the audit's
# reviews, the floor for reading the data at all. Target: under 1 s.
set -eu
gavel=${1:?usage: bench_estimate.sh GAVEL [N] [AUDIT]}
n=${2:-1000000}
audit=${3:-10000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
db=$tmp/estimate.db

echo "bench_estimate: building $n items with an LLM label, an audit of $audit reviewed..."
"$gavel" init --db "$db" 2>/dev/null
# Labels: the LLM is right on about 80% of items and one step off otherwise.
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
INSERT INTO runs (id, provider, model, status) VALUES (1, 'openai', 'bench', 'done');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
INSERT INTO items (id, external_id, has_image, category)
  SELECT i, 'item' || i, 0, 'cat' || (i % 20) FROM n;
INSERT INTO predictions (run_id, item_id, status, label)
  SELECT 1, id, 'ok', 1 + (id * 7) % 5 FROM items;
COMMIT;
SQL
"$gavel" audit --db "$db" --size "$audit" --seed 7 >/dev/null 2>&1
sqlite3 "$db" >/dev/null <<SQL
BEGIN;
INSERT INTO reviews (item_id, reviewer, decision, label, blind, queue_order)
  SELECT a.item_id, 'ana', 'override',
    CASE WHEN a.item_id % 10 < 8 THEN 1 + (a.item_id * 7) % 5
         ELSE 1 + ((a.item_id * 7) % 5 + 1) % 5 END, 1, 'audit'
  FROM audit_items a;
COMMIT;
SQL

read -r t_base _ < <(best sqlite3 "$db" "SELECT llm_label, count(*) FROM item_queue GROUP BY llm_label; SELECT count(*), sum(s.label = q.llm_label) FROM audit_items a JOIN standing s ON s.item_id = a.item_id JOIN item_queue q ON q.item_id = a.item_id")
read -r t_text kb_text < <(best "$gavel" estimate --db "$db")
shares=$(grep -m1 '^1 ' "$tmp/out")
read -r t_json _ < <(best "$gavel" estimate --db "$db" --json --width 0.01)
read -r t_cat _ < <(best "$gavel" estimate --db "$db" --by category)

awk -v n="$n" -v a="$audit" -v tb="$t_base" -v tt="$t_text" -v tj="$t_json" -v tc="$t_cat" \
	-v kb="$kb_text" -v s="$shares" 'BEGIN {
	printf "gavel estimate on %d items with an LLM label, %d audited and reviewed, best of 3\n", n, a
	printf "  sqlite3 counts and the audit join   %6.2f s  (baseline)\n", tb
	printf "  estimate                            %6.2f s  peak %6.1f MB  %.2fx baseline\n", tt, kb / 1024, tt / (tb > 0 ? tb : 0.01)
	printf "  estimate --json --width 0.01        %6.2f s  %.2fx baseline\n", tj, tj / (tb > 0 ? tb : 0.01)
	printf "  estimate --by category (20)         %6.2f s  %.2fx baseline\n", tc, tc / (tb > 0 ? tb : 0.01)
	printf "  target: estimate under 1 s: %s\n", tt < 1 ? "met" : "MISSED"
	printf "  first label: %s\n", s
}'
