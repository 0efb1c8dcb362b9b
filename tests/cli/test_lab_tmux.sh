#!/usr/bin/env bash
# The lab screen's editor hand-over, in a real terminal (tmux on a private
# socket): L opens the lab, e hands the terminal to a scripted $EDITOR that
# appends a line and shows a marker while it runs; gavel takes the terminal
# back (the lab redrawn), asks what the edit should fix, and the changed text
# is a new version with its parent and that note, read back with sqlite3.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C.UTF-8

start_tmux || { finish; exit; }

# two items labelled with a stored prompt version
python3 "$here/../tools/mkpng.py" "$TMP/a.png" 16 16 200 40 40
python3 "$here/../tools/mkpng.py" "$TMP/b.png" 16 16 40 40 200
printf '{"id": "a", "path": "a.png"}\n{"id": "b", "path": "b.png"}\n' >"$TMP/m.jsonl"
db=$TMP/lab.db
"$GAVEL" init --db "$db" >/dev/null 2>&1
"$GAVEL" import --db "$db" -q "$TMP/m.jsonl"
start_llm_server
"$GAVEL" label --db "$db" --provider openai --model fake-1 --base-url "$LLM_URL/v1" --api-key k \
	--prompt "$here/../data/prompts/fake.md" -q >/dev/null 2>&1
expect_eq "$(sql "$db" "SELECT count(*) FROM prompt_versions")" 1 "fixture: one version"

# the scripted editor: shows a marker, waits for a key, appends a line
cat >"$TMP/editor.sh" <<'SH'
#!/bin/sh
printf '\033[2J\033[HSCRIPTED-EDITOR %s\n' "$1"
read -r _
printf '\nMind the edges.\n' >>"$1"
SH
chmod +x "$TMP/editor.sh"
ui_session lab 120 30 env VISUAL= EDITOR="$TMP/editor.sh" "$GAVEL" review --db "$db" --reviewer ann

until_screen 'gavel' && ok || not_ok "the review screen came up: $screen"
key L
until_screen 'fake\.md' && ok || not_ok "L opens the lab with the version: $screen"
key e
until_screen 'SCRIPTED-EDITOR' && ok || not_ok "e hands the terminal to \$EDITOR: $screen"
t send-keys -t lab Enter
until_screen 'fix' && ok || not_ok "back in gavel, it asks what the edit should fix: $screen"
key "edges are missed"
t send-keys -t lab Enter
until_screen 'saved as version 2' && ok || not_ok "the edit is saved as version 2: $screen"
printf '%s\n' "$screen" | grep -q 'SCRIPTED-EDITOR' && not_ok "the editor's text is still on the screen: $screen" || ok
printf '%s\n' "$screen" | grep -qE 'fake\.md' && ok || not_ok "the lab is redrawn: $screen"
expect_eq "$(sql "$db" "SELECT parent_id, note FROM prompt_versions WHERE id = 2")" "1|edges are missed" "version 2 has its parent and note"
expect_match "$(sql "$db" "SELECT text FROM prompt_versions WHERE id = 2")" "Mind the edges\." "version 2 is the edited text"
key q
key q
expect_eq "$(ui_ended)" 0 "gavel review ends cleanly"
finish
