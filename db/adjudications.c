/* adjudications.c - adjudicators' rows in the review log and what the
 * adjudication screen reads (see adjudications.h). */
#include "db/adjudications.h"

#include <stdlib.h>

#include "db/claims.h"
#include "db/internal.h"
#include "db/reviews.h"
#include "src/base/clock.h"

/* How the items of adjudications were chosen (reviews.queue_order): the
 * conflicts queue, or all the unanimous items at once; an imported
 * adjudication says "import" (db/ratings.c). */
static const DbFrom SCREEN = { DB_FROM_QUEUE, DB_ORDER_CONFLICTS };
static const DbFrom BULK = { DB_FROM_UNANIMOUS, DB_ORDER_UNREVIEWED };

#define NOT_RETRACTED(r) "NOT EXISTS (SELECT 1 FROM reviews x WHERE x.retracts = " r ".id)"

static const char INSERT[] = "INSERT INTO reviews (item_id, reviewer, decision, label, note,"
			     " queue_order) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char RETRACT[] =
	"INSERT INTO reviews (item_id, reviewer, decision, retracts) VALUES (?1, ?2, ?3, ?4)";
/* may the adjudicator decide? their claim, their standing adjudication, or
 * an item in conflict nobody holds */
static const char MAY[] =
	"SELECT (SELECT 1 FROM claims WHERE item_id = ?1 AND reviewer = ?2 AND expires_at >= ?3),"
	" (SELECT r.reviewer = ?2 FROM reviews r WHERE r.item_id = ?1 AND r.decision = 'adjudicate'"
	"  AND " NOT_RETRACTED("r") " ORDER BY r.id DESC LIMIT 1),"
				    " (SELECT conflict_open FROM item_queue WHERE item_id = ?1)";
static const char CLAIM[] =
	"INSERT INTO claims (item_id, reviewer, expires_at) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (item_id, reviewer) DO UPDATE SET expires_at = excluded.expires_at";
#define UNANIMOUS                                                                                \
	" FROM item_queue WHERE adjudicated IS NULL AND deciders >= 2 AND human_min = human_max" \
	" AND unsure = 0 AND claimers = 0"
static const char UNANIMOUS_COUNT[] = "SELECT count(*)" UNANIMOUS;
/* materialized first: each insert's trigger changes the rows it was chosen by */
static const char UNANIMOUS_ACCEPT[] =
	"WITH u AS MATERIALIZED (SELECT item_id, human_min" UNANIMOUS ")"
	" INSERT INTO reviews (item_id, reviewer, decision, label, note, queue_order)"
	" SELECT item_id, ?1, ?2, human_min, ?3, ?4 FROM u ORDER BY item_id";
static const char LAST_ID[] = "SELECT ifnull(max(id), 0) FROM reviews";
static const char RETRACT_RANGE[] =
	"INSERT INTO reviews (item_id, reviewer, decision, retracts)"
	" SELECT r.item_id, r.reviewer, ?4, r.id FROM reviews r WHERE r.id BETWEEN ?1 AND ?2"
	" AND r.reviewer = ?3 AND r.decision = ?5 AND " NOT_RETRACTED("r") " ORDER BY r.id";
static const char VOTES[] =
	"SELECT s.reviewer, s.decision, s.label, s.verdict, (SELECT n.note FROM reviews n"
	"  WHERE n.item_id = s.item_id AND n.reviewer = s.reviewer AND n.note IS NOT NULL"
	"  AND n.decision <> 'adjudicate' AND " NOT_RETRACTED(
		"n") " ORDER BY n.id DESC LIMIT 1),"
		     " (SELECT created_at FROM reviews WHERE id = s.review_id)"
		     " FROM standing s WHERE s.item_id = ?1 ORDER BY s.reviewer";
static const char STANDING[] =
	"SELECT r.label, r.reviewer, r.note FROM reviews r WHERE r.item_id = ?1"
	" AND r.decision = 'adjudicate' AND " NOT_RETRACTED("r") " ORDER BY r.id DESC LIMIT 1";

static Status finish(Db *db, Status st)
{
	if (st != STATUS_OK) {
		db_rollback(db);
		return st;
	}
	return db_commit(db);
}

static Status step_done(Db *db, sqlite3_stmt *stmt, const char *what)
{
	return sqlite3_step(stmt) == SQLITE_DONE ? STATUS_OK : db_fail(db, what);
}

static Status claim(Db *db, const char *who, long long item_id, double lease_s, double now)
{
	sqlite3_stmt *stmt = db_statement(db, CLAIM);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_text(stmt, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 3, now + lease_s);
	return step_done(db, stmt, "claiming an item");
}

/* Whether who may decide item_id now (see db_adjudication_decide). */
static Status may_decide(Db *db, const char *who, long long item_id, double now, int *may)
{
	sqlite3_stmt *stmt = db_statement(db, MAY);
	int rc;
	*may = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_text(stmt, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 3, now);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*may = sqlite3_column_int(stmt, 0) || sqlite3_column_int(stmt, 1) ||
		       sqlite3_column_int(stmt, 2);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? STATUS_OK : db_fail(db, "checking a claim");
}

static Status insert(Db *db, long long item_id, const char *who, int label, const char *reason,
		     long long *review_id)
{
	sqlite3_stmt *stmt = db_statement(db, INSERT);
	Status st;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_text(stmt, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, db_decision_word(DB_DECISION_ADJUDICATE), -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 4, label);
	db_bind_text_or_null(stmt, 5, reason && *reason ? reason : NULL);
	sqlite3_bind_text(stmt, 6, db_from_word(SCREEN), -1, SQLITE_STATIC);
	st = step_done(db, stmt, "recording an adjudication");
	if (st == STATUS_OK && review_id)
		*review_id = sqlite3_last_insert_rowid(db->handle);
	return st;
}

Status db_adjudication_decide(Db *db, const char *who, long long item_id, int label,
			      const char *reason, double lease_s, long long *review_id)
{
	double now = clock_unix_s();
	int may;
	Status st = db_begin(db);
	(void)lease_s;
	if (st != STATUS_OK)
		return st;
	st = may_decide(db, who, item_id, now, &may);
	if (st == STATUS_OK && !may)
		st = status_fail(STATUS_ERR_TAKEN,
				 "another adjudicator has taken this item while it "
				 "waited (your claim had lapsed); it leaves your list");
	if (st == STATUS_OK)
		st = insert(db, item_id, who, label, reason, review_id);
	if (st == STATUS_OK)
		st = db_claim_release(db, who, item_id);
	return finish(db, st);
}

Status db_adjudication_retract(Db *db, const char *who, long long item_id, long long review_id,
			       double lease_s)
{
	sqlite3_stmt *stmt;
	Status st = db_begin(db);
	if (st != STATUS_OK)
		return st;
	if (!(stmt = db_statement(db, RETRACT))) {
		db_rollback(db);
		return STATUS_ERR_DB;
	}
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_text(stmt, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, db_decision_word(DB_DECISION_RETRACT), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, review_id);
	st = step_done(db, stmt, "withdrawing an adjudication");
	/* back in conflict and on this adjudicator's screen */
	if (st == STATUS_OK)
		st = claim(db, who, item_id, lease_s, clock_unix_s());
	return finish(db, st);
}

static Status one_count(Db *db, const char *sql, long long *value, const char *what)
{
	sqlite3_stmt *stmt = db_statement(db, sql);
	int rc;
	*value = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? STATUS_OK : db_fail(db, what);
}

Status db_adjudication_unanimous_count(Db *db, long long *count)
{
	return one_count(db, UNANIMOUS_COUNT, count, "counting unanimous items");
}

Status db_adjudication_accept_unanimous(Db *db, const char *who, const char *reason,
					long long *first, long long *last, long long *count)
{
	sqlite3_stmt *stmt;
	long long before = 0;
	Status st = db_begin(db);
	*first = *last = *count = 0;
	if (st != STATUS_OK)
		return st;
	st = one_count(db, LAST_ID, &before, "reading the review log");
	if (st == STATUS_OK && !(stmt = db_statement(db, UNANIMOUS_ACCEPT)))
		st = STATUS_ERR_DB;
	if (st == STATUS_OK) {
		sqlite3_bind_text(stmt, 1, who, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, db_decision_word(DB_DECISION_ADJUDICATE), -1,
				  SQLITE_STATIC);
		db_bind_text_or_null(stmt, 3, reason);
		sqlite3_bind_text(stmt, 4, db_from_word(BULK), -1, SQLITE_STATIC);
		st = step_done(db, stmt, "accepting the unanimous items");
		*count = sqlite3_changes(db->handle);
	}
	if (st == STATUS_OK)
		st = one_count(db, LAST_ID, last, "reading the review log");
	*first = before + 1;
	if (st != STATUS_OK || !*count)
		*first = *last = 0;
	return finish(db, st);
}

Status db_adjudication_retract_range(Db *db, const char *who, long long first, long long last,
				     long long *count)
{
	sqlite3_stmt *stmt;
	Status st = db_begin(db);
	*count = 0;
	if (st != STATUS_OK)
		return st;
	if (!(stmt = db_statement(db, RETRACT_RANGE))) {
		db_rollback(db);
		return STATUS_ERR_DB;
	}
	sqlite3_bind_int64(stmt, 1, first);
	sqlite3_bind_int64(stmt, 2, last);
	sqlite3_bind_text(stmt, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, db_decision_word(DB_DECISION_RETRACT), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, db_decision_word(DB_DECISION_ADJUDICATE), -1, SQLITE_STATIC);
	st = step_done(db, stmt, "withdrawing the accepted items");
	*count = sqlite3_changes(db->handle);
	return finish(db, st);
}

Status db_adjudication_votes(Db *db, long long item_id,
			     void (*fn)(void *arg, const DbAdjudicationVote *vote), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, VOTES);
	int rc;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		DbAdjudicationVote v = {
			.reviewer = (const char *)sqlite3_column_text(stmt, 0),
			.decision = db_decision_parse((const char *)sqlite3_column_text(stmt, 1)),
			.label = sqlite3_column_int(stmt, 2),
			.verdict = db_verdict_parse((const char *)sqlite3_column_text(stmt, 3)),
			.note = (const char *)sqlite3_column_text(stmt, 4),
			.time = (const char *)sqlite3_column_text(stmt, 5)
		};
		fn(arg, &v);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "reading an item's reviews");
}

Status db_adjudication_standing(Db *db, long long item_id, int *label, char **who, char **reason)
{
	sqlite3_stmt *stmt = db_statement(db, STANDING);
	int rc;
	*label = 0;
	*who = *reason = NULL;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*label = sqlite3_column_int(stmt, 0);
		*who = db_column_dup(stmt, 1);
		*reason = db_column_dup(stmt, 2);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STATUS_OK
						     : db_fail(db, "reading an adjudication");
}
