#!/usr/bin/env python3
"""gen_votes.py ITEMS RATERS LABELS SEED - votes for the Dawid-Skene benchmark
in the input format of tests/tools/dawidskene.c: every rater rates every
item once; rater k is right with probability 0.9 - 0.1 k and otherwise
says a neighbouring label (an ordinal scale's typical confusion); the true
labels follow a skewed prior."""
import random
import sys

items, raters, labels, seed = (int(a) for a in sys.argv[1:5])
rng = random.Random(seed)
prior = [2 ** -j for j in range(labels)]
out = sys.stdout
out.write("labels %d\nitems %d\nraters %d\n" % (labels, items, raters))
lines = []
for i in range(items):
    truth = rng.choices(range(1, labels + 1), prior)[0]
    for k in range(raters):
        if rng.random() < 0.9 - 0.1 * k:
            lab = truth
        else:
            lab = min(labels, max(1, truth + rng.choice((-1, 1))))
        lines.append("vote %d %d %d\n" % (i, k, lab))
    if len(lines) > 100000:
        out.write("".join(lines))
        lines = []
out.write("".join(lines))
