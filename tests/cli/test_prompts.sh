#!/usr/bin/env bash
# gavel prompts: add, list (text and JSON), show, diff (stored versions and
# files, colour only on a terminal), the ways to name a version, and errors.
. "$(dirname "$0")/lib.sh"
db=$TMP/g.db
shipped=$(cd "$(dirname "$0")/../.." && pwd)/prompts/image-quality.md
"$GAVEL" init --db "$db" 2>/dev/null

run "$GAVEL" prompts --help
expect_rc 0 "prompts --help"
expect_match "$out" "^usage: gavel prompts" "prompts --help text"
run "$GAVEL" --help
expect_match "$out" "prompts" "gavel --help lists prompts"
run "$GAVEL" prompts --no-such-option
expect_rc 2 "unknown option"
expect_match "$err" "unknown option '--no-such-option'" "names the bad option"
run "$GAVEL" prompts --db "$db" frobnicate
expect_rc 2 "unknown subcommand"
expect_match "$err" "'frobnicate' is not a prompts command" "unknown subcommand message"
run "$GAVEL" prompts --db "$db" show
expect_rc 2 "show without REF"
run "$GAVEL" prompts --db "$db" diff 1
expect_rc 2 "diff with one operand"
run "$GAVEL" prompts --db "$db" show 1 --json
expect_rc 2 "show has no --json"

# ---- an empty database ----
run "$GAVEL" prompts --db "$db" list
expect_rc 0 "list on an empty database"
expect_match "$out" "^RANK +REF +HASH +MODEL +RUNS +COVERED +KAPPA_Q +95% CI +EXACT +UNPARSED +TOKENS +COST +NAME$" "list header"
expect_match "$err" "no prompt versions yet" "empty list hint"
run "$GAVEL" prompts --db "$db" --json
expect_eq "$out" "[]" "list --json (the default subcommand) on an empty database"
run "$GAVEL" prompts --db "$TMP/none.db" list
expect_rc 1 "list on a missing database"
expect_match "$err" "no such database" "missing database message"

# ---- add: the version is the SHA-256 of the file, computed by sha256sum ----
want=$(sha256sum "$shipped" | cut -d' ' -f1)
run "$GAVEL" prompts --db "$db" add "$shipped"
expect_rc 0 "add the shipped template"
expect_eq "$out" "1 $want" "add prints the id and the hash"
expect_match "$err" "added image-quality.md as prompt version 1" "add message"
expect_eq "$(sql "$db" "SELECT name || ' ' || hash FROM prompt_versions")" "image-quality.md $want" "stored name and hash"
expect_eq "$(sql "$db" "SELECT text FROM prompt_versions WHERE id = 1")" "$(cat "$shipped")" "stored text"
run "$GAVEL" prompts --db "$db" add "$shipped"
expect_rc 0 "adding the same text again"
expect_eq "$out" "1 $want" "same text, same version"
expect_match "$err" "already prompt version 1" "existing version reported"
expect_eq "$(sql "$db" "SELECT count(*) FROM prompt_versions")" 1 "nothing added twice"

# a one-character edit is a new version, under the new file's name
sed 's/meticulous/careful/' "$shipped" >"$TMP/edited.md"
run "$GAVEL" prompts --db "$db" add --json "$TMP/edited.md"
expect_rc 0 "add --json"
got=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["hash"], d["name"], d["created"])')
expect_eq "$got" "2 $(sha256sum "$TMP/edited.md" | cut -d' ' -f1) edited.md True" "add --json fields"

# templates with errors are refused with the line, and nothing is stored
printf '# user\nTitle: {{title\n{{image}}\n' >"$TMP/bad.md"
run "$GAVEL" prompts --db "$db" add "$TMP/bad.md"
expect_rc 1 "add a template with a syntax error"
expect_eq "$err" "gavel: bad.md:2: {{ without }} on the same line" "syntax error names file and line"
printf '# user\nno image\n' >"$TMP/noimage.md"
run "$GAVEL" prompts --db "$db" add "$TMP/noimage.md"
expect_rc 1 "add a template without {{image}}"
expect_match "$err" "no \{\{image\}\}" "missing image message"
run "$GAVEL" prompts --db "$db" add "$TMP/missing.md"
expect_rc 1 "add a missing file"
expect_match "$err" "missing.md: No such file" "missing file message"
expect_eq "$(sql "$db" "SELECT count(*) FROM prompt_versions")" 2 "refused templates are not stored"

# ---- list: counts of runs and predictions, read back by sqlite3 and python ----
sql "$db" "INSERT INTO items (external_id) VALUES ('a'), ('b');
	INSERT INTO runs (provider, prompt_version_id) VALUES ('heuristic', 2), ('heuristic', 2);
	INSERT INTO predictions (run_id, item_id, status) VALUES (1, 1, 'ok'), (1, 2, 'ok'), (2, 1, 'failed');"
run "$GAVEL" prompts --db "$db" list
expect_rc 0 "list"
expect_match "$out" "^ +- +1 +${want:0:8} +- +0 +-/0 .* image-quality.md \\(not run yet\\)$" "list row of version 1, unranked"
expect_match "$out" "^ +1 +2 +[0-9a-f]{8} +- +2 +0/0 .* edited.md current$" "list row of version 2: ranked first, 2 runs, the current one"
run "$GAVEL" prompts list --json --db "$db"
expect_rc 0 "list --json, options after the subcommand"
got=$(printf '%s' "$out" | python3 -c 'import json,sys
for v in sorted(json.load(sys.stdin), key=lambda v: v["id"]): print(v["id"], v["hash"][:12], v["name"], v["runs"], v["predictions"], len(v["created_at"]))' | tr '\n' ';')
expect_eq "$got" "1 ${want:0:12} image-quality.md 0 0 24;2 $(sha256sum "$TMP/edited.md" | cut -c1-12) edited.md 2 3 24;" "list --json rows"

# ---- show: byte for byte into a pipe, by id, hash prefix and name ----
"$GAVEL" prompts --db "$db" show 1 >"$TMP/show1" 2>/dev/null
expect_eq "$(sha256sum <"$TMP/show1" | cut -d' ' -f1)" "$want" "show 1 gives the stored bytes"
"$GAVEL" prompts --db "$db" show "${want:0:8}" >"$TMP/show2" 2>/dev/null
cmp -s "$TMP/show2" "$shipped" && ok || not_ok "show by hash prefix"
"$GAVEL" prompts --db "$db" show "$(echo "${want:0:10}" | tr a-f A-F)" >"$TMP/show3" 2>/dev/null
cmp -s "$TMP/show3" "$shipped" && ok || not_ok "show by upper-case hash prefix"
"$GAVEL" prompts --db "$db" show edited >"$TMP/show4" 2>/dev/null
cmp -s "$TMP/show4" "$TMP/edited.md" && ok || not_ok "show by name without .md"
run "$GAVEL" prompts --db "$db" show 99
expect_rc 1 "show an unknown id"
expect_match "$err" "no prompt version \"99\"" "unknown version message"
# two hashes sharing a prefix, inserted by hand: the prefix is ambiguous
sql "$db" "INSERT INTO prompt_versions (hash, name, text) VALUES
	('beef1$(printf '0%.0s' {1..59})', 'x.md', 'x'), ('beef2$(printf '0%.0s' {1..59})', 'y.md', 'y')"
run "$GAVEL" prompts --db "$db" show beef
expect_rc 1 "an ambiguous hash prefix"
expect_match "$err" "\"beef\" is ambiguous: .*3 \(beef10000000, x.md\), 4 \(beef20000000, y.md\)" "ambiguous prefix lists the candidates"
run "$GAVEL" prompts --db "$db" show beef2
expect_rc 0 "a longer prefix is unique"
expect_eq "$out" "y" "show by the longer prefix"
# text written into the database by something else is made safe on a terminal only
sql "$db" "INSERT INTO prompt_versions (hash, name, text) VALUES ('cafe$(printf '0%.0s' {1..60})', 'esc.md', 'a' || char(27) || '[2J' || char(10) || 'b')"
script -qec "'$GAVEL' prompts --db '$db' show cafe" /dev/null >"$TMP/tty.out" 2>&1
expect_match "$(cat "$TMP/tty.out")" '^a\^\[\[2J' "show on a terminal makes escapes visible"
run "$GAVEL" prompts --db "$db" show cafe
expect_eq "$out" $'a\033[2J\nb' "show into a pipe keeps the bytes"

# ---- diff: stored against stored, stored against a file, file against file ----
run "$GAVEL" prompts --db "$db" diff 1 2
expect_rc 0 "diff two versions"
expect_eq "$(printf '%s\n' "$out" | sed -n 1,2p)" "--- image-quality.md (version 1, ${want:0:12})
+++ edited.md (version 2, $(sha256sum "$TMP/edited.md" | cut -c1-12))" "diff headers"
expect_eq "$(printf '%s\n' "$out" | grep '^[-+][^-+]')" "-You are a meticulous photo editor for an online marketplace. You judge listing
+You are a careful photo editor for an online marketplace. You judge listing" "diff shows the one changed line"
expect_no_match "$out" $'\033' "no colour into a pipe"
# the hunks agree with diff(1) on the same texts
expect_eq "$(printf '%s\n' "$out" | tail -n +3)" "$(diff -u "$shipped" "$TMP/edited.md" | tail -n +3)" "hunks match diff -u"
# an engineer diffs the edited file against the stored version before running it
printf 'one more line\n' >>"$TMP/edited.md"
run "$GAVEL" prompts --db "$db" diff image-quality "$TMP/edited.md"
expect_rc 0 "diff a stored version against a file"
expect_match "$out" "^\+\+\+ $TMP/edited.md \(file, [0-9a-f]{12}\)" "file label"
expect_match "$out" '^\+one more line$' "the added line"
# the same text on both sides
run "$GAVEL" prompts --db "$db" diff 1 "$shipped"
expect_rc 0 "diff of equal texts"
expect_eq "$out" "" "equal texts print no diff"
expect_match "$err" "the same" "equal texts say so"
# two files need no database at all
printf 'a\nb\n' >"$TMP/f1"; printf 'a\nc\n' >"$TMP/f2"
run "$GAVEL" prompts --db "$TMP/none.db" diff "$TMP/f1" "$TMP/f2"
expect_rc 0 "diff of two files without a database"
expect_eq "$(printf '%s\n' "$out" | tail -n +3)" "@@ -1,2 +1,2 @@
 a
-b
+c" "file diff hunk"
[ ! -e "$TMP/none.db" ] && ok || not_ok "diff of files creates no database"
run "$GAVEL" prompts --db "$db" diff "$TMP/nothing.md" 1
expect_rc 1 "diff with a missing operand"
expect_match "$err" "nothing.md: no such file, nor a prompt version" "missing operand message"
# colour only on a terminal, with the text cleaned of escapes
printf 'a\nb\033[2J\n' >"$TMP/f3"
script -qec "'$GAVEL' prompts --db '$db' diff '$TMP/f1' '$TMP/f3'" /dev/null >"$TMP/tty.out" 2>&1
tty_out=$(cat "$TMP/tty.out")
expect_match "$tty_out" $'\033\\[31m-b' "colour on a terminal"
expect_match "$tty_out" '\+b\^\[\[2J' "escapes in the text are made visible on a terminal"
NO_COLOR=1 script -qec "'$GAVEL' prompts --db '$db' diff '$TMP/f1' '$TMP/f2'" /dev/null >"$TMP/tty2.out" 2>&1
expect_no_match "$(cat "$TMP/tty2.out")" $'\033\\[3' "NO_COLOR turns colour off"
run "$GAVEL" prompts --db "$db" diff "$TMP/f1" "$TMP/f3"
expect_match "$out" $'\\+b\033\\[2J' "into a pipe the text is kept as it is"

finish
