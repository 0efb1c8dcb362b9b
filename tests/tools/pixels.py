#!/usr/bin/env python3
"""pixels.py - facts about the pixels of screenshots, for the real-terminal
tests. Standard library only; a PNG is turned into PPM by ImageMagick's real
convert (/usr/bin/convert: the first convert on PATH may be a stand-in).

Rectangles are X Y W H in pixels. Commands (each prints one line):
  size IMG                          "W H"
  colours IMG X Y W H               number of distinct colours in the rectangle
  dominant IMG X Y W H              "RRGGBB SHARE": the most frequent colour and its share 0..1
  diff A B [X Y W H]                "N BBOX": pixels that differ between A and B (same size),
                                    outside the rectangle when one is given; BBOX is
                                    WxH+X+Y of the differing pixels, or "-" when N is 0
  grid IMG X0 Y0 CW CH COLS ROWS    one line per cell row: each cell's number of distinct
                                    colours, for a picture of what is where (debugging)
"""
import subprocess
import sys

CONVERT = "/usr/bin/convert"


def load(path):
    """(width, height, bytes of RGB triples) of an image file."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"P6"):
        data = subprocess.run([CONVERT, path, "-alpha", "off", "-depth", "8", "ppm:-"],
                              check=True, stdout=subprocess.PIPE).stdout
    # P6 <ws> W <ws> H <ws> MAX <one ws> pixels; no comments from convert
    fields, pos = [], 2
    while len(fields) < 3:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(int(data[start:pos]))
    width, height, maxval = fields
    if maxval != 255:
        sys.exit(f"pixels.py: {path}: {maxval}-level PPM, want 255")
    return width, height, data[pos + 1:pos + 1 + width * height * 3]


def clip(img, x, y, w, h):
    width, height, _ = img
    x0, y0 = max(0, x), max(0, y)
    return x0, y0, min(width, x + w), min(height, y + h)


def pixels(img, x, y, w, h):
    width, _, data = img
    x0, y0, x1, y1 = clip(img, x, y, w, h)
    for row in range(y0, y1):
        base = (row * width) * 3
        for col in range(x0, x1):
            i = base + col * 3
            yield data[i:i + 3]


def colours(img, x, y, w, h):
    width, _, data = img
    x0, y0, x1, y1 = clip(img, x, y, w, h)
    seen = set()
    for row in range(y0, y1):
        line = data[(row * width + x0) * 3:(row * width + x1) * 3]
        seen.update(line[i:i + 3] for i in range(0, len(line), 3))
    return len(seen)


def dominant(img, x, y, w, h):
    counts = {}
    for p in pixels(img, x, y, w, h):
        counts[p] = counts.get(p, 0) + 1
    if not counts:
        return "- 0"
    best = max(counts, key=counts.get)
    return "%s %.3f" % (best.hex(), counts[best] / sum(counts.values()))


def diff(a, b, hole=None):
    if a[:2] != b[:2]:
        sys.exit("pixels.py: the images differ in size: %dx%d and %dx%d" % (a[0], a[1], b[0], b[1]))
    width, height, da = a
    db = b[2]
    n, box = 0, None
    hx0, hy0, hx1, hy1 = clip(a, *hole) if hole else (0, 0, 0, 0)
    for row in range(height):
        s = row * width * 3
        if da[s:s + width * 3] == db[s:s + width * 3]:
            continue
        for col in range(width):
            if hy0 <= row < hy1 and hx0 <= col < hx1:
                continue
            i = s + col * 3
            if da[i:i + 3] != db[i:i + 3]:
                n += 1
                box = (min(box[0], col), min(box[1], row), max(box[2], col), max(box[3], row)) \
                    if box else (col, row, col, row)
    if not box:
        return "0 -"
    return "%d %dx%d+%d+%d" % (n, box[2] - box[0] + 1, box[3] - box[1] + 1, box[0], box[1])


def grid(img, x0, y0, cw, ch, cols, rows):
    out = []
    for r in range(rows):
        out.append(" ".join("%3d" % colours(img, x0 + c * cw, y0 + r * ch, cw, ch)
                            for c in range(cols)))
    return "\n".join(out)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    nums = lambda xs: [int(v) for v in xs]
    if cmd == "size" and len(args) == 1:
        img = load(args[0])
        print(img[0], img[1])
    elif cmd == "colours" and len(args) == 5:
        print(colours(load(args[0]), *nums(args[1:])))
    elif cmd == "dominant" and len(args) == 5:
        print(dominant(load(args[0]), *nums(args[1:])))
    elif cmd == "diff" and len(args) in (2, 6):
        print(diff(load(args[0]), load(args[1]), nums(args[2:]) if len(args) == 6 else None))
    elif cmd == "grid" and len(args) == 7:
        print(grid(load(args[0]), *nums(args[1:])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
