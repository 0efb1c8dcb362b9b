#!/usr/bin/env python3
"""dashboard_check.py - the review dashboard's table of each rater's estimated
accuracy per label (ui/dashboard.c), read off the screen of a scripted,
headless `gavel review` (docs/review.md: --script, --dump-dir), against the
independent Dawid-Skene of dawidskene_check.py (written from the 1979 paper)
fitted on the votes this script generated: the diagonal P(says j | truly j)
of every reviewer's and the LLM's matrix, to the two decimals shown; every
rater's vote count exactly; the raters in name order with the LLM last; the
iterations the title names. The database's default settlement parameters are
the fit's (so `--set-default --max-iterations 2` shows the second iteration),
`gavel agree` shows the same numbers (and in --json, `rater_accuracy`, to
1e-9 against the reference), and on a screen too small for every rater the
reviewer chosen with v stays in view, and on 80 columns nine labels keep a
column each. The fit runs on a worker (ui/accuracyjob.c): the first frame
says it is being fitted, in the rows the table then takes (the matrix below
does not move); closing the dashboard or quitting while it runs is clean,
and opening it again fits anew.

    dashboard_check.py GAVEL WORK_DIR

Prints "ok NAME" / "not ok NAME: why"; exit status 1 if any failed.
"""
import json
import os
import random
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dawidskene_check as ref  # noqa: E402
import settle_check  # noqa: E402

results = []
HALF_CENT = 0.005 + 1e-9  # two decimals shown: the reference rounds to them


def check(name, cond, why=""):
    results.append(bool(cond))
    print(("ok " if cond else "not ok ") + name + ("" if cond else ": " + why))


def votes_with_llm(seed, reviewers, items, K):
    """Reviewers of their own accuracy, some items unrated by some, a few
    clamped by an adjudicator; an LLM answer on most items."""
    rng = random.Random(seed)
    truth = [rng.randint(1, K) for _ in range(items)]
    acc = [rng.uniform(0.45, 0.95) for _ in range(reviewers)]
    votes = [(i, k, truth[i] if rng.random() < acc[k] else rng.randint(1, K))
             for i in range(items) for k in range(reviewers) if rng.random() < 0.7]
    clamp = {i: truth[i] for i in range(items) if rng.random() < 0.08}
    llm = {i: truth[i] if rng.random() < 0.75 else rng.randint(1, K)
           for i in range(items) if rng.random() < 0.9}
    return ref.Data(K, items, reviewers, votes, clamp), llm


def with_llm(d, llm):
    """The same data with the LLM as rater d.R."""
    return ref.Data(d.K, d.I, d.R + 1, d.votes + [(i, d.R, l) for i, l in llm.items()], d.clamp)


def screens(db, keys, size="100x30"):
    """Opens the dashboard, dumps it, then presses each of keys and dumps
    again; the dumps' text in order."""
    work = os.path.dirname(db)
    lines = ["key d", "dump s0"]
    for n, key in enumerate(keys, 1):
        lines += ["key " + key, "dump s%d" % n]
    script = os.path.join(work, "script")
    with open(script, "w") as f:
        f.write("\n".join(lines + ["key q", "key q"]) + "\n")
    out = subprocess.run([settle_check.GAVEL, "review", "--db", db, "--reviewer", "viewer",
                          "--script", script, "--dump-dir", work, "--graphics", "none",
                          "--size", size], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("gavel review failed: " + out.stderr)
    texts = []
    for n in range(len(keys) + 1):
        with open(os.path.join(work, "s%d.txt" % n)) as f:
            texts.append(f.read())
    return texts


TITLE = re.compile(r"rater accuracy P\(says j\|truly j\) · Dawid-Skene, "
                   r"(\d+) iterations?(, not converged)?")


def table(screen):
    """(iterations, converged, [(rater, votes, [accuracy...])]) from a dump,
    or None when the table is not on it."""
    lines = screen.split("\n")
    for at, line in enumerate(lines):
        m = TITLE.search(line)
        if m:
            break
    else:
        return None
    rows = []
    for line in lines[at + 2:]:
        f = line.split()
        if not f or line.startswith(" reviewers "):
            break
        rows.append((f[0], int(f[1]), [float(x) for x in f[2:]]))
    return int(m.group(1)), not m.group(2), rows


def run_script(db, lines, size="100x30"):
    """Runs the script lines (then two q); the exit status and the dumps'
    text by name."""
    work = os.path.dirname(db)
    script = os.path.join(work, "script")
    with open(script, "w") as f:
        f.write("\n".join(lines + ["key q", "key q"]) + "\n")
    out = subprocess.run([settle_check.GAVEL, "review", "--db", db, "--reviewer", "viewer",
                          "--script", script, "--dump-dir", work, "--graphics", "none",
                          "--size", size], capture_output=True, text=True)
    dumps = {}
    for line in lines:
        f = line.split()
        if f[0] in ("dump", "dump-now"):
            with open(os.path.join(work, f[1] + ".txt")) as d:
                dumps[f[1]] = d.read()
    return out.returncode, dumps


FITTING = "rater accuracy: fitting Dawid-Skene…"


def row_of(screen, text):
    """The first row of the screen holding text, or None."""
    for n, line in enumerate(screen.split("\n")):
        if text in line:
            return n
    return None


def check_background(db, d, llm, want):
    """The table arrives after the first frame, in the rows kept for it."""
    rc, s = run_script(db, ["key d", "dump-now first", "dump full", "key v", "dump-now later"])
    check("the first frame says the table is being fitted",
          FITTING in s["first"] and table(s["first"]) is None, s["first"])
    compare("after the fit", table(s["full"]), d, llm, want)
    check("the fitting line is gone with the table", FITTING not in s["full"], s["full"])
    compare("after the fit, v", table(s["later"]), d, llm, want)
    check("the matrix below the table does not move when it arrives",
          row_of(s["first"], "LLM label") is not None and
          row_of(s["first"], "LLM label") == row_of(s["full"], "LLM label"),
          "%s, %s" % (row_of(s["first"], "LLM label"), row_of(s["full"], "LLM label")))
    # closed while fitting, then opened again: a fit of its own
    rc, s = run_script(db, ["key d", "key q", "dump-now closed", "key d", "dump again"])
    check("closing while it fits, then opening again: exit 0", rc == 0, "exit %d" % rc)
    check("closing while it fits: back on the review screen",
          FITTING not in s["closed"] and "LLM vs" not in s["closed"], s["closed"])
    compare("opened again", table(s["again"]), d, llm, want)
    # closing and quitting at once (the two q the script ends with): the
    # worker, stopped, is still running when the UI frees it
    rc, s = run_script(db, ["key d", "dump-now quitting"])
    check("closing and quitting while it fits: exit 0", rc == 0 and FITTING in s["quitting"],
          "exit %d" % rc)


def chosen(screen):
    m = re.search(r"^ LLM vs (\S+) · ", screen, re.M)
    return m.group(1) if m else None


def compare(name, got, d, llm, want):
    """got: table(); want: ref.fit() of with_llm(d, llm)."""
    if got is None:
        check(name + ": the table is on the screen", False, "no table")
        return
    iterations, converged, rows = got
    check(name + ": iterations", iterations == want["iterations"] and converged == want["converged"],
          "%d/%s, want %d/%s" % (iterations, converged, want["iterations"], want["converged"]))
    names = ["r%d" % k for k in range(d.R)] + ["LLM"]
    check(name + ": raters in name order, the LLM last", [r[0] for r in rows] == names,
          "%s" % [r[0] for r in rows])
    counts = [sum(1 for v in d.votes if v[1] == k) for k in range(d.R)] + [len(llm)]
    check(name + ": every rater's votes", [r[1] for r in rows] == counts,
          "%s, want %s" % ([r[1] for r in rows], counts))
    worst, where = 0.0, ""
    for k, row in enumerate(rows[:d.R + 1]):
        diag = [want["confusion"][k][j][j] for j in range(d.K)]
        if len(row[2]) != d.K:
            worst, where = 1.0, "%s shows %d labels" % (row[0], len(row[2]))
            break
        for j in range(d.K):
            if abs(row[2][j] - diag[j]) > worst:
                worst, where = abs(row[2][j] - diag[j]), "%s label %d: %.2f, want %.6f" % (
                    row[0], j + 1, row[2][j], diag[j])
    check(name + ": every accuracy is the matrix's diagonal, to the decimals shown",
          worst <= HALF_CENT, where)


def agree_rows(db):
    """`gavel agree`'s accuracy lines: {rater: [accuracy...]}."""
    out = subprocess.run([settle_check.GAVEL, "agree", "--db", db, "--no-ci"], capture_output=True,
                         text=True).stdout
    rows, on = {}, False
    for line in out.split("\n"):
        if line.startswith("Estimated accuracy per label"):
            on = True
        elif on and line.strip() and not line.split()[0] == "rater":
            f = line.split()
            llm = len(f) > 1 and f[1] == "(LLM)"
            rows["LLM" if llm else f[0]] = [float(x) for x in f[3 if llm else 2:]]
    return rows


def check_agree_json(name, db, d, llm, want):
    """`gavel agree --json`'s rater_accuracy against the reference."""
    out = subprocess.run([settle_check.GAVEL, "agree", "--db", db, "--no-ci", "--json"],
                         capture_output=True, text=True)
    acc = json.loads(out.stdout).get("rater_accuracy") or {}
    raters = acc.get("raters", [])
    names = [(r["rater"], r["llm"]) for r in raters]
    check(name + ": agree --json names the raters, the LLM last",
          names == [("r%d" % k, False) for k in range(d.R)] + [("llm", True)], "%s" % names)
    check(name + ": agree --json iterations", acc.get("iterations") == want["iterations"]
          and acc.get("converged") == want["converged"], "%s" % acc.get("iterations"))
    counts = [sum(1 for v in d.votes if v[1] == k) for k in range(d.R)] + [len(llm)]
    check(name + ": agree --json votes", [r["votes"] for r in raters] == counts)
    worst = max([abs(r["accuracy"][j] - want["confusion"][k][j][j])
                 for k, r in enumerate(raters) for j in range(d.K)] or [1.0])
    check(name + ": agree --json accuracies to 1e-9", worst <= 1e-9, "off by %.3g" % worst)


def main():
    settle_check.GAVEL, settle_check.WORK = sys.argv[1], sys.argv[2]
    d, llm = votes_with_llm(5, 4, 60, 4)
    db = settle_check.make_db("dash", d, llm, d.clamp)
    full = with_llm(d, llm)
    want = ref.fit(full, 1000, 1e-10)
    shown = screens(db, ["v", "v"])
    for n, screen in enumerate(shown):
        compare("default rule, screen %d" % n, table(screen), d, llm, want)
    check("v moves to the next reviewer", [chosen(s) for s in shown] == [None, "r0", "r1"],
          "%s" % [chosen(s) for s in shown])
    ag = agree_rows(db)
    same = {r[0]: r[2] for r in table(shown[0])[2]} == ag
    check("gavel agree shows the same accuracies", same, "%s" % ag)
    check_agree_json("default rule", db, d, llm, want)
    check_background(db, d, llm, want)

    # the database's default parameters are the fit's
    settle_check.gavel("settle", "--db", db, "--set-default", "--rule", "dawid-skene",
                       "--max-iterations", "2", "--min-posterior", "0.8")
    compare("--set-default --max-iterations 2", table(screens(db, [])[0]), d, llm,
            ref.fit(full, 2, 1e-10))
    check_agree_json("--set-default --max-iterations 2", db, d, llm, ref.fit(full, 2, 1e-10))

    # nine reviewers on a small screen: a window of them, the chosen in view
    d, llm = votes_with_llm(9, 9, 40, 3)
    db = settle_check.make_db("many", d, llm, d.clamp)
    full = with_llm(d, llm)
    want = ref.fit(full, 1000, 1e-10)
    shown = screens(db, ["v"] * 9, size="100x24")
    missing, bad = [], []
    for n, screen in enumerate(shown):
        got = table(screen)
        if got is None:
            missing.append(n)
            continue
        rows = got[2]
        who = chosen(screen)
        if who and who not in [r[0] for r in rows]:
            missing.append("%s not shown on screen %d" % (who, n))
        if rows[-1][0] != "LLM" or len(rows) >= 10:
            missing.append("screen %d: %s" % (n, [r[0] for r in rows]))
        for row in rows:
            k = d.R if row[0] == "LLM" else int(row[0][1:])
            diag = [want["confusion"][k][j][j] for j in range(d.K)]
            if len(row[2]) != d.K or max(abs(a - b) for a, b in zip(row[2], diag)) > HALF_CENT:
                bad.append("%s on screen %d" % (row[0], n))
    check("a small screen: a window of reviewers with the chosen one, the LLM last",
          not missing, "; ".join(str(m) for m in missing))
    check("a small screen: every row shown is right", not bad, "; ".join(bad))
    check("a small screen says which raters it shows",
          re.search(r"reviewers 1-\d+ of 9 shown; v moves through them", shown[0]) is not None,
          shown[0])

    # nine labels on an 80-column screen: every label keeps its column
    d, llm = votes_with_llm(11, 2, 50, 9)
    db = settle_check.make_db("nine", d, llm, d.clamp)
    want = ref.fit(with_llm(d, llm), 1000, 1e-10)
    got = table(screens(db, [], size="80x24")[0])
    compare("nine labels at 80 columns", got, d, llm, want)

    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
