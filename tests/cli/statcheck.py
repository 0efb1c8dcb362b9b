"""statcheck.py - what the independent checkers of compare_check.py and
ppi_check.py share: reading the C driver's JSON, comparing numbers, the
standard normal (Python's statistics.NormalDist, Wichura's AS241), and a
report of one line per group of checks: "ok GROUP (N values)" or
"FAIL GROUP: what differed". Standard library only.
"""
import json
import math
import subprocess
from statistics import NormalDist

NORMAL = NormalDist()


def z_quantile(p):
    return NORMAL.inv_cdf(p)


def phi(x):
    """The standard normal distribution function, accurate in the tails."""
    return 0.5 * math.erfc(-x / math.sqrt(2))


def run_driver(driver, text):
    """Feeds text to the driver; returns its JSON lines, parsed."""
    out = subprocess.run([driver], input=text, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{driver} exited {out.returncode}: {out.stderr.strip()}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


class Group:
    """Counts comparisons of one group and remembers the first mismatches."""

    def __init__(self, name):
        self.name, self.values, self.bad = name, 0, []

    def near(self, what, got, want, tol=1e-9, rel=False):
        """got == want within tol (absolute, or relative to |want| if rel);
        None on both sides means both undefined."""
        self.values += 1
        if got is None or want is None:
            if got is not None or want is not None:
                self.bad.append(f"{what}: got {got}, want {want}")
            return
        scale = max(abs(want), 1e-300) if rel else 1.0
        if not abs(got - want) <= tol * scale:
            self.bad.append(f"{what}: got {got!r}, want {want!r} (diff {got - want:.3g})")

    def equal(self, what, got, want):
        self.values += 1
        if got != want:
            self.bad.append(f"{what}: got {got!r}, want {want!r}")

    def true(self, what, cond):
        self.values += 1
        if not cond:
            self.bad.append(what)

    def report(self):
        if self.bad:
            print(f"FAIL {self.name}: " + "; ".join(self.bad[:8]) +
                  (f" (and {len(self.bad) - 8} more)" if len(self.bad) > 8 else ""))
            return False
        print(f"ok {self.name} ({self.values} values)")
        return True
