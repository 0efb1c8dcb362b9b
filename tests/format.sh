#!/usr/bin/env bash
# format.sh [--fix] [--whole] [--all] [ROOT] - .clang-format, applied to what changed:
# the lines of C files changed since the branch left main (git merge-base HEAD main;
# $FORMAT_BASE names another base, such as origin/main), or since HEAD when there is
# no main: commits, the index and the working tree alike. New files count whole.
# Prints each file whose changed lines clang-format would format differently, with
# the diff, and exits 1 if there is any; a clean clone (CI) has nothing to check.
# Lines nobody touched are left alone: other work goes on in most files, and a
# reformat of whole files would conflict with it.
#   --fix    format those lines in place instead (make format)
#   --whole  take every changed file whole, not just its changed lines
#   --all    take every tracked C file whole (make format ALL=1)
# clang-format is not a build dependency: without it this says so and passes.
# $CLANG_FORMAT picks the binary (default clang-format-14 when present, else clang-format).
set -u
fix=0 whole=0 all=0
while [ $# -gt 0 ]; do
	case $1 in
	--fix) fix=1 ;;
	--whole) whole=1 ;;
	--all) all=1 whole=1 ;;
	-*) echo "usage: format.sh [--fix] [--whole] [--all] [ROOT]" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
cd "${1:-.}" || exit 2

if [ -z "${CLANG_FORMAT:-}" ]; then
	CLANG_FORMAT=clang-format
	command -v clang-format-14 >/dev/null 2>&1 && CLANG_FORMAT=clang-format-14
fi
if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
	echo "format: $CLANG_FORMAT not found, formatting not checked" \
		"(install it: apt-get install clang-format)"
	exit 0
fi
top=$(git rev-parse --show-toplevel 2>/dev/null) || {
	echo "format: not a git work tree, nothing to check"
	exit 0
}
cd "$top" || exit 2 # git names files from here
[ -f .clang-format ] || { echo "format: no .clang-format in $top" >&2; exit 2; }
# .clang-format was tuned on 14 (Debian 12); other versions break a few lines differently.
version=$("$CLANG_FORMAT" --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
[ "$version" = 14 ] || echo "format: note: clang-format $version; .clang-format is tuned for 14" >&2

# base: the commit changes are counted from (none before the first commit)
base=$(git rev-parse -q --verify HEAD) || base=
want=${FORMAT_BASE:-main}
if [ -n "$base" ] && git rev-parse -q --verify "$want^{commit}" >/dev/null; then
	base=$(git merge-base HEAD "$want") || base=$(git rev-parse HEAD)
fi

changed() { # the C files to look at, NUL-separated, each once
	if [ $all -eq 1 ]; then
		git ls-files -z -- '*.c' '*.h'
		return
	fi
	{
		[ -n "$base" ] && git diff -z --name-only --diff-filter=d "$base" -- '*.c' '*.h'
		git ls-files -z --others --exclude-standard -- '*.c' '*.h'
	} | sort -zu
}

ranges() { # FILE: clang-format's --lines for the lines of FILE changed since base
	if [ $whole -eq 1 ] || [ -z "$base" ] || ! git cat-file -e "$base:$1" 2>/dev/null; then
		echo all # new since base, or asked for whole
		return
	fi
	git diff -U0 --no-color --no-ext-diff "$base" -- "$1" |
		sed -n 's/^@@ -[0-9,]* +\([0-9]*\)\(,\([0-9]*\)\)\{0,1\} @@.*/\1 \3/p' |
		while read -r start count; do # count 0: lines only removed
			[ "${count:-1}" -gt 0 ] && echo "--lines=$start:$((start + ${count:-1} - 1))"
		done
}

files=() bad=0
while IFS= read -r -d '' f; do
	[ -f "$f" ] && files+=("$f") # gone from the working tree: nothing to format
done < <(changed)
if [ ${#files[@]} -eq 0 ]; then
	echo "format: no changed C files"
	exit 0
fi
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
for f in "${files[@]}"; do
	mapfile -t lines < <(ranges "$f")
	[ ${#lines[@]} -gt 0 ] || continue
	[ "${lines[0]}" = all ] && lines=()
	if [ $fix -eq 1 ]; then
		"$CLANG_FORMAT" -i --style=file "${lines[@]}" "$f" || bad=$((bad + 1))
	elif ! "$CLANG_FORMAT" --style=file "${lines[@]}" "$f" >"$tmp"; then
		echo "$f: clang-format failed"
		bad=$((bad + 1))
	elif ! cmp -s "$f" "$tmp"; then
		echo "$f: formatting differs from .clang-format (make format fixes it):"
		diff -u --label "$f" --label "$f (clang-format)" "$f" "$tmp"
		bad=$((bad + 1))
	fi
done
what="the changed lines of ${#files[@]} C files"
[ $whole -eq 1 ] && what="${#files[@]} C files whole"
if [ $fix -eq 1 ]; then
	echo "format: formatted $what"
	[ $bad -eq 0 ] || exit 2
elif [ $bad -gt 0 ]; then
	echo "format: $bad need formatting (make format); checked $what"
	exit 1
else
	echo "format: ok, checked $what"
fi
