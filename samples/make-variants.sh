#!/usr/bin/env bash
# make-variants.sh - derive deliberately worse photos from a few of samples/images/ so the demo's
# quality scale (1 unusable .. 5 excellent) has a spread: the originals are mostly clean, well-lit
# shots, and a scale is only tested when some items should score low.
#
# Makes samples/variants/variant-*.jpg and samples/variants.tsv (which source, which defect; read by
# samples/build-index.py). One variant per defect kind:
#   blurred, under-exposed, over-exposed, off-centre crop, cluttered background (cut-out laid on a
#   busy photo, twice), noisy with heavy JPEG artefacts, low resolution, colour cast with low
#   contrast, subject too small in the frame.
# Its output is committed, so nothing runs at build time. Rerunnable: inputs are only the committed
# samples/images/, the noise is seeded, and metadata is stripped, so a rerun with the same
# ImageMagick gives the same bytes. Needs the real ImageMagick 6 (/usr/bin/convert): the `convert`
# first on PATH may be a stand-in that only writes PPM.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
convert=${IM_CONVERT:-/usr/bin/convert}
"$convert" -version 2>/dev/null | grep -q ImageMagick ||
	{ echo "make-variants: $convert is not ImageMagick" >&2; exit 2; }
img=$here/images
out=$here/variants
tsv=$here/variants.tsv

rm -f "$out"/variant-*.jpg
mkdir -p "$out"
printf 'id\tfile\tvariant_of\tbackground_of\tdefect\thow\n' >"$tsv"

# The cut-outs have alpha; a worse photo of them is still a photo, so lay them on white first.
on_white=(-background white -alpha remove -alpha off)
jpeg=(-strip -sampling-factor 2x2 -quality 85)

# variant ID SOURCE-ID BACKGROUND-ID DEFECT HOW -- CONVERT-ARGS...
# Runs convert with the arguments after "--" and writes variants/ID.jpg; records the row.
variant()
{
	local id=$1 src=$2 bg=$3 defect=$4 how=$5
	shift 6
	"$convert" -quiet "$@" "$out/$id.jpg"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "variants/$id.jpg" "$src" "$bg" "$defect" "$how" >>"$tsv"
}

variant variant-coffee-blur skimage-coffee "" blurred "Gaussian blur, sigma 5 px" -- \
	"$img/skimage-coffee.png" -blur 0x5 "${jpeg[@]}"

variant variant-apricot-dark tux-apricot "" under-exposed \
	"laid on white, pixel values multiplied by 0.28 (about -1.8 stops)" -- \
	"$img/tux-apricot.png" "${on_white[@]}" -evaluate multiply 0.28 "${jpeg[@]}"

variant variant-grace-hopper-bright mpl-grace-hopper "" over-exposed \
	"pixel values multiplied by 2.4, highlights clipped" -- \
	"$img/mpl-grace-hopper.jpg" -evaluate multiply 2.4 "${jpeg[@]}"

variant variant-firetruck-offcentre tux-firetruck "" "off-centre crop" \
	"800x600 white frame with the truck pushed into the lower right corner, over half of it cut off" -- \
	-size 800x600 xc:white "$img/tux-firetruck.png" -geometry +430+300 -composite "${jpeg[@]}"

variant variant-kiwi-cluttered tux-kiwi plasma-colorful-cups "cluttered background" \
	"cut-out laid on the coloured-cups photo" -- \
	"$img/plasma-colorful-cups.jpg" "$img/tux-kiwi.png" -geometry +300+128 -composite "${jpeg[@]}"

variant variant-lightbulb-cluttered tux-lightbulb plasma-evening-glow "cluttered background" \
	"cut-out shrunk to 60% and laid on the rowing-boats photo" -- \
	"$img/plasma-evening-glow.jpg" \( "$img/tux-lightbulb.png" -resize 60% \) \
	-geometry +430+140 -composite "${jpeg[@]}"

variant variant-chelsea-noisy skimage-chelsea "" "noisy, JPEG artefacts" \
	"seeded Gaussian noise (attenuate 2), saved at JPEG quality 15" -- \
	"$img/skimage-chelsea.png" -seed 7 -attenuate 2 +noise Gaussian \
	-strip -sampling-factor 2x2 -quality 15

variant variant-cement-mixer-lowres tux-cement-mixer "" "low resolution" \
	"laid on white, shrunk to 12% and scaled back up with box filtering (blocky)" -- \
	"$img/tux-cement-mixer.png" "${on_white[@]}" -resize 12% -scale 500x516! "${jpeg[@]}"

variant variant-ginger-colourcast tux-ginger "" "colour cast, low contrast" \
	"laid on white, tilted 15 degrees, 30% blue colourise, levels squeezed to 15%-80%" -- \
	"$img/tux-ginger.png" "${on_white[@]}" -rotate 15 -fill '#2040ff' -colorize 30% \
	+level 15%,80% "${jpeg[@]}"

variant variant-stethoscope-tiny tux-stethoscope "" "subject too small" \
	"cut-out shrunk to 20% in a corner of an 800x600 grey frame" -- \
	-size 800x600 xc:'#d9d9d9' \( "$img/tux-stethoscope.png" -resize 20% \) \
	-geometry +90+440 -composite "${jpeg[@]}"

echo "make-variants: wrote $(($(wc -l <"$tsv") - 1)) variants into $out"
