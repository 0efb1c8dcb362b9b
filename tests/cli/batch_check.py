#!/usr/bin/env python3
"""batch_check.py DRIVER DIR - batch files (src/llm/batch.c, through
build/tools/batchtool) checked line by line against the documented formats:
OpenAI's Batch input (BatchRequestInput: custom_id, method POST, url
/v1/chat/completions, body; at most 50,000 requests and 200 MB a file),
which vLLM's run-batch also reads, and Anthropic's Message Batches request
({"requests": [{custom_id matching ^[a-zA-Z0-9_-]{1,64}$, params}]}, at most
100,000 requests and 256 MB). Then result files in both formats, in any
order and spread over files, with errors as null, strings and objects,
duplicates and foreign ids. Prints "ok NAME" / "not ok NAME: why"."""
import json
import os
import random
import re
import subprocess
import sys

results = []
VLLM_URLS = ("/v1/chat/completions", "/v1/embeddings")   # plus */score, */rerank
ANTHROPIC_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def check(name, cond, why=""):
    results.append(bool(cond))
    print(("ok " if cond else "not ok ") + name + ("" if cond else ": " + why))


def tool(driver, *args):
    out = subprocess.run([driver, *map(str, args)], capture_output=True, text=True)
    return out.returncode, out.stdout, out.stderr


def write(driver, provider, d, prefix, n, limits=()):
    rc, out, err = tool(driver, "write", provider, d, prefix, n, 7, *limits)
    if rc != 0:
        raise RuntimeError(err)
    return json.loads(out)["files"]


def check_openai_file(name, path, max_requests, max_bytes, seen):
    data = open(path, "rb").read()
    check(name + ": UTF-8", data.decode("utf-8", errors="replace").encode() == data)
    check(name + ": within %d bytes" % max_bytes, len(data) <= max_bytes, str(len(data)))
    check(name + ": every line ends with a newline", data.endswith(b"\n"))
    lines = data.decode().split("\n")[:-1]
    check(name + ": within %d requests" % max_requests, 0 < len(lines) <= max_requests)
    problems = []
    for i, text in enumerate(lines, 1):
        try:
            line = json.loads(text)
        except ValueError:
            problems.append("line %d is not JSON" % i)
            continue
        if list(line) != ["custom_id", "method", "url", "body"]:
            problems.append("line %d has keys %s" % (i, list(line)))
            continue
        if line["method"] != "POST" or line["url"] not in VLLM_URLS:
            problems.append("line %d: %s %s" % (i, line["method"], line["url"]))
        if line["url"] != "/v1/chat/completions":
            problems.append("line %d: url %s" % (i, line["url"]))
        body = line["body"]
        if not isinstance(body, dict) or "model" not in body or not body.get("messages"):
            problems.append("line %d: the body is not a chat request" % i)
        elif body.get("stream"):
            problems.append("line %d: a streamed request (vLLM refuses them)" % i)
        if not isinstance(line["custom_id"], str) or line["custom_id"] in seen:
            problems.append("line %d: custom_id %r repeats" % (i, line["custom_id"]))
        seen.append(line["custom_id"])
    check(name + ": every line is a BatchRequestInput", not problems, "; ".join(problems[:3]))
    return [len(t.encode()) + 1 for t in lines]


def check_anthropic_file(name, path, max_requests, max_bytes, seen):
    data = open(path, "rb").read()
    check(name + ": within %d bytes" % max_bytes, len(data) <= max_bytes)
    try:
        doc = json.loads(data)
    except ValueError as e:
        check(name + ": one JSON document", False, str(e))
        return
    check(name + ": {\"requests\": [...]} and nothing else",
          list(doc) == ["requests"] and isinstance(doc["requests"], list))
    reqs = doc["requests"]
    check(name + ": within %d requests" % max_requests, 0 < len(reqs) <= max_requests)
    problems = []
    for i, r in enumerate(reqs):
        if list(r) != ["custom_id", "params"]:
            problems.append("request %d has keys %s" % (i, list(r)))
            continue
        if not ANTHROPIC_ID.match(r["custom_id"]) or r["custom_id"] in seen:
            problems.append("request %d: custom_id %r" % (i, r["custom_id"]))
        p = r["params"]
        if not (isinstance(p.get("model"), str) and isinstance(p.get("max_tokens"), int)
                and p["max_tokens"] >= 1 and p.get("messages")):
            problems.append("request %d: params are not a Messages request" % i)
        if p.get("stream"):
            problems.append("request %d: streamed" % i)
        seen.append(r["custom_id"])
    check(name + ": every request is a Message Batches request", not problems, "; ".join(problems[:3]))


def check_writing(driver, d):
    for fmt, want in (("openai", (50000, 200000000)), ("anthropic", (100000, 256000000))):
        rc, out, _ = tool(driver, "limits", fmt)
        got = json.loads(out)
        check("%s limits are the documented ones" % fmt,
              (got["max_requests"], got["max_bytes"]) == want, out)

    ids = ["gavel-r7-i%d-a0" % i for i in range(1, 8)]
    files = write(driver, "openai", d, "count", 7, (3, 10 ** 8))
    seen = []
    for f in files:
        check_openai_file(os.path.basename(f["path"]), f["path"], 3, 10 ** 8, seen)
    check("openai: split at 3 requests into 3, 3, 1", [f["count"] for f in files] == [3, 3, 1])
    check("openai: names count-0001.jsonl ...",
          [os.path.basename(f["path"]) for f in files] == ["count-%04d.jsonl" % i for i in (1, 2, 3)])
    check("openai: every request once, in order", seen == ids, str(seen))

    # by bytes: each file as full as the limit allows (greedy), none over it
    files = write(driver, "openai", d, "bytes", 9, (50000, 1900))
    seen, sizes = [], []
    for f in files:
        sizes.append(check_openai_file(os.path.basename(f["path"]), f["path"], 50000, 1900, seen))
    greedy = all(sum(a) + b[0] > 1900 for a, b in zip(sizes, sizes[1:]))
    check("openai: split at 1,900 bytes, each file as full as it can be",
          greedy and len(files) > 2, str(sizes))
    check("openai: every request once after a byte split", len(seen) == 9 and len(set(seen)) == 9)

    files = write(driver, "anthropic", d, "claude", 5, (2, 10 ** 8))
    seen = []
    for f in files:
        check_anthropic_file(os.path.basename(f["path"]), f["path"], 2, 10 ** 8, seen)
    check("anthropic: split at 2 requests into 2, 2, 1", [f["count"] for f in files] == [2, 2, 1])
    check("anthropic: every request once, in order", seen == ids[:5])

    rc, _, err = tool(driver, "write", "openai", d, "count", 1, 7)
    check("an existing file is never overwritten", rc == 1 and "File exists" in err, err)


def chat_completion(i):
    return {"id": "chatcmpl-%d" % i, "object": "chat.completion", "created": 1, "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant",
                                                 "content": '{"label": %d}' % (i % 5 + 1)},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 900, "completion_tokens": 8}}


def write_lines(path, lines):
    with open(path, "w") as f:
        for line in lines:
            f.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


def read(driver, fmt, n, *files):
    rc, out, err = tool(driver, "read", fmt, 7, n, *files)
    lines = [json.loads(l) for l in out.splitlines()]
    return rc, lines, err


def check_openai_results(driver, d):
    n = 12
    rng = random.Random(5)
    ok_ids = list(range(1, 9))
    rng.shuffle(ok_ids)                       # output order differs from input order
    output = [{"id": "batch_req_%d" % i, "custom_id": "gavel-r7-i%d-a0" % i,
               "response": {"status_code": 200, "request_id": "req_%d" % i, "body": chat_completion(i)},
               "error": None} for i in ok_ids]
    output.insert(3, "")                      # a blank line
    errors = [
        {"id": "b9", "custom_id": "gavel-r7-i9-a0", "response": None,
         "error": {"code": "batch_expired", "message": "not executed before the window expired"}},
        {"id": "vllm-10", "custom_id": "gavel-r7-i10-a0",
         "response": {"status_code": 400, "request_id": "vllm-batch-10", "body": None},
         "error": "URL /v1/completions was used. Supported endpoints: /v1/chat/completions"},
        {"id": "vllm-11", "custom_id": "gavel-r7-i11-a0",
         "response": {"status_code": 400, "request_id": "vllm-batch-11", "body": None},
         "error": {"object": "error", "message": "context too long", "type": "BadRequestError",
                   "param": None, "code": 400}},
    ]
    out_path = write_lines(os.path.join(d, "output.jsonl"), output)
    err_path = write_lines(os.path.join(d, "errors.jsonl"), errors)
    rc, lines, err = read(driver, "openai", n, out_path, err_path)
    check("openai results: read", rc == 0, err)
    got = {l["custom_id"]: l for l in lines if "custom_id" in l}
    check("openai results: 11 of 12 answered, the missing one counted",
          lines[-1] == {"answered": 11, "expected": 12}, str(lines[-1:]))
    good = all(got["gavel-r7-i%d-a0" % i]["ok"] and got["gavel-r7-i%d-a0" % i]["status_code"] == 200
               and got["gavel-r7-i%d-a0" % i]["body"] == chat_completion(i)
               and got["gavel-r7-i%d-a0" % i]["content"] == '{"label": %d}' % (i % 5 + 1)
               for i in range(1, 9))
    check("openai results: every success matched by custom_id, body intact, parsed", good)
    line_of = {o["custom_id"]: k for k, o in enumerate(output, 1) if isinstance(o, dict)}
    check("openai results: FILE and LINE of each result",
          all(got[c]["file"] == out_path and got[c]["line"] == line_of[c] for c in line_of))
    e9, e10, e11 = (got["gavel-r7-i%d-a0" % i] for i in (9, 10, 11))
    check("openai results: an error object", not e9["ok"] and e9["error"] ==
          "batch_expired: not executed before the window expired" and e9["body"] is None)
    check("openai results: a vLLM error string", not e10["ok"] and e10["status_code"] == 400
          and e10["error"].startswith("URL /v1/completions was used"))
    check("openai results: a vLLM ErrorResponse object", not e11["ok"] and
          e11["error"] == "400: context too long")

    dup = write_lines(os.path.join(d, "again.jsonl"), [errors[0]])
    rc, lines, err = read(driver, "openai", n, out_path, err_path, dup)
    check("openai results: a repeated custom_id is refused with FILE:LINE, nothing read",
          rc == 1 and not lines and
          '%s:1: custom_id "gavel-r7-i9-a0" was answered at %s:1' % (dup, err_path) in err, err)
    foreign = write_lines(os.path.join(d, "foreign.jsonl"),
                          [output[0], {"custom_id": "gavel-r8-i1-a0", "response": None, "error": "x"}])
    rc, lines, err = read(driver, "openai", n, foreign)
    check("openai results: another run's result is refused",
          rc == 1 and "%s:2: custom_id \"gavel-r8-i1-a0\" belongs to run 8, not run 7" % foreign in err, err)
    unknown = write_lines(os.path.join(d, "unknown.jsonl"),
                          [{"custom_id": "request-1", "response": None, "error": "x"}])
    rc, lines, err = read(driver, "openai", n, unknown)
    check("openai results: an unknown custom_id is refused",
          rc == 1 and "%s:1: custom_id \"request-1\" is not a request of this run" % unknown in err, err)
    broken = write_lines(os.path.join(d, "broken.jsonl"), [output[0], "{\"custom_id\": "])
    rc, lines, err = read(driver, "openai", n, broken)
    check("openai results: a broken line is refused with FILE:LINE",
          rc == 1 and "%s:2: not a JSON object" % broken in err, err)


def message(i):
    return {"id": "msg_%d" % i, "type": "message", "role": "assistant", "model": "claude",
            "content": [{"type": "text", "text": "label: %d" % i}], "stop_reason": "end_turn",
            "usage": {"input_tokens": 700, "output_tokens": 5}}


def check_anthropic_results(driver, d):
    lines = [
        {"custom_id": "gavel-r7-i3-a0", "result": {"type": "succeeded", "message": message(3)}},
        {"custom_id": "gavel-r7-i1-a0", "result": {"type": "errored", "error": {
            "type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}}},
        {"custom_id": "gavel-r7-i2-a0", "result": {"type": "canceled"}},
        {"custom_id": "gavel-r7-i4-a0", "result": {"type": "expired"}},
    ]
    path = write_lines(os.path.join(d, "claude.jsonl"), lines)
    rc, out, err = read(driver, "anthropic", 4, path)
    check("anthropic results: read", rc == 0, err)
    got = {l["custom_id"]: l for l in out if "custom_id" in l}
    s = got["gavel-r7-i3-a0"]
    check("anthropic results: a success, parsed by the provider",
          s["ok"] and s["body"] == message(3) and s["content"] == "label: 3")
    check("anthropic results: errored", got["gavel-r7-i1-a0"]["error"] == "overloaded_error: Overloaded")
    check("anthropic results: canceled and expired are failures",
          not got["gavel-r7-i2-a0"]["ok"] and got["gavel-r7-i2-a0"]["error"].startswith("canceled")
          and not got["gavel-r7-i4-a0"]["ok"] and got["gavel-r7-i4-a0"]["error"].startswith("expired"))
    rc, out, err = read(driver, "openai", 4, path)
    check("an Anthropic result file is refused as OpenAI results",
          rc == 1 and "%s:1: an Anthropic Message Batches result" % path in err, err)


def main():
    driver, d = sys.argv[1], sys.argv[2]
    check_writing(driver, d)
    check_openai_results(driver, d)
    check_anthropic_results(driver, d)
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
