#!/usr/bin/env bash
# bench_dashboard.sh GAVEL [N [OTHER]] - opening the review dashboard (d) on N items
# (default 250,000) each rated by three reviewers and labelled by the LLM:
# 4N votes (1,000,000 by default), over which the dashboard fits Dawid-Skene
# for its rater accuracy table besides reading the agreement data. Headless:
# the time from the key to the finished frame (GAVEL_TIMING), median of 3,
# and peak memory; the baselines the best of 3. Baselines in the same run: `gavel agree --no-ci` (the same
# reading and the same fit, then text), `gavel settle --rule dawid-skene
# --with-llm` (the fit with its reading alone), the review screen's own
# start, and OTHER's dashboard when given (another build of gavel, e.g. one
# from before the accuracy table), measured in turns with GAVEL's. No target
# is asserted.
set -eu
gavel=${1:?usage: bench_dashboard.sh GAVEL [N [OTHER]]}
n=${2:-250000}
other=${3:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench-dash.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
db=$tmp/d.db

echo "bench_dashboard: building $n items, 3 reviewers and an LLM label each ($((n * 4)) votes)..."
"$gavel" init --db "$db" --scale bad,poor,ok,good,great >/dev/null 2>&1
# the truth is a hash of the id; reviewers are right 90, 80 and 65% of the
# time, the LLM 70%, and otherwise say a neighbouring label
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
INSERT INTO prompt_versions (id, hash, name, text) VALUES (1, 'bench', 'bench.md', 'bench');
INSERT INTO runs (id, provider, model, prompt_version_id, status) VALUES (1, 'openai', 'bench', 1, 'done');
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
INSERT INTO items (id, external_id, has_image) SELECT i, 'item' || i, 0 FROM s;
CREATE TEMP TABLE t AS SELECT id, 1 + (id * 2654435761 % 4294967291) % 5 AS truth FROM items;
INSERT INTO predictions (run_id, item_id, status, score, label)
  SELECT 1, id, 'ok', 1, CASE WHEN (id * 40503 % 65521) % 10 < 7 THEN truth ELSE 1 + truth % 5 END FROM t;
INSERT INTO reviews (item_id, reviewer, decision, label)
  SELECT id, r.name, 'override',
    CASE WHEN ((id * 7919 + r.k * 104729) % 1000003) % 100 < r.acc THEN truth ELSE 1 + (truth + r.k) % 5 END
  FROM t, (SELECT 'ana' name, 1 k, 90 acc UNION ALL SELECT 'ben', 2, 80 UNION ALL SELECT 'cy', 3, 65) r;
COMMIT;
SQL

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ms() { awk '{ print $1 * 1000 }'; } # best's seconds as milliseconds

printf 'key q\n' >"$tmp/quit"
printf 'key d\nkey q\nkey q\n' >"$tmp/dash"
# dashboard GAVEL OUT: one opening's milliseconds appended to OUT
dashboard() {
	GAVEL_TIMING=$tmp/t.log /usr/bin/time -f "%M" -o "$tmp/mem" "$1" review --db "$db" \
		--reviewer viewer --script "$tmp/dash" --graphics none 2>/dev/null
	head -1 "$tmp/t.log" | awk '{ print $2 / 1000 }' >>"$2"
}
: >"$tmp/open"
: >"$tmp/other"
for i in 1 2 3; do
	dashboard "$gavel" "$tmp/open"
	kb=$(cat "$tmp/mem")
	if [ -n "$other" ]; then dashboard "$other" "$tmp/other"; fi
done
open=$(median <"$tmp/open")
other_ms=$( [ -s "$tmp/other" ] && median <"$tmp/other" || echo 0)
start=$(best "$gavel" review --db "$db" --reviewer start --script "$tmp/quit" --graphics none | ms)
agree=$(best "$gavel" agree --db "$db" --no-ci | ms)
settle=$(best "$gavel" settle --db "$db" --rule dawid-skene --with-llm | ms)
"$gavel" settle --db "$db" --rule dawid-skene --with-llm | grep -E '^Dawid-Skene' >"$tmp/fit"

awk -v n="$n" -v open="$open" -v kb="$kb" -v start="$start" -v agree="$agree" -v settle="$settle" \
	-v fit="$(cat "$tmp/fit")" -v other="$other_ms" 'BEGIN {
	printf "review dashboard on %d items, %d votes (3 reviewers and the LLM)\n", n, n * 4
	printf "  d to the finished dashboard:   %6.0f ms median of 3, peak %.0f MB\n", open, kb / 1024
	printf "  gavel agree --no-ci:           %6.0f ms (dashboard / agree: %.2f)\n", agree, open / (agree > 0 ? agree : 1)
	printf "  gavel settle, dawid-skene:     %6.0f ms (the fit with its reading)\n", settle
	printf "  review start to first frame:   %6.0f ms\n", start
	if (other > 0)
		printf "  the other build'"'"'s dashboard:   %6.0f ms (this / other: %.2f)\n", other, open / other
	printf "  %s\n", fit
}'
