#!/usr/bin/env bash
# bench_dawidskene.sh BUILD [ITEMS] - Dawid-Skene to convergence (tolerance
# 1e-10) on ITEMS items (default 250,000) rated by 4 raters on 5 labels,
# 1,000,000 votes, through build/tools/dawidskene. Memory: peak RSS after one
# iteration against peak RSS at convergence (flat means equal). Baselines in
# the same run: the same EM vectorised with numpy on the same votes (its
# iteration count and priors must agree), and the pure-python reference of
# tests/cli/dawidskene_check.py for 3 iterations on a tenth of the votes, per
# vote. Target: under 5 s to convergence.
set -eu
build=${1:?usage: bench_dawidskene.sh BUILD [ITEMS]}
items=${2:-250000}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
driver=$build/tools/dawidskene
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
make -s -C "$here/../.." "BUILD=$build" "$driver" >/dev/null
"$here/../deps.sh" python3-numpy

echo "bench_dawidskene: generating $((items * 4)) votes..."
python3 "$here/gen_votes.py" "$items" 4 5 1 >"$tmp/votes"
python3 "$here/gen_votes.py" $((items / 10)) 4 5 2 >"$tmp/tenth"

# run OUT ARGS...: the driver's JSON in OUT; prints "wall_s peak_kb"
run() {
	local out=$1; shift
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$driver" --summary "$@" "$tmp/votes" >"$out"
	cat "$tmp/time"
}
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

best_fit=999 best_wall=0 kb=0
for _ in 1 2 3; do
	read -r wall peak < <(run "$tmp/c.json")
	fit=$(field "$tmp/c.json" seconds)
	if awk -v a="$fit" -v b="$best_fit" 'BEGIN { exit !(a < b) }'; then
		best_fit=$fit best_wall=$wall kb=$peak
	fi
done
iters=$(field "$tmp/c.json" iterations)
read -r _ kb_one < <(run "$tmp/one.json" --max-iterations 1)
/usr/bin/python3 "$here/dawidskene_baseline.py" numpy "$tmp/votes" 1e-10 100000 >"$tmp/np.json"
python3 "$here/dawidskene_baseline.py" python "$tmp/tenth" 3 >"$tmp/py.json"
agree=$(python3 -c '
import json, sys
c, n = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
d = max(abs(a - b) for a, b in zip(c["priors"], n["priors"]))
print("yes" if c["iterations"] == n["iterations"] and d < 1e-9 else "NO (%s vs %s iterations, priors off by %.2g)" % (c["iterations"], n["iterations"], d))
' "$tmp/c.json" "$tmp/np.json")

awk -v n="$items" -v it="$iters" -v f="$best_fit" -v w="$best_wall" -v kb="$kb" -v kb1="$kb_one" \
	-v nps="$(field "$tmp/np.json" seconds)" -v npi="$(field "$tmp/np.json" iterations)" \
	-v pys="$(field "$tmp/py.json" seconds)" -v agree="$agree" 'BEGIN {
	votes = n * 4
	printf "Dawid-Skene on %d votes (%d items, 4 raters, 5 labels), tolerance 1e-10\n", votes, n
	printf "  gavel (C), best of 3      %4d iterations  %6.2f s fit  %6.2f s with reading  peak %5.1f MB\n", it, f, w, kb / 1024
	printf "  gavel, one iteration                                                peak %5.1f MB (flat: %s)\n", kb1 / 1024, (kb <= kb1 * 1.05 ? "yes" : "NO")
	printf "  numpy, same EM            %4d iterations  %6.2f s fit  (%.1fx gavel; same fixed point: %s)\n", npi, nps, nps / (f > 0 ? f : 0.01), agree
	per_vote_py = pys / 3 / (votes / 10); per_vote_c = f / it / votes
	printf "  pure python, 3 iterations on a tenth: %.2f s, %.0f ns per vote-iteration (%.0fx gavel)\n", pys, per_vote_py * 1e9, per_vote_py / per_vote_c
	printf "  target: under 5 s to convergence: %s\n", (f < 5 ? "met" : "NOT met")
}'
