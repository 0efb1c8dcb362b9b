#!/usr/bin/env bash
# The prompt lab tried as a new user would, in a real terminal (tmux on a
# private socket), on the demo database made as `make demo` makes it
# (samples/, the heuristic labeller): review twenty items; open the lab
# (the heuristic's run has no prompt: the lab says how to get one); label
# the reviewed items with gavel's prompt against the local test server;
# L shows the version; e edits it in a scripted $EDITOR (one line changed,
# one added) and asks what the edit should fix; r reruns the edit on the
# reviewed items in the background; d shows the coloured diff (removed and
# added lines in different colours, with the right text, read with
# capture-pane -e); c compares it with its parent (classes against Python's
# reckoning); s b sends the broken flips to review; s asks the proposer
# (the test server, a fixed reply) for edits, y confirms, t compares the
# best with the original on the test items. Then `gavel prompts diff`:
# coloured on a terminal, plain and exact into a pipe, plain with NO_COLOR.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$TMP/config
unset TMUX TMUX_PANE NO_COLOR

if ! command -v tmux >/dev/null 2>&1; then
	not_ok "tmux is not installed (make deps installs it)"
	finish
	exit
fi
sock=$TMP/tmux.sock
printf 'set -g default-terminal tmux-256color\nset -g status off\n' >"$TMP/tmux.conf"
t() { tmux -S "$sock" -f "$TMP/tmux.conf" "$@"; }
stop_tmux() { t kill-server >/dev/null 2>&1; }
trap 'stop_tmux; rm -rf "$TMP"' EXIT
( trap '' INT HUP; while kill -0 $$ 2>/dev/null; do sleep 1; done; stop_tmux ) >/dev/null 2>&1 </dev/null &

# make demo's steps (Makefile: init, import samples/manifest.jsonl, label
# with the heuristic)
db=$TMP/demo.db
"$GAVEL" init --db "$db" >/dev/null 2>&1
"$GAVEL" import --db "$db" -q "$root/samples/manifest.jsonl"
"$GAVEL" label --db "$db" --provider heuristic -q >/dev/null 2>&1
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions WHERE status = 'ok'")" 63 "the demo database"

# The proposer's fixed reply: two edits of gavel's prompt (the test server
# answers them as it answers version 1: by the image).
python3 - "$root/prompts/image-quality.md" "$TMP/proposer.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
cands = [{"template": text + f"\nLook closely at the {what}.\n", "hypothesis": f"{what} is missed"}
         for what in ("light", "background")]
json.dump({"candidates": cands}, open(sys.argv[2], "w"))
PY
start_llm_server --proposer-reply "$TMP/proposer.json"
calls() { grep -c '"path": "/v1/chat/completions"' "$LLM_LOG"; }
export OPENAI_BASE_URL=$LLM_URL/v1 OPENAI_API_KEY=k

# the scripted editor: one line changed, one added
cat >"$TMP/editor.sh" <<'SH'
#!/bin/sh
sed 's/^Rate the quality of this product photo\.$/Rate this product photo; judge the light first./' "$1" >"$1.new"
printf '\nEXPECT_SCORE:3\n' >>"$1.new"
mv "$1.new" "$1"
SH
chmod +x "$TMP/editor.sh"
UI_WAIT=10 # seconds until_screen waits: this walk runs many commands
ui_session demo 130 32 env VISUAL= EDITOR="$TMP/editor.sh" "$GAVEL" review --db "$db" --reviewer me
status() { printf '%s\n' "$screen" | tail -n 2 | head -n 1; }
select_line() { # PATTERN: moves the lab's cursor down until the detail line matches
	key "kkkkkkkk"
	for _ in 1 2 3 4 5 6 7 8; do
		sleep 0.2
		screen=$(cap)
		printf '%s\n' "$screen" | grep -qE -- "^ $1" && return 0
		key j
	done
	return 1
}

# Twenty reviews, as a reviewer makes them.
until_screen 'order: unreviewed first' && ok || not_ok "the review screen came up: $screen"
key 42531423514253142351
until_screen 'you 20 ' && ok || not_ok "twenty items reviewed: $screen"

# The lab on the demo: only the heuristic's run, which has no prompt.
key L
until_screen 'run:1 +heuristic' && ok || not_ok "L opens the lab with the heuristic's run: $screen"
expect_match "$screen" "no prompt version to edit or rerun \(gavel label --prompt FILE --settled makes one\)" \
	"the lab says how to get a version to edit"
key e
until_screen 'run:1 has no prompt: gavel label --prompt FILE --settled' && ok ||
	not_ok "e on the heuristic's run says what to do: $screen"

# The user labels the reviewed items with gavel's prompt, in another shell.
run "$GAVEL" label --db "$db" --provider openai --model local --prompt "$root/prompts/image-quality.md" --settled -q
expect_rc 0 "label the reviewed items with prompts/image-quality.md"
expect_eq "$(calls)" 20 "twenty calls"
key L
until_screen '^  1 +image-quality\.md +local' && ok || not_ok "L shows version 1: $screen"
select_line 'version 1 ' && ok || not_ok "the cursor on version 1: $screen"

# e: the edit, in $EDITOR; a new version with its parent and note
key e
until_screen 'what should this edit fix\?' && ok || not_ok "e, then the note is asked: $screen"
key "dim photos rated too high"
t send-keys -t demo Enter
until_screen 'saved as version 2 \(edit of 1\)' && ok || not_ok "saved as version 2: $screen"
expect_eq "$(sql "$db" "SELECT parent_id, note FROM prompt_versions WHERE id = 2")" "1|dim photos rated too high" \
	"version 2: its parent and its note"
expect_match "$screen" "^ version 2 .* edit of 1" "the cursor is on the new version"

# r: rerun the edit on the reviewed items, in the background
key r
until_screen 'run 3 done: 20 ok' && ok || not_ok "r reruns version 2 on the 20 reviewed items: $screen"
expect_eq "$(calls)" 40 "twenty calls more (a changed text is another call)"
expect_match "$screen" "^  2 +image-quality\.md +local +1 +20/20 " "the lab shows version 2 on 20 items"

# d: the diff from its parent, coloured
key d
until_screen '^ \+\+\+ version 2' && ok || not_ok "d shows the diff: $screen"
colours=$(t capture-pane -e -p -t demo)
check=$(printf '%s\n' "$colours" | python3 -c '
import re, sys
sgr = re.compile(r"\x1b\[([0-9;]*)m")
def colour_of(text):  # the foreground colours set on the row showing text
    for row in rows:
        plain = sgr.sub("", row)
        if plain.strip() == text:
            codes = [c for m in sgr.finditer(row) for c in m.group(1).split(";")]
            return [c for c in codes if c.startswith("3") and len(c) == 2]
    return None
rows = sys.stdin.read().split("\n")
removed = colour_of("-Rate the quality of this product photo.")
added = colour_of("+Rate this product photo; judge the light first.")
also = colour_of("+EXPECT_SCORE:3")
context = colour_of("Listing title: {{title|(none given)}}")
bad = []
if not removed or not added:
    bad.append(f"removed {removed}, added {added}")
elif removed[-1] == added[-1]:
    bad.append(f"removed and added lines share colour {removed[-1]}")
if (also or [None])[-1] != (added or [None])[-1]:
    bad.append(f"the two added lines differ: {also} vs {added}")
if context and context[-1:] in (removed[-1:], added[-1:]):
    bad.append(f"a context line is coloured {context}")
print("ok" if not bad else "; ".join(bad))
')
expect_eq "$check" ok "removed and added lines in their own colours, with their text"
key q

# c: compare the edit (B) with its parent (A) on the reviewed items
key c
until_screen 'A 1 image-quality\.md  vs  B 2 image-quality\.md  on 20 settled items' && ok ||
	not_ok "c compares version 2 with its parent: $screen"
printf '%s\n' "$screen" >"$TMP/compare.txt"
key s
until_screen 'send to re-review: b broken' && ok || not_ok "s asks what to send: $screen"
key b
until_screen 'sent [0-9]+ broken items? back to review' && ok || not_ok "s b sends the broken items: $screen"
sent=$(status | sed -E 's/^sent ([0-9]+) .*/\1/')

# back in the lab (on version 2 still), s asks for a suggested edit
key q
until_screen '^ version 2 .* edit of 1' && ok || not_ok "back in the lab, on version 2: $screen"
key s
until_screen 'suggest: at most [0-9]+ calls, [0-9]+ answered by the cache; y goes ahead' && ok ||
	not_ok "s shows the plan and asks: $screen"
key y
until_screen 'suggest: version [0-9]+ was best of 2 on select' && ok || not_ok "the suggestion runs: $screen"
key t
until_screen 'A 2 image-quality\.md  vs  B run:[0-9]+ ' && ok || not_ok "t compares the best edit with version 2: $screen"
key q
key q
key q
expect_eq "$(ui_ended)" 0 "gavel review ends cleanly: $(head -c 3000 "$TMP/err" 2>/dev/null)"
expect_eq "$(sql "$db" "SELECT count(*) FROM prompt_versions WHERE parent_id = 2 AND note LIKE '% is missed'")" 2 \
	"the proposer's edits are versions of version 2 with their hypotheses"

# The comparison's classes and the items sent, against Python's reckoning
# from the database.
check=$(python3 - "$db" "$here" "$TMP/compare.txt" "$sent" <<'PY'
import sqlite3, sys
sys.path.insert(0, sys.argv[2])
from compare_check import CLASSES, classify
from lab_screen_check import settled_items
db = sqlite3.connect(sys.argv[1])
settled = settled_items(db)
def labels(run):
    return dict(db.execute("SELECT item_id, label FROM predictions WHERE run_id = ? AND status = 'ok'", (run,)))
a, b = labels(2), labels(3)
classes = {c: 0 for c in CLASSES}
for i, h in settled.items():
    classes[classify(h, a[i], b[i])] += 1
line = " ".join(f"{k + 1} {c} {classes[c]}" for k, c in enumerate(CLASSES))
bad = []
if line not in open(sys.argv[3]).read():
    bad.append(f"classes [{line}] not on the comparison")
broken = sorted(i for i, h in settled.items() if a[i] == h and b[i] != h)
got = [i for (i,) in db.execute("SELECT item_id FROM recheck WHERE reason = 'broken' ORDER BY id")]
if got != broken or int(sys.argv[4]) != len(broken):
    bad.append(f"sent {got} (said {sys.argv[4]}), broken {broken}")
if len(settled) != 20:
    bad.append(f"{len(settled)} settled items")
print("ok" if not bad else "; ".join(bad))
PY
)
expect_eq "$check" ok "the comparison's classes and the broken items sent"

# gavel prompts diff: into a pipe, exact and plain; on a terminal coloured;
# NO_COLOR keeps the terminal plain
run "$GAVEL" prompts --db "$db" diff 1 2
expect_rc 0 "prompts diff 1 2"
expect_no_match "$out" $'\033' "into a pipe: no escape sequences"
expect_match "$out" $'\n-Rate the quality of this product photo\.\n\\+Rate this product photo; judge the light first\.' \
	"the changed line, removed then added"
expect_match "$out" $'\n\\+EXPECT_SCORE:3' "the added line"
for mode in colour plain; do
	env=""
	[ "$mode" = plain ] && env="NO_COLOR=1"
	t new-session -d -s "$mode" -x 130 -y 40 \
		"$(printf '%q ' env $env "$GAVEL" prompts --db "$db" diff 1 2); sleep 30"
	for _ in $(seq 1 50); do
		shown=$(t capture-pane -e -p -t "$mode" 2>/dev/null)
		printf '%s' "$shown" | grep -q 'EXPECT_SCORE' && break
		sleep 0.1
	done
	removed=$(printf '%s\n' "$shown" | grep -F -- '-Rate the quality of this product photo.')
	added=$(printf '%s\n' "$shown" | grep -F -- '+Rate this product photo; judge the light first.')
	if [ "$mode" = colour ]; then
		expect_match "$removed" $'\033\\[31m' "on a terminal the removed line is red"
		expect_match "$added" $'\033\\[32m' "on a terminal the added line is green"
	else
		expect_no_match "$removed$added" $'\033\\[3[12]m' "NO_COLOR: no colours"
	fi
done
finish
