#!/usr/bin/env bash
# bench_hostile.sh GAVEL [MB] [N] - peak memory of `gavel label` at
# --concurrency 8 against a hostile endpoint whose replies are MB megabytes
# (default 60), sent with and without a Content-Length, next to the same run
# against well-behaved replies (the baseline, in the same run). A reply is
# capped at 16 MB, so the peak must not grow with MB: the ratio to the
# baseline is the figure (issue 9: 60 MB replies took 470 MB before the cap).
set -eu
gavel=${1:?usage: bench_hostile.sh GAVEL [MB] [N]}
mb=${2:-60}
n=${3:-16}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench-hostile.XXXXXX")
server_pid=""
trap '[ -n "$server_pid" ] && kill $server_pid 2>/dev/null; rm -rf "$tmp"' EXIT

python3 "$here/gen_manifest.py" "$tmp" "$n" >/dev/null
faults=""
for i in $(seq 0 $((n - 1))); do # gen_manifest.py's ids
	mode=huge
	[ $((i % 2)) -eq 0 ] && mode=hugestream
	faults="$faults${faults:+,}$(printf 'item-%06d' "$i")=$mode:$mb"
done
python3 "$here/../llmserver/server.py" --port-file "$tmp/port" --faults "$faults" \
	--parent-pid $$ --idle-timeout 600 >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
url="http://127.0.0.1:$(cat "$tmp/port")/v1"

# one TEMPLATE-LINE: prints "seconds peak_kb"
one() {
	rm -f "$tmp/g.db"*
	printf '# user\n%s\n{{image}}\nRate it.\n' "$1" >"$tmp/p.md"
	"$gavel" init --db "$tmp/g.db" 2>/dev/null
	"$gavel" import --db "$tmp/g.db" -q --no-probe "$tmp/manifest.jsonl"
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$gavel" label --db "$tmp/g.db" \
		--provider openai --model bench --base-url "$url" --prompt "$tmp/p.md" \
		--concurrency 8 --max-attempts 1 -q >/dev/null 2>&1 || true
	cat "$tmp/time"
}

echo "bench_hostile: $n items, --concurrency 8, replies of $mb MB..."
read -r t_ok kb_ok < <(one "ITEM:ok-{{id}} EXPECT_SCORE:3")
read -r t_big kb_big < <(one "ITEM:{{id}} EXPECT_SCORE:3")
stored=$(sqlite3 "$tmp/g.db" "SELECT ifnull(max(length(raw_reply)), 0) FROM predictions")
awk -v n="$n" -v mb="$mb" -v tok="$t_ok" -v kok="$kb_ok" -v tbig="$t_big" -v kbig="$kb_big" \
	-v stored="$stored" 'BEGIN {
	printf "label of %d items at --concurrency 8\n", n
	printf "  well-behaved replies: %6.1f s  peak %7.1f MB\n", tok, kok / 1024
	printf "  %3d MB replies:       %6.1f s  peak %7.1f MB (ratio %.1f)\n", mb, tbig, kbig / 1024, kbig / kok
	printf "  largest raw reply stored: %.1f MB\n", stored / 1048576
}'
