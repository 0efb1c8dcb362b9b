#!/usr/bin/env bash
# bench_sha256.sh BUILD [MB] - SHA-256 throughput of sha256_file (the hash
# import computes for every image) on an MB-megabyte file (default 256) of
# random bytes, warm in the page cache, next to sha256sum and `openssl dgst`
# on the same file in the same run: medians of 5, and the ratios.
# BUILD is the Makefile's build directory (its objects are linked in).
set -eu
build=${1:?usage: bench_sha256.sh BUILD [MB]}
mb=${2:-256}
cd "$(dirname "$0")/../.."
build=$(cd "$build" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

bin=$build/bench/bench_sha256
mkdir -p "$build/bench"
# shellcheck disable=SC2046 # pkg-config output splits into flags
cc -std=c17 -D_GNU_SOURCE -I. -Wall -Wextra -O2 -o "$bin" tests/bench/bench_sha256.c \
	"$build/src/base/sha256.o" "$build/src/base/status.o" "$build/src/base/xalloc.o" \
	$(pkg-config --libs libcrypto)
head -c "$((mb * 1024 * 1024))" /dev/urandom >"$tmp/big.bin"

# median_s CMD...: median wall seconds of 5 runs of CMD
median_s() {
	for _ in 1 2 3 4 5; do
		/usr/bin/time -f %e -o "$tmp/t" "$@" >/dev/null
		cat "$tmp/t"
	done | sort -n | sed -n 3p
}

read -r t_gavel _ digest < <("$bin" "$tmp/big.bin" 5)
t_sum=$(median_s sha256sum "$tmp/big.bin")
want=$(sha256sum "$tmp/big.bin" | cut -d' ' -f1)
[ "$digest" = "$want" ] || { echo "bench_sha256: digest differs from sha256sum's"; exit 1; }
t_ssl=
command -v openssl >/dev/null && t_ssl=$(median_s openssl dgst -sha256 "$tmp/big.bin")
awk -v mb="$mb" -v g="$t_gavel" -v s="$t_sum" -v o="$t_ssl" 'BEGIN {
	size = mb * 1048576 / 1e6
	printf "SHA-256 of a %d MiB file (warm cache), median of 5\n", mb
	printf "  gavel sha256_file  %7.3f s  %7.0f MB/s\n", g, size / g
	printf "  sha256sum          %7.3f s  %7.0f MB/s  (gavel %.2fx its speed)\n", s, size / s, s / g
	if (o != "")
		printf "  openssl dgst       %7.3f s  %7.0f MB/s  (gavel %.2fx its speed)\n", o, size / o, o / g
}'
