#!/usr/bin/env python3
"""dawidskene_check.py - gavel's Dawid-Skene (src/settle/dawidskene.c, through
the driver build/tools/dawidskene) against an independent implementation.

The reference below is written from Dawid & Skene (1979) and the conventions
pinned in docs (vote-share init, eq. 3.1; M-step then E-step per iteration;
stop when no posterior moves more than the tolerance; a final M-step; a row of
zero weight is uniform; clamped items one-hot). It works on the count tensor
n[i][(k, l)] of the paper, with the standard library only, and shares nothing
with the C code's layout.

    dawidskene_check.py DRIVER DATA_DIR

Prints "ok NAME" or "not ok NAME: why" per check; exit status 1 if any failed.
"""
import json
import math
import random
import subprocess
import sys
from collections import defaultdict

TOL = 1e-9
results = []


def check(name, cond, why=""):
    results.append(bool(cond))
    print(("ok " if cond else "not ok ") + name + ("" if cond else ": " + why))


# ---- the reference implementation ----

class Data:
    def __init__(self, K, I, R, votes, clamp=None):
        self.K, self.I, self.R = K, I, R
        self.votes = votes
        self.clamp = dict(clamp or {})
        self.n = [defaultdict(int) for _ in range(I)]
        for i, k, l in votes:
            self.n[i][(k, l)] += 1
        self.modelled = [i for i in range(I) if self.n[i] or self.clamp.get(i)]


def one_hot(K, label):
    return [1.0 if j == label - 1 else 0.0 for j in range(K)]


def initial(d, init):
    T = {}
    for i in d.modelled:
        if d.clamp.get(i):
            T[i] = one_hot(d.K, d.clamp[i])
            continue
        per_label = [0] * d.K
        for (k, l), c in d.n[i].items():
            per_label[l - 1] += c
        total = sum(per_label)
        if init == "shares":          # eq. 3.1
            T[i] = [c / total for c in per_label]
        else:                         # hard majority, ties to the lowest label
            T[i] = one_hot(d.K, per_label.index(max(per_label)) + 1)
    return T


def m_step(d, T):
    """Priors: the mean posterior. Rater k's row j: the votes k gave, each
    weighted by its item's posterior of j, normalised (uniform with no weight)."""
    K = d.K
    p = [sum(T[i][j] for i in d.modelled) / len(d.modelled) if d.modelled else 1 / K
         for j in range(K)]
    num = [[[0.0] * K for _ in range(K)] for _ in range(d.R)]
    for i in d.modelled:
        for (k, l), c in d.n[i].items():
            for j in range(K):
                num[k][j][l - 1] += T[i][j] * c
    pi = [[[x / sum(row) for x in row] if sum(row) > 0 else [1 / K] * K for row in rows]
          for rows in num]
    return p, pi


def log_score(d, p, pi, i, j):
    """log of p_j * prod over (k, l) of pi_k[j][l]^n[i][k][l]; -inf for 0."""
    if p[j] <= 0:
        return -math.inf
    s = math.log(p[j])
    for (k, l), c in d.n[i].items():
        cell = pi[k][j][l - 1]
        if cell <= 0:
            return -math.inf
        s += c * math.log(cell)
    return s


def e_step(d, p, pi, T):
    new = {}
    for i in d.modelled:
        if d.clamp.get(i):
            new[i] = one_hot(d.K, d.clamp[i])
            continue
        s = [log_score(d, p, pi, i, j) for j in range(d.K)]
        m = max(s)
        e = [math.exp(x - m) if x > -math.inf else 0.0 for x in s]
        new[i] = [x / sum(e) for x in e]
    return new


def log_likelihood(d, p, pi):
    ll = 0.0
    for i in d.modelled:
        if d.clamp.get(i):
            ll += log_score(d, p, pi, i, d.clamp[i] - 1)
            continue
        s = [log_score(d, p, pi, i, j) for j in range(d.K)]
        m = max(s)
        ll += m + math.log(sum(math.exp(x - m) for x in s if x > -math.inf))
    return ll


def fit(d, max_iter, tol, init="shares"):
    T = initial(d, init)
    it, converged, last = 0, False, 0.0
    while it < max_iter:
        p, pi = m_step(d, T)
        new = e_step(d, p, pi, T)
        last = max([abs(new[i][j] - T[i][j]) for i in d.modelled for j in range(d.K)] or [0.0])
        T, it = new, it + 1
        if last <= tol:
            converged = True
            break
    p, pi = m_step(d, T)
    post = [T.get(i, [0.0] * d.K) for i in range(d.I)]
    return {"iterations": it, "converged": converged, "priors": p, "confusion": pi,
            "posterior": post, "log_likelihood": log_likelihood(d, p, pi)}


def settled(row, min_posterior):
    top = max(row)
    if top <= 0 or row.count(top) > 1 or top < min_posterior:
        return 0
    return row.index(top) + 1


# ---- running the driver ----

def to_text(d):
    lines = ["labels %d" % d.K, "items %d" % d.I, "raters %d" % d.R]
    lines += ["clamp %d %d" % (i, l) for i, l in sorted(d.clamp.items())]
    lines += ["vote %d %d %d" % v for v in d.votes]
    return "\n".join(lines) + "\n"


def read_text(path):
    K = I = R = 0
    votes, clamp = [], {}
    for line in open(path):
        f = line.split("#")[0].split()
        if not f:
            continue
        if f[0] == "labels":
            K = int(f[1])
        elif f[0] == "items":
            I = int(f[1])
        elif f[0] == "raters":
            R = int(f[1])
        elif f[0] == "vote":
            votes.append((int(f[1]), int(f[2]), int(f[3])))
        elif f[0] == "clamp":
            clamp[int(f[1])] = int(f[2])
    return Data(K, I, R, votes, clamp)


def run_driver(driver, d, max_iter, tol=1e-10, min_posterior=0.0):
    args = [driver, "--max-iterations", str(max_iter), "--tolerance", repr(tol),
            "--min-posterior", repr(min_posterior)]
    out = subprocess.run(args, input=to_text(d), capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("driver failed: " + out.stderr)
    return json.loads(out.stdout)


def worst(a, b):
    """The largest absolute difference between two nested lists of numbers."""
    if isinstance(a, list):
        if len(a) != len(b):
            return math.inf
        return max([worst(x, y) for x, y in zip(a, b)] or [0.0])
    return abs(a - b)


def compare(name, d, got, want, min_posterior):
    check(name + ": iterations", got["iterations"] == want["iterations"]
          and bool(got["converged"]) == want["converged"],
          "%s/%s, want %s/%s" % (got["iterations"], got["converged"], want["iterations"],
                                 want["converged"]))
    for key in ("priors", "confusion", "posterior"):
        w = worst(got[key], want[key])
        check(name + ": " + key, w <= TOL, "off by %.3g" % w)
    ll_g, ll_w = got["log_likelihood"], want["log_likelihood"]
    check(name + ": log-likelihood", abs(ll_g - ll_w) <= TOL * max(1.0, abs(ll_w)),
          "%.17g, want %.17g" % (ll_g, ll_w))
    labels = [settled(row, min_posterior) for row in want["posterior"]]
    check(name + ": settled labels", got["label"] == labels,
          "%s, want %s" % (got["label"], labels))
    nan_free = all(not math.isnan(x) for row in got["posterior"] for x in row)
    check(name + ": no NaN", nan_free and not math.isnan(ll_g))


# ---- the cases ----

def random_case(seed):
    """Raters with their own confusion matrices, missing and repeated votes,
    unrated items, clamps, and a rater who only sees unanimous label-1 items
    (his rows for the other labels have no weight)."""
    rng = random.Random(seed)
    K, I, R = rng.randint(2, 5), rng.randint(8, 60), rng.randint(2, 6)
    truth = [rng.randint(1, K) for _ in range(I)]
    acc = [rng.uniform(0.4, 0.95) for _ in range(R)]
    votes = []
    for i in range(I):
        if rng.random() < 0.08:
            continue                                  # an unrated item
        for k in range(R):
            if rng.random() < 0.3:
                continue
            for _ in range(2 if rng.random() < 0.1 else 1):
                lab = truth[i] if rng.random() < acc[k] else rng.randint(1, K)
                votes.append((i, k, lab))
    narrow = R
    for i in range(I, I + 3):                         # unanimous items only he sees
        votes += [(i, 0, 1), (i, narrow, 1)]
    clamp = {i: truth[i] for i in range(I) if rng.random() < 0.1}
    rng.shuffle(votes)
    return Data(K, I + 3, R + 1, votes, clamp)


def check_fixed_iterations(driver, name, d, min_posterior=0.5):
    for k in (0, 1, 2):
        compare("%s K=%d" % (name, k), d, run_driver(driver, d, k, 1e-10, min_posterior),
                fit(d, k, 1e-10), min_posterior)
    compare(name + " converged", d, run_driver(driver, d, 100000, 1e-10, min_posterior),
            fit(d, 100000, 1e-10), min_posterior)


def check_monotone(driver, name, d):
    lls = [run_driver(driver, d, k)["log_likelihood"] for k in range(0, 12)]
    rises = all(b >= a - 1e-9 * max(1, abs(a)) for a, b in zip(lls, lls[1:]))
    check(name + ": log-likelihood never falls", rises, str(lls))


def check_crowdkit(driver, data_dir):
    d = read_text(data_dir + "/crowdkit_toy.txt")
    want = json.load(open(data_dir + "/crowdkit_toy_expected.json"))
    atol = want["atol"]
    for k, exp in want["iterations"].items():
        got = run_driver(driver, d, int(k))
        for key, ours in (("posterior", "posterior"), ("priors", "priors"), ("errors", "confusion")):
            w = worst(got[ours], exp[key])
            check("crowd-kit K=%s: %s within %g" % (k, key, atol), w <= atol, "off by %.3g" % w)
        tie_free = [lab if not tied else 0 for lab, tied in zip(exp["labels"], got["tied"])]
        check("crowd-kit K=%s: labels (ties reported, not broken)" % k, got["label"] == tie_free,
              "%s, want %s" % (got["label"], tie_free))
    got = run_driver(driver, d, 100000)
    check("crowd-kit converged: ground truth", got["label"] == want["converged_labels"],
          "%s" % got["label"])
    d.clamp = {int(i): lab for i, lab in want["gold"].items()}
    for k in (0, 1, 2, 100000):
        got = run_driver(driver, d, k)
        gold_ok = all(got["posterior"][i][lab - 1] == 1.0 for i, lab in d.clamp.items())
        sums = all(abs(sum(row) - 1) < 1e-12 for row in got["posterior"])
        check("crowd-kit gold K=%d: clamped posteriors 1, rows sum to 1" % k, gold_ok and sums)
        compare("crowd-kit gold K=%d" % k, d, got, fit(d, k, 1e-10), 0.0)
    check("crowd-kit gold converged: ground truth", got["label"] == want["converged_labels"])


def check_anaesthetists(driver, data_dir):
    fixed = {}
    for which in ("dallascard", "rater"):
        d = read_text(data_dir + "/anaesthetist_%s.txt" % which)
        name = "anaesthetists (%s)" % which
        check(name + ": 315 or 315 votes", len(d.votes) == 315 and d.I == 45)
        check_fixed_iterations(driver, name, d)
        got = run_driver(driver, d, 100000)
        fixed[which] = got
        hard = fit(d, 100000, 1e-10, init="majority")
        moved = [i for i in range(45)
                 if settled(hard["posterior"][i], 0) != got["label"][i]]
        check(name + ": hard-majority init reaches another, lower optimum",
              hard["log_likelihood"] < got["log_likelihood"] - 1e-6 and moved,
              "hard %.9f vs %.9f, patients %s" % (hard["log_likelihood"], got["log_likelihood"], moved))
        check(name + ": converged", got["converged"] == 1)
    check("the two transcriptions give different fixed points",
          worst(fixed["dallascard"]["posterior"], fixed["rater"]["posterior"]) > 1e-3)


def main():
    driver, data_dir = sys.argv[1], sys.argv[2]
    check_crowdkit(driver, data_dir)
    check_anaesthetists(driver, data_dir)
    for seed in range(12):
        d = random_case(seed)
        check_fixed_iterations(driver, "random %d (K=%d, %d items, %d raters)" % (seed, d.K, d.I, d.R), d)
        if seed < 4:
            check_monotone(driver, "random %d" % seed, d)
    # an item with 1,500 votes: its products underflow, the E-step of that
    # item must go through logs; a scale of 10 labels (logs only)
    d = random_case(100)
    rng = random.Random(7)
    d = Data(d.K, d.I + 1, d.R, d.votes + [(d.I, k % d.R, rng.randint(1, d.K)) for k in range(1500)],
             d.clamp)
    check_fixed_iterations(driver, "an item with 1,500 votes", d)
    rng = random.Random(8)
    truth = [rng.randint(1, 10) for _ in range(80)]
    votes = [(i, k, truth[i] if rng.random() < 0.7 else rng.randint(1, 10))
             for i in range(80) for k in range(4) if rng.random() < 0.8]
    check_fixed_iterations(driver, "ten labels", Data(10, 80, 4, votes, {3: truth[3]}))
    # one label, one item, a clamp on an unrated item, a rater with no votes
    d = Data(1, 2, 2, [(0, 0, 1), (0, 0, 1)])
    check_fixed_iterations(driver, "one label", d, 0.0)
    d = Data(3, 4, 3, [(0, 0, 2), (0, 1, 3), (1, 0, 2)], {3: 1})
    check_fixed_iterations(driver, "sparse with an unrated clamp", d)
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
