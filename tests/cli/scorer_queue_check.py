#!/usr/bin/env python3
"""scorer_queue_check.py GAVEL QUEUE_ORDER WORKDIR - the scorer's queue
orders against their definitions, computed here from the raw tables (the
review log, the predictions and their replies, the out-of-fold scores) with
Python's sqlite3 and math, never from the kept queue state:

  uncertain      open items, the highest entropy -sum p ln p of the latest
                 scorer answer's probabilities first (none last), then id;
  llm-vs-scorer  open items, the largest |expected score - LLM label| first
                 (the LLM label: the latest ok answer of a labeller other
                 than the scorer), then id;
  scorer         open items, the lowest expected score first;
  suspect        the reviewer's own settled labels (accept or override,
                 every reviewer of the item agreeing, decided once), the
                 lowest out-of-fold probability of that label under the
                 latest model with out-of-fold probabilities first.

The database is built through gavel (import, import-ratings, an LLM run,
import-features, train, score); QUEUE_ORDER (build/tools/queue_order) claims
items one at a time as a session would. Checked after each change that moves
an order (a decision made twice, a newer model, a newer scorer run) and after
the queue state is rebuilt from the log. Prints "N passed, N failed".
"""
import json
import math
import os
import random
import sqlite3
import subprocess
import sys

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
    check(p.returncode == 0, "gavel %s: %s" % (" ".join(args[:2]), p.stderr.strip()))
    return p.stdout


def claimed(db, reviewer, order, n):
    p = subprocess.run([TOOL, "claim", db, reviewer, order, "1", "0", str(n)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(p.returncode == 0, "queue_order %s: %s" % (order, p.stderr.strip()))
    return [int(v) for v in p.stdout.split()]


def release(db, reviewer):
    con = sqlite3.connect(db)
    con.execute("DELETE FROM claims WHERE reviewer = ?", (reviewer,))
    con.commit()
    con.close()


# ---- the definitions, from the raw tables ----

def standing(con):
    """(item, reviewer) -> (decision, label, review id) of the latest
    accept, override or skip not retracted."""
    retracted = {r for (r,) in con.execute("SELECT retracts FROM reviews WHERE retracts IS NOT NULL")}
    out = {}
    for rid, item, who, decision, label in con.execute(
            "SELECT id, item_id, reviewer, decision, label FROM reviews"
            " WHERE decision IN ('accept', 'override', 'skip') ORDER BY id"):
        if rid not in retracted:
            out[(item, who)] = (decision, label, rid)
    return out


def latest_answers(con, scorer):
    """item -> (score, label, reply) of the latest ok answer of the scorer's
    runs (scorer) or of any other labeller's."""
    out = {}
    for item, score, label, reply in con.execute(
            "SELECT p.item_id, p.score, p.label, p.raw_reply FROM predictions p JOIN runs r"
            " ON r.id = p.run_id WHERE p.status = 'ok' AND (r.provider = 'scorer') = ?"
            " ORDER BY p.run_id", (1 if scorer else 0,)):
        out[item] = (score, label, reply)
    return out


def open_items(con, st):
    items = [i for (i,) in con.execute("SELECT id FROM items WHERE has_image ORDER BY id")]
    decided = {item for (item, who), (d, _, _) in st.items() if d in ("accept", "override")}
    return [i for i in items if i not in decided]


def entropy(reply):
    p = json.loads(reply)["probabilities"].values()
    return -math.fsum(v * math.log(v) for v in p if v > 0)


def expected(con, order, reviewer):
    st = standing(con)
    scorer = latest_answers(con, True)
    llm = latest_answers(con, False)
    far = float("inf")
    if order == "suspect":
        oof_model, = con.execute("SELECT max(id) FROM scorer_models WHERE oof_labels").fetchone()
        oof = {item: json.loads(p) for item, p in con.execute(
            "SELECT item_id, probabilities FROM scores WHERE model_id = ?", (oof_model,))}
        twice = {(item, who) for item, who in con.execute(
            "SELECT item_id, reviewer FROM reviews WHERE decision IN ('accept', 'override')"
            " GROUP BY item_id, reviewer HAVING count(*) > 1")}
        keyed = []
        for (item, who), (d, label, _) in st.items():
            if who != reviewer or d not in ("accept", "override") or item not in oof:
                continue
            labels = {l for (i, w), (dd, l, _) in st.items() if i == item and dd in ("accept", "override")}
            if len(labels) != 1 or any((item, w) in twice for (i, w) in st if i == item):
                continue
            keyed.append((oof[item][label - 1], item))
        return [item for _, item in sorted(keyed)]
    keys = []
    for item in open_items(con, st):
        if order == "uncertain":
            k = -entropy(scorer[item][2]) if item in scorer else far
        elif order == "llm-vs-scorer":
            k = (-abs(scorer[item][0] - llm[item][1]) if item in scorer and item in llm else far)
        else:
            k = scorer[item][0] if item in scorer else far
        keys.append((k, item))
    return [item for _, item in sorted(keys)]


def compare(db, order, reviewer, n, when):
    con = sqlite3.connect(db)
    want = expected(con, order, reviewer)[:n]
    con.close()
    got = claimed(db, reviewer, order, n)
    release(db, reviewer)
    first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), None)
    check(got == want, "%s, %s: %d items, want %d; first difference at %s (got %s, want %s)" % (
        order, when, len(got), len(want), first, got[first:first + 3] if first is not None else "",
        want[first:first + 3] if first is not None else ""))
    return got


def main():
    global GAVEL, TOOL
    GAVEL, TOOL, work = sys.argv[1], sys.argv[2], sys.argv[3]
    rng = random.Random(20261207)
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run([sys.executable, os.path.join(here, "..", "bench", "gen_manifest.py"), work, "240"],
                   stdout=subprocess.DEVNULL, check=True)
    db = os.path.join(work, "q.db")
    gavel("init", "--db", db)
    gavel("import", "--db", db, "-q", "--no-probe", os.path.join(work, "manifest.jsonl"))
    ids = ["item-%06d" % i for i in range(240)]
    X = [[rng.gauss(0, 1) for _ in range(3)] for _ in ids]
    truth = [min(5, max(1, round(3 + 1.2 * x[0] - 0.8 * x[1] + rng.gauss(0, 0.8)))) for x in X]
    with open(os.path.join(work, "emb.csv"), "w") as f:
        f.write("item,a,b,c\n")
        for i, x in zip(ids, X):
            f.write(i + "," + ",".join(repr(v) for v in x) + "\n")
    with open(os.path.join(work, "r.csv"), "w") as f:
        f.write("item,rater,label\n")
        for k, (i, t) in enumerate(zip(ids, truth)):
            if k % 5 < 2:                      # 40% reviewed by ana
                f.write("%s,ana,%d\n" % (i, t))
            if k % 10 == 0:                    # some also by ben, disagreeing now and then
                f.write("%s,ben,%d\n" % (i, t if k % 20 else min(5, t + 1)))
            if k % 9 != 4:                     # the LLM labels most items
                f.write("%s,bot,%d\n" % (i, min(5, max(1, t + rng.choice([-1, 0, 0, 1])))))
    gavel("import-features", "--db", db, "--set", "emb", os.path.join(work, "emb.csv"))
    gavel("import-ratings", "--db", db, "--llm", "bot", os.path.join(work, "r.csv"))
    gavel("train", "--db", db, "--features", "emb", "--folds", "4")
    gavel("score", "--db", db, "--unreviewed", "-q")
    orders = ["uncertain", "llm-vs-scorer", "scorer"]
    for order in orders:
        compare(db, order, "zed", 60, "after train and score")
    for who in ("ana", "ben"):
        compare(db, "suspect", who, 40, "%s's labels" % who)
    # ana looks at her most suspect label again: it leaves her queue
    con = sqlite3.connect(db)
    top = expected(con, "suspect", "ana")[0]
    label = standing(con)[(top, "ana")][1]
    con.execute("INSERT INTO reviews (item_id, reviewer, decision, label) VALUES (?, 'ana', 'override', ?)",
                (top, label))
    con.commit()
    con.close()
    got = compare(db, "suspect", "ana", 40, "after a label was decided again")
    check(top not in got, "a label decided again leaves the suspect order")
    # a newer model and a newer scorer run move the orders
    gavel("train", "--db", db, "--features", "emb", "--folds", "3", "--C", "0.2")
    gavel("score", "--db", db, "-q")
    for order in orders:
        compare(db, order, "zed", 60, "after a newer model")
    compare(db, "suspect", "ana", 40, "after a newer model")
    # the state rebuilt from the log gives the same orders
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER queue_on_claim")
    con.commit()
    con.close()
    for order in orders:
        compare(db, order, "zed", 60, "rebuilt from the log")
    compare(db, "suspect", "ana", 40, "rebuilt from the log")
    # claiming stays an index range scan
    con = sqlite3.connect(db)
    for column in ("uncertain_key", "split_key"):
        plan = " ".join(r[-1] for r in con.execute(
            "EXPLAIN QUERY PLAN SELECT item_id FROM item_queue WHERE open ORDER BY %s, item_id LIMIT 8" % column))
        check(("USING INDEX" in plan or "USING COVERING INDEX" in plan) and "TEMP B-TREE" not in plan, "%s: %s" % (column, plan))
    plan = " ".join(r[-1] for r in con.execute(
        "EXPLAIN QUERY PLAN SELECT item_id FROM item_queue WHERE suspect_p IS NOT NULL"
        " ORDER BY suspect_p, item_id LIMIT 8"))
    check(("USING INDEX" in plan or "USING COVERING INDEX" in plan) and "TEMP B-TREE" not in plan, "suspect: %s" % plan)
    con.close()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
