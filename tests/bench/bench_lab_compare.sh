#!/usr/bin/env bash
# bench_lab_compare.sh GAVEL [N] - gavel prompts compare run:1 run:2 on N
# settled items (default 100,000), each labelled by two runs, with 1,000
# paired bootstrap resamples. Baselines in the same run: the sqlite3 shell
# reading the same join (the floor for reading the data at all) and the
# comparison with one resample (loading, classes, kappas, jackknife,
# McNemar: everything but the bootstrap). Target: under 1 s.
set -eu
gavel=${1:?usage: bench_lab_compare.sh GAVEL [N]}
n=${2:-100000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
db=$tmp/lab.db

echo "bench_lab_compare: building $n settled items labelled by two runs..."
"$gavel" init --db "$db" 2>/dev/null
# people settle every item; run 1 is right on ~60%, run 2 on ~70%, else a step off
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
INSERT INTO runs (id, provider, model, status) VALUES (1, 'import', 'a', 'done'), (2, 'import', 'b', 'done');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
INSERT INTO items (id, external_id, has_image) SELECT i, 'item' || i, 0 FROM n;
INSERT INTO reviews (item_id, reviewer, decision, label, blind)
  SELECT id, CASE id % 3 WHEN 0 THEN 'ana' WHEN 1 THEN 'ben' ELSE 'cy' END, 'override',
    1 + (id * 7) % 5, 1 FROM items;
INSERT INTO predictions (run_id, item_id, status, score, label)
  SELECT 1, id, 'ok', l, l FROM (SELECT id, CASE WHEN (id * 13) % 10 < 6 THEN 1 + (id * 7) % 5
    ELSE 1 + ((id * 7) % 5 + 1 + (id % 2) * 2) % 5 END l FROM items);
INSERT INTO predictions (run_id, item_id, status, score, label)
  SELECT 2, id, 'ok', l, l FROM (SELECT id, CASE WHEN (id * 17) % 10 < 7 THEN 1 + (id * 7) % 5
    ELSE 1 + ((id * 7) % 5 + 4 - (id % 2) * 2) % 5 END l FROM items);
COMMIT;
SQL

read -r t_base _ < <(best sqlite3 "$db" "SELECT count(*), sum(a.label = b.label) FROM predictions a JOIN predictions b ON b.item_id = a.item_id AND b.run_id = 2 JOIN reviews r ON r.item_id = a.item_id WHERE a.run_id = 1")
read -r t_one _ < <(best "$gavel" prompts --db "$db" compare run:1 run:2 --resamples 1)
read -r t_full kb < <(best "$gavel" prompts --db "$db" compare run:1 run:2 --resamples 1000)
got=$("$gavel" prompts --db "$db" compare run:1 run:2 --json --resamples 1000 |
	python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["n"], d["bootstrap"]["resamples"], d["bootstrap"]["resampled_by"], round(d["kappa_quadratic"]["diff"], 4))')

awk -v n="$n" -v tb="$t_base" -v t1="$t_one" -v tf="$t_full" -v kb="$kb" -v got="$got" 'BEGIN {
	printf "prompts compare run:1 run:2 on %d settled items, best of 3\n", n
	printf "  sqlite3 reading the join       %6.2f s  (baseline)\n", tb
	printf "  compare, 1 resample            %6.2f s  %.2fx baseline\n", t1, t1 / (tb > 0 ? tb : 0.01)
	printf "  compare, 1,000 resamples       %6.2f s  %.2fx baseline  peak %.1f MB\n", tf, tf / (tb > 0 ? tb : 0.01), kb / 1024
	printf "  (n, resamples, resampled by, quadratic kappa B - A: %s)\n", got
	printf "  target: under 1 s with 1,000 resamples: %s\n", (tf < 1 ? "met" : "NOT met")
}'
