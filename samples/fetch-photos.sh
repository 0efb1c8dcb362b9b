#!/usr/bin/env bash
# fetch-photos.sh - pull the real photographs listed in photo-candidates.tsv
# out of Debian packages WITHOUT installing them (apt-get download + dpkg-deb -x).
#
# Usage: fetch-sample-photos.sh DEST [TSV] [--with-opencv]
#   DEST   folder for the photos: DEST/<package>/<file>, DEST/MANIFEST.tsv,
#          DEST/licenses/<package>.copyright
#   TSV    default: photo-candidates.tsv beside this script
#   --with-opencv  also take the opencv-doc rows (96 MB .deb; blanket licence only)
# Needs: apt-get update done once; network to Debian's archive. Downloads about
# 330 MB of .debs (tuxpaint-stamps-default 161 MB, plasma-workspace-wallpapers 94 MB,
# mate-backgrounds 47 MB, python3-skimage 21 MB, python-matplotlib-data 3 MB);
# the extracted photos total about 20 MB. The .debs are kept in DEST/.debs as a cache.
set -euo pipefail
dest=${1:?usage: fetch-sample-photos.sh DEST [TSV] [--with-opencv]}
tsv=${2:-$(dirname "$(readlink -f "$0")")/photo-candidates.tsv}
opencv=0
for a in "$@"; do [ "$a" = --with-opencv ] && opencv=1; done
[ "$tsv" = --with-opencv ] && tsv=$(dirname "$(readlink -f "$0")")/photo-candidates.tsv
[ -r "$tsv" ] || { echo "no TSV: $tsv" >&2; exit 2; }

mkdir -p "$dest/.debs" "$dest/licenses"
debs=$(readlink -f "$dest/.debs")
pkgs=$(awk -F'\t' 'NR>1 {print $1}' "$tsv" | sort -u)
[ "$opencv" = 1 ] || pkgs=$(echo "$pkgs" | grep -vx opencv-doc || true)

head -n1 "$tsv" | sed 's/^/file\t/' >"$dest/MANIFEST.tsv"
n=0
for p in $pkgs; do
  deb=$(ls "$debs/${p}_"*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then
    (cd "$debs" && apt-get download "$p" >/dev/null 2>&1) || { echo "download failed: $p" >&2; exit 1; }
    deb=$(ls "$debs/${p}_"*.deb | head -n1)
  fi
  tmp=$(mktemp -d)
  # extract only the listed files plus the package's copyright file
  mapfile -t paths < <(awk -F'\t' -v p="$p" 'NR>1 && $1==p {print "." $2}' "$tsv")
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "${paths[@]}" "./usr/share/doc/$p/copyright"
  cp "$tmp/usr/share/doc/$p/copyright" "$dest/licenses/$p.copyright"
  mkdir -p "$dest/$p"
  while IFS=$'\t' read -r pkg path rest; do
    [ "$pkg" = "$p" ] || continue
    base=$(basename "$path")
    # plasma wallpapers are all called 2560x1600.jpg: name them after their folder
    case "$path" in /usr/share/wallpapers/*) base=$(echo "$path" | cut -d/ -f5).jpg ;; esac
    cp "$tmp$path" "$dest/$p/$base"
    printf '%s\t%s\t%s\t%s\n' "$p/$base" "$pkg" "$path" "$rest" >>"$dest/MANIFEST.tsv"
    n=$((n + 1))
  done < <(tail -n +2 "$tsv")
  rm -rf "$tmp"
done
echo "fetched $n photos into $dest (manifest: $dest/MANIFEST.tsv)"
