#!/usr/bin/env python3
"""csv_check.py DRIVER - src/export/csv.c (through build/tools/csvwrite) read
back by Python's csv module in strict mode: random rows of awkward text
(commas, quotes, CR, LF, CRLF, non-ASCII, leading spaces and '='), numbers,
empty values and JSON list columns; every record must end in CRLF, outside
quotes no bare CR or LF may appear, and each field must read back as
written. Prints "ok NAME" or "not ok NAME: why" per check."""
import csv
import io
import json
import random
import subprocess
import sys

results = []


def check(name, cond, why=""):
    results.append(bool(cond))
    print(("ok " if cond else "not ok ") + name + ("" if cond else ": " + why))


PIECES = ["a", "b c", ",", '"', '""', "\n", "\r", "\r\n", " ", "=1+2", "-3", "@x", "café",
          "日本", "😀", "\t", ";", "'", "\\", "{\"k\": 1}", "x" * 50]


def random_text(rng):
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6)))


def random_row(rng, width):
    row = []
    for c in range(width):
        kind = rng.random()
        if c == width - 1:
            row.append([random_text(rng) for _ in range(rng.randint(0, 3))])  # a list column
        elif kind < 0.6:
            row.append(random_text(rng))
        elif kind < 0.7:
            row.append(None)
        elif kind < 0.85:
            row.append(rng.randint(-10 ** 12, 10 ** 12))
        else:
            row.append(rng.choice([0.1, 1 / 3, 1e-300, 2.5e20, -0.0001, 123456.789]))
    return row


def run(driver, rows, *args):
    return subprocess.run([driver, *args], input=json.dumps(rows).encode(), capture_output=True)


def terminators_ok(data):
    """Outside quotes every line break is CRLF, and the file ends with one."""
    quoted, i = False, 0
    while i < len(data):
        ch = data[i]
        if ch == ord('"'):
            quoted = not quoted
        elif not quoted and ch == ord("\r"):
            if data[i + 1:i + 2] != b"\n":
                return False
            i += 1
        elif not quoted and ch == ord("\n"):
            return False
        i += 1
    return not quoted and data.endswith(b"\r\n")


def same(field, value):
    if value is None:
        return field == ""
    if isinstance(value, list):
        return json.loads(field) == value
    if isinstance(value, float):
        return float(field) == value
    if isinstance(value, int):
        return field == str(value)
    return field == value


def check_rows(name, driver, rows, bom=False):
    out = run(driver, rows, *(["--bom"] if bom else []))
    check(name + ": written", out.returncode == 0, out.stderr.decode(errors="replace"))
    data = out.stdout
    check(name + ": BOM " + ("present" if bom else "absent"),
          data.startswith(b"\xef\xbb\xbf") == bom)
    try:
        text = data.decode("utf-8-sig" if bom else "utf-8", errors="strict")
        parsed = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except (UnicodeDecodeError, csv.Error) as e:
        check(name + ": strict read", False, str(e))
        return
    check(name + ": strict read", True)
    check(name + ": CRLF after every record, nowhere bare", terminators_ok(data))
    check(name + ": as many records", len(parsed) == len(rows), "%d, want %d" % (len(parsed), len(rows)))
    check(name + ": equal widths", len({len(r) for r in parsed}) == 1)
    bad = [(r, c) for r, (got, want) in enumerate(zip(parsed, rows))
           for c, (g, w) in enumerate(zip(got, want)) if not same(g, w)]
    check(name + ": every field reads back", not bad,
          "first: row %s: %r" % (bad[0], parsed[bad[0][0]][bad[0][1]]) if bad else "")


def main():
    driver = sys.argv[1]
    rng = random.Random(4180)
    for n in range(20):
        width = rng.randint(2, 7)
        rows = [["col%d" % c for c in range(width)]] + [random_row(rng, width) for _ in range(30)]
        check_rows("random table %d" % n, driver, rows, bom=n % 5 == 0)
    check_rows("one empty column", driver, [["x"], [""], [None], ["y"]])
    out = run(driver, [["a", "b"], ["1", "2"], ["only"]])
    check("a short row is refused", out.returncode == 1 and
          b"row 3 has 1 fields, the header has 2" in out.stderr, out.stderr.decode())
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
