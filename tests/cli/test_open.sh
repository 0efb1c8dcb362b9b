#!/usr/bin/env bash
# Opening a database: a file that belongs to another program is refused and
# left exactly as it was; the messages say what the file is.
. "$(dirname "$0")/lib.sh"

f=$TMP/other.db
sqlite3 "$f" "PRAGMA journal_mode = DELETE; CREATE TABLE customers (id INTEGER, name TEXT);
	INSERT INTO customers VALUES (1, 'x');" >/dev/null
before=$(sha256sum "$f" | cut -d' ' -f1)
run "$GAVEL" init --db "$f"
expect_rc 1 "init refuses another program's SQLite file"
expect_match "$err" "another program's SQLite database" "and says what the file is"
expect_no_match "$err" "gavel init" "without advising init on it"
expect_eq "$(sha256sum "$f" | cut -d' ' -f1)" "$before" "the file is untouched (not even switched to WAL)"
expect_eq "$(ls "$f"* | wc -l)" 1 "no WAL or shared-memory file appears beside it"
run "$GAVEL" stats --db "$f"
expect_rc 1 "other commands refuse it too"
expect_no_match "$err" "create one with" "and do not advise creating a database in it"

printf 'not a database at all\n' >"$TMP/text.db"
run "$GAVEL" stats --db "$TMP/text.db"
expect_rc 1 "a file that is not SQLite"
expect_match "$err" "not an SQLite file" "is named as such"

sqlite3 "$TMP/empty.db" "PRAGMA user_version" >/dev/null
run "$GAVEL" init --db "$TMP/empty.db"
expect_rc 0 "an empty SQLite file may become a gavel database"

finish
