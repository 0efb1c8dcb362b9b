#!/usr/bin/env bash
# run.sh [SECONDS] [TARGET...] - builds libFuzzer targets (clang, ASan, UBSan)
# and runs each for SECONDS (default 60) from its seeds in
# tests/fuzz/corpus/TARGET. Targets (default: all):
#   reply     the reply parser (src/llm/reply.c, replytext.c)
#   manifest  the JSONL and CSV manifest reader (src/import/manifest.c)
#   imgprobe  the image probe (src/img/img.c, img_probe_memory)
#   text      cleaning, cutting and wrapping text (src/base/text.c)
# New inputs a run finds go to build/fuzz/corpus/TARGET, so the seeds in git
# stay small; crashing inputs go to build/fuzz/crashes/TARGET-crash-...
# Replay one with: build/fuzz/fuzz_TARGET build/fuzz/crashes/TARGET-crash-...
# With COVERAGE=1 each run is followed by a replay of the whole corpus
# through a coverage build and llvm-cov's line and branch report for the
# target's files. A binary is rebuilt only when a source is newer.
# Prints one line per target, "TARGET: ok" or "TARGET: FAILED", and exits
# non-zero when any fuzzer found a crash, a leak, a hang or undefined behaviour.
# tests/fuzz/README.md says how to run them longer.
set -uo pipefail
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(reply manifest imgprobe text)
cd "$(dirname "$0")/../.."
out=build/fuzz
base="src/base/status.c src/base/xalloc.c src/base/text.c src/base/strbuf.c"
img="src/img/img.c src/img/imgscale.c"

# TARGET: its sources besides tests/fuzz/fuzz_TARGET.c, pkg-config packages,
# other libraries, the files its coverage report covers, and -max_len.
spec() {
	case $1 in
	reply) srcs="src/llm/reply.c src/llm/replytext.c $base" pkgs="libcjson libutf8proc" libs= \
		cov="src/llm/reply.c src/llm/replytext.c" max_len=16384 ;;
	manifest) srcs="src/import/manifest.c $img $base" pkgs="libcjson libpng libutf8proc" \
		libs=-ljpeg cov="src/import/manifest.c" max_len=16384 ;;
	imgprobe) srcs="$img $base" pkgs="libpng libutf8proc" libs=-ljpeg cov="src/img/img.c" \
		max_len=8192 ;;
	text) srcs="$base" pkgs=libutf8proc libs= cov="src/base/text.c" max_len=4096 ;;
	*) echo "run.sh: no fuzz target '$1' (reply, manifest, imgprobe, text)" >&2; return 1 ;;
	esac
}

# build TARGET OUTPUT FLAGS...: compiles when a source or header is newer.
build() {
	local target=$1 bin=$2; shift 2
	local f newer=0
	for f in tests/fuzz/fuzz_$target.c $srcs src/*/*.h; do
		[ "$f" -nt "$bin" ] && newer=1
	done
	[ -x "$bin" ] && [ $newer = 0 ] && return 0
	# shellcheck disable=SC2046,SC2086 # pkg-config output and the lists split into words
	clang -g -O1 "$@" -std=c17 -D_GNU_SOURCE -I. -Wall -Wextra $(pkg-config --cflags $pkgs) \
		tests/fuzz/fuzz_$target.c $srcs $(pkg-config --libs $pkgs) $libs -lm -o "$bin"
}

fuzz() {
	local t=$1 dict=()
	spec "$t" || return 1
	mkdir -p "$out/corpus/$t" "$out/crashes" "tests/fuzz/corpus/$t"
	build "$t" "$out/fuzz_$t" -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined || return 1
	[ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
	# -max_len: the readers' own caps (1 MiB records, the parser's nesting)
	# are covered by the unit tests; short inputs try far more shapes a second.
	"$out/fuzz_$t" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" \
		-artifact_prefix="$out/crashes/$t-" "$out/corpus/$t" "tests/fuzz/corpus/$t" || return 1
	[ "${COVERAGE:-0}" = 1 ] || return 0
	build "$t" "$out/fuzz_${t}_cov" -fsanitize=fuzzer -fprofile-instr-generate \
		-fcoverage-mapping || return 1
	rm -f "$out/$t.profraw"
	LLVM_PROFILE_FILE="$out/$t.profraw" "$out/fuzz_${t}_cov" -runs=0 \
		"$out/corpus/$t" "tests/fuzz/corpus/$t" >/dev/null 2>&1
	llvm-profdata merge -sparse "$out/$t.profraw" -o "$out/$t.profdata"
	# shellcheck disable=SC2086
	llvm-cov report "$out/fuzz_${t}_cov" -instr-profile="$out/$t.profdata" \
		-show-functions=false $cov
}

failed=0
for t in "${targets[@]}"; do
	if fuzz "$t"; then
		echo "$t: ok"
	else
		echo "$t: FAILED"
		failed=1
	fi
done
exit $failed
