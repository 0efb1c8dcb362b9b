#!/usr/bin/env bash
# bench_images.sh BUILD - file to sixel for a 640x480 pane on three photos of
# the sizes in docs/terminals.md (coffee.png 600x400, Dune.jpg 1680x1050,
# ColorfulCups 2560x1600), gavel against img2sixel and chafa in the same run,
# then the in-process stages and what each encoder setting costs in quality.
# BUILD is the Makefile's build directory (its objects are linked in).
#
# The photos come from Debian packages, not from the repository: an installed
# copy, else a cache (GAVEL_BENCH_CACHE, default BUILD/bench-images), else the
# .deb in GAVEL_BENCH_DEBS or fetched with `apt-get download` (deleted once
# the photo is out), one file taken out with dpkg-deb. Without the network and
# a .deb the bench says so and exits 0.
set -eu
build=${1:?usage: bench_images.sh BUILD}
cd "$(dirname "$0")/../.."
build=$(cd "$build" && pwd)
cache=${GAVEL_BENCH_CACHE:-$build/bench-images}
debs=${GAVEL_BENCH_DEBS:-$cache/debs}
mkdir -p "$cache" "$debs"

# name package path-inside-the-package
photos="coffee.png python3-skimage /usr/lib/python3/dist-packages/skimage/data/coffee.png
Dune.jpg mate-backgrounds /usr/share/backgrounds/mate/nature/Dune.jpg
ColorfulCups.jpg plasma-workspace-wallpapers /usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg"

first_deb() { # PACKAGE: the first matching .deb in $debs, or nothing
	local f
	for f in "$debs/$1"_*.deb; do
		if [ -e "$f" ]; then echo "$f"; return; fi
	done
}

# fetch NAME PACKAGE PATH: prints the local file, or nothing when it cannot
fetch() {
	local name=$1 pkg=$2 path=$3 deb downloaded=
	if [ -s "$path" ]; then echo "$path"; return; fi
	if [ -s "$cache/$name" ]; then echo "$cache/$name"; return; fi
	deb=$(first_deb "$pkg")
	if [ -z "$deb" ]; then
		echo "bench_images: downloading $pkg with apt-get download..." >&2
		(cd "$debs" && apt-get download "$pkg" >/dev/null 2>&1) || return 0
		deb=$(first_deb "$pkg")
		[ -n "$deb" ] || return 0
		downloaded=1
	fi
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ".$path" >"$cache/$name.part" 2>/dev/null &&
		mv "$cache/$name.part" "$cache/$name" && echo "$cache/$name"
	rm -f "$cache/$name.part"
	# the photo is cached; a package fetched here is not worth its 20-90 MB
	if [ -n "$downloaded" ]; then rm -f "$deb"; fi
}

files=()
while read -r name pkg path; do
	f=$(fetch "$name" "$pkg" "$path")
	if [ -z "$f" ]; then
		echo "bench_images: skipped: cannot get $name from the Debian package $pkg" \
			"(no network? set GAVEL_BENCH_DEBS to a folder holding ${pkg}_*.deb)"
		exit 0
	fi
	files+=("$f")
done <<<"$photos"

for tool in img2sixel chafa; do
	command -v "$tool" >/dev/null ||
		echo "bench_images: $tool is not installed (apt-get install libsixel-bin chafa); its column fails"
done

# the Makefile's flags; linked against every object but main.o, like the tests
pkgs="ncursesw libsixel sqlite3 libcurl libcjson libpng libutf8proc libcrypto"
objs=
for src in src/*/*.c db/*.c ui/*.c; do
	[ "$src" = src/cmd/main.c ] || objs="$objs $build/${src%.c}.o"
done
bin=$build/bench/bench_images
mkdir -p "$build/bench"
# shellcheck disable=SC2046,SC2086 # the flag lists are meant to split
cc -std=c17 -D_GNU_SOURCE -I. -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -O2 -g $(pkg-config --cflags $pkgs) -o "$bin" \
	tests/bench/bench_images.c $objs $(pkg-config --libs $pkgs) -ljpeg -lpthread -lm

echo "bench_images: file -> sixel bytes for a 640x480 pane (cells 10x20, 64 colours by default)"
"$bin" compare "${files[@]}"
"$bin" stages "${files[@]}"
"$bin" settings "${files[@]}"
