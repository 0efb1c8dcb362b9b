#!/usr/bin/env bash
# gavel review, the real binary in a real sixel terminal: xterm -ti vt340 on
# a private Xvfb display (tests/tools/xterm-shot.sh), screenshots read pixel by
# pixel (tests/tools/pixels.py). The picture's pixels must be inside the image
# pane and nowhere else, the screen must not scroll, and the picture must go
# when the item has none or the help covers it, and come back after; after a
# resize it must be inside the new pane.
#
# Every screenshot of the sixel session is compared with one of a second
# session that gets the same keys with --graphics none: outside the image pane
# the two must be identical to the pixel, and where the sixel session should
# show no picture, identical everywhere. The font is drawn without
# antialiasing, so text has exactly its two colours and colour counts mean
# something: a photo in up to 64 palette entries against two or three for text.
#
# Skipped (neither passed nor failed) only when Xvfb or xterm is missing;
# `make deps` installs them, so CI runs it.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
tools=$here/../tools
. "$tools/xterm-shot.sh"
export LC_ALL=C.UTF-8
unset GAVEL_GRAPHICS

if ! command -v Xvfb >/dev/null 2>&1 || ! command -v xterm >/dev/null 2>&1; then
	echo "SKIP: test_review_xterm: Xvfb or xterm is not installed (make deps installs them)"
	finish
	exit
fi
missing=$(xs_missing)
[ -x /usr/bin/convert ] || missing="$missing /usr/bin/convert(imagemagick)"
if [ -n "$missing" ]; then
	not_ok "missing tools for the xterm test: $missing (make deps installs them)"
	finish
	exit
fi
export XS_QUIET=1
trap 'xs_stop; rm -rf "$TMP"' EXIT

COLS=120 ROWS=36 FONT=10 FACE='DejaVu Sans Mono:antialias=false'
SMALL_COLS=100 SMALL_ROWS=30 # the size the window is resized to
px() { python3 "$tools/pixels.py" "$@"; }

# ---- the fixture: a square photo, a tall strip of it, an item without an image ----
mkdir -p "$TMP/items"
cp "$here/../../samples/images/skimage-astronaut.jpg" "$TMP/items/astro.jpg"
# 256x1024, taller than the pane (pictures are only ever made smaller), and
# 1:4, so it is fitted by its height: it must end just above the status line
/usr/bin/convert "$TMP/items/astro.jpg" -crop 128x512+192+0 +repage -resize 200% "$TMP/items/tall.png"
cat >"$TMP/items/m.jsonl" <<'EOF'
{"id": "astro", "path": "astro.jpg", "title": "astronaut"}
{"id": "tall", "path": "tall.png", "title": "a tall strip"}
{"id": "noimg", "url": "https://example.invalid/x.jpg", "title": "no picture"}
EOF
# two copies with the same file name: the name is in the title bar
for s in sixel ref; do
	mkdir -p "$TMP/$s"
	"$GAVEL" init --db "$TMP/$s/x.db" >/dev/null 2>&1
	"$GAVEL" import --db "$TMP/$s/x.db" -q "$TMP/items/m.jsonl" >/dev/null 2>&1
	"$GAVEL" label --db "$TMP/$s/x.db" --provider heuristic -q >/dev/null 2>&1
done
expect_eq "$(sql "$TMP/sixel/x.db" "SELECT count(*) FROM items")" 3 "fixture: three items"

# geometry COLS LINES: the panes as docs and ui/reviewdraw.c define them, as
# pixel rectangles X Y W H of the screenshot (cell size cw x ch, border b)
geometry() {
	local cols=$1 lines=$2 queue_w llm_w img_x img_cols llm_x rows
	queue_w=$((cols >= 120 ? 24 : 20))
	llm_w=$(((cols - queue_w) * 2 / 5))
	[ "$llm_w" -lt 34 ] && llm_w=34
	img_x=$((queue_w + 1))
	img_cols=$((cols - queue_w - llm_w - 2))
	llm_x=$((img_x + img_cols + 1))
	rows=$((lines - 3))
	pane=($((b + img_x * cw)) $((b + ch)) $((img_cols * cw)) $((rows * ch)))
	queue_rect=("$b" $((b + ch)) $((queue_w * cw)) $((rows * ch)))
	llm_rect=($((b + llm_x * cw)) $((b + ch)) $(((cols - llm_x) * cw)) $((rows * ch)))
	bottom_rect=("$b" $((b + (lines - 2) * ch)) $((cols * cw)) $((2 * ch)))
	title_rect=("$b" "$b" $((cols * cw)) "$ch")
	screen_rect=(0 0 $((cols * cw + 2 * b)) $((lines * ch + 2 * b)))
}

shots=$TMP/shots
mkdir -p "$shots"
keep_shots() { # on failure, keep the screenshots for a look
	[ -n "${kept:-}" ] && return
	kept=$(mktemp -d "${TMPDIR:-/tmp}/gavel-review-xterm.XXXXXX")
	cp "$shots"/*.png "$kept"/ 2>/dev/null
	echo "screenshots kept in $kept" >&2
}
fail() { not_ok "$*"; keep_shots; }

# shot NAME: a screenshot as NAME.png, and NAME.ppm for pixels.py
shot() {
	xs_shot "$shots/$1.png" && /usr/bin/convert "$shots/$1.png" -alpha off -depth 8 "ppm:$shots/$1.ppm"
}
# settle NAME PREDICATE...: screenshots until two in a row are the same and
# the predicate (given the .ppm) holds; NAME.ppm is the last. 1 after 10 s.
settle() {
	local name=$1 end=$((SECONDS + 10)) prev=""
	shift
	while :; do
		shot "$name" || return 1
		if [ -n "$prev" ] && [ "$(px diff "$prev" "$shots/$name.ppm" 2>/dev/null)" = "0 -" ] &&
			"$@" "$shots/$name.ppm"; then
			rm -f "$prev"
			return 0
		fi
		[ "$SECONDS" -lt "$end" ] || return 1
		mv "$shots/$name.ppm" "$shots/$name.prev.ppm"
		prev=$shots/$name.prev.ppm
		sleep 0.15
	done
}
# xterm's default colour 6 (cyan3) behind the title: the first row is the title
title_drawn() { [ "$(px dominant "$1" "${title_rect[@]}" | cut -d' ' -f1)" = 00cdcd ]; }
pane_colours() { px colours "$1" "${pane[@]}"; }
picture_shown() { title_drawn "$1" && [ "$(pane_colours "$1")" -gt 50 ]; }
no_picture() { title_drawn "$1" && [ "$(pane_colours "$1")" -le 3 ]; }
drawn() { title_drawn "$1"; }

# The steps, the same in both sessions: key (or "resize"), what the sixel
# session must show, and the screen size after the step.
steps=(
	"-         picture astro: the square photo"
	"j         picture tall: the tall strip"
	"j         none    noimg: the item without an image"
	"k         picture tall again"
	"question  none    the help"
	"x         picture tall, after the help"
	"resize    picture tall, after a resize to ${SMALL_COLS}x$SMALL_ROWS"
)
# run_session TAG PREDICATE-FOR-PICTURE PREDICATE-FOR-NONE GAVEL-ARGS...
run_session() {
	local tag=$1 with=$2 without=$3 i key kind what
	shift 3
	xs_start -g "${COLS}x$ROWS" -F "$FONT" -f "$FACE" -- "$GAVEL" review "$@" || return 1
	read -r win_w win_h < <(xs_window_size)
	b=$XS_BORDER
	cw=$(((win_w - 2 * b) / COLS)) ch=$(((win_h - 2 * b) / ROWS))
	geometry "$COLS" "$ROWS"
	for i in "${!steps[@]}"; do
		read -r key kind what <<<"${steps[$i]}"
		case $key in
		-) ;;
		resize)
			xs_resize $((SMALL_COLS * cw + 2 * b)) $((SMALL_ROWS * ch + 2 * b))
			geometry "$SMALL_COLS" "$SMALL_ROWS"
			;;
		*) xs_keys "$key" ;;
		esac
		if [ "$kind" = picture ]; then
			settle "$tag$i" "$with" || fail "$tag, step $i ($key): $what: the picture settles in its pane (pane colours $(pane_colours "$shots/$tag$i.ppm"))"
		else
			settle "$tag$i" "$without" || fail "$tag, step $i ($key): $what: the screen settles with no picture (pane colours $(pane_colours "$shots/$tag$i.ppm"))"
		fi
	done
	expect_eq "$(xs_exit_code)" "" "$tag: gavel is still running after the steps"
	xs_stop
}

# ---- the sixel session, then the reference ----
run_session sixel picture_shown no_picture --db "$TMP/sixel/x.db" --reviewer ann || { fail "xterm starts"; finish; exit; }
expect_eq "$(sql "$TMP/sixel/x.db" "SELECT count(*) FROM reviews")" 0 "sixel: moving and the help decided nothing"
[ $((cw * COLS + 2 * b)) -eq "$win_w" ] && [ $((ch * ROWS + 2 * b)) -eq "$win_h" ] && ok ||
	fail "the window ${win_w}x$win_h is $COLS x $ROWS cells of whole pixels plus the border"
run_session ref drawn drawn --db "$TMP/ref/x.db" --reviewer ann --graphics none || { fail "the reference xterm starts"; finish; exit; }

# ---- compare ----
for i in "${!steps[@]}"; do
	read -r key kind what <<<"${steps[$i]}"
	if [ "$key" = resize ]; then geometry "$SMALL_COLS" "$SMALL_ROWS"; else geometry "$COLS" "$ROWS"; fi
	a=$shots/sixel$i.ppm r=$shots/ref$i.ppm
	name="step $i ($key, $what)"
	expect_eq "$(px size "$a")" "${screen_rect[2]} ${screen_rect[3]}" "$name: the window has the size of the layout"
	title_drawn "$a" && ok || fail "$name: the title bar is still on the first row (the screen did not scroll)"
	if [ "$kind" = picture ]; then
		# the picture is inside the image pane and nowhere else
		c=$(pane_colours "$a")
		[ "$c" -gt 50 ] && ok || fail "$name: a photo inside the image pane ($c colours, want > 50)"
		d=$(px diff "$a" "$r" "${pane[@]}")
		[ "$d" = "0 -" ] && ok || fail "$name: outside the image pane the screen is as without graphics (differing pixels: $d)"
		c=$(px colours "$a" "${queue_rect[@]}")
		[ "$c" -lt 12 ] && ok || fail "$name: the queue pane has only text colours ($c)"
		c=$(px colours "$a" "${llm_rect[@]}")
		[ "$c" -lt 12 ] && ok || fail "$name: the LLM pane has only text colours ($c)"
		c=$(px colours "$a" "${bottom_rect[@]}")
		[ "$c" -lt 12 ] && ok || fail "$name: nothing of the picture on the last two rows ($c colours)"
	else
		# ... and gone where there is none
		d=$(px diff "$a" "$r")
		[ "$d" = "0 -" ] && ok || fail "$name: no trace of the picture: the screen is as without graphics (differing pixels: $d)"
		c=$(pane_colours "$a")
		[ "$c" -le 3 ] && ok || fail "$name: the image pane holds text only ($c colours, want <= 3)"
	fi
	# the tall strip is fitted by its height: it reaches the pane's last cell
	# row (whole 6-pixel bands of it), so the clamp above was really tested
	if [[ $what == tall* ]]; then
		read -r _ bbox <<<"$(px diff "$a" "$r")"
		bottom=$(echo "$bbox" | awk -F'[x+]' '{ print $2 + $4 }')
		pane_bottom=$((pane[1] + pane[3]))
		[ "$bottom" -gt $((pane_bottom - ch)) ] && [ "$bottom" -le "$pane_bottom" ] && ok ||
			fail "$name: the tall picture ends in the pane's last row (ends at y=$bottom, pane ends at $pane_bottom)"
	fi
done
# the reference itself is what it should be: text colours only, everywhere
geometry "$COLS" "$ROWS"
c=$(px colours "$shots/ref0.ppm" "${screen_rect[@]}")
[ "$c" -lt 12 ] && ok || fail "reference: --graphics none draws text colours only ($c)"

finish
