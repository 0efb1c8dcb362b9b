#!/usr/bin/env python3
"""evaluate_check.py DRIVER WORKDIR - cross-validation of the linear scorer
against an independent computation.

Standard library only. For each generated case the script runs DRIVER
(build/tools/evaluate_run) and checks, from the definitions in
docs/scorer.md and not from the C code:
  - the folds: sizes within one of each other, each label's rows spread
    within one across folds, the same bytes for the same seed, other folds
    for another seed;
  - every row's out-of-fold probabilities, value and label, by refitting
    each training fold with linmodel_check.py's own Newton / closed-form
    solvers (1e-7), including a training fold that lacks a label (its
    probability is 0) and one that holds a single label (a constant
    prediction);
  - accuracy, macro-F1 (scikit-learn's average="macro"), quadratic-weighted
    kappa over the whole scale (exact fractions), log-loss (probabilities
    clipped to 1e-15) and MAE of those predictions, and of the baseline (the
    training fold's majority label, label shares and mean label), to 1e-12;
  - folds 0 and bad arguments.
Ends with "N passed, N failed".
"""
import json
import math
import os
import random
import subprocess
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linmodel_check as lm  # noqa: E402 (the independent solvers)

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run(driver, args, path):
    p = subprocess.run([driver] + args + [path], stdout=subprocess.PIPE, text=True)
    return p.returncode, p.stdout


# ---- the figures, from their definitions ----

def metrics(truth, pred, prob, value, K):
    n = len(truth)
    out = {"accuracy": sum(t == p for t, p in zip(truth, pred)) / n}
    f1 = []
    for k in range(1, K + 1):
        tp = sum(t == k and p == k for t, p in zip(truth, pred))
        fp = sum(t != k and p == k for t, p in zip(truth, pred))
        fn = sum(t == k and p != k for t, p in zip(truth, pred))
        if tp + fp + fn:
            f1.append(2 * tp / (2 * tp + fp + fn))
    out["macro_f1"] = sum(f1) / len(f1)
    out["kappa_quadratic"] = qwk(truth, pred, K)
    if prob is None:
        out["log_loss"] = None
    else:
        eps = 1e-15
        out["log_loss"] = math.fsum(-math.log(min(max(p[t - 1], eps), 1 - eps))
                                    for t, p in zip(truth, prob)) / n
    v = value if value is not None else pred
    out["mae"] = math.fsum(abs(a - t) for a, t in zip(v, truth)) / n
    return out


def qwk(a, b, K):
    n = len(a)
    if n < 2 or len(set(a)) < 2 or len(set(b)) < 2:
        return None
    ra = [a.count(k) for k in range(1, K + 1)]
    cb = [b.count(k) for k in range(1, K + 1)]
    obs = sum(Fraction((x - y) ** 2) for x, y in zip(a, b)) / n
    exp = sum(Fraction((i - j) ** 2 * ra[i - 1] * cb[j - 1])
              for i in range(1, K + 1) for j in range(1, K + 1)) / (n * n)
    return float(1 - obs / exp)


def compare_metrics(name, got, want):
    for key, w in want.items():
        g = got.get(key)
        if w is None:
            check(g is None and got.get(key + "_why"), "%s: %s should be undefined, got %r" % (name, key, g))
        else:
            check(g is not None and abs(g - w) <= 1e-12 * max(1, abs(w)),
                  "%s: %s is %r, want %r" % (name, key, g, w))


# ---- refitting each fold ----

def fit_predict(kind, Xtr, ytr, Xte, C, alpha, K):
    """Out-of-fold (labels, values, probs) for Xte by the independent solvers."""
    Z, mean, scale = lm.standardise(Xtr, True)
    zero = [lm.var_is_zero(Xtr, j, mean[j]) for j in range(len(mean))]

    def z_of(r):
        return [0.0 if zero[j] else (v - mean[j]) / scale[j] for j, v in enumerate(r)]

    if kind == "ridge":
        W, B = lm.fit_ridge(Z, [float(v) for v in ytr], alpha)
        values = [lm.scores(W, B, z_of(r))[0] for r in Xte]
        labels = [min(K, max(1, math.floor(v + 0.5))) for v in values]
        return labels, values, None
    classes = sorted(set(ytr))
    if len(classes) == 1:
        only = classes[0]
        probs = [[1.0 if k == only else 0.0 for k in range(1, K + 1)] for _ in Xte]
        return [only] * len(Xte), [float(only)] * len(Xte), probs
    idx = [classes.index(v) for v in ytr]
    if len(classes) == 2:
        W, B = lm.fit_binary(Z, idx, C)
    else:
        W, B = lm.fit_multinomial(Z, idx, len(classes), C)
    labels, values, probs = [], [], []
    for r in Xte:
        s = lm.scores(W, B, z_of(r))
        if len(s) == 1:
            p = [lm.sigmoid(-s[0]), lm.sigmoid(s[0])]
        else:
            top = lm.lse(s)
            p = [math.exp(v - top) for v in s]
        full = [0.0] * K
        for c, pc in zip(classes, p):
            full[c - 1] = pc
        best = max(range(len(p)), key=lambda c: (p[c], -c))
        labels.append(classes[best])
        values.append(math.fsum(pc * c for pc, c in zip(p, classes)))
        probs.append(full)
    return labels, values, probs


def baseline(train_labels, K):
    counts = [train_labels.count(k) for k in range(1, K + 1)]
    majority = 1 + max(range(K), key=lambda k: (counts[k], -k))
    n = len(train_labels)
    shares = [c / n for c in counts]
    return majority, shares, math.fsum(s * (k + 1) for k, s in enumerate(shares))


# ---- cases ----

def make(seed, n, d, K, used, singles=()):
    rng = random.Random(seed)
    w = [rng.gauss(0, 1) for _ in range(d)]
    X, y = [], []
    for i in range(n):
        r = [rng.gauss(0, 1) * (j + 1) + j for j in range(d)]
        s = math.fsum(wj * (v - j) / (j + 1) for j, (wj, v) in enumerate(zip(w, r))) + rng.gauss(0, 0.7)
        pos = min(len(used) - 1, max(0, int((s + 1.5) / 3 * len(used))))
        X.append(r)
        y.append(used[pos])
    for i, label in enumerate(singles):
        y[i] = label
    return X, y


def check_folds(name, fold, y, F, K):
    sizes = [fold.count(f) for f in range(F)]
    check(max(sizes) - min(sizes) <= 1, "%s: fold sizes %s" % (name, sizes))
    for k in range(1, K + 1):
        per = [sum(1 for f, v in zip(fold, y) if f == g and v == k) for g in range(F)]
        check(max(per) - min(per) <= 1, "%s: label %d spread over folds as %s" % (name, k, per))


def check_case(driver, work, name, kind, seed, n, d, K, used, F, C=1.0, alpha=1.0, singles=()):
    X, y = make(seed, n, d, K, used, singles)
    path = os.path.join(work, "eval%d.csv" % seed)
    lm.write_csv(path, X, y)
    args = ["--levels", str(K), "--folds", str(F), "--seed", "42", "--model", kind,
            "--C", repr(C), "--alpha", repr(alpha)]
    rc, out = run(driver, args, path)
    check(rc == 0, "%s: exit %d: %s" % (name, rc, out))
    if rc != 0:
        return
    got = json.loads(out)
    rc2, out2 = run(driver, args, path)
    check(out == out2, "%s: the same seed printed different bytes" % name)
    rc3, out3 = run(driver, args[:5] + ["43"] + args[6:], path)
    check(json.loads(out3)["fold"] != got["fold"], "%s: seed 43 gave the folds of seed 42" % name)
    fold = got["fold"]
    check_folds(name, fold, y, F, K)
    labels, values, probs = [0] * n, [0.0] * n, [None] * n
    base_l, base_v, base_p = [0] * n, [0.0] * n, [None] * n
    for f in range(F):
        tr = [i for i in range(n) if fold[i] != f]
        te = [i for i in range(n) if fold[i] == f]
        lab, val, pr = fit_predict(kind, [X[i] for i in tr], [y[i] for i in tr],
                                   [X[i] for i in te], C, alpha, K)
        maj, shares, mean = baseline([y[i] for i in tr], K)
        for j, i in enumerate(te):
            labels[i], values[i] = lab[j], val[j]
            probs[i] = pr[j] if pr else None
            base_l[i], base_v[i], base_p[i] = maj, mean, shares
    worst = max(abs(a - b) for a, b in zip(got["oof_value"], values))
    if kind == "logistic":
        worst = max([worst] + [abs(a - b) for ga, gb in zip(got["oof_prob"], probs) for a, b in zip(ga, gb)])
    check(worst <= 1e-7, "%s: out-of-fold predictions differ by %.3g" % (name, worst))
    check(got["oof_label"] == labels, "%s: out-of-fold labels differ" % name)
    prob_c = got["oof_prob"] if kind == "logistic" else None
    compare_metrics(name + " scorer", got["scorer"],
                    metrics(y, got["oof_label"], prob_c, got["oof_value"], K))
    compare_metrics(name + " baseline", got["baseline"],
                    metrics(y, base_l, base_p if kind == "logistic" else None, base_v, K))
    print("ok   %-40s predictions within %.1e" % (name, worst))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: evaluate_check.py DRIVER WORKDIR")
    driver, work = sys.argv[1], sys.argv[2]
    check_case(driver, work, "multinomial, level 3 unused", "logistic", 1, 150, 3, 5, [1, 2, 4, 5], 4)
    check_case(driver, work, "binary", "logistic", 2, 120, 2, 2, [1, 2], 5, C=0.5)
    check_case(driver, work, "ridge", "ridge", 3, 150, 3, 5, [1, 2, 3, 4, 5], 3, alpha=2.0)
    check_case(driver, work, "a label with one row", "logistic", 4, 90, 2, 3, [2, 3], 3, singles=(1,))
    check_case(driver, work, "two labels, one with one row", "logistic", 5, 60, 2, 2, [2], 3, singles=(1,))
    X, y = make(6, 40, 2, 3, [1, 2, 3])
    path = os.path.join(work, "eval6.csv")
    lm.write_csv(path, X, y)
    rc, out = run(driver, ["--levels", "3", "--folds", "0"], path)
    got = json.loads(out)
    check(rc == 0 and got["fold"] == [] and got["scorer"]["accuracy"] is None
          and "no cross-validation" in got["scorer"]["accuracy_why"], "folds 0: %s" % out[:200])
    for bad in (["--folds", "1"], ["--folds", "41"]):
        rc, out = run(driver, ["--levels", "3"] + bad, path)
        check(rc == 1 and "folds must be 2" in out, "%s: %s" % (bad, out))
    rc, out = run(driver, ["--levels", "2", "--folds", "3"], path)
    check(rc == 1 and "outside the scale 1..2" in out, "label 3 on a 2-level scale: %s" % out)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
