#!/usr/bin/env bash
# bench_dashboard.sh GAVEL [N [OTHER]] - opening the review dashboard (d) on N items
# (default 250,000) each rated by three reviewers and labelled by the LLM:
# 4N votes (1,000,000 by default), over which the dashboard fits Dawid-Skene
# for its rater accuracy table besides reading the agreement data; the fit
# runs on a worker (ui/accuracyjob.c). Headless (GAVEL_TIMING), median of 3:
# the time from the key to the first frame, to the frame with the table
# (the script's dump waits for it), and of closing the dashboard while it
# fits; peak memory; the baselines the best of 3. Baselines in the same
# run: `gavel agree --no-ci` (the same reading and the same fit, then text),
# `gavel settle --rule dawid-skene --with-llm` (the fit with its reading
# alone), the review screen's own start, and OTHER's dashboard when given
# (another build of gavel, e.g. one from before the accuracy table, or one
# that fitted it before the first frame), measured in turns with GAVEL's.
# No target is asserted.
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
# open the dashboard; the dump waits for the fit (docs/review.md)
printf 'key d\ndump full\nkey q\nkey q\n' >"$tmp/dash"
# open it and leave at once, while the fit runs
printf 'key d\nkey q\nkey q\n' >"$tmp/leave"
# dashboard GAVEL: one opening's milliseconds appended to $tmp/first.GAVEL
# (the key to the first frame) and $tmp/table.GAVEL (the key to the frame
# with the accuracy table: the first frame for a build that fits before it)
dashboard() {
	GAVEL_TIMING=$tmp/t.log /usr/bin/time -f "%M" -o "$tmp/mem" "$1" review --db "$db" \
		--reviewer viewer --script "$tmp/dash" --dump-dir "$tmp" --graphics none 2>/dev/null
	if [ "$2" = this ] && ! grep -q 'rater accuracy P' "$tmp/full.txt"; then
		echo "bench_dashboard: no accuracy table on the dump" >&2
		exit 1
	fi
	awk '$1 == "key" && !k { k = $2 / 1000 } $1 == "fit" { f = $2 / 1000 }
		END { print k >>"'"$tmp/first.$2"'"; print (f ? f : k) >>"'"$tmp/table.$2"'" }' "$tmp/t.log"
}
# leave GAVEL: the whole run's milliseconds and the close key's (q while
# the fit runs), appended to $tmp/leave.GAVEL and $tmp/close.GAVEL
leave() {
	GAVEL_TIMING=$tmp/t.log /usr/bin/time -f "%e" -o "$tmp/wall" "$1" review --db "$db" \
		--reviewer viewer --script "$tmp/leave" --graphics none 2>/dev/null
	awk '{ print $1 * 1000 }' "$tmp/wall" >>"$tmp/leave.$2"
	awk '$1 == "key" { n++ } n == 2 { print $2 / 1000; exit }' "$tmp/t.log" >>"$tmp/close.$2"
}
for i in 1 2 3; do
	dashboard "$gavel" this
	kb=$(cat "$tmp/mem")
	leave "$gavel" this
	if [ -n "$other" ]; then dashboard "$other" other; fi
done
first=$(median <"$tmp/first.this")
table=$(median <"$tmp/table.this")
close=$(median <"$tmp/close.this")
left=$(median <"$tmp/leave.this")
other_ms=$( [ -s "$tmp/first.other" ] && median <"$tmp/first.other" || echo 0)
other_table=$( [ -s "$tmp/table.other" ] && median <"$tmp/table.other" || echo 0)
start=$(best "$gavel" review --db "$db" --reviewer start --script "$tmp/quit" --graphics none | ms)
agree=$(best "$gavel" agree --db "$db" --no-ci | ms)
settle=$(best "$gavel" settle --db "$db" --rule dawid-skene --with-llm | ms)
"$gavel" settle --db "$db" --rule dawid-skene --with-llm | grep -E '^Dawid-Skene' >"$tmp/fit"

awk -v n="$n" -v first="$first" -v table="$table" -v closing="$close" -v left="$left" -v kb="$kb" \
	-v start="$start" -v agree="$agree" -v settle="$settle" -v fit="$(cat "$tmp/fit")" \
	-v other="$other_ms" -v other_table="$other_table" 'BEGIN {
	printf "review dashboard on %d items, %d votes (3 reviewers and the LLM)\n", n, n * 4
	printf "  d to the first frame:          %6.0f ms median of 3 (the table being fitted)\n", first
	printf "  d to the accuracy table:       %6.0f ms median of 3, peak %.0f MB\n", table, kb / 1024
	printf "  q while it fits, to its frame: %6.0f ms median of 3 (the fit stopped, not waited for)\n", closing
	printf "  d q q, the whole run:          %6.0f ms median of 3 (review start alone: %.0f ms)\n", left, start
	printf "  gavel agree --no-ci:           %6.0f ms (table / agree: %.2f)\n", agree, table / (agree > 0 ? agree : 1)
	printf "  gavel settle, dawid-skene:     %6.0f ms (the fit with its reading)\n", settle
	printf "  review start to first frame:   %6.0f ms\n", start
	if (other > 0) {
		printf "  the other build: first frame   %6.0f ms (this / other: %.2f)\n", other, first / other
		printf "  the other build: the table     %6.0f ms (this / other: %.2f)\n", other_table, table / other_table
	}
	printf "  %s\n", fit
}'
