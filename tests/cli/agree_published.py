#!/usr/bin/env python3
"""agree_published.py GAVEL TMPDIR - the published agreement values of
tests/data/agreement.json, loaded through gavel's own paths (gavel init,
gavel import-ratings) and read back from `gavel agree --json`.

Each case's ratings become a CSV of item,rater,label; its levels, sorted,
become the database's scale 1..K (rank and chance-corrected figures do not
change under that renumbering, and weighted kappa in the reference uses the
indices of the sorted levels too). Prints one line per check, "ok NAME" or
"FAIL NAME: why"."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "agreement.json")


def gavel(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True)


def build(binary, tmp, name, levels, rows, llm=None):
    """A database whose scale is levels (in order) holding rows (item, rater,
    value); returns the parsed `agree --json`, or an error string."""
    db = os.path.join(tmp, name + ".db")
    csv = os.path.join(tmp, name + ".csv")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    index = {v: i + 1 for i, v in enumerate(levels)}
    with open(csv, "w") as f:
        f.write("item,rater,label,note\n")
        for item, rater, value in rows:
            # string levels go in by name, numbers by their place on the scale
            label = value if isinstance(value, str) else index[value]
            f.write(f"{item},{rater},{label},from {name}\n")
    names = ",".join(v if isinstance(v, str) else f"v{v}".replace("-", "m").replace(".", "p")
                     for v in levels)
    r = gavel(binary, "init", "--db", db, "--scale", names)
    if r.returncode:
        return "init: " + r.stderr
    r = gavel(binary, "import-ratings", "--db", db, csv, *(["--llm", llm] if llm else []))
    if r.returncode:
        return "import-ratings: " + r.stderr
    r = gavel(binary, "agree", "--db", db, "--json", "--no-ci")
    if r.returncode:
        return "agree: " + r.stderr
    return json.loads(r.stdout)


def report(name, got, want, tol):
    if isinstance(got, str):
        print(f"FAIL {name}: {got}")
    elif got is None or not got.get("defined") or abs(got["value"] - want) > tol:
        print(f"FAIL {name}: gavel {got}, published {want} +- {tol}")
    else:
        print(f"ok {name}: {got['value']:.6f} (published {want})")


def levels_of(*lists):
    return sorted({v for values in lists for v in values if v is not None})


def cohen_cases(binary, tmp, cases):
    key = {"none": "cohen_kappa", "linear": "cohen_kappa_linear",
           "quadratic": "cohen_kappa_quadratic"}
    for case in cases:
        a, b = case["rater_a"], case["rater_b"]
        rows = [(f"i{k}", "a", x) for k, x in enumerate(a)] + \
               [(f"i{k}", "b", y) for k, y in enumerate(b)]
        levels = levels_of(a, b)
        metric = key[case["weights"]]
        out = build(binary, tmp, case["id"], levels, rows)
        got = out if isinstance(out, str) else out["reviewer_pairs"][0]["metrics"][metric]
        report(f"{case['id']} (reviewer vs reviewer)", got, case["expected"], case["tolerance"])
        # the same table as LLM vs human: rater b imported as an LLM run
        out = build(binary, tmp, case["id"] + "_llm", levels, rows, llm="b")
        got = out if isinstance(out, str) else out["llm_vs_settled"]["metrics"][metric]
        report(f"{case['id']} (LLM vs human)", got, case["expected"], case["tolerance"])


def fleiss_cases(binary, tmp, cases):
    for case in cases:
        rows = []
        if "ratings_subject_by_rater" in case:
            for s, ratings in enumerate(case["ratings_subject_by_rater"]):
                rows += [(f"s{s}", f"r{j}", v) for j, v in enumerate(ratings)]
            levels = case["categories"]
        else:
            counts = case["counts_subject_by_category"]
            levels = list(range(1, len(counts[0]) + 1))
            for s, per in enumerate(counts):
                rater = 0
                for k, n in enumerate(per):
                    for _ in range(n):
                        rows.append((f"s{s}", f"r{rater}", k + 1))
                        rater += 1
        out = build(binary, tmp, case["id"], levels, rows)
        got = out if isinstance(out, str) else out["reviewer_group"]["metrics"]["fleiss_kappa"]
        report(case["id"], got, case["expected"], case["tolerance"])


def alpha_cases(binary, tmp, cases):
    for case in cases:
        data = case["reliability_data_observer_by_unit"]
        rows = [(f"u{u}", f"c{o}", v) for o, values in enumerate(data)
                for u, v in enumerate(values) if v is not None]
        levels = levels_of(*data)
        if case["level"] == "interval" and levels != list(range(levels[0], levels[-1] + 1)):
            print(f"FAIL {case['id']}: interval levels must be consecutive")
            continue
        out = build(binary, tmp, case["id"], levels, rows)
        metric = "krippendorff_alpha_" + case["level"]
        got = out if isinstance(out, str) else out["reviewer_group"]["metrics"][metric]
        report(case["id"], got, case["expected"], case["tolerance"])


def rank_cases(binary, tmp, cases):
    for case in cases:
        rows = [(f"i{k}", "x", v) for k, v in enumerate(case["x"])] + \
               [(f"i{k}", "y", v) for k, v in enumerate(case["y"])]
        out = build(binary, tmp, case["id"], levels_of(case["x"], case["y"]), rows)
        got = out if isinstance(out, str) else out["reviewer_pairs"][0]["metrics"][case["metric"]]
        report(case["id"], got, case["expected"], max(case["tolerance"], 1e-12))


# Published values kept in tests/unit/test_reliability.c, loaded here through
# the CLI as well: Krippendorff (2011) / irrCAC cac.raw4raters (units with
# missing ratings, one unit with a single rating), and irrCAC distrib.6raters.
CANONICAL = [[1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2],
             [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5],
             [None, None, 1, 1], [None, None, 3, None]]
SIX_RATERS = [[0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6],
              [0, 3, 0, 3, 0], [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0],
              [2, 0, 0, 4, 0], [0, 0, 0, 0, 6], [1, 0, 0, 5, 0], [1, 1, 0, 4, 0],
              [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1]]


def more_cases(binary, tmp):
    rows = [(f"u{u}", f"c{o}", v) for u, unit in enumerate(CANONICAL)
            for o, v in enumerate(unit) if v is not None]
    out = build(binary, tmp, "krippendorff_2011", [1, 2, 3, 4, 5], rows)
    for metric, want, tol in (("krippendorff_alpha_nominal", 0.74342, 5e-6),
                              ("krippendorff_alpha_ordinal", 0.815, 5e-4),
                              ("krippendorff_alpha_interval", 0.849, 5e-4),
                              ("krippendorff_alpha_ratio", 0.797, 5e-4),
                              ("gwet_ac1", 0.77544, 5e-6)):
        got = out if isinstance(out, str) else out["reviewer_group"]["metrics"][metric]
        report(f"krippendorff_2011 {metric}", got, want, tol)
    fleiss = out if isinstance(out, str) else out["reviewer_group"]["metrics"]["fleiss_kappa"]
    if isinstance(fleiss, dict) and not fleiss["defined"] and "different numbers" in fleiss["reason"]:
        print("ok krippendorff_2011 fleiss_kappa undefined: " + fleiss["reason"])
    else:
        print(f"FAIL krippendorff_2011 fleiss_kappa should be undefined: {fleiss}")
    rows = []
    for s, per in enumerate(SIX_RATERS):
        labels = [k + 1 for k, n in enumerate(per) for _ in range(n)]
        rows += [(f"s{s}", f"r{j}", v) for j, v in enumerate(labels)]
    out = build(binary, tmp, "irrcac_6raters", [1, 2, 3, 4, 5], rows)
    for metric, want in (("gwet_ac1", 0.4448007), ("fleiss_kappa", 0.4139265),
                         ("krippendorff_alpha_nominal", 0.4204384)):
        got = out if isinstance(out, str) else out["reviewer_group"]["metrics"][metric]
        report(f"irrcac_6raters {metric}", got, want, 5e-8)


def main():
    binary, tmp = sys.argv[1], sys.argv[2]
    metrics = json.load(open(DATA))["metrics"]
    cohen_cases(binary, tmp, metrics["cohen_kappa"]["cases"])
    fleiss_cases(binary, tmp, metrics["fleiss_kappa"]["cases"])
    alpha_cases(binary, tmp, metrics["krippendorff_alpha"]["cases"])
    rank_cases(binary, tmp, metrics["rank_correlation"]["cases"])
    more_cases(binary, tmp)


if __name__ == "__main__":
    main()
