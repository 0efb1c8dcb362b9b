#!/usr/bin/env python3
"""Local fake LLM server for gavel's labelling tests (Python 3 standard library only).

Speaks the OpenAI Chat Completions API (POST /v1/chat/completions) and the Anthropic
Messages API (POST /v1/messages), plus GET /v1/models, on 127.0.0.1 only. Answers are
deterministic JSON labels derived from markers in the prompt (ITEM:<id>,
EXPECT_SCORE:<n>, SCALE:1=a|2=b|...) and the image bytes; faults are injected per item
(--faults) or at a seeded rate (--fault-rate). See README.md next to this file.
"""

import argparse
import base64
import binascii
import hashlib
import json
import os
import random
import re
import select
import socket
import socketserver
import struct
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_SCALE = {1: "unusable", 2: "poor", 3: "acceptable", 4: "good", 5: "excellent"}
REFUSAL = "I'm sorry, but I can't help with that."
MAX_BODY = 32 << 20                     # Anthropic's documented request limit
DEFAULT_HANG_S = 300.0
DEFAULT_HUGE_MB = 60                    # a hostile endpoint's reply (issue 9: 60 MB took 470 MB)
ITEM_RE = re.compile(r"ITEM:([A-Za-z0-9._-]+)")
EXPECT_RE = re.compile(r"EXPECT_SCORE:(-?\d+)")
SCALE_RE = re.compile(r"SCALE:(\d+=[^|\s]+(?:\|\d+=[^|\s]+)*)")
DATA_URL_RE = re.compile(r"data:(image/[a-z]+);base64,(.*)", re.S)
MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
IMAGE_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
               (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))
REASONS = {529: "Overloaded"}           # http.server does not know 529


class ApiError(Exception):
    """A request the real API would refuse; rendered in the protocol's error shape."""

    def __init__(self, status, message, param=None, code=None):
        super().__init__(message)
        self.status, self.message, self.param, self.code = status, message, param, code


def need(cond, message, param=None, status=400):
    if not cond:
        raise ApiError(status, message, param)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def sniff_image(data):
    """Media type from magic bytes, or None: the real APIs reject bytes that are no image."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((t for magic, t in IMAGE_MAGIC if data.startswith(magic)), None)


def decode_b64_image(data, param):
    need(isinstance(data, str) and data, "image data must be a non-empty base64 string", param)
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, "Invalid base64 image data.", param) from None
    need(sniff_image(raw) is not None, "You uploaded an unsupported image. Please make sure "
         "your image is of one of the following formats: ['png', 'jpeg', 'gif', 'webp'].", param)
    return raw


@dataclass
class Reply:
    """What the fake model 'said'; each protocol renders it in its own shape."""
    content: str
    reasoning: str = None
    reasoning_key: str = "reasoning_content"    # OpenAI side; OpenRouter/Ollama use "reasoning"
    refusal: str = None
    finish: str = "stop"                        # stop | length | refusal


class OpenAI:
    name = "openai"
    finish = {"stop": "stop", "length": "length", "refusal": "stop"}
    types = {429: "requests", 500: "server_error", 503: "server_error", 529: "server_error"}
    codes = {401: "invalid_api_key", 404: "unknown_url", 429: "rate_limit_exceeded"}

    @staticmethod
    def check_auth(headers, key):
        if key is None:
            return
        scheme, _, token = (headers.get("Authorization") or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "You didn't provide an API key. You need to provide your API "
                           "key in an Authorization header using Bearer auth.")
        if token.strip() != key:
            raise ApiError(401, "Incorrect API key provided.")

    @classmethod
    def error_body(cls, err):
        etype = cls.types.get(err.status, "invalid_request_error")
        return {"error": {"message": err.message, "type": etype, "param": err.param,
                          "code": err.code or cls.codes.get(err.status)}}

    retry_header = "Retry-After"

    @staticmethod
    def validate(body, headers, opts):
        """Refuses what the real API refuses; returns the prompt's texts and image bytes."""
        need(isinstance(body, dict), "The request body must be a JSON object.")
        need(isinstance(body.get("model"), str) and body["model"],
             "you must provide a model parameter", "model")
        msgs = body.get("messages")
        need(isinstance(msgs, list) and msgs, "'messages' must be a non-empty array.", "messages")
        texts, images = [], []
        for i, m in enumerate(msgs):
            OpenAI.walk_message(m, "messages[%d]" % i, texts, images)
        if "response_format" in body:
            need(not opts.reject_response_format, "This model does not support "
                 "'response_format'.", "response_format")
            rf = body["response_format"]
            need(isinstance(rf, dict) and rf.get("type") in ("text", "json_object", "json_schema"),
                 "Invalid value for 'response_format.type'.", "response_format.type")
            need(rf["type"] != "json_schema" or isinstance(rf.get("json_schema"), dict)
                 and isinstance(rf["json_schema"].get("name"), str),
                 "Missing required parameter: 'response_format.json_schema.name'.",
                 "response_format.json_schema")
        t = body.get("temperature")
        need(t is None or (is_num(t) and 0 <= t <= 2), "'temperature' must be between 0 and 2.",
             "temperature")
        for k in ("max_tokens", "max_completion_tokens"):
            v = body.get(k)
            need(v is None or (is_int(v) and v >= 1), "'%s' must be a positive integer." % k, k)
        need(body.get("seed") is None or is_int(body["seed"]), "'seed' must be an integer.", "seed")
        need(not body.get("stream"), "stream=true is not supported by the gavel test server.",
             "stream")
        return texts, images

    @staticmethod
    def walk_message(m, where, texts, images):
        need(isinstance(m, dict), "%s must be an object." % where, where)
        need(m.get("role") in ("system", "developer", "user", "assistant", "tool"),
             "Invalid value for '%s.role'." % where, where + ".role")
        c = m.get("content")
        if isinstance(c, str) or c is None and m["role"] == "assistant":
            texts.append(c or "")
            return
        need(isinstance(c, list), "Invalid type for '%s.content'." % where, where + ".content")
        for j, p in enumerate(c):
            pw = "%s.content[%d]" % (where, j)
            need(isinstance(p, dict) and p.get("type") in ("text", "image_url"),
                 "Invalid content part type in '%s'." % pw, pw + ".type")
            if p["type"] == "text":
                need(isinstance(p.get("text"), str), "Missing '%s.text'." % pw, pw + ".text")
                texts.append(p["text"])
            else:
                images.append(OpenAI.image_bytes(p, pw))

    @staticmethod
    def image_bytes(part, where):
        iu = part.get("image_url")
        need(isinstance(iu, dict) and isinstance(iu.get("url"), str),
             "Missing '%s.image_url.url'." % where, where + ".image_url")
        need(iu.get("detail", "auto") in ("auto", "low", "high"), "Invalid image detail.",
             where + ".image_url.detail")
        url = iu["url"]
        if url.startswith(("http://", "https://")):
            return url.encode()     # nothing to fetch offline; the URL stands for the image
        m = DATA_URL_RE.fullmatch(url)
        need(m is not None and m.group(1) in MEDIA_TYPES, "Invalid image URL: expected a "
             "base64 data URL such as data:image/jpeg;base64,...", where + ".image_url.url")
        return decode_b64_image(m.group(2), where + ".image_url.url")

    @classmethod
    def answer_body(cls, ctx, r):
        msg = {"role": "assistant", "content": r.content, "refusal": r.refusal}
        if r.reasoning is not None:
            msg[r.reasoning_key] = r.reasoning
        out_tokens = ctx.tokens(r.content) + ctx.tokens(r.reasoning)
        return dict(OpenAI.nofields_body(ctx), system_fingerprint="fp_gavel_test",
                    choices=[{"index": 0, "message": msg, "logprobs": None,
                              "finish_reason": cls.finish[r.finish]}],
                    usage={"prompt_tokens": ctx.prompt_tokens, "completion_tokens": out_tokens,
                           "total_tokens": ctx.prompt_tokens + out_tokens})

    @staticmethod
    def nofields_body(ctx):
        return {"id": "chatcmpl-" + ctx.request_id, "object": "chat.completion",
                "created": int(time.time()), "model": ctx.model}

    @staticmethod
    def models_body(model):
        return {"object": "list", "data": [{"id": model, "object": "model",
                                            "created": 1700000000, "owned_by": "gavel-test"}]}


class Anthropic:
    name = "anthropic"
    finish = {"stop": "end_turn", "length": "max_tokens", "refusal": "refusal"}
    types = {401: "authentication_error", 403: "permission_error", 404: "not_found_error",
             413: "request_too_large", 429: "rate_limit_error", 500: "api_error",
             503: "api_error", 529: "overloaded_error"}
    block_types = ("text", "image", "document", "tool_use", "tool_result", "thinking",
                   "redacted_thinking")

    @staticmethod
    def check_auth(headers, key):
        if key is not None:
            need(headers.get("x-api-key"), "x-api-key header is required", status=401)
            need(headers["x-api-key"] == key, "invalid x-api-key", status=401)

    @classmethod
    def error_body(cls, err):
        etype = cls.types.get(err.status, "invalid_request_error")
        return {"type": "error", "error": {"type": etype, "message": err.message}}

    retry_header = "retry-after"

    @staticmethod
    def validate(body, headers, opts):
        """Refuses what the real API refuses; returns the prompt's texts and image bytes."""
        need(headers.get("anthropic-version"), "anthropic-version: header is required")
        need(isinstance(body, dict), "The request body must be a JSON object.")
        need(isinstance(body.get("model"), str) and body["model"], "model: Field required")
        mt = body.get("max_tokens")
        need(mt is not None, "max_tokens: Field required")
        need(is_int(mt) and mt >= 1, "max_tokens: Input should be a valid positive integer")
        msgs = body.get("messages")
        need(msgs is not None, "messages: Field required")
        need(isinstance(msgs, list) and msgs, "messages: at least one message is required")
        texts, images = [], []
        system = body.get("system")
        if system is not None:
            need(isinstance(system, str) or isinstance(system, list) and all(
                 isinstance(b, dict) and b.get("type") == "text" for b in system),
                 "system: Input should be a string or a list of text blocks")
            Anthropic.walk_content(system, "system", texts, images)
        for i, m in enumerate(msgs):
            need(isinstance(m, dict) and m.get("role") in ("user", "assistant"),
                 "messages.%d.role: Input should be 'user' or 'assistant'" % i)
            Anthropic.walk_content(m.get("content"), "messages.%d.content" % i, texts, images)
        t = body.get("temperature")
        need(t is None or (is_num(t) and 0 <= t <= 1), "temperature: must be between 0 and 1")
        th = body.get("thinking")
        if isinstance(th, dict) and th.get("type") == "enabled":
            b = th.get("budget_tokens")
            need(is_int(b) and b >= 1024, "thinking.enabled.budget_tokens: Input should be "
                 "greater than or equal to 1024")
            need(b < mt, "`max_tokens` must be greater than `thinking.budget_tokens`.")
        need(not body.get("stream"), "stream=true is not supported by the gavel test server.")
        return texts, images

    @staticmethod
    def walk_content(c, where, texts, images):
        if isinstance(c, str):
            need(c, "%s: text content blocks must be non-empty" % where)
            texts.append(c)
            return
        need(isinstance(c, list), "%s: Input should be a valid list" % where)
        for j, b in enumerate(c):
            bw = "%s.%d" % (where, j)
            need(isinstance(b, dict) and b.get("type") in Anthropic.block_types,
                 "%s: Input tag does not match any of the expected tags" % bw)
            if b["type"] == "text":
                need(isinstance(b.get("text"), str) and b["text"],
                     "%s: text content blocks must be non-empty" % bw)
                texts.append(b["text"])
            elif b["type"] == "image":
                images.append(Anthropic.image_bytes(b, bw))

    @staticmethod
    def image_bytes(block, where):
        src = block.get("source")
        need(isinstance(src, dict) and src.get("type") in ("base64", "url"),
             "%s.source: Input tag does not match any of the expected tags" % where)
        if src["type"] == "url":
            need(isinstance(src.get("url"), str), "%s.source.url: Field required" % where)
            return src["url"].encode()
        mt = src.get("media_type")
        need(mt in MEDIA_TYPES, "%s.source.media_type: Input should be 'image/jpeg', "
             "'image/png', 'image/gif' or 'image/webp'" % where)
        raw = decode_b64_image(src.get("data"), where + ".source.data")
        need(sniff_image(raw) == mt, "%s: Image does not match the provided media type %s"
             % (where, mt))
        return raw

    @classmethod
    def answer_body(cls, ctx, r):
        blocks = []
        reasoning = r.reasoning
        if reasoning is None and (ctx.body.get("thinking") or {}).get("type") == "enabled":
            reasoning = reasoning_text(ctx)
        if reasoning is not None:
            sig = base64.b64encode(hashlib.sha256(reasoning.encode()).digest()).decode()
            blocks.append({"type": "thinking", "thinking": reasoning, "signature": sig})
        if r.content:
            blocks.append({"type": "text", "text": r.content})
        return dict(Anthropic.nofields_body(ctx), content=blocks,
                    stop_reason=cls.finish[r.finish], stop_sequence=None,
                    usage={"input_tokens": ctx.prompt_tokens, "cache_creation_input_tokens": 0,
                           "cache_read_input_tokens": 0,
                           "output_tokens": ctx.tokens(r.content) + ctx.tokens(reasoning)})

    @staticmethod
    def nofields_body(ctx):
        return {"id": "msg_" + ctx.request_id, "type": "message", "role": "assistant",
                "model": ctx.model}

    @staticmethod
    def models_body(model):
        entry = {"type": "model", "id": model, "display_name": model,
                 "created_at": "2025-01-01T00:00:00Z"}
        return {"data": [entry], "has_more": False, "first_id": model, "last_id": model}


class Ctx:
    """One request: protocol, parsed body and the deterministic answer derived from it."""

    def __init__(self, proto):
        self.proto, self.body, self.model = proto, {}, "gavel-test-model"
        self.item = self.attempt = self.fault = None
        self.score, self.scale, self.prompt_tokens = None, DEFAULT_SCALE, 0
        self.request_id = uuid.uuid4().hex[:24]

    def derive(self, body, texts, images):
        text = "\n".join(texts)
        self.body, self.model = body, body["model"]
        m = ITEM_RE.search(text)
        self.item = m.group(1) if m else None
        m = SCALE_RE.search(text)
        if m:
            pairs = (p.split("=", 1) for p in m.group(1).split("|"))
            self.scale = {int(k): v for k, v in pairs}
        m = EXPECT_RE.search(text)
        if m:
            self.score = int(m.group(1))
        else:   # first image only, so a test can predict it from one file's sha256
            digest = hashlib.sha256(images[0] if images else b"").digest()
            keys = sorted(self.scale)
            self.score = keys[digest[0] % len(keys)]
        self.prompt_tokens = len(text) // 4 + 85 * len(images) + 8

    @staticmethod
    def tokens(s):
        return (len(s) + 3) // 4 if s else 0


def answer_json(ctx, score=None):
    score = ctx.score if score is None else score
    label = ctx.scale.get(score, "unknown")
    who = ctx.item or "this image"
    return json.dumps({
        "aspects": {"clarity": "the product is in focus and fully visible",
                    "context": "plain background, nothing distracting",
                    "photography": "even lighting, natural colours"},
        "rationale": "Deterministic test answer for %s: score %d (%s)." % (who, score, label),
        "score": score, "label": label, "confidence": 0.8})


def reasoning_text(ctx):
    return ("Let me look at the photo step by step. Focus, background and lighting "
            "together put it at %d on the scale." % ctx.score)


# Faults that change what the model says; the HTTP exchange stays well-formed.
CONTENT_FAULTS = {
    None: lambda c: Reply(answer_json(c)),
    "refusal": lambda c: Reply(REFUSAL, refusal=REFUSAL),
    "refusalnull": lambda c: Reply(None, refusal=REFUSAL, finish="refusal"),
    "fenced": lambda c: Reply("Here is my assessment of the photo:\n\n```json\n%s\n```\n\n"
                              "Let me know if you need anything else." % answer_json(c)),
    "reasoning": lambda c: Reply(answer_json(c), reasoning=reasoning_text(c)),
    "reasoningkey": lambda c: Reply(answer_json(c), reasoning=reasoning_text(c),
                                    reasoning_key="reasoning"),
    "thinktag": lambda c: Reply("<think>\n%s\n</think>\n\n%s"
                                % (reasoning_text(c), answer_json(c))),
    "prose": lambda c: Reply("Score: %d" % c.score),
    "badscore": lambda c: Reply(answer_json(c, score=9)),
    "empty": lambda c: Reply(""),
    "cutoff": lambda c: Reply(answer_json(c)[:40], finish="length"),
}

# Faults in the HTTP exchange itself: handler method names on Handler.
TRANSPORT_FAULTS = {
    "429": "fault_status", "500": "fault_status", "503": "fault_status", "529": "fault_status",
    "hang": "fault_hang", "reset": "fault_reset", "truncated": "fault_truncated",
    "nonjson": "fault_nonjson", "nofields": "fault_nofields",
    "huge": "fault_huge", "hugestream": "fault_huge",
}
FAULT_MODES = set(TRANSPORT_FAULTS) | {k for k in CONTENT_FAULTS if k}
STATUS_MESSAGES = {
    429: "Rate limit reached for requests. Please try again later.",
    500: "The server had an error while processing your request. Sorry about that!",
    503: "The service is temporarily unavailable. Please try again later.",
    529: "Overloaded",
}


class Fault:
    """MODE[:ARG][xTIMES] -- ARG is Retry-After for 429, seconds for hang, MB for huge."""
    SPEC_RE = re.compile(r"([a-z0-9]+?)(?::(\d+(?:\.\d+)?))?(?:x(\d+))?")

    def __init__(self, text):
        m = self.SPEC_RE.fullmatch(text.strip())
        if not m or m.group(1) not in FAULT_MODES:
            raise ValueError("bad fault %r (modes: %s)" % (text, " ".join(sorted(FAULT_MODES))))
        self.mode, self.text = m.group(1), text.strip()
        self.arg = float(m.group(2)) if m.group(2) else None
        self.times = int(m.group(3)) if m.group(3) else None


class State:
    """Everything the request threads share, behind one lock."""

    def __init__(self, opts):
        self.opts, self.lock, self.stop = opts, threading.Lock(), threading.Event()
        self.rng = random.Random(opts.seed)
        self.attempts, self.inflight, self.done = {}, 0, 0
        self.last_activity = time.monotonic()
        self.log = open(opts.log, "a", encoding="utf-8") if opts.log else None

    def choose_fault(self, item):
        with self.lock:
            n = None
            if item is not None:
                n = self.attempts[item] = self.attempts.get(item, 0) + 1
            f = self.opts.faults.get(item)
            if f and (f.times is None or n <= f.times):
                return f, n
            if self.opts.fault_rate:
                u, acc = self.rng.random(), 0.0
                for f, p in self.opts.fault_rate:
                    acc += p
                    if u < acc:
                        return f, n
            return None, n

    def write_log(self, rec):
        if self.log:
            with self.lock:
                self.log.write(json.dumps(rec) + "\n")
                self.log.flush()

    def begin(self):
        with self.lock:
            self.inflight += 1
            self.last_activity = time.monotonic()

    def end(self):
        with self.lock:
            self.inflight -= 1
            self.done += 1
            self.last_activity = time.monotonic()
            if self.opts.max_requests and self.done >= self.opts.max_requests:
                self.stop.set()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, so libcurl can reuse connections
    # headers and body go out in two writes: without TCP_NODELAY, Nagle holds the
    # body until the client ACKs the headers, and delayed ACK makes that 40 ms.
    disable_nagle_algorithm = True
    server_version = "gavel-llmserver/1"
    timeout = 300                   # idle keep-alive connections do not hold a thread forever
    routes = {"/v1/chat/completions": OpenAI, "/v1/messages": Anthropic}

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        st = self.server.state
        st.begin()
        try:
            self.dispatch(self.command, st)
        except (ConnectionError, socket.timeout):
            self.close_connection = True
        finally:
            st.end()

    do_GET = do_POST

    def dispatch(self, method, st):
        path = self.path.split("?", 1)[0]
        anthropic_hdr = self.headers.get("anthropic-version") or self.headers.get("x-api-key")
        proto = self.routes.get(path) or (Anthropic if anthropic_hdr else OpenAI)
        ctx, raw = Ctx(proto), b""
        try:
            raw = self.read_body()
            time.sleep(st.opts.latency_ms / 1000.0)
            proto.check_auth(self.headers, st.opts.key)
            if method == "GET" and path == "/v1/models":
                return self.send_json(ctx, 200, proto.models_body(ctx.model))
            need(method == "POST" and path in self.routes, "Invalid URL (%s %s)" %
                 (method, path), status=404)
            try:
                body = json.loads(raw)
            except ValueError:
                raise ApiError(400, "We could not parse the JSON body of your request.") from None
            ctx.derive(body, *proto.validate(body, self.headers, st.opts))
        except ApiError as e:
            if ctx.item is None:    # best effort, so refused attempts still count per item
                m = ITEM_RE.search(raw.decode("utf-8", "replace"))
                ctx.item = m.group(1) if m else None
            return self.send_error_body(ctx, e)
        ctx.fault, ctx.attempt = st.choose_fault(ctx.item)
        mode = ctx.fault.mode if ctx.fault else None
        if mode in TRANSPORT_FAULTS:
            return getattr(self, TRANSPORT_FAULTS[mode])(ctx)
        self.send_json(ctx, 200, proto.answer_body(ctx, CONTENT_FAULTS[mode](ctx)))

    def read_body(self):
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True    # the unread chunks would poison the connection
            raise ApiError(411, "Send the body with a Content-Length, not chunked.")
        n = self.headers.get("Content-Length", "0")
        need(n.isdigit(), "Invalid Content-Length header.", status=411)
        if int(n) > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "Request exceeds the maximum allowed number of bytes.")
        data = self.rfile.read(int(n))
        if len(data) != int(n):
            raise ConnectionError("client closed mid-body")
        return data

    # -- sending ---------------------------------------------------------

    def record(self, ctx, status):
        """One log line per request, written before the reply so a client never outruns it."""
        auth = bool(self.headers.get("Authorization") or self.headers.get("x-api-key"))
        self.server.state.write_log({
            "ts": round(time.time(), 3), "method": self.command,
            "path": self.path.split("?", 1)[0], "proto": ctx.proto.name, "item": ctx.item,
            "attempt": ctx.attempt, "fault": ctx.fault.text if ctx.fault else None,
            "status": status, "auth": auth, "model": ctx.body.get("model")})

    def send_raw(self, ctx, status, body, ctype, headers=(), length=None):
        self.record(ctx, status)
        self.send_response(status, REASONS.get(status))
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        rid = "request-id" if ctx.proto is Anthropic else "x-request-id"
        self.send_header(rid, "req_" + ctx.request_id)
        for k, v in headers:
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, ctx, status, obj, headers=()):
        self.send_raw(ctx, status, json.dumps(obj).encode(), "application/json", headers)

    def send_error_body(self, ctx, err, headers=()):
        self.send_json(ctx, err.status, ctx.proto.error_body(err), headers)

    # -- transport faults (see TRANSPORT_FAULTS) -------------------------

    def fault_status(self, ctx):
        status = int(ctx.fault.mode)
        headers = []
        if status == 429:
            secs = ctx.fault.arg if ctx.fault.arg is not None else 1
            headers.append((ctx.proto.retry_header, "%g" % secs))
        self.send_error_body(ctx, ApiError(status, STATUS_MESSAGES[status]), headers)

    def fault_hang(self, ctx):
        self.record(ctx, 0)
        self.close_connection = True
        deadline = time.monotonic() + (ctx.fault.arg or DEFAULT_HANG_S)
        while time.monotonic() < deadline and not self.server.state.stop.is_set():
            r, _, _ = select.select([self.connection], [], [], 0.2)
            if not r:
                continue
            if self.connection.recv(1, socket.MSG_PEEK) == b"":
                return              # the client gave up; free the thread
            time.sleep(0.2)         # it sent more bytes; keep ignoring them

    def fault_reset(self, ctx):
        self.record(ctx, 0)
        self.close_connection = True
        # SO_LINGER 0 turns close() into an RST instead of an orderly FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        os.close(self.connection.detach())

    def fault_truncated(self, ctx):
        body = json.dumps(ctx.proto.answer_body(ctx, CONTENT_FAULTS[None](ctx))).encode()
        self.send_raw(ctx, 200, body[:len(body) // 2], "application/json", length=len(body))
        self.close_connection = True    # only now, so no "Connection: close" warns the client

    def fault_nonjson(self, ctx):
        html = (b"<!DOCTYPE html>\n<html><head><title>Welcome</title></head>\n"
                b"<body><h1>It works!</h1><p>This is not the API you are looking for.</p>"
                b"</body></html>\n")
        self.send_raw(ctx, 200, html, "text/html; charset=utf-8")

    def fault_nofields(self, ctx):
        self.send_json(ctx, 200, ctx.proto.nofields_body(ctx))

    def fault_huge(self, ctx):
        """A 200 whose answer is ARG MB of text, sent 1 MB at a time so the server's own
        memory stays small; `huge` announces its Content-Length, `hugestream` does not (the
        body ends when the connection closes), so a client cannot refuse it up front."""
        size = int((ctx.fault.arg or DEFAULT_HUGE_MB) * (1 << 20))
        marker = "@@FILL@@"
        head, tail = json.dumps(ctx.proto.answer_body(ctx, Reply(marker))).encode().split(
            marker.encode())
        total = len(head) + size + len(tail)
        self.record(ctx, 200)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if ctx.fault.mode == "huge":
            self.send_header("Content-Length", str(total))
        else:
            self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        self.wfile.write(head)
        chunk = b"a" * (1 << 20)
        left = size
        while left > 0:     # a client that hangs up ends this with a ConnectionError
            self.wfile.write(chunk[:min(left, len(chunk))])
            left -= len(chunk)
        self.wfile.write(tail)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256        # listen backlog: bursts of 64+ clients connect at once

    def server_bind(self):
        # HTTPServer.server_bind would do a reverse DNS lookup (getfqdn) we do not need.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def parent_alive(pid, orig_ppid):
    if orig_ppid is not None and os.getppid() != orig_ppid:
        return False            # re-parented: the parent that started us is gone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def watchdog(st, opts, orig_ppid):
    """Returns when the server should exit: parent gone, idle too long, or max requests."""
    while not st.stop.wait(0.5):
        if not parent_alive(opts.parent_pid, orig_ppid):
            return "parent %d exited" % opts.parent_pid
        with st.lock:
            idle = st.inflight == 0 and time.monotonic() - st.last_activity > opts.idle_timeout
        if idle:
            return "idle for %g s" % opts.idle_timeout
    return "max requests reached"


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--port-file", help="write the chosen port here (atomically)")
    ap.add_argument("--latency-ms", type=float, default=0)
    ap.add_argument("--key", help="required API key; without it any key (or none) is accepted")
    ap.add_argument("--faults", default="", help="ID=MODE[:ARG][xTIMES],...")
    ap.add_argument("--fault-rate", default="", help="MODE[:ARG]:P,... (seeded)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log", help="append one JSON line per request here")
    ap.add_argument("--parent-pid", type=int,
                    help="exit when this process is gone (default: the parent at start)")
    ap.add_argument("--reject-response-format", action="store_true")
    ap.add_argument("--max-requests", type=int, default=0)
    ap.add_argument("--idle-timeout", type=float, default=600)
    opts = ap.parse_args(argv)
    try:
        opts.faults = dict(parse_item_fault(s) for s in opts.faults.split(",") if s.strip())
        opts.fault_rate = [parse_rate(s) for s in opts.fault_rate.split(",") if s.strip()]
    except ValueError as e:
        ap.error(str(e))
    if sum(p for _, p in opts.fault_rate) > 1:
        ap.error("fault rates add up to more than 1")
    return opts


def parse_item_fault(s):
    item, sep, spec = s.partition("=")
    if not sep or not ITEM_RE.fullmatch("ITEM:" + item.strip()):
        raise ValueError("bad --faults entry %r, want ID=MODE" % s)
    return item.strip(), Fault(spec)


def parse_rate(s):
    spec, sep, p = s.rpartition(":")
    if not sep or not re.fullmatch(r"\d*\.?\d+", p) or float(p) > 1:
        raise ValueError("bad --fault-rate entry %r, want MODE:P" % s)
    return Fault(spec), float(p)


def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def main(argv):
    opts = parse_args(argv)
    orig_ppid = None
    if opts.parent_pid is None:
        orig_ppid = opts.parent_pid = os.getppid()
    server = Server(("127.0.0.1", opts.port), Handler)
    server.state = State(opts)
    port = server.server_address[1]
    if opts.port_file:
        write_port_file(opts.port_file, port)
    print("listening 127.0.0.1:%d" % port, flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        why = watchdog(server.state, opts, orig_ppid)
    except KeyboardInterrupt:
        why = "interrupted"
    print("stopping: %s" % why, file=sys.stderr, flush=True)
    time.sleep(0.05)        # let the last reply leave the socket buffers
    os._exit(0)             # request threads may be asleep in latency or hang


if __name__ == "__main__":
    main(sys.argv[1:])
