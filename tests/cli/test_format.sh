#!/usr/bin/env bash
# The formatting lint (tests/format.sh) in a throwaway git repository: it checks
# the lines of C files changed in the working tree, the index, and on the branch
# since it left main, and new files whole; it fails on badly formatted ones and
# passes once `clang-format -i` has run; lines nobody changed are not checked.
. "$(dirname "$0")/lib.sh"
# the second, sanitized pass of make check: formatting does not run the binary, so once is enough
case ${GAVEL_BUILD:-} in */asan)
	echo "checked once, in the first pass"
	finish
	exit ;;
esac
top=$(cd "$(dirname "$0")/../.." && pwd)
check=$top/tests/format.sh
cf=clang-format
command -v clang-format-14 >/dev/null 2>&1 && cf=clang-format-14
if ! command -v "$cf" >/dev/null 2>&1 || ! command -v git >/dev/null 2>&1; then
	echo "clang-format or git is missing: formatting lint not tested (apt-get install clang-format)"
	finish
	exit
fi

# the project's own .clang-format is one clang-format reads without complaint
run "$cf" --style=file:"$top/.clang-format" --dump-config
expect_rc 0 ".clang-format is valid: $err"

repo=$TMP/repo
mkdir -p "$repo/src"
cd "$repo" || exit 1
git init -q -b main .
git config user.name test
git config user.email test@example.invalid
cp "$top/.clang-format" .
good='int add(int a, int b)
{
	return a + b;
}'
bad='int  add( int a,int b ) { return a+b; }'
printf '%s\n' "$good" >src/good.c
printf '%s\nint  x ;\n' "$bad" >src/legacy.c # committed badly formatted
git add -A && git commit -q -m start

# formatted: FILE is as clang-format would leave it (clang-format itself says)
formatted() {
	"$cf" --style=file "$1" | cmp -s - "$1"
	rc=$? err=
}
formatted src/good.c
expect_rc 0 "the good file is formatted"
formatted src/legacy.c
expect_rc 1 "the legacy file is not"

lint() { run "$check" "$repo"; }

lint
expect_rc 0 "a clean tree passes: $out"
expect_no_match "$out" "legacy" "an unchanged file is not checked"

# a working-tree change
printf '%s\n' "$bad" >src/good.c
lint
expect_rc 1 "a badly formatted working-tree change fails"
expect_match "$out" "^src/good.c: formatting differs" "the file is named"
expect_match "$out" "^\+.*return a \+ b;" "with the diff clang-format would make"
expect_no_match "$out" "legacy" "the unchanged legacy file is still not checked"
"$cf" -i --style=file src/good.c
lint
expect_rc 0 "it passes after clang-format -i: $out"
git checkout -q src/good.c

# a change in the index, then a new untracked file
printf '%s\n' "$bad" >src/staged.c
git add src/staged.c
lint
expect_rc 1 "a staged file is checked"
expect_match "$out" "^src/staged.c:" "the staged file is named"
"$cf" -i --style=file src/staged.c
lint
expect_rc 0 "the staged file passes once formatted (the working copy counts)"
git rm -q -f --cached src/staged.c
rm src/staged.c
printf '%s\n' "$bad" >src/new.h
lint
expect_rc 1 "an untracked new header is checked"
expect_match "$out" "^src/new.h:" "the new header is named"
rm src/new.h

# in a file that was badly formatted already, only the changed lines count
printf '\nint twice(int a)\n{\n\treturn 2 * a;\n}\n' >>src/legacy.c
lint
expect_rc 0 "a well formatted addition to a badly formatted file passes: $out"
run "$check" --whole "$repo"
expect_rc 1 "--whole checks that file whole"
expect_match "$out" "^src/legacy.c:" "and names it"
printf 'int  thrice( int a ) { return 3*a; }\n' >>src/legacy.c
lint
expect_rc 1 "a badly formatted line added to it fails"
expect_match "$out" "^\+int thrice\(int a\)" "the diff formats the new line"
expect_no_match "$out" "^-int  add" "and leaves the old lines alone"
run "$check" --fix "$repo"
expect_rc 0 "--fix formats the changed lines"
expect_eq "$(head -n 1 src/legacy.c)" "$bad" "--fix left the old line as it was"
expect_eq "$(tail -n 4 src/legacy.c | head -n 1)" "int thrice(int a)" "--fix formatted the new one"
lint
expect_rc 0 "and then the check passes: $out"
git checkout -q src/legacy.c
sed -i '$d' src/legacy.c
lint
expect_rc 0 "a line only removed leaves nothing to check: $out"
git checkout -q src/legacy.c

# files that are not C, and deleted files, are not checked
printf 'not   C {\n' >notes.txt
git rm -q src/good.c
lint
expect_rc 0 "a deleted file and a text file are not checked: $out"
git reset -q --hard

# a commit on a branch: checked against where it left main
git checkout -q -b topic
printf '%s\n' "$bad" >src/topic.c
git add src/topic.c && git commit -q -m topic
lint
expect_rc 1 "a badly formatted file committed on the branch fails"
expect_match "$out" "^src/topic.c:" "the branch's file is named"
git checkout -q main
lint
expect_rc 0 "main itself, clean, passes"
git checkout -q topic
git branch -q -m main trunk
lint
expect_rc 0 "without a main branch only uncommitted changes count"
run env FORMAT_BASE=trunk "$check" "$repo"
expect_rc 1 "FORMAT_BASE names another base branch"
git checkout -q trunk

# make format: --fix formats the changed files only; --all every tracked one
printf '%s\n' "$bad" >src/good.c
run "$check" --fix "$repo"
expect_rc 0 "--fix runs"
formatted src/good.c
expect_rc 0 "--fix formatted the changed file"
formatted src/legacy.c
expect_rc 1 "--fix left the unchanged file alone"
run "$check" --fix --all "$repo"
formatted src/legacy.c
expect_rc 0 "--fix --all formats every file"

# from a subfolder, and without clang-format
printf '%s\n' "$bad" >src/good.c
run "$check" "$repo/src"
expect_rc 1 "run from a subfolder it still finds the changes: $out"
run env CLANG_FORMAT=clang-format-missing "$check" "$repo"
expect_rc 0 "without clang-format the check passes"
expect_match "$out" "not found.*apt-get install clang-format" "and says how to install it"

finish
