#!/usr/bin/env bash
# bench_review.sh GAVEL [N] - the review UI on a database of N items (default
# 1,000,000), headless (curses draws into a virtual screen; sixel bytes go to
# /dev/null): start to first frame, a decision key to the next frame with text
# only and with a prefetched sixel image, and peak memory. Baselines in the
# same run: `gavel stats` on the same database, and a process that only starts.
set -eu
gavel=${1:?usage: bench_review.sh GAVEL [N]}
n=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench-review.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
db=$tmp/g.db

echo "bench_review: building a database of $n items..."
"$gavel" init --db "$db" 2>/dev/null
ls "$root"/samples/images/*.jpg | head -40 >"$tmp/paths"
sqlite3 "$db" <<SQL
CREATE TEMP TABLE p (k INTEGER PRIMARY KEY, path TEXT);
.mode csv
.import $tmp/paths p_raw
INSERT INTO p (path) SELECT * FROM p_raw;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
INSERT INTO items (external_id, path, title, category, width, height, format)
SELECT printf('item-%07d', i), (SELECT path FROM p WHERE k = 1 + i % (SELECT count(*) FROM p)),
       printf('商品 %d – product photo', i), 'cat' || (i % 7), 800, 600, 'JPEG' FROM s;
INSERT INTO runs (provider, model, status) VALUES ('heuristic', 'heuristic-v1', 'done');
INSERT INTO predictions (run_id, item_id, status, score, label, confidence, rationale, aspects)
SELECT 1, id, 'ok', 1 + id % 5, 1 + id % 5, 0.5 + (id % 50) / 100.0,
       'The item is clearly visible and centred; the background is plain; the lighting is even with a slight warm cast and the focus is sharp across the product.',
       '{"clarity":"whole item visible","context":"plain background","photography":"even light"}'
FROM items;
SQL

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
p95() { sort -n | awk '{ a[NR] = $1 } END { i = int(NR * 0.95); if (i < 1) i = 1; print a[i] }'; }
wall_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }

printf 'key q\n' >"$tmp/quit"
for i in 1 2 3 4 5 6 7; do
	wall_ms "$gavel" review --db "$db" --reviewer "start$i" --script "$tmp/quit" --graphics none
done | median >"$tmp/first"
for i in 1 2 3 4 5 6 7; do wall_ms "$gavel" stats --db "$db"; done | median >"$tmp/stats"
for i in 1 2 3 4 5 6 7; do wall_ms "$gavel" --version; done | median >"$tmp/bare"

printf 'key a*300\nkey q\n' >"$tmp/keys"
GAVEL_TIMING=$tmp/text.log "$gavel" review --db "$db" --reviewer text --script "$tmp/keys" --graphics none 2>/dev/null
: >"$tmp/img.script"
for i in $(seq 1 60); do printf 'sleep 150\nkey a\n' >>"$tmp/img.script"; done
printf 'key q\n' >>"$tmp/img.script"
GAVEL_TIMING=$tmp/img.log /usr/bin/time -f "%M" -o "$tmp/mem" "$gavel" review --db "$db" --reviewer img \
	--script "$tmp/img.script" --graphics sixel --size 160x45 2>/dev/null
text_med=$(awk '{ print $2 / 1000 }' "$tmp/text.log" | median)
text_p95=$(awk '{ print $2 / 1000 }' "$tmp/text.log" | p95)
img_n=$(awk '$4 == 1' "$tmp/img.log" | wc -l)
img_med=$(awk '$4 == 1 { print $2 / 1000 }' "$tmp/img.log" | median)
img_p95=$(awk '$4 == 1 { print $2 / 1000 }' "$tmp/img.log" | p95)
echo "review UI on $n items (headless)"
printf '  start to first frame:        %5s ms median of 7   (gavel stats: %s ms, bare start: %s ms)\n' "$(cat "$tmp/first")" "$(cat "$tmp/stats")" "$(cat "$tmp/bare")"
printf '  key to next frame, text:     %6.2f ms median, %6.2f ms p95 (%d keys)\n' "$text_med" "$text_p95" "$(wc -l <"$tmp/text.log")"
printf '  key to next frame, sixel:    %6.2f ms median, %6.2f ms p95 (%d keys with the image prefetched)\n' "${img_med:-0}" "${img_p95:-0}" "$img_n"
printf '  peak memory, sixel session:  %6.1f MB\n' "$(awk '{ print $1 / 1024 }' "$tmp/mem")"
awk -v f="$(cat "$tmp/first")" -v t="$text_med" -v i="${img_med:-999}" -v m="$(cat "$tmp/mem")" 'BEGIN {
	printf "  targets: first frame < 150 ms: %s; text < 2 ms: %s; image < 10 ms: %s; memory < 64 MB: %s\n",
		f < 150 ? "met" : "NOT met", t < 2 ? "met" : "NOT met", i < 10 ? "met" : "NOT met", m / 1024 < 64 ? "met" : "NOT met"
}'
