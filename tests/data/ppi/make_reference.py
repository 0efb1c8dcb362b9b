#!/usr/bin/env python3
"""make_reference.py PPI_PY_DIR > reference.json - runs the reference
implementation, aangelopoulos/ppi_py (commit bd90caad, MIT), on count-table
cases and stores what it computes: the fixture tests/cli/ppi_check.py checks
gavel against. Not run by the tests (it needs numpy and ppi_py's sources).

ppi_py imports numba, scipy, statsmodels, sklearn and pandas at the top of
its modules; none of them enters the mean estimators except two functions,
given here by their definitions: scipy.stats.norm.ppf (as Python's
statistics.NormalDist.inv_cdf: both are Wichura's AS241) and statsmodels'
_zconfint_generic (two-sided: mean -+ norm.ppf(1 - alpha / 2) * std_mean).
The rest are stubbed. ppi_mean_ci, ppi_mean_pointestimate, _calc_lam_glm,
construct_weight_vector and classical_mean_ci run unmodified.
"""
import json
import sys
import types
from statistics import NormalDist
from unittest import mock

import numpy as np


def stub(name, **attrs):
    m = mock.MagicMock(name=name)
    for k, v in attrs.items():
        setattr(m, k, v)
    sys.modules[name] = m


class norm:
    @staticmethod
    def ppf(p):
        return NormalDist().inv_cdf(float(p))


def zconfint(mean, std_mean, alpha, alternative):
    z = norm.ppf(1 - alpha / 2.0)
    return mean - z * std_mean, mean + z * std_mean


stub("numba", njit=lambda *a, **k: a[0] if a and callable(a[0]) else (lambda f: f))
for name in ("scipy", "scipy.optimize", "scipy.special", "statsmodels", "statsmodels.regression",
             "statsmodels.regression.linear_model", "statsmodels.stats", "sklearn",
             "sklearn.linear_model", "sklearn.isotonic", "pandas"):
    stub(name)
stub("scipy.stats", norm=norm, binom=None)
stub("statsmodels.stats.weightstats", _zconfint_generic=zconfint, _zstat_generic=None,
     _zstat_generic2=None)
sys.path.insert(0, sys.argv[1])
pkg = types.ModuleType("ppi_py")
pkg.__path__ = [sys.argv[1] + "/ppi_py"]
sys.modules["ppi_py"] = pkg
from ppi_py.ppi import _calc_lam_glm, ppi_mean_ci, ppi_mean_pointestimate  # noqa: E402
from ppi_py.baselines import classical_mean_ci  # noqa: E402

# Each case: K labels; audited cells [human, llm, weight, count]; cells
# outside the audit [llm, weight, count]; alpha.
CASES = [
    ("binary", 2, [[1, 1, 1, 40], [1, 2, 1, 5], [2, 1, 1, 10], [2, 2, 1, 45]],
     [[1, 1, 600], [2, 1, 400]], 0.1),
    ("binary_accurate_llm", 2, [[1, 1, 1, 180], [1, 2, 1, 9], [2, 1, 1, 6], [2, 2, 1, 105]],
     [[1, 1, 6200], [2, 1, 3500]], 0.05),
    ("binary_useless_llm", 2, [[1, 1, 1, 30], [1, 2, 1, 28], [2, 1, 1, 31], [2, 2, 1, 33]],
     [[1, 1, 900], [2, 1, 1000]], 0.1),
    ("three_labels", 3, [[1, 1, 1, 50], [1, 2, 1, 8], [1, 3, 1, 2], [2, 1, 1, 6], [2, 2, 1, 70],
                         [2, 3, 1, 9], [3, 1, 1, 1], [3, 2, 1, 12], [3, 3, 1, 42]],
     [[1, 1, 2100], [2, 1, 3300], [3, 1, 1600]], 0.1),
    ("five_labels", 5, [[h, l, 1, c] for h, l, c in
                        [(1, 1, 20), (1, 2, 4), (2, 1, 3), (2, 2, 25), (2, 3, 5), (3, 2, 6),
                         (3, 3, 30), (3, 4, 4), (4, 3, 2), (4, 4, 22), (4, 5, 6), (5, 4, 3),
                         (5, 5, 15), (1, 5, 1), (5, 1, 1)]],
     [[1, 1, 800], [2, 1, 1300], [3, 1, 1500], [4, 1, 1100], [5, 1, 700]], 0.05),
    ("stratified_binary", 2, [[1, 1, 4.0, 30], [2, 1, 4.0, 20], [1, 2, 20.0, 8],
                              [2, 2, 20.0, 42]],
     [[1, 1.0 / (1 - 0.25), 150], [2, 1.0 / (1 - 0.05), 950]], 0.1),
    ("stratified_three", 3, [[1, 1, 5.0, 40], [2, 1, 5.0, 6], [3, 1, 5.0, 4], [1, 2, 10.0, 5],
                             [2, 2, 10.0, 38], [3, 2, 10.0, 7], [2, 3, 25.0, 3],
                             [3, 3, 25.0, 37]],
     [[1, 1.25, 200], [2, 1 / 0.9, 450], [3, 1 / 0.96, 960]], 0.05),
]


def expand(cells_l, cells_u, K):
    Y, Yh, w, Yu, wu = [], [], [], [], []
    for h, l, wt, c in cells_l:
        for _ in range(c):
            Y.append([float(h == k) for k in range(1, K + 1)])
            Yh.append([float(l == k) for k in range(1, K + 1)])
            w.append(wt)
    for l, wt, c in cells_u:
        for _ in range(c):
            Yu.append([float(l == k) for k in range(1, K + 1)])
            wu.append(wt)
    return np.array(Y), np.array(Yh), np.array(w), np.array(Yu), np.array(wu)


def tuned_lambda(Y, Yh, Yu, w, wu, d):
    # as ppi_mean_ci does when lam is None
    n, N = Y.shape[0], Yu.shape[0]
    w = w / w.sum() * n
    wu = wu / wu.sum() * N
    w, wu = w[:, None], wu[:, None]
    t = ppi_mean_pointestimate(Y, Yh, Yu, lam=1, w=w, w_unlabeled=wu)
    return _calc_lam_glm(w * (Y - t), w * (Yh - t), wu * (Yu - t), np.eye(d), clip=True)


out = []
for name, K, cl, cu, alpha in CASES:
    Y, Yh, w, Yu, wu = expand(cl, cu, K)
    weighted = len(set(w)) > 1 or len(set(wu)) > 1
    kw = {"w": w, "w_unlabeled": wu} if weighted else {}
    case = {"id": name, "K": K, "alpha": alpha, "audited": cl, "outside": cu}
    lam = tuned_lambda(Y, Yh, Yu, w, wu, K)
    case["lambda"] = float(lam)
    for key, lam_arg in (("ppi", 1), ("ppi++", None)):
        lo, hi = ppi_mean_ci(Y, Yh, Yu, alpha=alpha, lam=lam_arg, **kw)
        pt = ppi_mean_pointestimate(Y, Yh, Yu, lam=lam_arg, **kw)
        case[key] = {"point": [float(x) for x in np.ravel(pt)],
                     "lo": [float(x) for x in np.ravel(lo)], "hi": [float(x) for x in np.ravel(hi)]}
    audit = [classical_mean_ci(Y[:, k], w=w if weighted else None, alpha=alpha) for k in range(K)]
    case["audit"] = {"lo": [float(a[0]) for a in audit], "hi": [float(a[1]) for a in audit]}
    out.append(case)

print(json.dumps({
    "about": "Label shares computed by the reference implementation of prediction-powered "
             "inference, aangelopoulos/ppi_py at commit bd90caad (ppi_py/ppi.py: ppi_mean_ci, "
             "ppi_mean_pointestimate, _calc_lam_glm; ppi_py/baselines.py: classical_mean_ci), "
             "numpy 1.24.2, by tests/data/ppi/make_reference.py. Labels are one-hot rows (d = K, "
             "lam_optim_mode 'overall': one lambda for all labels); 'ppi' is lam=1, 'ppi++' "
             "lam=None; 'audit' is classical_mean_ci per label. Weighted cases pass w and "
             "w_unlabeled (1/p for an audited item, 1/(1-p) for one left out).",
    "cases": out}, indent=1))
