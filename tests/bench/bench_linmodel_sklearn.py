#!/usr/bin/python3
"""bench_linmodel_sklearn.py PREFIX ROWS COLS KIND PENALTY - scikit-learn's fit
of the data bench_linmodel wrote (PREFIX.x, PREFIX.y: float64), for
bench_linmodel.sh. Run with Debian's python3-sklearn (/usr/bin/python3).

Standardises with StandardScaler (not timed), then times the fit alone,
best of three: LogisticRegression(C=PENALTY) at its defaults (lbfgs, tol
1e-4; multinomial for more than two classes) or Ridge(alpha=PENALTY).
Prints one JSON line: wall and CPU seconds of the fastest fit, the
objective gavel minimises evaluated at scikit-learn's answer (same
formulas as docs/scorer.md), iterations, and the peak of the memory the fit
allocated (KB; tracemalloc, which sees numpy's arrays, on a fourth, untimed
fit: getrusage cannot see it, StandardScaler's copy already set the peak)."""
import json
import tracemalloc
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler


def objective(model, Z, y, penalty):
    if isinstance(model, Ridge):
        r = y - Z @ model.coef_ - model.intercept_
        return float(r @ r + penalty * model.coef_ @ model.coef_)
    S = Z @ model.coef_.T + model.intercept_
    pen = 0.5 * float((model.coef_ ** 2).sum())
    if S.shape[1] == 1:
        m = np.where(y == model.classes_[1], S[:, 0], -S[:, 0])
        return pen + penalty * float(np.logaddexp(0, -m).sum())
    top = S.max(1)
    lse = top + np.log(np.exp(S - top[:, None]).sum(1))
    idx = np.searchsorted(model.classes_, y)
    return pen + penalty * float((lse - S[np.arange(len(y)), idx]).sum())


def main():
    prefix, n, d, kind, penalty = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
    X = np.fromfile(prefix + ".x").reshape(n, d)
    y = np.fromfile(prefix + ".y")
    Z = StandardScaler().fit_transform(X)
    del X
    Z.sum()  # every page touched before the clock starts, as bench_linmodel.c does
    best = None
    for run in range(3):
        model = Ridge(alpha=penalty) if kind == "ridge" else LogisticRegression(C=penalty)
        t0, c0 = time.perf_counter(), time.process_time()
        model.fit(Z, y)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if best is None or wall < best[0]:
            best = (wall, cpu)
    tracemalloc.start()
    (Ridge(alpha=penalty) if kind == "ridge" else LogisticRegression(C=penalty)).fit(Z, y)
    grown = tracemalloc.get_traced_memory()[1] // 1024
    tracemalloc.stop()
    n_iter = int(np.max(model.n_iter_)) if getattr(model, "n_iter_", None) is not None else 0
    print(json.dumps({"seconds": best[0], "cpu_seconds": best[1],
                      "objective": objective(model, Z, y, penalty), "iterations": n_iter,
                      "fit_kb": grown}))


if __name__ == "__main__":
    main()
