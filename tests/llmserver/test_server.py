#!/usr/bin/env python3
"""Self-test for tests/llmserver/server.py: run `python3 tests/llmserver/test_server.py`.

Starts the server as a subprocess and talks to it with urllib, http.client and the curl
command-line tool. Ends with a plain `N passed, N failed` line; exit status 0 when all pass.
"""

import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "server.py")
KEY = "sk-test-SECRET-1234"
REFUSAL = "I'm sorry, but I can't help with that."
TMP = tempfile.mkdtemp(prefix="llmserver-test-")
# b"\xff\xd8\xff\xe0hello" has sha256 3b74e141...; 0x3b = 59, 59 % 5 + 1 = 5 (sha256sum by hand).
TINY_JPEG = b"\xff\xd8\xff\xe0hello"
TINY_JPEG_SCORE = 5

FAULTS = ",".join([
    "r2=429x2", "r7=429:7", "e500=500", "e503=503", "e529=529", "hang=hang:5", "reset=reset",
    "trunc=truncated", "html=nonjson", "nof=nofields", "ref=refusal", "refn=refusalnull",
    "fence=fenced", "think=reasoning", "thinkkey=reasoningkey", "thinktag=thinktag",
    "prose=prose", "bad=badscore", "empty=empty", "cut=cutoff", "cr=reset", "ct=truncated",
    "c429=429", "big=huge:2", "bigs=hugestream:2",
])


def png(seed):
    """A valid 1x1 PNG whose pixel (and so whose sha256) depends on seed."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data)))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixel = zlib.compress(bytes([0, seed % 256, seed // 256, 7]))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", pixel)
        + chunk(b"IEND", b""))


def hash_score(img, k=5):
    return hashlib.sha256(img).digest()[0] % k + 1


def b64(data):
    return base64.b64encode(data).decode()


class Server:
    """One server subprocess; stops when the test that started it stops it."""

    def __init__(self, *args, name="srv"):
        self.port_file = os.path.join(TMP, name + ".port")
        self.log = os.path.join(TMP, name + ".log")
        self.err = open(os.path.join(TMP, name + ".err"), "w")
        for p in (self.port_file, self.log):
            if os.path.exists(p):
                os.unlink(p)
        cmd = [sys.executable, SERVER, "--port-file", self.port_file, "--log", self.log]
        self.proc = subprocess.Popen(cmd + list(args), stdout=subprocess.PIPE,
                         stderr=self.err, text=True)
        line = self.proc.stdout.readline()
        m = re.fullmatch(r"listening 127\.0\.0\.1:(\d+)\n", line)
        if not m:
            raise RuntimeError("server did not start: %r" % line)
        self.port = int(m.group(1))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.err.close()

    def log_lines(self):
        with open(self.log) as f:
            return [json.loads(line) for line in f]

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)


def call(srv, path, body=None, headers=None, method=None, timeout=5):
    """(status, headers, body bytes) through urllib; HTTP errors are answers too."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(srv.url(path), data=data, headers=headers or {},
                     method=method or ("POST" if data is not None else "GET"))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def oa_headers(key=KEY):
    h = {"Content-Type": "application/json"}
    if key is not None:
        h["Authorization"] = "Bearer " + key
    return h


def an_headers(key=KEY, version="2023-06-01"):
    h = {"content-type": "application/json"}
    if key is not None:
        h["x-api-key"] = key
    if version is not None:
        h["anthropic-version"] = version
    return h


def oa_body(text, img=TINY_JPEG, mime="image/jpeg", **extra):
    parts = [{"type": "text", "text": text}]
    if img is not None:
        url = "data:%s;base64,%s" % (mime, b64(img))
        parts.append({"type": "image_url", "image_url": {"url": url}})
    body = {"model": "test-vision", "messages": [
        {"role": "system", "content": "You rate product photos. Answer in JSON."},
        {"role": "user", "content": parts}], "temperature": 0, "max_tokens": 500, "seed": 1}
    body.update(extra)
    return body


def an_body(text, img=TINY_JPEG, mime="image/jpeg", **extra):
    blocks = []
    if img is not None:
        blocks.append({"type": "image", "source": {"type": "base64", "media_type": mime,
                                "data": b64(img)}})
    blocks.append({"type": "text", "text": text})
    body = {"model": "claude-test", "max_tokens": 4000, "system": "You rate product photos.",
        "messages": [{"role": "user", "content": blocks}]}
    body.update(extra)
    return body


def oa(srv, text, **kw):
    return call(srv, "/v1/chat/completions", oa_body(text, **kw), oa_headers())


def an(srv, text, **kw):
    return call(srv, "/v1/messages", an_body(text, **kw), an_headers())


def oa_message(test, status, body):
    test.assertEqual(status, 200, body)
    doc = json.loads(body)
    test.assertEqual(doc["object"], "chat.completion")
    test.assertTrue(doc["id"].startswith("chatcmpl-"))
    test.assertIsInstance(doc["created"], int)
    test.assertEqual(doc["model"], "test-vision")
    test.assertEqual(len(doc["choices"]), 1)
    choice = doc["choices"][0]
    test.assertEqual(choice["index"], 0)
    test.assertEqual(choice["message"]["role"], "assistant")
    u = doc["usage"]
    test.assertEqual(u["total_tokens"], u["prompt_tokens"] + u["completion_tokens"])
    return choice


def an_message(test, status, body):
    test.assertEqual(status, 200, body)
    doc = json.loads(body)
    test.assertEqual((doc["type"], doc["role"], doc["model"]), ("message", "assistant",
                                     "claude-test"))
    test.assertTrue(doc["id"].startswith("msg_"))
    test.assertIsNone(doc["stop_sequence"])
    test.assertIsInstance(doc["usage"]["input_tokens"], int)
    test.assertIsInstance(doc["usage"]["output_tokens"], int)
    return doc


class ServerCase(unittest.TestCase):
    args = ("--key", KEY, "--faults", FAULTS)

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(*cls.args, name=cls.__name__)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()


class TestOpenAI(ServerCase):
    def answer(self, text, **kw):
        choice = oa_message(self, *oa(self.srv, text, **kw)[::2])
        return choice, choice["message"]["content"]

    def test_default_answer_is_clean_json(self):
        choice, content = self.answer("ITEM:ok1 rate this photo")
        self.assertEqual(choice["finish_reason"], "stop")
        self.assertIsNone(choice["message"]["refusal"])
        ans = json.loads(content)
        self.assertEqual(ans["score"], TINY_JPEG_SCORE)
        self.assertEqual(ans["label"], "excellent")
        self.assertEqual(set(ans["aspects"]), {"clarity", "context", "photography"})
        self.assertIsInstance(ans["rationale"], str)
        self.assertEqual(ans["confidence"], 0.8)

    def test_score_follows_image_hash(self):
        names = {1: "unusable", 2: "poor", 3: "acceptable", 4: "good", 5: "excellent"}
        expected = {s: hash_score(png(s)) for s in range(12)}
        self.assertGreaterEqual(len(set(expected.values())), 3) # the check can fail
        for seed, score in expected.items():
            _, content = self.answer("rate", img=png(seed), mime="image/png")
            ans = json.loads(content)
            self.assertEqual((ans["score"], ans["label"]), (score, names[score]), seed)

    def test_expect_score_and_scale_markers(self):
        _, content = self.answer("EXPECT_SCORE:2 SCALE:1=bad|2=meh|3=great")
        self.assertEqual(json.loads(content)["score"], 2)
        self.assertEqual(json.loads(content)["label"], "meh")
        _, content = self.answer("SCALE:1=bad|2=meh|3=great", img=TINY_JPEG)
        self.assertEqual(json.loads(content)["score"], 59 % 3 + 1)      # 0x3b, see TINY_JPEG
        _, content = self.answer("EXPECT_SCORE:4", img=None)
        self.assertEqual(json.loads(content)["label"], "good")

    def test_auth(self):
        for headers in ({"Content-Type": "application/json"}, oa_headers("sk-wrong")):
            status, _, body = call(self.srv, "/v1/chat/completions", oa_body("x"), headers)
            self.assertEqual(status, 401)
            err = json.loads(body)["error"]
            self.assertEqual(set(err), {"message", "type", "param", "code"})
            self.assertEqual(err["code"], "invalid_api_key")
            self.assertNotIn("sk-wrong", err["message"])

    def test_validation_400(self):
        bad_url = oa_body("x")
        bad_url["messages"][1]["content"][1]["image_url"]["url"] = "data:image/jpeg,abc"
        cases = {
            "no model": {k: v for k, v in oa_body("x").items() if k != "model"},
            "no messages": {"model": "m"},
            "empty messages": {"model": "m", "messages": []},
            "bad role": {"model": "m", "messages": [{"role": "robot", "content": "x"}]},
            "bad data url": bad_url,
            "bad base64": oa_body("x", img=b"\xff\xd8\xff", mime="image/jpeg;base64,@@"),
            "not an image": oa_body("x", img=b"plain text, not a picture"),
            "temperature": oa_body("x", temperature=5),
            "max_tokens": oa_body("x", max_tokens=0),
            "response_format": oa_body("x", response_format={"type": "xml"}),
        }
        for name, body in cases.items():
            status, hdrs, raw = call(self.srv, "/v1/chat/completions", body, oa_headers())
            self.assertEqual(status, 400, name)
            self.assertEqual(hdrs["Content-Type"], "application/json")
            err = json.loads(raw)["error"]
            self.assertEqual(err["type"], "invalid_request_error", name)
        status, _, _ = call(self.srv, "/v1/chat/completions", b"{not json", oa_headers())
        self.assertEqual(status, 400)

    def test_response_format_accepted(self):
        for rf in ({"type": "json_object"}, {"type": "json_schema", "json_schema": {
                "name": "label", "schema": {"type": "object"}}}):
            self.answer("x", response_format=rf)

    def test_unknown_path_404_and_models(self):
        status, _, body = call(self.srv, "/v1/completions", oa_body("x"), oa_headers())
        self.assertEqual(status, 404)
        self.assertIn("error", json.loads(body))
        status, _, body = call(self.srv, "/v1/models", headers=oa_headers())
        self.assertEqual(status, 200)
        doc = json.loads(body)
        self.assertEqual(doc["object"], "list")
        self.assertEqual(doc["data"][0]["object"], "model")

    def test_429_twice_then_success_and_log(self):
        for _ in range(2):
            status, hdrs, body = oa(self.srv, "ITEM:r2")
            self.assertEqual(status, 429)
            self.assertEqual(hdrs["Retry-After"], "1")
            self.assertEqual(json.loads(body)["error"]["code"], "rate_limit_exceeded")
        choice, content = self.answer("ITEM:r2")
        self.assertEqual(json.loads(content)["score"], TINY_JPEG_SCORE)
        mine = [r for r in self.srv.log_lines() if r["item"] == "r2"]
        self.assertEqual([r["status"] for r in mine], [429, 429, 200])
        self.assertEqual([r["attempt"] for r in mine], [1, 2, 3])

    def test_429_with_retry_after_seconds(self):
        status, hdrs, _ = oa(self.srv, "ITEM:r7")
        self.assertEqual((status, hdrs["Retry-After"]), (429, "7"))

    def test_server_errors(self):
        for item, status in (("e500", 500), ("e503", 503), ("e529", 529)):
            got, _, body = oa(self.srv, "ITEM:" + item)
            self.assertEqual(got, status)
            self.assertEqual(json.loads(body)["error"]["type"], "server_error")

    def test_hang_times_out_client(self):
        t0 = time.monotonic()
        with self.assertRaises((TimeoutError, socket.timeout, urllib.error.URLError)):
            call(self.srv, "/v1/chat/completions", oa_body("ITEM:hang"), oa_headers(),
                 timeout=0.5)
        self.assertLess(time.monotonic() - t0, 2)

    def test_reset_is_a_real_rst(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=5)
        conn.request("POST", "/v1/chat/completions", json.dumps(oa_body("ITEM:reset")),
                 oa_headers())
        with self.assertRaises(ConnectionResetError) as cm:
            conn.getresponse()
        # RemoteDisconnected would mean an orderly close (FIN), not a reset.
        self.assertNotIsInstance(cm.exception, http.client.RemoteDisconnected)
        conn.close()

    def test_truncated_body(self):
        req = urllib.request.Request(self.srv.url("/v1/chat/completions"),
                         json.dumps(oa_body("ITEM:trunc")).encode(), oa_headers())
        with urllib.request.urlopen(req, timeout=5) as r:
            self.assertEqual(r.status, 200)
            with self.assertRaises(http.client.IncompleteRead):
                r.read()

    def test_nonjson_and_nofields(self):
        status, hdrs, body = oa(self.srv, "ITEM:html")
        self.assertEqual(status, 200)
        self.assertTrue(hdrs["Content-Type"].startswith("text/html"))
        with self.assertRaises(ValueError):
            json.loads(body)
        status, _, body = oa(self.srv, "ITEM:nof")
        doc = json.loads(body)
        self.assertEqual(status, 200)
        self.assertNotIn("choices", doc)

    def test_huge_replies(self):
        for item, has_length in (("big", True), ("bigs", False)):
            conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
            conn.request("POST", "/v1/chat/completions", json.dumps(oa_body("ITEM:" + item)),
                         oa_headers())
            r = conn.getresponse()
            body = r.read()
            conn.close()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.getheader("Content-Length") is not None, has_length, item)
            content = json.loads(body)["choices"][0]["message"]["content"]
            self.assertEqual(len(content), 2 << 20, item)

    def test_refusals(self):
        choice, content = self.answer("ITEM:ref")
        self.assertEqual((content, choice["message"]["refusal"]), (REFUSAL, REFUSAL))
        choice, content = self.answer("ITEM:refn")
        self.assertEqual((content, choice["message"]["refusal"]), (None, REFUSAL))

    def test_fenced(self):
        _, content = self.answer("ITEM:fence EXPECT_SCORE:3")
        m = re.search(r"```json\n(.*?)\n```", content, re.S)
        self.assertIsNotNone(m)
        self.assertNotEqual(content.strip(), m.group(0))        # prose around the fence
        self.assertEqual(json.loads(m.group(1))["score"], 3)

    def test_reasoning_channels(self):
        choice, content = self.answer("ITEM:think EXPECT_SCORE:2")
        self.assertIn("step by step", choice["message"]["reasoning_content"])
        self.assertEqual(json.loads(content)["score"], 2)
        choice, _ = self.answer("ITEM:thinkkey")
        self.assertIn("step by step", choice["message"]["reasoning"])
        self.assertNotIn("reasoning_content", choice["message"])
        _, content = self.answer("ITEM:thinktag EXPECT_SCORE:4")
        m = re.fullmatch(r"<think>\n.*\n</think>\n\n(\{.*\})", content, re.S)
        self.assertEqual(json.loads(m.group(1))["score"], 4)

    def test_bad_answers(self):
        self.assertEqual(self.answer("ITEM:prose EXPECT_SCORE:4")[1], "Score: 4")
        self.assertEqual(json.loads(self.answer("ITEM:bad")[1])["score"], 9)
        self.assertEqual(self.answer("ITEM:empty")[1], "")
        choice, content = self.answer("ITEM:cut")
        self.assertEqual(choice["finish_reason"], "length")
        with self.assertRaises(ValueError):
            json.loads(content)

    def test_log_never_holds_the_key(self):
        call(self.srv, "/v1/chat/completions", oa_body("ITEM:nokey"), oa_headers(None))
        with open(self.srv.log) as f:
            text = f.read()
        self.assertNotIn(KEY, text)
        self.assertNotIn("SECRET", text)
        recs = [r for r in self.srv.log_lines() if r["item"] == "nokey"]
        self.assertEqual([(r["auth"], r["status"]) for r in recs], [(False, 401)])
        self.assertTrue(all(set(r) >= {"method", "path", "item", "fault", "status", "auth"}
                    for r in self.srv.log_lines()))


class TestAnthropic(ServerCase):
    def answer(self, text, **kw):
        return an_message(self, *an(self.srv, text, **kw)[::2])

    def test_default_answer(self):
        doc = self.answer("ITEM:aok")
        self.assertEqual(doc["stop_reason"], "end_turn")
        self.assertEqual([b["type"] for b in doc["content"]], ["text"])
        ans = json.loads(doc["content"][0]["text"])
        self.assertEqual((ans["score"], ans["label"]), (TINY_JPEG_SCORE, "excellent"))
        img = png(3)
        doc = self.answer("x", img=img, mime="image/png")
        self.assertEqual(json.loads(doc["content"][0]["text"])["score"], hash_score(img))

    def test_auth_errors(self):
        for key in (None, "wrong"):
            status, _, body = call(self.srv, "/v1/messages", an_body("x"), an_headers(key))
            self.assertEqual(status, 401)
            self.assertEqual(json.loads(body), {"type": "error", "error": {
                "type": "authentication_error", "message": json.loads(body)["error"]["message"]}})

    def test_validation_400(self):
        no_max = an_body("x")
        del no_max["max_tokens"]
        cases = {
            "no version": (an_body("x"), an_headers(version=None)),
            "no max_tokens": (no_max, an_headers()),
            "no model": ({"max_tokens": 5, "messages": [{"role": "user", "content": "x"}]},
                     an_headers()),
            "no messages": ({"model": "m", "max_tokens": 5}, an_headers()),
            "system role": ({"model": "m", "max_tokens": 5, "messages": [
                {"role": "system", "content": "x"}]}, an_headers()),
            "media type mismatch": (an_body("x", img=png(1), mime="image/jpeg"), an_headers()),
            "bad media type": (an_body("x", mime="image/bmp"), an_headers()),
            "bad base64": (an_body("x", img=b"\xff\xd8\xff", mime="image/jpeg"), an_headers()),
            "thinking budget": (an_body("x", max_tokens=2000, thinking={
                "type": "enabled", "budget_tokens": 4000}), an_headers()),
        }
        cases["bad base64"][0]["messages"][0]["content"][0]["source"]["data"] = "!!notb64"
        for name, (body, headers) in cases.items():
            status, _, raw = call(self.srv, "/v1/messages", body, headers)
            self.assertEqual(status, 400, name)
            doc = json.loads(raw)
            self.assertEqual(doc["type"], "error")
            self.assertEqual(doc["error"]["type"], "invalid_request_error", name)

    def test_rate_limit_and_overload(self):
        status, hdrs, body = an(self.srv, "ITEM:r7")
        self.assertEqual((status, hdrs["retry-after"]), (429, "7"))
        self.assertEqual(json.loads(body)["error"]["type"], "rate_limit_error")
        status, _, body = an(self.srv, "ITEM:e529")
        self.assertEqual(status, 529)
        self.assertEqual(json.loads(body)["error"]["type"], "overloaded_error")
        status, _, body = an(self.srv, "ITEM:e500")
        self.assertEqual((status, json.loads(body)["error"]["type"]), (500, "api_error"))

    def test_thinking_block_precedes_text(self):
        for doc in (self.answer("ITEM:think EXPECT_SCORE:2"), self.answer(
                "EXPECT_SCORE:2", thinking={"type": "enabled", "budget_tokens": 1024})):
            self.assertEqual([b["type"] for b in doc["content"]], ["thinking", "text"])
            self.assertIn("step by step", doc["content"][0]["thinking"])
            self.assertTrue(doc["content"][0]["signature"])
            self.assertEqual(json.loads(doc["content"][1]["text"])["score"], 2)

    def test_content_faults(self):
        doc = self.answer("ITEM:ref")
        self.assertEqual(doc["content"], [{"type": "text", "text": REFUSAL}])
        doc = self.answer("ITEM:refn")
        self.assertEqual((doc["content"], doc["stop_reason"]), ([], "refusal"))
        self.assertEqual(self.answer("ITEM:empty")["content"], [])
        self.assertEqual(self.answer("ITEM:cut")["stop_reason"], "max_tokens")
        self.assertIn("```json", self.answer("ITEM:fence")["content"][0]["text"])
        status, _, body = an(self.srv, "ITEM:nof")
        self.assertEqual(status, 200)
        self.assertNotIn("content", json.loads(body))

    def test_models(self):
        status, _, body = call(self.srv, "/v1/models", headers=an_headers())
        self.assertEqual(status, 200)
        doc = json.loads(body)
        self.assertEqual(doc["data"][0]["type"], "model")
        self.assertIs(doc["has_more"], False)


def curl(srv, *args, body=None, timeout=10):
    cmd = ["curl", "-sS", "--fail-with-body", "-H", "Authorization: Bearer " + KEY,
           "-H", "Content-Type: application/json"]
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        cmd += ["--data-binary", "@-"]
    p = subprocess.run(cmd + list(args), input=data, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr.decode()


class TestCurl(ServerCase):
    def test_success_and_errors(self):
        url = self.srv.url("/v1/chat/completions")
        rc, out, err = curl(self.srv, url, body=oa_body("ITEM:cok"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(json.loads(out)["choices"][0]["message"]["content"])
                 ["score"], TINY_JPEG_SCORE)
        rc, out, _ = curl(self.srv, url, body=oa_body("ITEM:c429"))
        self.assertEqual(rc, 22)        # HTTP error, body still delivered
        self.assertEqual(json.loads(out)["error"]["code"], "rate_limit_exceeded")
        rc, _, err = curl(self.srv, url, body=oa_body("ITEM:cr"))
        self.assertEqual(rc, 56, err)   # recv failure: connection reset
        rc, _, err = curl(self.srv, url, body=oa_body("ITEM:ct"))
        self.assertEqual(rc, 18, err)   # partial file

    def test_keep_alive_reuse(self):
        url = self.srv.url("/v1/models")
        rc, _, err = curl(self.srv, "-v", url, url)
        self.assertEqual(rc, 0, err)
        self.assertRegex(err, r"Re-?using existing connection")

    def test_large_body_expect_continue_is_fast(self):
        big = bytes([0xff, 0xd8, 0xff]) + os.urandom(2 << 20)
        # curl sends "Expect: 100-continue" with a large body and waits for the
        # interim reply; a server that never sends it costs every large request
        # curl's timeout (1 s by default; 20 s here, past the 10 s limit, so a
        # missing reply fails the test whatever the machine's load)
        rc, out, err = curl(self.srv, "-v", "--expect100-timeout", "20",
                            self.srv.url("/v1/chat/completions"),
                            body=oa_body("EXPECT_SCORE:1", img=big))
        self.assertEqual(rc, 0, err)
        self.assertIn("< HTTP/1.1 100 Continue", err)
        self.assertEqual(json.loads(json.loads(out)["choices"][0]["message"]["content"])
                 ["score"], 1)


class TestRejectResponseFormat(ServerCase):
    args = ("--reject-response-format",)

    def test_reject(self):
        status, _, body = oa(self.srv, "x", response_format={"type": "json_object"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["error"]["param"], "response_format")
        status, _, _ = oa(self.srv, "x")        # no --key: any key is fine
        self.assertEqual(status, 200)


class TestConcurrency(ServerCase):
    args = ("--latency-ms", "500")

    def test_64_parallel_requests_are_not_serialised(self):
        results = []

        def one(i):
            results.append(oa(self.srv, "ITEM:p%d EXPECT_SCORE:%d" % (i, i % 5 + 1))[0])

        threads = [threading.Thread(target=one, args=(i,)) for i in range(64)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        self.assertEqual(results, [200] * 64)
        self.assertGreaterEqual(elapsed, 0.5)   # the latency is real
        self.assertLess(elapsed, 3.0)           # serialised would take 32 s


class TestLifecycle(unittest.TestCase):
    def wait_gone(self, pid, limit=4.0):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                with open("/proc/%d/stat" % pid) as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        return True
            except OSError:
                return True
            time.sleep(0.1)
        return False

    def test_exits_when_parent_exits(self):
        # A middle process starts the server (default --parent-pid) and then dies.
        code = ("import subprocess, sys, time\n"
            "p = subprocess.Popen([sys.executable, %r, '--idle-timeout', '60'],"
            " stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)\n"
            "print(p.stdout.readline().strip(), p.pid, flush=True)\n"
            "time.sleep(60)\n" % SERVER)
        mid = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        line = mid.stdout.readline().split()
        self.assertEqual(line[0], "listening")
        server_pid = int(line[2])
        self.assertFalse(self.wait_gone(server_pid, 0.7))       # alive while its parent is
        mid.send_signal(signal.SIGKILL)
        mid.wait()
        mid.stdout.close()
        gone = self.wait_gone(server_pid)
        if not gone:
            os.kill(server_pid, signal.SIGKILL)
        self.assertTrue(gone, "server outlived its parent")

    def test_exits_when_parent_pid_exits(self):
        sleeper = subprocess.Popen(["sleep", "60"])
        srv = Server("--parent-pid", str(sleeper.pid), name="ppid")
        try:
            self.assertIsNone(srv.proc.poll())
            sleeper.kill()
            sleeper.wait()
            self.assertEqual(srv.proc.wait(timeout=3), 0)
        finally:
            srv.stop()

    def test_idle_timeout_and_max_requests(self):
        idle = Server("--idle-timeout", "1", name="idle")
        maxr = Server("--max-requests", "2", name="maxr")
        try:
            self.assertEqual(oa(maxr, "x")[0], 200)
            self.assertIsNone(maxr.proc.poll())
            self.assertEqual(oa(maxr, "x")[0], 200)
            self.assertEqual(maxr.proc.wait(timeout=2), 0)
            self.assertEqual(idle.proc.wait(timeout=4), 0)
        finally:
            idle.stop()
            maxr.stop()

    def test_port_file_and_loopback_only(self):
        srv = Server(name="bind")
        try:
            with open(srv.port_file) as f:
                self.assertEqual(f.read(), "%d\n" % srv.port)
            self.assertEqual([n for n in os.listdir(TMP) if ".tmp." in n], [])
            with open("/proc/net/tcp") as f:
                listening = [ln.split()[1] for ln in f.readlines()[1:] if ln.split()[3] == "0A"]
            self.assertIn("0100007F:%04X" % srv.port, listening)
            self.assertNotIn("00000000:%04X" % srv.port, listening)
        finally:
            srv.stop()

    def test_seeded_fault_rate_is_reproducible(self):
        runs = []
        for name in ("rate1", "rate2"):
            srv = Server("--fault-rate", "500:0.3,429:2:0.2", "--seed", "7", name=name)
            try:
                runs.append([oa(srv, "x")[0] for _ in range(30)])
            finally:
                srv.stop()
        self.assertEqual(runs[0], runs[1])
        self.assertEqual(set(runs[0]), {200, 429, 500})

    def test_bad_fault_spec_is_refused(self):
        p = subprocess.run([sys.executable, SERVER, "--faults", "a=explode"],
                   capture_output=True, text=True, timeout=5)
        self.assertEqual(p.returncode, 2)
        self.assertIn("bad fault", p.stderr)


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed - len(result.skipped), failed))
    if failed:
        print("server logs kept in " + TMP)
    else:
        shutil.rmtree(TMP, ignore_errors=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
