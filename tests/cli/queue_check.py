#!/usr/bin/env python3
"""queue_check.py TOOL WORKDIR - a database made as the release before the
kept queue state (schema 4) is filled with items, LLM answers, reviews (with
undos, skips and the overlap share), scores and other reviewers' claims; then
for every queue order, seed and overlap the items the new gavel hands out (it
migrates the file on opening) must be the ones, in the order, that the old
release's SQL gives. The old SQL is copied below from db/claims.c as it was
at commit 2df1616: it is the definition of "before". Prints a line per check
and "N passed, N failed"."""
import random
import shutil
import sqlite3
import subprocess
import sys
import time

tool, work = sys.argv[1], sys.argv[2]
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


# ---- the old release's queue SQL (db/claims.c at 2df1616) ----
STANDING = lambda r: "NOT EXISTS (SELECT 1 FROM reviews x WHERE x.retracts = %s.id)" % r
LATEST_LLM = lambda col: ("(SELECT p.%s FROM predictions p WHERE p.item_id = i.id AND p.status = 'ok'"
                          " ORDER BY p.run_id DESC LIMIT 1)" % col)
FILTERS = (" AND (?5 IS NULL OR i.category = ?5)"
           " AND (?6 IS NULL OR i.title LIKE ?6 OR i.external_id LIKE ?6 OR i.metadata LIKE ?6)"
           " AND (?7 = 0 OR " + LATEST_LLM("label") + " = ?7)")
NEEDS_REVIEWER = (
    " AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.item_id = i.id AND v.reviewer = ?1"
    "   AND v.decision IN ('accept', 'override', 'skip') AND " + STANDING("v") + ")"
    " AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.item_id = i.id AND c.reviewer = ?1"
    "   AND c.expires_at > ?2)"
    " AND (SELECT count(DISTINCT v.reviewer) FROM reviews v WHERE v.item_id = i.id"
    "   AND v.reviewer <> ?1 AND v.decision IN ('accept', 'override') AND " + STANDING("v") + ")"
    " + (SELECT count(*) FROM claims c WHERE c.item_id = i.id AND c.reviewer <> ?1"
    "   AND c.expires_at > ?2)"
    "   < 1 + (((i.id * 2654435761) % 1000) < ?3)")
CANDIDATES = "SELECT i.id FROM items i WHERE i.has_image = 1" + FILTERS
OLD = {
    "unreviewed": CANDIDATES + NEEDS_REVIEWER + " AND i.id > ?4 ORDER BY i.id LIMIT 64",
    "disagreement": CANDIDATES + NEEDS_REVIEWER + " AND ?4 >= 0 AND ?8 >= 0 ORDER BY (SELECT max(abs(r.label - "
    + LATEST_LLM("label") + ")) FROM reviews r WHERE r.item_id = i.id AND r.decision IN"
    " ('accept', 'override') AND " + STANDING("r") + ") DESC NULLS LAST, i.id LIMIT 64",
    "confidence": CANDIDATES + NEEDS_REVIEWER + " AND ?4 >= 0 AND ?8 >= 0 ORDER BY " + LATEST_LLM("confidence")
    + " ASC NULLS FIRST, i.id LIMIT 64",
    "random": CANDIDATES + NEEDS_REVIEWER + " AND ?4 >= 0 ORDER BY ((i.id * 2654435761 + ?8) % 4294967291),"
    " i.id LIMIT 64",
}
# The scorer order is not compared: since migration 6 it follows the latest
# scorer run's answers, and scores hold a model's out-of-fold predictions
# (docs/scorer.md); tests/cli/test_scorer_queue.sh checks it against SQL.


def old_claims(path, reviewer, order, seed, permille, n):
    """What the old session handed out: the first candidate not already held,
    claimed (a lease row) before the next is looked for."""
    con = sqlite3.connect(path)
    held, after, now = [], 0, time.time()
    for _ in range(n):
        rows = con.execute(OLD[order], {"1": reviewer, "2": now, "3": permille, "4": after,
                                       "5": None, "6": None, "7": 0,
                                       "8": seed % 4294967291}).fetchall()
        ids = [r[0] for r in rows if r[0] not in held]
        if not ids:
            break
        held.append(ids[0])
        con.execute("INSERT INTO claims (item_id, reviewer, expires_at) VALUES (?, ?, ?)"
                    " ON CONFLICT DO UPDATE SET expires_at = excluded.expires_at",
                    (ids[0], reviewer, now + 600))
        con.commit()
        if order == "unreviewed":
            after = ids[0]
    con.close()
    return held


# ---- a database as the old release left it ----
def build(path, rng):
    subprocess.run([tool, "v4", path], check=True)
    con = sqlite3.connect(path)
    con.executescript("""
        INSERT INTO scale (value, name) VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e');
        INSERT INTO runs (id, provider, model, status) VALUES (1,'p','m','done'),(2,'p','m2','done');
        INSERT INTO scorer_models (id, kind, target, features, params) VALUES
          (1, 'ridge', 'human', '[]', '{}'), (2, 'ridge', 'human', '[]', '{}');
    """)
    n_items = 600
    for i in range(1, n_items + 1):
        con.execute("INSERT INTO items (id, external_id, path, has_image, category) VALUES (?,?,?,?,?)",
                    (i, "it%04d" % i, "/x/%d.png" % i, 0 if i % 37 == 0 else 1, "c%d" % (i % 3)))
    for run in (1, 2):
        for i in range(1, n_items + 1):
            if rng.random() < 0.8:
                ok = rng.random() < 0.9
                conf = None if rng.random() < 0.2 else round(rng.random(), 2)
                con.execute("INSERT INTO predictions (run_id, item_id, status, label, confidence)"
                            " VALUES (?,?,?,?,?)", (run, i, "ok" if ok else "parse_failed",
                                                    rng.randint(1, 5) if ok else None, conf))
    for model in (1, 2):
        for i in range(1, n_items + 1):
            if rng.random() < 0.6:
                con.execute("INSERT INTO scores (model_id, item_id, score) VALUES (?,?,?)",
                            (model, i, round(rng.random() * 5, 3)))
    reviewers = ["ana", "ben", "cay", "dee"]
    # each reviewer decides an item at most once (an undo may withdraw it):
    # the old and new definitions of a standing decision agree on such logs
    for i in range(1, n_items + 1):
        for who in rng.sample(reviewers, rng.choice([0, 0, 1, 1, 1, 2])):
            decision = rng.choice(["accept", "override", "override", "skip"])
            label = None if decision == "skip" else rng.randint(1, 5)
            cur = con.execute("INSERT INTO reviews (item_id, reviewer, decision, label) VALUES (?,?,?,?)",
                              (i, who, decision, label))
            if rng.random() < 0.1:
                con.execute("INSERT INTO reviews (item_id, reviewer, decision, retracts) VALUES (?,?,?,?)",
                            (i, who, "retract", cur.lastrowid))
    now = time.time()
    for i in rng.sample(range(1, n_items + 1), 60):   # others' leases, some expired
        con.execute("INSERT OR IGNORE INTO claims (item_id, reviewer, expires_at) VALUES (?,?,?)",
                    (i, rng.choice(["ben", "eve"]), now + (600 if rng.random() < 0.5 else -600)))
    con.commit()
    con.close()


rng = random.Random(20261206)
base = work + "/v4.db"
build(base, rng)
cases = [(order, seed, permille) for order in OLD for seed in (1, 12345, 4294967290)
         for permille in (0, 150) if order == "random" or seed == 1]
for order, seed, permille in cases:
    old_db, new_db = work + "/old.db", work + "/new.db"
    for suffix in ("", "-wal", "-shm"):
        try:
            shutil.copy(base + suffix, old_db + suffix)
            shutil.copy(base + suffix, new_db + suffix)
        except FileNotFoundError:
            pass
    want = old_claims(old_db, "ana", order, seed, permille, 700)
    got = subprocess.run([tool, "claim", new_db, "ana", order, str(seed), str(permille), "700"],
                         check=True, capture_output=True, text=True).stdout.split()
    got = [int(x) for x in got]
    check(got == want, "%s seed %d overlap %d: the same %d items in the same order (got %d; first"
          " difference at %s)" % (order, seed, permille, len(want), len(got),
                                  next((k for k, (a, b) in enumerate(zip(got, want)) if a != b),
                                       min(len(got), len(want)))))
    check(len(want) > 100, "%s: the case hands out a real queue (%d items)" % (order, len(want)))
    con = sqlite3.connect(new_db)
    check(con.execute("PRAGMA user_version").fetchone()[0] >= 5, "the file was migrated")
    con.close()

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
