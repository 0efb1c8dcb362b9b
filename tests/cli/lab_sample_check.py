#!/usr/bin/env python3
"""lab_sample_check.py DB SERVER_LOG SPEC... - the items of the lab's
seeded samples, worked out independently from src/lab/labsample.h's
definition and the review log (read with Python's sqlite3):

  - the settled items and their labels: every reviewer's standing label
    agrees (lab_screen_check.settled_items);
  - a sample of N with seed S: each label's share by Hamilton's largest
    remainder (floor(N m / count), then one more to the largest remainders
    N m mod count, ties to the smaller label); within a label the items in
    id order, shuffled by Fisher-Yates over splitmix64 started at
    S ^ (0x9E3779B97F4A7C15 * (label + 1)) (j = i + next % (m - i)), the
    first ones taken.

Each SPEC is RUN:N:SEED:FIRST:LAST: run RUN planned (run_items) exactly the
sample of N with seed SEED, and the test server's calls FIRST..LAST-1 (0
based, in log order) asked exactly the items of that sample the cache did
not hold (each once; those are the run's predictions not marked cached).
Prints "ok GROUP (N values)" or "FAIL GROUP: ..." per group.
"""
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab_screen_check import settled_items  # noqa: E402
from statcheck import Group  # noqa: E402

MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def quotas(n, sizes):
    """Hamilton's method over groups in order; ties to the earlier group."""
    total = sum(sizes)
    floors = [n * m // total for m in sizes]
    rems = [n * m % total for m in sizes]
    extra = sorted(range(len(sizes)), key=lambda j: (-rems[j], j))[:n - sum(floors)]
    return [f + (j in extra) for j, f in enumerate(floors)]


def seeded_order(ids, label, seed):
    order = sorted(ids)
    state = (seed ^ ((0x9E3779B97F4A7C15 * (label + 1)) & MASK)) & MASK
    for i in range(len(order) - 1):
        state, r = splitmix64(state)
        j = i + r % (len(order) - i)
        order[i], order[j] = order[j], order[i]
    return order


def sample(settled, n, seed):
    labels = sorted(set(settled.values()))
    strata = {k: [i for i, h in settled.items() if h == k] for k in labels}
    take = quotas(min(n, len(settled)), [len(strata[k]) for k in labels])
    out = []
    for k, t in zip(labels, take):
        out += seeded_order(strata[k], k, seed)[:t]
    return sorted(out), dict(zip(labels, take))


def check(db, calls, spec, settled):
    run, n, seed, first, last = map(int, spec.split(":"))
    g = Group(f"run {run}: the sample of {n}, seed {seed}")
    want, per_label = sample(settled, n, seed)
    planned = [i for (i,) in db.execute(
        "SELECT item_id FROM run_items WHERE run_id = ? ORDER BY item_id", (run,))]
    g.equal("the planned items", planned, want)
    got_labels = {}
    for i in planned:
        got_labels[settled.get(i)] = got_labels.get(settled.get(i), 0) + 1
    g.equal("their labels' counts (largest remainder)", got_labels,
            {k: c for k, c in per_label.items() if c})
    g.equal("its size", len(planned), min(n, len(settled)))
    names = dict(db.execute("SELECT id, external_id FROM items"))
    answered = db.execute("SELECT item_id, cached FROM predictions WHERE run_id = ?",
                          (run,)).fetchall()
    g.equal("one answer per planned item", sorted(i for i, _ in answered), want)
    fresh = sorted(names[i] for i, cached in answered if not cached)
    g.equal("the server was asked the items not cached, once each",
            sorted(e["item"] for e in calls[first:last]), fresh)
    return g.report()


def main():
    db = sqlite3.connect(sys.argv[1])
    calls = [e for e in map(json.loads, open(sys.argv[2])) if e["path"] == "/v1/chat/completions"]
    settled = settled_items(db)
    g = Group("the fixture")
    g.true("some labels have remainders to share", len(set(settled.values())) >= 4)
    good = g.report()
    good = all([check(db, calls, spec, settled) for spec in sys.argv[3:]]) and good
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
