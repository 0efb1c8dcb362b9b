#!/usr/bin/env bash
# format.sh [--fix] [--all] [ROOT] - .clang-format, applied to the C files that changed:
#   - changed in the working tree or the index against HEAD, or new and untracked;
#   - changed on this branch since it left main (git merge-base HEAD main), when a
#     `main` branch exists ($FORMAT_BASE names another, such as origin/main).
# Prints each file whose formatting differs, with the diff, and exits 1 if any does.
# A clean clone (CI) has nothing changed and passes. Files nobody touches are left
# alone, so the tree converges file by file instead of in one conflicting reformat.
# --fix formats those files in place (make format); --all takes every tracked C file.
# clang-format is not a build dependency: without it this says so and passes.
# $CLANG_FORMAT picks the binary (default clang-format-14 when present, else clang-format).
set -u
fix=0 all=0
while [ $# -gt 0 ]; do
	case $1 in
	--fix) fix=1 ;;
	--all) all=1 ;;
	-*) echo "usage: format.sh [--fix] [--all] [ROOT]" >&2; exit 2 ;;
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

changed() { # the C files to look at, NUL-separated, each once
	if [ $all -eq 1 ]; then
		git ls-files -z -- '*.c' '*.h'
		return
	fi
	local base=${FORMAT_BASE:-main} fork
	{
		git diff -z --name-only --diff-filter=d HEAD -- '*.c' '*.h' 2>/dev/null
		git ls-files -z --others --exclude-standard -- '*.c' '*.h'
		if git rev-parse -q --verify "$base^{commit}" >/dev/null &&
			fork=$(git merge-base HEAD "$base" 2>/dev/null); then
			git diff -z --name-only --diff-filter=d "$fork" HEAD -- '*.c' '*.h'
		fi
	} | sort -zu
}

files=() bad=0
while IFS= read -r -d '' f; do
	[ -f "$f" ] && files+=("$f") # gone from the working tree: nothing to format
done < <(changed)
if [ ${#files[@]} -eq 0 ]; then
	echo "format: no changed C files"
	exit 0
fi
if [ $fix -eq 1 ]; then
	"$CLANG_FORMAT" -i --style=file "${files[@]}" || exit 2
	echo "format: formatted ${#files[@]} files"
	exit 0
fi
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
for f in "${files[@]}"; do
	if ! "$CLANG_FORMAT" --style=file "$f" >"$tmp"; then
		echo "$f: clang-format failed"
		bad=$((bad + 1))
	elif ! cmp -s "$f" "$tmp"; then
		echo "$f: formatting differs from .clang-format (make format fixes it):"
		diff -u --label "$f" --label "$f (clang-format)" "$f" "$tmp"
		bad=$((bad + 1))
	fi
done
if [ $bad -gt 0 ]; then
	echo "format: $bad of ${#files[@]} changed C files need formatting: make format"
	exit 1
fi
echo "format: ${#files[@]} changed C files formatted"
