#!/usr/bin/env python3
"""features_store_check.py DB WORKDIR - the vectors `gavel features` stored
for the pattern images of features_check.py, recomputed here from the
formulas of src/img/features.h (features_check.py's own reimplementation,
with its own PNG decoder) and read back from the SQLite file with Python's
sqlite3 module: 13 little-endian float32 values per item, named by the set's
columns. Prints "N passed, N failed".

Run it twice: `WORKDIR manifest` writes the images and a JSONL manifest
(plus an item with only a URL) to WORKDIR and stops; `DB WORKDIR` checks.
"""
import json
import math
import os
import sqlite3
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features_check as fc  # noqa: E402

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def vector(want):
    return [want["exposure"], want["contrast"], want["saturation"], want["colourfulness"],
            math.log10(1 + want["sharpness"]), want["edge_density"], want["border_plainness"],
            want["clip_dark"], want["clip_bright"], want["noise"], want["off_centre"],
            want["resolution"], math.log2(want["aspect"])]


def write_manifest(work):
    images = fc.patterns(work)
    with open(os.path.join(work, "manifest.jsonl"), "w") as f:
        for path, w, h, rgb in images:
            f.write(json.dumps({"id": os.path.basename(path), "path": os.path.basename(path)}) + "\n")
        f.write(json.dumps({"id": "remote", "url": "http://127.0.0.1:9/x.jpg"}) + "\n")


def main():
    if len(sys.argv) == 3 and sys.argv[2] == "manifest":
        write_manifest(sys.argv[1])
        return 0
    db, work = sys.argv[1], sys.argv[2]
    con = sqlite3.connect(db)
    (columns, vtype, dim), = con.execute(
        "SELECT columns, value_type, dim FROM feature_sets WHERE name = 'pixels-v1'")
    check(json.loads(columns) == fc.NAMES, "column names %s" % columns)
    check(vtype == "f32" and dim == 13, "stored as %s x %d" % (vtype, dim))
    rows = dict(con.execute("SELECT i.external_id, f.vector FROM features f JOIN items i"
                            " ON i.id = f.item_id WHERE f.name = 'pixels-v1'"))
    check("remote" not in rows, "an item with only a URL got features")
    for path, w, h, rgb in fc.patterns(work):
        name = os.path.basename(path)
        if name not in rows:
            check(False, "%s has no vector" % name)
            continue
        got = struct.unpack("<13f", rows[name])
        want = vector(fc.features(w, h, rgb, w, h))
        for key, g, x in zip(fc.NAMES, got, want):
            check(abs(g - fc.as_float32(x)) <= max(1e-7, 1e-6 * abs(x)),
                  "%s: %s is %r, want %r" % (name, key, g, x))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
