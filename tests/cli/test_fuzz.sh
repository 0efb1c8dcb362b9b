#!/usr/bin/env bash
# The fuzz targets' short runs (tests/fuzz/run.sh): the reply parser, the
# manifest reader, the image probe and text cleaning, FUZZ_SECONDS each
# (default 5), built with ASan and UBSan. A target that finds a crash, a
# leak, a hang or undefined behaviour fails; its input is left in
# build/fuzz/crashes/.
# tests/fuzz/README.md has the longer runs.
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")/../fuzz
# the second, sanitized pass of make check: the fuzzers are sanitized already
case ${GAVEL_BUILD:-} in */asan)
	echo "fuzz runs are done once, in the first pass"
	finish
	exit ;;
esac
if ! command -v clang >/dev/null; then
	not_ok "clang is needed for the fuzz targets (make deps installs it)"
	finish
	exit
fi
log=$TMP/fuzz.log
bash "$here/run.sh" "${FUZZ_SECONDS:-5}" reply manifest imgprobe text >"$log" 2>&1
for t in reply manifest imgprobe text; do
	if grep -qx "$t: ok" "$log"; then
		ok
		awk -v t="$t" '/^stat::number_of_executed_units/ {n = $2} $0 == t ": ok" {print t ": " n " runs"}' "$log"
	else
		not_ok "fuzz target $t failed; the end of its log:"
		sed -n "/^stat::\|^INFO: Seed\|^$t: FAILED/!p" "$log" | grep -v '^#' | tail -n 15 >&2
	fi
done
finish
