/* claims.c - leases on items, and the queue orders they are taken in: each
 * order is a range scan of an index over the open items (db/queue.h). */
#include "db/claims.h"

#include <stdio.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/clock.h"
#include "src/base/rng.h"

#define DB_ORDER_WORD(id, word, key, name) word,
#define DB_ORDER_KEY(id, word, key, name) key,
#define DB_ORDER_NAME(id, word, key, name) name,
const char *const db_order_words[] = {DB_ORDERS(DB_ORDER_WORD) NULL};
const char db_order_keys[] = {DB_ORDERS(DB_ORDER_KEY) 0};
const char *const db_order_names[] = {DB_ORDERS(DB_ORDER_NAME)};
#undef DB_ORDER_WORD
#undef DB_ORDER_KEY
#undef DB_ORDER_NAME

/* The random order is one fixed shuffle of the items (a key that is a
 * bijection of the id modulo this prime); a reviewer's seed rotates it, so
 * each enters it at their own place (and the order is the one gavel gave
 * before this state was kept: (key + seed) mod P). */
#define RANDOM_PRIME 4294967291LL

/* Parameters of every scan (each binds them all; a scan leaves out those it
 * does not use):
 *   ?1 reviewer  ?2 after (id, or the random key cut)  ?3 category
 *   ?4 search pattern  ?5 LLM label  ?6 mine decision  ?7 mine label
 *   ?8 how many  ?9 disagree only  ?10 at least this many human labels
 *   ?11 posterior below (0: any)
 * An item passes when it is open, this reviewer has no standing decision
 * on it and holds no claim on it, and the filters hold. */
#define MINE_FREE                                                                        \
	" AND NOT EXISTS (SELECT 1 FROM standing s WHERE s.item_id = q.item_id"              \
	"   AND s.reviewer = ?1)"                                                            \
	" AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.item_id = q.item_id"                \
	"   AND c.reviewer = ?1)"
#define FILTERS                                                                          \
	" AND (?3 IS NULL OR (SELECT i.category FROM items i WHERE i.id = q.item_id) = ?3)"   \
	" AND (?4 IS NULL OR EXISTS (SELECT 1 FROM items i WHERE i.id = q.item_id AND"        \
	"   (i.title LIKE ?4 ESCAPE '\\' OR i.external_id LIKE ?4 ESCAPE '\\'"                \
	"   OR i.metadata LIKE ?4 ESCAPE '\\')))"                                            \
	" AND (?5 = 0 OR q.llm_label = ?5)"
#define OPEN_SCAN "SELECT q.item_id FROM item_queue q WHERE q.open" MINE_FREE FILTERS

static const char SCAN_UNREVIEWED[] =
	OPEN_SCAN " AND q.item_id > ?2 ORDER BY q.item_id LIMIT ?8";
static const char SCAN_DISAGREEMENT[] =
	OPEN_SCAN " ORDER BY q.disagreement_key, q.item_id LIMIT ?8";
static const char SCAN_CONFIDENCE[] =
	OPEN_SCAN " ORDER BY q.llm_confidence, q.item_id LIMIT ?8";
/* the rotation: keys from the cut up first, then the ones below it */
static const char SCAN_RANDOM_HIGH[] =
	OPEN_SCAN " AND q.random_key >= ?2 ORDER BY q.random_key LIMIT ?8";
static const char SCAN_RANDOM_LOW[] =
	OPEN_SCAN " AND q.random_key < ?2 ORDER BY q.random_key LIMIT ?8";
static const char SCAN_SCORER[] =
	OPEN_SCAN " ORDER BY q.scorer_key, q.item_id LIMIT ?8";
static const char SCAN_UNCERTAIN[] =
	OPEN_SCAN " ORDER BY q.uncertain_key, q.item_id LIMIT ?8";
static const char SCAN_SPLIT[] =
	OPEN_SCAN " ORDER BY q.split_key, q.item_id LIMIT ?8";
/* Settled items (no longer open) whose label is this reviewer's own: they
 * may change it, and a claim marks what their session holds. Lowest
 * out-of-fold probability of that label first (confident learning). */
static const char SCAN_SUSPECT[] =
	"SELECT q.item_id FROM item_queue q WHERE q.suspect_p IS NOT NULL AND q.need > 0"
	" AND EXISTS (SELECT 1 FROM standing s WHERE s.item_id = q.item_id AND s.reviewer = ?1"
	"   AND s.decision IN ('accept', 'override'))"
	" AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.item_id = q.item_id AND c.reviewer = ?1)"
	FILTERS " ORDER BY q.suspect_p, q.item_id LIMIT ?8";
/* The same from the other end: the reviewer's own labels, sorted. To find
 * the next 64, SCAN_SUSPECT walks past about 64 * settled / mine labels of
 * everyone's (3.8 s for a new reviewer among 700,000 settled items), this
 * one sorts all mine: find() takes the one that reads fewer rows. */
static const char SCAN_SUSPECT_MINE[] =
	"SELECT q.item_id FROM standing s JOIN item_queue q ON q.item_id = s.item_id"
	" WHERE s.reviewer = ?1 AND s.decision IN ('accept', 'override')"
	" AND q.suspect_p IS NOT NULL AND q.need > 0"
	" AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.item_id = q.item_id AND c.reviewer = ?1)" FILTERS
	" ORDER BY q.suspect_p, q.item_id LIMIT ?8";
static const char SUSPECT_SIZES[] =
	"SELECT ifnull((SELECT decided FROM reviewer_counts WHERE reviewer = ?1), 0),"
	" ifnull((SELECT n FROM queue_counts WHERE name = 'settled'), 0)";
/* for adjudicators: their own reviews do not keep an item from them */
static const char SCAN_CONFLICTS[] =
	"SELECT q.item_id FROM item_queue q WHERE q.conflict_open" FILTERS
	" AND (?9 = 0 OR q.human_min < q.human_max) AND q.deciders >= ?10"
	" AND (?11 = 0 OR q.ds_posterior < ?11)"
	" ORDER BY q.conflict_key, q.item_id LIMIT ?8";
/* the audits' items in draw order (db/queue.c's AUDIT_KEY) */
static const char SCAN_AUDIT[] =
	OPEN_SCAN " AND q.audit_key IS NOT NULL ORDER BY q.audit_key, q.item_id LIMIT ?8";
/* the re-review queue: items a comparison sent back, decided or not, in the
 * order sent; one reviewer each, never one who decided it since it was sent */
static const char SCAN_RECHECK[] =
	"SELECT q.item_id FROM item_queue q WHERE q.recheck_key IS NOT NULL AND q.claimers = 0" FILTERS
	" AND NOT EXISTS (SELECT 1 FROM standing s WHERE s.item_id = q.item_id"
	"   AND s.reviewer = ?1 AND s.review_id > q.recheck_after)"
	" ORDER BY q.recheck_key, q.item_id LIMIT ?8";
static const char SCAN_MINE[] =
	"SELECT q.item_id FROM standing s JOIN item_queue q ON q.item_id = s.item_id"
	" WHERE s.reviewer = ?1 AND q.need > 0" FILTERS
	" AND (?6 IS NULL OR s.decision = ?6) AND (?7 = 0 OR s.label = ?7)"
	" AND (?2 = 0 OR s.item_id < ?2) ORDER BY s.item_id DESC LIMIT ?8";

static const char CLAIM_SWEEP[] = "DELETE FROM claims WHERE expires_at < ?1";
static const char CLAIM_MINE[] =
	"SELECT (SELECT 1 FROM claims WHERE item_id = ?1 AND reviewer = ?2),"
	" (SELECT 1 FROM standing WHERE item_id = ?1 AND reviewer = ?2"
	"  AND decision IN ('accept', 'override')),"
	" (SELECT open OR (recheck_key IS NOT NULL AND claimers = 0) FROM item_queue"
	"  WHERE item_id = ?1)";
static const char CLAIM_UPSERT[] =
	"INSERT INTO claims (item_id, reviewer, expires_at) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (item_id, reviewer) DO UPDATE SET expires_at = excluded.expires_at";
static const char CLAIM_RENEW_ALL[] = "UPDATE claims SET expires_at = ?2 WHERE reviewer = ?1";
static const char CLAIM_RELEASE_ONE[] = "DELETE FROM claims WHERE reviewer = ?1 AND item_id = ?2";
static const char CLAIM_RELEASE_ALL[] = "DELETE FROM claims WHERE reviewer = ?1";

int db_claim_in_share(long long item_id, int permille, unsigned salt)
{
	/* one splitmix64 step from a state made of the id and the salt:
	 * neighbouring ids land far apart */
	uint64_t state = (uint64_t)item_id + 0x9E3779B97F4A7C15ULL * salt;
	return (int)(rng_splitmix64(&state) % 1000) < permille;
}

/* "%text%" with the LIKE wildcards in text made literal (escaped by \). */
static void like_pattern(const char *text, char *out, size_t size)
{
	size_t n = 0;
	out[n++] = '%';
	for (; *text && n + 3 < size; text++) {
		if (*text == '%' || *text == '_' || *text == '\\')
			out[n++] = '\\';
		out[n++] = *text;
	}
	out[n++] = '%';
	out[n] = '\0';
}

/* Runs one scan with the query's parameters, appending up to max - *count
 * ids to ids. */
static Status scan(Db *db, const char *sql, const DbClaimQuery *q, long long after,
		   long long *ids, int max, int *count)
{
	sqlite3_stmt *stmt = db_statement(db, sql);
	char pattern[512];
	int rc;
	if (!stmt)
		return STATUS_ERR_DB;
	if (*count >= max)
		return STATUS_OK;
	sqlite3_bind_text(stmt, 1, q->reviewer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, after);
	db_bind_text_or_null(stmt, 3, q->category);
	if (q->search && *q->search) {
		like_pattern(q->search, pattern, sizeof pattern);
		sqlite3_bind_text(stmt, 4, pattern, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int(stmt, 5, q->llm_label);
	db_bind_text_or_null(stmt, 6, q->mine_decision ? db_decision_word(q->mine_decision) : NULL);
	sqlite3_bind_int(stmt, 7, q->mine_label);
	sqlite3_bind_int(stmt, 8, max - *count);
	if (q->order == DB_ORDER_CONFLICTS) {
		sqlite3_bind_int(stmt, 9, q->disagree_only);
		sqlite3_bind_int(stmt, 10, q->min_humans);
		sqlite3_bind_double(stmt, 11, q->below_posterior);
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		ids[(*count)++] = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "finding the next item");
	return STATUS_OK;
}

/* Which suspect scan reads fewer rows for this reviewer (the counts are
 * kept by triggers; on an error either plan gives the same items). */
static const char *suspect_scan(Db *db, const char *reviewer, int max)
{
	sqlite3_stmt *stmt = db_statement(db, SUSPECT_SIZES);
	long long mine = 0, settled = 0;
	if (stmt) {
		sqlite3_bind_text(stmt, 1, reviewer, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			mine = sqlite3_column_int64(stmt, 0),
			settled = sqlite3_column_int64(stmt, 1);
		sqlite3_reset(stmt);
	}
	return mine * mine < (long long)max * settled ? SCAN_SUSPECT_MINE : SCAN_SUSPECT;
}

/* The first candidates of the order, up to max. */
static Status find(Db *db, const DbClaimQuery *q, long long after_id, long long *ids, int max,
		   int *count)
{
	long long cut = RANDOM_PRIME - (long long)(q->seed % (unsigned long long)RANDOM_PRIME);
	Status st;
	*count = 0;
	switch (q->order) {
	case DB_ORDER_DISAGREEMENT: return scan(db, SCAN_DISAGREEMENT, q, 0, ids, max, count);
	case DB_ORDER_CONFIDENCE: return scan(db, SCAN_CONFIDENCE, q, 0, ids, max, count);
	case DB_ORDER_SCORER: return scan(db, SCAN_SCORER, q, 0, ids, max, count);
	case DB_ORDER_UNCERTAIN: return scan(db, SCAN_UNCERTAIN, q, 0, ids, max, count);
	case DB_ORDER_SPLIT: return scan(db, SCAN_SPLIT, q, 0, ids, max, count);
	case DB_ORDER_SUSPECT:
		return scan(db, suspect_scan(db, q->reviewer, max), q, 0, ids, max, count);
	case DB_ORDER_AUDIT: return scan(db, SCAN_AUDIT, q, 0, ids, max, count);
	case DB_ORDER_MINE: return scan(db, SCAN_MINE, q, after_id, ids, max, count);
	case DB_ORDER_RECHECK: return scan(db, SCAN_RECHECK, q, 0, ids, max, count);
	case DB_ORDER_CONFLICTS: return scan(db, SCAN_CONFLICTS, q, 0, ids, max, count);
	case DB_ORDER_RANDOM:
		st = scan(db, SCAN_RANDOM_HIGH, q, cut, ids, max, count);
		if (st == STATUS_OK)
			st = scan(db, SCAN_RANDOM_LOW, q, cut, ids, max, count);
		return st;
	case DB_ORDER_UNREVIEWED: case DB_ORDER_COUNT: break;
	}
	return scan(db, SCAN_UNREVIEWED, q, after_id, ids, max, count);
}

static Status sweep(Db *db)
{
	sqlite3_stmt *stmt = db_statement(db, CLAIM_SWEEP);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_double(stmt, 1, clock_unix_s());
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "sweeping expired claims");
	return STATUS_OK;
}

static Status upsert(Db *db, const char *reviewer, long long item_id, double lease_s)
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

/* Ends the transaction: commits on success, else rolls back. */
static Status finish(Db *db, Status st)
{
	if (st != STATUS_OK) {
		db_rollback(db);
		return st;
	}
	return db_commit(db);
}

Status db_claim_next(Db *db, const DbClaimQuery *q, long long after_id, long long *ids,
		     int max, int *count)
{
	Status st;
	*count = 0;
	if (q->order == DB_ORDER_MINE)
		return find(db, q, after_id, ids, max, count);
	st = db_begin(db);
	if (st != STATUS_OK)
		return st;
	st = sweep(db);
	if (st == STATUS_OK)
		st = find(db, q, after_id, ids, max, count);
	for (int i = 0; st == STATUS_OK && i < *count; i++)
		st = upsert(db, q->reviewer, ids[i], q->lease_s);
	if (st != STATUS_OK)
		*count = 0;
	return finish(db, st);
}

Status claims_hold_locked(Db *db, const char *reviewer, long long item_id, double lease_s,
			  int *held)
{
	sqlite3_stmt *stmt;
	int claimed, labelled, open, rc;
	Status st = sweep(db);
	*held = 0;
	if (st != STATUS_OK || !(stmt = db_statement(db, CLAIM_MINE)))
		return st != STATUS_OK ? st : STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_text(stmt, 2, reviewer, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		return db_fail(db, "checking a claim");
	}
	claimed = sqlite3_column_int(stmt, 0);
	labelled = sqlite3_column_int(stmt, 1);
	open = sqlite3_column_int(stmt, 2);
	sqlite3_reset(stmt);
	if (labelled && !claimed)
		*held = 1; /* their own decision holds the item */
	else if (claimed || open)
		*held = 1, st = upsert(db, reviewer, item_id, lease_s);
	return st;
}

Status db_claim_hold(Db *db, const char *reviewer, long long item_id, double lease_s, int *held)
{
	Status st = db_begin(db);
	*held = 0;
	if (st != STATUS_OK)
		return st;
	return finish(db, claims_hold_locked(db, reviewer, item_id, lease_s, held));
}

Status db_claim_renew_all(Db *db, const char *reviewer, double lease_s)
{
	sqlite3_stmt *stmt = db_statement(db, CLAIM_RENEW_ALL);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, reviewer, -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 2, clock_unix_s() + lease_s);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "renewing claims");
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
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "releasing claims");
	return STATUS_OK;
}
