#!/usr/bin/env python3
"""make_golden.py - writes gold.jsonl and gold.csv, the expected exports of
the fixture tests/cli/test_export.sh builds (items a-d, raters ann and bo,
the LLM m1, an adjudication of b by zed), from docs/export.md's column list
and RFC 4180, by hand: nothing here runs gavel.

    python3 tests/data/export/make_golden.py   (from the repository's top)"""
import json


def vote(who, label, t):
    return {"reviewer": who, "label": label, "time": t, "blind": True, "verdict": None}


def row(item, label, name, reason, votes, reviewed, llm, adj=(None, None, None)):
    return {"item": item, "image_path": None, "image_sha256": None, "title": None,
            "category": None, "metadata": {}, "label": label, "label_name": name,
            "settle_rule": "unanimous", "settle_reason": reason, "settle_support": 1,
            "ds_posterior": None, "n_votes": len(votes), "votes": votes,
            "reviewed_at": reviewed, "adjudicator": adj[0], "adjudication_reason": adj[1],
            "adjudicated_at": adj[2], "llm_label": llm, "llm_score": llm,
            "llm_confidence": None, "llm_rationale": None, "rationale_verdict": None,
            "prompt_version": None, "prompt_name": None, "llm_model": "m1",
            "llm_provider": "import", "llm_run": 1, "split": None}


# a: ann and bo agree; b: they differ and zed adjudicates; c: ann rated
# twice (two votes); d: only the LLM, so unsettled and left out
ROWS = [
    row("a", 3, "good", "rule", [vote("ann", 3, "2024-01-01T10:00:00.000Z"),
                                 vote("bo", 3, "2024-01-01T11:00:00.000Z")],
        "2024-01-01T11:00:00.000Z", 3),
    row("b", 2, "ok", "adjudicated", [vote("ann", 1, "2024-01-02T10:00:00.000Z"),
                                      vote("bo", 2, "2024-01-02T11:00:00.000Z")],
        "2024-01-02T11:00:00.000Z", 1,
        ("zed", "looked closer, \"ok\"", "2024-01-04T09:00:00.000Z")),
    row("c", 2, "ok", "rule", [vote("ann", 2, "2024-01-03T10:00:00.000Z"),
                               vote("ann", 2, "2024-01-03T10:05:00.000Z")],
        "2024-01-03T10:05:00.000Z", 2),
]


def field(v):
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        v = json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    v = str(v)
    if any(c in v for c in ',"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v


def main():
    with open("tests/data/export/gold.jsonl", "w") as f:
        for r in ROWS:
            f.write(json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n")
    with open("tests/data/export/gold.csv", "w", newline="") as f:
        f.write(",".join(ROWS[0].keys()) + "\r\n")
        for r in ROWS:
            f.write(",".join(field(v) for v in r.values()) + "\r\n")


if __name__ == "__main__":
    main()
