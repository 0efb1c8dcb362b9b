#!/usr/bin/env python3
"""train_check.py GAVEL WORKDIR - `gavel train`, `gavel score` and
`gavel export-model` end to end, as a new user loads a public dataset:
`gavel init --scale` with K labels, `gavel import-ratings` (item,rater,label;
one rater), `gavel import-features` (the same ids), then `gavel train`.

Standard library only; the database is read with Python's sqlite3 module.
Every figure is recomputed here, independently of the C code:
  - the optimum of each model (linmodel_check.py's own Newton solver and
    closed form, from the published objectives): objective to 1e-10
    relative, intercepts and coefficients by feature name to 1e-7, and the
    gradient at gavel's answer below 1e-8;
  - cross-validation: the folds stored with each row are stratified, every
    row's stored out-of-fold probabilities equal a refit here on the other
    folds (1e-7), and the figures `train --json` prints equal their
    definitions (evaluate_check.py's) on those predictions, for the scorer,
    the majority baseline and the LLM (1e-12);
  - `export-model` applied here with the formula it documents gives the
    probabilities, expected scores and labels `gavel score` recorded, to
    1e-12.
Prints "N passed, N failed".
"""
import json
import math
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate_check as ev  # noqa: E402
import linmodel_check as lm  # noqa: E402

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def gavel(*args):
    p = subprocess.run([GAVEL] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stdout, p.stderr


def rel(a, b):
    return abs(a - b) / max(1.0, abs(a), abs(b))


# ---- a dataset loaded as a user would ----

def load(name, names, X, y, llm=None, columns=None):
    """A database with the scale names, one rater's labels y, features X as
    the set 'feat', and optionally an LLM run's labels."""
    db = os.path.join(WORK, name + ".db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    columns = columns or ["x%d" % j for j in range(len(X[0]))]
    ratings = os.path.join(WORK, name + "-ratings.csv")
    with open(ratings, "w") as f:
        f.write("item,rater,label\n")
        for i, v in enumerate(y):
            f.write("it%04d,ana,%d\n" % (i, v))
        for i, v in enumerate(llm or []):
            f.write("it%04d,bot,%d\n" % (i, v))
    feats = os.path.join(WORK, name + "-features.csv")
    with open(feats, "w") as f:
        f.write("item," + ",".join(columns) + "\n")
        for i, r in enumerate(X):
            f.write("it%04d," % i + ",".join(repr(v) for v in r) + "\n")
    steps = [("init", "--db", db, "--scale", ",".join(names)),
             ("import-ratings", "--db", db) + (("--llm", "bot") if llm else ()) + (ratings,),
             ("import-features", "--db", db, "--set", "feat", feats)]
    for args in steps:
        rc, out, err = gavel(*args)
        check(rc == 0, "%s: %s failed: %s" % (name, args[0], err))
    return db


def train(db, *args):
    rc, out, err = gavel("train", "--db", db, "--json", *args)
    check(rc == 0, "train %s: exit %d: %s" % (" ".join(args), rc, err))
    return json.loads(out) if rc == 0 else None


# ---- the optimum ----

def optimum(kind, X, y, C, alpha, std=True):
    """(W, B, objective, classes, Z) by the independent solvers."""
    Z, mean, scale = lm.standardise(X, std)
    if kind == "ridge":
        W, B = lm.fit_ridge(Z, [float(v) for v in y], alpha)
        return W, B, lm.objective("ridge", Z, [float(v) for v in y], W, B, 0, alpha), None, Z
    classes = sorted(set(y))
    idx = [classes.index(v) for v in y]
    if len(classes) == 2:
        W, B = lm.fit_binary(Z, idx, C)
    else:
        W, B = lm.fit_multinomial(Z, idx, len(classes), C)
    return W, B, lm.objective("logistic", Z, idx, W, B, C, 0), classes, Z


def check_fit(name, got, kind, X, y, C=1.0, alpha=1.0, names=None, std=True):
    if not got:
        return
    W, B, obj, classes, Z = optimum(kind, X, y, C, alpha, std)
    cols = got["features"]
    check(rel(got["objective"], obj) <= 1e-10,
          "%s: objective %.17g, want %.17g" % (name, got["objective"], obj))
    check(got["gradient_norm"] <= 1e-8, "%s: gradient norm %g" % (name, got["gradient_norm"]))
    worst = 0.0
    if len(W) == 1:
        worst = max([rel(got["intercepts"][0], B[0]), rel(got["intercept"], B[0])] +
                    [rel(got["coefficients"][c], W[0][j]) for j, c in enumerate(cols)])
    else:
        for k, cls in enumerate(classes):
            label = names[cls - 1]
            worst = max([worst, rel(got["intercepts_by_label"][label], B[k]),
                         rel(got["intercepts"][k], B[k])] +
                        [rel(got["coefficients"][label][c], W[k][j]) for j, c in enumerate(cols)])
    check(worst <= 1e-7, "%s: weights differ from the optimum by %.3g" % (name, worst))
    # the gradient recomputed here at gavel's answer
    if len(W) == 1:
        GW = [[got["coefficients"][c] for c in cols]]
    else:
        GW = [[got["coefficients"][names[cls - 1]][c] for c in cols] for cls in classes]
    GB = got["intercepts"]
    yy = [float(v) for v in y] if kind == "ridge" else [classes.index(v) for v in y]
    g = lm.norm(lm.gradient("ridge" if kind == "ridge" else "logistic", Z, yy, GW, GB, C, alpha))
    check(g <= 1e-8, "%s: the gradient at gavel's answer is %.3g here" % (name, g))
    print("ok   %-44s objective %.12g, weights within %.1e" % (name, obj, worst))


# ---- cross-validation ----

def argmax_first(p):
    return max(range(len(p)), key=lambda k: (p[k], -k))


def check_cv(name, db, got, X, y, K, llm=None, C=1.0):
    """The stored out-of-fold predictions against refits here; the printed
    figures against their definitions on them."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT s.label, s.fold, s.score, s.probabilities FROM scores s JOIN items i"
                       " ON i.id = s.item_id WHERE s.model_id = ? ORDER BY i.id",
                       (got["model_id"],)).fetchall()
    con.close()
    check(len(rows) == len(y), "%s: %d out-of-fold rows for %d items" % (name, len(rows), len(y)))
    if len(rows) != len(y):
        return
    F = got["folds"]
    fold = [r[1] for r in rows]
    check([r[0] for r in rows] == list(y), "%s: the stored training labels" % name)
    ev.check_folds(name, fold, y, F, K)
    probs = [json.loads(r[3]) for r in rows]
    worst = 0.0
    base_l, base_v, base_p = [0] * len(y), [0.0] * len(y), [None] * len(y)
    for f in range(F):
        tr = [i for i in range(len(y)) if fold[i] != f]
        te = [i for i in range(len(y)) if fold[i] == f]
        _, _, pr = ev.fit_predict("logistic", [X[i] for i in tr], [y[i] for i in tr],
                                  [X[i] for i in te], C, 1.0, K)
        maj, shares, mean = ev.baseline([y[i] for i in tr], K)
        for j, i in enumerate(te):
            worst = max([worst] + [abs(a - b) for a, b in zip(probs[i], pr[j])])
            base_l[i], base_v[i], base_p[i] = maj, mean, shares
    check(worst <= 1e-7, "%s: out-of-fold probabilities differ from refits by %.3g" % (name, worst))
    labels = [1 + argmax_first(p) for p in probs]
    values = [r[2] for r in rows]
    cv = got["cross_validation"]
    for side, want in (("scorer", ev.metrics(y, labels, probs, values, K)),
                       ("baseline", ev.metrics(y, base_l, base_p, base_v, K))):
        for key, w in want.items():
            g = cv[side][key]
            check((w is None and g is None) or (w is not None and g is not None and
                                                abs(g - w) <= 1e-12 * max(1, abs(w))),
                  "%s: %s %s is %r, want %r" % (name, side, key, g, w))
    if llm:
        want = ev.metrics(y, llm, None, None, K)
        for key, w in want.items():
            g = cv["llm"][key]
            check((w is None and g is None) or (w is not None and g is not None and
                                                abs(g - w) <= 1e-12 * max(1, abs(w))),
                  "%s: LLM %s is %r, want %r" % (name, key, g, w))
        check(cv["llm"]["rows"] == len(y), "%s: the LLM's rows" % name)
    print("ok   %-44s out-of-fold within %.1e" % (name, worst))


# ---- export-model applied here against gavel score ----

def apply_export(model, x):
    z = [(v - m) / s for v, m, s in zip(x, model["mean"], model["scale"])]
    s = [math.fsum([b] + [c * v for c, v in zip(row, z)])
         for b, row in zip(model["intercepts"], model["coefficients"])]
    labels = model["labels"]
    if model["kind"] == "ridge":
        k = min(len(labels), max(1, math.floor(s[0] + 0.5)))  # the nearest class
        return labels[k - 1], labels[0] + s[0] - 1, None
    if model["kind"] == "logistic":
        p1 = lm.sigmoid(s[0])
        p = [lm.sigmoid(-s[0]), p1]
    else:
        top = max(s)
        e = [math.exp(v - top) for v in s]
        total = math.fsum(e)
        p = [v / total for v in e]
    best = argmax_first(p)
    return labels[best], math.fsum(pk * lk for pk, lk in zip(p, labels)), p


def check_export(name, db, model_id, X):
    rc, out, err = gavel("export-model", "--db", db, str(model_id))
    check(rc == 0, "%s: export-model: %s" % (name, err))
    rc2, _, err2 = gavel("score", "--db", db, "--model", str(model_id), "-q")
    check(rc2 == 0, "%s: score: %s" % (name, err2))
    if rc or rc2:
        return
    model = json.loads(out)
    con = sqlite3.connect(db)
    run, = con.execute("SELECT max(id) FROM runs WHERE provider = 'scorer'").fetchone()
    preds = con.execute("SELECT p.label, p.score, p.confidence, p.raw_reply FROM predictions p"
                        " JOIN items i ON i.id = p.item_id WHERE p.run_id = ? ORDER BY i.id",
                        (run,)).fetchall()
    provider, = con.execute("SELECT provider FROM runs WHERE id = ?", (run,)).fetchone()
    con.close()
    check(provider == "scorer" and len(preds) == len(X), "%s: the scorer run has %d answers" % (name, len(preds)))
    worst, labels_ok = 0.0, True
    for x, (label, score, conf, reply) in zip(X, preds):
        want_label, want_score, want_p = apply_export(model, x)
        labels_ok &= label == want_label
        worst = max(worst, abs(score - want_score))
        if want_p is not None:
            got_p = list(json.loads(reply)["probabilities"].values())
            worst = max([worst, abs(conf - max(want_p))] + [abs(a - b) for a, b in zip(got_p, want_p)])
    check(labels_ok, "%s: labels from the exported model differ from gavel score's" % name)
    check(worst <= 1e-12, "%s: the exported model applied here differs by %.3g" % (name, worst))
    print("ok   %-44s export applied here within %.1e" % (name, worst))


# ---- cases ----

def main():
    global GAVEL, WORK
    GAVEL, WORK = sys.argv[1], sys.argv[2]

    # three labels: multinomial and ridge, as the held-back datasets are checked
    X, y = lm.make_case(11, 150, 4, "logistic", classes=3)
    names = ["low", "mid", "high"]
    llm = [min(3, max(1, v + (1 if i % 7 == 0 else -1 if i % 11 == 0 else 0))) for i, v in enumerate(y)]
    db = load("three", names, X, y, llm=llm)
    got = train(db, "--target", "human", "--features", "feat", "--model", "logistic", "--C", "1",
                "--folds", "0")
    check_fit("multinomial C=1 (--folds 0)", got, "logistic", X, y, names=names)
    if got:
        check(got["cross_validation"].get("scorer") is None, "--folds 0: no figures")
        check(got["rows"] == 150 and got["kind"] == "multinomial", "multinomial: rows and kind")
    got = train(db, "--target", "human", "--features", "feat", "--model", "ridge", "--alpha", "1",
                "--folds", "0")
    check_fit("ridge alpha=1 (--folds 0)", got, "ridge", X, y)
    got = train(db, "--features", "feat", "--C", "0.3", "--folds", "5", "--seed", "7")
    check_fit("multinomial C=0.3 (5 folds)", got, "logistic", X, y, C=0.3, names=names)
    if got:
        check_cv("multinomial 5-fold cross-validation", db, got, X, y, 3, llm=llm, C=0.3)
        check_export("multinomial", db, got["model_id"], X)
    got = train(db, "--features", "feat", "--model", "ridge", "--alpha", "2.5", "--folds", "0")
    if got:
        check_fit("ridge alpha=2.5", got, "ridge", X, y, alpha=2.5)
        check_export("ridge", db, got["model_id"], X)
    got = train(db, "--features", "feat", "--no-standardize", "--folds", "0")
    check_fit("multinomial on raw values", got, "logistic", X, y, names=names, std=False)

    # the LLM's score as a feature beside the set; the LLM's labels as the target
    Xl = [r + [float(v)] for r, v in zip(X, llm)]
    got = train(db, "--features", "feat,llm-score", "--folds", "0")
    check_fit("feat + llm-score", got, "logistic", Xl, y, names=names)
    if got:
        check(got["features"][-1] == "llm_score", "llm-score is the column llm_score")
    got = train(db, "--target", "llm", "--features", "feat", "--folds", "0")
    check_fit("--target llm (distilled)", got, "logistic", X, llm, names=names)

    # two labels, and a split of a longer scale
    Xb, yb = lm.make_case(12, 120, 3, "logistic", classes=2)
    db2 = load("two", ["no", "yes"], Xb, yb)
    got = train(db2, "--features", "feat", "--C", "2", "--folds", "4", "--seed", "3")
    check_fit("binary C=2", got, "logistic", Xb, yb, C=2.0)
    if got:
        check(got["kind"] == "logistic" and list(got["coefficients"]) == got["features"],
              "binary: one coefficient per feature, by name")
        check_cv("binary 4-fold cross-validation", db2, got, Xb, yb, 2, C=2.0)
        check_export("binary", db2, got["model_id"], Xb)
    Xs, ys = lm.make_case(13, 140, 3, "logistic", classes=4)
    db3 = load("four", ["a", "b", "c", "d"], Xs, ys)
    got = train(db3, "--features", "feat", "--positive-from", "3", "--folds", "0")
    check_fit("--positive-from 3", got, "logistic", Xs, [1 + (v >= 3) for v in ys])
    if got:
        check(got["label_names"] == ["below c", "c or above"], "split names %s" % got["label_names"])
        check_export("split", db3, got["model_id"], Xs)

    # refusals
    Xo, yo = lm.make_case(14, 20, 2, "logistic", classes=2)
    db4 = load("one", ["no", "yes"], Xo, [1] * len(yo))
    rc, out, err = gavel("train", "--db", db4, "--features", "feat")
    check(rc == 1 and "only one class" in err, "one class: exit %d, %s" % (rc, err.strip()))
    rc, out, err = gavel("train", "--db", db4, "--features", "nope")
    check(rc == 1 and "no feature set 'nope'" in err, "an unknown set: %s" % err.strip())
    rc, out, err = gavel("train", "--db", db4, "--features", "feat", "--folds", "1")
    check(rc == 2, "--folds 1 is a usage error")
    rc, out, err = gavel("train", "--db", db4, "--model", "ridge", "--C", "2")
    check(rc == 2, "--C with ridge is a usage error")
    rc, out, err = gavel("train", "--db", db, "--target", "llm", "--features", "feat,llm-score")
    check(rc == 1 and "llm-score" in err, "llm-score cannot predict the LLM's own labels")

    # the same data give the same model, and the same hash
    a = train(db, "--features", "feat", "--folds", "3")
    b = train(db, "--features", "feat", "--folds", "3")
    if a and b:
        check(a["data_sha256"] == b["data_sha256"] and a["coefficients"] == b["coefficients"] and
              a["cross_validation"] == b["cross_validation"], "two fits of the same data agree exactly")

    print("%d passed, %d failed" % (passed + ev.passed, failed + ev.failed))
    return 1 if failed + ev.failed else 0


if __name__ == "__main__":
    sys.exit(main())
