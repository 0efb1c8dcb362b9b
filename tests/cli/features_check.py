#!/usr/bin/env python3
"""features_check.py DRIVER WORKDIR - the pixel features of src/img/features.c
recomputed from their documented formulas (src/img/features.h).

Standard library only. The pixels come from the PNG files themselves,
decoded here with zlib (8-bit grey, grey+alpha, RGB, RGBA; every filter;
alpha laid on white with the rounding img.c documents,
(c a + 255 (255 - a) + 127) / 255). The images: photos from samples/ that
need no downscaling (a colour photo, a grey one, an RGBA cut-out on
transparency) and patterns written here (noise in a frame, stripes, a
checkerboard, 2x2 and 3x3 images with no or one interior pixel, and a solid
image larger than the 512 box, whose pixel figures survive the downscaling
unchanged). DRIVER (build/tools/features_measure) prints gavel's figures.

Sums and square roots come out within rounding of gavel's (1e-9 relative,
or 1e-12 absolute near 0); figures decided by a threshold (edges, clipping,
the plain border, the noise estimate's flat pixels) are computed with the
same expressions in the same order, so every comparison falls the same way.
The 13-value vector is checked too (float precision). Ends with
"N passed, N failed".
"""
import json
import math
import os
import random
import struct
import subprocess
import sys
import zlib

passed = failed = 0

CLIP_DARK, CLIP_BRIGHT = 2, 253
EDGE_THRESHOLD = 0.1
BORDER_SHARE, PLAIN_TOLERANCE = 0.08, 24
NOISE_SHARE = 0.25
NAMES = ["exposure", "contrast", "saturation", "colourfulness", "sharpness_log10",
         "edge_density", "border_plainness", "clip_dark", "clip_bright", "noise",
         "off_centre", "resolution", "aspect_log2"]


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


# ---- PNG, both ways ----

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write_png(path, w, h, rgb):
    rows = b"".join(b"\x00" + bytes(rgb[y * w * 3:(y + 1) * w * 3]) for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(rows, 9)))
        f.write(chunk(b"IEND", b""))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def unfilter(raw, w, h, bpp):
    stride, out, prev, pos = w * bpp, [], bytearray(w * bpp), 0
    for _ in range(h):
        kind, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth(a, b, c))[kind]) & 255
        out.append(line)
        prev = line
    return out


def read_png(path):
    """(width, height, flat RGB list) with alpha laid on white."""
    with open(path, "rb") as f:
        data = f.read()
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace or ctype not in (0, 2, 4, 6):
                raise ValueError("%s: only 8-bit, non-interlaced grey/RGB(A)" % path)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    rgb = []
    for line in unfilter(zlib.decompress(idat), w, h, channels):
        for x in range(w):
            px = line[x * channels:(x + 1) * channels]
            colour = [px[0]] * 3 if channels < 3 else list(px[:3])
            if channels in (2, 4):
                a = px[-1]
                colour = [(c * a + 255 * (255 - a) + 127) // 255 for c in colour]
            rgb += colour
    return w, h, rgb


# ---- the formulas of features.h ----

def luma_plane(rgb):
    return [0.2126 * rgb[i] + 0.7152 * rgb[i + 1] + 0.0722 * rgb[i + 2]
            for i in range(0, len(rgb), 3)]


def pop_var(values):
    m = math.fsum(values) / len(values)
    return math.fsum((v - m) ** 2 for v in values) / len(values)


def colour_figures(rgb, Y, f):
    n = len(Y)
    sat, rg, yb = [], [], []
    for i in range(0, len(rgb), 3):
        r, g, b = rgb[i:i + 3]
        mx, mn = max(r, g, b), min(r, g, b)
        sat.append((mx - mn) / mx if mx else 0.0)
        rg.append(float(r - g))
        yb.append(0.5 * (float(r) + g) - b)
    f["saturation"] = math.fsum(sat) / n
    f["colourfulness"] = math.sqrt(pop_var(rg) + pop_var(yb)) + 0.3 * math.sqrt(
        (math.fsum(rg) / n) ** 2 + (math.fsum(yb) / n) ** 2)
    f["clip_dark"] = sum(y <= CLIP_DARK + 1e-9 for y in Y) / n
    f["clip_bright"] = sum(y >= CLIP_BRIGHT - 1e-9 for y in Y) / n
    f["exposure"] = math.fsum(Y) / n / 255
    f["contrast"] = math.sqrt(pop_var(Y)) / 255


def interior_figures(w, h, Y, f):
    lap, grads, edges = [], [], []
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            u, r, d = (y - 1) * w, y * w, (y + 1) * w
            lap.append(Y[r + x - 1] + Y[r + x + 1] + Y[r + x - w] + Y[r + x + w] - 4 * Y[r + x])
            gx = (Y[u + x + 1] + 2 * Y[r + x + 1] + Y[d + x + 1]) - \
                 (Y[u + x - 1] + 2 * Y[r + x - 1] + Y[d + x - 1])
            gy = (Y[d + x - 1] + 2 * Y[d + x] + Y[d + x + 1]) - \
                 (Y[u + x - 1] + 2 * Y[u + x] + Y[u + x + 1])
            g = math.sqrt(gx * gx + gy * gy) / (4 * 255.0)
            grads.append((g, x, y))
            if g > EDGE_THRESHOLD:
                edges.append((g, (x + 0.5) / w - 0.5, (y + 0.5) / h - 0.5))
    n = len(grads)
    f["sharpness"] = pop_var(lap) if n else 0.0
    f["edge_density"] = len(edges) / n if n else 0.0
    ws = math.fsum(e[0] for e in edges)
    f["off_centre"] = math.hypot(math.fsum(g * cx for g, cx, _ in edges) / ws,
                                 math.fsum(g * cy for g, _, cy in edges) / ws) / math.sqrt(0.5) if ws > 0 else 0.0
    f["noise"] = noise(w, Y, grads) if n else 0.0


def noise(w, Y, grads):
    """Immerkaer's estimate over the flattest NOISE_SHARE of interior pixels."""
    t = sorted(g for g, _, _ in grads)[int(NOISE_SHARE * (len(grads) - 1))]
    total = []
    for g, x, y in grads:
        if g > t:
            continue
        u, r, d = (y - 1) * w, y * w, (y + 1) * w
        total.append(abs(Y[u + x - 1] - 2 * Y[u + x] + Y[u + x + 1] - 2 * Y[r + x - 1] + 4 * Y[r + x]
                         - 2 * Y[r + x + 1] + Y[d + x - 1] - 2 * Y[d + x] + Y[d + x + 1]))
    return math.sqrt(math.pi / 2) * math.fsum(total) / (6 * len(total))


def border_plainness(w, h, rgb):
    bx, by = max(1, math.floor(BORDER_SHARE * w + 0.5)), max(1, math.floor(BORDER_SHARE * h + 0.5))
    band = [rgb[3 * (y * w + x):3 * (y * w + x) + 3] for y in range(h) for x in range(w)
            if x < bx or x >= w - bx or y < by or y >= h - by]
    cells = {}
    for p in band:
        cells.setdefault((p[0] >> 4) << 8 | (p[1] >> 4) << 4 | p[2] >> 4, []).append(p)
    best = min(cells, key=lambda c: (-len(cells[c]), c))  # most common, lowest index on a tie
    mode = [sum(p[c] for p in cells[best]) / len(cells[best]) for c in range(3)]
    plain = sum(all(abs(p[c] - mode[c]) <= PLAIN_TOLERANCE for c in range(3)) for p in band)
    return plain / len(band)


def features(w, h, rgb, orig_w, orig_h):
    Y = luma_plane(rgb)
    f = {}
    colour_figures(rgb, Y, f)
    interior_figures(w, h, Y, f)
    f["border_plainness"] = border_plainness(w, h, rgb)
    f["resolution"] = math.log10(orig_w * orig_h / 1e6)
    f["aspect"] = max(orig_w, orig_h) / min(orig_w, orig_h)
    return f


def as_float32(v):
    return struct.unpack("f", struct.pack("f", v))[0]


def compare(name, got, want):
    for key, w in want.items():
        g = got[key]
        check(abs(g - w) <= max(1e-12, 1e-9 * abs(w)), "%s: %s is %.17g, want %.17g" % (name, key, g, w))
    vec = [want["exposure"], want["contrast"], want["saturation"], want["colourfulness"],
           math.log10(1 + want["sharpness"]), want["edge_density"], want["border_plainness"],
           want["clip_dark"], want["clip_bright"], want["noise"], want["off_centre"],
           want["resolution"], math.log2(want["aspect"])]
    check(list(got["vector"]) == NAMES, "%s: vector names %s" % (name, list(got["vector"])))
    for key, w in zip(NAMES, vec):
        g = got["vector"][key]
        check(abs(g - as_float32(w)) <= max(1e-7, 1e-6 * abs(w)),
              "%s: vector %s is %r, want %r" % (name, key, g, w))


# ---- images ----

def patterns(work):
    """(path, width, height, rgb) of the PNGs written here."""
    rng = random.Random(5)
    out = []

    def add(name, w, h, fn):
        rgb = []
        for y in range(h):
            for x in range(w):
                rgb += fn(x, y)
        path = os.path.join(work, name)
        write_png(path, w, h, rgb)
        out.append((path, w, h, rgb))

    add("framed-noise.png", 61, 47, lambda x, y: [240, 238, 235] if x < 8 or y < 6 or x > 50 else
        [rng.randrange(256), rng.randrange(256), rng.randrange(60, 120)])
    add("stripes.png", 40, 90, lambda x, y: [0, 0, 0] if (x // 3) % 2 else [255, 255, 250])
    add("checker.png", 32, 32, lambda x, y: [((x // 4 + y // 4) % 2) * 255] * 3)
    add("dark-corner.png", 50, 30, lambda x, y: [1, 3, 2] if x + y < 20 else [200, 40 + x, 90 + y])
    add("tiny.png", 2, 2, lambda x, y: [10 * x, 200, 30 * y])
    add("three.png", 3, 3, lambda x, y: [255, 0, 0] if x == y == 1 else [0, 0, 255])
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: features_check.py DRIVER WORKDIR")
    driver, work = sys.argv[1], sys.argv[2]
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    images = [(p, w, h, rgb) for p, w, h, rgb in patterns(work)]
    for name in ("skimage-chelsea.png", "skimage-coins.png", "tux-kiwi.png"):
        path = os.path.join(root, "samples", "images", name)
        w, h, rgb = read_png(path)
        images.append((path, w, h, rgb))
    big = os.path.join(work, "solid-big.png")
    write_png(big, 1000, 400, [200, 100, 50] * 400000)
    out = subprocess.run([driver] + [p for p, _, _, _ in images] + [big],
                         stdout=subprocess.PIPE, text=True).stdout.splitlines()
    check(len(out) == len(images) + 1, "driver printed %d lines for %d images" % (len(out), len(images) + 1))
    for (path, w, h, rgb), line in zip(images, out):
        got = json.loads(line)
        name = os.path.basename(path)
        if "error" in got:
            check(False, "%s: %s" % (name, got["error"]))
            continue
        check((got["measured_width"], got["measured_height"]) == (w, h), "%s: measured at %dx%d" % (
            name, got["measured_width"], got["measured_height"]))
        compare(name, got, features(w, h, rgb, w, h))
        print("ok   %s" % name)
    # a solid image shrinks to the same solid colour: every figure is known
    got = json.loads(out[-1])
    want = features(512, 205, [200, 100, 50] * (512 * 205), 1000, 400)
    check(got["width"] == 1000 and got["height"] == 400 and got["measured_width"] == 512,
          "solid-big.png: sizes %s" % line)
    compare("solid-big.png", got, want)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
