#!/usr/bin/python3
"""make_reference.py - writes reference.json, the optima scikit-learn finds
on the CSV files of this folder (run with Debian's python3-sklearn:
/usr/bin/python3 tests/data/linmodel/make_reference.py). The test
(tests/cli/linmodel_check.py) compares gavel's fits with these values, so
that the objectives are scikit-learn's and not only this project's reading
of them. Solved far past scikit-learn's defaults (newton-cg, tol 1e-12;
Ridge's closed form) so that the values are the optimum to ~1e-9.

The CSV files were written by this script from a seeded generator the first
time; they are kept as they are."""
import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))


def make_csv(name, n, d, kind, seed):
    path = os.path.join(HERE, name)
    if os.path.exists(path):
        return path
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.choice([0.5, 2, 10], size=d) + rng.uniform(-3, 3, size=d)
    s = (X - X.mean(0)) / X.std(0) @ rng.normal(size=d) + rng.normal(size=n) * 0.8
    if kind == "binary":
        y = (s > 0.2).astype(int) + 1
    elif kind == "multinomial":
        y = np.digitize(s, [-1.2, -0.3, 0.5, 1.3]) + 1
    else:
        y = np.clip(np.round(3 + s), 1, 5)
    with open(path, "w") as f:
        f.write("y," + ",".join("x%d" % j for j in range(d)) + "\n")
        for yi, r in zip(y, X):
            f.write("%d," % yi + ",".join(repr(float(v)) for v in r) + "\n")
    return path


def objective(model, Z, y, C, alpha):
    if isinstance(model, Ridge):
        r = y - Z @ model.coef_ - model.intercept_
        return float(r @ r + alpha * model.coef_ @ model.coef_)
    S = Z @ model.coef_.T + model.intercept_
    pen = 0.5 * float((model.coef_ ** 2).sum())
    if S.shape[1] == 1:
        m = np.where(y == model.classes_[1], S[:, 0], -S[:, 0])
        return pen + C * float(np.logaddexp(0, -m).sum())
    top = S.max(1)
    lse = top + np.log(np.exp(S - top[:, None]).sum(1))
    idx = np.searchsorted(model.classes_, y)
    return pen + C * float((lse - S[np.arange(len(y)), idx]).sum())


def main():
    cases = [("binary.csv", 80, 4, "binary", 1, "logistic", 1.0),
             ("multinomial.csv", 120, 4, "multinomial", 2, "logistic", 0.5),
             ("ridge.csv", 100, 5, "ridge", 3, "ridge", 3.0)]
    out = {"source": "scikit-learn %s (numpy %s): StandardScaler, then LogisticRegression("
                     "C, solver='newton-cg', tol=1e-12, max_iter=10000) or Ridge(alpha)"
                     % (sklearn.__version__, np.__version__), "cases": []}
    for name, n, d, kind, seed, model, pen in cases:
        data = np.loadtxt(make_csv(name, n, d, kind, seed), delimiter=",", skiprows=1)
        y, X = data[:, 0], data[:, 1:]
        Z = StandardScaler().fit_transform(X)
        if model == "ridge":
            m = Ridge(alpha=pen).fit(Z, y)
            coef, intercept = [m.coef_.tolist()], [float(m.intercept_)]
        else:
            m = LogisticRegression(C=pen, solver="newton-cg", tol=1e-12, max_iter=10000).fit(Z, y)
            coef, intercept = m.coef_.tolist(), m.intercept_.tolist()
        out["cases"].append({"file": name, "model": model, "C": pen, "alpha": pen,
                             "objective": objective(m, Z, y, pen, pen),
                             "coef": coef, "intercept": intercept})
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
