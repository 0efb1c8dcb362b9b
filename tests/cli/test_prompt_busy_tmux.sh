#!/usr/bin/env bash
# A line being typed survives the background: in a real terminal (tmux), a
# rerun from the lab keeps answering in the background, each answer a tick of
# the status line, while the reviewer types a note one key at a time. Every
# key must go into the note (a tick used to end the line, and the keys after
# it were taken as review commands), and the note is saved whole.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C.UTF-8
start_tmux || { finish; exit; }

# eighteen items labelled once, twelve of them accepted by ann (settled)
for i in $(seq 1 18); do printf '{"id": "i%d", "title": "item %d", "url": "http://127.0.0.1:9/%d.png"}\n' "$i" "$i" "$i"; done >"$TMP/m.jsonl"
db=$TMP/busy.db
"$GAVEL" init --db "$db" >/dev/null 2>&1
"$GAVEL" import --db "$db" -q "$TMP/m.jsonl" >/dev/null 2>&1
start_llm_server --latency-ms 400
"$GAVEL" label --db "$db" --provider openai --model fake-1 --base-url "$LLM_URL/v1" --api-key k \
	--prompt "$here/../data/prompts/fake.md" --concurrency 1 -q >/dev/null 2>&1
# the rerun must ask the server again (its answers are not cached), slowly
sql "$db" "DELETE FROM call_cache"
printf 'key a a a a a a a a a a a a\nkey q\n' >"$TMP/accept.script"
"$GAVEL" review --db "$db" --reviewer ann --script "$TMP/accept.script" --dump-dir "$TMP" >/dev/null 2>&1
reviews=$(sql "$db" "SELECT count(*) FROM reviews")
expect_eq "$reviews" 12 "fixture: twelve items accepted"

ui_session busy 120 30 env "$GAVEL" review --db "$db" --reviewer bob --graphics none
until_screen 'gavel' && ok || not_ok "the review screen came up: $screen"
key L
until_screen 'fake\.md' && ok || not_ok "L opens the lab: $screen"
key r
until_screen 'rerunning version 1' && ok || not_ok "r reruns the version in the background: $screen"
key q
key n
until_screen 'note:' && ok || not_ok "n asks for a note while the rerun answers: $screen"
note="ticks never end this line"
for ((c = 0; c < ${#note}; c++)); do
	key "${note:c:1}"
	sleep 0.12
done
t send-keys -t busy Enter
until_screen 'note saved' && ok || not_ok "the note is saved: $screen"
expect_eq "$(sql "$db" "SELECT note FROM reviews WHERE reviewer = 'bob' AND note IS NOT NULL")" "$note" \
	"the note is whole: no key was lost to the background"
expect_eq "$(sql "$db" "SELECT count(*) FROM reviews WHERE reviewer = 'bob' AND note IS NULL")" 0 \
	"no key of the note was taken as a review decision"
expect_match "$(sql "$db" "SELECT count(*) FROM predictions WHERE run_id = 2")" "^[0-9]+$" "the rerun answered meanwhile"
[ "$(sql "$db" "SELECT count(*) FROM predictions WHERE run_id = 2")" -ge 3 ] && ok ||
	not_ok "the rerun of the twelve settled items answered at least three while the note was typed (the ticks were there)"
key q
expect_eq "$(ui_ended)" 0 "gavel review ends cleanly"
finish
