#!/usr/bin/env python3
"""gen_manifest.py DIR N - make N distinct tiny PNG files under DIR/img/ and a
manifest DIR/manifest.jsonl that already carries what probing would measure
(sha256, width, height, bytes, format), plus a CSV of the same rows for the
sqlite3 baseline. Standard library only."""
import hashlib
import json
import os
import struct
import sys
import zlib


def png_1x1(r, g, b):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = zlib.compress(bytes([0, r, g, b]))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(os.path.join(out, "img"), exist_ok=True)
    with open(os.path.join(out, "manifest.jsonl"), "w") as m, open(os.path.join(out, "rows.csv"), "w") as c:
        for i in range(n):
            sub = "img/%03d" % (i // 1000)
            if i % 1000 == 0:
                os.makedirs(os.path.join(out, sub), exist_ok=True)
            data = png_1x1(i & 255, (i >> 8) & 255, (i >> 16) & 255)
            rel = "%s/%06d.png" % (sub, i)
            with open(os.path.join(out, rel), "wb") as f:
                f.write(data)
            sha = hashlib.sha256(data).hexdigest()
            rec = {"id": "item-%06d" % i, "path": rel, "title": "商品 %d – product" % i,
                   "category": ["shoes", "bags", "toys", "food"][i % 4], "price": i % 997,
                   "sha256": sha, "width": 1, "height": 1, "bytes": len(data), "format": "PNG"}
            m.write(json.dumps(rec, ensure_ascii=False) + "\n")
            c.write('%s,%s,%s,%s,%s\n' % (rec["id"], os.path.join(out, rel), sha, rec["title"], rec["category"]))


if __name__ == "__main__":
    main()
