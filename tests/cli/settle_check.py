#!/usr/bin/env python3
"""settle_check.py - `gavel settle` end to end, as the held-back rating sets
will be checked: ratings loaded with `gavel init --scale` and `gavel
import-ratings`, then `gavel settle --rule dawid-skene --max-iterations K
--json` for K = 0, 1, 2 and at convergence, against the independent
Dawid-Skene implementation of dawidskene_check.py (written from the 1979
paper): priors, every rater's matrix, every item's posteriors and the
log-likelihood to 1e-9, settled and best labels exactly. Raters are matched
by name and items by their external id, never by position.

Also: the LLM as one more rater (--with-llm), with adjudicated items
clamped too; items only the LLM labelled (settled only with --min-reviews
0); the default options (no --max-iterations, --tolerance or
--min-posterior: the converged fit, settled at 0.9); other tolerances (the
iterations run and where they stop); the same ratings loaded as JSONL with a
time column giving the same report; every settlement rule against a
reimplementation of settle.h's definitions, and --set-default.

    settle_check.py GAVEL DATA_DIR WORK_DIR

Prints "ok NAME" / "not ok NAME: why"; exit status 1 if any failed.
"""
import json
import math
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dawidskene_check as ref  # noqa: E402

TOL = 1e-9
results = []


def check(name, cond, why=""):
    results.append(bool(cond))
    print(("ok " if cond else "not ok ") + name + ("" if cond else ": " + why))


def gavel(*args, stdin=None):
    out = subprocess.run([GAVEL] + list(args), capture_output=True, text=True, input=stdin)
    if out.returncode != 0:
        raise RuntimeError("gavel %s failed: %s" % (" ".join(args), out.stderr))
    return out.stdout


# ---- a database from votes, through the command line ----

def fresh_db(name, K):
    """A new database called name with the scale L1..LK."""
    db = os.path.join(WORK, name + ".db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    gavel("init", "--db", db, "--scale", ",".join("L%d" % (j + 1) for j in range(K)))
    return db


def make_db(name, d, llm=None, clamp=None):
    """d: a dawidskene_check.Data. llm: {item: label} loaded as an LLM run.
    Items are i0.., raters r0.., the scale's labels named L1..LK."""
    db = fresh_db(name, d.K)
    csv = os.path.join(WORK, name + ".csv")
    with open(csv, "w") as f:
        f.write("item,rater,label\n")
        for i, k, l in d.votes:
            # every other vote by the label's name: both must map to the scale
            f.write("i%d,r%d,%s\n" % (i, k, l if (i + k) % 2 else "L%d" % l))
        for i, l in sorted((llm or {}).items()):
            f.write("i%d,the-llm,%d\n" % (i, l))
    args = ["import-ratings", "--db", db]
    if llm:
        args += ["--llm", "the-llm"]
    gavel(*(args + [csv]))
    if clamp:
        adj = os.path.join(WORK, name + ".adj.jsonl")
        with open(adj, "w") as f:
            for i, l in sorted(clamp.items()):
                f.write(json.dumps({"item": "i%d" % i, "votes": [], "adjudicator": "adj",
                                    "label": l, "adjudication_reason": "gold"}) + "\n")
        gavel("import-ratings", "--db", db, adj)
    return db


def make_db_jsonl(name, d, llm=None):
    """make_db()'s ratings as JSONL, each with a time (ISO 8601 and Unix
    seconds in turn) and the label by its name."""
    db = fresh_db(name, d.K)
    path = os.path.join(WORK, name + ".jsonl")
    with open(path, "w") as f:
        for n, (i, k, l) in enumerate(d.votes):
            when = ("2026-01-02T03:04:%02dZ" % (n % 60)) if n % 2 else 1767323000 + n
            f.write(json.dumps({"item": "i%d" % i, "rater": "r%d" % k, "label": "l%d" % l,
                                "time": when}) + "\n")
    gavel("import-ratings", "--db", db, path)
    if llm:
        with open(path, "w") as f:
            for i, l in sorted(llm.items()):
                f.write(json.dumps({"item": "i%d" % i, "rater": "the-llm", "label": l}) + "\n")
        gavel("import-ratings", "--db", db, "--llm", "the-llm", path)
    return db


def settle_json(db, *args):
    return json.loads(gavel("settle", "--db", db, "--json", *args))


# ---- Dawid-Skene ----

def compare_fit(name, got, want, d, min_posterior, llm_rater=None):
    ds = got["dawid_skene"]
    check(name + ": iterations", ds["iterations"] == want["iterations"]
          and ds["converged"] == want["converged"],
          "%s/%s, want %s/%s" % (ds["iterations"], ds["converged"], want["iterations"],
                                 want["converged"]))
    check(name + ": priors", ref.worst(ds["priors"], want["priors"]) <= TOL,
          "off by %.3g" % ref.worst(ds["priors"], want["priors"]))
    by_name = {r["rater"]: r for r in ds["raters"]}
    worst = 0.0
    for k in range(d.R):
        rname = "the-llm" if k == llm_rater else "r%d" % k
        key = "llm" if k == llm_rater else rname
        if key not in by_name:
            worst = math.inf
            continue
        r = by_name[key]
        worst = max(worst, ref.worst(r["matrix"], want["confusion"][k]))
        acc = [want["confusion"][k][j][j] for j in range(d.K)]
        worst = max(worst, ref.worst(r["accuracy"], acc))
    check(name + ": every rater's matrix and accuracy", worst <= TOL, "off by %.3g" % worst)
    items = {it["item"]: it for it in got["items"]}
    worst, labels, bests = 0.0, [], []
    for i in range(d.I):
        it = items.get("i%d" % i)
        row = want["posterior"][i]
        worst = max(worst, ref.worst(it["posterior"], row) if it and it["posterior"] else math.inf)
        label = d.clamp.get(i) or ref.settled(row, min_posterior)
        labels.append((it["label"] or 0) == label if it else False)
        best = ref.settled(row, 0.0)
        bests.append((it["best"] or 0) == best or (best == 0 and it and it["tied"]))
    check(name + ": every item's posteriors", worst <= TOL, "off by %.3g" % worst)
    check(name + ": settled labels", all(labels), "%d wrong" % labels.count(False))
    check(name + ": best labels", all(bests), "%d wrong" % bests.count(False))
    ll_g, ll_w = ds["log_likelihood"], want["log_likelihood"]
    check(name + ": log-likelihood", abs(ll_g - ll_w) <= TOL * max(1, abs(ll_w)),
          "%.17g, want %.17g" % (ll_g, ll_w))


def check_ds(name, d, llm=None, min_posterior=0.9):
    """d's votes through gavel; llm votes are one more rater (index d.R)."""
    db = make_db(name.replace(" ", "_").replace("(", "").replace(")", ""), d, llm, d.clamp)
    full = d
    extra = []
    if llm:
        extra = ["--with-llm"]
        full = ref.Data(d.K, d.I, d.R + 1, d.votes + [(i, d.R, l) for i, l in llm.items()],
                        d.clamp)
    for k in (0, 1, 2, 100000):
        got = settle_json(db, "--rule", "dawid-skene", "--max-iterations", str(k),
                          "--tolerance", "1e-10", "--min-posterior", repr(min_posterior),
                          *extra)
        label = "%s K=%s" % (name, k if k < 100000 else "converged")
        compare_fit(label, got, ref.fit(full, k, 1e-10), full, min_posterior,
                    d.R if llm else None)


def random_votes(seed, clamps=False, repeats=True):
    rng = random.Random(seed)
    K, I, R = rng.randint(2, 5), rng.randint(10, 50), rng.randint(2, 5)
    truth = [rng.randint(1, K) for _ in range(I)]
    acc = [rng.uniform(0.4, 0.95) for _ in range(R)]
    votes = []
    for i in range(I):
        raters = [k for k in range(R) if rng.random() < 0.75] or [rng.randrange(R)]
        for k in raters:
            for _ in range(2 if repeats and rng.random() < 0.15 else 1):
                votes.append((i, k, truth[i] if rng.random() < acc[k] else rng.randint(1, K)))
    clamp = {i: truth[i] for i in range(I) if clamps and rng.random() < 0.15}
    return ref.Data(K, I, R, votes, clamp), truth, rng


def check_defaults_and_tolerance():
    """What a checker that names no option sees: the converged fit (the
    defaults: tolerance 1e-10, at most 1000 iterations) settled at 0.9; and
    coarser tolerances stop where the reference stops."""
    d, truth, rng = random_votes(21, clamps=True)
    db = make_db("defaults", d, clamp=d.clamp)
    got = settle_json(db, "--rule", "dawid-skene")
    compare_fit("the default options", got, ref.fit(d, 1000, 1e-10), d, 0.9)
    check("the defaults are recorded", got["config"].get("tolerance") == 1e-10
          and got["config"].get("max_iterations") == 1000
          and got["config"].get("min_posterior") == 0.9, json.dumps(got["config"]))
    for tol in (1e-2, 1e-4, 1e-7):
        got = settle_json(db, "--rule", "dawid-skene", "--tolerance", repr(tol))
        compare_fit("--tolerance %g" % tol, got, ref.fit(d, 1000, tol), d, 0.9)


def check_jsonl():
    """The same ratings as JSONL, with times and label names: the same report."""
    d, truth, rng = random_votes(22, repeats=True)
    llm = {i: truth[i] if rng.random() < 0.6 else rng.randint(1, d.K) for i in range(d.I)}
    a = settle_json(make_db("as_csv", d, llm), "--rule", "dawid-skene", "--with-llm")
    b = settle_json(make_db_jsonl("as_jsonl", d, llm), "--rule", "dawid-skene", "--with-llm")
    check("ratings as JSONL with times: the same report as from CSV",
          a["dawid_skene"] == b["dawid_skene"] and a["items"] == b["items"],
          "priors %s vs %s" % (a["dawid_skene"]["priors"], b["dawid_skene"]["priors"]))


def check_llm_only_items():
    """Items only the LLM labelled: modelled (the LLM's vote gives their
    posterior), settled only when --min-reviews 0 lets the LLM alone."""
    d, truth, rng = random_votes(23, clamps=True)
    extra = 4
    llm = {i: truth[i] if rng.random() < 0.7 else rng.randint(1, d.K) for i in range(d.I)}
    llm.update({i: rng.randint(1, d.K) for i in range(d.I, d.I + extra)})
    d = ref.Data(d.K, d.I + extra, d.R, d.votes, d.clamp)
    db = make_db("llm_only", d, llm, d.clamp)
    full = ref.Data(d.K, d.I, d.R + 1, d.votes + [(i, d.R, l) for i, l in llm.items()], d.clamp)
    want = ref.fit(full, 1000, 1e-10)
    per_item = {}
    for i, k, l in d.votes:
        per_item.setdefault(i, []).append(l)
    for n in (1, 0):
        got = settle_json(db, "--rule", "dawid-skene", "--with-llm", "--min-reviews", str(n),
                          "--min-posterior", "0.5")
        name = "items only the LLM labelled, --min-reviews %d" % n
        if n == 0:  # then compare_fit's labels (posterior alone) are the rule's
            compare_fit(name, got, want, full, 0.5, d.R)
        items = {it["item"]: it for it in got["items"]}
        bad = []
        for i in range(d.I):
            label, reason = rule_outcome("dawid-skene", per_item.get(i, []), d.clamp.get(i),
                                         want["posterior"][i], n, 0.5, 0.5)
            it = items["i%d" % i]
            if (it["label"] or 0) != label or it["reason"] != reason:
                bad.append("i%d: %s/%s, want %s/%s" % (i, it["label"], it["reason"], label, reason))
        check(name + ": settled labels and reasons", not bad, "; ".join(bad[:4]))
        only = [items["i%d" % i] for i in range(d.I - extra, d.I)]
        check(name + ": those items are modelled", all(it["posterior"] for it in only))


# ---- the rules, from settle.h's definitions ----

def rule_outcome(rule, labels, adjudicated, posterior, min_reviews, quorum, min_posterior):
    """(label, reason) as settle.h defines them."""
    n = len(labels)
    if adjudicated:
        return adjudicated, "adjudicated"
    if n == 0 and min_reviews > 0:
        return 0, "no-reviews"
    if n < min_reviews:
        return 0, "too-few-reviews"
    counts = {l: labels.count(l) for l in set(labels)}
    if rule == "dawid-skene":
        if not posterior or max(posterior) <= 0:
            return 0, "no-reviews"
        top = max(posterior)
        if posterior.count(top) > 1:
            return 0, "tie"
        if top < min_posterior:
            return 0, "low-posterior"
        return posterior.index(top) + 1, "rule"
    if n == 0:
        return 0, "no-reviews"
    if rule == "unanimous":
        return (labels[0], "rule") if len(counts) == 1 else (0, "conflict")
    top = max(counts.values())
    winners = [l for l, c in counts.items() if c == top]
    if len(winners) > 1:
        return 0, "tie"
    if top < math.ceil(quorum * n - 1e-9):
        return 0, "conflict"
    return winners[0], "rule"


def check_rules():
    d, truth, rng = random_votes(77, clamps=True)
    # more ties and conflicts: a few items with two raters who disagree
    votes = list(d.votes)
    for i in range(d.I, d.I + 6):
        votes += [(i, 0, 1), (i, 1, 2)]
    d = ref.Data(d.K, d.I + 6, d.R, votes, d.clamp)
    db = make_db("rules", d, clamp=d.clamp)
    per_item = {}
    for i, k, l in d.votes:
        per_item.setdefault(i, []).append(l)
    cases = [("unanimous", 1, 0.5, 0.9), ("unanimous", 2, 0.5, 0.9), ("majority", 1, 0.5, 0.9),
             ("majority", 3, 0.6, 0.9), ("majority", 2, 1.0, 0.9), ("dawid-skene", 1, 0.5, 0.8),
             ("dawid-skene", 2, 0.5, 0.95), ("dawid-skene", 0, 0.5, 0.0)]
    for rule, n, q, p in cases:
        got = settle_json(db, "--rule", rule, "--min-reviews", str(n), "--quorum", repr(q),
                          "--min-posterior", repr(p))
        items = {it["item"]: it for it in got["items"]}
        want_fit = ref.fit(d, 1000, 1e-10) if rule == "dawid-skene" else None
        bad = []
        for i in range(d.I):
            post = want_fit["posterior"][i] if want_fit else None
            label, reason = rule_outcome(rule, per_item.get(i, []), d.clamp.get(i), post, n, q, p)
            it = items["i%d" % i]
            if (it["label"] or 0) != label or it["reason"] != reason:
                bad.append("i%d: %s/%s, want %s/%s" % (i, it["label"], it["reason"], label,
                                                       reason))
        name = "rule %s --min-reviews %d --quorum %g --min-posterior %g" % (rule, n, q, p)
        check(name, not bad, "; ".join(bad[:4]))
        by_label = {}
        for it in got["items"]:
            if it["label"]:
                by_label[str(it["label"])] = by_label.get(str(it["label"]), 0) + 1
        check(name + ": counts by label",
              all(got["counts"]["by_label"][str(j)] == by_label.get(str(j), 0)
                  for j in range(1, d.K + 1)))
    # --set-default: stored, then used when nothing is given
    gavel("settle", "--db", db, "--set-default", "--rule", "majority", "--quorum", "0.75",
          "--min-reviews", "2")
    got = settle_json(db)
    check("--set-default is the database's rule",
          got["config"] == {"rule": "majority", "min_reviews": 2, "quorum": 0.75},
          json.dumps(got["config"]))
    got = settle_json(db, "--quorum", "0.5")
    check("an option changes only its parameter",
          got["config"] == {"rule": "majority", "min_reviews": 2, "quorum": 0.5},
          json.dumps(got["config"]))


def main():
    global GAVEL, WORK
    GAVEL, data, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
    check_ds("crowd-kit toy", ref.read_text(data + "/crowdkit_toy.txt"), min_posterior=0.5)
    for which in ("dallascard", "rater"):
        # anaesthetist 1 rated every patient three times: three votes each
        check_ds("anaesthetists (%s)" % which, ref.read_text(data + "/anaesthetist_%s.txt" % which))
    for seed in range(6):
        d, truth, rng = random_votes(seed, clamps=seed % 2 == 1)
        check_ds("random %d (K=%d, %d items, %d raters)" % (seed, d.K, d.I, d.R), d)
    d, truth, rng = random_votes(40)
    llm = {i: truth[i] if rng.random() < 0.7 else rng.randint(1, d.K) for i in range(d.I)}
    check_ds("random with the LLM as a rater", d, llm=llm)
    d, truth, rng = random_votes(41, clamps=True)
    llm = {i: truth[i] if rng.random() < 0.6 else rng.randint(1, d.K) for i in range(d.I)
           if rng.random() < 0.8}
    check_ds("random with the LLM and adjudications", d, llm=llm)
    check_defaults_and_tolerance()
    check_jsonl()
    check_llm_only_items()
    check_rules()
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
