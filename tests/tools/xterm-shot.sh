#!/usr/bin/env bash
# xterm-shot.sh - run a command in a sixel-capable xterm (-ti vt340) on a
# private Xvfb display, type keys into it and take screenshots.
#
# A one-shot screenshot of xterm -ti vt340 under Xvfb, kept here so the
# project's tests need nothing outside the repository. It can be
# sourced as a library (xs_start, xs_keys, xs_shot, xs_stop, ...) so a test can
# poll the screen between keys; -f FACE; a watchdog stops Xvfb and xterm when
# the shell that started them dies without running its traps (kill -9); Xvfb
# runs with -noreset and must answer before xterm starts. xterm gets
# only what docs/terminals.md tells users to give it (-ti vt340 and
# numColorRegisters 256; sixelScrolling is
# xterm's default anyway) and an explicit inner border (-b 2).
#
# Needs (Debian 12): xvfb xterm xdotool imagemagick x11-utils fonts-dejavu-core
#
# Usage: xterm-shot.sh -o OUT.png [options] -- COMMAND [ARGS...]
#   -o FILE     output PNG (required)
#   -g CxR      terminal size in cells                   (default 100x30)
#   -F SIZE     font size, DejaVu Sans Mono via Xft      (default 11)
#   -f FACE     Xft font pattern instead, e.g. 'DejaVu Sans Mono:antialias=false'
#               (text in two exact colours, so colour counts mean something)
#   -w SECS     wait after the window appears            (default 3)
#   -k KEYS     xdotool key names sent after -w, space separated ("n", "Return", "ctrl+c")
#   -t TEXT     text typed (xdotool type) after -w, before -k
#   -W SECS     wait after typing/keys before the shot   (default 1)
#   -s WxH      Xvfb screen size in pixels               (default 1280x900)
#   -x RES      extra xterm resource, e.g. -x 'XTerm*allowWindowOps: true' (repeatable)
#   -r          screenshot the whole root window instead of just the xterm window
#   -R GEOM     after the shot print "region GEOM colours=N stddev=S" for a crop
#               WxH+X+Y of the PNG (repeatable); a sixel photo gives colours>>1,
#               a blank/erased area gives colours=1 stddev=0
#   -q          quiet (no progress messages)
# Prints "exit=<code>" of COMMAND if it finished before the shot, else "exit=running".
# Exit status: 0 when the PNG was written, 1 on setup failure, 2 on usage error.
#
# As a library (`. tests/tools/xterm-shot.sh`; nothing runs on sourcing):
#   xs_start [-g CxR] [-F SIZE] [-f FACE] [-s WxH] [-x RES]... -- COMMAND [ARGS...]
#       starts Xvfb and the xterm, waits for its window; sets XS_DISPLAY, XS_WID,
#       XS_DIR (a scratch directory). Returns 1 (with a message) on failure.
#   xs_keys KEY...     xdotool key names, typed into the window
#   xs_type TEXT       text typed into the window
#   xs_shot OUT.png    screenshot of the xterm window
#   xs_window_size     prints "WIDTH HEIGHT" of the xterm window in pixels
#   xs_resize W H      resizes the xterm window to W x H pixels (xterm resizes
#                      its terminal to the whole cells that fit)
#   xs_exit_code       prints COMMAND's exit code, or nothing while it runs
#   xs_stop            stops what xs_start started (by PID) and removes XS_DIR;
#                      call it from the test's EXIT trap. Safe to call twice.
# The xterm runs COMMAND with -hold, -b XS_BORDER (2) pixels of inner border,
# black on white, in the font FACE (default 'DejaVu Sans Mono') at SIZE.

XS_BORDER=2
XS_CONVERT=/usr/bin/convert # the real ImageMagick: the first convert on PATH may be a stand-in
XS_DIR="" XS_DISPLAY="" XS_WID="" XS_XVFB_PID="" XS_XTERM_PID="" XS_WATCHDOG_PID=""

xs_log() { [ "${XS_QUIET:-0}" = 1 ] || echo "xterm-shot: $*" >&2; }

# xs_missing: prints the tools this needs that are not installed.
xs_missing() {
	local t
	for t in Xvfb xterm xdotool import xwininfo; do
		command -v "$t" >/dev/null 2>&1 || printf '%s ' "$t"
	done
}

xs_start() {
	local geom=100x30 fsize=11 face="DejaVu Sans Mono" screen=1280x900 opt OPTIND=1 try
	local -a xres=()
	while getopts "g:F:f:s:x:" opt; do
		case $opt in
		g) geom=$OPTARG ;; F) fsize=$OPTARG ;; f) face=$OPTARG ;; s) screen=$OPTARG ;;
		x) xres+=("-xrm" "$OPTARG") ;; *) echo "xs_start: bad option" >&2; return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	[ "${1:-}" = "--" ] && shift
	[ $# -gt 0 ] || { echo "xs_start: no command" >&2; return 2; }
	[ -z "$(xs_missing)" ] || { echo "xterm-shot: missing $(xs_missing)" >&2; return 1; }
	# Twice in some twenty runs on a busy machine, xterm could not open a fresh
	# Xvfb's display ("Can't open display"); since the server is asked to
	# answer first (xwininfo) it has not happened again, but a second try is
	# cheap and keeps a slow machine from failing the test.
	for try in 1 2 3; do
		xs_start_once "$geom" "$fsize" "$face" "$screen" "${#xres[@]}" "${xres[@]}" "$@" && return 0
		[ "$try" -lt 3 ] && xs_log "attempt $try failed; starting again"
		xs_stop
	done
	return 1
}

# xs_start_once GEOM FSIZE FACE SCREEN NRES RES... COMMAND...: one attempt;
# on failure says why on stderr and leaves the cleaning to xs_stop.
xs_start_once() {
	local geom=$1 fsize=$2 face=$3 screen=$4 nres=$5 _
	shift 5
	local -a xres=("${@:1:nres}")
	shift "$nres"

	XS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/xterm-shot.XXXXXX")
	# 1. a private X server; -displayfd lets Xvfb pick a free display itself;
	#    -noreset: no server reset when the last client (a screenshot) leaves
	Xvfb -displayfd 3 -screen 0 "${screen}x24" -nolisten tcp -noreset 3>"$XS_DIR/display" \
		>"$XS_DIR/xvfb.log" 2>&1 </dev/null &
	XS_XVFB_PID=$!
	xs_watchdog $$
	for _ in $(seq 1 100); do
		[ -s "$XS_DIR/display" ] && break
		kill -0 "$XS_XVFB_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$XS_DIR/display" ]; then
		echo "xterm-shot: Xvfb did not start:" >&2
		cat "$XS_DIR/xvfb.log" >&2
		return 1
	fi
	XS_DISPLAY=":$(head -n1 "$XS_DIR/display")"
	# the server answers before anything is started on it
	for _ in $(seq 1 100); do
		DISPLAY=$XS_DISPLAY xwininfo -root >/dev/null 2>&1 && break
		kill -0 "$XS_XVFB_PID" 2>/dev/null || break
		sleep 0.05
	done
	if ! DISPLAY=$XS_DISPLAY xwininfo -root >/dev/null 2>&1; then
		echo "xterm-shot: Xvfb on $XS_DISPLAY does not answer:" >&2
		cat "$XS_DIR/xvfb.log" >&2
		return 1
	fi
	xs_log "Xvfb pid $XS_XVFB_PID on $XS_DISPLAY"

	# 2. xterm as a user would start it for sixel; the exit code goes to a file
	DISPLAY=$XS_DISPLAY xterm -ti vt340 -xrm 'XTerm*numColorRegisters: 256' \
		-xrm 'XTerm*bellIsUrgent: false' \
		-fa "$face" -fs "$fsize" "${xres[@]}" -geometry "${geom}+0+0" \
		-b "$XS_BORDER" -bg white -fg black -title xterm-shot -hold \
		-e bash -c 'rc=$1; shift; "$@"; echo $? >"$rc"' xterm-shot "$XS_DIR/rc" "$@" \
		>"$XS_DIR/xterm.log" 2>&1 </dev/null &
	XS_XTERM_PID=$!
	xs_watchdog $$
	xs_log "xterm pid $XS_XTERM_PID: $*"

	# 3. wait for the window to be mapped
	for _ in $(seq 1 200); do
		XS_WID=$(DISPLAY=$XS_DISPLAY xdotool search --onlyvisible --pid "$XS_XTERM_PID" 2>/dev/null | head -n1)
		[ -n "$XS_WID" ] && break
		kill -0 "$XS_XTERM_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$XS_WID" ]; then
		echo "xterm-shot: the xterm window never appeared on $XS_DISPLAY:" >&2
		grep -v -e 'suid-root' -e 'full text of the error' -e 'in this environment' \
			-e 'program as a non-root' "$XS_DIR/xterm.log" >&2
		sed 's/^/  Xvfb: /' "$XS_DIR/xvfb.log" >&2
		return 1
	fi
	# no window manager: focus follows the pointer, so park it inside the window
	DISPLAY=$XS_DISPLAY xdotool mousemove --window "$XS_WID" 20 20
	xs_log "window $XS_WID"
}

# xs_watchdog PID: (re)starts one background process that stops Xvfb and
# xterm and removes XS_DIR once PID is gone, for when the caller dies without
# its EXIT trap (kill -9).
xs_watchdog() {
	local parent=$1
	[ -n "$XS_WATCHDOG_PID" ] && kill "$XS_WATCHDOG_PID" 2>/dev/null
	(
		trap '' INT HUP
		while kill -0 "$parent" 2>/dev/null; do sleep 1; done
		# shellcheck disable=SC2086
		kill $XS_XTERM_PID $XS_XVFB_PID 2>/dev/null
		sleep 1
		rm -rf "$XS_DIR"
	) >/dev/null 2>&1 </dev/null &
	XS_WATCHDOG_PID=$!
}

xs_keys() {
	# real XTEST events: xdotool --window would use XSendEvent, which xterm ignores
	DISPLAY=$XS_DISPLAY xdotool key --delay 60 "$@"
}

xs_type() {
	DISPLAY=$XS_DISPLAY xdotool type --delay 40 -- "$1"
}

xs_shot() {
	local out=$1 target=$XS_WID
	[ "${2:-}" = root ] && target=root
	mkdir -p "$(dirname "$out")"
	DISPLAY=$XS_DISPLAY import -window "$target" "$out" 2>"$XS_DIR/import.log" && return 0
	# fallback: xwd (x11-apps) piped through the real convert
	if command -v xwd >/dev/null 2>&1; then
		if [ "$target" = root ]; then set -- -root; else set -- -id "$target"; fi
		DISPLAY=$XS_DISPLAY xwd -silent "$@" | "$XS_CONVERT" xwd:- "$out" && return 0
	fi
	cat "$XS_DIR/import.log" >&2
	return 1
}

xs_window_size() {
	DISPLAY=$XS_DISPLAY xwininfo -id "$XS_WID" |
		awk '/^ *Width:/ {w = $2} /^ *Height:/ {h = $2} END {print w, h}'
}

xs_resize() {
	DISPLAY=$XS_DISPLAY xdotool windowsize "$XS_WID" "$1" "$2"
}

xs_exit_code() {
	[ -s "$XS_DIR/rc" ] && cat "$XS_DIR/rc"
}

# xs_stop_pid PID: TERM, then KILL if it is still there after a second; reaps it.
xs_stop_pid() {
	local pid=$1 _
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill "$pid" 2>/dev/null
	for _ in $(seq 1 20); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

xs_stop() {
	# only what xs_start started, newest first
	xs_stop_pid "$XS_XTERM_PID"
	xs_stop_pid "$XS_XVFB_PID"
	xs_stop_pid "$XS_WATCHDOG_PID"
	[ -n "$XS_DIR" ] && rm -rf "$XS_DIR"
	XS_DIR="" XS_XTERM_PID="" XS_XVFB_PID="" XS_WATCHDOG_PID="" XS_WID=""
	return 0
}

# ---- the one-shot command (when run, not sourced) ----
xs_main() {
	local out="" geom="100x30" fsize=11 face="DejaVu Sans Mono" wait1=3 keys="" text="" wait2=1 screen="1280x900" root=0
	local opt g
	local -a xres=() regions=()
	usage() { sed -n '/^# Usage:/,/^# Exit status:/p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
	while getopts "o:g:F:f:w:k:t:W:s:x:R:rqh" opt; do
		case $opt in
		o) out=$OPTARG ;; g) geom=$OPTARG ;; F) fsize=$OPTARG ;; f) face=$OPTARG ;; w) wait1=$OPTARG ;;
		k) keys=$OPTARG ;; t) text=$OPTARG ;; W) wait2=$OPTARG ;; s) screen=$OPTARG ;;
		x) xres+=("-x" "$OPTARG") ;; R) regions+=("$OPTARG") ;; r) root=1 ;; q) XS_QUIET=1 ;;
		*) usage ;;
		esac
	done
	shift $((OPTIND - 1))
	[ "${1:-}" = "--" ] && shift
	[ -n "$out" ] && [ $# -gt 0 ] || usage
	trap xs_stop EXIT
	trap 'exit 1' INT TERM HUP
	xs_start -g "$geom" -F "$fsize" -f "$face" -s "$screen" "${xres[@]}" -- "$@" || exit 1
	xs_log "waiting ${wait1}s"
	sleep "$wait1"
	if [ -n "$text" ] || [ -n "$keys" ]; then
		[ -n "$text" ] && { xs_log "typing: $text"; xs_type "$text"; }
		# shellcheck disable=SC2086
		[ -n "$keys" ] && { xs_log "keys: $keys"; xs_keys $keys; }
		sleep "$wait2"
	fi
	if [ "$root" = 1 ]; then xs_shot "$out" root || exit 1; else xs_shot "$out" || exit 1; fi
	echo "exit=$(xs_exit_code || echo running)"
	for g in "${regions[@]}"; do
		"$XS_CONVERT" "$out" -crop "$g" +repage -colorspace sRGB \
			-format "region $g colours=%k stddev=%[fx:standard_deviation]\n" info:
	done
	xs_log "wrote $out ($("$XS_CONVERT" "$out" -format '%wx%h' info: 2>/dev/null))"
	exit 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	xs_main "$@"
fi
