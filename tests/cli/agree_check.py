#!/usr/bin/env python3
"""agree_check.py - recompute `gavel agree --json` from the raw database.

An independent implementation (python standard library only, written from
the definitions in docs/metrics.md, not from the C code): it reads the
review log, predictions, runs and scores with the sqlite3 module, decides
standing, settled and LLM labels itself, computes every figure, and compares
them with the JSON gavel printed.

    agree_check.py DB REPORT.json [--run N] [--prompt-version ID] [--reviewer NAME]...

Exit status 0 when everything matches; each mismatch is printed. The last
line says how many values were compared.
"""
import json
import math
import sqlite3
import sys
from fractions import Fraction
from itertools import combinations

TOL = 1e-9


# ---- the data, from the database ----

def standing_labels(db, reviewers=None):
    """{(item, reviewer): (label, blind)} for every standing accept/override."""
    retracted = {r for (r,) in db.execute(
        "SELECT retracts FROM reviews WHERE retracts IS NOT NULL")}
    latest = {}
    for rid, item, reviewer, decision, label, blind in db.execute(
            "SELECT id, item_id, reviewer, decision, label, blind FROM reviews"):
        if decision not in ("accept", "override", "skip") or rid in retracted:
            continue
        key = (item, reviewer)
        if key not in latest or latest[key][0] < rid:
            latest[key] = (rid, decision, label, blind)
    out = {}
    for key, (rid, decision, label, blind) in latest.items():
        if decision == "skip":
            continue
        if reviewers and key[1] not in reviewers:
            continue
        out[key] = (label, blind)
    return out


def llm_labels(db, K, allowed):
    """{item: label} and {item: 'parse_failed'|'failed'} for items without one."""
    preds = {}
    for item, run, status, label in db.execute(
            "SELECT item_id, run_id, status, label FROM predictions"):
        if run in allowed:
            preds.setdefault(item, []).append((run, status, label))
    labels, failures = {}, {}
    for item, rows in preds.items():
        rows.sort(reverse=True)
        ok = [l for (_, s, l) in rows if s == "ok" and l is not None and 1 <= l <= K]
        if ok:
            labels[item] = ok[0]
        else:
            s = rows[0][1]
            failures[item] = "failed" if s == "failed" else "parse_failed"
    return labels, failures


# ---- two raters ----

def kappa(pairs, K, power):
    n = len(pairs)
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    if n < 2 or len(set(a)) < 2 or len(set(b)) < 2:
        return None
    w = (lambda i, j: 0 if i == j else 1) if power == 0 else (lambda i, j: abs(i - j) ** power)
    obs = sum(Fraction(w(x, y)) for x, y in pairs) / n
    ra = [a.count(k) for k in range(1, K + 1)]
    cb = [b.count(k) for k in range(1, K + 1)]
    exp = sum(Fraction(w(i, j) * ra[i - 1] * cb[j - 1])
              for i in range(1, K + 1) for j in range(1, K + 1)) / (n * n)
    return float(1 - obs / exp)


def ac1_two(pairs, K):
    n = len(pairs)
    if n < 2 or K < 2:
        return None
    po = Fraction(sum(x == y for x, y in pairs), n)
    pe = Fraction(0)
    for k in range(1, K + 1):
        pi = Fraction(sum(x == k for x, _ in pairs) + sum(y == k for _, y in pairs), 2 * n)
        pe += pi * (1 - pi)
    pe /= K - 1
    return float((po - pe) / (1 - pe))


def midranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def pearson(x, y):
    n = len(x)
    if n < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    mx, my = math.fsum(x) / n, math.fsum(y) / n
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = math.fsum((a - mx) ** 2 for a in x)
    syy = math.fsum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy)


def kendall_b(x, y):
    n = len(x)
    if n < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    c = d = tx = ty = 0
    for i, j in combinations(range(n), 2):
        dx, dy = x[i] - x[j], y[i] - y[j]
        if dx == 0 and dy == 0:
            continue
        if dx == 0:
            tx += 1
        elif dy == 0:
            ty += 1
        elif (dx > 0) == (dy > 0):
            c += 1
        else:
            d += 1
    return (c - d) / math.sqrt((c + d + tx) * (c + d + ty))


def two_rater(pairs, K):
    """Every figure of the JSON's metrics object, None when undefined."""
    x = [float(a) for a, _ in pairs]
    y = [float(b) for _, b in pairs]
    n = len(pairs)
    return {
        "percent_agreement": sum(a == b for a, b in pairs) / n if n >= 2 else None,
        "cohen_kappa": kappa(pairs, K, 0),
        "cohen_kappa_linear": kappa(pairs, K, 1),
        "cohen_kappa_quadratic": kappa(pairs, K, 2),
        "gwet_ac1": ac1_two(pairs, K),
        "spearman": pearson(midranks(x), midranks(y)) if pearson(x, y) is not None else None,
        "kendall_tau_b": kendall_b(x, y),
        "pearson": pearson(x, y),
        "mae": math.fsum(abs(a - b) for a, b in zip(x, y)) / n if n >= 2 else None,
    }


def confusion(pairs, K):
    m = [[0] * K for _ in range(K)]
    for a, b in pairs:
        m[a - 1][b - 1] += 1
    return m


# ---- many raters ----

def fleiss(units, K):
    """units: lists of labels, each item with two or more ratings."""
    if len(units) < 2:
        return None
    m = len(units[0])
    if any(len(u) != m for u in units):
        return None
    P = sum(Fraction(sum(u.count(k) * (u.count(k) - 1) for k in range(1, K + 1)), m * (m - 1))
            for u in units) / len(units)
    total = len(units) * m
    shares = [Fraction(sum(u.count(k) for u in units), total) for k in range(1, K + 1)]
    if sum(1 for s in shares if s) < 2:
        return None
    Pe = sum(s * s for s in shares)
    return float((P - Pe) / (1 - Pe))


def alpha(units, K, level):
    pairable = [u for u in units if len(u) >= 2]
    if len(pairable) < 2:
        return None
    o = {}
    for u in pairable:
        for i, c in enumerate(u):
            for j, k in enumerate(u):
                if i != j:
                    o[(c, k)] = o.get((c, k), Fraction(0)) + Fraction(1, len(u) - 1)
    nc = {c: sum(v for (a, _), v in o.items() if a == c) for c in range(1, K + 1)}
    n = sum(nc.values())
    if sum(1 for v in nc.values() if v) < 2:
        return None

    def d(c, k):
        if level == "nominal":
            return 0 if c == k else 1
        if level == "interval":
            return (c - k) ** 2
        if level == "ratio":
            return Fraction(c - k, c + k) ** 2
        lo, hi = min(c, k), max(c, k)
        return (sum(nc[g] for g in range(lo, hi + 1)) - (nc[c] + nc[k]) / 2) ** 2

    Do = sum(v * d(c, k) for (c, k), v in o.items())
    De = sum(nc[c] * nc[k] * d(c, k) for c in range(1, K + 1) for k in range(1, K + 1))
    return float(1 - (n - 1) * Do / De)


def ac1_many(units, K):
    rated = [u for u in units if u]
    paired = [u for u in rated if len(u) >= 2]
    if len(paired) < 2 or K < 2:
        return None
    pa = sum(Fraction(sum(u.count(k) * (u.count(k) - 1) for k in range(1, K + 1)),
                      len(u) * (len(u) - 1)) for u in paired) / len(paired)
    pe = Fraction(0)
    for k in range(1, K + 1):
        pi = sum(Fraction(u.count(k), len(u)) for u in rated) / len(rated)
        pe += pi * (1 - pi)
    pe /= K - 1
    return float((pa - pe) / (1 - pe))


# ---- comparing ----

class Checker:
    def __init__(self):
        self.compared = 0
        self.bad = []

    def value(self, where, got, want):
        self.compared += 1
        if want is None:
            if got.get("defined") or got.get("value") is not None or not got.get("reason"):
                self.bad.append(f"{where}: gavel {got.get('value')}, want undefined with a reason")
        elif not got.get("defined") or abs(got["value"] - want) > TOL:
            self.bad.append(f"{where}: gavel {got.get('value')} ({got.get('reason')}), want {want!r}")

    def equal(self, where, got, want):
        self.compared += 1
        if got != want:
            self.bad.append(f"{where}: gavel {got!r}, want {want!r}")

    def pair(self, where, got, pairs, K):
        self.equal(where + ".n", got["n"], len(pairs))
        self.equal(where + ".confusion", got["confusion"], confusion(pairs, K))
        for key, want in two_rater(pairs, K).items():
            self.value(f"{where}.{key}", got["metrics"][key], want)
            self.equal(f"{where}.{key}.n", got["metrics"][key]["n"], len(pairs))


def check_slices(check, db, slices, K, allowed, by_item, settled, llm, human):
    by, rows = slices["by"], slices["rows"]
    runs = {r: (pv, model or provider or "(unknown)") for r, pv, model, provider in db.execute(
        "SELECT id, prompt_version_id, model, provider FROM runs")}
    want = {}
    if by in ("prompt", "model"):
        groups = {}
        for r in sorted(allowed):
            pv, model = runs[r]
            groups.setdefault(pv if by == "prompt" else model, set()).add(r)
        tokens = {}
        for r, pt, ct in db.execute("SELECT run_id, total(prompt_tokens), total(completion_tokens)"
                                    " FROM predictions GROUP BY run_id"):
            tokens[r] = (int(pt), int(ct))
        for key, rs in groups.items():
            lab, _ = llm_labels(db, K, rs)
            want[key] = ([(settled[i], lab[i]) for i in sorted(settled) if i in lab],
                         sum(tokens.get(r, (0, 0))[0] for r in rs),
                         sum(tokens.get(r, (0, 0))[1] for r in rs))
        keys = [row.get("prompt_version_id") if by == "prompt" else row["key"] for row in rows]
        check.equal("slices.keys", sorted(keys, key=str), sorted(want, key=str))
        for row, key in zip(rows, keys):
            pairs, pt, ct = want.get(key, ([], 0, 0))
            check.pair(f"slices[{key}]", row, pairs, K)
            check.equal(f"slices[{key}].prompt_tokens", row["prompt_tokens"], pt)
            check.equal(f"slices[{key}].completion_tokens", row["completion_tokens"], ct)
        return
    if by == "reviewer":
        for row in rows:
            who = row["key"]
            check.pair(f"slices[{who}]", row, [(v[who], llm[i]) for i, v in sorted(by_item.items())
                                               if who in v and i in llm], K)
        return
    if by == "blind":
        for row in rows:
            flag = 1 if row["key"] == "blind" else 0
            p = [(label, llm[i]) for (i, _), (label, blind) in sorted(human.items())
                 if blind == flag and i in llm]
            check.pair(f"slices[{row['key']}]", row, sorted(p), K)
        return
    if by == "category":
        cat = dict(db.execute("SELECT id, category FROM items"))
        for row in rows:
            key = None if row["key"] == "(none)" else row["key"]
            p = [(settled[i], llm[i]) for i in sorted(settled) if i in llm and cat.get(i) == key]
            check.pair(f"slices[{row['key']}]", row, p, K)


def main(argv):
    path, report_path = argv[1], argv[2]
    run = prompt = None
    reviewers = []
    i = 3
    while i < len(argv):
        if argv[i] == "--run":
            run = int(argv[i + 1])
        elif argv[i] == "--prompt-version":
            prompt = int(argv[i + 1])
        elif argv[i] == "--reviewer":
            reviewers.append(argv[i + 1])
        i += 2
    report = json.load(open(report_path))
    db = sqlite3.connect(path)
    K = db.execute("SELECT count(*) FROM scale").fetchone()[0]
    allowed = {r for (r, pv) in db.execute("SELECT id, prompt_version_id FROM runs")
               if (run is None or r == run) and (prompt is None or pv == prompt)}
    human = standing_labels(db, set(reviewers) or None)
    llm, failures = llm_labels(db, K, allowed)
    check = Checker()

    by_item = {}
    for (item, reviewer), (label, _) in human.items():
        by_item.setdefault(item, {})[reviewer] = label
    names = sorted({r for (_, r) in human}, key=lambda s: s.encode())
    settled = {i: next(iter(v.values())) for i, v in by_item.items() if len(set(v.values())) == 1}

    s = report["summary"]
    check.equal("summary.items_with_human_label", s["items_with_human_label"], len(by_item))
    check.equal("summary.human_labels", s["human_labels"], len(human))
    check.equal("summary.reviewers", s["reviewers"], len(names))
    check.equal("summary.settled", s["settled"], len(settled))
    check.equal("summary.unsettled", s["unsettled"], len(by_item) - len(settled))
    check.equal("summary.items_with_llm_label", s["items_with_llm_label"],
                sum(1 for i in by_item if i in llm))

    pairs = [(settled[i], llm[i]) for i in sorted(settled) if i in llm]
    check.pair("llm_vs_settled", report["llm_vs_settled"], pairs, K)
    left = report["llm_vs_settled"]["left_out"]
    check.equal("llm_vs_settled.unsettled", left["unsettled"], len(by_item) - len(settled))
    check.equal("llm_vs_settled.parse_failed", left["parse_failed"],
                sum(1 for i in settled if failures.get(i) == "parse_failed"))
    check.equal("llm_vs_settled.failed", left["failed"],
                sum(1 for i in settled if failures.get(i) == "failed"))
    check.equal("llm_vs_settled.no_llm_label", left["no_llm_label"],
                sum(1 for i in settled if i not in llm and i not in failures))

    check.equal("llm_vs_reviewers", [r["reviewer"] for r in report["llm_vs_reviewers"]], names)
    for got in report["llm_vs_reviewers"]:
        who = got["reviewer"]
        p = [(v[who], llm[i]) for i, v in sorted(by_item.items()) if who in v and i in llm]
        check.pair(f"llm_vs_reviewers[{who}]", got, p, K)

    want_pairs = {}
    for i, v in sorted(by_item.items()):
        for a, b in combinations(sorted(v, key=lambda s: s.encode()), 2):
            want_pairs.setdefault((a, b), []).append((v[a], v[b]))
    check.equal("reviewer_pairs", [(p["a"], p["b"]) for p in report["reviewer_pairs"]],
                sorted(want_pairs, key=lambda ab: (ab[0].encode(), ab[1].encode())))
    for got in report["reviewer_pairs"]:
        p = want_pairs.get((got["a"], got["b"]), [])
        check.pair(f"reviewer_pairs[{got['a']},{got['b']}]", got, p, K)

    g = report["reviewer_group"]
    units = [list(v.values()) for v in by_item.values()]
    two = [u for u in units if len(u) >= 2]
    check.equal("reviewer_group.items", g["items"], len(units))
    check.equal("reviewer_group.pairable_items", g["pairable_items"], len(two))
    m = g["metrics"]
    many = len(names) >= 2
    check.value("group.fleiss_kappa", m["fleiss_kappa"], fleiss(two, K) if many else None)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        check.value(f"group.alpha_{level}", m["krippendorff_alpha_" + level],
                    alpha(units, K, level) if many else None)
    check.value("group.gwet_ac1", m["gwet_ac1"], ac1_many(units, K) if many else None)

    model = db.execute("SELECT max(id) FROM scorer_models").fetchone()[0]
    if model:
        scores = dict(db.execute("SELECT item_id, score FROM scores WHERE model_id = ?", (model,)))
        sp = [(settled[i], scores[i]) for i in sorted(settled) if i in scores]
        rounded = [(h, min(K, max(1, math.floor(sc + 0.5)))) for h, sc in sp]
        got = report["scorer_vs_settled"]
        check.pair("scorer.rounded", got["rounded"], rounded, K)
        x = [float(h) for h, _ in sp]
        y = [float(sc) for _, sc in sp]
        raw = {"pearson": pearson(x, y), "kendall_tau_b": kendall_b(x, y),
               "spearman": pearson(midranks(x), midranks(y)) if pearson(x, y) is not None else None,
               "mae": math.fsum(abs(a - b) for a, b in zip(x, y)) / len(x) if len(x) >= 2 else None}
        for key, want in raw.items():
            check.value("scorer.raw." + key, got["raw"][key], want)
    else:
        check.equal("scorer_vs_settled", report["scorer_vs_settled"], None)

    slices = report["slices"]
    if slices:
        check_slices(check, db, slices, K, allowed, by_item, settled, llm, human)

    for line in check.bad:
        print("MISMATCH " + line)
    print(f"agree_check: {check.compared} values compared, {len(check.bad)} mismatches")
    return 1 if check.bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
