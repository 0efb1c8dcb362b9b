#!/usr/bin/env python3
"""lab_compare_item_check.py DB BLOCKS_DUMPS NONE_DUMPS - the comparison
screen's item view and class filters (test_lab_compare_item.sh) against the
database, read with Python's sqlite3:

  - the comparison's list (dump "all") and each class key's list (class1 ..
    class6, class0 = every item): exactly the settled items (every
    reviewer's standing label agrees) in that class, the class of (human,
    A, B) from docs/prompt-lab.md's definitions (compare_check.classify),
    A = run 1, B = run 2, with the human label and its name;
  - each item opened (item0 .. item13, the list's rows in order): its
    external id, title, human label and class on the first line; A's label
    and rationale in the left third (column 1, 31 wide), B's in the right
    (column 67, 32 wide), each rationale cleaned (C0 controls and DEL as
    caret notation, C1 controls as U+FFFD) and wrapped greedily at spaces
    to its width in display columns (East Asian wide characters take two;
    a word longer than a line cut where the line is full; a newline starts
    a paragraph), written here from text.h's description;
  - the picture in the middle third (column 34): the 16x16 image as 16
    columns by 8 rows of upper half blocks, or "(no image)" for the item
    without a path; with --graphics none "(images off)";
  - no dump holds a raw control character.
Prints "ok GROUP (N values)" or "FAIL GROUP: ..." per group.
"""
import os
import re
import sqlite3
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_check import CLASSES, classify  # noqa: E402
from lab_screen_check import settled_items  # noqa: E402
from statcheck import Group  # noqa: E402

COLS, THIRD = 100, 100 // 3
A_COL = (1, THIRD - 2)
B_COL = (2 * THIRD + 1, COLS - 2 * THIRD - 2)
IMAGE_X, BLOCK = THIRD + 1, "\u2580"
STATUS_ROW = 28  # the status line, then the keys (a 30-row screen)
ROW = re.compile(r"^ (\S+)\s+human (\d) (\S+)\s+A (\d)  B (\d)  (\S+)")


def width(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def clean(text):
    out = []
    for ch in text:
        c = ord(ch)
        if c < 0x20 or c == 0x7F:
            out.append("^" + chr(c ^ 0x40))
        elif 0x80 <= c <= 0x9F:
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def text_width(s):
    return sum(map(width, s))


def cut(word, room):
    """The longest head of word within room columns, and the rest."""
    used = 0
    for i, ch in enumerate(word):
        if used + width(ch) > room:
            return word[:i], word[i:]
        used += width(ch)
    return word, ""


def wrap(text, room):
    lines = []
    for para in text.split("\n"):
        line, words = "", [w for w in clean(para).split(" ") if w]
        while words:
            word = words[0]
            if not line and text_width(word) > room:
                head, words[0] = cut(word, room)
                lines.append(head)
            elif not line:
                line = words.pop(0)
            elif text_width(line) + 1 + text_width(word) <= room:
                line += " " + words.pop(0)
            else:
                lines.append(line)
                line = ""
        if line or not lines or para == "":
            lines.append(line)
    return lines


def cells(line):
    """A dump line as its screen cells (a wide character's second cell None)."""
    out = []
    for ch in line:
        out.append(ch)
        if width(ch) == 2:
            out.append(None)
    return out


def columns(line, x, w):
    return "".join(c for c in cells(line)[x:x + w] if c is not None).rstrip()


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def list_rows(text):
    return [m.groups() for m in map(ROW.match, text.split("\n")) if m]


def want_rows(items, cls=None):
    return [r for r in items if cls is None or r[5] == cls]


def check_lists(dumps, items):
    g = Group("the comparison's list and each class key's")
    g.equal("every item, in the list", [r[0] for r in list_rows(read(f"{dumps}/all.txt"))],
            [r[0] for r in items])
    g.equal("their human labels, A's, B's and classes",
            list_rows(read(f"{dumps}/all.txt")), [tuple(map(str, r)) for r in items])
    for k in range(7):
        cls = CLASSES[k - 1] if k else None
        text = read(f"{dumps}/class{k}.txt")
        got = list_rows(text)
        if cls:
            g.true(f"key {k}: the head marks the class shown",
                   f"[{k} {cls} {len(want_rows(items, cls))}]" in text)
        g.equal(f"key {k}: the items of class {cls or 'any'}", got,
                [tuple(map(str, r)) for r in want_rows(items, cls)])
    g.true("each class has items", all(want_rows(items, c) for c in CLASSES))
    return g.report()


def majority(labels):
    top = max(map(labels.count, labels))
    return min(k for k in labels if labels.count(k) == top)


def run_labels(db, run):
    """{item: the majority of its readable answers in run, a tie to the lower}"""
    votes = {}
    for item, label in db.execute("SELECT item_id, label FROM predictions WHERE run_id = ? AND "
                                  "status = 'ok' ORDER BY sample", (run,)):
        votes.setdefault(item, []).append(label)
    return {i: majority(v) for i, v in votes.items()}


def rationale(db, run, item):
    """the rationale of the run's first readable answer of its majority label"""
    label = run_labels(db, run)[item]
    row = db.execute("SELECT rationale FROM predictions WHERE run_id = ? AND item_id = ? AND "
                     "status = 'ok' AND label = ? ORDER BY sample LIMIT 1",
                     (run, item, label)).fetchone()
    return row[0] if row and row[0] is not None else "(no rationale)"


def check_item(g, db, dumps, i, row, names, meta):
    ext, h, hname, a, b, cls = row
    item, title, path = meta[ext]
    lines = read(f"{dumps}/item{i}.txt").split("\n")
    top = next((n for n, l in enumerate(lines) if l.startswith(f" {ext}  ")), None)
    if top is None:
        g.true(f"item{i}: {ext} opened", False)
        return
    g.equal(f"item{i}: its first line", lines[top].rstrip(),
            clean(f" {ext}  {title or ''}  ·  human label {h} {hname}  ·  {cls}"))
    for who, run, label, (x, w) in (("A", 1, a, A_COL), ("B", 2, b, B_COL)):
        got = [columns(l, x, w) for l in lines[top + 2:STATUS_ROW]]
        want = [f"{who} {run}: {label} {names[label]}"] + wrap(rationale(db, run, item), w)
        g.equal(f"item{i} {ext}: {who}'s answer", got[:len(want)], want)
        g.true(f"item{i} {ext}: nothing under {who}'s answer", not any(got[len(want):]))
    middle = [columns(l, IMAGE_X, THIRD - 2) for l in lines[top + 2:STATUS_ROW]]
    if path is None:
        g.equal(f"item{i} {ext}: no picture, said so", middle[:3], ["", "(no image)", ""])
    else:
        g.equal(f"item{i} {ext}: the picture, 16 by 8 cells", middle[:9], [BLOCK * 16] * 8 + [""])
    g.true(f"item{i}: nothing more in the middle", not any(middle[9:]))


def check_items(db, dumps, items, names):
    g = Group("each item opened: labels, rationales side by side, the picture")
    meta = {e: (i, t, p) for i, e, t, p in db.execute(
        "SELECT id, external_id, title, path FROM items")}
    for i, row in enumerate(items):
        check_item(g, db, dumps, i, row, names, meta)
    escapes = rationale(db, 1, meta["c03"][0])
    g.true("the fixture: escapes and a C1 control", "\x1b" in escapes and "\x9b" in escapes)
    g.true("the fixture: an item whose first answer is not its majority",
           db.execute("SELECT label FROM predictions WHERE run_id = 2 AND item_id = ? AND "
                      "sample = 0", (meta["c04"][0],)).fetchone()[0] != run_labels(db, 2)[
                          meta["c04"][0]])
    g.true("the fixture: a rationale of many lines in wide characters",
           len(wrap(rationale(db, 2, meta["c03"][0]), B_COL[1])) >= 4)
    return g.report()


def check_raw(dirs):
    g = Group("no control character reaches the screen")
    for d in dirs:
        for name in sorted(os.listdir(d)):
            text = read(os.path.join(d, name))
            bad = sorted({hex(ord(c)) for c in text if (ord(c) < 0x20 and c != "\n") or
                          0x7F <= ord(c) <= 0x9F})
            g.equal(f"{name}: raw controls", bad, [])
    return g.report()


def main():
    db = sqlite3.connect(sys.argv[1])
    blocks, none = sys.argv[2], sys.argv[3]
    names = dict(db.execute("SELECT value, name FROM scale"))
    settled = settled_items(db)
    answer = {r: run_labels(db, r) for r in (1, 2)}
    ext = dict(db.execute("SELECT id, external_id FROM items"))
    both = sorted(i for i in settled if i in answer[1] and i in answer[2])
    items = [(ext[i], settled[i], names[settled[i]], answer[1][i], answer[2][i],
              classify(settled[i], answer[1][i], answer[2][i])) for i in both]
    good = check_lists(blocks, items)
    good = check_items(db, blocks, items, names) and good
    g = Group("--graphics none: the placeholder")
    middle = [columns(l, IMAGE_X, THIRD - 2) for l in read(f"{none}/item0.txt").split("\n")]
    g.true("(images off) where the picture would be", "(images off)" in middle)
    good = g.report() and good
    good = check_raw([blocks, none]) and good
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
