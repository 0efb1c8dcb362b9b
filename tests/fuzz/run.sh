#!/usr/bin/env bash
# run.sh [SECONDS] - builds the reply parser's libFuzzer target (clang, ASan,
# UBSan) and runs it for SECONDS (default 60) from the seeds in
# tests/fuzz/corpus/reply. New inputs it finds go to build/fuzz/corpus/reply,
# so the seeds in git stay small; crashing inputs go to build/fuzz/crashes/.
# Replay one with: build/fuzz/fuzz_reply build/fuzz/crashes/crash-...
# With COVERAGE=1 it then replays the whole corpus through a coverage build
# and prints llvm-cov's line and branch report for src/reply*.c.
# Exits non-zero when the fuzzer found a crash, a leak or undefined behaviour.
set -euo pipefail
seconds=${1:-60}
cd "$(dirname "$0")/../.."
out=build/fuzz
srcs="tests/fuzz/fuzz_reply.c src/llm/reply.c src/llm/replytext.c src/base/status.c src/base/xalloc.c src/base/text.c src/base/strbuf.c"
mkdir -p "$out/corpus/reply" "$out/crashes"
# shellcheck disable=SC2046,SC2086 # pkg-config output and $srcs split into words
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=c17 -D_GNU_SOURCE -I. -Wall -Wextra $(pkg-config --cflags libcjson libutf8proc) \
	$srcs $(pkg-config --libs libcjson libutf8proc) -lm -o "$out/fuzz_reply"
# -max_len: the parser's caps (1 MiB, nesting) are covered by tests/unit/test_reply.c;
# short inputs let the fuzzer try far more shapes per second.
"$out/fuzz_reply" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 -dict=tests/fuzz/reply.dict \
	-artifact_prefix="$out/crashes/" "$out/corpus/reply" tests/fuzz/corpus/reply

if [ "${COVERAGE:-0}" = 1 ]; then
	# shellcheck disable=SC2046,SC2086
	clang -g -O1 -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping \
		-std=c17 -D_GNU_SOURCE -I. $(pkg-config --cflags libcjson libutf8proc) \
		$srcs $(pkg-config --libs libcjson libutf8proc) -lm -o "$out/fuzz_reply_cov"
	rm -f "$out"/cov.profraw
	LLVM_PROFILE_FILE="$out/cov.profraw" "$out/fuzz_reply_cov" -runs=0 \
		"$out/corpus/reply" tests/fuzz/corpus/reply >/dev/null 2>&1
	llvm-profdata merge -sparse "$out/cov.profraw" -o "$out/cov.profdata"
	llvm-cov report "$out/fuzz_reply_cov" -instr-profile="$out/cov.profdata" \
		-show-functions=false src/llm/reply.c src/llm/replytext.c
fi
