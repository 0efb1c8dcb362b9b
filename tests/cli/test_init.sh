#!/usr/bin/env bash
# gavel init, stats, the database file (migrations, newer/foreign files), help and usage errors.
. "$(dirname "$0")/lib.sh"
db=$TMP/g.db

run "$GAVEL" --help
expect_rc 0 "gavel --help"
expect_match "$out" "init" "--help lists init"
expect_match "$out" "import" "--help lists import"

run "$GAVEL"
expect_rc 2 "no command is a usage error"
run "$GAVEL" frobnicate
expect_rc 2 "unknown command"
expect_match "$err" "not a gavel command" "unknown command message"

for cmd in init import stats; do
	run "$GAVEL" "$cmd" --help
	expect_rc 0 "$cmd --help"
	expect_match "$out" "^usage: gavel $cmd" "$cmd --help text"
	run "$GAVEL" "$cmd" --no-such-option
	expect_rc 2 "$cmd rejects an unknown option"
	expect_match "$err" "unknown option '--no-such-option'" "$cmd names the bad option"
done
run "$GAVEL" init --db
expect_rc 2 "--db without a value"
expect_match "$err" "needs a value" "missing value message"

# init with the default scale, read back by sqlite3 itself
run "$GAVEL" init --db "$db"
expect_rc 0 "init"
expect_eq "$(sql "$db" "SELECT group_concat(value || ':' || name, ',') FROM (SELECT * FROM scale ORDER BY value)")" \
	"1:unusable,2:poor,3:acceptable,4:good,5:excellent" "default scale"
expect_eq "$(sql "$db" "PRAGMA journal_mode")" "wal" "WAL mode"
version=$(sql "$db" "PRAGMA user_version")
[ "$version" -ge 1 ] && ok || not_ok "schema version recorded ($version)"
for table in items prompt_versions runs predictions reviews scorer_models scores features scale; do
	expect_eq "$(sql "$db" "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='$table'")" 1 "table $table"
done

# a second init keeps the scale and says why
run "$GAVEL" init --db "$db" --scale "a,b"
expect_rc 1 "init on a database with a scale"
expect_match "$err" "already has a label scale" "second init message"
expect_eq "$(sql "$db" "SELECT count(*) FROM scale")" 5 "scale unchanged"

# custom scales, both spellings, and the bad ones
run "$GAVEL" init --db "$TMP/c.db" --scale "1:bad,2:ok,3:good"
expect_rc 0 "init --scale numbered"
expect_eq "$(sql "$TMP/c.db" "SELECT group_concat(name, ',') FROM (SELECT * FROM scale ORDER BY value)")" "bad,ok,good" "custom scale"
run "$GAVEL" init --db "$TMP/d.db" --scale "no,yes"
expect_rc 0 "init --scale unnumbered"
expect_eq "$(sql "$TMP/d.db" "SELECT name FROM scale WHERE value = 2")" "yes" "unnumbered scale"
for spec in "1:bad,3:good" "only" "a,b,a" "1:a,2:" "a,b,c,d,e,f,g,h,i,j"; do
	run "$GAVEL" init --db "$TMP/bad.db" --scale "$spec"
	expect_rc 2 "--scale '$spec' is refused"
	expect_match "$err" "--scale" "--scale '$spec' message"
done
# empty levels are refused (they were dropped silently); names are trimmed,
# of Unicode spaces too; control, bidirectional and invalid bytes are refused
nbsp=$(printf '\302\240') ideo=$(printf '\343\200\200') zwsp=$(printf '\342\200\213') nel=$(printf '\302\205')
for spec in "bad,,good" ",bad,good" "bad,good," "a, ,b" "a,$ideo,b" "a,$nbsp$zwsp,b" "1:a,2:  ,3:c"; do
	run "$GAVEL" init --db "$TMP/bad.db" --scale "$spec"
	expect_rc 2 "--scale '$spec' (an empty level) is refused"
	expect_match "$err" "--scale: level [0-9] is empty" "--scale '$spec' names the empty level"
done
run "$GAVEL" init --db "$TMP/bad.db" --scale "bad,,good"
expect_match "$err" "level 2 is empty" "the empty level's number"
run "$GAVEL" init --db "$TMP/bad.db" --scale "a,b,"
expect_match "$err" "level 3 is empty" "a trailing comma is an empty level"
[ ! -e "$TMP/bad.db" ] && ok || not_ok "a refused scale creates no file"
trimmed() { # SPEC: the names init stores, joined by |
	rm -f "$TMP/t.db"*
	"$GAVEL" init --db "$TMP/t.db" --scale "$1" 2>/dev/null
	sql "$TMP/t.db" "SELECT group_concat(name, '|') FROM (SELECT * FROM scale ORDER BY value)"
}
expect_eq "$(trimmed " bad , ok	,good ")" "bad|ok|good" "names trimmed of spaces and tabs"
expect_eq "$(trimmed "1: bad , 2 :ok,3:good")" "bad|ok|good" "numbered levels trimmed on both sides of the colon"
expect_eq "$(trimmed "悪い,$ideo普通$nbsp,${zwsp}良い$nel")" "悪い|普通|良い" "Unicode spaces trimmed"
expect_eq "$(trimmed "très bon,ok ok,😀 great")" "très bon|ok ok|😀 great" "inner spaces kept"
run "$GAVEL" init --db "$TMP/bad.db" --scale "good,good "
expect_match "$err" 'the name "good" is used twice' "duplicates found after trimming"
for bad in "$(printf 'a,b\342\200\256c')" "$(printf 'a,b\302\200c')" "$(printf 'a,b\033[31m')" "$(printf 'a,caf\351')"; do
	run "$GAVEL" init --db "$TMP/bad.db" --scale "$bad"
	expect_rc 2 "a level name with a control character or invalid UTF-8 is refused"
	expect_match "$err" "--scale: level 2 (has a control or formatting character|is not UTF-8)" "says which level and why"
done
name64=$(printf 'é%.0s' $(seq 64)) name65=$(printf 'é%.0s' $(seq 65))
expect_eq "$(trimmed "a,$name64")" "a|$name64" "a name of 64 characters"
run "$GAVEL" init --db "$TMP/bad.db" --scale "a,$name65"
expect_rc 2 "a name of 65 characters"
expect_match "$err" "--scale: level 2 is longer than 64 characters" "the name's limit"


# stats: text and JSON, read by python's json module
run "$GAVEL" stats --db "$db" --json
expect_rc 0 "stats --json"
keys=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(",".join(f"{k}={d[k]}" for k in ("items","runs","predictions","reviews","reviewers")))')
expect_eq "$keys" "items=0,runs=0,predictions=0,reviews=0,reviewers=0" "stats --json keys on an empty database"
GAVEL_DB=$db run "$GAVEL" stats
expect_rc 0 "stats through \$GAVEL_DB"
expect_match "$out" "items +0" "stats text"

# reviews count standing decisions: an undone one does not count
sql "$db" "INSERT INTO items (external_id, path) VALUES ('x', '/x.jpg');
	INSERT INTO reviews (item_id, reviewer, decision, label) VALUES (1, 'ana', 'accept', 3);
	INSERT INTO reviews (item_id, reviewer, decision, label) VALUES (1, 'ben', 'override', 2);
	INSERT INTO reviews (item_id, reviewer, decision, retracts) VALUES (1, 'ben', 'retract', 2);"
run "$GAVEL" stats --db "$db" --json
expect_match "$out" '"reviews":1,' "an undone review is not counted"
expect_match "$out" '"reviewers":2' "reviewers are counted"
# the review log is append-only
run sql "$db" "UPDATE reviews SET label = 5 WHERE id = 1"
[ "$rc" -ne 0 ] && ok || not_ok "UPDATE on reviews is refused"
run sql "$db" "DELETE FROM reviews"
[ "$rc" -ne 0 ] && ok || not_ok "DELETE on reviews is refused"
expect_eq "$(sql "$db" "SELECT count(*) FROM reviews")" 3 "reviews kept"

# missing, foreign and newer databases
run "$GAVEL" stats --db "$TMP/none.db"
expect_rc 1 "stats on a missing database"
expect_match "$err" "no such database.*gavel init" "missing database message"
[ ! -e "$TMP/none.db" ] && ok || not_ok "stats creates no file"
echo "hello, not sqlite at all, just text that is long enough to be a header" >"$TMP/text.db"
run "$GAVEL" stats --db "$TMP/text.db"
expect_rc 1 "stats on a text file"
expect_match "$err" "not a gavel database" "text file message"
sql "$TMP/other.db" "CREATE TABLE t (x)"
run "$GAVEL" stats --db "$TMP/other.db"
expect_rc 1 "stats on another program's SQLite file"
expect_match "$err" "another program.s SQLite database" "foreign SQLite message"
cp "$db" "$TMP/newer.db"
sql "$TMP/newer.db" "PRAGMA user_version = 999"
before=$(sha256sum "$TMP/newer.db")
run "$GAVEL" stats --db "$TMP/newer.db"
expect_rc 1 "a database from a newer gavel"
expect_match "$err" "newer gavel" "newer database message"
expect_eq "$(sha256sum "$TMP/newer.db")" "$before" "a newer database is left untouched"

# reopening an existing database keeps its data and version (migrations are idempotent)
run "$GAVEL" stats --db "$db" --json
expect_eq "$(sql "$db" "PRAGMA user_version")" "$version" "version unchanged on reopen"
expect_eq "$(sql "$db" "SELECT count(*) FROM items")" 1 "data kept on reopen"

# two inits racing on one fresh file: one wins, the file is sound
"$GAVEL" init --db "$TMP/race.db" 2>/dev/null &
"$GAVEL" init --db "$TMP/race.db" 2>/dev/null &
wait
expect_eq "$(sql "$TMP/race.db" "SELECT count(*) FROM scale")" 5 "racing inits leave one scale"
expect_eq "$(sql "$TMP/race.db" "PRAGMA integrity_check")" ok "racing inits leave a sound file"

finish
