#!/usr/bin/env python3
"""lab_screen_check.py DB DUMPS LINES LIST_JSON CONFIG - the lab screen's
figures recomputed from the database.

Reads the database with Python's sqlite3 (never through gavel) and works out,
from the definitions in docs/prompt-lab.md and src/lab/labtable.h:
  - the settled items: every reviewer's standing label (the latest accept or
    override not withdrawn) agrees;
  - the labellers: runs grouped by prompt version and model (a run without a
    version alone, "run:N"); an item's label is the majority (ties to the
    lower label) of the answers of the latest run that answered it readably;
  - per labeller: runs, covered settled items, quadratic kappa (exact
    fractions) with its percentile bootstrap interval (the table's
    multinomial resampling replayed: xoshiro256** and the samplers of
    src/base/rng.h, Hormann's BTRS written from the paper), exact agreement,
    parse failures over all answers, tokens of the calls made, cost (the
    run's price, else the settings file's), what the cache saved, and with
    --repeat the split share and the AUC of split against wrong;
  - the ranking (full coverage first, then kappa), the best, current and
    fewer-items marks;
and checks them against the screen dumps (lab0..labN-1: the cursor on each
line; narrow: 100 columns), and the interval to 1e-9 against `prompts list
--json`. Then the review pane of the repeated run (votes41, votes42): the
LLM label shown is the majority, the vote split and the entropy in bits.
Prints "ok GROUP (N values)" or "FAIL GROUP: ..." per group.
"""
import configparser
import json
import math
import os
import re
import sqlite3
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_check import Xoshiro, auc_pairs, entropy, quantile7  # noqa: E402
from statcheck import Group  # noqa: E402

RESAMPLES, SEED, CONFIDENCE, FULL_SHARE = 1000, 0x676176656C, 0.95, 0.9


# ---- the database, read independently ----

def settled_items(db, upto=None):
    """{item: settled label}, from the log as it stood after review upto."""
    upto = upto if upto is not None else 1 << 62
    standing = {}
    withdrawn = {r for (r,) in db.execute(
        "SELECT retracts FROM reviews WHERE decision = 'retract' AND id <= ?", (upto,))}
    for rid, item, who, decision, label in db.execute(
            "SELECT id, item_id, reviewer, decision, label FROM reviews "
            "WHERE decision IN ('accept', 'override', 'skip') AND id <= ? ORDER BY id", (upto,)):
        if rid not in withdrawn:
            standing[(item, who)] = label if decision != "skip" else None
    labels = {}
    for (item, _), label in standing.items():
        if label is not None:
            labels.setdefault(item, set()).add(label)
    return {item: next(iter(s)) for item, s in labels.items() if len(s) == 1}


def majority(answers, K):
    votes = [a for a in answers if 1 <= a <= K]
    if not votes:
        return 0, 0, 0, 0.0
    counts = {k: votes.count(k) for k in set(votes)}
    top = max(counts.values())
    label = min(k for k, c in counts.items() if c == top)
    ent = entropy([c / len(votes) for c in counts.values()]) if len(counts) > 1 else 0.0
    return label, top, len(votes), ent


class Labeller:
    def __init__(self, ref, version, provider, model):
        self.ref, self.version, self.provider, self.model = ref, version, provider, model
        self.runs, self.price, self.repeats = [], None, 1


def labellers_of(db, config):
    groups = []
    for rid, vid, provider, model, params, repeats in db.execute(
            "SELECT id, prompt_version_id, provider, model, params, repeats FROM runs "
            "ORDER BY id"):
        g = next((x for x in groups if vid and x.version == vid and x.model == model), None)
        if not g:
            g = Labeller(str(vid) if vid else f"run:{rid}", vid, provider, model)
            groups.append(g)
        g.runs.append(rid)
        g.repeats = max(g.repeats, repeats)
        p = json.loads(params)
        if g.price is None and ("price_in" in p or "price_out" in p):
            g.price = (p.get("price_in", 0), p.get("price_out", 0))
    for g in groups:
        if g.price is None and config.has_section(g.provider) and (
                config.has_option(g.provider, "price_in")
                or config.has_option(g.provider, "price_out")):
            g.price = (float(config.get(g.provider, "price_in", fallback="0")),
                       float(config.get(g.provider, "price_out", fallback="0")))
    return groups


def money(l, tokens_in, tokens_out):
    if l.price is None:
        return -1 if tokens_in or tokens_out else 0
    return (tokens_in * l.price[0] + tokens_out * l.price[1]) / 1e6


def measure(db, l, settled, K):
    answers = {}  # run -> item -> [answers in sample order]
    l.calls = l.cached = l.parse_failed = 0
    l.tokens = [0, 0]
    saved = [0, 0]
    for run in l.runs:
        for item, status, label, pt, ct, cached in db.execute(
                "SELECT item_id, status, label, ifnull(prompt_tokens, 0), "
                "ifnull(completion_tokens, 0), cached FROM predictions WHERE run_id = ? "
                "ORDER BY item_id, sample", (run,)):
            l.calls += 1
            l.parse_failed += status == "parse_failed"
            l.cached += cached
            acc = saved if cached else l.tokens
            acc[0] += pt
            acc[1] += ct
            ok = status == "ok" and label is not None and 1 <= label <= K
            answers.setdefault(run, {}).setdefault(item, []).append(label if ok else 0)
    l.items = {}  # settled item -> (human, label, answers)
    for item, human in settled.items():
        for run in reversed(l.runs):
            got = answers.get(run, {}).get(item)
            if got and any(got):
                l.items[item] = (human, majority(got, K)[0], got)
                break
    l.cost = money(l, *l.tokens)
    l.saved = money(l, *saved)
    l.covered = len(l.items)
    table = {}
    for human, label, _ in l.items.values():
        table[(human, label)] = table.get((human, label), 0) + 1
    l.table = table
    l.kappa = kappa_q(table, K, exact=True)
    l.agreement = (Fraction(sum(c for (h, x), c in table.items() if h == x), l.covered)
                   if l.covered else None)
    l.pfr = Fraction(l.parse_failed, l.calls) if l.calls else None
    l.ci = bootstrap_ci(table, K) if l.kappa is not None else None
    l.consistency = consistency(l, K) if l.repeats >= 2 else None


def kappa_q(table, K, exact=False):
    n = sum(table.values())
    if n < 2:
        return None
    rows, cols = [0] * (K + 1), [0] * (K + 1)
    for (h, x), c in table.items():
        rows[h] += c
        cols[x] += c
    if sum(1 for r in rows if r) < 2 or sum(1 for c in cols if c) < 2:
        return None
    num = Fraction if exact else float
    obs = sum(num((h - x) ** 2 * c) for (h, x), c in table.items())
    exp = sum(num((i - j) ** 2 * rows[i] * cols[j])
              for i in range(1, K + 1) for j in range(1, K + 1))
    return 1 - obs / (exp / num(n))


def consistency(l, K):
    split, wrong = [], []
    for human, _, got in l.items.values():
        label, _, n, _ = majority(got, K)
        if n < 2:
            continue
        split.append(len({a for a in got if a}) > 1)
        wrong.append(label != human)
    return {"answered": len(split), "split": sum(split),
            "auc": auc_pairs([float(s) for s in split], wrong)}


# ---- the bootstrap's stream (src/base/rng.h), from the published samplers ----

def uniform(rng):
    return ((rng.next() >> 11) + 0.5) * 2.0 ** -53


def binomial_inversion(rng, n, p):
    q = 1 - p
    s = p / q
    a = (n + 1) * s
    f0 = math.exp(n * math.log1p(-p))
    while True:
        u, f, k = uniform(rng), f0, 0
        while u > f and k < n and f > 0:
            u -= f
            k += 1
            f *= a / k - s
        if u <= f:
            return k


STIRLING = [0.08106146679532733, 0.04134069595540946, 0.027677925684997717,
            0.02079067210376584, 0.01664469118982126, 0.013876128823072875,
            0.011896709945893313, 0.010411265261973668, 0.00925546218270945,
            0.008330563433359472]


def stirling_tail(k):
    if k < 10:
        return STIRLING[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def binomial_btrs(rng, n, p):
    """Hormann (1993), J. Statist. Comput. Simul. 46:101-110, algorithm BTRS."""
    nd, q = float(n), 1 - p
    spq = math.sqrt(nd * p * q)
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = nd * p + 0.5
    v_r = 0.92 - 4.2 / b
    r = p / q
    alpha = (2.83 + 5.1 / b) * spq
    m = math.floor((nd + 1) * p)
    while True:
        u = uniform(rng) - 0.5
        v = uniform(rng)
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + c)
        if k < 0 or k > nd:
            continue
        if us >= 0.07 and v <= v_r:
            return int(k)
        v = math.log(v * alpha / (a / (us * us) + b))
        bound = ((m + 0.5) * math.log((m + 1) / (r * (nd - m + 1)))
                 + (nd + 1) * math.log((nd - m + 1) / (nd - k + 1))
                 + (k + 0.5) * math.log(r * (nd - k + 1) / (k + 1))
                 + stirling_tail(m) + stirling_tail(nd - m)
                 - stirling_tail(k) - stirling_tail(nd - k))
        if v <= bound:
            return int(k)


def binomial(rng, n, p):
    if n <= 0 or not p > 0:
        return 0
    if p >= 1:
        return n
    if p > 0.5:
        return n - binomial(rng, n, 1 - p)
    if n * p < 10:
        return binomial_inversion(rng, n, p)
    return binomial_btrs(rng, n, p)


def multinomial(rng, n, weights):
    """Sequential conditional binomials: cell i given those before it."""
    rest, out = sum(weights), []
    for w in weights:
        if w <= 0 or n <= 0 or rest <= 0:
            x = 0
        elif w >= rest:
            x = n
        else:
            x = binomial(rng, n, w / rest)
        out.append(x)
        n -= x
        rest -= max(w, 0)
    return out


def bootstrap_ci(table, K):
    cells = [table.get((h, x), 0) for h in range(1, K + 1) for x in range(1, K + 1)]
    n, rng, values, undefined = sum(cells), Xoshiro(SEED), [], 0
    for _ in range(RESAMPLES):
        drawn = multinomial(rng, n, cells)
        t = {(i // K + 1, i % K + 1): c for i, c in enumerate(drawn) if c}
        v = kappa_q(t, K)
        if v is None:
            undefined += 1
        else:
            values.append(v)
    if not values or undefined > 0.05 * RESAMPLES:
        return None
    values.sort()
    tail = (1 - CONFIDENCE) / 2
    return quantile7(values, tail), quantile7(values, 1 - tail)


# ---- the ranking ----

def rank(labs, current_run):
    top = max((l.covered for l in labs), default=0)
    for l in labs:
        l.fewer = l.covered < FULL_SHARE * top
        l.current = current_run in l.runs

    def key(l):
        tier = (1 if l.fewer else 0) + (0 if l.kappa is not None else 2)
        return (tier, -(l.kappa if l.kappa is not None else 0), -l.covered)

    # the later labeller (higher ref, as strcmp orders) first among equals
    labs = sorted(labs, key=lambda l: l.ref, reverse=True)
    labs = sorted(labs, key=key)
    for i, l in enumerate(labs):
        l.best = i == 0 and l.kappa is not None
    return labs, top


# ---- the screen's words (src/lab/labtable.h's formats) ----

def tokens_text(n):
    if n >= 10000000:
        return f"{n / 1e6:.0f}M"
    if n >= 10000:
        return f"{n / 1e3:.1f}k"
    return str(n)


def money_text(usd):
    if usd < 0:
        return "-"
    if 0 < usd < 0.005:
        return "<$0.01"
    return f"${usd:.2f}"


def pct(v):
    return "-" if v is None else f"{100 * float(v):.1f}%"


ROW = re.compile(r"^(.) (\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)/(\d+)\s+(\S+)\s+(\S+)\s+(\S+)"
                 r"\s+(\S+)\s+(\S+)\s+(\S+)(.*)$")
NARROW = re.compile(r"^(.) (\S+)\s+(\S+)\s+(\S+)\s+(\d+)/(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(.*)$")
NOT_RUN = re.compile(r"^(.) (\d+)\s+(\S+)\s+-\s+(?:0\s+)?-\s+-\s+not run yet(.*)$")


def screen(path):
    """The dump's list lines (after the heading) and detail lines (after
    the list's blank rows, before the status and key lines)."""
    rows = open(path, encoding="utf-8").read().split("\n")
    head = next(i for i, r in enumerate(rows) if r.startswith("  REF "))
    listed, i = [], head + 1
    while i < len(rows) and rows[i].strip():
        listed.append(rows[i].rstrip())
        i += 1
    rest = [r.strip() for r in rows[i:len(rows) - 3] if r.strip()]
    return rows[head], listed, rest


def marks_of(l):
    return (" best" if l.best else "") + (" current" if l.current else "") + \
        (" fewer items" if l.fewer else "")


def expected_row(l, settled):
    return {"ref": l.ref, "model": l.model or "-", "runs": str(len(l.runs)),
            "covered": str(l.covered), "settled": str(settled),
            "kappa": "-" if l.kappa is None else f"{float(l.kappa):.3f}",
            "ci": "-" if l.ci is None else f"{l.ci[0]:.2f}..{l.ci[1]:.2f}",
            "exact": pct(l.agreement), "unparsed": pct(l.pfr),
            "tokens": tokens_text(sum(l.tokens)), "cost": money_text(l.cost),
            "marks": marks_of(l)}


def runs_words(l):
    runs = "run" + ("s" if len(l.runs) > 1 else "") + \
        ",".join(f" {r}" for r in l.runs[:4]) + (f" … {l.runs[-1]}" if len(l.runs) > 4 else "")
    cost = "unknown (no price)" if l.cost < 0 else money_text(l.cost)
    saved = f", the cache saved {money_text(l.saved)}" if l.cached and l.saved > 0 else ""
    return (f"{runs} · {l.calls} answers, {l.cached} from the cache, {l.parse_failed} unparsed"
            f" · {sum(l.tokens)} tokens · cost {cost}{saved}")


def expected_detail(l, v, top):
    if v is None:
        out = [f"{l.ref}  {l.provider} {l.model}: no prompt version to edit or rerun "
               "(gavel label --prompt FILE --settled makes one)"]
    else:
        out = [f"version {v['id']}  {v['hash'][:12]}  {v['name']}"
               + (f"  edit of {v['parent']}" if v["parent"] else "")]
        if v["note"]:
            out.append(f"meant to fix: {v['note']}")
    if l is None:
        return out
    out.append(runs_words(l))
    if l.fewer:
        out.append(f"fewer items: measured on {l.covered} of the {top} items the "
                   "best-measured version covers, so ranked after those")
    if l.consistency:
        c = l.consistency
        if c["split"] == 0:
            out.append(f"warning: every item unanimous over {l.repeats} answers: the provider "
                       "may ignore the temperature")
        else:
            out.append(f"split votes on {c['split']} of {c['answered']} items; split vs wrong "
                       f"AUC {c['auc']:.2f}")
    return out


def check_lines(g, dumps, n_lines, labs, versions, settled_n, top):
    ran = {l.version for l in labs if l.version}
    order = labs + [None] * len([v for v in versions.values() if v["id"] not in ran])
    never = [v for v in sorted(versions.values(), key=lambda v: v["id"]) if v["id"] not in ran]
    g.equal("lines on the screen", n_lines, len(order))
    for i in range(n_lines):
        head, listed, detail = screen(os.path.join(dumps, f"lab{i}.txt"))
        g.equal(f"lab{i}: the wide heading", head.split(),
                ["REF", "NAME", "MODEL", "RUNS", "COVERED", "KAPPA_Q", "95%", "CI", "EXACT",
                 "UNPARS", "TOKENS", "COST"])
        g.equal(f"lab{i}: lines listed", len(listed), len(order))
        for j, l in enumerate(labs):
            m = ROW.match(listed[j]) if j < len(listed) else None
            if not m:
                g.true(f"lab{i} line {j}: not a row: {listed[j:j + 1]}", False)
                continue
            got = dict(zip(["a", "ref", "name", "model", "runs", "covered", "settled", "kappa",
                            "ci", "exact", "unparsed", "tokens", "cost", "marks"], m.groups()))
            want = expected_row(l, settled_n)
            name = versions[l.version]["name"] if l.version else l.provider
            g.true(f"lab{i} line {j} ({l.ref}): name {got['name']!r} is not {name!r} cut",
                   name.startswith(got.pop("name")))
            got.pop("a")
            g.equal(f"lab{i} line {j} ({l.ref})", got, want)
        for j, v in enumerate(never):
            m = NOT_RUN.match(listed[len(labs) + j]) if len(labs) + j < len(listed) else None
            g.true(f"lab{i}: version {v['id']} listed as not run: {listed[len(labs) + j:]}",
                   bool(m) and m.group(2) == str(v["id"]))
        l = labs[i] if i < len(labs) else None
        v = versions.get(l.version) if l else never[i - len(labs)]
        g.equal(f"lab{i}: the detail lines", detail[:-1] if detail and detail[-1].startswith(
            "order:") else detail, expected_detail(l, v, top))


def check_narrow(g, dumps, labs, settled_n):
    head, listed, _ = screen(os.path.join(dumps, "narrow.txt"))
    g.equal("narrow heading", head.split(),
            ["REF", "NAME", "MODEL", "COVERED", "KAPPA_Q", "95%", "CI", "EXACT", "UNPARS"])
    for j, l in enumerate(labs):
        m = NARROW.match(listed[j])
        if not m:
            g.true(f"narrow line {j}: {listed[j]!r}", False)
            continue
        want = expected_row(l, settled_n)
        got = m.groups()
        g.equal(f"narrow line {j} ({l.ref})",
                (got[1], got[4], got[6], got[7], got[8], got[9], got[10]),
                (want["ref"], want["covered"], want["kappa"], want["ci"], want["exact"],
                 want["unparsed"], want["marks"]))
        g.true(f"narrow line {j} fits in 100 columns: {len(listed[j])}", len(listed[j]) <= 100)


def check_json(g, path, labs):
    got = {v["ref"] if "ref" in v else str(v.get("id")): v for v in json.load(open(path))}
    for l in labs:
        v = got.get(l.ref)
        if v is None:
            g.true(f"prompts list --json has no {l.ref}: {sorted(got)}", False)
            continue
        g.near(f"{l.ref} kappa_quadratic", v["kappa_quadratic"],
               None if l.kappa is None else float(l.kappa), 1e-12)
        g.near(f"{l.ref} cost_usd", v["cost_usd"], None if l.cost < 0 else l.cost, 1e-12)
        g.near(f"{l.ref} saved_usd", v["saved_usd"], None if l.saved < 0 else l.saved, 1e-12)
        ci = v["kappa_quadratic_ci"]
        for k in range(2):
            g.near(f"{l.ref} kappa_quadratic_ci[{k}] (the bootstrap replayed)",
                   None if ci is None else ci[k], None if l.ci is None else l.ci[k], 1e-9)


PANE = re.compile(r"LLM  (\d+) (\S+).*?votes: (\d+) of (\d+) for (\d+) (\S+)( \(tied\))? · "
                  r"entropy ([\d.]+) bits")


def check_votes(g, db, dumps, K, names):
    for ext in ("p41", "p42"):
        rows = open(os.path.join(dumps, f"votes{ext[1:]}.txt"), encoding="utf-8").read()
        pane = " ".join(r.rsplit("│", 1)[-1].strip() for r in rows.split("\n") if "│" in r)
        m = PANE.search(pane)
        if not m:
            g.true(f"{ext}: no LLM and vote lines in the pane: {pane[:300]}", False)
            continue
        run = db.execute("SELECT max(p.run_id) FROM predictions p JOIN items i ON "
                         "i.id = p.item_id WHERE i.external_id = ?", (ext,)).fetchone()[0]
        got = [lab or 0 for (lab,) in db.execute(
            "SELECT CASE WHEN status = 'ok' THEN label END FROM predictions p JOIN items i ON "
            "i.id = p.item_id WHERE i.external_id = ? AND run_id = ? ORDER BY sample",
            (ext, run))]
        label, top, n, ent = majority(got, K)
        g.true(f"{ext}: {len(got)} answers in run {run}", len(got) >= 2)
        g.equal(f"{ext}: the LLM label shown is the majority", (m.group(1), m.group(2)),
                (str(label), names[label]))
        g.equal(f"{ext}: votes for the majority, of all", (m.group(3), m.group(4)),
                (str(top), str(len(got))))
        g.equal(f"{ext}: the majority", (m.group(5), m.group(6)), (str(label), names[label]))
        g.equal(f"{ext}: tied", bool(m.group(7)),
                sum(1 for k in set(got) if got.count(k) == top) > 1)
        g.equal(f"{ext}: entropy in bits", m.group(8), f"{ent:.2f}")
        g.true(f"{ext}: split and unanimous both seen", True)


def main():
    db_path, dumps, n_lines, list_json, config_path = sys.argv[1:6]
    db = sqlite3.connect(db_path)
    config = configparser.ConfigParser()
    config.read(config_path)
    K = db.execute("SELECT count(*) FROM scale").fetchone()[0]
    names = dict(db.execute("SELECT value, name FROM scale"))
    settled = settled_items(db)
    versions = {vid: {"id": vid, "hash": h, "name": name, "parent": parent, "note": note}
                for vid, h, name, parent, note in db.execute(
                    "SELECT id, hash, name, parent_id, note FROM prompt_versions")}
    labs = labellers_of(db, config)
    for l in labs:
        measure(db, l, settled, K)
    current = db.execute("SELECT max(id) FROM runs").fetchone()[0]
    labs, top = rank(labs, current)
    ok = True
    g = Group("the lab's lines, wide, with each line's detail")
    check_lines(g, dumps, int(n_lines), labs, versions, len(settled), top)
    ok &= g.report()
    g = Group("the lab's lines at 100 columns")
    check_narrow(g, dumps, labs, len(settled))
    ok &= g.report()
    g = Group("kappa and its interval against prompts list --json")
    check_json(g, list_json, labs)
    ok &= g.report()
    g = Group("the fixture has what the checks need")
    g.true("a labeller measured on fewer items", any(l.fewer for l in labs))
    g.true("a labeller with a price and one without", len({l.price is None for l in labs}) == 2)
    g.true("split votes", any(l.consistency and l.consistency["split"] for l in labs))
    g.true("parse failures", any(l.parse_failed for l in labs))
    g.true("cached answers", any(l.cached for l in labs))
    ok &= g.report()
    g = Group("the review pane's votes for a repeated run")
    check_votes(g, db, dumps, K, names)
    ok &= g.report()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
