#!/usr/bin/env python3
"""export_check.py - gavel's exports checked from the outside, with the
standard library only:

  rows DB DIR [--all] [--rule R --min-reviews N --quorum Q] [--split P --seed S]
      gold.jsonl against rows rebuilt here from the database file itself
      (sqlite3): each reviewer's standing votes (repeated ratings kept),
      the standing adjudication, the latest LLM answer, the settled label
      under the rule as settle.h defines it, the split as split.h defines it
  csv DIR JSONL_DIR
      gold.csv through a strict RFC 4180 reader written here (CRLF after
      every record, quotes only around whole fields, doubled inside, no bare
      CR or LF outside them, the same field count everywhere, UTF-8), its
      records equal to the rows of JSONL_DIR/gold.jsonl (the same export)
  imagefolder DIR SCALE_NAMES...
      the Hugging Face datasets loader's rules (docs/export.md): split
      folders only train/validation/test; a metadata.jsonl in each that lists
      every image in it, by a relative file_name (no "..", not absolute, no
      scheme); nothing else in a split folder; lower-case extensions the
      loader knows; the same columns with the same JSON types in every row
      of every split; README.md's YAML with the configs and the label as a
      class label with the scale's names
  manifest DB DIR
      manifest.json's counts, agreement figures (Cohen's kappa, quadratic
      kappa, percent; Krippendorff's alpha) and content hash, recomputed here
  stable OLD_DIR NEW_DIR
      every item of the old export keeps its split in the new one

Prints "ok NAME" / "not ok NAME: why"; exit status 1 if any failed.
"""
import hashlib
import json
import math
import os
import re
import sqlite3
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from settle_check import rule_outcome  # noqa: E402
from split_check import exact_parts, part_of  # noqa: E402

results = []
IMAGE_EXTENSIONS = {".bmp", ".gif", ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".pnm", ".pbm",
                    ".pgm", ".ppm", ".webp", ".tif", ".tiff"}
COLUMNS = ["item", "image_path", "image_sha256", "title", "category", "metadata", "label",
           "label_name", "settle_rule", "settle_reason", "settle_support", "ds_posterior",
           "n_votes", "votes", "reviewed_at", "adjudicator", "adjudication_reason",
           "adjudicated_at", "llm_label", "llm_score", "llm_confidence", "llm_rationale",
           "rationale_verdict", "prompt_version", "prompt_name", "llm_model", "llm_provider",
           "llm_run", "split"]


def check(name, cond, why=""):
    results.append(bool(cond))
    print(("ok " if cond else "not ok ") + name + ("" if cond else ": " + why))


# ---- the rows, rebuilt from the database ----

def standing_votes(con):
    """{item: [vote]}: per (item, reviewer), the rows not retracted, oldest
    first; a row not marked again starts afresh, a skip empties."""
    retracted = {r[0] for r in con.execute("SELECT retracts FROM reviews WHERE retracts IS NOT NULL")}
    groups = {}
    for rid, item, who, dec, label, again, blind, t, verdict in con.execute(
            "SELECT id, item_id, reviewer, decision, label, again, blind, created_at,"
            " rationale_verdict FROM reviews WHERE decision IN ('accept', 'override', 'skip')"
            " ORDER BY item_id, reviewer, id"):
        if rid in retracted:
            continue
        g = groups.setdefault((item, who), {"chain": [], "verdict": None, "skip": False})
        if dec == "skip" or not again:
            g["chain"] = []
        g["skip"] = dec == "skip"
        g["verdict"] = verdict
        if dec != "skip":
            g["chain"].append({"reviewer": who, "label": label, "time": t, "blind": bool(blind)})
    votes = {}
    for (item, who) in sorted(groups, key=lambda k: (k[0], k[1].encode())):
        g = groups[(item, who)]
        for v in g["chain"]:
            votes.setdefault(item, []).append(dict(v, verdict=g["verdict"]))
    return votes, retracted


def adjudications(con, retracted):
    out = {}
    for rid, item, who, label, note, t in con.execute(
            "SELECT id, item_id, reviewer, label, note, created_at FROM reviews"
            " WHERE decision = 'adjudicate' ORDER BY id"):
        if rid not in retracted:
            out[item] = (who, label, note, t)
    return out


def llm_answers(con):
    """Each item's answer from its latest run with an ok one; of a run asked
    several times (--repeat), an answer of the majority label, a tie to the
    lower label, then the first sample."""
    answers = {}
    for row in con.execute(
            "SELECT p.item_id, p.run_id, p.sample, p.label, p.score, p.confidence, p.rationale,"
            " r.model, r.provider, v.hash, v.name FROM predictions p JOIN runs r ON r.id = p.run_id"
            " LEFT JOIN prompt_versions v ON v.id = r.prompt_version_id WHERE p.status = 'ok'"):
        answers.setdefault(row[0], []).append(row)
    out = {}
    for item, rows in answers.items():
        run = max(r[1] for r in rows)
        rows = [r for r in rows if r[1] == run]
        votes = {}
        for r in rows:
            votes[r[3]] = votes.get(r[3], 0) + 1
        _, run, _, label, score, conf, rationale, model, provider, h, name = min(
            rows, key=lambda r: (-votes[r[3]], r[3], r[2]))
        out[item] = dict(llm_label=label, llm_score=score, llm_confidence=conf,
                         llm_rationale=rationale, prompt_version=h, prompt_name=name,
                         llm_model=model, llm_provider=provider, llm_run=run)
    return out


def support(rule, labels, adjudicated, label, reason):
    if adjudicated:
        return 1.0
    if not labels:
        return None
    top = max(labels.count(x) for x in set(labels))
    if rule == "unanimous" and reason == "rule":
        return 1.0
    return top / len(labels)


def expected_rows(db, opts):
    con = sqlite3.connect(db)
    scale = [r[0] for r in con.execute("SELECT name FROM scale ORDER BY value")]
    votes, retracted = standing_votes(con)
    adj = adjudications(con, retracted)
    llm = llm_answers(con)
    rows = []
    for (item_id, ext, path, sha, title, cat, meta) in con.execute(
            "SELECT id, external_id, path, sha256, title, category, metadata FROM items ORDER BY id"):
        vs = votes.get(item_id, [])
        labels = [v["label"] for v in vs]
        a = adj.get(item_id)
        label, reason = rule_outcome(opts["rule"], labels, a[1] if a else 0, None,
                                     opts["min_reviews"], opts["quorum"], 0.9)
        if not label and not opts["all"]:
            continue
        times = [v["time"] for v in vs]
        verdicts = [v["verdict"] for v in vs]
        ans = llm.get(item_id, {})
        row = {"item": ext, "image_path": path, "image_sha256": sha, "title": title,
               "category": cat, "metadata": json.loads(meta), "label": label or None,
               "label_name": scale[label - 1] if label else None,
               "settle_rule": opts["rule"], "settle_reason": reason,
               "settle_support": support(opts["rule"], labels, a, label, reason),
               "ds_posterior": None, "n_votes": len(vs), "votes": vs,
               "reviewed_at": max(times) if times else None,
               "adjudicator": a[0] if a else None, "adjudication_reason": a[2] if a else None,
               "adjudicated_at": a[3] if a else None,
               "llm_label": ans.get("llm_label"), "llm_score": ans.get("llm_score"),
               "llm_confidence": ans.get("llm_confidence"),
               "llm_rationale": ans.get("llm_rationale"),
               "rationale_verdict": "flawed" if "flawed" in verdicts else "sound"
               if "sound" in verdicts else None,
               "prompt_version": ans.get("prompt_version"), "prompt_name": ans.get("prompt_name"),
               "llm_model": ans.get("llm_model"), "llm_provider": ans.get("llm_provider"),
               "llm_run": ans.get("llm_run"), "split": None}
        if row["settle_support"] == 0:
            row["settle_support"] = None
        if opts["split"]:
            percents = [int(x) for x in opts["split"].split("/")]
            row["split"] = part_of(percents, opts["seed"], sha or ext)
        row["key"] = sha or ext
        rows.append(row)
    if opts["split"] and opts["split_mode"] == "exact":
        parts = exact_parts(percents, opts["seed"], [(r["key"], r["label"] or 0) for r in rows])
        for r, p in zip(rows, parts):
            r["split"] = p
    return rows


def read_jsonl(path):
    with open(path, "rb") as f:
        data = f.read()
    lines = data.decode("utf-8").split("\n")
    check(path + " ends every line with LF", lines[-1] == "")
    # dicts keep the file's key order
    return [json.loads(line) for line in lines[:-1]]


def as_dict(row):
    return row


def cmd_rows(db, out, args):
    opts = {"all": "--all" in args, "rule": "unanimous", "min_reviews": 1, "quorum": 0.5,
            "split": None, "seed": 0, "split_mode": "stable"}
    for i, a in enumerate(args):
        if a == "--rule":
            opts["rule"] = args[i + 1]
        elif a == "--min-reviews":
            opts["min_reviews"] = int(args[i + 1])
        elif a == "--quorum":
            opts["quorum"] = float(args[i + 1])
        elif a == "--split":
            opts["split"] = args[i + 1]
        elif a == "--seed":
            opts["seed"] = int(args[i + 1])
        elif a == "--split-mode":
            opts["split_mode"] = args[i + 1]
    want = expected_rows(db, opts)
    got_pairs = read_jsonl(os.path.join(out, "gold.jsonl"))
    check("rows: one per expected item, in item order",
          [p["item"] for p in got_pairs] == [r["item"] for r in want],
          "%s vs %s" % ([p["item"] for p in got_pairs][:8], [r["item"] for r in want][:8]))
    check("rows: the documented columns, in order",
          all(list(p) == COLUMNS for p in got_pairs))
    bad = []
    for p, w in zip(got_pairs, want):
        g = as_dict(p)
        for k in COLUMNS:
            if g.get(k) != w[k]:
                bad.append("%s.%s: %r, want %r" % (w["item"], k, g.get(k), w[k]))
    check("rows: every field as the database says", not bad, "; ".join(bad[:5]))


# ---- CSV, read strictly ----

def strict_csv(data):
    """RFC 4180 section 2, strictly: returns (records, error)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, "not UTF-8: %s" % e
    records, field, record, i, n = [], [], [], 0, len(text)
    while i < n:
        if text[i] == '"':
            i += 1
            while True:
                if i >= n:
                    return None, "an unterminated quoted field"
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        field.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                field.append(text[i])
                i += 1
            if i < n and text[i] not in ",\r":
                return None, "text after a closing quote at offset %d" % i
        else:
            while i < n and text[i] not in ",\r\n":
                if text[i] == '"':
                    return None, "a quote inside an unquoted field at offset %d" % i
                field.append(text[i])
                i += 1
        record.append("".join(field))
        field = []
        if i < n and text[i] == ",":
            i += 1
            continue
        if text[i:i + 2] != "\r\n":
            return None, "a record not ended by CRLF at offset %d" % i
        records.append(record)
        record = []
        i += 2
    if record or field:
        return None, "the last record has no CRLF"
    widths = {len(r) for r in records}
    if len(widths) != 1:
        return None, "records of different lengths: %s" % sorted(widths)
    return records, None


def csv_text(value):
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cmd_csv(out, jsonl_dir):
    with open(os.path.join(out, "gold.csv"), "rb") as f:
        data = f.read()
    records, error = strict_csv(data)
    check("csv: a strict RFC 4180 reader takes it", records is not None, error or "")
    if records is None:
        return
    check("csv: the header is the column names", records[0] == COLUMNS, str(records[0]))
    rows = [as_dict(p) for p in read_jsonl(os.path.join(jsonl_dir, "gold.jsonl"))]
    check("csv: one record per JSONL row", len(records) - 1 == len(rows))
    bad = []
    for rec, row in zip(records[1:], rows):
        for k, v in zip(COLUMNS, rec):
            want = row[k]
            if k in ("metadata", "votes"):
                same = (json.loads(v) if v else None) == want
            elif isinstance(want, float):
                same = v != "" and float(v) == want
            else:
                same = v == csv_text(want)
            if not same:
                bad.append("%s.%s: %r, want %r" % (row["item"], k, v, want))
    check("csv: every field equals the JSONL's", not bad, "; ".join(bad[:5]))


# ---- the imagefolder ----

def json_type(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    return type(v).__name__


def read_metadata(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            # floats must look like floats in every row (the loader types by value)
            pairs = json.loads(line, object_pairs_hook=list, parse_float=lambda s: ("float", s),
                               parse_int=lambda s: ("int", s))
            rows.append(pairs)
    return rows


def yaml_front_matter(text):
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    return m.group(1) if m else None


def cmd_imagefolder(out, scale):
    entries = sorted(os.listdir(out))
    splits = [e for e in entries if os.path.isdir(os.path.join(out, e))]
    check("imagefolder: only train/validation/test folders",
          splits and set(splits) <= {"train", "validation", "test"}, str(splits))
    check("imagefolder: at the top only the folders, README.md and manifest.json",
          set(entries) - set(splits) == {"README.md", "manifest.json"}, str(entries))
    signatures, total = {}, 0
    for split in splits:
        folder = os.path.join(out, split)
        files = sorted(os.listdir(folder))
        images = [f for f in files if f != "metadata.jsonl"]
        check(split + ": one metadata.jsonl", "metadata.jsonl" in files)
        bad_ext = [f for f in images if os.path.splitext(f)[1] not in IMAGE_EXTENSIONS]
        check(split + ": nothing but images the loader knows, lower-case extensions",
              not bad_ext, str(bad_ext[:5]))
        rows = read_metadata(os.path.join(folder, "metadata.jsonl"))
        names = [dict(r)["file_name"][1] if isinstance(dict(r)["file_name"], tuple)
                 else dict(r)["file_name"] for r in rows]
        check(split + ": file_name first in every row", all(r[0][0] == "file_name" for r in rows))
        check(split + ": every image listed once", sorted(names) == images and
              len(set(names)) == len(names), "%d rows, %d images" % (len(names), len(images)))
        unsafe = [n for n in names if n.startswith("/") or ".." in n.split("/") or "://" in n
                  or "\\" in n]
        check(split + ": file_name relative, no '..', no scheme", not unsafe, str(unsafe[:3]))
        for r in rows:
            sig = tuple((k, v[0] if isinstance(v, tuple) else json_type(v)) for k, v in r)
            signatures.setdefault(sig, []).append(split)
        nulls = [k for r in rows for k, v in r if v is None]
        check(split + ": no null value (a column always missing would change its type)",
              not nulls, str(nulls[:3]))
        total += len(rows)
    check("imagefolder: the same columns with the same types in every row of every split",
          len(signatures) == 1, "%d different signatures" % len(signatures))
    with open(os.path.join(out, "README.md"), encoding="utf-8") as f:
        yaml = yaml_front_matter(f.read())
    check("README.md starts with YAML front matter", yaml is not None)
    yaml = yaml or ""
    for split in splits:
        check("README.md: a config for " + split,
              "  - split: %s\n    path: %s/*\n" % (split, split) in yaml)
    names = re.findall(r"^ {10}'(\d+)': '((?:[^']|'')*)'$", yaml, re.M)
    check("README.md: label is a class label with the scale's names",
          "  - name: label\n    dtype:\n      class_label:\n" in yaml and
          [n.replace("''", "'") for _, n in names] == scale and
          [int(i) for i, _ in names] == list(range(len(scale))), str(names))
    if signatures:
        cols = [k for k, _ in next(iter(signatures))]
        declared = re.findall(r"^  - name: (\S+)$", yaml, re.M)
        check("README.md: every metadata column declared, file_name as image",
              declared[:len(cols)] == ["image"] + cols[1:], str(declared[:6]))


# ---- the manifest ----

def kappa(table, K, weights):
    n = sum(map(sum, table))
    if not n:
        return None
    rows = [sum(table[i]) / n for i in range(K)]
    cols = [sum(table[i][j] for i in range(K)) / n for j in range(K)]
    w = [[(i - j) ** 2 if weights == "q" else (i != j) for j in range(K)] for i in range(K)]
    observed = sum(w[i][j] * table[i][j] / n for i in range(K) for j in range(K))
    expected = sum(w[i][j] * rows[i] * cols[j] for i in range(K) for j in range(K))
    return None if expected == 0 else 1 - observed / expected


def alpha_nominal(units):
    """Krippendorff's alpha for nominal data: every pair of values within a
    unit (of m >= 2 values) weighs 1/(m-1); D_o over D_e."""
    pairs, n_c = {}, {}
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for a in range(m):
            for b in range(m):
                if a != b:
                    key = (values[a], values[b])
                    pairs[key] = pairs.get(key, 0) + 1 / (m - 1)
        for v in values:
            n_c[v] = n_c.get(v, 0) + 1
    n = sum(n_c.values())
    if n <= 1:
        return None
    d_o = sum(c for (a, b), c in pairs.items() if a != b)
    d_e = sum(n_c[a] * n_c[b] for a in n_c for b in n_c if a != b)
    return None if d_e == 0 else 1 - (n - 1) * d_o / d_e


def content_hash(db, items_upto=None):
    """The content hash as db/export.h defines it; with items_upto, of the
    state in which the items table held only the ids up to it."""
    con = sqlite3.connect(db)
    h = hashlib.sha256()
    for sql in ("SELECT * FROM scale ORDER BY value", "SELECT * FROM items ORDER BY id",
                "SELECT * FROM prompt_versions ORDER BY id", "SELECT * FROM runs ORDER BY id",
                "SELECT * FROM predictions ORDER BY id", "SELECT * FROM reviews ORDER BY id"):
        h.update(sql.encode() + b"\0")
        query = sql
        if items_upto is not None and "FROM items" in sql:
            query = sql.replace("ORDER BY", "WHERE id <= %d ORDER BY" % items_upto)
        for row in con.execute(query):
            for v in row:
                if v is None:
                    h.update(bytes([5]))
                elif isinstance(v, int):
                    h.update(bytes([1]) + (v & (2 ** 64 - 1)).to_bytes(8, "big"))
                elif isinstance(v, float):
                    h.update(bytes([2]) + struct.pack(">d", v))
                elif isinstance(v, str):
                    b = v.encode()
                    h.update(bytes([3]) + len(b).to_bytes(8, "big") + b)
                else:
                    h.update(bytes([4]) + len(v).to_bytes(8, "big") + bytes(v))
    return h.hexdigest()


def cmd_manifest(db, out):
    m = json.load(open(os.path.join(out, "manifest.json")))
    rows = [as_dict(p) for p in read_jsonl(os.path.join(out, "gold.jsonl"))] \
        if os.path.exists(os.path.join(out, "gold.jsonl")) else None
    check("manifest: the database's content hash", m["database_content_sha256"] == content_hash(db),
          m["database_content_sha256"])
    K = len(m["scale"])
    if rows is None:
        return
    check("manifest: rows", m["counts"]["rows"] == len(rows))
    by_label = {str(j): sum(1 for r in rows if r["label"] == j) for j in range(1, K + 1)}
    check("manifest: counts by label",
          all(m["counts"]["by_label"][k] == v for k, v in by_label.items()))
    if m["split"]:
        by_split = {}
        for r in rows:
            by_split[r["split"]] = by_split.get(r["split"], 0) + 1
        check("manifest: counts by split",
              all(m["counts"]["by_split"].get(s, 0) == c for s, c in by_split.items()))
    table = [[0] * K for _ in range(K)]
    for r in rows:
        if r["label"] and r["llm_label"]:
            table[r["label"] - 1][r["llm_label"] - 1] += 1
    llm = m["agreement"]["llm_vs_settled"]
    for name, want in (("Cohen's kappa", kappa(table, K, "u")),
                       ("Cohen's kappa, quadratic weights", kappa(table, K, "q")),
                       ("percent agreement", sum(table[i][i] for i in range(K)) /
                        sum(map(sum, table)) if sum(map(sum, table)) else None)):
        got = llm[name]["value"]
        check("manifest: LLM vs settled, " + name,
              (got is None and want is None) or (got is not None and want is not None
                                                 and abs(got - want) < 1e-12),
              "%r, want %r" % (got, want))
    want = alpha_nominal([[v["label"] for v in r["votes"]] for r in rows])
    got = m["agreement"]["reviewers"]["Krippendorff's alpha, nominal"]["value"]
    check("manifest: reviewers' Krippendorff's alpha",
          (got is None and want is None) or (got is not None and want is not None
                                             and abs(got - want) < 1e-12),
          "%r, want %r" % (got, want))


def cmd_snapshot(db, out):
    """An export made while another process added items (one per commit):
    its rows are the items of one committed state, a prefix of the ids, and
    the manifest's hash is that same state's."""
    con = sqlite3.connect(db)
    ids = dict(con.execute("SELECT external_id, id FROM items"))
    got = [ids[as_dict(p)["item"]] for p in read_jsonl(os.path.join(out, "gold.jsonl"))]
    upto = max(got)
    total = con.execute("SELECT max(id) FROM items").fetchone()[0]
    check("snapshot: the rows are every item up to one id", got == list(range(1, upto + 1)),
          "%d rows up to %d" % (len(got), upto))
    check("snapshot: items were added during the export", total > upto,
          "%d items, %d exported" % (total, upto))
    m = json.load(open(os.path.join(out, "manifest.json")))
    check("snapshot: the manifest's hash is of the state the rows come from",
          m["database_content_sha256"] == content_hash(db, upto))


def cmd_stable(old, new):
    def splits(d):
        return {as_dict(p)["item"]: as_dict(p)["split"]
                for p in read_jsonl(os.path.join(d, "gold.jsonl"))}
    a, b = splits(old), splits(new)
    moved = [k for k in a if k in b and a[k] != b[k]]
    check("adding items moves no old item to another split", not moved and set(a) <= set(b),
          str(moved[:5]))


def main():
    cmd = sys.argv[1]
    if cmd == "rows":
        cmd_rows(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif cmd == "csv":
        cmd_csv(sys.argv[2], sys.argv[3])
    elif cmd == "imagefolder":
        cmd_imagefolder(sys.argv[2], sys.argv[3:])
    elif cmd == "manifest":
        cmd_manifest(sys.argv[2], sys.argv[3])
    elif cmd == "snapshot":
        cmd_snapshot(sys.argv[2], sys.argv[3])
    elif cmd == "stable":
        cmd_stable(sys.argv[2], sys.argv[3])
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
