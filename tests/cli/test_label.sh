#!/usr/bin/env bash
# gavel label against the local fake LLM server: both protocols, every fault
# mode ends as the right recorded outcome, json-mode fallback, auth failure,
# the API key never written anywhere, kill -9 and --resume, Ctrl-C.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
prompt=$here/../data/prompts/fake.md
KEY="sk-test-$RANDOM-do-not-leak-7f3a9c"

# make_db DB IDS...: a database with one small distinct image per id; the
# manifest's "expect" field tells the fake server the score to answer.
make_db() {
	local db=$1; shift
	local dir=$TMP/items-$(basename "$db")
	mkdir -p "$dir"
	# one python for all the images: its start-up is most of the cost
	python3 - "$here/../tools" "$dir" "$@" <<'PY'
import json, os, sys
sys.path.insert(0, sys.argv[1])
from mkpng import write_png
out = sys.argv[2]
with open(os.path.join(out, "m.jsonl"), "w", encoding="utf-8") as m:
    for i, item in enumerate(sys.argv[3:], 1):
        write_png(os.path.join(out, item + ".png"), 8, 8, (i % 256, i // 256 % 256, 77))
        m.write(json.dumps({"id": item, "path": item + ".png", "expect": i % 5 + 1,
                            "title": "商品 " + item}, ensure_ascii=False) + "\n")
PY
	"$GAVEL" init --db "$db" 2>/dev/null
	"$GAVEL" import --db "$db" -q "$dir/m.jsonl"
}
pred() { sql "$1" "SELECT $2 FROM predictions p JOIN items i ON i.id = p.item_id WHERE i.external_id = '$3'"; }
label() { # DB PROVIDER [ARGS...]
	local db=$1 provider=$2; shift 2
	run "$GAVEL" label --db "$db" --provider "$provider" --model fake-1 --base-url "$LLM_URL$([ "$provider" = openai ] && echo /v1)" \
		--api-key "$KEY" --prompt "$prompt" --backoff 0.05 --timeout 2 --max-attempts 3 "$@"
}

# a port where nothing listens (taken and given back)
free_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# ---- OpenAI: every fault mode, 2 in flight at a time ----
faults="r429=429x2,r500=500x1,r503=503x1,a429=429,hang=hang,reset=reset,rst1=resetx1"
faults="$faults,trunc=truncated,trunc1=truncatedx1,nonjson=nonjson,nofields=nofields,refusal=refusal"
faults="$faults,refnull=refusalnull,fenced=fenced,reasoning=reasoning,rkey=reasoningkey,think=thinktag"
faults="$faults,prose=prose,badscore=badscore,empty=empty,cutoff=cutoff"
start_llm_server --key "$KEY" --faults "$faults"
ids="ok1 ok2 r429 r500 r503 a429 hang reset rst1 trunc trunc1 nonjson nofields refusal refnull fenced reasoning rkey think prose badscore empty cutoff"
db=$TMP/o.db
make_db "$db" $ids
label "$db" openai --concurrency 4 --json
expect_rc 0 "openai run finishes"
n=$(sql "$db" "SELECT count(*) FROM predictions")
expect_eq "$n" 23 "one prediction per item"
expect_match "$out" '"planned":23' "--json summary on stdout"
expect_eq "$(pred "$db" "status || ' ' || ifnull(printf('%d', score), '') || ' ' || label" ok1)" "ok 2 2" "a clean answer: score from the manifest's expect"
expect_eq "$(pred "$db" "status || ' ' || ifnull(printf('%d', score), '')" ok2)" "ok 3" "a second clean answer"
expect_eq "$(pred "$db" "prompt_tokens > 0 AND completion_tokens > 0 AND latency_ms >= 0" ok1)" 1 "tokens and latency recorded"
expect_eq "$(pred "$db" "json_extract(aspects, '\$.clarity') IS NOT NULL" ok1)" 1 "per-aspect notes stored"
expect_eq "$(pred "$db" "length(rationale) > 0" ok1)" 1 "rationale stored"
expect_eq "$(pred "$db" "status || ' ' || attempts" r429)" "ok 3" "429 twice, then success on the third attempt"
expect_eq "$(pred "$db" "status || ' ' || attempts" r500)" "ok 2" "500 once, then success"
expect_eq "$(pred "$db" "status || ' ' || attempts" r503)" "ok 2" "503 once, then success"
expect_eq "$(pred "$db" "status || ' ' || attempts" a429)" "failed 3" "always 429: failed after max attempts"
expect_match "$(pred "$db" error a429)" "HTTP 429 after 3 attempts" "429 failure names the reason"
expect_eq "$(pred "$db" status hang)" "failed" "a hang past the timeout fails"
expect_match "$(pred "$db" error hang)" "timed out" "hang is recorded as a timeout"
expect_match "$(pred "$db" "status || ' ' || error" reset)" "failed connection broken" "a reset connection"
# (curl itself sends a request again once when a reused connection is reset
# before any reply, so gavel may count 1 attempt where the server saw 2)
expect_match "$(pred "$db" "status || ' ' || attempts" rst1)" "^ok [12]$" "one reset, then success"
expect_eq "$(grep -c '"item": "rst1"' "$LLM_LOG")" 2 "the reset request was sent again"
expect_match "$(pred "$db" "status || ' ' || error" trunc)" "failed reply truncated" "a truncated body"
expect_eq "$(pred "$db" "status || ' ' || attempts" trunc1)" "ok 2" "one truncated body, then success"
expect_match "$(pred "$db" "status || ' ' || error" nonjson)" "failed the reply is not JSON" "a non-JSON body"
expect_match "$(pred "$db" raw_reply nonjson)" "<html" "the non-JSON body is kept for the audit"
expect_match "$(pred "$db" "status || ' ' || error" nofields)" "failed .*choices" "JSON without the expected fields"
expect_eq "$(pred "$db" "status || ' ' || (score IS NULL) || (label IS NULL)" refusal)" "parse_failed 11" "a refusal is a parse failure, no score or label"
expect_match "$(pred "$db" "status || ' ' || ifnull(label, '-')" refnull)" "^parse_failed -$" "a null-content refusal"
expect_eq "$(pred "$db" "status || ' ' || ifnull(printf('%d', score), '')" fenced)" "ok $(( $(echo $ids | tr ' ' '\n' | grep -n '^fenced$' | cut -d: -f1) % 5 + 1 ))" "a code-fenced answer is parsed"
expect_eq "$(pred "$db" "status || ' ' || (reasoning IS NOT NULL)" reasoning)" "ok 1" "reasoning_content kept"
expect_eq "$(pred "$db" "status || ' ' || (reasoning IS NOT NULL)" rkey)" "ok 1" "the reasoning key kept"
expect_eq "$(pred "$db" "status || ' ' || (reasoning IS NOT NULL)" think)" "ok 1" "inline think tags kept as reasoning"
expect_eq "$(pred "$db" status prose)" "ok" "a bare Score line is parsed"
expect_match "$(pred "$db" "status || ' ' || error" badscore)" "^parse_failed .*off the scale|^parse_failed .*not on the scale|^parse_failed .*scale" "a score off the scale"
expect_match "$(pred "$db" "status || ' ' || raw_reply" badscore)" "9" "the raw reply is kept with a parse failure"
expect_match "$(pred "$db" "status || ' ' || error" empty)" "^parse_failed .*empty" "an empty reply"
expect_match "$(pred "$db" status cutoff)" "parse_failed" "a reply cut off at max tokens"
expect_eq "$(sql "$db" "SELECT status FROM runs")" "done" "the run is marked done"
expect_match "$err" "failed \(" "the summary gives failures by reason"
# requests really went out concurrently and the server saw the image
expect_eq "$(grep -c '"item": "ok1"' "$LLM_LOG")" 1 "one request for a clean item"
expect_eq "$(grep -c '"item": "r429"' "$LLM_LOG")" 3 "three requests for 429x2"

# ---- the API key is never written by gavel ----
leaks=$( { cat "$db" "$db-wal" 2>/dev/null; printf '%s%s' "$out" "$err"; } | grep -c -a -- "$KEY")
expect_eq "$leaks" 0 "the API key is nowhere in the database or the output"
stop_llm_server

# ---- wrong key: stop at once, record nothing, say how to fix and resume ----
start_llm_server --key "the-right-key"
db=$TMP/auth.db
make_db "$db" a1 a2 a3
label "$db" openai
expect_rc 1 "a refused key fails the run"
expect_match "$err" "refused the credentials.*OPENAI_API_KEY" "auth failure message"
expect_match "$err" "--resume 1" "auth failure says how to resume"
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions")" 0 "nothing recorded on auth failure"
expect_eq "$(printf '%s' "$err" | grep -c -- "$KEY")" 0 "the key is not in the error"
expect_eq "$(sql "$db" "SELECT status || ' ' || ifnull(owner, '-') FROM runs")" "interrupted -" "a stopped run is not left running"
stop_llm_server

# ---- an endpoint that refuses response_format: fall back without it ----
start_llm_server --reject-response-format
db=$TMP/rf.db
make_db "$db" f1 f2 f3 f4
label "$db" openai --concurrency 2
expect_rc 0 "run against an endpoint without JSON mode"
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions WHERE status = 'ok'")" 4 "all items answered without JSON mode"
expect_match "$err" "response_format" "the fallback is announced"
stop_llm_server

# ---- Anthropic Messages ----
start_llm_server --key "$KEY" --faults "b529=529x1,bthink=reasoning,b429=429x1,bref=refusal"
db=$TMP/a.db
make_db "$db" b1 b2 b529 bthink b429 bref
label "$db" anthropic --concurrency 3
expect_rc 0 "anthropic run finishes"
expect_eq "$(pred "$db" "status || ' ' || ifnull(printf('%d', score), '')" b1)" "ok 2" "anthropic: a clean answer"
expect_eq "$(pred "$db" "status || ' ' || attempts" b529)" "ok 2" "anthropic: overloaded once, then success"
expect_eq "$(pred "$db" "status || ' ' || attempts" b429)" "ok 2" "anthropic: 429 once, then success"
expect_eq "$(pred "$db" "status || ' ' || (reasoning IS NOT NULL)" bthink)" "ok 1" "anthropic: thinking block kept"
expect_eq "$(pred "$db" status bref)" "parse_failed" "anthropic: a refusal"
expect_eq "$(pred "$db" "prompt_tokens > 0" b1)" 1 "anthropic: usage read"
stop_llm_server

# ---- selection: --limit, --sample with a seed, unlabelled ----
start_llm_server
db=$TMP/s.db
make_db "$db" s1 s2 s3 s4 s5 s6 s7 s8
label "$db" openai --limit 3
expect_eq "$(sql "$db" "SELECT group_concat(i.external_id) FROM predictions p JOIN items i ON i.id = p.item_id ORDER BY i.id")" "s1,s2,s3" "--limit takes the first N"
label "$db" openai
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions WHERE run_id = 2")" 5 "unlabelled: only the rest"
label "$db" openai
expect_match "$err" "no items to label" "nothing left to label"
expect_eq "$(sql "$db" "SELECT count(*) FROM runs")" 2 "nothing to label leaves no empty run"
label "$db" openai --items all --sample 3 --seed 42
first=$(sql "$db" "SELECT group_concat(item_id) FROM (SELECT item_id FROM run_items WHERE run_id = (SELECT max(id) FROM runs) ORDER BY item_id)")
label "$db" openai --items all --sample 3 --seed 42
second=$(sql "$db" "SELECT group_concat(item_id) FROM (SELECT item_id FROM run_items WHERE run_id = (SELECT max(id) FROM runs) ORDER BY item_id)")
expect_eq "$second" "$first" "--sample with a seed draws the same items"
expect_eq "$(echo "$first" | tr ',' '\n' | wc -l)" 3 "--sample draws N"

# ---- a missing template variable stops the run and names item and variable ----
printf '# user\nprice {{price}}\n{{image}}\n' >"$TMP/needs-price.md"
run "$GAVEL" label --db "$db" --provider openai --model m --base-url "$LLM_URL/v1" --prompt "$TMP/needs-price.md" --items all
expect_rc 1 "a missing variable fails"
expect_match "$err" 'item "s1" has no field "price"' "the error names item and variable"
stop_llm_server

# ---- kill -9 in the middle, then --resume: every item exactly once ----
# (a path with a space and a quote: the resume command printed must paste)
start_llm_server --latency-ms 40
mkdir -p "$TMP/k dir"
db="$TMP/k dir/it's.db"
make_db "$db" $(seq -f 'k%03g' 1 150)
"$GAVEL" label --db "$db" --provider openai --model m --base-url "$LLM_URL/v1" --prompt "$prompt" --concurrency 4 -q >/dev/null 2>&1 &
pid=$!
wait_predictions() { # DB N: until DB holds N predictions (10 s at most)
	for _ in $(seq 1 200); do
		[ "$(sql "$1" "SELECT count(*) FROM predictions" 2>/dev/null || echo 0)" -ge "$2" ] && break
		sleep 0.05
	done
}
wait_predictions "$db" 10
# a second --resume of a live run is refused, and says who has it
run "$GAVEL" label --db "$db" --resume 1
expect_rc 1 "a second live --resume is refused"
expect_match "$err" "run 1 is being labelled right now by another process \(pid $pid\)" "the refusal names the process"
expect_no_match "$err" "finish it with" "the refusal offers no resume command"
wait_predictions "$db" 30
kill -9 $pid
wait $pid 2>/dev/null
partial=$(sql "$db" "SELECT count(*) FROM predictions")
[ "$partial" -ge 30 ] && [ "$partial" -lt 150 ] && ok || not_ok "the kill landed mid-run ($partial of 150 done)"
expect_eq "$(sql "$db" "SELECT status FROM runs WHERE id = 1")" running "kill -9 leaves the run marked running"
# --list and stats tell the dead run from a live one, with the exact command
run "$GAVEL" label --db "$db" --list
expect_rc 0 "label --list"
expect_match "$out" "^ +1 +died +$partial/150 +openai/m" "--list shows the killed run as died"
command=$(printf '%s\n' "$out" | grep -A1 '^  run 1 (died' | tail -1 | sed 's/^ *//')
want="gavel label --db '$(cd "$TMP/k dir" && pwd -P)/it'\\''s.db' --resume 1"
expect_eq "$command" "$want" "--list gives the exact resume command, quoted"
run "$GAVEL" stats --db "$db"
expect_match "$out" "run 1 \(died, $partial of 150 done" "stats lists the unfinished run"
expect_match "$out" "$(printf '%s' "$want" | sed 's/[][\.*^$()+?{}|]/\\&/g')" "stats gives the same command"
run "$GAVEL" stats --db "$db" --json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json, sys; r = json.load(sys.stdin)["unfinished_runs"]; print(len(r), r[0]["state"], r[0]["alive"], r[0]["resume"])')" "1 died False $want" "stats --json lists it too"
# the pasted command resumes it (kill -9 does not block it); a flag given
# now overrides the run's stored concurrency, and says so
run eval "\"\$GAVEL\" ${command#gavel } --concurrency 8"
expect_rc 0 "--resume after kill -9"
expect_match "$err" "--concurrency 8 for this session; run 1 was started with 4" "the override is announced"
expect_eq "$(sql "$db" "SELECT count(*) || ' ' || count(DISTINCT item_id) FROM predictions WHERE run_id = 1")" "150 150" "exactly one prediction per item after resume"
expect_match "$err" "$partial were done before" "resume says what was already done"
expect_eq "$(sql "$db" "SELECT status || ' ' || ifnull(owner, '-') FROM runs WHERE id = 1")" "done -" "the finished run has no owner"
requests=$(grep -c '"path": "/v1/chat/completions"' "$LLM_LOG")
[ "$requests" -le $((150 + 4)) ] && ok || not_ok "at most the in-flight requests were repeated ($requests requests for 150 items)"
run "$GAVEL" stats --db "$db"
expect_no_match "$out" "unfinished" "stats lists no unfinished run once it is done"

# ---- another process holds the write lock: label waits, says so once ----
db=$TMP/lock.db
make_db "$db" $(seq -f 'l%03g' 1 100)
python3 -c 'import os, sqlite3, sys, time
db, ready, go, held = sys.argv[1:5]
c = sqlite3.connect(db, isolation_level=None)
open(ready, "w").close()
while not os.path.exists(go): time.sleep(0.01)
c.execute("BEGIN IMMEDIATE")
open(held, "w").close()
time.sleep(2)
c.execute("COMMIT")' "$db" "$TMP/lock.ready" "$TMP/lock.go" "$TMP/lock.held" &
holder=$!
for _ in $(seq 1 200); do [ -e "$TMP/lock.ready" ] && break; sleep 0.05; done
"$GAVEL" label --db "$db" --provider openai --model m --base-url "$LLM_URL/v1" --prompt "$prompt" --concurrency 2 -q >/dev/null 2>"$TMP/lock.err" &
pid=$!
wait_predictions "$db" 10
touch "$TMP/lock.go"
wait $pid
rc=$?
wait $holder
expect_eq "$rc" 0 "label rides out a held write lock"
[ -e "$TMP/lock.held" ] && ok || not_ok "the lock was really held"
expect_eq "$(grep -c 'waiting for the database: another process is writing' "$TMP/lock.err")" 1 "label says once that it waits for the database"
expect_eq "$(sql "$db" "SELECT count(*) || ' ' || count(DISTINCT item_id) FROM predictions")" "100 100" "no answer dropped while waiting"
expect_eq "$(sql "$db" "SELECT status || ' ' || ifnull(owner, '-') FROM runs")" "done -" "the run is done, with no owner"

# ---- a run keeps its settings for --resume ----
# Started while nothing answered (so it stopped with its plan intact), then
# resumed without flags: one attempt and a 0.5 s timeout, as stored.
db=$TMP/settings.db
make_db "$db" s1 s2 s3 s4
run "$GAVEL" label --db "$db" --provider openai --model m --base-url "http://127.0.0.1:$free_port/v1" --prompt "$prompt" \
	--concurrency 3 --max-attempts 1 --timeout 0.5 --backoff 0.05
expect_rc 1 "the run stops while nothing answers"
expect_eq "$(sql "$db" "SELECT json_extract(params, '\$.concurrency') || ' ' || json_extract(params, '\$.max_attempts') || ' ' || json_extract(params, '\$.timeout_s') || ' ' || json_extract(params, '\$.backoff_s') FROM runs")" "3 1 0.5 0.05" "the run stores concurrency, attempts, timeout and backoff"
stop_llm_server
start_llm_server --faults "s1=500x1,s2=hang:1x1"
run "$GAVEL" label --db "$db" --resume 1 --base-url "$LLM_URL/v1"
expect_rc 0 "resume with the stored settings"
expect_eq "$(pred "$db" "status || ' ' || attempts" s1)" "failed 1" "the stored --max-attempts 1 is used"
expect_match "$(pred "$db" "status || ' ' || error" s2)" "^failed timed out" "the stored --timeout 0.5 is used"
expect_no_match "$err" "for this session" "nothing overridden, nothing said"
# a second run over what failed: stopped the same way, resumed with flags
stop_llm_server
run "$GAVEL" label --db "$db" --provider openai --model m --base-url "http://127.0.0.1:$free_port/v1" --prompt "$prompt" \
	--max-attempts 1 --timeout 0.5 --backoff 0.05
start_llm_server --faults "s1=500x1,s2=hang:1x1"
run "$GAVEL" label --db "$db" --resume 2 --base-url "$LLM_URL/v1" --max-attempts 3 --timeout 5 --temperature 0.5
expect_rc 0 "resume with flags"
expect_match "$err" "--max-attempts 3 for this session; run 2 was started with 1" "--max-attempts override announced"
expect_match "$err" "--timeout 5 for this session; run 2 was started with 0.5" "--timeout override announced"
expect_match "$err" "--temperature ignored: run 2 keeps its own" "a flag that would change the answers is refused"
expect_eq "$(sql "$db" "SELECT group_concat(status || ' ' || attempts, ', ') FROM (SELECT status, attempts FROM predictions WHERE run_id = 2 ORDER BY item_id)")" "ok 2, ok 2" "the overrides were used"
stop_llm_server

# ---- Ctrl-C stops cleanly and says how to resume ----
start_llm_server --latency-ms 40
db=$TMP/c.db
make_db "$db" $(seq -f 'c%03g' 1 100)
"$GAVEL" label --db "$db" --provider openai --model m --base-url "$LLM_URL/v1" --prompt "$prompt" --concurrency 2 -q >"$TMP/c.out" 2>"$TMP/c.err" &
pid=$!
for _ in $(seq 1 200); do
	[ "$(sql "$db" "SELECT count(*) FROM predictions" 2>/dev/null || echo 0)" -ge 10 ] && break
	sleep 0.05
done
kill -INT $pid
wait $pid
rc=$?
expect_eq "$rc" 130 "Ctrl-C exits 130"
expect_match "$(cat "$TMP/c.err")" "interrupted; finish it with: gavel label --db .* --resume 1" "Ctrl-C prints how to resume"
expect_eq "$(sql "$db" "SELECT status || ' ' || ifnull(owner, '-') FROM runs WHERE id = 1")" "interrupted -" "the run is marked interrupted, with no owner"
run "$GAVEL" label --db "$db" --resume 1
expect_eq "$(sql "$db" "SELECT count(DISTINCT item_id) || ' ' || count(*) FROM predictions")" "100 100" "resume after Ctrl-C completes the run"
expect_eq "$(sql "$db" "SELECT status FROM runs WHERE id = 1")" "done" "the resumed run is done"
stop_llm_server

# ---- the disk fills during a run ----
# A 4 MB tmpfs in a private mount namespace (skipped where that is not
# allowed; tests/unit/test_dbwrite.c injects SQLITE_FULL everywhere).
if unshare -rm true 2>/dev/null; then
	start_llm_server --latency-ms 40
	make_db "$TMP/full-base.db" $(seq -f 'f%03g' 1 120)
	# a copy whose pages come from the free list: freeing the WAL makes room
	cp "$TMP/full-base.db" "$TMP/full-free.db"
	sql "$TMP/full-free.db" "CREATE TABLE junk (x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL
		SELECT i + 1 FROM c WHERE i < 400) INSERT INTO junk SELECT randomblob(3000) FROM c; DROP TABLE junk"
	mkdir -p "$TMP/mnt"
	GAVEL=$GAVEL LLM_URL=$LLM_URL prompt=$prompt TMP=$TMP unshare -rm bash -s >"$TMP/full.out" 2>&1 <<'SH'
mnt=$TMP/mnt
mount -t tmpfs -o size=4m gavel-test "$mnt" || { echo "mounted=0"; exit 0; }
echo "mounted=1"
fill() { # LEAVE: fills the tmpfs but for LEAVE bytes
	head -c $(($(df -B1 --output=avail "$mnt" | tail -1) - $1)) /dev/zero >"$mnt/filler" 2>/dev/null
}
label() { # DB ARGS...
	"$GAVEL" label --db "$1" --provider openai --model m --base-url "$LLM_URL/v1" --prompt "$prompt" -q "${@:2}"
}
counts() { sqlite3 "$1" "SELECT count(*) || ' ' || count(DISTINCT item_id) FROM predictions"; }
# 1: 600 KB left: each time the WAL fills it, freeing the WAL makes room again
cp "$TMP/full-free.db" "$mnt/a.db"
fill $((600 * 1024))
label "$mnt/a.db" --concurrency 8 2>"$TMP/full-a.err"
echo "a_rc=$?"
echo "a_counts=$(counts "$mnt/a.db")"
rm -f "$mnt"/*
# 2: the disk fills mid-run and stays full: the run stops, then resumes
cp "$TMP/full-base.db" "$mnt/b.db"
label "$mnt/b.db" --concurrency 2 2>"$TMP/full-b.err" &
pid=$!
for _ in $(seq 1 200); do
	[ "$(sqlite3 "$mnt/b.db" "SELECT count(*) FROM predictions" 2>/dev/null || echo 0)" -ge 20 ] && break
	sleep 0.05
done
cat /dev/zero >"$mnt/filler" 2>/dev/null
wait $pid
echo "b_rc=$?"
echo "b_kept=$(sqlite3 "$mnt/b.db" "SELECT count(*) FROM predictions")"
echo "b_integrity=$(sqlite3 "$mnt/b.db" "PRAGMA integrity_check")"
"$GAVEL" label --db "$mnt/b.db" --list >"$TMP/full-b.list" 2>&1
rm -f "$mnt/filler"
label "$mnt/b.db" --resume 1 2>"$TMP/full-b-resume.err"
echo "b_resume_rc=$?"
echo "b_counts=$(counts "$mnt/b.db")"
SH
	full() { sed -n "s/^$1=//p" "$TMP/full.out"; }
	if [ "$(full mounted)" = 1 ]; then
		expect_eq "$(full a_rc)" 0 "a full disk made roomy again by freeing the WAL: the run goes on"
		expect_eq "$(full a_counts)" "120 120" "every item labelled once on the nearly full disk"
		expect_eq "$(full b_rc)" 1 "a disk that stays full stops the run"
		expect_match "$(cat "$TMP/full-b.err")" "the disk is full" "the message says the disk is full"
		expect_match "$(cat "$TMP/full-b.err")" "finish it with: gavel label --db .*b.db --resume 1" "and how to resume"
		[ "$(full b_kept)" -ge 20 ] && ok || not_ok "what was committed before the disk filled is kept ($(full b_kept))"
		expect_eq "$(full b_integrity)" ok "the database is sound after the full disk"
		expect_match "$(cat "$TMP/full-b.list")" "^ +1 +(died|interrupted|failed) " "--list shows the run unfinished"
		expect_match "$(cat "$TMP/full-b.list")" "gavel label --db .*b.db --resume 1" "--list gives its resume command"
		expect_eq "$(full b_resume_rc)" 0 "resumed once space is back: $(cat "$TMP/full-b-resume.err")"
		expect_eq "$(full b_counts)" "120 120" "every item exactly once after the resume"
	else
		echo "note: cannot mount a tmpfs here; the full-disk case is skipped" >&2
	fi
	stop_llm_server
fi

# ---- a hostile endpoint: replies over 16 MB are cut off and recorded ----
# huge sends its Content-Length (refused before the body), hugestream does not
# (read up to the cap, then dropped); neither is retried or stored.
start_llm_server --faults "big1=huge:17,big2=hugestream:17"
db=$TMP/big.db
make_db "$db" big1 fine big2
label "$db" openai --concurrency 2
expect_rc 0 "a run with huge replies finishes"
for id in big1 big2; do
	expect_eq "$(pred "$db" "status || ' ' || attempts || ' ' || (raw_reply IS NULL)" $id)" "failed 1 1" "$id: failed at once, nothing stored"
	expect_match "$(pred "$db" error $id)" "reply too large: the reply is over 16 MB" "$id: the error says the reply was too large"
done
expect_eq "$(pred "$db" status fine)" "ok" "the item between them is labelled"
expect_match "$err" "reply too large 2" "the summary counts them"
stop_llm_server
# Peak memory at --concurrency 8 against 60 MB replies stays near 8 x 16 MB
# (it was 470 MB and more before the cap); the figure is the kernel's
# (getrusage of the child), not gavel's own.
big_faults=$(for i in $(seq 1 8); do printf 'h%d=hugestream:60,' "$i"; done)
start_llm_server --faults "${big_faults%,}"
db=$TMP/big8.db
make_db "$db" h1 h2 h3 h4 h5 h6 h7 h8
peak_kb=$(python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
	"$GAVEL" label --db "$db" --provider openai --model m --base-url "$LLM_URL/v1" --prompt "$prompt" --concurrency 8 -q)
case ${GAVEL_BUILD:-} in
*/asan) # ASan keeps freed memory in quarantine (256 MB): the figure is the first pass's
	echo "note: peak memory under ASan, not checked: $peak_kb kB" >&2 ;;
*) [ "$peak_kb" -lt 200000 ] && ok || not_ok "peak memory with 60 MB replies at concurrency 8: $peak_kb kB, want < 200 MB" ;;
esac
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions WHERE error LIKE 'reply too large%'")" 8 "all 8 recorded as too large"
stop_llm_server

# ---- nothing answers at the URL: one message after the first few items ----
# Before: every item spent its attempts and was recorded as failed.
db=$TMP/down.db
make_db "$db" $(seq -f 'd%02g' 1 40)
wrap="" # a command to run gavel under
unreachable_case() { # NAME URL WORDS
	local before; before=$(sql "$db" "SELECT count(*) FROM runs")
	run $wrap "$GAVEL" label --db "$db" --provider openai --model m --base-url "$2" --prompt "$prompt" \
		--concurrency 4 --max-attempts 3 --backoff 0.05 --timeout 5
	expect_rc 1 "$1: the run fails"
	expect_eq "$(printf '%s\n' "$err" | grep -c 'nothing answers at')" 1 "$1: one message"
	expect_match "$err" "nothing answers at .*: $3" "$1: the message says why"
	expect_match "$err" "--resume $((before + 1))" "$1: the message says how to resume"
	expect_eq "$(sql "$db" "SELECT count(*) FROM predictions")" 0 "$1: no item is recorded as failed"
	expect_eq "$(sql "$db" "SELECT status FROM runs ORDER BY id DESC LIMIT 1")" interrupted "$1: the run is resumable"
}
unreachable_case "connection refused" "http://127.0.0.1:$free_port/v1" "could not connect"
start_llm_server
unreachable_case "TLS to a plain HTTP server" "https://${LLM_URL#http://}/v1" "TLS failed"
stop_llm_server
# A host that does not resolve, in a network namespace with no network at all,
# so no query leaves the machine (skipped where namespaces are not allowed).
if unshare -rn true 2>/dev/null; then
	wrap="unshare -rn"
	unreachable_case "host not found" "http://gavel-test.invalid/v1" "host not found"
	wrap=""
else
	echo "note: unshare -rn is not allowed here; the DNS case is skipped" >&2
fi

# ---- base URLs are checked before the run ----
# (every host is 127.0.0.1, so that a regression sends nothing further)
runs_before=$(sql "$db" "SELECT count(*) FROM runs")
for url in "ftp://127.0.0.1:$free_port/v1" 'http://' "http://127.0.0.1 :$free_port/v1" \
	$'http://127.0.0.1\x01:1/v1' "127.0.0.1:$free_port/v1"; do
	run "$GAVEL" label --db "$db" --provider openai --model m --base-url "$url" --prompt "$prompt" --max-attempts 1
	expect_rc 2 "a bad base URL is a usage error: $url"
	expect_match "$err" "^gavel: --base-url: '.*' (is not|has)" "the message names the option: $url"
done
OPENAI_BASE_URL="gopher://127.0.0.1:$free_port" run "$GAVEL" label --db "$db" --provider openai --model m --prompt "$prompt" --max-attempts 1
expect_rc 2 "a bad URL from the environment"
expect_match "$err" 'OPENAI_BASE_URL.*not an http or https URL' "the message names the variable"
expect_eq "$(sql "$db" "SELECT count(*) FROM runs")" "$runs_before" "a bad URL starts no run"

# ---- a retry waiting out its backoff holds no slot ----
# With one slot, w1's 2 s wait after a 429 lets w2..w4 go first.
start_llm_server --faults "w1=429:2x1"
db=$TMP/slot.db
make_db "$db" w1 w2 w3 w4
label "$db" openai --concurrency 1
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions WHERE status = 'ok'")" 4 "every item labelled"
order=$(python3 -c 'import json, sys; print(" ".join(json.loads(l)["item"] for l in open(sys.argv[1])))' "$LLM_LOG")
expect_eq "$order" "w1 w2 w3 w4 w1" "new items are sent while a retry waits"
stop_llm_server

# ---- usage ----
run "$GAVEL" label --db "$db"
expect_rc 2 "no provider"
run "$GAVEL" label --db "$db" --provider openai --model m
expect_rc 2 "no prompt"
run "$GAVEL" label --db "$db" --provider nope --prompt "$prompt"
expect_rc 2 "unknown provider"
run "$GAVEL" label --db "$db" --resume 99
expect_rc 1 "resume of a run that does not exist"
expect_match "$err" "no run 99" "unknown run message"

finish
