#!/usr/bin/env bash
# bench_label.sh GAVEL [N] - label N items (default 1,000) against the local
# fake server with 200 ms latency per request, at --concurrency 32 and at 1.
# Ideal rates: 32 / 0.2 s = 160 items/s and 1 / 0.2 s = 5 items/s; the ratio
# to the ideal is the figure. Also gavel's own CPU time per request, and peak
# memory at N/10 and N items (flat means it does not grow with the run).
set -eu
gavel=${1:?usage: bench_label.sh GAVEL [N]}
n=${2:-1000}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench-label.XXXXXX")
server_pid=""
trap '[ -n "$server_pid" ] && kill $server_pid 2>/dev/null; rm -rf "$tmp"' EXIT

python3 "$here/gen_manifest.py" "$tmp" "$n" >/dev/null
python3 "$here/../llmserver/server.py" --port-file "$tmp/port" --latency-ms 200 \
	--parent-pid $$ --idle-timeout 600 >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
url="http://127.0.0.1:$(cat "$tmp/port")/v1"
printf '# user\nITEM:{{id}} EXPECT_SCORE:3\n{{image}}\nRate it.\n' >"$tmp/p.md"

# one RUN-NAME CONCURRENCY LIMIT: prints "seconds cpu_seconds peak_kb"
one() {
	rm -f "$tmp/g.db"*
	"$gavel" init --db "$tmp/g.db" 2>/dev/null
	"$gavel" import --db "$tmp/g.db" -q --no-probe "$tmp/manifest.jsonl"
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$gavel" label --db "$tmp/g.db" \
		--provider openai --model bench --base-url "$url" --prompt "$tmp/p.md" \
		--concurrency "$2" --limit "$3" -q
	local ok; ok=$(sqlite3 "$tmp/g.db" "SELECT count(*) FROM predictions WHERE status = 'ok'")
	[ "$ok" -eq "$3" ] || { echo "bench_label: only $ok of $3 labelled" >&2; exit 1; }
	awk '{ printf "%s %.3f %s\n", $1, $2 + $3, $4 }' "$tmp/time"
}

echo "bench_label: $n items, 200 ms per request..."
read -r t32 cpu32 kb32 < <(one c32 32 "$n")
read -r t32s _ kb32s < <(one c32small 32 $((n / 10)))
read -r t1 cpu1 _ < <(one c1 1 "$n")
awk -v n="$n" -v t32="$t32" -v c32="$cpu32" -v k32="$kb32" -v k32s="$kb32s" -v t1="$t1" -v c1="$cpu1" 'BEGIN {
	r32 = n / t32; r1 = n / t1
	printf "label of %d items, 200 ms latency\n", n
	printf "  --concurrency 32: %6.1f s  %6.1f items/s  = %5.1f%% of ideal 160/s  cpu %.2f ms/request  peak %.1f MB\n", t32, r32, 100 * r32 / 160, 1000 * c32 / n, k32 / 1024
	printf "  --concurrency 1:  %6.1f s  %6.1f items/s  = %5.1f%% of ideal 5/s    cpu %.2f ms/request\n", t1, r1, 100 * r1 / 5, 1000 * c1 / n
	printf "  speed-up 32 vs 1: %.1fx (ideal 32x)\n", r32 / r1
	printf "  peak memory at %d items: %.1f MB, at %d: %.1f MB (ratio %.2f)\n", n / 10, k32s / 1024, n, k32 / 1024, k32 / k32s
	printf "  targets: >= 90%% of ideal at 32: %s; cpu < 2 ms/request: %s\n", (r32 >= 144 ? "met" : "NOT met"), (1000 * c32 / n < 2 ? "met" : "NOT met")
}'
