/* estimates.c - the reads behind gavel estimate (see estimates.h). */
#include "db/estimates.h"

#include "db/internal.h"

/* kept by db/queue.c's triggers: K rows whatever the catalogue's size */
static const char CATALOGUE[] =
	"SELECT NULL, label, n FROM llm_counts WHERE label BETWEEN 1 AND ?1 AND n > 0"
	" ORDER BY label";
/* one row per item, in id order (both tables' keys): counted by the caller,
 * which is cheaper than SQLite sorting a million rows into groups */
static const char CATALOGUE_BY_CATEGORY[] =
	"SELECT i.category, q.llm_label, 1 FROM item_queue q JOIN items i ON i.id = q.item_id"
	" WHERE q.llm_label BETWEEN 1 AND ?1";
/* the sizes of the audits' frames (db/audits.c FRAME_ALL and FRAME_LLM) */
static const char FRAME_ALL_SIZE[] =
	"SELECT ifnull(sum(n), 0) FROM queue_counts WHERE name = 'items'";
static const char FRAME_LLM_SIZE[] =
	"SELECT ifnull(sum(n), 0) FROM llm_counts WHERE label BETWEEN 1 AND ?1";
#define ROW_COLUMNS "ifnull(q.llm_label, 0), i.category, ifnull(s.label, 0), ifnull(s.review_id, 0)"
static const char AUDIT_ROWS[] =
	"SELECT a.item_id, a.stratum, " ROW_COLUMNS " FROM audit_items a"
	" JOIN items i ON i.id = a.item_id LEFT JOIN item_queue q ON q.item_id = a.item_id"
	" LEFT JOIN standing s ON s.item_id = a.item_id AND s.decision IN ('accept', 'override')"
	" WHERE a.audit_id = ?1 ORDER BY a.item_id, s.review_id";
static const char REVIEWED_ROWS[] =
	"SELECT s.item_id, 0, " ROW_COLUMNS " FROM standing s"
	" JOIN items i ON i.id = s.item_id LEFT JOIN item_queue q ON q.item_id = s.item_id"
	" WHERE s.decision IN ('accept', 'override') ORDER BY s.item_id, s.review_id";

Status db_estimate_catalogue(Db *db, int K, int by_category,
			     int (*fn)(void *arg, const char *category, int llm, long long n),
			     void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, by_category ? CATALOGUE_BY_CATEGORY : CATALOGUE);
	int rc;

	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int(stmt, 1, K);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (fn(arg, (const char *)sqlite3_column_text(stmt, 0), sqlite3_column_int(stmt, 1),
		       sqlite3_column_int64(stmt, 2)))
			break;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STATUS_OK
						     : db_fail(db, "counting the LLM labels");
}

Status db_estimate_frame_size(Db *db, int llm_only, int K, long long *n)
{
	sqlite3_stmt *stmt = db_statement(db, llm_only ? FRAME_LLM_SIZE : FRAME_ALL_SIZE);
	int rc;

	*n = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	if (llm_only)
		sqlite3_bind_int(stmt, 1, K);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? STATUS_OK : db_fail(db, "counting the audit's frame");
}

Status db_estimate_rows(Db *db, long long audit_id, int (*fn)(void *arg, const DbEstimateRow *row),
			void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, audit_id ? AUDIT_ROWS : REVIEWED_ROWS);
	int rc;

	if (!stmt)
		return STATUS_ERR_DB;
	if (audit_id)
		sqlite3_bind_int64(stmt, 1, audit_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		DbEstimateRow row = {
			.item_id = sqlite3_column_int64(stmt, 0),
			.stratum = sqlite3_column_int(stmt, 1),
			.llm = sqlite3_column_int(stmt, 2),
			.category = (const char *)sqlite3_column_text(stmt, 3),
			.label = sqlite3_column_int(stmt, 4),
			.review_id = sqlite3_column_int64(stmt, 5),
		};

		if (fn(arg, &row))
			break;
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STATUS_OK
						     : db_fail(db, "reading the sampled items");
}
