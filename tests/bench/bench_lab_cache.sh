#!/usr/bin/env bash
# bench_lab_cache.sh GAVEL [N] - the prompt lab's cached rerun: N items
# (default 10,000) labelled once against the local fake server with 200 ms
# latency per request (--concurrency 64), then the same prompt and model run
# again as a new run: every answer must come from the call cache, with no
# request reaching the server. Baseline in the same run: the first, uncached
# run (ideal N x 0.2 s / 64). Target: the cached rerun under 2 s.
set -eu
gavel=${1:?usage: bench_lab_cache.sh GAVEL [N]}
n=${2:-10000}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench-cache.XXXXXX")
server_pid=""
trap '[ -n "$server_pid" ] && kill $server_pid 2>/dev/null; rm -rf "$tmp"' EXIT

python3 "$here/gen_manifest.py" "$tmp" "$n" >/dev/null
python3 "$here/../llmserver/server.py" --port-file "$tmp/port" --latency-ms 200 \
	--log "$tmp/log" --parent-pid $$ --idle-timeout 900 >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
url="http://127.0.0.1:$(cat "$tmp/port")/v1"
printf '# user\nITEM:{{id}} EXPECT_SCORE:3\n{{image}}\nRate it.\n' >"$tmp/p.md"
"$gavel" init --db "$tmp/g.db" 2>/dev/null
"$gavel" import --db "$tmp/g.db" -q --no-probe "$tmp/manifest.jsonl"

# label TIMEFILE ARGS...: one run of every item
label() {
	/usr/bin/time -f "%e %M" -o "$1" "$gavel" label --db "$tmp/g.db" --provider openai \
		--model bench --base-url "$url" --api-key k --prompt "$tmp/p.md" --items all \
		--concurrency 64 -q --json "${@:2}" >"$tmp/summary"
}
calls() { grep -c '"path": "/v1/chat/completions"' "$tmp/log" || true; }

echo "bench_lab_cache: $n items, 200 ms per request; first run (fills the cache)..."
label "$tmp/t1"
first_calls=$(calls)
label "$tmp/t2"
second_calls=$(( $(calls) - first_calls ))
hits=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["cache_hits"], d["cache_misses"])' "$tmp/summary")
cached=$(sqlite3 "$tmp/g.db" "SELECT count(*) FROM predictions WHERE run_id = 2 AND cached AND status = 'ok'")
read -r t1 _ <"$tmp/t1"
read -r t2 kb2 <"$tmp/t2"

awk -v n="$n" -v t1="$t1" -v t2="$t2" -v kb="$kb2" -v c1="$first_calls" -v c2="$second_calls" \
	-v hits="$hits" -v cached="$cached" 'BEGIN {
	printf "label, %d items, 200 ms latency, --concurrency 64\n", n
	printf "  first run (uncached)   %7.2f s  %d calls  (ideal %.1f s)  (baseline)\n", t1, c1, n * 0.2 / 64
	printf "  cached rerun           %7.2f s  %d calls  %.1fx faster  peak %.1f MB\n", t2, c2, t1 / (t2 > 0 ? t2 : 0.01), kb / 1024
	printf "  hits, misses: %s; answers marked cached: %d\n", hits, cached
	printf "  target: cached rerun under 2 s with no call: %s\n", (t2 < 2 && c2 == 0 && cached == n ? "met" : "NOT met")
}'
