/* reviews.c - the review log and what a reviewer sees of an item. */
#include "db/reviews.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/claims.h"
#include "db/internal.h"
#include "src/base/xalloc.h"

static const char REVIEW_INSERT[] =
	"INSERT INTO reviews (item_id, reviewer, decision, label, rationale_verdict, note,"
	" prediction_id, blind, retracts, time_spent_ms, queue_order) VALUES (?1, ?2, ?3, ?4, ?5,"
	" ?6, ?7, ?8, ?9, ?10, ?11)";
static const char REVIEW_STANDING[] =
	"SELECT review_id, decision, label, verdict FROM standing WHERE item_id = ?1 AND reviewer = ?2";
static const char PREDICTION_SELECT[] =
	"SELECT p.id, p.run_id, p.status, p.score, p.label, p.confidence, p.inconsistent,"
	" p.rationale, p.aspects, p.reasoning, p.raw_reply, p.error, r.model, r.provider,"
	" v.hash, v.name FROM predictions p JOIN runs r ON r.id = p.run_id"
	" LEFT JOIN prompt_versions v ON v.id = r.prompt_version_id"
	" WHERE p.item_id = ?1 AND (?2 = 0 OR p.run_id = ?2)"
	/* the LLM's answer: the scorer's only when its run is asked for */
	" AND (?2 <> 0 OR r.provider <> '" DB_PROVIDER_SCORER "') ORDER BY p.run_id DESC,"
	/* a run that asked several times (--repeat): an answer of the majority,
	 * a tie to the lower label, as the vote line under it says */
	" (SELECT count(*) FROM predictions x WHERE x.run_id = p.run_id AND x.item_id = p.item_id"
	"  AND x.status = 'ok' AND x.label = p.label) DESC, p.label, p.sample LIMIT 1";
/* kept by db/queue.c's triggers: the reviewer's labels against the LLM's */
static const char REVIEW_PAIRS[] =
	"SELECT llm, human, n FROM reviewer_pairs WHERE reviewer = ?1 AND n > 0";
static const char REVIEW_RECENT[] =
	"SELECT item_id FROM (SELECT item_id, review_id FROM standing WHERE reviewer = ?1"
	" ORDER BY review_id DESC LIMIT ?2) ORDER BY review_id";
static const char REVIEW_ITEM_EXISTS[] = "SELECT 1 FROM items WHERE id = ?1";
static const char ITEM_NOTES[] =
	"SELECT reviewer, substr(created_at, 1, 10) || ' ' || substr(created_at, 12, 5), note"
	" FROM reviews r WHERE item_id = ?1 AND decision = 'note' AND note IS NOT NULL"
	" AND NOT EXISTS (SELECT 1 FROM reviews x WHERE x.retracts = r.id) ORDER BY id";
static const char ITEM_HISTORY[] =
	"SELECT t, line FROM ("
	" SELECT p.created_at AS t, p.id AS k, 0 AS kind, substr(p.created_at, 1, 16) || '  run ' ||"
	"  p.run_id || ' ' || r.provider || ' ' || ifnull(r.model, '') ||"
	"  ifnull(' prompt ' || substr(v.hash, 1, 8), '') || ': ' || p.status ||"
	"  ifnull(' ' || p.label, '') || ifnull(' conf ' || printf('%.2f', p.confidence), '') ||"
	"  ifnull(' - ' || p.error, '') AS line"
	" FROM predictions p JOIN runs r ON r.id = p.run_id"
	" LEFT JOIN prompt_versions v ON v.id = r.prompt_version_id WHERE p.item_id = ?1"
	" UNION ALL"
	" SELECT v.created_at, v.id, 1, substr(v.created_at, 1, 16) || '  ' || v.reviewer || ' ' ||"
	"  v.decision || ifnull(' ' || v.label, '') || CASE WHEN v.blind THEN ' (blind)' ELSE '' END ||"
	"  ifnull(' (rationale ' || v.rationale_verdict || ')', '') ||"
	"  ifnull(' undoes #' || v.retracts, '') || ifnull(': ' || v.note, '') || '  #' || v.id"
	" FROM reviews v WHERE v.item_id = ?1) ORDER BY t, kind, k";

/* The words stored for the orders that have no --order word (db/claims.h). */
static const char *const unlisted_order_words[DB_ORDER_COUNT] = {
	[DB_ORDER_MINE] = "mine",
	[DB_ORDER_CONFLICTS] = "conflicts",
};

const char *db_from_word(DbFrom from)
{
	switch (from.kind) {
	case DB_FROM_IMPORT: return "import";
	case DB_FROM_UNANIMOUS: return "unanimous";
	case DB_FROM_QUEUE:
		if ((unsigned)from.order >= DB_ORDER_COUNT)
			return NULL;
		return unlisted_order_words[from.order] ? unlisted_order_words[from.order]
							: db_order_words[from.order];
	case DB_FROM_UNKNOWN: break;
	}
	return NULL;
}

/* Appends r; the caller holds the transaction, or none (a commit of its own). */
static Status insert(Db *db, const DbReviewNew *r, long long *review_id)
{
	sqlite3_stmt *stmt = db_statement(db, REVIEW_INSERT);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, r->item_id);
	sqlite3_bind_text(stmt, 2, r->reviewer, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, db_decision_word(r->decision), -1, SQLITE_STATIC);
	if (r->label > 0)
		sqlite3_bind_int(stmt, 4, r->label);
	db_bind_text_or_null(stmt, 5, db_verdict_sql(r->verdict));
	db_bind_text_or_null(stmt, 6, r->note);
	if (r->prediction_id > 0)
		sqlite3_bind_int64(stmt, 7, r->prediction_id);
	sqlite3_bind_int(stmt, 8, r->blind);
	if (r->retracts > 0)
		sqlite3_bind_int64(stmt, 9, r->retracts);
	sqlite3_bind_int64(stmt, 10, r->time_spent_ms);
	db_bind_text_or_null(stmt, 11, db_from_word(r->from));
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "recording a review");
	if (review_id)
		*review_id = sqlite3_last_insert_rowid(db->handle);
	return STATUS_OK;
}

Status db_review_add(Db *db, const DbReviewNew *r, long long *review_id)
{
	return insert(db, r, review_id);
}

static Status finish(Db *db, Status st)
{
	if (st != STATUS_OK) {
		db_rollback(db);
		return st;
	}
	return db_commit(db);
}

Status db_review_decide(Db *db, const DbReviewNew *r, double lease_s, long long *review_id)
{
	int held;
	Status st = db_begin(db);
	if (st != STATUS_OK)
		return st;
	st = claims_hold_locked(db, r->reviewer, r->item_id, lease_s, &held);
	if (st == STATUS_OK && !held)
		st = status_fail(STATUS_ERR_TAKEN, "another reviewer has taken this item while it "
				 "waited (your claim had lapsed); it leaves your queue");
	if (st == STATUS_OK)
		st = insert(db, r, review_id);
	/* the decision holds the item now, or frees it (a skip) */
	if (st == STATUS_OK)
		st = db_claim_release(db, r->reviewer, r->item_id);
	return finish(db, st);
}

Status db_review_retract(Db *db, const DbReviewNew *r, double lease_s)
{
	int held;
	Status st = db_begin(db);
	if (st != STATUS_OK)
		return st;
	st = insert(db, r, NULL);
	/* back on the reviewer's screen, the item is theirs again */
	if (st == STATUS_OK)
		st = claims_hold_locked(db, r->reviewer, r->item_id, lease_s, &held);
	return finish(db, st);
}

Status db_review_verdict(Db *db, long long item_id, const char *reviewer, DbVerdict verdict)
{
	DbReviewNew row = {.item_id = item_id, .reviewer = reviewer,
			   .decision = DB_DECISION_VERDICT, .verdict = verdict};
	return insert(db, &row, NULL);
}

Status db_item_notes(Db *db, long long item_id,
		     void (*fn)(void *arg, const char *reviewer, const char *when, const char *note),
		     void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, ITEM_NOTES);
	int rc;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(stmt, 0),
		   (const char *)sqlite3_column_text(stmt, 1), (const char *)sqlite3_column_text(stmt, 2));
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "reading notes");
}

Status db_review_item_exists(Db *db, long long item_id, int *exists)
{
	sqlite3_stmt *stmt = db_statement(db, REVIEW_ITEM_EXISTS);
	int rc;
	*exists = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	rc = sqlite3_step(stmt);
	*exists = rc == SQLITE_ROW;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "reading items");
}

Status db_review_standing(Db *db, long long item_id, const char *reviewer, DbStanding *s)
{
	sqlite3_stmt *stmt = db_statement(db, REVIEW_STANDING);
	int rc;
	memset(s, 0, sizeof *s);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_text(stmt, 2, reviewer, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		s->review_id = sqlite3_column_int64(stmt, 0);
		s->decision = db_decision_parse((const char *)sqlite3_column_text(stmt, 1));
		s->label = sqlite3_column_int(stmt, 2);
		s->verdict = db_verdict_parse((const char *)sqlite3_column_text(stmt, 3));
	} else if (rc != SQLITE_DONE) {
		return db_fail(db, "reading a review");
	}
	sqlite3_reset(stmt);
	return STATUS_OK;
}

Status db_prediction_for_item(Db *db, long long item_id, long long run_id, DbPrediction *p)
{
	sqlite3_stmt *stmt = db_statement(db, PREDICTION_SELECT);
	int rc;
	memset(p, 0, sizeof *p);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_int64(stmt, 2, run_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		return STATUS_OK;
	if (rc != SQLITE_ROW)
		return db_fail(db, "reading a prediction");
	p->id = sqlite3_column_int64(stmt, 0);
	p->run_id = sqlite3_column_int64(stmt, 1);
	p->status = db_prediction_state_parse((const char *)sqlite3_column_text(stmt, 2));
	p->score = sqlite3_column_int(stmt, 3);
	p->label = sqlite3_column_int(stmt, 4);
	p->has_confidence = sqlite3_column_type(stmt, 5) != SQLITE_NULL;
	p->confidence = sqlite3_column_double(stmt, 5);
	p->inconsistent = sqlite3_column_int(stmt, 6);
	p->rationale = db_column_dup(stmt, 7);
	p->aspects_json = db_column_dup(stmt, 8);
	p->reasoning = db_column_dup(stmt, 9);
	p->raw_reply = db_column_dup(stmt, 10);
	p->error = db_column_dup(stmt, 11);
	p->model = db_column_dup(stmt, 12);
	p->provider = db_column_dup(stmt, 13);
	p->prompt_hash = db_column_dup(stmt, 14);
	p->prompt_name = db_column_dup(stmt, 15);
	sqlite3_reset(stmt);
	return STATUS_OK;
}

void db_prediction_free(DbPrediction *p)
{
	free(p->rationale), free(p->aspects_json), free(p->reasoning);
	free(p->raw_reply), free(p->error), free(p->model), free(p->provider);
	free(p->prompt_hash), free(p->prompt_name);
	memset(p, 0, sizeof *p);
}

Status db_review_pairs(Db *db, const char *reviewer,
		       void (*fn)(void *arg, int llm, int human, long long n), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, REVIEW_PAIRS);
	int rc;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, reviewer, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int(stmt, 0), sqlite3_column_int(stmt, 1),
		   sqlite3_column_int64(stmt, 2));
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading reviews");
	return STATUS_OK;
}

Status db_item_history(Db *db, long long item_id, void (*fn)(void *arg, const char *line),
		       void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, ITEM_HISTORY);
	int rc;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(stmt, 1));
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading an item's history");
	return STATUS_OK;
}

Status db_review_recent(Db *db, const char *reviewer, long long *ids, int max, int *count)
{
	sqlite3_stmt *stmt = db_statement(db, REVIEW_RECENT);
	int rc;
	*count = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, reviewer, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, max);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *count < max)
		ids[(*count)++] = sqlite3_column_int64(stmt, 0);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, "reading recent reviews");
	sqlite3_reset(stmt);
	return STATUS_OK;
}
