#!/usr/bin/env python3
"""ppi_check.py DRIVER DATA_DIR [--catalogues N] - the catalogue estimates
(src/agree/ppi.h) checked three ways, through tests/tools/ppi_json (DRIVER):

1. against tests/data/ppi/reference.json, what the reference implementation
   (ppi_py at bd90caad) computed on count tables: points, lambda and bounds
   to 1e-9, binary and several labels, lambda = 1 and tuned, weighted;
2. against a pure-Python implementation written here from the published
   formulas (Angelopoulos et al. 2023 and PPI++, as ppi_py computes them:
   population standard deviations, one lambda for all labels), on per-item
   lists rather than count cells: every point, standard error, bound,
   lambda, effective sample size, and the further reviews for a target
   width found by scanning every audit size;
3. by simulation: over many seeded catalogues with a stratified audit
   (design weights) and a uniform one, how often each interval covers the
   catalogue's true share. The coverage measured is printed; only a wide
   sanity band is asserted.

Prints one line per group ("ok GROUP (N values)" or "FAIL GROUP: ...");
exit 1 on any failure. Standard library only.
"""
import json
import math
import random
import sys

from statcheck import Group, run_driver, z_quantile

METHODS = ["llm", "audit", "ppi", "ppi++"]


def request(K, alpha, lam, target, cells):
    head = f"ppi {K} {alpha!r} {'nan' if lam is None else repr(lam)} {target!r} {len(cells)}\n"
    return head + "".join(f"{h} {l} {w!r} {c}\n" for h, l, w, c in cells)


# ---- 1. the reference implementation's values ----

def check_reference(driver, data_dir):
    g = Group("ppi_py's own values (tests/data/ppi/reference.json)")
    with open(f"{data_dir}/ppi/reference.json") as f:
        cases = json.load(f)["cases"]
    text = ""
    for c in cases:
        cells = [tuple(x) for x in c["audited"]] + [(0, l, w, n) for l, w, n in c["outside"]]
        text += request(c["K"], c["alpha"], None, 0.0, cells)
    for c, got in zip(cases, run_driver(driver, text)):
        g.near(f"{c['id']} lambda", got["lambda"], c["lambda"], 1e-9)
        for k in range(c["K"]):
            lab = got["labels"][k]
            for m in ("ppi", "ppi++"):
                for key in ("point", "lo", "hi"):
                    g.near(f"{c['id']} label {k + 1} {m} {key}", lab[m][key], c[m][key][k], 1e-9)
            for key in ("lo", "hi"):
                g.near(f"{c['id']} label {k + 1} audit {key}", lab["audit"][key],
                       c["audit"][key][k], 1e-9)
    return g.report()


# ---- 2. the formulas, on lists of items ----

def mean(v):
    return math.fsum(v) / len(v)


def std0(v):
    m = mean(v)
    return math.sqrt(math.fsum((x - m) ** 2 for x in v) / len(v))


def normalised(ws):
    s = math.fsum(ws)
    return [w * len(ws) / s for w in ws]


class Items:
    """L: (human, llm, weight) audited; U: (llm, weight) outside."""

    def __init__(self, L, U, K):
        self.K, self.n, self.N = K, len(L), len(U)
        self.y = [h for h, _, _ in L]
        self.yh = [l for _, l, _ in L]
        self.w = normalised([w for _, _, w in L]) if L else []
        self.yu = [l for l, _ in U]
        self.u = normalised([w for _, w in U]) if U else []

    def parts(self, k, lam):
        imp = [u * lam * (l == k) for u, l in zip(self.u, self.yu)]
        rect = [w * ((y == k) - lam * (l == k)) for w, y, l in zip(self.w, self.y, self.yh)]
        return imp, rect

    def ppi(self, k, lam):
        """(point, se, v_u, v_r) of PPI at lam."""
        imp, rect = self.parts(k, lam)
        v_u = std0([u * (l == k) for u, l in zip(self.u, self.yu)]) ** 2 if self.N else 0.0
        v_r = std0(rect) ** 2
        point = (mean(imp) if self.N else 0.0) + mean(rect)
        se2 = (std0(imp) ** 2 / self.N if self.N else 0.0) + v_r / self.n
        return point, math.sqrt(se2), v_u, v_r

    def tuned_lambda(self):
        n, N, K = self.n, self.N, self.K
        t = [self.ppi(k, 1.0)[0] for k in range(1, K + 1)]
        num = var = 0.0
        for k in range(1, K + 1):
            g = [w * ((y == k) - t[k - 1]) for w, y in zip(self.w, self.y)]
            gh = [w * ((l == k) - t[k - 1]) for w, l in zip(self.w, self.yh)]
            gu = [u * ((l == k) - t[k - 1]) for u, l in zip(self.u, self.yu)]
            mg, mh = mean(g), mean(gh)
            num += 2 / n * math.fsum((a - mg) * (b - mh) for a, b in zip(g, gh))
            both = gh + gu
            mb = mean(both)
            var += math.fsum((x - mb) ** 2 for x in both) / (len(both) - 1)
        if var == 0:
            return 0.0
        return min(1.0, max(0.0, num / (2 * (1 + n / N) * var)))


def scan_plan(a, b, n, M, target, limit):
    """The smallest n' >= n with a / (M - n') + b / n' <= target, by trying
    each size up to limit; None when none is."""
    for m in range(max(n, 1), limit + 1):
        if (a / (M - m) if a else 0.0) + b / m <= target:
            return m
    return None


def expected(items, alpha, lam_opt, width):
    K, n, N = items.K, items.n, items.N
    z = z_quantile(1 - alpha / 2)
    lam = items.tuned_lambda() if lam_opt is None else lam_opt
    target = (width / (2 * z)) ** 2 if width > 0 else 0.0
    M = n + N
    labels = []
    for k in range(1, K + 1):
        llm = sum(1 for l in items.yh + items.yu if l == k) / M
        lab = {"llm": {"point": llm, "se": math.sqrt(llm * (1 - llm) / M)}}
        for m, lm in (("audit", 0.0), ("ppi", 1.0), ("ppi++", lam)):
            point, se, v_u, v_r = items.ppi(k, lm)
            e = {"point": point, "se": se, "lo": point - z * se, "hi": point + z * se}
            if target:
                a = lm * lm * v_u
                need = scan_plan(a, v_r, n, M, target, M if a == 0 else M - 1)
                e["more"] = -1 if need is None else need - n
            lab[m] = e
        lab["llm"]["lo"] = llm - z * lab["llm"]["se"]
        lab["llm"]["hi"] = llm + z * lab["llm"]["se"]
        se_a, se_p = lab["audit"]["se"], lab["ppi++"]["se"]
        lab["effective_n"] = n * se_a ** 2 / se_p ** 2 if se_p > 0 else None
        labels.append(lab)
    tot_a = sum(l["audit"]["se"] ** 2 for l in labels)
    tot_p = sum(l["ppi++"]["se"] ** 2 for l in labels)
    return {"lambda": lam, "z": z, "labels": labels,
            "effective_n": n * tot_a / tot_p if tot_p > 0 else None}


def make_items(rng, K, n, N, accuracy, design):
    """A catalogue of n + N items whose LLM is right with probability
    accuracy; an audit of n drawn uniformly, or (design 'weights') with a
    random weight per item."""
    L, U = [], []
    for i in range(n + N):
        h = rng.choices(range(1, K + 1), weights=range(K, 0, -1))[0]
        l = h if rng.random() < accuracy else rng.randint(1, K)
        w = 1.0 if design == "uniform" else rng.choice((1.0, 2.5, 4.0))
        if i < n:
            L.append((h, l, w))
        else:
            U.append((l, w))
    return Items(L, U, K), L, U


def check_formulas(driver, rng):
    g = Group("the published formulas on lists of items")
    cases = []
    for K, n, N, acc, design, lam, alpha, width in [
            (2, 80, 900, 0.85, "uniform", None, 0.1, 0.12),
            (2, 150, 1500, 0.55, "uniform", 1.0, 0.05, 0.1),
            (2, 60, 400, 0.9, "weights", None, 0.1, 0.15),
            (3, 120, 1200, 0.75, "uniform", None, 0.05, 0.1),
            (4, 200, 800, 0.6, "weights", None, 0.1, 0.08),
            (5, 90, 2000, 0.8, "uniform", 0.37, 0.2, 0.2),
            (5, 300, 300, 0.95, "uniform", None, 0.05, 0.05),
            (3, 50, 5000, 0.2, "uniform", None, 0.1, 0.1)]:
        items, L, U = make_items(rng, K, n, N, acc, design)
        cells = [(h, l, w, 1) for h, l, w in L] + [(0, l, w, 1) for l, w in U]
        cases.append((items, alpha, lam, width, cells))
    text = "".join(request(c[0].K, c[1], c[2], c[3], c[4]) for c in cases)
    for i, (c, got) in enumerate(zip(cases, run_driver(driver, text))):
        items, alpha, lam, width, _ = c
        exp = expected(items, alpha, lam, width)
        tag = f"case {i + 1} (K={items.K}, n={items.n})"
        g.near(f"{tag} lambda", got["lambda"], exp["lambda"], 1e-9)
        g.equal(f"{tag} tuned", got["lambda_tuned"], int(lam is None))
        g.near(f"{tag} z", got["z"], exp["z"], 1e-12)
        g.near(f"{tag} effective n", got["effective_n"], exp["effective_n"], 1e-6, rel=True)
        for k in range(items.K):
            for m in METHODS:
                for key in ("point", "se", "lo", "hi"):
                    g.near(f"{tag} label {k + 1} {m} {key}", got["labels"][k][m][key],
                           exp["labels"][k][m][key], 1e-9)
                if m != "llm":
                    g.equal(f"{tag} label {k + 1} {m} more reviews",
                            got["labels"][k][m]["more"], exp["labels"][k][m]["more"])
            g.equal(f"{tag} label {k + 1} llm more", got["labels"][k]["llm"]["more"], -1)
            g.near(f"{tag} label {k + 1} effective n", got["labels"][k]["effective_n"],
                   exp["labels"][k]["effective_n"], 1e-6, rel=True)
    # the same items counted into cells give the same figures
    items, alpha, lam, width, cells = cases[0]
    counted = {}
    for h, l, w, c in cells:
        counted[(h, l, w)] = counted.get((h, l, w), 0) + c
    grouped = run_driver(driver, request(items.K, alpha, lam, width,
                                         [(h, l, w, c) for (h, l, w), c in counted.items()]))[0]
    single = run_driver(driver, request(items.K, alpha, lam, width, cells))[0]
    for k in range(items.K):
        for m in METHODS:
            g.near(f"cells vs items label {k + 1} {m}", grouped["labels"][k][m]["hi"],
                   single["labels"][k][m]["hi"], 1e-12)
    # no audit; everything audited
    none = run_driver(driver, request(2, 0.1, None, 0.0, [(0, 1, 1.0, 10), (0, 2, 1.0, 5)]))[0]
    g.true("no audit: the audit estimate is undefined", "why" in none["labels"][0]["audit"])
    g.true("no audit: PPI++ is undefined", "why" in none["labels"][0]["ppi++"])
    g.near("no audit: the LLM share stands", none["labels"][0]["llm"]["point"], 10 / 15, 1e-15)
    full = run_driver(driver, request(2, 0.1, None, 0.0, [(1, 1, 1.0, 10), (2, 1, 1.0, 5)]))[0]
    g.true("all audited: PPI is undefined", "why" in full["labels"][0]["ppi"])
    g.near("all audited: the audit share stands", full["labels"][0]["audit"]["point"], 10 / 15,
           1e-15)
    bad = run_driver(driver, request(2, 0.1, None, 0.0, [(3, 1, 1.0, 1)]))[0]
    g.true("a label outside the scale is an error", "error" in bad)
    return g.report()


# ---- 3. coverage over seeded catalogues ----

def simulate(driver, rng, catalogues):
    """A catalogue of 12,000 items on 3 labels; the LLM's accuracy differs by
    the label it gives. A stratified audit takes 150, 60 and 90 items from
    the strata of LLM labels 1, 2, 3 (unequal inclusion probabilities), a
    uniform audit 300 items. Returns {design: {method: coverage}}."""
    K, alpha = 3, 0.1
    share = [0.6, 0.3, 0.1]                       # of LLM labels
    truth_given_llm = [[0.85, 0.1, 0.05], [0.2, 0.7, 0.1], [0.1, 0.3, 0.6]]
    take = [150, 60, 90]
    M = 12000
    text, truths = "", []
    for _ in range(catalogues):
        strata = []  # per LLM label, the human labels of its items
        for l in range(K):
            size = round(M * share[l])
            strata.append(rng.choices(range(1, K + 1), weights=truth_given_llm[l], k=size))
        truth = [sum(s.count(k) for s in strata) / M for k in range(1, K + 1)]
        for design in ("stratified", "uniform"):
            cells = {}
            if design == "stratified":
                for l, s in enumerate(strata):
                    p = take[l] / len(s)
                    picked = set(rng.sample(range(len(s)), take[l]))
                    for i, h in enumerate(s):
                        key = (h if i in picked else 0, l + 1,
                               1 / p if i in picked else 1 / (1 - p))
                        cells[key] = cells.get(key, 0) + 1
            else:
                flat = [(h, l + 1) for l, s in enumerate(strata) for h in s]
                picked = set(rng.sample(range(len(flat)), sum(take)))
                for i, (h, l) in enumerate(flat):
                    key = (h if i in picked else 0, l, 1.0)
                    cells[key] = cells.get(key, 0) + 1
            text += request(K, alpha, None, 0.0, [(h, l, w, c) for (h, l, w), c in cells.items()])
            truths.append((design, truth))
    covered = {d: {m: 0 for m in METHODS} for d in ("stratified", "uniform")}
    trials = {d: 0 for d in covered}
    for (design, truth), got in zip(truths, run_driver(driver, text)):
        for k in range(K):
            trials[design] += 1
            for m in METHODS:
                e = got["labels"][k][m]
                covered[design][m] += e["lo"] <= truth[k] <= e["hi"]
    return {d: {m: covered[d][m] / trials[d] for m in METHODS} for d in covered}


def check_coverage(driver, rng, catalogues):
    g = Group(f"coverage of 90% intervals over {catalogues} seeded catalogues")
    cov = simulate(driver, rng, catalogues)
    for design, by in cov.items():
        print(f"  {design} audit: " + ", ".join(f"{m} {by[m]:.3f}" for m in METHODS))
        for m in ("audit", "ppi", "ppi++"):
            # nominal 0.90; the Monte Carlo error at 3 x 150 intervals is about 0.015
            g.true(f"{design} {m} covers {by[m]:.3f}, outside [0.82, 1]", by[m] >= 0.82)
    g.true("the LLM's raw share is biased: its interval should rarely cover",
           cov["stratified"]["llm"] < 0.5)
    return g.report()


def main():
    driver, data_dir = sys.argv[1], sys.argv[2]
    catalogues = int(sys.argv[sys.argv.index("--catalogues") + 1]) \
        if "--catalogues" in sys.argv else 400
    rng = random.Random(1401)
    ok = check_reference(driver, data_dir)
    ok &= check_formulas(driver, rng)
    ok &= check_coverage(driver, rng, catalogues)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
