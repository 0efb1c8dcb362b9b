#!/bin/sh
# Regenerates the image fixtures of tests/unit/test_img.c with ImageMagick 6
# (Debian: apt-get install imagemagick). Run from anywhere; writes beside itself.
# The tests check colours and sizes written here, so change both together.
set -eu
cd "$(dirname "$0")"
IM=convert
# Deterministic output: no timestamps or other metadata in the files.
S="-strip -define png:exclude-chunks=date,time"

# JPEG: solid colour, RGB gradient, greyscale, CMYK, progressive.
$IM -size 40x30 xc:'#3080c0' $S -quality 95 solid.jpg
$IM -size 120x80 gradient:'#ff0000-#0000ff' $S -quality 80 rgb.jpg
$IM -size 50x40 xc:'#808080' -colorspace Gray $S -quality 95 gray.jpg
$IM -size 32x24 xc:red -colorspace CMYK $S -quality 95 cmyk.jpg
$IM -size 64x48 xc:'#20c040' $S -interlace JPEG -quality 90 progressive.jpg
# A JPEG cut in its entropy-coded data: the header is whole, the image is not.
$IM -size 160x120 -seed 7 plasma:red-blue $S -quality 90 /tmp/gavel-plasma.$$.jpg
head -c 3000 /tmp/gavel-plasma.$$.jpg > truncated.jpg
rm -f /tmp/gavel-plasma.$$.jpg

# PNG: RGB, palette, RGBA (transparent, half-transparent), grey+alpha,
# 16-bit, interlaced.
$IM -size 30x20 xc:'#123456' $S PNG24:rgb.png
$IM -size 24x16 xc:'#ff0000' -size 24x16 xc:'#00ff00' -append $S PNG8:palette.png
# Palette with a transparent entry (tRNS), and 1-bit grey.
$IM -size 8x8 xc:none -size 8x8 xc:blue +append $S PNG8:palette_trns.png
$IM -size 8x4 xc:white -size 8x4 xc:black +append -type bilevel -depth 1 $S gray1.png
$IM -size 20x20 xc:none $S PNG32:clear.png
$IM -size 10x10 xc:'rgba(255,0,0,0.5)' $S PNG32:halfred.png
$IM -size 8x6 xc:'rgba(128,128,128,1.0)' -size 8x6 xc:'rgba(200,200,200,0.0)' \
	+append -colorspace Gray $S -define png:color-type=4 graya.png
$IM -size 12x9 xc:'rgb(100%,50%,0%)' -depth 16 $S -define png:bit-depth=16 PNG48:rgb16.png
$IM -size 33x17 xc:'#c08040' $S -interlace PNG PNG24:interlaced.png
# A PNG cut inside its image data.
$IM -size 64x64 -seed 7 plasma:green-yellow $S PNG24:/tmp/gavel-plasma.$$.png
head -c 2000 /tmp/gavel-plasma.$$.png > truncated.png
rm -f /tmp/gavel-plasma.$$.png

# Formats gavel probes but does not decode.
$IM -size 25x15 xc:blue $S gif.gif
$IM -size 23x11 xc:blue $S BMP3:bmp3.bmp
$IM -size 21x13 xc:blue $S bmp.bmp
$IM -size 17x9 xc:blue -depth 8 $S PPM:pnm.ppm
# A hand-written greyscale PNM whose header has a comment.
printf 'P5\n# made by make.sh\n3 2\n255\n\001\002\003\004\005\006' > comment.pgm

# Not images.
printf 'This is a text file, not a JPEG.\n' > text.jpg
: > empty.jpg
