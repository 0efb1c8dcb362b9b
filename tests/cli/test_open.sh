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

# ---- a read-only database: reading commands read it, writing ones say why not ----
ro=$(mktemp -d /tmp/gavel-ro.XXXXXX)
chmod 755 "$ro"
"$GAVEL" init --db "$ro/r.db" 2>/dev/null
printf 'item,rater,label\nx1,ana,2\nx2,ana,3\n' >"$ro/r.csv"
"$GAVEL" import-ratings --db "$ro/r.db" -q "$ro/r.csv"
sqlite3 "$ro/r.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
rm -f "$ro/r.db-wal" "$ro/r.db-shm"
chmod 444 "$ro/r.db"
chmod 555 "$ro" # not even the -shm file can be made: read as immutable
as_reader() { # root reads every file: run as nobody to see the permissions
	if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; else "$@"; fi
}
before=$(sha256sum "$ro/r.db" | cut -d' ' -f1)
run as_reader "$GAVEL" stats --db "$ro/r.db"
expect_rc 0 "stats reads a read-only database"
expect_match "$out" "reviews +2" "and counts what is in it"
run as_reader "$GAVEL" agree --db "$ro/r.db" --no-ci
expect_rc 0 "agree reads a read-only database"
run as_reader "$GAVEL" import-ratings --db "$ro/r.db" "$ro/r.csv"
expect_rc 1 "import-ratings refuses a read-only database"
expect_match "$err" "read-only \(no write permission\)" "and says plainly that it is read-only"
printf 'key q\n' >"$TMP/q"
run as_reader "$GAVEL" review --db "$ro/r.db" --script "$TMP/q"
expect_rc 1 "review refuses it too"
expect_match "$err" "read-only" "naming why"
expect_eq "$(sha256sum "$ro/r.db" | cut -d' ' -f1)" "$before" "the file is untouched"
chmod 755 "$ro"
rm -rf "$ro"

finish
