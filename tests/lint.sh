#!/usr/bin/env bash
# lint.sh [ROOT [BUILD]] - the layering rules, checked on the source tree
# (docs/ARCHITECTURE.md explains them):
#   1. each folder includes only the folders its rule names;
#   2. curses only in ui/, <curl/curl.h> only in src/llm/http.c, <sqlite3.h>
#      only in db/;
#   3. at link level (BUILD's objects, when built): nothing outside src/cmd/
#      refers to a symbol defined in ui/, and ui/ nothing of src/cmd/;
#   4. domain words (db/kinds.h) are compared with strcmp only in db/;
#   5. the C library's printing functions only in the files named below:
#      everything else prints through src/base/out.h, which cleans text.
# Prints each violation as FILE[:LINE]: rule, and exits 1 when there is any.
set -u
root=${1:-.}
build=${2:-$root/build}
cd "$root" || exit 2
bad=0
violation() { echo "$1: $2"; bad=1; }

# ---- 1. the folders: what each may include besides itself ----
# folder      allowed folders or headers        (loader: the files that may reach db/)
rules='
src/base     -
src/img      src/base
src/llm      src/base src/img db
src/agree    src/base src/img db/kinds.h        loader=src/agree/agreeload
src/import   src/base src/img db
src/review   src/base src/agree src/settle db
src/score    src/base src/agree db/kinds.h      loader=src/score/rows,src/score/trainer,src/score/apply
src/settle   src/base db/kinds.h                loader=src/settle/settlement
src/export   src/base src/settle src/agree db
src/estimate src/base src/agree db
src/lab      src/base src/img src/llm src/agree db
src/cmd      *
ui           src/base src/img src/llm src/agree src/review src/settle src/score src/estimate src/lab db
db           src/base
'

# One awk pass over every include line: a process per line took minutes.
check_includes() {
	awk -v rules="$rules" '
	function folder_of(path, parts) { # the rule folder PATH lies in, or ""
		if (path ~ /^src\/[^\/]+\//) { split(path, parts, "/"); return "src/" parts[2] }
		if (path ~ /^ui\//) return "ui"
		if (path ~ /^db\//) return "db"
		return ""
	}
	function may_include(file, from, to, target, names, n, i, stem) {
		n = split(allow[from], names, " ")
		for (i = 1; i <= n; i++)
			if (names[i] == "*" || names[i] == to || names[i] == target) return 1
		stem = file; sub(/\.[ch]$/, "", stem)
		return to == "db" && index("," loader[from] ",", "," stem ",") > 0
	}
	BEGIN {
		n = split(rules, lines, "\n")
		for (i = 1; i <= n; i++) {
			if (split(lines[i], f, " ") == 0) continue
			known[f[1]] = 1
			for (k = 2; k in f; k++)
				if (f[k] ~ /^loader=/) loader[f[1]] = substr(f[k], 8)
				else allow[f[1]] = allow[f[1]] " " f[k]
		}
	}
	{
		file = $0; sub(/:.*/, "", file)
		rest = substr($0, length(file) + 2)
		lineno = rest; sub(/:.*/, "", lineno)
		target = rest; sub(/^[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*"/, "", target); sub(/".*/, "", target)
		from = folder_of(file); to = folder_of(target)
		if (from == "" || to == "" || from == to) next
		if (!(from in known)) print file ":" lineno ": " from "/ has no rule in tests/lint.sh"
		else if (!may_include(file, from, to, target)) print file ":" lineno ": " from "/ may not include " target
	}'
}
while IFS= read -r hit; do
	violation "${hit%%: *}" "${hit#*: }"
done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(src|ui|db)/' \
	--include='*.c' --include='*.h' -r src ui db 2>/dev/null | check_includes)

# ---- 2. the libraries ----
check() { # PATTERN ALLOWED-REGEX MESSAGE: files outside ALLOWED that include PATTERN
	local pattern=$1 allowed=$2 message=$3 hit file
	while IFS= read -r hit; do
		file=${hit%%:*}
		[[ $file =~ $allowed ]] || violation "${hit%:*}" "$message"
	done < <(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($pattern)[>\"]" \
		--include='*.c' --include='*.h' -r src ui db tests 2>/dev/null | cut -d: -f1-3)
}
check 'n?curses(w)?\.h|ncursesw/[a-z]+\.h|term\.h|panel\.h' '^(ui/|tests/)' \
	"curses is included outside ui/"
check 'curl/curl\.h' '^src/llm/http\.c$|^tests/' "curl is included outside src/llm/http.c"
check 'sqlite3\.h' '^(db/|tests/)' "sqlite3 is included outside db/"

# ---- 3. links the include check cannot see ----
current() { # OBJECT...: those whose source is still in the tree (no stale ones)
	local o src
	for o in "$@"; do
		src=${o#"$build"/}
		[ -f "${src%.o}.c" ] && echo "$o"
	done
}
defined() { nm --defined-only -g "$@" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u; }
undefined_by() { # OBJECT...: "object symbol" for each symbol an object needs
	[ $# -gt 0 ] || return 0
	nm -A -u "$@" 2>/dev/null | awk '{ sub(/:$/, "", $1); print $1, $NF }'
}
link_rule() { # FROM-OBJECTS TO-OBJECTS MESSAGE (space-separated lists)
	local message=$3 symbols
	# shellcheck disable=SC2086 # the lists are meant to split
	symbols=$(defined $(current $2))
	[ -n "$symbols" ] || return 0
	# shellcheck disable=SC2086
	while read -r object symbol; do
		src=${object#"$build"/}
		violation "${src%.o}.c" "$message ($symbol)"
	done < <(undefined_by $(current $1) |
		awk 'NR == FNR { want[$1] = 1; next } ($2 in want)' <(echo "$symbols") -)
}
if [ -d "$build/ui" ]; then
	shopt -s nullglob
	others=("$build"/db/*.o)
	for d in "$build"/src/*/; do [ "$d" = "$build/src/cmd/" ] || others+=("$d"*.o); done
	uis=("$build"/ui/*.o) cmds=("$build"/src/cmd/*.o)
	link_rule "${others[*]:-}" "${uis[*]:-}" "refers to ui/ at link level; only src/cmd/ may"
	link_rule "${uis[*]:-}" "${cmds[*]:-}" "ui/ refers to the command layer src/cmd/"
	shopt -u nullglob
fi

# ---- 4. domain words stay in db/ ----
words=$(sed -n 's/.*X([A-Z_]*, "\([a-z_]*\)").*/\1/p' db/kinds.h 2>/dev/null | paste -sd'|')
if [ -n "$words" ]; then
	while IFS= read -r hit; do
		violation "$(echo "$hit" | cut -d: -f1-2)" "compares a domain word with strcmp; use db/kinds.h's enums"
	done < <(grep -nE "str(n?case)?cmp\([^;]*\"($words)\"" --include='*.c' -r src ui 2>/dev/null)
fi

# ---- 5. text reaches a terminal cleaned ----
# The files that may print raw, and why:
#   src/base/out.c      the printer itself: cleans what it writes
#   src/base/xalloc.c   the last words before exiting out of memory (no allocation)
#   src/llm/batch.c     writes the bytes of the batch files it creates
#   ui/screen.c         the sixel bytes, and dumps of the cells curses drew
raw_ok='^(src/base/out\.c|src/base/xalloc\.c|src/llm/batch\.c|ui/screen\.c)$'
while IFS= read -r hit; do
	file=${hit%%:*}
	[[ $file =~ $raw_ok ]] || violation "$(echo "$hit" | cut -d: -f1-2)" \
		"prints raw text: use src/base/out.h (out_printf, out_puts, out_data, out_json)"
done < <(grep -nE '(^|[^a-z_.>])(printf|fprintf|vprintf|vfprintf|dprintf|fputs|puts|putchar|fputc|putc|fwrite|perror)[[:space:]]*\(' \
	--include='*.c' -r src ui db 2>/dev/null | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)' |
	grep -vE "printf\('")  # SQL's printf() inside a statement is not a call

# ---- 6. every file has its line in docs/ARCHITECTURE.md ----
# A newcomer finds files there; a file missing from it is a file nobody finds.
if [ -f docs/ARCHITECTURE.md ]; then
	while IFS= read -r file; do
		grep -qF "\`$file\`" docs/ARCHITECTURE.md ||
			violation "$file" "has no row in docs/ARCHITECTURE.md (its folder's table)"
	done < <(find src ui db -name '*.c' 2>/dev/null | sort)
fi

[ $bad -eq 0 ] && echo "lint: layering ok"
exit $bad
