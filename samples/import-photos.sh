#!/usr/bin/env bash
# import-photos.sh - rebuild samples/images/ and samples/licenses/*.copyright from the photos that
# samples/fetch-photos.sh extracted out of Debian packages.
#
# Usage: samples/import-photos.sh DEST
#   DEST  the fetch script's output folder (DEST/<package>/<file>, DEST/licenses/<package>.copyright)
#
# Which photos, where they came from and what they are called is in samples/sources.tsv (one row per
# image); this script only turns those rows into files:
#   - a photo that already fits in 800x800 and keeps its format is copied byte for byte, so the real
#     encoders' output (greyscale PNG, grey+alpha PNG, RGBA cut-outs, an Adobe RGB JPEG) stays intact;
#   - anything larger, or whose format changes, is downscaled to at most 800 px on the long side with
#     ImageMagick: JPEG quality 85 with metadata stripped (every resized source is sRGB), a greyscale
#     source stays a 1-channel JPEG.
# Output is committed; nothing here runs at build time. After it, run samples/make-variants.sh and
# samples/build-index.py. Needs the real ImageMagick 6 (/usr/bin/convert, /usr/bin/identify): the
# `convert` first on PATH may be a stand-in that only writes PPM.
set -euo pipefail

dest=${1:?usage: import-photos.sh DEST}
here=$(cd "$(dirname "$0")" && pwd)
convert=${IM_CONVERT:-/usr/bin/convert}
identify=${IM_IDENTIFY:-/usr/bin/identify}
"$convert" -version 2>/dev/null | grep -q ImageMagick ||
	{ echo "import-photos: $convert is not ImageMagick" >&2; exit 2; }
[ -d "$dest/licenses" ] || { echo "import-photos: $dest is not a fetch-sample-photos.sh folder" >&2; exit 2; }

mkdir -p "$here/images" "$here/licenses"
n=0
while IFS=$'\t' read -r id file fetched package _; do
	src=$dest/$fetched
	out=$here/$file
	[ -r "$src" ] || { echo "import-photos: $id: missing $src" >&2; exit 1; }
	read -r w h chans < <("$identify" -format '%w %h %[channels]\n' "${src}[0]" 2>/dev/null)
	if [ "$w" -le 800 ] && [ "$h" -le 800 ] && [ "${src##*.}" = "${out##*.}" ]; then
		cp "$src" "$out"
	else
		grey=()
		[ "$chans" = gray ] && grey=(-colorspace Gray -type Grayscale)
		# JPEG out only: no PNG source in sources.tsv needs shrinking, and one that did would
		# want its own colour type forced (see make-variants.sh) rather than these options.
		"$convert" -quiet "${src}[0]" -auto-orient -resize '800x800>' -strip "${grey[@]}" \
			-sampling-factor 2x2 -quality 85 "$out"
	fi
	cp "$dest/licenses/$package.copyright" "$here/licenses/$package.copyright"
	n=$((n + 1))
done < <(tail -n +2 "$here/sources.tsv")
echo "import-photos: wrote $n images into $here/images"
