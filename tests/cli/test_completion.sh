#!/usr/bin/env bash
# Shell completion: the bash and zsh scripts gavel writes complete commands,
# options, option values and prompt names, asking the binary under test.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

"$GAVEL" completion bash >"$TMP/gavel.bash"
expect_eq "$?" 0 "gavel completion bash"
bash -n "$TMP/gavel.bash" && ok || not_ok "the bash script parses"

db=$TMP/c.db
"$GAVEL" init --db "$db" 2>/dev/null
"$GAVEL" prompts add --db "$db" "$here/../../prompts/image-quality.md" >/dev/null 2>&1

complete_words() { # WORDS...: what bash completion offers for the last word
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _gavel; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$TMP/gavel.bash" "$@" | sort | tr '\n' ' '
}
expect_match "$(complete_words "$GAVEL" ag)" "^agree $" "a command"
expect_eq "$(complete_words "$GAVEL" a)" "agree audit " "every command with the prefix"
expect_match "$(complete_words "$GAVEL" i)" "^import import-features import-ratings init $" "commands with one prefix"
expect_match "$(complete_words "$GAVEL" agree --b)" "^--by $" "an option"
expect_eq "$(complete_words "$GAVEL" agree --by "")" "blind category model prompt reviewer " "--by's values"
expect_eq "$(complete_words "$GAVEL" review --order r)" "random " "--order's values"
expect_match "$(complete_words "$GAVEL" label --provider "")" "anthropic heuristic openai" "--provider's values"
expect_match "$(complete_words "$GAVEL" agree --db "$db" --prompt "")" "image-quality" "prompt names from the database"
expect_eq "$(complete_words "$GAVEL" prompts s)" "show " "prompts' subcommands"
expect_match "$(complete_words "$GAVEL" help ag)" "^agree $" "help takes a command"

"$GAVEL" completion zsh >"$TMP/_gavel"
if command -v zsh >/dev/null; then
	zsh -n "$TMP/_gavel" && ok || not_ok "the zsh script parses"
	# the completion function with zsh's builtins stood in for: what it offers
	zcomp() { # WORDS...
		zsh -c 'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }; _files() { print FILES; }
			words=("${@:2}"); CURRENT=${#words}; PREFIX=${words[CURRENT]}
			. "$1"' _ "$TMP/_gavel" "$@" | grep -v '^$' | grep -- "^${!#}" | sort | tr '\n' ' '
	}
	expect_match "$(zcomp "$GAVEL" ag)" "^agree $" "zsh: a command"
	expect_eq "$(zcomp "$GAVEL" agree --by c)" "category " "zsh: --by's values"
	expect_match "$(zcomp "$GAVEL" review --or)" "^--order $" "zsh: an option"
else
	not_ok "zsh is not installed (make deps installs it)"
fi

run "$GAVEL" completion fish
expect_rc 2 "an unknown shell is a usage error"

finish
