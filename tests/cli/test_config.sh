#!/usr/bin/env bash
# The settings file through the commands that read it (label, agree): a
# broken file stops them with PATH:LINE before anything is sent or computed.
. "$(dirname "$0")/lib.sh"
db=$TMP/g.db
"$GAVEL" init --db "$db" 2>/dev/null
"$GAVEL" import --db "$db" "$(dirname "$0")/../../samples/manifest.jsonl" >/dev/null 2>&1
export XDG_CONFIG_HOME=$TMP/xdg
mkdir -p "$XDG_CONFIG_HOME/gavel"
conf=$XDG_CONFIG_HOME/gavel/config
prompt=$(dirname "$0")/../../prompts/image-quality.md
# nothing listens on this port: a run that got as far as sending would say so
url=http://127.0.0.1:9/v1

broken() { # NAME TEXT EXPECTED-DETAIL
	printf '%s' "$2" >"$conf"
	run "$GAVEL" label --db "$db" --provider openai --base-url "$url" --model m --prompt "$prompt" --limit 1 --max-attempts 1
	expect_rc 1 "label with $1"
	expect_match "$err" "gavel/config:$3" "label reports $1 as config:LINE"
	expect_eq "$(sql "$db" "SELECT count(*) FROM runs")" 0 "label with $1 starts no run"
	run "$GAVEL" agree --db "$db"
	expect_rc 1 "agree with $1"
	expect_match "$err" "gavel/config:$3" "agree reports $1 as config:LINE"
}
broken "a misspelt key" $'[openai]\nmodel = gpt-4o\nbase_ulr = http://localhost:8000/v1\n' '3: unknown key "base_ulr" in \[openai\], which takes base_url, model, api_key, price_in, price_out'
broken "a line without =" $'# prices\n[openai]\nprice_in 0.15\n' '3: expected "key = value" or "\[section\]", not "price_in 0.15"'
broken "an unknown section" $'[OpenAI]\nmodel = x\n' '1: unknown section \[OpenAI\]: a section is a labeller, openai, anthropic, heuristic or scorer'
broken "a key outside a section" $'model = x\n' '1: "model" is outside a section'
broken "a price that is not a number" $'[anthropic]\nprice_out = 3,00 €\n' '2: price_out is a price in USD per million tokens, not "3,00 €"'
broken "a Latin-1 byte" "$(printf '[openai]\nmodel = mod\350le\n')" '2: not UTF-8 \(at byte 12\)'

# the heuristic reads no settings, so a broken file does not stop it
printf '[openai]\nbase_ulr = x\n' >"$conf"
run "$GAVEL" label --db "$db" --provider heuristic --limit 2
expect_rc 0 "the heuristic runs whatever the settings file says"

# a sound file is used: its price shows in agree's cost
printf '\xef\xbb\xbf# gavel settings\r\n[heuristic]\r\n[openai]\r\nmodel = "gpt #4"   # quoted\r\n' >"$conf"
run "$GAVEL" agree --db "$db"
expect_rc 0 "agree with a sound settings file"

# a file that is there but unreadable is an error; a folder that may not be
# searched (another user running with root's HOME) is no file at all
if [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$TMP"
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	chmod 644 "$db"
	chmod 777 "$(dirname "$db")"
	chmod 711 "$TMP/xdg" "$TMP/xdg/gavel"
	chmod 600 "$conf"
	run as_nobody "$GAVEL" agree --db "$db"
	expect_rc 1 "agree with a settings file it may not read"
	expect_match "$err" "gavel/config: Permission denied" "names the file and why"
	chmod 700 "$TMP/xdg"
	run as_nobody "$GAVEL" agree --db "$db"
	expect_rc 0 "agree when the settings folder may not be searched: defaults"
	chmod 755 "$TMP/xdg" "$TMP/xdg/gavel"
	chmod 644 "$conf"
fi

finish
