#!/usr/bin/env python3
"""lab_compare_check.py GAVEL DATA_DIR WORKDIR - `gavel prompts compare
run:1 run:2 --json` checked end to end, as a new user would load data:
`gavel init --scale`, `gavel import-ratings` for the people and twice with
`--llm` for two labellers.

The expected figures come from compare_check.py's independent
implementation (exact fractions for kappa, leave-one-out by brute force,
binomial sums in integers, the bootstrap replayed on the same stream), fed
from the CSV files this script writes, never from gavel. The settled items
are worked out here too: every person who rated an item gave the same label.
Also R's published McNemar values (tests/data/compare/mcnemar_r.json),
reached through files whose discordant counts are R's b and c.

Prints one line per group: "ok GROUP (N values)" or "FAIL GROUP: ...".
"""
import csv
import json
import os
import random
import subprocess
import sys

from compare_check import (CLASSES, FIGURES, bootstrap, classify, figures, jackknife, mcnemar,
                           sign_p)
from statcheck import Group, phi, z_quantile

KEYS = {"kappa": "kappa", "kappa, linear weights": "kappa_linear",
        "kappa, quadratic weights": "kappa_quadratic", "exact agreement": "agreement"}


def gavel(exe, *args):
    out = subprocess.run([exe, *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"gavel {' '.join(args)} exited {out.returncode}: {out.stderr}")
    return out.stdout


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["item", "rater", "label"])
        w.writerows(rows)


def load(exe, work, name, levels, people, llm_a, llm_b, extra=()):
    """A fresh database with the scale levels (names), the people's ratings
    and the two labellers as runs 1 and 2; returns the database's path."""
    db = os.path.join(work, name + ".db")
    gavel(exe, "init", "--db", db, "--scale", ",".join(levels))
    for tag, rows in (("h", people), ("a", llm_a), ("b", llm_b)):
        write_csv(os.path.join(work, f"{name}-{tag}.csv"), rows)
    gavel(exe, "import-ratings", "--db", db, *extra, os.path.join(work, f"{name}-h.csv"))
    gavel(exe, "import-ratings", "--db", db, "--llm", "labeller-a", os.path.join(work, f"{name}-a.csv"))
    gavel(exe, "import-ratings", "--db", db, "--llm", "labeller-b", os.path.join(work, f"{name}-b.csv"))
    return db


def noisy(rng, h, K, acc):
    r = rng.random()
    if r < acc:
        return h
    if r < acc + (1 - acc) * 0.7:
        return max(1, min(K, h + rng.choice((-1, 1))))
    return rng.randint(1, K)


def make_case(rng, n, K, acc_a, acc_b):
    """Items in import order: (name, human ratings, a or None, b or None)."""
    items = []
    for i in range(n):
        h = rng.randint(1, K)
        people = [h]
        if rng.random() < 0.3:  # a second person, who sometimes disagrees: unsettled
            people.append(h if rng.random() < 0.7 else max(1, min(K, h + rng.choice((-1, 1)))))
        a = noisy(rng, h, K, acc_a) if rng.random() > 0.05 else None
        b = noisy(rng, h, K, acc_b) if rng.random() > 0.05 else None
        items.append((f"photo-{i:04d}", people, a, b))
    return items


def expected_pairs(items):
    """(name, h, a, b) of the settled items both labelled, in import order;
    and the counts of settled items only A, only B labelled."""
    both, only_a, only_b = [], 0, 0
    for name, people, a, b in items:
        if len(set(people)) != 1:
            continue
        if a is not None and b is not None:
            both.append((name, people[0], a, b))
        elif a is not None:
            only_a += 1
        elif b is not None:
            only_b += 1
    return both, only_a, only_b


def check_case(exe, work, g, tag, items, levels, resamples, seed, bootstrap_too):
    K = len(levels)
    names = lambda v: levels[v - 1]  # import by the level's name, as a user may
    people = [(n, f"rater{j}", names(v)) for n, ps, _, _ in items for j, v in enumerate(ps)]
    db = load(exe, work, tag, levels, people,
              [(n, "labeller-a", a) for n, _, a, _ in items if a is not None],
              [(n, "labeller-b", b) for n, _, _, b in items if b is not None])
    got = json.loads(gavel(exe, "prompts", "--db", db, "compare", "run:1", "run:2", "--json",
                           "--resamples", str(resamples), "--seed", str(seed)))
    both, only_a, only_b = expected_pairs(items)
    triples = [(h, a, b) for _, h, a, b in both]
    g.equal(f"{tag} n, only A, only B", (got["n"], got["only_a"], got["only_b"]),
            (len(both), only_a, only_b))
    g.equal(f"{tag} runs", (got["a"]["ref"], got["a"]["model"], got["b"]["ref"], got["b"]["model"]),
            ("run:1", "labeller-a", "run:2", "labeller-b"))
    classes = {c: 0 for c in CLASSES}
    for t in triples:
        classes[classify(*t)] += 1
    g.equal(f"{tag} classes", got["classes"], classes)
    g.equal(f"{tag} each item's class",
            sorted((it["item"], it["human"], it["a"], it["b"], it["class"]) for it in got["items"]),
            sorted((n, h, a, b, classify(h, a, b)) for n, h, a, b in both))
    exact = figures(triples, K, exact=True)
    se = jackknife(triples, K)
    z = z_quantile(0.975) + z_quantile(0.8)
    for f in FIGURES:
        fig, (a, b, d), (sa, sb, sd) = got[KEYS[f]], exact[f], se[f]
        for key, want, tol in (("a", a, 1e-12), ("b", b, 1e-12), ("diff", d, 1e-12),
                               ("se_a", sa, 1e-9), ("se_b", sb, 1e-9), ("se_diff", sd, 1e-9),
                               ("mdd", z * sd, 1e-9), ("p_diff", 2 * phi(-abs(float(d)) / sd), 1e-9)):
            g.near(f"{tag} {f} {key}", fig[key], None if want is None else float(want), tol)
    b_, c_ = classes["broken"], classes["fixed"]
    chi2, p_chi2 = mcnemar(b_, c_)
    m = got["mcnemar"]
    g.equal(f"{tag} McNemar b, c", (m["b"], m["c"]), (b_, c_))
    g.near(f"{tag} McNemar exact p", m["p_exact"], sign_p(b_, c_), 1e-12, rel=True)
    g.near(f"{tag} McNemar chi-square", m["chi2"], chi2, 1e-12)
    g.near(f"{tag} McNemar chi-square p", m["p_chi2"], p_chi2, 1e-12)
    toward, away = classes["fixed"] + classes["closer"], classes["broken"] + classes["farther"]
    s = got["sign_test"]
    g.equal(f"{tag} sign test counts", (s["toward"], s["away"]), (toward, away))
    g.near(f"{tag} sign test p", s["p"], sign_p(toward, away), 1e-12, rel=True)
    g.equal(f"{tag} bootstrap shown", (got["bootstrap"]["resamples"], got["bootstrap"]["seed"]),
            (resamples, seed))
    if bootstrap_too:  # items in import order, the order gavel resamples them in
        boot = bootstrap(triples, K, resamples, seed, 0.95)
        for f in FIGURES:
            for s_, key in enumerate(("ci_a", "ci_b", "ci_diff")):
                want, have = boot[f][s_], got[KEYS[f]][key]
                g.equal(f"{tag} {f} {key} defined", have is None, want is None)
                if want and have:
                    g.near(f"{tag} {f} {key}", have[0], want[0], 1e-9)
                    g.near(f"{tag} {f} {key}", have[1], want[1], 1e-9)


def check_published(exe, work, data_dir):
    """R's mcnemar.test and binom.test on statsmodels' tables, reached
    through files: b items A right and B wrong, c the other way round."""
    g = Group("McNemar through import-ratings against R's published values")
    with open(f"{data_dir}/compare/mcnemar_r.json") as f:
        cases = json.load(f)["cases"]
    for case in cases:
        rows = [(1, 1, 2)] * case["b"] + [(1, 2, 1)] * case["c"] + [(2, 2, 2), (1, 1, 1)]
        items = [(f"i{i}", [h], a, b) for i, (h, a, b) in enumerate(rows)]
        db = load(exe, work, f"r{case['id']}", ["no", "yes"],
                  [(n, "person", ps[0]) for n, ps, _, _ in items],
                  [(n, "labeller-a", a) for n, _, a, _ in items],
                  [(n, "labeller-b", b) for n, _, _, b in items])
        got = json.loads(gavel(exe, "prompts", "--db", db, "compare", "run:1", "run:2",
                               "--json", "--resamples", "10"))["mcnemar"]
        g.equal(f"{case['id']} b, c", (got["b"], got["c"]), (case["b"], case["c"]))
        g.near(f"{case['id']} exact p (R)", got["p_exact"], case["homog_binom_p"], 1e-12)
        g.near(f"{case['id']} corrected p (R)", got["p_chi2"], case["homog_cont_p"], 1e-12)
    return g.report()


def main():
    exe, data_dir, work = sys.argv[1:4]
    rng = random.Random(20261206)
    ok = True
    cases = [  # tag, items, levels, accuracy of A and B, resamples, bootstrap replayed
        ("five", 150, ["unusable", "poor", "acceptable", "good", "excellent"], 0.55, 0.7, 60, True),
        ("two", 80, ["reject", "accept"], 0.7, 0.75, 60, True),
        ("seven", 400, [str(i) for i in range(1, 8)], 0.5, 0.6, 200, False),
    ]
    for tag, n, levels, pa, pb, resamples, boot in cases:
        g = Group(f"compare run:1 run:2 --json, {tag} levels, {n} items")
        check_case(exe, work, g, tag, make_case(rng, n, len(levels), pa, pb), levels, resamples,
                   rng.randrange(1 << 40), boot)
        ok &= g.report()
    ok &= check_published(exe, work, data_dir)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
