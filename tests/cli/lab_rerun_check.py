#!/usr/bin/env python3
"""lab_rerun_check.py DB SERVER_LOG CALLS_BEFORE RECOMPUTED - what
test_lab_rerun.sh cannot see with sqlite3 alone, worked out independently:

  - the resumed run: the calls the test server logged before the resume
    (the first CALLS_BEFORE) answered each item once and hung twice on each
    of p17-p24, and the later session asked those again (hanging, then
    answered) and nothing else (no answered item asked twice);
  - the items the comparison (A = run 1, B = runs 2 and 3) sent back: the
    broken ones (A's label the settled one, B's not) and those where B's
    label is not the settled one, from the predictions and the settled
    labels as the review log stood when they were sent (the definitions of
    docs/prompt-lab.md), each with that settled label;
  - the recomputed comparison on the screen dump RECOMPUTED: how many items
    were sent, reviewed again and had their settled label changed, and the
    six classes of the items against the settled labels now.
Prints "ok GROUP (N values)" or "FAIL GROUP: ..." per group.
"""
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_check import CLASSES, classify  # noqa: E402
from lab_screen_check import settled_items  # noqa: E402
from statcheck import Group  # noqa: E402


def check_resume(g, log_path, before):
    calls = [e for e in map(json.loads, open(log_path)) if e["path"] == "/v1/chat/completions"]
    first, then = calls[:before], calls[before:]
    hanging = [f"p{i:02d}" for i in range(17, 25)]
    g.equal("the calls that hung in the first session: p17-p24, twice",
            sorted(e["item"] for e in first if e["status"] == 0), sorted(hanging * 2))
    answered = [e["item"] for e in first if e["status"] == 200]
    g.equal("the others answered once each", sorted(answered), sorted(set(answered)))
    g.true("none of them among the hanging", not set(answered) & set(hanging))
    g.equal("the calls of the second session: only the items not answered, twice", sorted(
        e["item"] for e in then), sorted(hanging * 2))
    g.equal("there: hung once more, then answered", sorted(e["status"] for e in then),
            [0] * 8 + [200] * 8)


def labels(db, *runs):
    out = {}
    for run in runs:  # the later run has the say
        out.update(db.execute("SELECT item_id, label FROM predictions WHERE run_id = ? AND "
                              "status = 'ok'", (run,)))
    return out


def check_sent(g, db):
    a, b = labels(db, 1), labels(db, 2, 3)
    for reason, wrong in (("broken", lambda h, x, y: x == h and y != h),
                          ("disagrees", lambda h, x, y: y != h)):
        rows = db.execute("SELECT item_id, settled_label, after_review, source FROM recheck "
                          "WHERE reason = ? ORDER BY id", (reason,)).fetchall()
        g.true(f"{reason}: some items sent", bool(rows))
        upto = rows[0][2] if rows else 0
        then = settled_items(db, upto)
        want = sorted(i for i, h in then.items() if wrong(h, a[i], b[i]))
        g.equal(f"{reason}: the items sent, in order", [r[0] for r in rows], want)
        g.equal(f"{reason}: each with its settled label then", [r[1] for r in rows],
                [then[i] for i in want])
        g.equal(f"{reason}: from the comparison '1 2'", {r[3] for r in rows}, {"1 2"})


def check_recomputed(g, db, path):
    text = open(path, encoding="utf-8").read()
    now = settled_items(db)
    first = {}
    for item, label, after in db.execute(
            "SELECT item_id, settled_label, after_review FROM recheck WHERE source = '1 2' "
            "ORDER BY id"):
        first.setdefault(item, (label, after))
    reviewed = sum(1 for item, (_, after) in first.items() if db.execute(
        "SELECT 1 FROM reviews WHERE item_id = ? AND id > ? AND decision IN "
        "('accept', 'override')", (item, after)).fetchone())
    changed = sum(1 for item, (label, _) in first.items() if now.get(item) != label)
    g.equal("one reviewed again, one settled label changed", (reviewed, changed), (1, 1))
    want = f"re-review: {len(first)} sent, {reviewed} reviewed again, {changed} settled " \
        "labels changed"
    g.true(f"[{want}] on the recomputed comparison", want in text)
    a, b = labels(db, 1), labels(db, 2, 3)
    classes = {c: 0 for c in CLASSES}
    for item, h in now.items():
        classes[classify(h, a[item], b[item])] += 1
    line = " ".join(f"{k + 1} {c} {classes[c]}" for k, c in enumerate(CLASSES))
    g.true(f"the classes [{line}] against the settled labels now", line in text)


def main():
    db_path, log_path, before, recomputed = sys.argv[1:5]
    db = sqlite3.connect(db_path)
    ok = True
    for name, fn, args in (
            ("the resumed run's calls", check_resume, (log_path, int(before))),
            ("the items sent to re-review", check_sent, (db,)),
            ("the comparison recomputed after a correction", check_recomputed,
             (db, recomputed))):
        g = Group(name)
        fn(g, *args)
        ok &= g.report()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
