#!/usr/bin/env bash
# run.sh GAVEL BUILD - run every test: the unit-test binaries in BUILD/tests,
# the CLI and UI scripts in tests/cli, and the Python self-tests; each ends
# with "N passed, N failed". Prints the sum last, the line CI reads.
set -u
gavel=${1:?usage: run.sh GAVEL BUILD}
build=${2:?usage: run.sh GAVEL BUILD}
cd "$(dirname "$0")/.."
export GAVEL="$gavel" GAVEL_BUILD="$build"
unset GAVEL_DB

total_pass=0 total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() {
	local name=$1; shift
	local start=$SECONDS rc
	"$@" >"$log" 2>&1
	rc=$?
	local line pass fail
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		pass=${line%% passed*}
		fail=${line#*passed, }; fail=${fail%% failed*}
	else
		pass=0 fail=1
	fi
	# a test that died or exited non-zero without counting a failure still fails
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
	total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
	if [ "$fail" -ne 0 ]; then
		printf 'FAIL %-28s %s passed, %s failed (exit %d, %ds)\n' "$name" "$pass" "$fail" "$rc" $((SECONDS - start))
		sed 's/^/    /' "$log" | tail -n 60
	else
		printf 'ok   %-28s %s passed (%ds)\n' "$name" "$pass" $((SECONDS - start))
	fi
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
done
for t in tests/cli/test_*.sh; do
	[ -f "$t" ] && run_one "cli/$(basename "$t" .sh)" bash "$t"
done
for t in tests/*/test_*.py; do
	[ -f "$t" ] && run_one "py/$(basename "$t" .py)" python3 "$t"
done

echo "${total_pass} passed, ${total_fail} failed"
[ "$total_fail" -eq 0 ]
