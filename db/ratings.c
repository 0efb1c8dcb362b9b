/* ratings.c - items and runs for imported ratings. */
#include "db/ratings.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/internal.h"
#include "db/items.h"

static const char ITEM_FIND[] = "SELECT id FROM items WHERE external_id = ?1";
static const char IMPORT_RUN[] =
	"SELECT max(id) FROM runs WHERE provider = 'import' AND model = ?1";
/* SQLite's date functions do the parsing; numbers are Unix seconds */
static const char TIME_TEXT[] =
	"SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ?1) WHERE typeof(?1) = 'text'"
	" UNION ALL SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ?1, 'unixepoch')"
	" WHERE typeof(?1) <> 'text'";
static const char CHAIN[] =
	"SELECT decision = 'skip', label, again FROM reviews r WHERE item_id = ?1 AND reviewer = ?2"
	" AND decision IN ('accept', 'override', 'skip')"
	" AND NOT EXISTS (SELECT 1 FROM reviews x WHERE x.retracts = r.id) ORDER BY id";
static const char RATING_ADD[] =
	"INSERT INTO reviews (item_id, reviewer, decision, label, blind, again, created_at,"
	" queue_order) VALUES (?1, ?2, 'override', ?3, 1, ?4,"
	" ifnull(?5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), 'import')";
static const char ADJUDICATED[] = "SELECT adjudicated FROM item_queue WHERE item_id = ?1";
static const char ADJUDICATE[] =
	"INSERT INTO reviews (item_id, reviewer, decision, label, note, created_at, queue_order)"
	" VALUES (?1, ?2, 'adjudicate', ?3, ?4, ifnull(?5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
	" 'import')";
static const char PREDICTION_LABEL[] =
	"SELECT label FROM predictions WHERE run_id = ?1 AND item_id = ?2 AND status = 'ok'";

static Status item_find(Db *db, const char *external_id, long long *item_id)
{
	sqlite3_stmt *stmt = db_statement(db, ITEM_FIND);
	int rc;

	*item_id = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, external_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*item_id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "finding an item");
	return STATUS_OK;
}

Status db_ratings_item(Db *db, const char *external_id, const char *source,
		       long long *item_id, int *created)
{
	DbItemNew item = { .external_id = external_id, .has_image = 0, .source = source };
	DbItemOutcome outcome;
	Status st = item_find(db, external_id, item_id);

	*created = 0;
	if (st != STATUS_OK || *item_id)
		return st;
	st = db_item_add(db, &item, &outcome);
	if (st != STATUS_OK)
		return st;
	if (outcome != DB_ITEM_ADDED)
		return item_find(db, external_id, item_id);
	*item_id = sqlite3_last_insert_rowid(db->handle);
	*created = 1;
	return STATUS_OK;
}

/* Runs a one-row, one-integer query; *value is 0 when the answer is NULL. */
static Status one_integer(Db *db, sqlite3_stmt *stmt, long long *value, const char *what)
{
	int rc = sqlite3_step(stmt);

	*value = 0;
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, what);
	return STATUS_OK;
}

Status db_ratings_import_run(Db *db, const char *rater, long long *run_id)
{
	sqlite3_stmt *stmt = db_statement(db, IMPORT_RUN);

	*run_id = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, rater, -1, SQLITE_STATIC);
	return one_integer(db, stmt, run_id, "finding an imported run");
}

Status db_ratings_prediction_label(Db *db, long long run_id, long long item_id, int *label)
{
	sqlite3_stmt *stmt = db_statement(db, PREDICTION_LABEL);
	long long value;
	Status st;

	*label = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int64(stmt, 2, item_id);
	st = one_integer(db, stmt, &value, "reading a prediction");
	*label = (int)value;
	return st;
}

/* A number in text (Unix seconds) or NULL. */
static int unix_seconds(const char *text, double *seconds)
{
	char *end;
	*seconds = strtod(text, &end);
	return end != text && !*end;
}

int db_ratings_time(Db *db, const char *text, char out[32])
{
	sqlite3_stmt *stmt = db_statement(db, TIME_TEXT);
	double seconds;
	int rc, ok = 0;
	out[0] = '\0';
	if (!stmt || !text || !*text)
		return 0;
	if (unix_seconds(text, &seconds))
		sqlite3_bind_double(stmt, 1, seconds);
	else
		sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) == SQLITE_TEXT) {
		snprintf(out, 32, "%s", (const char *)sqlite3_column_text(stmt, 0));
		ok = 1;
	}
	sqlite3_reset(stmt);
	return ok;
}

Status db_ratings_chain(Db *db, long long item_id, const char *rater, int *labels, int max, int *n)
{
	sqlite3_stmt *stmt = db_statement(db, CHAIN);
	int rc;
	*n = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_text(stmt, 2, rater, -1, SQLITE_STATIC);
	/* as db/votes.c walks it: a row not made again starts afresh, a skip empties */
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int skip = sqlite3_column_int(stmt, 0), again = sqlite3_column_int(stmt, 2);
		if (skip || !again)
			*n = 0;
		if (!skip && *n < max)
			labels[(*n)++] = sqlite3_column_int(stmt, 1);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "reading a rater's ratings");
}

Status db_ratings_add(Db *db, long long item_id, const char *rater, int label, int again,
		      const char *time)
{
	sqlite3_stmt *stmt = db_statement(db, RATING_ADD);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_text(stmt, 2, rater, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, label);
	sqlite3_bind_int(stmt, 4, again != 0);
	db_bind_text_or_null(stmt, 5, time);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "recording a rating");
	return STATUS_OK;
}

Status db_ratings_adjudicated(Db *db, long long item_id, int *label)
{
	sqlite3_stmt *stmt = db_statement(db, ADJUDICATED);
	long long value;
	Status st;
	*label = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	st = one_integer(db, stmt, &value, "reading an adjudication");
	*label = (int)value;
	return st;
}

Status db_ratings_adjudicate(Db *db, long long item_id, const char *adjudicator, int label,
			     const char *reason, const char *time)
{
	sqlite3_stmt *stmt = db_statement(db, ADJUDICATE);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_text(stmt, 2, adjudicator, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, label);
	db_bind_text_or_null(stmt, 4, reason);
	db_bind_text_or_null(stmt, 5, time);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "recording an adjudication");
	return STATUS_OK;
}
