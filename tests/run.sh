#!/usr/bin/env bash
# run.sh GAVEL BUILD - run every test: the unit-test binaries in BUILD/tests,
# the CLI and UI scripts in tests/cli, and the Python self-tests; each ends
# with "N passed, N failed". Prints the sum last, the line CI reads.
# Runs GAVEL_TEST_JOBS tests at a time (default: one per core); every test
# works in its own temporary folder, server port, tmux socket and X display.
set -u
gavel=${1:?usage: run.sh GAVEL BUILD}
build=${2:?usage: run.sh GAVEL BUILD}
cd "$(dirname "$0")/.."
export GAVEL="$gavel" GAVEL_BUILD="$build"
unset GAVEL_DB
jobs=${GAVEL_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# The slowest tests start first, so the lanes finish together (measured in
# make check, December 2026; a test missing from this list only starts later).
slow_first='cli/test_audit cli/test_label cli/test_review_xterm cli/test_agree
cli/test_review_tmux cli/test_dawidskene cli/test_fuzz cli/test_queue
cli/test_review_scorer cli/test_export cli/test_review cli/test_import'

names=() commands=()
add() { names+=("$1"); shift; commands+=("$(printf '%q ' "$@")"); }
for t in "$build"/tests/test_*; do
	[ -x "$t" ] && add "unit/$(basename "$t")" "$t"
done
for t in tests/cli/test_*.sh; do
	[ -f "$t" ] && add "cli/$(basename "$t" .sh)" bash "$t"
done
for t in tests/*/test_*.py; do
	[ -f "$t" ] && add "py/$(basename "$t" .py)" python3 "$t"
done

order=()
for s in $slow_first; do
	for i in "${!names[@]}"; do [ "${names[$i]}" = "$s" ] && order+=("$i"); done
done
for i in "${!names[@]}"; do
	case " $slow_first " in *[[:space:]]"${names[$i]}"[[:space:]]*) ;; *) order+=("$i") ;; esac
done

# start I: run test I in the background, its output and exit code in files
start() {
	local i=$1
	( SECONDS=0; eval "${commands[$i]}" >"$logs/$i.log" 2>&1; echo "$? $SECONDS" >"$logs/$i.rc" ) &
	running[$!]=$i
}

total_pass=0 total_fail=0
# report I: read test I's counts and print its line (and its log when it failed)
report() {
	local i=$1 name=${names[$1]} rc seconds line pass fail
	read -r rc seconds <"$logs/$i.rc"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logs/$i.log" | tail -n 1)
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
		printf 'FAIL %-28s %s passed, %s failed (exit %d, %ds)\n' "$name" "$pass" "$fail" "$rc" "$seconds"
		sed 's/^/    /' "$logs/$i.log" | tail -n 60
	else
		printf 'ok   %-28s %s passed (%ds)\n' "$name" "$pass" "$seconds"
	fi
}

declare -A running=() # pid -> test index
# reap: wait for any running test to end and report it
reap() {
	local pid
	wait -n -p pid
	report "${running[$pid]}"
	unset "running[$pid]"
}
for i in "${order[@]}"; do
	while [ "${#running[@]}" -ge "$jobs" ]; do reap; done
	start "$i"
done
while [ "${#running[@]}" -gt 0 ]; do reap; done

echo "${total_pass} passed, ${total_fail} failed"
[ "$total_fail" -eq 0 ]
