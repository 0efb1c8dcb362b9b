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

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# python_check [-n WHAT] SCRIPT ARGS...: runs a Python check that prints
# "ok NAME" or "not ok NAME: why" a line; each line is one pass or one
# failure (named "WHAT: NAME" with -n, for a check run several times), and a
# script that fails without a "not ok" line (it crashed) is one more.
python_check() {
	local what="" line rc script
	if [ "$1" = -n ]; then
		what="$2: "
		shift 2
	fi
	script=$1
	shift
	python3 "$script" "$@" >"$TMP/.check" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) ok ;;
		"not ok "*) not_ok "$what${line#not ok }" ;;
		esac
	done <"$TMP/.check"
	[ "$rc" -eq 0 ] || grep -q '^not ok' "$TMP/.check" ||
		not_ok "$what$(basename "$script"): $(tail -n 3 "$TMP/.check")"
}

# strict_check SCRIPT ARGS...: runs a Python check whose every line is a
# verdict: "ok NAME" a pass, a line indented by two spaces a figure it
# measured (shown), anything else a failure ("FAIL NAME: why", or a crash's
# traceback); a non-zero exit without a FAIL line is one more failure.
strict_check() {
	local script=$1 line rc
	shift
	python3 "$script" "$@" >"$TMP/.check" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) ok ;;
		"  "*) echo "$line" ;;
		*) not_ok "$line" ;;
		esac
	done <"$TMP/.check"
	[ "$rc" -eq 0 ] || grep -q '^FAIL' "$TMP/.check" || not_ok "$(basename "$script") exited $rc"
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

# ui_session NAME COLS ROWS CMD...: runs CMD in a new session of the private
# tmux server (start_tmux), COLS x ROWS; its stderr goes to $TMP/err and its
# exit status to $TMP/rc when it ends. cap, key and until_screen act on it.
ui_session() {
	UI_SESSION=$1
	local cols=$2 rows=$3
	shift 3
	printf '#!/bin/sh\nout=$1; shift\n"$@" 2>"$out/err"\necho $? >"$out/rc"\n' >"$TMP/ui-run.sh"
	t new-session -d -s "$UI_SESSION" -x "$cols" -y "$rows" "$(printf '%q ' sh "$TMP/ui-run.sh" "$TMP" "$@")"
}
cap() { t capture-pane -p -t "$UI_SESSION" 2>/dev/null; }
key() { t send-keys -t "$UI_SESSION" -l "$1"; }
# until_screen REGEX: waits ($UI_WAIT seconds, 8 unless set) until the screen
# matches; the screen read last is in $screen
until_screen() {
	local end=$((SECONDS + ${UI_WAIT:-8}))
	while :; do
		screen=$(cap)
		printf '%s\n' "$screen" | grep -qE -- "$1" && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}
# ui_ended: waits (5 s) for the session's command to end; its exit status
ui_ended() {
	for _ in $(seq 1 50); do [ -s "$TMP/rc" ] && break; sleep 0.1; done
	cat "$TMP/rc" 2>/dev/null
}
