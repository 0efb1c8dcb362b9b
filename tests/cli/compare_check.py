#!/usr/bin/env python3
"""compare_check.py DRIVER DATA_DIR - the prompt lab's statistics recomputed.

An independent implementation, python standard library only, written from
the published definitions (docs/prompt-lab.md; src/agree/compare.h names the
sources), not from the C code: Cohen's kappa from its definition over the
scale 1..K in exact fractions, the jackknife by leaving out each item in
turn, McNemar's and the sign test's exact binomial sums in integers, Holm's
step-down from its definition, the AUC by counting pairs. The paired
bootstrap is replayed with the same random stream: xoshiro256** seeded by
splitmix64 (Blackman & Vigna, https://prng.di.unimi.it/) and Lemire's
unbiased bounded draw (ACM TOMACS 2019), the generator src/base/rng.h
documents.

Runs tests/tools/compare_json (DRIVER) on generated cases and prints one
line per group: "ok GROUP (N values)" or "FAIL GROUP: ...". Exit 1 on any
failure.
"""
import json
import math
import random
import sys
from fractions import Fraction
from math import comb

from statcheck import Group, phi, run_driver, z_quantile

M64 = (1 << 64) - 1
FIGURES = ["kappa", "kappa, linear weights", "kappa, quadratic weights", "exact agreement"]
CLASSES = ["fixed", "broken", "closer", "farther", "moved", "unchanged"]


# ---- the generator, from its published definition ----

class Xoshiro:
    def __init__(self, seed):
        state, self.s = seed & M64, []
        for _ in range(4):
            state = (state + 0x9E3779B97F4A7C15) & M64
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & M64

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def below(self, n):
        """Lemire's multiply-shift on the top 32 bits, rejecting the biased low products."""
        m = (self.next() >> 32) * n
        if (m & 0xFFFFFFFF) < n:
            threshold = ((1 << 32) - n) % n
            while (m & 0xFFFFFFFF) < threshold:
                m = (self.next() >> 32) * n
        return m >> 32


# ---- figures from their definitions ----

def weight(i, j, figure):
    d = abs(i - j)
    return {"kappa": int(d > 0), "kappa, linear weights": d,
            "kappa, quadratic weights": d * d}[figure]


def figure_of(pairs_table, K, figure, exact=False):
    """Kappa (1 - observed / expected weighted disagreement, margins over
    the whole scale) or exact agreement, from a {(h, x): count} table."""
    n = sum(pairs_table.values())
    if n < 2:
        return None
    num = Fraction if exact else float
    if figure == "exact agreement":
        return num(sum(c for (h, x), c in pairs_table.items() if h == x)) / n
    rows = [0] * (K + 1)
    cols = [0] * (K + 1)
    for (h, x), c in pairs_table.items():
        rows[h] += c
        cols[x] += c
    if sum(1 for r in rows if r) < 2 or sum(1 for c in cols if c) < 2:
        return None
    obs = sum(num(weight(h, x, figure) * c) for (h, x), c in pairs_table.items())
    exp = sum(num(weight(i, j, figure) * rows[i] * cols[j])
              for i in range(1, K + 1) for j in range(1, K + 1))
    return 1 - obs / (exp / n)


def table_of(items, which):
    t = {}
    for it in items:
        key = (it[0], it[which])
        t[key] = t.get(key, 0) + 1
    return t


def figures(items, K, exact=False):
    """{figure: (a, b, b - a)} with None where undefined."""
    out = {}
    ta, tb = table_of(items, 1), table_of(items, 2)
    for f in FIGURES:
        a, b = figure_of(ta, K, f, exact), figure_of(tb, K, f, exact)
        d = b - a if a is not None and b is not None else None
        out[f] = (a, b, d)
    return out


def jackknife(items, K):
    """{figure: (se_a, se_b, se_diff)}: item i left out, in turn."""
    n = len(items)
    loo = [figures(items[:i] + items[i + 1:], K) for i in range(n)]
    out = {}
    for f in FIGURES:
        ses = []
        for s in range(3):
            v = [x[f][s] for x in loo]
            if n < 2 or any(x is None for x in v):
                ses.append(None)
                continue
            mean = math.fsum(v) / n
            ses.append(math.sqrt((n - 1) / n * math.fsum((x - mean) ** 2 for x in v)))
        out[f] = tuple(ses)
    return out


def classify(h, a, b):
    da, db = abs(a - h), abs(b - h)
    if a == b:
        return "unchanged"
    if da > 0 and db == 0:
        return "fixed"
    if da == 0:
        return "broken"
    if db < da:
        return "closer"
    return "farther" if db > da else "moved"


def sign_p(k, m):
    """min(1, 2 sum_{i <= min(k, m)} C(k + m, i) / 2^(k + m)), exactly."""
    n = k + m
    if n == 0:
        return 1.0
    tail = Fraction(sum(comb(n, i) for i in range(min(k, m) + 1)), 2 ** n)
    return float(min(Fraction(1), 2 * tail))


def mcnemar(b, c):
    """R's mcnemar.test(correct = TRUE): corrected only when b != c."""
    if b + c == 0:
        return None, None
    d = abs(b - c)
    stat = (d - 1) ** 2 / (b + c) if d else 0.0
    return stat, math.erfc(math.sqrt(stat / 2))


def holm(ps):
    """Holm's adjusted p-values; None entries are not tests."""
    tests = sorted((p, i) for i, p in enumerate(ps) if p is not None)
    m, out, running = len(tests), [None] * len(ps), 0.0
    for j, (p, i) in enumerate(tests):
        running = max(running, min(1.0, (m - j) * p))
        out[i] = running
    return out


def quantile7(v, q):
    h = (len(v) - 1) * q
    lo = int(math.floor(h))
    if lo >= len(v) - 1:
        return v[-1]
    return v[lo] + (h - lo) * (v[lo + 1] - v[lo])


def bootstrap(items, K, resamples, seed, confidence):
    """The paired item bootstrap with the C code's stream: per resample, n
    draws of below(n); each figure of A and B and B - A on the same
    resample. {figure: (ci_a, ci_b, ci_diff)}; None past 5% undefined."""
    rng, n = Xoshiro(seed), len(items)
    draws = {f: ([], [], []) for f in FIGURES}
    for _ in range(resamples):
        sample = [items[rng.below(n)] for _ in range(n)]
        for f, vals in figures(sample, K).items():
            for s in range(3):
                if vals[s] is not None:
                    draws[f][s].append(vals[s])
    tail = (1 - confidence) / 2
    out = {}
    for f in FIGURES:
        cis = []
        for v in draws[f]:
            undefined = resamples - len(v)
            if not v or undefined > 0.05 * resamples:
                cis.append(None)
            else:
                v.sort()
                cis.append([quantile7(v, tail), quantile7(v, 1 - tail)])
        out[f] = tuple(cis)
    return out


# ---- the checks ----

def expected_summary(items, K, opts):
    figs = figures(items, K)
    se = jackknife(items, K)
    classes = {c: 0 for c in CLASSES}
    for h, a, b in items:
        classes[classify(h, a, b)] += 1
    toward = classes["fixed"] + classes["closer"]
    away = classes["broken"] + classes["farther"]
    z = z_quantile(1 - (1 - opts["confidence"]) / 2) + z_quantile(opts["power"])
    exp = {"n": len(items), "classes": classes, "toward": toward, "away": away,
           "sign_p": sign_p(toward, away), "figures": {}}
    chi2, p_chi2 = mcnemar(classes["broken"], classes["fixed"])
    exp["mcnemar"] = {"b": classes["broken"], "c": classes["fixed"], "chi2": chi2,
                      "p_chi2": p_chi2, "p_exact": sign_p(classes["broken"], classes["fixed"])}
    for f in FIGURES:
        a, b, d = figs[f]
        sd = se[f][2]
        p = None
        if d is not None and sd is not None:
            p = 2 * phi(-abs(d) / sd) if sd > 0 else (1.0 if d == 0 else None)
        exp["figures"][f] = {"a": a, "b": b, "diff": d, "se_a": se[f][0], "se_b": se[f][1],
                             "se_diff": sd, "mdd": z * sd if sd is not None else None,
                             "p_diff": p}
    return exp


def check_summary(g, label, got, exp, items, K, opts, exact_figs=None):
    g.equal(f"{label} n", got["n"], exp["n"])
    g.equal(f"{label} classes", got["classes"], exp["classes"])
    g.equal(f"{label} toward/away", (got["toward"], got["away"]), (exp["toward"], exp["away"]))
    g.near(f"{label} sign p", got["sign_p"], exp["sign_p"], 1e-12, rel=True)
    for k in ("b", "c"):
        g.equal(f"{label} mcnemar {k}", got["mcnemar"][k], exp["mcnemar"][k])
    g.near(f"{label} mcnemar exact p", got["mcnemar"]["p_exact"], exp["mcnemar"]["p_exact"],
           1e-12, rel=True)
    g.near(f"{label} mcnemar chi2", got["mcnemar"]["chi2"], exp["mcnemar"]["chi2"], 1e-12)
    g.near(f"{label} mcnemar chi2 p", got["mcnemar"]["p_chi2"], exp["mcnemar"]["p_chi2"], 1e-12)
    for f in FIGURES:
        for key in ("a", "b", "diff", "se_a", "se_b", "se_diff", "mdd", "p_diff"):
            g.near(f"{label} {f} {key}", got["figures"][f][key], exp["figures"][f][key], 1e-9)
    if exact_figs:  # the point figures once more against exact fractions
        for f in FIGURES:
            for s, key in enumerate(("a", "b", "diff")):
                want = exact_figs[f][s]
                g.near(f"{label} {f} {key} (exact)", got["figures"][f][key],
                       None if want is None else float(want), 1e-12)


def make_items(rng, n, K, acc_a, acc_b):
    items = []
    for _ in range(n):
        h = rng.randint(1, K)
        lab = []
        for acc in (acc_a, acc_b):
            r = rng.random()
            if r < acc:
                lab.append(h)
            elif r < acc + (1 - acc) * 0.7:
                lab.append(max(1, min(K, h + rng.choice((-1, 1)))))
            else:
                lab.append(rng.randint(1, K))
        items.append((h, lab[0], lab[1]))
    return items


def compare_request(items, cats, K, C, opts):
    lines = [f"compare {K} {C} {opts['resamples']} {opts['seed']} {opts['confidence']!r} "
             f"{opts['power']!r} {opts['method']} {len(items)}"]
    for (h, a, b), c in zip(items, cats):
        lines.append(f"{h} {a} {b} {c}")
    return "\n".join(lines) + "\n"


def check_comparisons(driver, rng):
    ok = True
    cases = [  # n, K, categories, accuracy of A and B, resamples, method
        (40, 2, 0, 0.7, 0.8, 150, "items"),
        (120, 3, 3, 0.6, 0.7, 120, "items"),
        (250, 5, 4, 0.55, 0.65, 100, "items"),
        (60, 7, 2, 0.5, 0.5, 120, "items"),
        (400, 5, 0, 0.6, 0.7, 200, "triples"),
        (12, 4, 2, 0.5, 0.6, 80, "items"),
    ]
    for ci, (n, K, C, pa, pb, R, method) in enumerate(cases):
        items = make_items(rng, n, K, pa, pb)
        cats = [rng.randrange(C) if C else -1 for _ in items]
        if C:
            cats[0] = -1
        opts = {"resamples": R, "seed": rng.randrange(1 << 63), "confidence": 0.9 + 0.05 * (ci % 2),
                "power": 0.8, "method": method}
        got = run_driver(driver, compare_request(items, cats, K, C, opts))[0]
        g = Group(f"comparison {ci + 1}: n={n} K={K} categories={C} {method}")
        exp = expected_summary(items, K, opts)
        check_summary(g, "all", got["all"], exp, items, K, opts, figures(items, K, exact=True))
        g.equal("item classes", got["item_class"], [classify(*it) for it in items])
        g.equal("resampled by", got["all"]["resampled_by"], method)
        if method == "items":
            boot = bootstrap(items, K, R, opts["seed"], opts["confidence"])
            for f in FIGURES:
                for s, key in enumerate(("ci_a", "ci_b", "ci_diff")):
                    want, have = boot[f][s], got["all"]["figures"][f][key]
                    g.equal(f"{f} {key} defined", have is None, want is None)
                    if want and have:
                        g.near(f"{f} {key} lo", have[0], want[0], 1e-9)
                        g.near(f"{f} {key} hi", have[1], want[1], 1e-9)
        else:  # another stream, same distribution: near the jackknife's normal interval
            again = run_driver(driver, compare_request(items, cats, K, C, opts))[0]
            g.equal("same seed, same intervals", again["all"]["figures"], got["all"]["figures"])
            zc = z_quantile(1 - (1 - opts["confidence"]) / 2)
            for f in FIGURES:
                fig = got["all"]["figures"][f]
                width = (fig["ci_diff"][1] - fig["ci_diff"][0]) / (2 * zc)
                g.true(f"{f}: bootstrap spread {width} far from the jackknife's {fig['se_diff']}",
                       abs(width - fig["se_diff"]) < 0.25 * fig["se_diff"])
        if C:
            subs = [[it for it, c in zip(items, cats) if c == k] for k in range(C)]
            exps = [expected_summary(s, K, opts) for s in subs]
            for k in range(C):
                check_summary(g, f"category {k}", got["categories"][k], exps[k], subs[k], K, opts)
            adj = holm([e["mcnemar"]["p_exact"] if e["mcnemar"]["b"] + e["mcnemar"]["c"] else None
                        for e in exps])
            for k in range(C):
                want = adj[k] if adj[k] is not None else exps[k]["mcnemar"]["p_exact"]
                g.near(f"category {k} mcnemar holm", got["categories"][k]["mcnemar"]["p_holm"],
                       want, 1e-12)
            adj = holm([e["sign_p"] if e["toward"] + e["away"] else None for e in exps])
            for k in range(C):
                want = adj[k] if adj[k] is not None else exps[k]["sign_p"]
                g.near(f"category {k} sign holm", got["categories"][k]["sign_p_holm"], want, 1e-12)
            for f in FIGURES:  # a category where A and B never differ is no test
                tested = [e["classes"]["unchanged"] < e["n"] for e in exps]
                adj = holm([e["figures"][f]["p_diff"] if t else None
                            for e, t in zip(exps, tested)])
                for k in range(C):
                    want = adj[k] if tested[k] else exps[k]["figures"][f]["p_diff"]
                    g.near(f"category {k} {f} holm",
                           got["categories"][k]["figures"][f]["p_diff_holm"], want, 1e-9)
        ok &= g.report()
    return ok


def check_tests(driver, rng, data_dir):
    g = Group("sign test, McNemar, Holm, normal quantile")
    pairs = [(0, 0), (0, 1), (3, 7), (10, 10), (1, 40), (123, 87), (700, 650), (2000, 2100),
             (5, 60)]
    pairs += [(rng.randrange(300), rng.randrange(300)) for _ in range(20)]
    text = "".join(f"sign {k} {m}\nmcnemar {k} {m}\n" for k, m in pairs)
    ps = [[rng.random() ** 3 for _ in range(rng.randint(1, 9))] for _ in range(10)]
    text += "".join(f"holm {len(p)} " + " ".join(repr(x) for x in p) + "\n" for p in ps)
    qs = [1e-12, 1e-6, 0.001, 0.025, 0.05, 0.2, 0.5, 0.8, 0.9, 0.95, 0.975, 0.999999]
    text += "".join(f"quantile {q!r}\n" for q in qs)
    out = iter(run_driver(driver, text))
    for k, m in pairs:
        g.near(f"sign p {k} {m}", next(out)["p"], sign_p(k, m), 1e-12, rel=True)
        t = next(out)
        chi2, p_chi2 = mcnemar(k, m)
        g.near(f"mcnemar {k} {m} exact", t["p_exact"], sign_p(k, m), 1e-12, rel=True)
        g.near(f"mcnemar {k} {m} chi2", t["chi2"], chi2, 1e-12)
        g.near(f"mcnemar {k} {m} chi2 p", t["p_chi2"], p_chi2, 1e-12)
    for p in ps:
        g.equal(f"holm {p}", [round(x, 15) for x in next(out)["adjusted"]],
                [round(x, 15) for x in holm(p)])
    for q in qs:
        g.near(f"quantile {q}", next(out)["z"], z_quantile(q), 1e-13, rel=True)
    # published: R's McNemar on statsmodels' table (tests/data/compare/mcnemar_r.json)
    with open(f"{data_dir}/compare/mcnemar_r.json") as f:
        published = json.load(f)["cases"]
    for case in published:
        t = run_driver(driver, f"mcnemar {case['b']} {case['c']}\n")[0]
        g.near(f"{case['id']} exact p (R)", t["p_exact"], case["homog_binom_p"], 1e-13)
        g.near(f"{case['id']} corrected p (R)", t["p_chi2"], case["homog_cont_p"], 1e-13)
        g.near(f"{case['id']} our exact p", sign_p(case["b"], case["c"]), case["homog_binom_p"],
               1e-13)
        d = case["b"] - case["c"]
        g.near(f"{case['id']} uncorrected statistic", d * d / (case["b"] + case["c"]),
               case["homog_stat"], 1e-13)
    return g.report()


def entropy(shares):
    return -sum(p * math.log2(p) for p in shares if p > 0)


def auc_pairs(scores, wrong):
    pos = [s for s, w in zip(scores, wrong) if w]
    neg = [s for s, w in zip(scores, wrong) if not w]
    if not pos or not neg:
        return None
    wins = sum(1.0 if p > q else 0.5 if p == q else 0.0 for p in pos for q in neg)
    return wins / (len(pos) * len(neg))


def check_consistency(driver, rng):
    g = Group("self-consistency: majority, entropy, levels, AUC")
    K, reps, n = 5, 5, 300
    rows = []
    for i in range(n):
        h = rng.randint(1, K) if rng.random() < 0.7 else 0
        truth = h or rng.randint(1, K)
        noise = rng.choice((0, 0, 0.1, 0.4, 0.8))
        ans = [truth if rng.random() >= noise else rng.randint(1, K) for _ in range(reps)]
        ans = [0 if rng.random() < 0.05 else a for a in ans]
        rows.append((h, ans))
    text = f"consistency {K} {reps} {n}\n" + "".join(
        f"{h} " + " ".join(map(str, a)) + "\n" for h, a in rows)
    got = run_driver(driver, text)[0]
    answered = split = settled = wrong_n = 0
    levels, split_scores, ent_scores, wrong = {}, [], [], []
    right_split = settled_split = right_una = settled_una = 0
    for i, (h, ans) in enumerate(rows):
        valid = [a for a in ans if 1 <= a <= K]
        counts = {k: valid.count(k) for k in range(1, K + 1) if valid.count(k)}
        top = max(counts.values()) if counts else 0
        tied_labels = sorted(k for k, c in counts.items() if c == top)
        majority = tied_labels[0] if counts else 0
        ent = entropy([c / len(valid) for c in counts.values()]) if valid else 0.0
        it = got["items"][i]
        g.equal(f"item {i} majority", (it["majority"], it["votes"], it["answers"], it["tied"]),
                (majority, top, len(valid), int(len(tied_labels) > 1)))
        g.near(f"item {i} entropy", it["entropy"], ent, 1e-12)
        if len(valid) < 2:
            continue
        answered += 1
        is_split = len(counts) > 1
        split += is_split
        lv = levels.setdefault((top, len(valid)), [0, 0, 0])
        lv[0] += 1
        if h:
            right = majority == h
            lv[1] += 1
            lv[2] += right
            settled += 1
            wrong_n += not right
            split_scores.append(float(is_split))
            ent_scores.append(ent)
            wrong.append(not right)
            if is_split:
                settled_split += 1
                right_split += right
            else:
                settled_una += 1
                right_una += right
    g.equal("answered, split, settled, wrong",
            (got["answered"], got["split"], got["settled"], got["wrong"]),
            (answered, split, settled, wrong_n))
    g.near("split share", got["split_share"], split / answered, 1e-15)
    g.equal("all unanimous", got["all_unanimous"], int(split == 0))
    g.near("agreement on split items", got["agreement_split"], right_split / settled_split, 1e-15)
    g.near("agreement on unanimous items", got["agreement_unanimous"], right_una / settled_una,
           1e-15)
    g.near("AUC of split", got["auc_split"], auc_pairs(split_scores, wrong), 1e-12)
    g.near("AUC of entropy", got["auc_entropy"], auc_pairs(ent_scores, wrong), 1e-12)
    want_levels = sorted(((v, a, c[0], c[1], c[2]) for (v, a), c in levels.items()),
                         key=lambda x: (-Fraction(x[0], x[1]), -x[1]))
    g.equal("levels", [(l["votes"], l["answers"], l["items"], l["settled"], l["agree"])
                       for l in got["levels"]], want_levels)
    return g.report()


def main():
    driver, data_dir = sys.argv[1], sys.argv[2]
    rng = random.Random(20260812)
    ok = check_tests(driver, rng, data_dir)
    ok &= check_comparisons(driver, rng)
    ok &= check_consistency(driver, rng)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
