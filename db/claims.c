/* claims.c - leases on items, and the queue orders they are taken in. */
#include "db/claims.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/internal.h"
#include "src/base/clock.h"
#include "src/base/rng.h"

/* Parameters shared by every order:
 *   ?1 reviewer  ?2 now  ?3 overlap permille  ?4 after id  ?5 category
 *   ?6 search pattern  ?7 LLM label  ?8 seed  ?9 mine decision  ?10 mine label
 * An item needs this reviewer when they have not decided or skipped it, and
 * fewer other reviewers than it needs (1, or 2 in the overlap share) have
 * decided it or hold a live claim on it. A reviewer is never both: claims
 * are dropped on deciding and only taken on undecided items, so the two
 * counts add up without a UNION (which costs a temporary table per row). */
#define STANDING(r) "NOT EXISTS (SELECT 1 FROM reviews x WHERE x.retracts = " r ".id)"
#define LATEST_LLM(col)                                                                  \
	"(SELECT p." col " FROM predictions p WHERE p.item_id = i.id AND p.status = 'ok'" \
	" ORDER BY p.run_id DESC LIMIT 1)"
#define FILTERS                                                                          \
	" AND (?5 IS NULL OR i.category = ?5)"                                           \
	" AND (?6 IS NULL OR i.title LIKE ?6 ESCAPE '\\' OR i.external_id LIKE ?6 ESCAPE '\\'" \
	" OR i.metadata LIKE ?6 ESCAPE '\\')"                                                \
	" AND (?7 = 0 OR " LATEST_LLM("label") " = ?7)"
#define NEEDS_REVIEWER                                                                   \
	" AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.item_id = i.id AND v.reviewer = ?1" \
	"   AND v.decision IN ('accept', 'override', 'skip') AND " STANDING("v") ")"      \
	" AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.item_id = i.id AND c.reviewer = ?1" \
	"   AND c.expires_at > ?2)"                                                         \
	" AND (SELECT count(DISTINCT v.reviewer) FROM reviews v WHERE v.item_id = i.id"     \
	"   AND v.reviewer <> ?1 AND v.decision IN ('accept', 'override') AND " STANDING("v") ")" \
	" + (SELECT count(*) FROM claims c WHERE c.item_id = i.id AND c.reviewer <> ?1"       \
	"   AND c.expires_at > ?2)"                                                         \
	"   < 1 + (((i.id * 2654435761) % 1000) < ?3)"
#define CANDIDATES "SELECT i.id FROM items i WHERE i.has_image = 1" FILTERS

static const char NEXT_UNREVIEWED[] =
	CANDIDATES NEEDS_REVIEWER " AND i.id > ?4 ORDER BY i.id LIMIT 64";
static const char NEXT_DISAGREEMENT[] =
	CANDIDATES NEEDS_REVIEWER " AND ?4 >= 0 AND ?8 >= 0 ORDER BY (SELECT max(abs(r.label - "
	LATEST_LLM("label") ")) FROM reviews r WHERE r.item_id = i.id AND r.decision IN"
	" ('accept', 'override') AND " STANDING("r") ") DESC NULLS LAST, i.id LIMIT 64";
static const char NEXT_CONFIDENCE[] =
	CANDIDATES NEEDS_REVIEWER " AND ?4 >= 0 AND ?8 >= 0 ORDER BY " LATEST_LLM("confidence")
	" ASC NULLS FIRST, i.id LIMIT 64";
static const char NEXT_RANDOM[] =
	CANDIDATES NEEDS_REVIEWER " AND ?4 >= 0 ORDER BY ((i.id * 2654435761 + ?8) % 4294967291),"
	" i.id LIMIT 64";
static const char NEXT_SCORER[] =
	CANDIDATES NEEDS_REVIEWER " AND ?4 >= 0 AND ?8 >= 0 ORDER BY (SELECT s.score FROM scores s"
	" WHERE s.item_id = i.id AND s.model_id = (SELECT max(id) FROM scorer_models))"
	" ASC NULLS LAST, i.id LIMIT 64";
static const char NEXT_MINE[] =
	CANDIDATES " AND ?2 IS NOT NULL AND ?3 >= 0 AND ?8 >= 0 AND EXISTS (SELECT 1 FROM reviews v"
	" WHERE v.item_id = i.id AND v.reviewer = ?1 AND v.decision IN ('accept', 'override',"
	" 'skip') AND (?9 IS NULL OR v.decision = ?9) AND (?10 = 0 OR v.label = ?10) AND "
	STANDING("v") ") AND (?4 = 0 OR i.id < ?4) ORDER BY i.id DESC LIMIT 64";
static const char CLAIM_UPSERT[] =
	"INSERT INTO claims (item_id, reviewer, expires_at) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (item_id, reviewer) DO UPDATE SET expires_at = excluded.expires_at";
static const char CLAIM_RELEASE_ONE[] = "DELETE FROM claims WHERE reviewer = ?1 AND item_id = ?2";
static const char CLAIM_RELEASE_ALL[] = "DELETE FROM claims WHERE reviewer = ?1 OR expires_at < ?2";

#define DB_ORDER_WORD(id, word, key, name) word,
#define DB_ORDER_KEY(id, word, key, name) key,
#define DB_ORDER_NAME(id, word, key, name) name,
const char *const db_order_words[] = {DB_ORDERS(DB_ORDER_WORD) NULL};
const char db_order_keys[] = {DB_ORDERS(DB_ORDER_KEY) 0};
const char *const db_order_names[] = {DB_ORDERS(DB_ORDER_NAME)};
#undef DB_ORDER_WORD
#undef DB_ORDER_KEY
#undef DB_ORDER_NAME

int db_claim_in_share(long long item_id, int permille, unsigned salt)
{
	/* one splitmix64 step from a state made of the id and the salt:
	 * neighbouring ids land far apart */
	uint64_t state = (uint64_t)item_id + 0x9E3779B97F4A7C15ULL * salt;
	return (int)(rng_splitmix64(&state) % 1000) < permille;
}

static const char *order_sql(DbOrder order)
{
	switch (order) {
	case DB_ORDER_DISAGREEMENT: return NEXT_DISAGREEMENT;
	case DB_ORDER_CONFIDENCE: return NEXT_CONFIDENCE;
	case DB_ORDER_RANDOM: return NEXT_RANDOM;
	case DB_ORDER_SCORER: return NEXT_SCORER;
	case DB_ORDER_MINE: return NEXT_MINE;
	case DB_ORDER_UNREVIEWED: case DB_ORDER_COUNT: break;
	}
	return NEXT_UNREVIEWED;
}

static int excluded(long long id, const long long *exclude, int count)
{
	for (int i = 0; i < count; i++)
		if (exclude[i] == id)
			return 1;
	return 0;
}

/* "%text%" with '%', '_' and '\' escaped, so the search finds them as typed
 * (LIKE ... ESCAPE '\'); a very long text is cut, never inside an escape. */
static void like_pattern(const char *text, char *out, size_t cap)
{
	size_t n = 0;
	out[n++] = '%';
	for (const char *p = text; *p && n + 4 < cap; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			out[n++] = '\\';
		out[n++] = *p;
	}
	out[n++] = '%';
	out[n] = '\0';
}

/* The first candidate of the order not in exclude, or 0. */
static Status find(Db *db, const DbClaimQuery *q, long long after_id, double now,
		   const long long *exclude, int exclude_count, long long *item_id)
{
	sqlite3_stmt *stmt = db_statement(db, order_sql(q->order));
	char pattern[256];
	int rc;
	*item_id = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, q->reviewer, -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 2, now);
	sqlite3_bind_int(stmt, 3, q->overlap_permille);
	sqlite3_bind_int64(stmt, 4, after_id);
	db_bind_text_or_null(stmt, 5, q->category);
	if (q->search && *q->search) {
		like_pattern(q->search, pattern, sizeof pattern);
		sqlite3_bind_text(stmt, 6, pattern, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int(stmt, 7, q->llm_label);
	sqlite3_bind_int64(stmt, 8, (long long)(q->seed % 4294967291ULL));
	db_bind_text_or_null(stmt, 9, q->mine_decision ? db_decision_word(q->mine_decision) : NULL);
	sqlite3_bind_int(stmt, 10, q->mine_label);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(stmt, 0);
		if (!excluded(id, exclude, exclude_count)) {
			*item_id = id;
			break;
		}
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "finding the next item");
	return STATUS_OK;
}

Status db_claim_next(Db *db, const DbClaimQuery *q, long long after_id, const long long *exclude,
		     int exclude_count, long long *item_id)
{
	double now = clock_unix_s();
	Status st;
	if (q->order == DB_ORDER_MINE)
		return find(db, q, after_id, now, exclude, exclude_count, item_id);
	st = db_begin(db);
	if (st != STATUS_OK)
		return st;
	st = find(db, q, after_id, now, exclude, exclude_count, item_id);
	if (st == STATUS_OK && *item_id)
		st = db_claim_renew(db, q->reviewer, *item_id, q->lease_s);
	if (st != STATUS_OK) {
		db_rollback(db);
		return st;
	}
	return db_commit(db);
}

Status db_claim_renew(Db *db, const char *reviewer, long long item_id, double lease_s)
{
	sqlite3_stmt *stmt = db_statement(db, CLAIM_UPSERT);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_text(stmt, 2, reviewer, -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 3, clock_unix_s() + lease_s);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "claiming an item");
	return STATUS_OK;
}

Status db_claim_release(Db *db, const char *reviewer, long long item_id)
{
	sqlite3_stmt *stmt = db_statement(db, item_id > 0 ? CLAIM_RELEASE_ONE : CLAIM_RELEASE_ALL);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, reviewer, -1, SQLITE_STATIC);
	if (item_id > 0)
		sqlite3_bind_int64(stmt, 2, item_id);
	else
		sqlite3_bind_double(stmt, 2, clock_unix_s());
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "releasing claims");
	return STATUS_OK;
}
