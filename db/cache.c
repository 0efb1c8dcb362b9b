/* cache.c - rows of the call cache. */
#include "db/cache.h"

#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/xalloc.h"

static const char CACHE_GET[] =
	"SELECT body, prompt_tokens, completion_tokens, latency_ms FROM call_cache WHERE key = ?1";
static const char CACHE_PUT[] =
	"INSERT OR REPLACE INTO call_cache (key, provider, model, body, prompt_tokens,"
	" completion_tokens, latency_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char CACHE_SIZE[] = "SELECT count(*), ifnull(sum(length(body)), 0) FROM call_cache";

static long column_long_or(sqlite3_stmt *stmt, int column, long missing)
{
	if (sqlite3_column_type(stmt, column) == SQLITE_NULL)
		return missing;
	return (long)sqlite3_column_int64(stmt, column);
}

Status db_cache_get(Db *db, const char *key, DbCacheEntry *entry, int *found)
{
	sqlite3_stmt *stmt = db_statement(db, CACHE_GET);
	int rc;
	memset(entry, 0, sizeof *entry);
	*found = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		entry->body_len = (size_t)sqlite3_column_bytes(stmt, 0);
		entry->body = xstrndup((const char *)sqlite3_column_text(stmt, 0), entry->body_len);
		entry->prompt_tokens = column_long_or(stmt, 1, -1);
		entry->completion_tokens = column_long_or(stmt, 2, -1);
		entry->latency_ms = column_long_or(stmt, 3, 0);
		*found = 1;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the call cache");
	return STATUS_OK;
}

static void bind_long_or_null(sqlite3_stmt *stmt, int index, long value)
{
	if (value >= 0)
		sqlite3_bind_int64(stmt, index, value);
	else
		sqlite3_bind_null(stmt, index);
}

static Status put_row(Db *db, void *arg)
{
	const DbCachePut *put = arg;
	sqlite3_stmt *stmt = db_statement(db, CACHE_PUT);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, put->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, put->provider, -1, SQLITE_STATIC);
	db_bind_text_or_null(stmt, 3, put->model);
	sqlite3_bind_text(stmt, 4, put->body, (int)put->body_len, SQLITE_STATIC);
	bind_long_or_null(stmt, 5, put->prompt_tokens);
	bind_long_or_null(stmt, 6, put->completion_tokens);
	sqlite3_bind_int64(stmt, 7, put->latency_ms);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "writing the call cache");
	return STATUS_OK;
}

/* Through db_write like every other write of a run: a full disk gets the
 * WAL freed and one more try, and else the one message about the disk. */
Status db_cache_put(Db *db, const DbCachePut *put)
{
	return db_write(db, put_row, (void *)put);
}

Status db_cache_size(Db *db, long long *entries, long long *bytes)
{
	sqlite3_stmt *stmt = db_statement(db, CACHE_SIZE);
	if (!stmt)
		return STATUS_ERR_DB;
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return db_fail(db, "measuring the call cache");
	*entries = sqlite3_column_int64(stmt, 0);
	*bytes = sqlite3_column_int64(stmt, 1);
	sqlite3_reset(stmt);
	return STATUS_OK;
}

void db_cache_entry_free(DbCacheEntry *entry)
{
	free(entry->body);
	memset(entry, 0, sizeof *entry);
}
