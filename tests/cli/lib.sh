# lib.sh - helpers for the shell tests of the gavel command line. Source it;
# every check counts one pass or one failure; end with `finish`.
# GAVEL is the binary under test (tests/run.sh sets it; default ./gavel).
set -u
GAVEL=${GAVEL:-$(pwd)/gavel}
pass=0 fail=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gavel-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() { pass=$((pass + 1)); }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# run CMD...: runs it, keeping stdout in $out, stderr in $err, status in $rc.
run() {
	"$@" >"$TMP/.out" 2>"$TMP/.err"
	rc=$?
	out=$(cat "$TMP/.out")
	err=$(cat "$TMP/.err")
}

# expect_rc WANT NAME: the last run's exit status was WANT.
expect_rc() {
	if [ "$rc" -eq "$1" ]; then ok; else not_ok "$2: exit $rc, want $1; stderr: $err"; fi
}

# expect_eq GOT WANT NAME
expect_eq() {
	if [ "$1" = "$2" ]; then ok; else not_ok "$3: got [$1], want [$2]"; fi
}

# expect_match TEXT REGEX NAME (extended regex, grep -E)
expect_match() {
	if printf '%s' "$1" | grep -qE -- "$2"; then ok; else not_ok "$3: [$1] does not match /$2/"; fi
}

# expect_no_match TEXT REGEX NAME
expect_no_match() {
	if printf '%s' "$1" | grep -qE -- "$2"; then not_ok "$3: [$1] matches /$2/"; else ok; fi
}

# sql DB QUERY: the answer of the sqlite3 command-line shell, an independent reader.
sql() { sqlite3 -batch -noheader "$1" "$2"; }

# checks NAME CMD...: runs CMD, a checker that prints "ok WHAT" or "not ok
# WHAT: why" a check and ends with "N passed, N failed"; each of those lines
# counts one pass or failure here (named NAME), and a checker that stops
# before its closing line is a failure.
checks() {
	local name=$1 line
	shift
	"$@" >"$TMP/.checks" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok "*) ok ;;
		"not ok "*) not_ok "$name: ${line#not ok }" ;;
		esac
	done <"$TMP/.checks"
	grep -qE '^[0-9]+ passed' "$TMP/.checks" || not_ok "$name: $(tail -n 3 "$TMP/.checks")"
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# python_check SCRIPT ARGS...: runs a Python check that prints "ok NAME" or
# "not ok NAME: why" a line; each line is one pass or one failure, and a
# script that fails without a "not ok" line (it crashed) is one more.
python_check() {
	local script=$1 line rc
	shift
	python3 "$script" "$@" >"$TMP/.check" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) ok ;;
		"not ok "*) not_ok "${line#not ok }" ;;
		esac
	done <"$TMP/.check"
	[ "$rc" -eq 0 ] || grep -q '^not ok' "$TMP/.check" ||
		not_ok "$(basename "$script"): $(tail -n 3 "$TMP/.check")"
}

# start_llm_server [SERVER-ARGS...]: starts tests/llmserver/server.py on a free
# 127.0.0.1 port; sets LLM_URL (no /v1), LLM_LOG and LLM_PID. It stops when
# this test's shell exits (--parent-pid), or when stop_llm_server is called.
start_llm_server() {
	local dir; dir=$(mktemp -d "$TMP/llm.XXXXXX")
	LLM_LOG=$dir/log
	python3 "$(dirname "${BASH_SOURCE[0]}")/../llmserver/server.py" --port-file "$dir/port" \
		--log "$LLM_LOG" --parent-pid $$ "$@" >"$dir/out" 2>&1 &
	LLM_PID=$!
	for _ in $(seq 1 100); do
		[ -s "$dir/port" ] && break
		sleep 0.05
	done
	LLM_URL="http://127.0.0.1:$(cat "$dir/port")"
}

stop_llm_server() {
	kill "$LLM_PID" 2>/dev/null
	wait "$LLM_PID" 2>/dev/null
}

# start_tmux: a private tmux server for a test that drives the UI in a real
# terminal; `t ARGS...` talks to it. Its socket is in $TMP (never the user's
# server, even from inside tmux); it is killed when the test exits, and by a
# watchdog when the test's shell is killed without running its traps.
# Counts a failure and returns 1 when tmux is not installed.
start_tmux() {
	unset TMUX TMUX_PANE
	if ! command -v tmux >/dev/null 2>&1; then
		not_ok "tmux is not installed (make deps installs it)"
		return 1
	fi
	printf 'set -g default-terminal tmux-256color\nset -g status off\n' >"$TMP/tmux.conf"
	trap 'stop_tmux; rm -rf "$TMP"' EXIT
	( trap '' INT HUP; while kill -0 $$ 2>/dev/null; do sleep 1; done; stop_tmux ) >/dev/null 2>&1 </dev/null &
}
t() { tmux -S "$TMP/tmux.sock" -f "$TMP/tmux.conf" "$@"; }
stop_tmux() { t kill-server >/dev/null 2>&1; }
