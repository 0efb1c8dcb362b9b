/* recheck.c - requests to review items again, and what came of them. */
#include "db/recheck.h"

#include <string.h>

#include "db/internal.h"

static const char SEND[] =
	"INSERT INTO recheck (item_id, after_review, settled_label, reason, source)"
	" VALUES (?1, (SELECT ifnull(max(id), 0) FROM reviews), ?2, ?3, ?4)";
/* per item the first request of the source; changed: its settled label now
 * (NULL when unsettled) is not the one it had */
static const char SUMMARY[] =
	"SELECT count(*), ifnull(sum(q.recheck_key IS NOT NULL), 0),"
	" ifnull(sum(EXISTS (SELECT 1 FROM reviews v WHERE v.item_id = r.item_id"
	"   AND v.id > r.after_review AND v.decision IN ('accept', 'override'))), 0),"
	" ifnull(sum(CASE WHEN q.deciders > 0 AND q.human_min = q.human_max THEN q.human_min END"
	"   IS NOT r.settled_label), 0)"
	" FROM recheck r JOIN item_queue q ON q.item_id = r.item_id"
	" WHERE r.source = ?1 AND r.id = (SELECT min(x.id) FROM recheck x"
	"   WHERE x.item_id = r.item_id AND x.source = ?1)";
static const char WAITING[] = "SELECT count(*) FROM item_queue WHERE recheck_key IS NOT NULL";

Status db_recheck_send(Db *db, const DbRecheckItem *items, size_t n, const char *reason,
		       const char *source)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *stmt = db_statement(db, SEND);
		if (!stmt)
			return STATUS_ERR_DB;
		sqlite3_bind_int64(stmt, 1, items[i].item_id);
		if (items[i].settled_label > 0)
			sqlite3_bind_int(stmt, 2, items[i].settled_label);
		sqlite3_bind_text(stmt, 3, reason, -1, SQLITE_STATIC);
		db_bind_text_or_null(stmt, 4, source);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			return db_fail(db, "sending an item back to review");
	}
	return STATUS_OK;
}

Status db_recheck_summary(Db *db, const char *source, DbRecheckSummary *s)
{
	sqlite3_stmt *stmt = db_statement(db, SUMMARY);
	memset(s, 0, sizeof *s);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return db_fail(db, "reading the re-review queue");
	s->sent = sqlite3_column_int64(stmt, 0);
	s->waiting = sqlite3_column_int64(stmt, 1);
	s->reviewed = sqlite3_column_int64(stmt, 2);
	s->changed = sqlite3_column_int64(stmt, 3);
	sqlite3_reset(stmt);
	return STATUS_OK;
}

Status db_recheck_waiting(Db *db, long long *count)
{
	sqlite3_stmt *stmt = db_statement(db, WAITING);
	if (!stmt)
		return STATUS_ERR_DB;
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return db_fail(db, "counting the re-review queue");
	*count = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return STATUS_OK;
}
