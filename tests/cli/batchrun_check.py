#!/usr/bin/env python3
"""batchrun_check.py - gavel label --batch-out / --batch-in, from outside:

  lines FORMAT DIR RUN ITEM_ID...
      the request files line by line against the documented formats
      (OpenAI Batch input: custom_id, method POST, url /v1/chat/completions,
      body; Anthropic Message Batches: {"requests": [{custom_id, params}]},
      custom_id ^[a-zA-Z0-9_-]{1,64}$), one request per planned item, ids
      unique and naming the run and the item
  answer FORMAT DIR URL OUT [ERRORS]
      sends every request's body to the test server (tests/llmserver) and
      writes its replies as a result file OUT, in reverse order; with
      ERRORS, the first request fails: OpenAI-style in a separate error file
      ERRORS (error an object), vLLM-style in OUT (error a string, status
      400) when ERRORS is "vllm", Anthropic-style errored otherwise
  compare DB RUN_A RUN_B
      run B's predictions equal run A's, item by item, in every field a
      live answer records (status, score, label, confidence, rationale,
      aspects, raw reply, tokens, error)

Prints "ok NAME" / "not ok NAME: why"; exit status 1 if any failed.
"""
import glob
import json
import os
import re
import sqlite3
import sys
import urllib.request

results = []


def check(name, cond, why=""):
    results.append(bool(cond))
    print(("ok " if cond else "not ok ") + name + ("" if cond else ": " + why))


def requests_of(fmt, folder, checking=True):
    """[(file, line, request)] of every request file in folder; checking
    also checks the files' shape."""
    out = []
    check_ = check if checking else (lambda *a: None)
    for path in sorted(glob.glob(os.path.join(folder, "*"))):
        text = open(path, encoding="utf-8").read()
        if fmt == "openai":
            check_(os.path.basename(path) + ": a .jsonl file", path.endswith(".jsonl"))
            for n, line in enumerate(text.split("\n")[:-1], 1):
                out.append((path, n, json.loads(line)))
            check_(os.path.basename(path) + ": LF after every line", text.endswith("\n"))
        else:
            doc = json.loads(text)
            check_(os.path.basename(path) + ": one JSON document {\"requests\": [...]}",
                  list(doc) == ["requests"] and isinstance(doc["requests"], list))
            out += [(path, n, r) for n, r in enumerate(doc["requests"], 1)]
    return out


def cmd_lines(fmt, folder, run, items):
    reqs = requests_of(fmt, folder)
    want = {"gavel-r%s-i%s-a1" % (run, i) for i in items}
    ids = [r["custom_id"] for _, _, r in reqs]
    check("one request per planned item", sorted(ids) == sorted(want),
          "%s vs %s" % (sorted(ids)[:3], sorted(want)[:3]))
    check("custom_ids unique", len(set(ids)) == len(ids))
    bad = []
    for path, n, r in reqs:
        where = "%s:%d" % (os.path.basename(path), n)
        if fmt == "openai":
            if list(r) != ["custom_id", "method", "url", "body"]:
                bad.append(where + " keys " + str(list(r)))
            elif r["method"] != "POST" or r["url"] != "/v1/chat/completions":
                bad.append(where + " method/url")
            elif not isinstance(r["body"].get("messages"), list) or not r["body"].get("model"):
                bad.append(where + " body is not a Chat Completions request")
        else:
            if list(r) != ["custom_id", "params"]:
                bad.append(where + " keys " + str(list(r)))
            elif not re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", r["custom_id"]):
                bad.append(where + " custom_id")
            elif not r["params"].get("max_tokens") or not isinstance(r["params"].get("messages"), list):
                bad.append(where + " params is not a Messages request")
    check("every request in the documented shape", not bad, "; ".join(bad[:4]))


def post(url, body, fmt):
    path = "/v1/chat/completions" if fmt == "openai" else "/v1/messages"
    headers = {"Content-Type": "application/json"}
    if fmt == "anthropic":
        headers.update({"x-api-key": "k", "anthropic-version": "2023-06-01"})
    req = urllib.request.Request(url + path, json.dumps(body).encode(), headers)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def cmd_answer(fmt, folder, url, out, errors=None):
    reqs = [r for _, _, r in requests_of(fmt, folder, False)]
    lines, error_lines = [], []
    for n, r in enumerate(reversed(reqs)):
        cid = r["custom_id"]
        failing = errors and n == 0
        if fmt == "anthropic":
            if failing:
                lines.append({"custom_id": cid, "result": {"type": "errored", "error": {
                    "type": "error", "error": {"type": "overloaded_error", "message": "busy"}}}})
            else:
                lines.append({"custom_id": cid, "result": {"type": "succeeded",
                                                           "message": post(url, r["params"], fmt)}})
        elif failing and errors == "vllm":
            lines.append({"id": "vllm-1", "custom_id": cid, "response": {
                "status_code": 400, "request_id": "vllm-batch-1", "body": None},
                "error": "Request must not be sent in stream mode"})
        elif failing:
            error_lines.append({"id": "batch_req_e", "custom_id": cid, "response": None,
                                "error": {"code": "batch_expired", "message": "not run in time"}})
        else:
            lines.append({"id": "batch_req_%d" % n, "custom_id": cid, "response": {
                "status_code": 200, "request_id": "req_%d" % n, "body": post(url, r["body"], fmt)},
                "error": None})
    with open(out, "w") as f:
        f.writelines(json.dumps(x) + "\n" for x in lines)
    if error_lines:
        with open(errors, "w") as f:
            f.writelines(json.dumps(x) + "\n" for x in error_lines)


FIELDS = ("status", "score", "label", "confidence", "inconsistent", "rationale", "aspects",
          "reasoning", "raw_reply", "prompt_tokens", "completion_tokens", "error", "attempts")


def cmd_compare(db, a, b):
    con = sqlite3.connect(db)
    q = "SELECT item_id, %s FROM predictions WHERE run_id = ? ORDER BY item_id" % ", ".join(FIELDS)
    ra, rb = con.execute(q, (a,)).fetchall(), con.execute(q, (b,)).fetchall()
    check("the batch run answered the same items", [r[0] for r in ra] == [r[0] for r in rb],
          "%d vs %d" % (len(ra), len(rb)))
    diff = ["item %d %s: %r vs %r" % (x[0], f, x[i + 1], y[i + 1]) for x, y in zip(ra, rb)
            for i, f in enumerate(FIELDS) if x[i + 1] != y[i + 1]]
    check("its records equal the live run's, field by field", not diff, "; ".join(diff[:3]))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "lines":
        cmd_lines(args[0], args[1], args[2], args[3:])
    elif cmd == "answer":
        cmd_answer(*args)
        return 0
    elif cmd == "compare":
        cmd_compare(*args)
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
