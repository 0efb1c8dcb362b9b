#!/usr/bin/env bash
# gavel label --batch-out / --batch-in: request files checked line by line
# against the OpenAI/vLLM and Anthropic formats; their bodies answered by
# the local test server (tests/llmserver) and read back; the records equal
# a live run's field by field; result files with errors (separate error
# files, vLLM strings, Anthropic errored), duplicates and foreign ids
# refused with FILE:LINE and nothing recorded; resume after a partial batch.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
check=$here/batchrun_check.py
prompt=$here/../../prompts/image-quality.md

pycheck() { # NAME ARGS...
	local name=$1; shift
	python3 "$check" "$@" >"$TMP/check.out" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok "*) ok ;;
		"not ok "*) not_ok "$name: ${line#not ok }" ;;
		esac
	done <"$TMP/check.out"
	grep -qE '^[0-9]+ passed' "$TMP/check.out" || not_ok "$name: $(tail -n 3 "$TMP/check.out")"
}

start_llm_server
db=$TMP/b.db
"$GAVEL" init --db "$db" >/dev/null 2>&1
mkdir -p "$TMP/img"
for f in skimage-coffee.png skimage-astronaut.jpg skimage-chelsea.png skimage-rocket.jpg; do
	cp "$here/../../samples/images/$f" "$TMP/img/"
done
printf '{"id": "coffee", "path": "skimage-coffee.png"}\n{"id": "astro", "path": "skimage-astronaut.jpg"}\n{"id": "cat", "path": "skimage-chelsea.png"}\n{"id": "rocket", "path": "skimage-rocket.jpg"}\n' >"$TMP/img/m.jsonl"
"$GAVEL" import --db "$db" -q "$TMP/img/m.jsonl" >/dev/null 2>&1
openai=(--provider openai --model m --base-url "$LLM_URL/v1" --api-key k --prompt "$prompt")
items=$(sql "$db" "SELECT group_concat(id, ' ') FROM items")

# run 1: live, the reference
"$GAVEL" label --db "$db" -q "${openai[@]}" >/dev/null 2>&1
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions WHERE run_id = 1 AND status = 'ok'")" 4 "the live run"

# run 2: out to an OpenAI batch file, answered, back in
run "$GAVEL" label --db "$db" --items all "${openai[@]}" --batch-out "$TMP/out2"
expect_rc 0 "--batch-out"
expect_match "$err" "run 2: 4 requests in 1 file" "the summary says what was written"
expect_eq "$(sql "$db" "SELECT status FROM runs WHERE id = 2")" interrupted "the run waits for its results"
# shellcheck disable=SC2086
pycheck "openai lines" lines openai "$TMP/out2" 2 $items
python3 "$check" answer openai "$TMP/out2" "$LLM_URL" "$TMP/res2.jsonl"
run "$GAVEL" label --db "$db" --batch-in "$TMP/res2.jsonl"
expect_rc 0 "--batch-in"
expect_match "$err" "run 2: 4 results recorded: 4 ok, 0 unparsed, 0 failed; 0 items still" "the summary"
expect_eq "$(sql "$db" "SELECT status FROM runs WHERE id = 2")" done "the run is done"
pycheck "openai records" compare "$db" 1 2

# run 3: the same through Anthropic's Message Batches, one request errored
anthropic=(--provider anthropic --model m --base-url "$LLM_URL" --api-key k --prompt "$prompt")
"$GAVEL" label --db "$db" -q --items all "${anthropic[@]}" --batch-out "$TMP/out3" 2>/dev/null
# shellcheck disable=SC2086
pycheck "anthropic lines" lines anthropic "$TMP/out3" 3 $items
python3 "$check" answer anthropic "$TMP/out3" "$LLM_URL" "$TMP/res3.jsonl" yes
run "$GAVEL" label --db "$db" --batch-in "$TMP/res3.jsonl"
expect_match "$err" "4 results recorded: 3 ok, 0 unparsed, 1 failed" "an errored result is a failed prediction"
expect_eq "$(sql "$db" "SELECT error FROM predictions WHERE run_id = 3 AND status = 'failed'")" \
	"overloaded_error: busy" "with the service's reason"

# run 4: OpenAI's separate error file; then vLLM's string error in one file
"$GAVEL" label --db "$db" -q --items all "${openai[@]}" --batch-out "$TMP/out4" 2>/dev/null
python3 "$check" answer openai "$TMP/out4" "$LLM_URL" "$TMP/res4.jsonl" "$TMP/err4.jsonl"
cp "$TMP/res4.jsonl" "$TMP/dup4.jsonl"
head -n 1 "$TMP/res4.jsonl" >>"$TMP/dup4.jsonl"
run "$GAVEL" label --db "$db" --batch-in "$TMP/err4.jsonl" "$TMP/dup4.jsonl"
expect_rc 1 "a repeated custom_id"
expect_match "$err" "dup4.jsonl:4: custom_id \"gavel-r4-i[0-9]+-a1\" was answered at .*dup4.jsonl:1" "named with FILE:LINE"
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions WHERE run_id = 4")" 0 "nothing recorded from a bad set"
run "$GAVEL" label --db "$db" --batch-in "$TMP/res2.jsonl" "$TMP/res4.jsonl"
expect_rc 1 "results of another run"
expect_match "$err" "res2.jsonl:1: custom_id \"gavel-r2-i[0-9]+-a1\" belongs to run 2, not run 2|is not a request of this run" \
	"a result of run 2 is refused"
run "$GAVEL" label --db "$db" --batch-in "$TMP/res4.jsonl" "$TMP/res2.jsonl"
expect_rc 1 "... in either order"
expect_match "$err" "res2.jsonl:1: custom_id \"gavel-r2-i[0-9]+-a1\" belongs to run 2, not run 4" "the run named"
printf 'not json\n' >"$TMP/junk.jsonl"
run "$GAVEL" label --db "$db" --batch-in --resume 4 "$TMP/junk.jsonl"
expect_match "$err" "junk.jsonl:1: not a JSON object" "a line that is not a result"
# partial: the results without the error file; the failed item stays planned
run "$GAVEL" label --db "$db" --batch-in "$TMP/res4.jsonl"
expect_match "$err" "3 results recorded.*1 item still without an answer" "a partial batch"
expect_eq "$(sql "$db" "SELECT status FROM runs WHERE id = 4")" interrupted "the run is not done"
run "$GAVEL" label --db "$db" --batch-in "$TMP/err4.jsonl"
expect_match "$err" "1 result recorded: 0 ok, 0 unparsed, 1 failed; 0 items" "the error file later"
expect_eq "$(sql "$db" "SELECT error FROM predictions WHERE run_id = 4 AND status = 'failed'")" \
	"batch_expired: not run in time" "an error object's code and message"

# run 5: vLLM puts its error in the output file, as a string; the rest
# finished live with --resume, as any interrupted run
"$GAVEL" label --db "$db" -q --items all "${openai[@]}" --batch-out "$TMP/out5" 2>/dev/null
python3 "$check" answer openai "$TMP/out5" "$LLM_URL" "$TMP/res5.jsonl" vllm
head -n 2 "$TMP/res5.jsonl" >"$TMP/half5.jsonl"
run "$GAVEL" label --db "$db" --batch-in "$TMP/half5.jsonl"
expect_match "$err" "2 results recorded: 1 ok, 0 unparsed, 1 failed; 2 items" "vLLM's string error in the output file"
expect_eq "$(sql "$db" "SELECT error FROM predictions WHERE run_id = 5 AND status = 'failed'")" \
	"Request must not be sent in stream mode" "the string is the error"
run "$GAVEL" label --db "$db" -q --resume 5 --base-url "$LLM_URL/v1" --api-key k
expect_rc 0 "the rest live with --resume"
expect_eq "$(sql "$db" "SELECT count(*), count(DISTINCT item_id) FROM predictions WHERE run_id = 5")" "4|4" \
	"every item once: no item twice, none lost"

# refusals
run "$GAVEL" label --db "$db" --provider heuristic --batch-out "$TMP/h"
expect_rc 2 "the heuristic has no batch files"
run "$GAVEL" label --db "$db" --batch-in
expect_rc 2 "--batch-in without files"
stop_llm_server
finish
