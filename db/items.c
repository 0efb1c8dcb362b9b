/* items.c - the label scale, items and counts. */
#include "db/items.h"

#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/xalloc.h"

static const char SCALE_INSERT[] = "INSERT INTO scale (value, name) VALUES (?1, ?2)";
static const char SCALE_SELECT[] = "SELECT value, name FROM scale ORDER BY value";
static const char ITEM_INSERT[] =
	"INSERT INTO items (external_id, path, url, sha256, format, width, height, bytes,"
	" title, category, metadata, has_image, source)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
	" ON CONFLICT DO NOTHING";
static const char ITEM_ID_EXISTS[] = "SELECT 1 FROM items WHERE external_id = ?1";
static const char ITEM_SHA_EXISTS[] = "SELECT 1 FROM items WHERE sha256 = ?1";
static const char ITEM_SELECT[] =
	"SELECT id, external_id, path, url, title, category, metadata, has_image, sha256, width,"
	" height, bytes FROM items WHERE id = ?1";
static const char STATS[] =
	"SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM runs),"
	" (SELECT count(*) FROM predictions),"
	" (SELECT count(*) FROM reviews r WHERE r.decision IN ('accept', 'override')"
	"   AND NOT EXISTS (SELECT 1 FROM reviews x WHERE x.retracts = r.id)),"
	" (SELECT count(DISTINCT reviewer) FROM reviews)";

Status db_scale_set(Db *db, const char *const *names, int count)
{
	DbScale existing;
	Status st = db_scale_get(db, &existing);
	int had = existing.count;
	db_scale_free(&existing);
	if (st != STATUS_OK)
		return st;
	if (had > 0)
		return status_fail(STATUS_ERR_EXISTS, "%s already has a label scale", db_path(db));
	for (int i = 0; i < count; i++) {
		sqlite3_stmt *stmt = db_statement(db, SCALE_INSERT);
		if (!stmt)
			return STATUS_ERR_DB;
		sqlite3_bind_int(stmt, 1, i + 1);
		sqlite3_bind_text(stmt, 2, names[i], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			return db_fail(db, "storing the label scale");
	}
	return STATUS_OK;
}

Status db_scale_get(Db *db, DbScale *scale)
{
	sqlite3_stmt *stmt = db_statement(db, SCALE_SELECT);
	size_t capacity = 0;
	int rc;

	scale->count = 0;
	scale->names = NULL;
	if (!stmt)
		return STATUS_ERR_DB;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		scale->names = xgrow(scale->names, &capacity, (size_t)scale->count + 1,
				     sizeof *scale->names);
		scale->names[scale->count++] = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	}
	if (rc != SQLITE_DONE) {
		db_scale_free(scale);
		return db_fail(db, "reading the label scale");
	}
	return STATUS_OK;
}

void db_scale_free(DbScale *scale)
{
	for (int i = 0; i < scale->count; i++)
		free(scale->names[i]);
	free(scale->names);
	scale->names = NULL;
	scale->count = 0;
}

static int exists(Db *db, const char *sql, const char *key)
{
	sqlite3_stmt *stmt = db_statement(db, sql);
	int found;
	if (!stmt || !key)
		return 0;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	return found;
}

int db_item_id_exists(Db *db, const char *external_id)
{
	return exists(db, ITEM_ID_EXISTS, external_id);
}

int db_item_sha256_exists(Db *db, const char *sha256)
{
	return exists(db, ITEM_SHA_EXISTS, sha256);
}

static void bind_positive_or_null(sqlite3_stmt *stmt, int index, long long value)
{
	if (value > 0)
		sqlite3_bind_int64(stmt, index, value);
	else
		sqlite3_bind_null(stmt, index);
}

Status db_item_add(Db *db, const DbItemNew *item, DbItemOutcome *outcome)
{
	sqlite3_stmt *stmt = db_statement(db, ITEM_INSERT);
	if (!stmt)
		return STATUS_ERR_DB;
	db_bind_text_or_null(stmt, 1, item->external_id);
	db_bind_text_or_null(stmt, 2, item->path);
	db_bind_text_or_null(stmt, 3, item->url);
	db_bind_text_or_null(stmt, 4, item->sha256);
	db_bind_text_or_null(stmt, 5, item->format);
	bind_positive_or_null(stmt, 6, item->width);
	bind_positive_or_null(stmt, 7, item->height);
	bind_positive_or_null(stmt, 8, item->bytes);
	db_bind_text_or_null(stmt, 9, item->title);
	db_bind_text_or_null(stmt, 10, item->category);
	db_bind_text_or_null(stmt, 11, item->metadata_json ? item->metadata_json : "{}");
	sqlite3_bind_int(stmt, 12, item->has_image);
	db_bind_text_or_null(stmt, 13, item->source);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "adding an item");
	if (sqlite3_changes(db->handle) == 1)
		*outcome = DB_ITEM_ADDED;
	else if (db_item_id_exists(db, item->external_id))
		*outcome = DB_ITEM_SAME_ID;
	else
		*outcome = DB_ITEM_SAME_CONTENT;
	return STATUS_OK;
}

Status db_item_get(Db *db, long long id, DbItem *item)
{
	sqlite3_stmt *stmt = db_statement(db, ITEM_SELECT);
	int rc;
	memset(item, 0, sizeof *item);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		return status_fail(STATUS_ERR_NOT_FOUND, "no item %lld", id);
	if (rc != SQLITE_ROW)
		return db_fail(db, "reading an item");
	item->id = sqlite3_column_int64(stmt, 0);
	item->external_id = db_column_dup(stmt, 1);
	item->path = db_column_dup(stmt, 2);
	item->url = db_column_dup(stmt, 3);
	item->title = db_column_dup(stmt, 4);
	item->category = db_column_dup(stmt, 5);
	item->metadata_json = db_column_dup(stmt, 6);
	item->has_image = sqlite3_column_int(stmt, 7);
	item->sha256 = db_column_dup(stmt, 8);
	item->width = sqlite3_column_int(stmt, 9);
	item->height = sqlite3_column_int(stmt, 10);
	item->bytes = sqlite3_column_int64(stmt, 11);
	sqlite3_reset(stmt);
	return STATUS_OK;
}

void db_item_free(DbItem *item)
{
	free(item->external_id), free(item->path), free(item->url), free(item->title);
	free(item->category), free(item->metadata_json), free(item->sha256);
	memset(item, 0, sizeof *item);
}

Status db_stats(Db *db, DbStats *stats)
{
	sqlite3_stmt *stmt = db_statement(db, STATS);
	if (!stmt)
		return STATUS_ERR_DB;
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return db_fail(db, "counting");
	stats->items = sqlite3_column_int64(stmt, 0);
	stats->runs = sqlite3_column_int64(stmt, 1);
	stats->predictions = sqlite3_column_int64(stmt, 2);
	stats->reviews = sqlite3_column_int64(stmt, 3);
	stats->reviewers = sqlite3_column_int64(stmt, 4);
	sqlite3_reset(stmt);
	return STATUS_OK;
}
