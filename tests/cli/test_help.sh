#!/usr/bin/env bash
# Every command's help: reachable three ways, within 80 columns, and every
# option it takes is in the man page (docs/gavel.1).
. "$(dirname "$0")/lib.sh"
man=$(cd "$(dirname "$0")/../.." && pwd)/docs/gavel.1

run "$GAVEL" --help
expect_rc 0 "gavel --help"
expect_match "$out" "--version" "the top-level help lists --version"
expect_match "$out" "help \[COMMAND\]" "and help COMMAND"
run "$GAVEL" nope
expect_rc 2 "an unknown command is a usage error"
for cmd in $("$GAVEL" --commands); do
	run "$GAVEL" "$cmd" --help
	expect_rc 0 "$cmd --help"
	help=$out
	run "$GAVEL" help "$cmd"
	expect_eq "$out" "$help" "gavel help $cmd is $cmd --help"
	wide=$(printf '%s\n' "$help" | awk 'length($0) > 80 { print length($0) ": " $0; exit }')
	expect_eq "$wide" "" "$cmd --help fits in 80 columns"
	grep -q "^\.B $cmd\b\|^\.B $(printf '%s' "$cmd" | sed 's/-/\\\\-/g')\b" "$man" && ok ||
		not_ok "the man page has no entry for $cmd"
	# the command's own entry: from its ".TP .B cmd" to the next command's (or section)
	entry=$(awk -v c="$(printf '%s' "$cmd" | sed 's/-/\\\\-/g')" -v all="$("$GAVEL" --commands | sed 's/-/\\\\-/g' | tr '\n' '|')" '
		BEGIN { n = split(all, names, "|") }
		/^\.SH/ { inside = 0 }
		prev == ".TP" && /^\.B / { for (i = 1; i <= n; i++) if (names[i] != "" && index($0, ".B " names[i]) == 1 &&
			(length($0) == length(".B " names[i]) || substr($0, length(".B " names[i]) + 1, 1) == " "))
				inside = (names[i] == c) }
		inside { print } { prev = $0 }' "$man")
	# --db is the same for every command: the man page says it once, at the top
	for opt in $("$GAVEL" "$cmd" --list-options | cut -f1 | grep '^--' | grep -v '^--help$\|^--db$'); do
		escaped=$(printf '%s' "$opt" | sed 's/-/\\-/g')
		printf '%s' "$entry" | grep -qF -- "$escaped" && ok ||
			not_ok "the man page's entry for $cmd does not mention $opt"
	done
done

finish
