#!/usr/bin/env bash
# gavel review, the real binary in a real terminal: tmux (the half-block
# path), driven with send-keys and read back with capture-pane, the database
# read with sqlite3 after every key. Runs with no terminal attached (tmux -d
# on a private socket); the tmux server is killed on exit, and by a watchdog
# if this shell is killed without running its traps.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
tools=$here/../tools
export LC_ALL=C.UTF-8 # gavel and tmux both need a UTF-8 locale for the half blocks

start_tmux || { finish; exit; }

# ---- the fixture: three photos, a flat picture, an item without an image,
# and one whose title carries terminal escapes ----
dir=$TMP/items
mkdir -p "$dir"
cp "$here/../../samples/images/skimage-astronaut.jpg" "$dir/astro.jpg"
cp "$here/../../samples/images/skimage-coffee.png" "$dir/coffee.png"
cp "$here/../../samples/images/skimage-chelsea.png" "$dir/cat.png"
python3 "$tools/mkpng.py" "$dir/flat.png" 64 48 200 40 40
python3 "$tools/mkpng.py" "$dir/evil.png" 32 32 40 40 200
cat >"$dir/m.jsonl" <<'EOF'
{"id": "astro", "path": "astro.jpg", "title": "astronaut"}
{"id": "cat", "path": "cat.png", "title": "tabby cat"}
{"id": "coffee", "path": "coffee.png", "title": "coffee cup"}
{"id": "flat", "path": "flat.png", "title": "flat red"}
{"id": "noimg", "url": "https://example.invalid/x.jpg", "title": "no picture"}
{"id": "evil", "path": "evil.png", "title": "evil \u001b]0;pwned\u0007 title \u001b[2J end"}
EOF
db=$TMP/r.db
"$GAVEL" init --db "$db" >/dev/null 2>&1
"$GAVEL" import --db "$db" -q "$dir/m.jsonl" >/dev/null 2>&1
"$GAVEL" label --db "$db" --provider heuristic -q >/dev/null 2>&1
expect_eq "$(sql "$db" "SELECT count(*) FROM items")" 6 "fixture: six items"
expect_eq "$(sql "$db" "SELECT count(*) FROM items WHERE path IS NULL")" 1 "fixture: one item without an image"
llm() { sql "$db" "SELECT p.label FROM predictions p JOIN items i ON i.id = p.item_id WHERE i.external_id = '$1' AND p.status = 'ok'"; }
astro_llm=$(llm astro)
cat_llm=$(llm cat)
expect_match "$astro_llm" '^[1-5]$' "fixture: the heuristic labelled astro"
# the override must differ from the LLM's label, or it counts as agreement
over=3
[ "$cat_llm" = 3 ] && over=1

# ---- driving and reading the terminal ----
cat >"$TMP/run-review.sh" <<'EOF'
#!/bin/sh
# run-review.sh OUTDIR TAG GAVEL ARGS...: gavel review in the pane; what TERM
# it saw, its stderr and its exit status go to OUTDIR/TAG.*
out=$1 tag=$2; shift 2
echo "$TERM" >"$out/$tag.term"
"$@" 2>"$out/$tag.err"
echo $? >"$out/$tag.rc"
EOF

# start TAG COLS ROWS ARGS...: gavel review ARGS in a new detached session TAG
start() {
	local tag=$1 cols=$2 rows=$3; shift 3
	session=$tag
	t new-session -d -s "$tag" -x "$cols" -y "$rows" \
		"$(printf '%q ' sh "$TMP/run-review.sh" "$TMP" "$tag" "$GAVEL" review --db "$db" "$@")"
}
cap() { t capture-pane -p -t "$session" 2>/dev/null; }
capcolour() { t capture-pane -p -e -t "$session" 2>/dev/null; }
key() { t send-keys -t "$session" -l "$1"; }

# until_screen PREDICATE...: captures the screen into $screen until the
# predicate holds; 1 after the deadline (8 s).
until_screen() {
	local end=$((SECONDS + 8))
	while :; do
		screen=$(cap)
		"$@" && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}
has() { printf '%s\n' "$screen" | grep -qE -- "$1"; }
hasf() { printf '%s\n' "$screen" | grep -qF -- "$1"; }
lacks() { ! has "$1"; }
# pane X W Y H: that rectangle of cells of $screen
pane() { printf '%s\n' "$screen" | python3 "$tools/cells.py" "$@"; }
count_blocks() { grep -o '▀' | wc -l; }

# layout COLS LINES: the panes as docs and ui/reviewdraw.c define them
layout() {
	cols=$1 lines=$2
	queue_w=$((cols >= 120 ? 24 : 20))
	llm_w=$(((cols - queue_w) * 2 / 5))
	[ "$llm_w" -lt 34 ] && llm_w=34
	img_x=$((queue_w + 1))
	img_cols=$((cols - queue_w - llm_w - 2))
	llm_x=$((img_x + img_cols + 1))
	rows=$((lines - 3))
}
# the queue pane's row for ID, spaces squeezed: ">cat ·" (current), "astro ✓ 2"
queue_row() { pane 0 "$queue_w" 1 "$rows" | grep -E "^[ >]$1 " | tr -s ' ' | sed 's/^ //; s/ $//'; }
state_is() { [ "$(queue_row "$1")" = "$2" ]; }
# the pane holds the picture, and no half block is anywhere else
image_shown() {
	local inside total
	inside=$(pane "$img_x" "$img_cols" 1 "$rows" | count_blocks)
	total=$(printf '%s\n' "$screen" | count_blocks)
	[ "$inside" -gt 0 ] && [ "$inside" -eq "$total" ]
}
image_gone() { has '\(no image\)' && [ "$(printf '%s\n' "$screen" | count_blocks)" -eq 0 ]; }
# the separators sit at the layout's columns on every pane row, and not below
separators_ok() {
	local left right
	left=$(pane "$queue_w" 1 1 "$rows" | grep -c '│')
	right=$(pane $((llm_x - 1)) 1 1 "$rows" | grep -c '│')
	[ "$left" -eq "$rows" ] && [ "$right" -eq "$rows" ] &&
		[ "$(pane 0 "$cols" $((rows + 1)) 2 | grep -c '│')" -eq 0 ]
}
reviews() { sql "$db" "SELECT count(*) FROM reviews"; }
last_review() {
	sql "$db" "SELECT i.external_id || ' ' || r.reviewer || ' ' || r.decision || ' ' || ifnull(r.label, '-')
		|| ' ' || ifnull(r.retracts, '-') FROM reviews r JOIN items i ON i.id = r.item_id ORDER BY r.id DESC LIMIT 1"
}
# show NAME: on failure, what the screen looked like
show() { echo "---- screen ($1) ----" >&2; printf '%s\n' "$screen" >&2; }
# check NAME PREDICATE...: one assertion about the screen; polled, because
# tmux may show a frame half drawn
check() {
	local name=$1
	shift
	if until_screen "$@"; then ok; else not_ok "$name"; show "$name"; fi
}
queue_matches() { [[ "$(queue_row "$1")" =~ $2 ]]; }
queue_lacks() { [ -z "$(queue_row "$1")" ]; }
rows_are() { [ "$(printf '%s\n' "$screen" | wc -l)" -eq "$1" ]; }
# fits WIDTH HEIGHT: a picture of WIDTH x HEIGHT pixels, wider than the pane,
# fills its width and keeps its shape: img_cols columns of half blocks, two
# pixels a cell, so img_cols * HEIGHT / WIDTH / 2 rows (give or take one)
fits() {
	local block_rows widest want
	block_rows=$(pane "$img_x" "$img_cols" 1 "$rows" | grep -c '▀')
	widest=$(pane "$img_x" "$img_cols" 1 "$rows" | awk '{ n = gsub(/▀/, "") } n > m { m = n } END { print m + 0 }')
	want=$(((img_cols * $2 / $1 + 1) / 2))
	[ "$widest" -eq "$img_cols" ] && [ "$block_rows" -ge $((want - 1)) ] && [ "$block_rows" -le $((want + 1)) ]
}

# ---- tmux takes OSC 0 as the pane title, so the check further down means something ----
t new-session -d -s probe -x 80 -y 24 "printf '\\033]0;calibrated\\007'; sleep 30"
end=$((SECONDS + 5))
until [ "$(t display -p -t probe '#{pane_title}')" = calibrated ] || [ $SECONDS -ge $end ]; do sleep 0.1; done
expect_eq "$(t display -p -t probe '#{pane_title}')" calibrated "tmux sets the pane title from OSC 0"
t kill-session -t probe

# ---- first frame, 120x36 ----
layout 120 36
start r1 120 36 --reviewer ann
check "the first frame (title line) appears" has '^ ?gavel'
expect_eq "$(cat "$TMP/r1.term" 2>/dev/null)" tmux-256color "TERM inside tmux"
check "astro: half blocks inside the image pane and nowhere else" image_shown
check "astro is current and undecided" state_is astro ">astro ·"
check "pane separators at columns $queue_w and $((llm_x - 1))" separators_ok
check "astro: the square picture fills the pane's width, $((img_cols / 2)) rows high" fits 512 512
colours=$(capcolour | sed -n "2,$((rows + 1))p" | grep -oE '38;5;[0-9]+' | sort -u | wc -l)
[ "$colours" -gt 16 ] && ok || not_ok "the half blocks use the 256-colour palette ($colours foreground colours)"

# ---- a: accept ----
key a
check "a: astro shows ✓ $astro_llm" state_is astro "astro ✓ $astro_llm"
check "a: the cursor moves on to cat" state_is cat ">cat ·"
expect_eq "$(last_review)" "astro ann accept $astro_llm -" "a: an accept row with the LLM's label"
expect_eq "$(reviews)" 1 "a: one review row"
expect_eq "$(sql "$db" "SELECT prediction_id = (SELECT p.id FROM predictions p WHERE p.item_id = r.item_id) FROM reviews r")" 1 \
	"a: the row names the prediction shown"

# ---- a digit: override ----
key "$over"
check "$over: cat shows ✗ $cat_llm→$over" state_is cat "cat ✗ $cat_llm→$over"
check "$over: the cursor moves on to coffee" state_is coffee ">coffee ·"
expect_eq "$(last_review)" "cat ann override $over -" "$over: an override row with the label"

# ---- s: skip ----
key s
check "s: coffee shows s" state_is coffee "coffee s"
check "s: the cursor moves on to flat" state_is flat ">flat ·"
expect_eq "$(last_review)" "coffee ann skip - -" "s: a skip row without a label"
skip_id=$(sql "$db" "SELECT max(id) FROM reviews")
check "flat: half blocks inside the image pane only" image_shown

# ---- j: next item, the one without an image ----
key j
check "j: noimg is current" state_is noimg ">noimg ·"
check "j: noimg shows (no image) and no half block is left" image_gone
expect_eq "$(reviews)" 3 "j: moving writes nothing"

# ---- u: undo the skip ----
key u
check "u: back on coffee, undecided again" state_is coffee ">coffee ·"
older_stand() { state_is astro "astro ✓ $astro_llm" && state_is cat "cat ✗ $cat_llm→$over"; }
check "u: the older decisions stand" older_stand
check "u: coffee's picture is drawn again" image_shown
expect_eq "$(last_review)" "coffee ann retract - $skip_id" "u: a retract row pointing at the skip"
expect_eq "$(reviews)" 4 "u: the skip row stays (append-only log)"

# ---- ?: help; any key closes it and does nothing else ----
# the help replaces the panes (the key-hint line stays): no queue, and the
# commands are explained above the status line
help_shown() {
	local body
	body=$(printf '%s\n' "$screen" | sed -n "2,$((rows + 1))p")
	[ -z "$(queue_row coffee)" ] && printf '%s\n' "$body" | grep -q accept &&
		printf '%s\n' "$body" | grep -q undo && printf '%s\n' "$body" | grep -q skip &&
		printf '%s\n' "$body" | grep -q quit
}
key '?'
check "?: the help replaces the panes and lists the keys" help_shown
key a
check "a closes the help: the queue is back" state_is coffee ">coffee ·"
expect_eq "$(reviews)" 4 "the key that closed the help decided nothing"

# ---- a title with terminal escapes is shown as caret text ----
key j
key j
key j
check "j j j: evil is current" state_is evil ">evil ·"
check "ESC ] 0 in the title shows as ^[]0;pwned^G" hasf '^[]0;pwned^G'
check "ESC [ 2 J in the title shows as ^[[2J" hasf '^[[2J'
not_cleared() { has '^ ?gavel' && queue_matches astro .; }
check "the screen was not cleared by the title" not_cleared
title=$(t display -p -t "$session" '#{pane_title}')
expect_no_match "$title" pwned "the pane title is not set by the item's title"

# ---- q quits; reopening continues after the decided items ----
key q
end=$((SECONDS + 8))
until [ -s "$TMP/r1.rc" ] || [ $SECONDS -ge $end ]; do sleep 0.1; done
expect_eq "$(cat "$TMP/r1.rc" 2>/dev/null)" 0 "q: gavel review exits 0"
expect_match "$(cat "$TMP/r1.err" 2>/dev/null)" "ann has reviewed 2 of 6" "q: the summary counts two decisions"
expect_eq "$(sql "$db" "SELECT count(*) FROM claims WHERE reviewer = 'ann'")" 0 "q: ann's claims are given back"

start r2 120 36 --reviewer ann
check "reopen: the first undecided item (coffee, its skip undone) is current" state_is coffee ">coffee ·"
rest_follows() { state_is flat "flat ·" && state_is noimg "noimg ·" && state_is evil "evil ·"; }
check "reopen: the rest of the queue follows" rest_follows
# decided items are shown as decided, above the cursor, not handed out again
decided_kept() { queue_row astro | grep -qE '^astro ✓ [1-5]$' && [ -n "$(queue_row cat)" ] && queue_row cat | grep -qvE '·$'; }
check "reopen: decided items stand above the cursor as decided, not handed out again" decided_kept
check "reopen: the title counts 2 of 6 reviewed" has '2/6 reviewed'
check "reopen: coffee's picture" image_shown

# ---- resize: the layout follows the window ----
t resize-window -t "$session" -x 100 -y 30
layout 100 30
check "resize: 30 rows on the screen" rows_are 30
check "resize to 100x30: separators at columns $queue_w and $((llm_x - 1))" separators_ok
check "resize to 100x30: the picture is redrawn inside the new pane only" image_shown
check "resize to 100x30: coffee is made again for the new pane (as wide, 2:3 high)" fits 600 400
check "resize: the title is on the first row" has '^ ?gavel'
check "resize: the queue is redrawn" state_is coffee ">coffee ·"

# ---- too small: a message, no panes; only q does anything ----
small() { has '70x20' && lacks '│' && [ "$(printf '%s\n' "$screen" | count_blocks)" -eq 0 ]; }
t resize-window -t "$session" -x 70 -y 20
check "70x20: the minimum-size message names the size, no panes are drawn" small
key a
sleep 0.5
expect_eq "$(reviews)" 4 "70x20: a decides nothing"
key q
end=$((SECONDS + 8))
until [ -s "$TMP/r2.rc" ] || [ $SECONDS -ge $end ]; do sleep 0.1; done
expect_eq "$(cat "$TMP/r2.rc" 2>/dev/null)" 0 "70x20: q still quits"

# ---- NO_COLOR: the text without colours, in a real terminal ----
t new-session -d -s nocolor -e NO_COLOR=1 -x 120 -y 36 \
	"$(printf '%q ' sh "$TMP/run-review.sh" "$TMP" nocolor "$GAVEL" review --db "$db" --reviewer nc --graphics none)"
session=nocolor
check "NO_COLOR: the screen is up" has 'reviewed'
coloured=$(capcolour | grep -cE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5)[;m]')
expect_eq "$coloured" 0 "NO_COLOR: no line of text has a colour"
reversed=$(capcolour | head -n 1 | grep -c $'\e\\[7m\\|\e\\[[0-9;]*;7m')
expect_eq "$reversed" 1 "NO_COLOR: the title bar is still set apart (reverse video)"
key q
end=$((SECONDS + 8))
until [ -s "$TMP/nocolor.rc" ] || [ $SECONDS -ge $end ]; do sleep 0.1; done
expect_eq "$(cat "$TMP/nocolor.rc" 2>/dev/null)" 0 "NO_COLOR: q quits"

# ---- an idle reviewer in a real terminal keeps their queued items ----
# a 3 s lease renewed every 0.5 s: idle for 5 s, the queued claims must
# still be live (each a row in claims with expires_at in the future)
t new-session -d -s idle -x 120 -y 36 \
	"$(printf '%q ' sh "$TMP/run-review.sh" "$TMP" idle "$GAVEL" review --db "$db" --reviewer idler --graphics none --lease 0.05 --renew 0.5)"
session=idle
check "idle: the screen is up" has 'reviewed'
held_before=$(sql "$db" "SELECT count(*) FROM claims WHERE reviewer = 'idler'")
sleep 5
live=$(sql "$db" "SELECT count(*) FROM claims WHERE reviewer = 'idler' AND expires_at > strftime('%s', 'now')")
expect_eq "$live" "$held_before" "idle: after 5 s (longer than the lease) every claim of the session is still live"
[ "$held_before" -ge 2 ] && ok || not_ok "idle: the session held its look-ahead ($held_before claims)"
key q
end=$((SECONDS + 8))
until [ -s "$TMP/idle.rc" ] || [ $SECONDS -ge $end ]; do sleep 0.1; done

# ---- the dashboard: its accuracy table, fitted on a worker, arrives with no ----
# key pressed (the loop wakes on the worker's fd); q closes it, q quits
t new-session -d -s dash -x 120 -y 36 \
	"$(printf '%q ' sh "$TMP/run-review.sh" "$TMP" dash "$GAVEL" review --db "$db" --reviewer dasher --graphics none)"
session=dash
check "dashboard: the screen is up" has 'reviewed'
key d
check "dashboard: the accuracy table arrives with no key pressed" has 'rater accuracy P\(says j\|truly j\)'
check "dashboard: with the LLM's row" has '^ LLM +[0-9]+ +[01]\.[0-9]{2}'
key q
check "dashboard: q closes it" lacks 'rater accuracy'
key q
end=$((SECONDS + 8))
until [ -s "$TMP/dash.rc" ] || [ $SECONDS -ge $end ]; do sleep 0.1; done
expect_eq "$(cat "$TMP/dash.rc" 2>/dev/null)" 0 "dashboard: q quits"

# ---- a held write lock: the screen says so at once, the decision waits and is saved ----
t new-session -d -s locked -x 120 -y 36 \
	"$(printf '%q ' sh "$TMP/run-review.sh" "$TMP" locked "$GAVEL" review --db "$db" --reviewer locker --graphics none)"
session=locked
check "lock: the screen is up" has 'reviewed'
before=$(sql "$db" "SELECT count(*) FROM reviews WHERE reviewer = 'locker'")
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE"); open(sys.argv[2], "w").close(); time.sleep(4); c.execute("COMMIT")' "$db" "$TMP/locked.held" &
holder=$!
for _ in $(seq 1 50); do [ -e "$TMP/locked.held" ] && break; sleep 0.1; done
key 3
check "lock: the reviewer is told at once that another process is writing" has 'waiting for the database: another process is writing'
expect_eq "$(sql "$db" "SELECT count(*) FROM reviews WHERE reviewer = 'locker'" 2>/dev/null || echo busy)" "$before" \
	"lock: nothing is written while the lock is held"
wait $holder
until_screen has 'labelled 3' || true
expect_eq "$(sql "$db" "SELECT count(*) FROM reviews WHERE reviewer = 'locker' AND label = 3")" 1 \
	"lock: the decision made during the wait is saved once the lock is free"
key q
end=$((SECONDS + 8))
until [ -s "$TMP/locked.rc" ] || [ $SECONDS -ge $end ]; do sleep 0.1; done

finish
