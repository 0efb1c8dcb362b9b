#!/usr/bin/env python3
"""queue_majority_check.py DB VOTES CLAIMED - the review queue's LLM label
of a --repeat run (test_queue_majority.sh), worked out from the predictions
read with Python's sqlite3:

  - the fixture: the answers stored are the server's votes (VOTES,
    ID=S1/S2/...), and on some items neither the last sample nor the last
    answer stored is the majority, with ties among them;
  - each item's LLM label in item_queue is the majority of the readable
    answers of the latest run that gave one, a tie to the lower label (the
    review pane's rule, docs/prompt-lab.md), and llm_counts counts them;
  - the disagreement order (the ids in CLAIMED, as tests/tools/queue_order
    claimed them): the open items, largest gap between the LLM label and
    the human labels first (an item without either last), then by id.
Prints "ok GROUP (N values)" or "FAIL GROUP: ..." per group.
"""
import os
import sqlite3
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from statcheck import Group  # noqa: E402


def majority(labels):
    counts = Counter(labels)
    top = max(counts.values())
    return min(k for k, c in counts.items() if c == top)


def main():
    db = sqlite3.connect(sys.argv[1])
    votes = {k: [int(x) for x in v.split("/")] for k, v in
             (e.split("=") for e in sys.argv[2].split(","))}
    claimed = [int(x) for x in open(sys.argv[3]).read().split()]
    ext = dict(db.execute("SELECT id, external_id FROM items"))
    answers = {}
    latest = dict(db.execute("SELECT item_id, max(run_id) FROM predictions WHERE status = 'ok' "
                             "GROUP BY item_id"))
    for item, run, sample, label in db.execute(
            "SELECT item_id, run_id, sample, label FROM predictions WHERE status = 'ok' "
            "ORDER BY item_id, sample"):
        if run == latest[item]:
            answers.setdefault(item, []).append(label)

    last_stored = dict(db.execute(
        "SELECT item_id, label FROM predictions p WHERE id = (SELECT max(id) FROM predictions x "
        "WHERE x.item_id = p.item_id)"))
    g = Group("the fixture")
    g.equal("the answers are the server's votes", {ext[i]: sorted(a) for i, a in answers.items()},
            {k: sorted(v) for k, v in votes.items()})
    g.true("the last sample is not the majority on 3 items or more",
           sum(a[-1] != majority(a) for a in answers.values()) >= 3)
    g.true("nor the last answer stored",
           sum(last_stored[i] != majority(a) for i, a in answers.items()) >= 3)
    g.true("ties", any(Counter(a).most_common(2)[-1][1] == max(Counter(a).values())
                       for a in answers.values() if len(set(a)) > 1))
    good = g.report()

    g = Group("item_queue's LLM labels: the majority")
    want = {i: majority(a) for i, a in answers.items()}
    got = dict(db.execute("SELECT item_id, llm_label FROM item_queue WHERE llm_label IS NOT NULL"))
    g.equal("llm_label", {ext[i]: v for i, v in got.items()}, {ext[i]: v for i, v in want.items()})
    g.equal("llm_run", dict(db.execute("SELECT item_id, llm_run FROM item_queue WHERE llm_run "
                                       "IS NOT NULL")), latest)
    g.equal("llm_counts", dict(db.execute("SELECT label, n FROM llm_counts WHERE n > 0")),
            dict(Counter(want.values())))
    good = g.report() and good

    g = Group("the disagreement order")
    humans = {}
    for item, label in db.execute("SELECT item_id, label FROM reviews WHERE decision IN "
                                  "('accept', 'override')"):
        humans.setdefault(item, []).append(label)

    def key(item):
        if item not in want or item not in humans:
            return (9e99, item)
        return (-max(abs(h - want[item]) for h in humans[item]), item)

    g.equal("the items handed out, in order", [ext[i] for i in claimed],
            [ext[i] for i in sorted(ext, key=key)])
    good = g.report() and good
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
