#!/usr/bin/env python3
"""estimate_check.py GAVEL WORKDIR DATA_DIR [--audits N] - gavel audit and
gavel estimate checked through the command line, as a user would run them:
`gavel init --scale`, `gavel import-ratings --llm` for every item's LLM
label, `gavel import-ratings` for the human labels, `gavel audit`, then
`gavel estimate --json`. Every figure is compared with a computation made
here, independently:

1. ppi_py's own values (tests/data/ppi/reference.json, computed by the
   reference implementation at bd90caad): the unweighted cases loaded with
   --reviewed-as-sample (tuned and --lambda 1), the stratified ones through a
   real audit stratified by LLM label whose strata have the reference's
   inclusion probabilities; points, lambda and bounds to 1e-9;
2. the published formulas (ppi_check.py's pure-Python implementation) on
   catalogues with categories, several reviewers per item, reviews outside
   the audit, audits partly reviewed, uniform and stratified: every point,
   standard error, bound, lambda, effective n and further-review count, for
   the whole catalogue and per category;
3. the draw: each audit's items are the ones the documented key
   (src/estimate/draw.h) ranks first, per stratum with the documented
   allocation; the same seed draws the same items; growing keeps them;
4. coverage: on one catalogue whose every item carries its true label, many
   audits (uniform and stratified, each its own seed) are drawn and the
   estimates' 90% intervals compared with the true shares. The coverage
   measured is printed; a wide band is asserted.

Prints "ok GROUP (N values)" or "FAIL GROUP: ..." per group. Standard
library only."""
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ppi_check import METHODS, Items, expected  # noqa: E402
from statcheck import Group  # noqa: E402

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


# ---- running gavel ----

class Gavel:
    def __init__(self, binary, work):
        self.binary, self.work, self.count = binary, tempfile.mkdtemp(dir=work), 0

    def run(self, *args, ok=True):
        out = subprocess.run([self.binary, *args], capture_output=True, text=True, check=False)
        if ok and out.returncode != 0:
            raise RuntimeError(f"gavel {' '.join(args)}: exit {out.returncode}: {out.stderr}")
        return out

    def json(self, *args):
        return json.loads(self.run(*args).stdout)

    def new_db(self, K):
        self.count += 1
        db = os.path.join(self.work, f"e{self.count}.db")
        names = ",".join(f"level{k}" for k in range(1, K + 1))
        self.run("init", "--db", db, "--scale", names)
        return db

    def ratings(self, db, rows, llm=None):
        """rows: (item, rater, label); one file, in this order."""
        self.count += 1
        path = os.path.join(self.work, f"r{self.count}.csv")
        with open(path, "w") as f:
            f.write("item,rater,label\n")
            for item, rater, label in rows:
                f.write(f"{item},{rater},{label}\n")
        self.run("import-ratings", "--db", db, "-q", *(["--llm", llm] if llm else []), path)


def catalogue_db(g, K, llm, categories=None):
    """A database whose items it0, it1, ... have the LLM labels llm (and
    categories, set through SQL: import-ratings makes items without one)."""
    db = g.new_db(K)
    g.ratings(db, [(f"it{i}", "gpt", l) for i, l in enumerate(llm) if l], llm="gpt")
    if categories:
        con = sqlite3.connect(db)
        con.executemany("UPDATE items SET category = ? WHERE external_id = ?",
                        [(c, f"it{i}") for i, c in enumerate(categories) if c is not None])
        con.commit()
        con.close()
    return db


def audit_members(db, audit):
    """{item index: stratum} of an audit, read with sqlite3."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT i.external_id, a.stratum FROM audit_items a JOIN items i"
                       " ON i.id = a.item_id WHERE a.audit_id = ?", (audit,)).fetchall()
    con.close()
    return {int(e[2:]): s for e, s in rows}


# ---- the expected figures, from first principles ----

def majority(labels):
    """The most common label, a tie to the one given first."""
    best, best_n = 0, 0
    for x in labels:
        c = labels.count(x)
        if c > best_n:
            best, best_n = x, c
    return best


def design(K, llm, humans, sample, stratified, keep=lambda i: True):
    """Items() for the catalogue restricted by keep: L = sampled items with
    a human and an LLM label, U = the other items with an LLM label;
    weights 1 / p_s in L and 1 / (1 - p_s) in U when stratified, p_s =
    m_s / N_s over the whole catalogue."""
    human = {i: majority(humans.get(i, [])) for i in sample}
    inL = {i for i in sample if human[i] > 0 and llm[i] > 0}

    def stratum(i):
        return (sample[i] if i in sample else llm[i]) if stratified else 0

    N, m = {}, {}
    for i, l in enumerate(llm):
        if l > 0:
            N[stratum(i)] = N.get(stratum(i), 0) + 1
            m[stratum(i)] = m.get(stratum(i), 0) + (i in inL)
    L = [(human[i], llm[i], N[stratum(i)] / m[stratum(i)]) for i in sorted(inL) if keep(i)]
    U = [(l, N[stratum(i)] / (N[stratum(i)] - m[stratum(i)]))
         for i, l in enumerate(llm) if l > 0 and i not in inL and keep(i)]
    return Items(L, U, K)


def compare(g, tag, got, exp, K, width):
    g.near(f"{tag} lambda", got["lambda"], exp["lambda"], 1e-9)
    if "z" in got:  # the top level's; categories share it
        g.near(f"{tag} z", got["z"], exp["z"], 1e-12)
    g.near(f"{tag} effective n", got["effective_n"], exp["effective_n"], 1e-6, rel=True)
    for k in range(K):
        lab, want = got["labels"][k], exp["labels"][k]
        for m in METHODS:
            for key in ("point", "se", "lo", "hi"):
                g.near(f"{tag} label {k + 1} {m} {key}", lab[m][key], want[m][key], 1e-9)
            if width and m != "llm":
                more = lab[m]["more_reviews"]
                g.equal(f"{tag} label {k + 1} {m} more reviews",
                        -1 if more is None else more, want[m]["more"])
        g.near(f"{tag} label {k + 1} effective n", lab["effective_n"], want["effective_n"],
               1e-6, rel=True)


# ---- 1. the reference implementation's values ----

def expand(case):
    """Items of a reference case: (llm, human or 0, stratum weight) each."""
    items = []
    for h, l, w, c in case["audited"]:
        items += [(l, h, w)] * c
    for l, w, c in case["outside"]:
        items += [(l, 0, w)] * c
    return items


def check_reference(g, data_dir):
    grp = Group("ppi_py's values (tests/data/ppi/reference.json) through the commands")
    with open(os.path.join(data_dir, "ppi", "reference.json")) as f:
        cases = json.load(f)["cases"]
    for c in cases:
        K, alpha = c["K"], c["alpha"]
        items = expand(c)
        weighted = any(w != 1 for _, _, w in items)
        random.Random(c["id"]).shuffle(items)
        db = catalogue_db(g, K, [l for l, _, _ in items])
        if not weighted:
            g.ratings(db, [(f"it{i}", "ann", h) for i, (_, h, _) in enumerate(items) if h])
            base = ["estimate", "--db", db, "--reviewed-as-sample", "--alpha", repr(alpha), "--json"]
        else:
            # an audit by LLM label with the reference's inclusion probabilities:
            # each stratum's audited count drawn, then labelled as the case says
            sizes = {}
            for h, l, w, n in c["audited"]:
                sizes[l] = sizes.get(l, 0) + n
            g.run("audit", "--db", db, "--stratify", "llm", "--seed", "11",
                  *[f"--stratum={l}={n}" for l, n in sorted(sizes.items())])
            drawn = audit_members(db, 1)
            queue = {l: sorted(i for i, s in drawn.items() if s == l) for l in sizes}
            rows = []
            for h, l, w, n in c["audited"]:
                rows += [(f"it{queue[l].pop()}", "ann", h) for _ in range(n)]
            g.ratings(db, rows)
            base = ["estimate", "--db", db, "--alpha", repr(alpha), "--json"]
        tuned, plain = g.json(*base), g.json(*base, "--lambda", "1")
        grp.near(f"{c['id']} lambda", tuned["lambda"], c["lambda"], 1e-9)
        grp.equal(f"{c['id']} lambda tuned", tuned["lambda_tuned"], True)
        grp.equal(f"{c['id']} --lambda 1", plain["lambda"], 1)
        grp.equal(f"{c['id']} weighted", tuned["weighted"], weighted)
        for k in range(K):
            for key in ("point", "lo", "hi"):
                want = c["ppi"][key][k]
                grp.near(f"{c['id']} {k + 1} ppi {key}", tuned["labels"][k]["ppi"][key], want, 1e-9)
                grp.near(f"{c['id']} {k + 1} --lambda 1 {key}",
                         plain["labels"][k]["ppi++"][key], want, 1e-9)
                grp.near(f"{c['id']} {k + 1} ppi++ {key}", tuned["labels"][k]["ppi++"][key],
                         c["ppi++"][key][k], 1e-9)
            for key in ("lo", "hi"):
                grp.near(f"{c['id']} {k + 1} audit {key}", tuned["labels"][k]["audit"][key],
                         c["audit"][key][k], 1e-9)
        note = tuned["sample"]["note"] or ""
        grp.true(f"{c['id']} says what the sample is",
                 ("random sample" in note) if not weighted else ("stratified" in note))
    return grp.report()


# ---- 2. the formulas on catalogues with everything a database has ----

def make_catalogue(rng, K, size, accuracy):
    truth = [rng.choices(range(1, K + 1), weights=range(K, 0, -1))[0] for _ in range(size)]
    llm = [t if rng.random() < accuracy else rng.randint(1, K) for t in truth]
    for i in rng.sample(range(size), size // 50):
        llm[i] = 0  # the LLM failed on a few items: outside every estimate
    cats = [rng.choice(["shoes", "bags", "watches", None]) for _ in range(size)]
    return truth, llm, cats


def review(rng, truth, items, noise=0.15):
    """Human labels for items: one reviewer each, a second and third on some
    (they may disagree: the majority rule, ties to the first, settles it)."""
    rows, humans = [], {}
    K = max(truth)
    for i in items:
        for who in ["ann", "bob", "cy"][: rng.choice([1, 1, 1, 2, 3])]:
            h = truth[i] if rng.random() > noise else rng.randint(1, K)
            rows.append((f"it{i}", who, h))
            humans.setdefault(i, []).append(h)
    return rows, humans


def check_formulas(g, rng):
    grp = Group("the published formulas through the commands")
    for K, size, acc, mode, alpha, lam, width in [
            (2, 900, 0.85, "reviewed", 0.1, None, 0.1),
            (3, 1500, 0.75, "uniform", 0.05, None, 0.08),
            (4, 1200, 0.6, "stratified", 0.1, None, 0.15),
            (5, 2000, 0.8, "uniform", 0.2, 0.37, 0.1),
            (3, 1600, 0.9, "stratified", 0.05, 1.0, 0.1)]:
        truth, llm, cats = make_catalogue(rng, K, size, acc)
        db = catalogue_db(g, K, llm, cats)
        tag = f"{mode} K={K}"
        if mode == "reviewed":
            picked = rng.sample(range(size), 150)
            rows, humans = review(rng, truth, picked)
            g.ratings(db, rows)
            sample, stratified, args = {i: 0 for i in humans}, False, ["--reviewed-as-sample"]
        else:
            if mode == "uniform":
                g.run("audit", "--db", db, "--size", "200", "--seed", "5")
            else:
                g.run("audit", "--db", db, "--stratify", "llm", "--size", "240", "--seed", "5",
                      "--stratum", "1=70")
            sample = audit_members(db, 1)
            drawn = sorted(sample)
            # most of the audit reviewed, and reviews outside it (a queue's):
            # those must not enter the estimates
            inside = rng.sample(drawn, len(drawn) * 4 // 5)
            outside = rng.sample([i for i in range(size) if i not in sample], 100)
            rows, humans = review(rng, truth, inside + outside)
            g.ratings(db, rows)
            humans = {i: h for i, h in humans.items() if i in sample}
            stratified, args = mode == "stratified", []
        if mode != "reviewed":
            check_headline(grp, g, db, tag, K, llm, humans, sample, stratified)
        got = g.json("estimate", "--db", db, "--alpha", repr(alpha), "--width", repr(width),
                     "--by", "category", "--json", *args,
                     *(["--lambda", repr(lam)] if lam is not None else []))
        items = design(K, llm, humans, sample, stratified)
        compare(grp, tag, got, expected(items, alpha, lam, width), K, width)
        grp.equal(f"{tag} items", got["items"], sum(1 for l in llm if l))
        for row in got["by_category"]:
            name = None if row["category"] == "(none)" else row["category"]
            part = design(K, llm, humans, sample, stratified,
                          keep=lambda i, name=name: cats[i] == name)
            compare(grp, f"{tag} {row['category']}", row, expected(part, alpha, lam, width), K,
                    width)
    return grp.report()


def weighted_figures(K, tables, shares):
    """Agreement figures of the table sum_s W_s t_s / m_s (human rows)."""
    p = [[0.0] * K for _ in range(K)]
    for t, w in zip(tables, shares):
        m = sum(map(sum, t))
        for i in range(K):
            for j in range(K):
                p[i][j] += w * t[i][j] / m
    rows = [sum(p[i]) for i in range(K)]
    cols = [sum(p[i][j] for i in range(K)) for j in range(K)]
    out = {"percent_agreement": sum(p[i][i] for i in range(K))}
    for key, w in (("cohen_kappa", lambda i, j: float(i != j)), ("cohen_kappa_linear", lambda i, j: abs(i - j)),
                   ("cohen_kappa_quadratic", lambda i, j: (i - j) ** 2)):
        obs = sum(w(i, j) * p[i][j] for i in range(K) for j in range(K))
        exp = sum(w(i, j) * rows[i] * cols[j] for i in range(K) for j in range(K))
        out[key] = 1 - obs / exp
    pi = [(rows[k] + cols[k]) / 2 for k in range(K)]
    pe = sum(x * (1 - x) for x in pi) / (K - 1)
    out["gwet_ac1"] = (out["percent_agreement"] - pe) / (1 - pe)
    out["mae"] = sum(abs(i - j) * p[i][j] for i in range(K) for j in range(K))
    ma = sum((i + 1) * rows[i] for i in range(K))
    mb = sum((j + 1) * cols[j] for j in range(K))
    cov = sum((i + 1 - ma) * (j + 1 - mb) * p[i][j] for i in range(K) for j in range(K))
    va = sum((i + 1 - ma) ** 2 * rows[i] for i in range(K))
    vb = sum((j + 1 - mb) ** 2 * cols[j] for j in range(K))
    out["pearson"] = cov / math.sqrt(va * vb)
    return out


def check_headline(grp, g, db, tag, K, llm, humans, sample, stratified):
    """gavel agree's headline: the settled label (every reviewer agrees)
    against the LLM's on the audit's items, each stratum weighed by its
    share of the population stored with the audit."""
    con = sqlite3.connect(db)
    pops = dict(con.execute("SELECT stratum, population FROM audit_strata WHERE audit_id = 1"))
    con.close()
    tables = {s: [[0] * K for _ in range(K)] for s in pops}
    for i, s in sample.items():
        labels = humans.get(i, [])
        if labels and len(set(labels)) == 1 and llm[i] > 0:
            tables[s][labels[0] - 1][llm[i] - 1] += 1
    strata = sorted(pops)
    total = sum(pops.values())
    want = weighted_figures(K, [tables[s] for s in strata], [pops[s] / total for s in strata])
    got = g.json("agree", "--db", db, "--no-ci", "--json")["audit"]
    grp.equal(f"{tag} headline design-weighted", got["design_weighted"], stratified)
    grp.equal(f"{tag} headline n", got["n"], sum(sum(map(sum, t)) for t in tables.values()))
    for key, value in want.items():
        grp.near(f"{tag} headline {key}", got["metrics"][key]["value"], value, 1e-9)
    ranks = got["metrics"]["spearman"]["value"]
    grp.true(f"{tag} rank correlations {'left out' if stratified else 'kept'}",
             (ranks is None) == stratified)


# ---- 3. the draw ----

def mix(z):
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & M64
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def draw_key(seed, item_id):
    a = mix((seed + GOLDEN) & M64)
    return mix((a + item_id + GOLDEN) & M64) >> 11


def allocate(pops, total):
    """Largest-remainder shares of total in proportion to pops, ties to the
    lower index."""
    whole = sum(pops)
    q = [total * p / whole for p in pops]
    size = [int(x) for x in q]
    order = sorted(range(len(pops)), key=lambda i: (-(q[i] - size[i]), i))
    for i in order[: total - sum(size)]:
        size[i] += 1
    return size


def drawn_db(db, audit):
    con = sqlite3.connect(db)
    rows = con.execute("SELECT item_id, stratum, rank, draw_key, probability FROM audit_items"
                       " WHERE audit_id = ? ORDER BY stratum, rank", (audit,)).fetchall()
    con.close()
    return rows


def check_draw(g, rng):
    grp = Group("the draw: the documented key, reproducible by seed, stable when grown")
    K, size = 3, 3000
    truth, llm, _ = make_catalogue(rng, K, size, 0.7)
    llm = [l if l else 1 for l in llm]
    db = catalogue_db(g, K, llm)
    con = sqlite3.connect(db)
    ids = {int(e[2:]): i for i, e in con.execute("SELECT id, external_id FROM items")}
    con.close()
    # uniform: the 100 smallest keys, in key order
    g.run("audit", "--db", db, "--size", "100", "--seed", "42")
    want = sorted(ids.values(), key=lambda i: (draw_key(42, i), i))
    got = drawn_db(db, 1)
    grp.equal("uniform draw = the 100 smallest keys in key order", [r[0] for r in got], want[:100])
    grp.equal("stored keys", [r[3] for r in got], [draw_key(42, i) for i in want[:100]])
    grp.true("probabilities 100/3000", all(abs(r[4] - 100 / 3000) < 1e-15 for r in got))
    # the same seed again, in another audit: the same items
    g.run("audit", "--db", db, "--size", "100", "--seed", "42")
    grp.equal("the same seed draws the same items", [r[0] for r in drawn_db(db, 2)],
              [r[0] for r in got])
    g.run("audit", "--db", db, "--size", "100", "--seed", "43")
    grp.true("another seed draws other items",
             len({r[0] for r in drawn_db(db, 3)} & {r[0] for r in got}) < 20)
    # growing keeps the items and equals a fresh draw of the larger size
    g.run("audit", "--db", db, "--grow", "1", "--size", "250")
    grown = drawn_db(db, 1)
    grp.equal("grown: the first 100 kept with their ranks", grown[:100],
              [r[:4] + (250 / 3000,) for r in got])
    grp.equal("grown = the 250 smallest keys", [r[0] for r in grown], want[:250])
    grp.true("grown probabilities 250/3000", all(abs(r[4] - 250 / 3000) < 1e-15 for r in grown))
    out = g.run("audit", "--db", db, "--grow", "1", "--size", "200", ok=False)
    grp.true("an audit never shrinks (usage error)", out.returncode == 2 and "shrink" in out.stderr)
    # stratified: per stratum, the smallest keys; sizes by the allocation
    g.run("audit", "--db", db, "--stratify", "llm", "--size", "300", "--seed", "9",
          "--stratum", "level3=40")
    pops = [sum(1 for l in llm if l == k) for k in (1, 2)]
    sizes = dict(zip((1, 2), allocate(pops, 260)))
    sizes[3] = 40
    got = drawn_db(db, 4)
    for s in (1, 2, 3):
        members = sorted((ids[i] for i in range(size) if llm[i] == s),
                         key=lambda x: (draw_key(9, x), x))[: sizes[s]]
        grp.equal(f"stratum {s}: its {sizes[s]} smallest keys",
                  [r[0] for r in got if r[1] == s], members)
        pop = sum(1 for l in llm if l == s)
        grp.true(f"stratum {s} probability {sizes[s]}/{pop}",
                 all(abs(r[4] - sizes[s] / pop) < 1e-15 for r in got if r[1] == s))
    # growing one stratum leaves the others as they were
    g.run("audit", "--db", db, "--grow", "4", "--stratum", "level3=90", "--stratum", "1=" +
          str(sizes[1]), "--stratum", "2=" + str(sizes[2]))
    grown = drawn_db(db, 4)
    grp.equal("stratified grown: strata 1 and 2 unchanged", [r for r in grown if r[1] != 3],
              [r for r in got if r[1] != 3])
    grp.equal("stratified grown: stratum 3 a superset in key order",
              [r[0] for r in grown if r[1] == 3][:40], [r[0] for r in got if r[1] == 3])
    # the audit order: the review queue's audit key follows the draw
    con = sqlite3.connect(db)
    keyed = con.execute("SELECT count(*) FROM item_queue WHERE audit_key IS NOT NULL").fetchone()[0]
    union = con.execute("SELECT count(DISTINCT item_id) FROM audit_items").fetchone()[0]
    con.close()
    grp.equal("every audit item has a place in the audit order", keyed, union)
    shown = g.json("audit", "--db", db, "--show", "4", "--json")
    grp.equal("--show: the strata sizes", [s["size"] for s in shown["strata"]],
              [sizes[1], sizes[2], 90])
    grp.equal("--show: the seed", shown["seed"], 9)
    listed = g.json("audit", "--db", db, "--list", "--json")
    grp.equal("--list: four audits", [a["id"] for a in listed], [1, 2, 3, 4])
    return grp.report()


# ---- 4. coverage ----

def percent(a, b):
    return sum(x == y for x, y in zip(a, b)) / len(a)


def kappa(a, b, K, quadratic=False):
    """Cohen's kappa, 1 - sum w p_ij / sum w p_i. p_.j (weights over 1..K)."""
    n = len(a)
    w = (lambda i, j: (i - j) ** 2) if quadratic else (lambda i, j: i != j)
    pa = [sum(x == k for x in a) / n for k in range(1, K + 1)]
    pb = [sum(y == k for y in b) / n for k in range(1, K + 1)]
    obs = sum(w(x, y) for x, y in zip(a, b)) / n
    exp = sum(w(i, j) * pa[i - 1] * pb[j - 1] for i in range(1, K + 1) for j in range(1, K + 1))
    return 1 - obs / exp


def coverage(g, rng, audits):
    """One catalogue whose every item carries its true label (one review
    each); audits drawn with their own seeds; how often each interval
    covers the true share."""
    K, size, alpha = 3, 6000, 0.1
    share = [0.6, 0.3, 0.1]                      # of LLM labels
    truth_given_llm = [[0.85, 0.1, 0.05], [0.2, 0.7, 0.1], [0.1, 0.3, 0.6]]
    llm = [rng.choices((1, 2, 3), weights=share)[0] for _ in range(size)]
    truth = [rng.choices((1, 2, 3), weights=truth_given_llm[l - 1])[0] for l in llm]
    db = catalogue_db(g, K, llm)
    g.ratings(db, [(f"it{i}", "truth", t) for i, t in enumerate(truth)])
    true_share = [truth.count(k) / size for k in (1, 2, 3)]
    true_agree = {"percent_agreement": percent(truth, llm),
                  "cohen_kappa_quadratic": kappa(truth, llm, K, quadratic=True)}
    hits = {d: {m: 0 for m in METHODS + list(true_agree)} for d in ("stratified", "uniform")}
    trials = {d: 0 for d in hits}
    audit_id = 0
    for a in range(audits):
        for d in ("stratified", "uniform"):
            seed = str(1000 + a)
            if d == "stratified":
                g.run("audit", "--db", db, "--stratify", "llm", "--seed", seed, "--stratum",
                      "1=75", "--stratum", "2=30", "--stratum", "3=45")
            else:
                g.run("audit", "--db", db, "--size", "150", "--seed", seed)
            audit_id += 1
            got = g.json("estimate", "--db", db, "--alpha", repr(alpha), "--json")
            for k in range(K):
                for m in METHODS:
                    e = got["labels"][k][m]
                    hits[d][m] += e["lo"] <= true_share[k] <= e["hi"]
            # the agreement headline's interval (90% as well) against the
            # catalogue's true agreement
            agree = g.json("agree", "--db", db, "--audit", str(audit_id), "--resamples", "400",
                           "--json")["audit"]["metrics"]
            for m, truth_value in true_agree.items():
                hits[d][m] += agree[m]["ci_low"] <= truth_value <= agree[m]["ci_high"]
            trials[d] += 1
    return {d: {m: hits[d][m] / (trials[d] * (K if m in METHODS else 1)) for m in hits[d]}
            for d in hits}


def check_coverage(g, rng, audits):
    grp = Group(f"coverage of the intervals over {audits} audits of each design")
    cov = coverage(g, rng, audits)
    for d, by in cov.items():
        print(f"  {d} audits, shares (90%): " + ", ".join(f"{m} {by[m]:.3f}" for m in METHODS))
        print(f"  {d} audits, agreement (95%): " +
              ", ".join(f"{m} {by[m]:.3f}" for m in by if m not in METHODS))
        for m in ("audit", "ppi", "ppi++"):
            # nominal 0.90; a wide band, for the few audits a test run draws
            grp.true(f"{d} {m} covers {by[m]:.3f}, outside [0.75, 1]", by[m] >= 0.75)
        for m in ("percent_agreement", "cohen_kappa_quadratic"):
            grp.true(f"{d} agreement {m} covers {by[m]:.3f}, outside [0.75, 1]", by[m] >= 0.75)
        grp.true(f"{d}: the LLM's own share, biased, rarely covers ({by['llm']:.3f})",
                 by["llm"] < 0.5)
    return grp.report()


def main():
    binary, work, data_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    audits = int(sys.argv[sys.argv.index("--audits") + 1]) if "--audits" in sys.argv else 60
    g = Gavel(binary, work)
    rng = random.Random(1402)
    ok = check_reference(g, data_dir)
    ok &= check_formulas(g, rng)
    ok &= check_draw(g, rng)
    ok &= check_coverage(g, rng, audits)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
