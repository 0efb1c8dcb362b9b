#!/usr/bin/env python3
"""dawidskene_baseline.py - the baselines of bench_dawidskene.sh, reading the
votes file of tests/tools/dawidskene.c and printing one JSON line.

    dawidskene_baseline.py numpy FILE TOLERANCE MAX_ITERATIONS
        the same EM (vote-share start, M-step then E-step in logs, stop on
        max |change| <= tolerance, a zero-weight row uniform) vectorised with
        numpy: the fit's seconds, iterations and priors
    dawidskene_baseline.py python FILE ITERATIONS
        the pure-python reference of tests/cli/dawidskene_check.py for a few
        iterations: seconds per iteration
"""
import json
import os
import sys
import time


def read_votes(path):
    K = I = R = 0
    items, raters, labels = [], [], []
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            if w[0] == "vote":
                items.append(int(w[1]))
                raters.append(int(w[2]))
                labels.append(int(w[3]))
            elif w[0] == "labels":
                K = int(w[1])
            elif w[0] == "items":
                I = int(w[1])
            elif w[0] == "raters":
                R = int(w[1])
    return K, I, R, items, raters, labels


def numpy_fit(path, tol, max_iter):
    import numpy as np
    K, I, R, items, raters, labels = read_votes(path)
    item = np.array(items, dtype=np.int64)
    cell = np.array(raters, dtype=np.int64) * K + np.array(labels, dtype=np.int64) - 1
    start = time.perf_counter()
    counts = np.bincount(item * K + (cell % K), minlength=I * K).reshape(I, K).astype(float)
    T = counts / counts.sum(1, keepdims=True)

    def m_step(T):
        p = T.mean(0)
        S = np.empty((R * K, K))
        for j in range(K):
            S[:, j] = np.bincount(cell, weights=T[item, j], minlength=R * K)
        S = S.reshape(R, K, K)                    # [rater][observed][true]
        den = S.sum(1, keepdims=True)
        pi = np.where(den > 0, S / np.where(den > 0, den, 1), 1.0 / K)
        return p, pi

    it = 0
    while it < max_iter:
        p, pi = m_step(T)
        with np.errstate(divide="ignore"):
            logpi, logp = np.log(pi).reshape(R * K, K), np.log(p)
        contrib = logpi[cell]
        L = np.empty((I, K))
        for j in range(K):
            L[:, j] = np.bincount(item, weights=contrib[:, j], minlength=I)
        L += logp
        L -= L.max(1, keepdims=True)
        E = np.exp(L)
        new = E / E.sum(1, keepdims=True)
        delta = np.abs(new - T).max()
        T, it = new, it + 1
        if delta <= tol:
            break
    p, _ = m_step(T)
    return {"iterations": it, "seconds": time.perf_counter() - start, "priors": list(p)}


def python_fit(path, iterations):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
    import dawidskene_check as ref
    K, I, R, items, raters, labels = read_votes(path)
    d = ref.Data(K, I, R, list(zip(items, raters, labels)))
    start = time.perf_counter()
    ref.fit(d, iterations, 0.0)
    return {"iterations": iterations, "seconds": time.perf_counter() - start}


if __name__ == "__main__":
    if sys.argv[1] == "numpy":
        out = numpy_fit(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
    else:
        out = python_fit(sys.argv[2], int(sys.argv[3]))
    print(json.dumps(out))
