/* ratings.c - items and runs for imported ratings. */
#include "db/ratings.h"

#include "db/internal.h"
#include "db/items.h"

static const char ITEM_FIND[] = "SELECT id FROM items WHERE external_id = ?1";
static const char IMPORT_RUN[] =
	"SELECT max(id) FROM runs WHERE provider = 'import' AND model = ?1";
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
