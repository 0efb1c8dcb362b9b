/* seen.c - a temporary table of the keys one pass has seen (see seen.h). */
#include "db/seen.h"

#include <stddef.h>

#include "db/internal.h"

static const char SEEN_CREATE[] =
    "CREATE TEMP TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, line INTEGER NOT NULL,"
    " value TEXT) WITHOUT ROWID";
static const char SEEN_CLEAR[] = "DELETE FROM temp.seen";
static const char SEEN_ADD[] =
    "INSERT INTO temp.seen (key, line, value) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";
static const char SEEN_FIND[] = "SELECT line, value IS ?2 FROM temp.seen WHERE key = ?1";

Status db_seen_reset(Db *db)
{
	/* created once: prepared statements stay valid across passes */
	if (sqlite3_exec(db->handle, SEEN_CREATE, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db->handle, SEEN_CLEAR, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "starting a list of ids");
	return STATUS_OK;
}

/* The first line of key and whether it stood for value. */
static Status find(Db *db, const char *key, const char *value, long *first_line, int *same_value)
{
	sqlite3_stmt *stmt = db_statement(db, SEEN_FIND);
	int rc;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	db_bind_text_or_null(stmt, 2, value);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*first_line = (long)sqlite3_column_int64(stmt, 0);
		*same_value = sqlite3_column_int(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return db_fail(db, "finding an id");
	return STATUS_OK;
}

Status db_seen_add(Db *db, const char *key, long line, const char *value, long *first_line,
		   int *same_value)
{
	sqlite3_stmt *stmt = db_statement(db, SEEN_ADD);
	int rc;

	*first_line = 0;
	*same_value = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, line);
	db_bind_text_or_null(stmt, 3, value);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return db_fail(db, "noting an id");
	/* the common case is a new key: one insert; a repeat costs a look-up */
	return sqlite3_changes(db->handle) ? STATUS_OK
					   : find(db, key, value, first_line, same_value);
}
