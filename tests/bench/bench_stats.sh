#!/usr/bin/env bash
# bench_stats.sh BUILD - the prompt lab's comparison of two runs over 100,000
# settled items with 1,000 resamples (and per category for 8 categories), and
# the catalogue estimates over 1,000,000 items with 10,000 audited. Targets:
# each under 1 s. Baselines in the same run: gavel's own item-index
# bootstrap, and numpy (Debian's python3-numpy, /usr/bin/python3) computing
# the same figures vectorised: the paired bootstrap by bincount of resampled
# label triples, and PPI++ as ppi_py does on one-hot arrays. Figures are
# printed, never asserted. BUILD is the Makefile's build directory.
set -eu
build=${1:?usage: bench_stats.sh BUILD}
cd "$(dirname "$0")/../.."
build=$(cd "$build" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
bin=$build/bench/bench_stats
mkdir -p "$build/bench"
objs=
for o in agree/compare agree/stattest agree/metrics agree/bootstrap agree/ppi base/rng base/status base/xalloc; do
	objs="$objs $build/src/$o.o"
done
# shellcheck disable=SC2086
cc -std=c17 -D_GNU_SOURCE -I. -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -O2 -g -o "$bin" tests/bench/bench_stats.c $objs -lm

tests/deps.sh python3-numpy || echo "bench_stats: python3-numpy is missing; the numpy baselines fail"
# best NAME CMD...: the best of three of the "TIME NAME seconds" line CMD prints
best() {
	local name=$1 b=999 t
	shift
	for _ in 1 2 3; do
		"$@" >"$tmp/out" || true
		t=$(awk -v n="$name" '$1 == "TIME" && $2 == n { s = $3 } END { print s }' "$tmp/out")
		if [ -n "$t" ] && awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
	done
	echo "$b"
}

t_compare=$(best compare "$bin" compare 100000 1000 8)
grep -v '^TIME' "$tmp/out"
t_compare_all=$(best compare_all "$bin" compare 100000 1000 8)
"$bin" dump-compare 100000 >"$tmp/compare.txt"
cat >"$tmp/compare.py" <<'PY'
import sys, time
import numpy as np
d = np.loadtxt(sys.argv[1], dtype=np.int64)
h, a, b = d[:, 0] - 1, d[:, 1] - 1, d[:, 2] - 1
K, n, R = 5, len(h), 1000
i, j = np.meshgrid(np.arange(K), np.arange(K), indexing="ij")
W = [(i != j).astype(float), np.abs(i - j).astype(float), ((i - j) ** 2).astype(float)]
def kappas(t):  # t: K x K counts
    m = t.sum()
    e = np.outer(t.sum(1), t.sum(0)) / m
    return [1 - (w * t).sum() / (w * e).sum() for w in W] + [np.trace(t) / m]
t0 = time.perf_counter()
tri = (h * K + a) * K + b
rng = np.random.default_rng(1)
draws = []
for _ in range(R):
    c = np.bincount(tri[rng.integers(0, n, n)], minlength=K ** 3).reshape(K, K, K)
    draws.append(np.array(kappas(c.sum(1))) - np.array(kappas(c.sum(2))))
lo, hi = np.percentile(np.array(draws), [2.5, 97.5], axis=0)
# the jackknife, grouped by triple as gavel does
c = np.bincount(tri, minlength=K ** 3).reshape(K, K, K)
loo = []
for t in zip(*np.nonzero(c)):
    d3 = c.copy(); d3[t] -= 1
    loo.append((c[t], np.array(kappas(d3.sum(1))) - np.array(kappas(d3.sum(2)))))
cnt = np.array([x[0] for x in loo], float); v = np.array([x[1] for x in loo])
mean = (cnt[:, None] * v).sum(0) / n
se = np.sqrt((n - 1) / n * (cnt[:, None] * (v - mean) ** 2).sum(0))
print("  numpy: quadratic kappa B - A [%.4f, %.4f], jackknife SE %.5f" % (lo[2], hi[2], se[2]))
print("TIME numpy_compare %.6f" % (time.perf_counter() - t0))
PY
t_np_compare=$(best numpy_compare /usr/bin/python3 "$tmp/compare.py" "$tmp/compare.txt")
grep '^  numpy' "$tmp/out" || true

t_ppi=$(best ppi "$bin" ppi 1000000 10000)
grep -v '^TIME' "$tmp/out"
t_ppi_w=$(best ppi_weighted "$bin" ppi 1000000 10000)
"$bin" dump-ppi 1000000 10000 >"$tmp/ppi.txt"
cat >"$tmp/ppi.py" <<'PY'
import sys, time
import numpy as np
d = np.loadtxt(sys.argv[1], dtype=np.int64)
t0 = time.perf_counter()
K = 5
lab = d[:, 0] > 0
Y = np.eye(K)[d[lab, 0] - 1]
Yh = np.eye(K)[d[lab, 1] - 1]
Yu = np.eye(K)[d[~lab, 1] - 1]
n, N = len(Y), len(Yu)
t = Yu.mean(0) + (Y - Yh).mean(0)
g, gh, gu = Y - t, Yh - t, Yu - t
gc, ghc = g - g.mean(0), gh - gh.mean(0)
num = np.trace((gc.T @ ghc + ghc.T @ gc) / n)
den = 2 * (1 + n / N) * np.trace(np.cov(np.concatenate([gh, gu]).T))
lam = min(1, max(0, num / den))
theta = (lam * Yu).mean(0) + (Y - lam * Yh).mean(0)
se = np.sqrt((lam * Yu).std(0) ** 2 / N + (Y - lam * Yh).std(0) ** 2 / n)
print("  numpy: lambda %.4f, label 1 PPI++ %.4f [%.4f, %.4f]" % (lam, theta[0], theta[0] - 1.959964 * se[0], theta[0] + 1.959964 * se[0]))
print("TIME numpy_ppi %.6f" % (time.perf_counter() - t0))
PY
t_np_ppi=$(best numpy_ppi /usr/bin/python3 "$tmp/ppi.py" "$tmp/ppi.txt")
grep '^  numpy' "$tmp/out" || true

awk -v tc="$t_compare" -v ta="$t_compare_all" -v nc="$t_np_compare" -v tp="$t_ppi" -v tw="$t_ppi_w" -v np="$t_np_ppi" 'BEGIN {
	printf "best of 3:\n"
	printf "  compare, 100,000 items, 1,000 resamples              gavel %7.3f s   numpy %7.3f s  (numpy/gavel %.0fx)\n", ta, nc, nc / (ta > 0 ? ta : 1e-3)
	printf "  compare, the same and per category for 8 categories  gavel %7.3f s\n", tc
	printf "  estimate, 1,000,000 items, 10,000 audited            gavel %7.3f s   numpy %7.3f s  (numpy/gavel %.0fx)\n", tp, np, np / (tp > 0 ? tp : 1e-3)
	printf "  estimate, design-weighted                            gavel %7.3f s\n", tw
	printf "  (numpy times exclude reading the data; gavel counts the items into cells itself)\n"
	printf "  target under 1 s: compare %s, estimate %s\n", (tc < 1 ? "met" : "NOT met"), (tp < 1 && tw < 1 ? "met" : "NOT met")
}'
