#!/usr/bin/env bash
# bench_agree.sh GAVEL [N] - gavel agree on a database of N items (default
# 1,000,000), each with an LLM label and a human label, without intervals and
# with 1,000-resample intervals. Baseline in the same run: the sqlite3 shell
# counting the same join of reviews and predictions, the floor for reading
# the data at all. Targets: under 1 s without intervals, under 5 s with.
set -eu
gavel=${1:?usage: bench_agree.sh GAVEL [N]}
n=${2:-1000000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
db=$tmp/agree.db

echo "bench_agree: building $n items with an LLM and a human label..."
"$gavel" init --db "$db" 2>/dev/null
# Labels: the LLM is right on about 70% of items and one step off otherwise.
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
INSERT INTO prompt_versions (id, hash, name, text) VALUES (1, 'bench', 'bench.md', 'bench');
INSERT INTO runs (id, provider, model, prompt_version_id, status) VALUES (1, 'openai', 'bench', 1, 'done');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
INSERT INTO items (id, external_id, has_image) SELECT i, 'item' || i, 0 FROM n;
INSERT INTO predictions (run_id, item_id, status, score, label, prompt_tokens, completion_tokens)
  SELECT 1, id, 'ok', 1 + (id * 7) % 5, 1 + (id * 7) % 5, 900, 150 FROM items;
INSERT INTO reviews (item_id, reviewer, decision, label, blind)
  SELECT id, CASE id % 3 WHEN 0 THEN 'ana' WHEN 1 THEN 'ben' ELSE 'cy' END,
    CASE WHEN id % 10 < 7 THEN 'accept' ELSE 'override' END,
    CASE WHEN id % 10 < 7 THEN 1 + (id * 7) % 5
         ELSE 1 + ((id * 7) % 5 + 1 + (id % 2) * 3) % 5 END, id % 5 = 0 FROM items;
COMMIT;
SQL

read -r t_base _ < <(best sqlite3 "$db" "SELECT count(*), sum(p.label = r.label) FROM reviews r JOIN predictions p ON p.item_id = r.item_id")
read -r t_noci kb_noci < <(best "$gavel" agree --db "$db" --no-ci)
read -r t_ci kb_ci < <(best "$gavel" agree --db "$db")
kappa=$(grep -m1 "kappa, quadratic" "$tmp/out")
"$gavel" agree --db "$db" --json --no-ci --by prompt >"$tmp/json"
read -r t_by _ < <(best "$gavel" agree --db "$db" --by prompt)

awk -v n="$n" -v tb="$t_base" -v tn="$t_noci" -v tc="$t_ci" -v tp="$t_by" -v kn="$kb_noci" \
	-v kc="$kb_ci" -v k="$kappa" 'BEGIN {
	printf "gavel agree on %d items (LLM and human label each, 3 reviewers), best of 3\n", n
	printf "  sqlite3 count over the join %6.2f s  (baseline)\n", tb
	printf "  agree --no-ci                %6.2f s  peak %6.1f MB  %.2fx baseline\n", tn, kn / 1024, tn / (tb > 0 ? tb : 0.01)
	printf "  agree (1,000 resamples)      %6.2f s  peak %6.1f MB  %.2fx baseline\n", tc, kc / 1024, tc / (tb > 0 ? tb : 0.01)
	printf "  agree --by prompt            %6.2f s\n", tp
	printf "  LLM vs settled:%s\n", substr(k, 3)
	printf "  target: under 1 s without intervals: %s; under 5 s with: %s\n", (tn < 1 ? "met" : "NOT met"), (tc < 5 ? "met" : "NOT met")
}'
