/* votes.c - settling's reads, merged in item order from a few ordered
 * scans (items; reviews by item, reviewer and id; adjudications; the LLM's
 * labels), and the two things settling keeps. The walk over each
 * (item, reviewer) run of the review log decides the standing votes in one
 * pass, as db/agreement.c does for agree: cheaper than SQL's NOT EXISTS and
 * window functions per row. */
#include "db/votes.h"

#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/xalloc.h"

static const char RETRACTED[] =
	"SELECT retracts FROM reviews WHERE retracts IS NOT NULL ORDER BY retracts";
static const char ITEMS[] = "SELECT id, external_id FROM items ORDER BY id";
/* served by the covering index reviews_for_agreement */
static const char VOTES[] =
	"SELECT item_id, reviewer, id, decision = 'skip', label, again, blind, created_at"
	" FROM reviews WHERE decision IN ('accept', 'override', 'skip')"
	" ORDER BY item_id, reviewer, id";
static const char VERDICTS[] =
	"SELECT item_id, reviewer, verdict FROM standing WHERE verdict IS NOT NULL"
	" ORDER BY item_id, reviewer";
static const char ADJUDICATIONS[] =
	"SELECT item_id, id, reviewer, label, note, created_at FROM reviews"
	" WHERE decision = 'adjudicate' ORDER BY item_id, id";
static const char LLM_LATEST[] =
	"SELECT item_id, llm_label, llm_run FROM item_queue WHERE llm_label IS NOT NULL"
	" ORDER BY item_id";
static const char LLM_OF_RUN[] =
	"SELECT item_id, label, run_id FROM predictions WHERE run_id = ?1 AND status = 'ok'"
	" AND label IS NOT NULL ORDER BY item_id";
static const char RULE_GET[] = "SELECT value FROM meta WHERE key = 'settle_rule'";
static const char RULE_SET[] = "INSERT INTO meta (key, value) VALUES ('settle_rule', ?1)"
			       " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char MARK[] =
	"UPDATE item_queue SET ds_posterior = ?2, ds_doubt = ?3 WHERE item_id = ?1"
	" AND (ds_posterior IS NOT ?2 OR ds_doubt IS NOT ?3)";

/* A scan in item order: its statement and whether it stands on a row. */
typedef struct {
	sqlite3_stmt *stmt;
	int row;
} Scan;

/* Text kept for one item: offsets into one buffer, made pointers at the end. */
typedef struct {
	char *buf;
	size_t len, cap;
} Arena;

typedef struct {
	size_t reviewer, time; /* offsets into the arena */
	int label, blind;
	DbVerdict verdict;
} VoteAt;

struct DbVoteCursor {
	Db *db;
	DbVoteQuery query;
	Scan items, votes, verdicts, adjudications, llm;
	long long *retracted;
	size_t n_retracted;
	Arena text;
	VoteAt *at;
	DbVote *out;
	size_t n_votes, cap_at, cap_out;
	DbVoteItem item;
	size_t external_id, adjudicator, reason, adjudicated_at; /* offsets; (size_t)-1: none */
	Status failed;
};

#define NONE ((size_t)-1)

static size_t keep(Arena *a, const unsigned char *text)
{
	size_t n = text ? strlen((const char *)text) + 1 : 0, at = a->len;
	if (!text)
		return NONE;
	a->buf = xgrow(a->buf, &a->cap, a->len + n, 1);
	memcpy(a->buf + at, text, n);
	a->len += n;
	return at;
}

static const char *at_of(const Arena *a, size_t offset)
{
	return offset == NONE ? NULL : a->buf + offset;
}

static Status step(DbVoteCursor *c, Scan *s)
{
	int rc;
	if (!s->stmt)
		return STATUS_OK;
	rc = sqlite3_step(s->stmt);
	s->row = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return c->failed = db_fail(c->db, "reading the review log");
	return STATUS_OK;
}

static long long item_of(const Scan *s)
{
	return s->row ? sqlite3_column_int64(s->stmt, 0) : -1;
}

/* Prepares a scan of its own (not from the cache: two cursors may be open)
 * and stands it on its first row. */
static Status scan_open(DbVoteCursor *c, Scan *s, const char *sql)
{
	if (sqlite3_prepare_v2(c->db->handle, sql, -1, &s->stmt, NULL) != SQLITE_OK)
		return c->failed = db_fail(c->db, "preparing to read the review log");
	if (sql == LLM_OF_RUN)
		sqlite3_bind_int64(s->stmt, 1, c->query.run_id);
	return step(c, s);
}

static Status retracted_load(DbVoteCursor *c)
{
	sqlite3_stmt *stmt = db_statement(c->db, RETRACTED);
	size_t cap = 0;
	int rc;
	if (!stmt)
		return STATUS_ERR_DB;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		c->retracted = xgrow(c->retracted, &cap, c->n_retracted + 1, sizeof *c->retracted);
		c->retracted[c->n_retracted++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(c->db, "reading retractions");
}

static int is_retracted(const DbVoteCursor *c, long long id)
{
	size_t lo = 0, hi = c->n_retracted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->retracted[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n_retracted && c->retracted[lo] == id;
}

Status db_votes_open(Db *db, const DbVoteQuery *query, DbVoteCursor **out)
{
	DbVoteCursor *c = xcalloc(1, sizeof *c);
	Status st;
	c->db = db;
	c->query = *query;
	*out = NULL;
	st = retracted_load(c);
	if (st == STATUS_OK)
		st = scan_open(c, &c->items, ITEMS);
	if (st == STATUS_OK)
		st = scan_open(c, &c->votes, VOTES);
	if (st == STATUS_OK && query->verdicts)
		st = scan_open(c, &c->verdicts, VERDICTS);
	if (st == STATUS_OK)
		st = scan_open(c, &c->adjudications, ADJUDICATIONS);
	if (st == STATUS_OK && query->run_id >= 0)
		st = scan_open(c, &c->llm, query->run_id ? LLM_OF_RUN : LLM_LATEST);
	if (st != STATUS_OK) {
		db_votes_close(c);
		return st;
	}
	*out = c;
	return STATUS_OK;
}

void db_votes_close(DbVoteCursor *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->items.stmt);
	sqlite3_finalize(c->votes.stmt);
	sqlite3_finalize(c->verdicts.stmt);
	sqlite3_finalize(c->adjudications.stmt);
	sqlite3_finalize(c->llm.stmt);
	free(c->retracted);
	free(c->text.buf);
	free(c->at);
	free(c->out);
	free(c);
}

/* ---- one item ---- */

/* The verdict scan's entry for (item, reviewer), advancing past earlier ones. */
static Status verdict_of(DbVoteCursor *c, long long item_id, const char *reviewer,
			 DbVerdict *verdict)
{
	Scan *s = &c->verdicts;
	*verdict = DB_VERDICT_NONE;
	while (s->stmt && s->row) {
		long long at = item_of(s);
		int cmp = at < item_id ? -1
			  : at > item_id
				  ? 1
				  : strcmp((const char *)sqlite3_column_text(s->stmt, 1), reviewer);
		if (cmp > 0)
			break;
		if (cmp == 0)
			*verdict = db_verdict_parse((const char *)sqlite3_column_text(s->stmt, 2));
		if (step(c, s) != STATUS_OK)
			return c->failed;
	}
	return STATUS_OK;
}

/* Appends the vote the scan stands on. */
static void push_vote(DbVoteCursor *c, size_t reviewer)
{
	sqlite3_stmt *r = c->votes.stmt;
	c->at = xgrow(c->at, &c->cap_at, c->n_votes + 1, sizeof *c->at);
	c->at[c->n_votes++] = (VoteAt){ .reviewer = reviewer,
					.time = keep(&c->text, sqlite3_column_text(r, 7)),
					.label = sqlite3_column_int(r, 4),
					.blind = sqlite3_column_int(r, 6) };
}

/* Walks one reviewer's rows on the item (oldest first): a row that is not
 * `again` starts the chain afresh, a skip empties it. */
static Status reviewer_run(DbVoteCursor *c, long long item_id)
{
	sqlite3_stmt *r = c->votes.stmt;
	size_t first = c->n_votes, reviewer = keep(&c->text, sqlite3_column_text(r, 1));
	int skip = 0;
	Status st = STATUS_OK;
	while (st == STATUS_OK && c->votes.row && item_of(&c->votes) == item_id &&
	       !strcmp((const char *)sqlite3_column_text(r, 1), c->text.buf + reviewer)) {
		if (!is_retracted(c, sqlite3_column_int64(r, 2))) {
			skip = sqlite3_column_int(r, 3);
			if (skip || !sqlite3_column_int(r, 5))
				c->n_votes = first;
			if (!skip)
				push_vote(c, reviewer);
		}
		st = step(c, &c->votes);
	}
	c->item.unsure += skip;
	if (st == STATUS_OK && c->n_votes > first && c->query.verdicts) {
		DbVerdict v;
		st = verdict_of(c, item_id, c->text.buf + reviewer, &v);
		for (size_t i = first; i < c->n_votes; i++)
			c->at[i].verdict = v;
	}
	return st;
}

/* The item's latest adjudication that is not retracted. */
static Status adjudication(DbVoteCursor *c, long long item_id)
{
	Scan *s = &c->adjudications;
	while (s->row && item_of(s) <= item_id) {
		sqlite3_stmt *r = s->stmt;
		if (item_of(s) == item_id && !is_retracted(c, sqlite3_column_int64(r, 1))) {
			c->item.adjudicated = sqlite3_column_int(r, 3);
			c->adjudicator = keep(&c->text, sqlite3_column_text(r, 2));
			c->reason = keep(&c->text, sqlite3_column_text(r, 4));
			c->adjudicated_at = keep(&c->text, sqlite3_column_text(r, 5));
		}
		if (step(c, s) != STATUS_OK)
			return c->failed;
	}
	return STATUS_OK;
}

static Status llm_label(DbVoteCursor *c, long long item_id)
{
	Scan *s = &c->llm;
	while (s->stmt && s->row && item_of(s) <= item_id) {
		if (item_of(s) == item_id) {
			c->item.llm_label = sqlite3_column_int(s->stmt, 1);
			c->item.llm_run = sqlite3_column_int64(s->stmt, 2);
		}
		if (step(c, s) != STATUS_OK)
			return c->failed;
	}
	return STATUS_OK;
}

/* The offsets become pointers once the arena has stopped moving. */
static void finish_item(DbVoteCursor *c)
{
	c->out = xgrow(c->out, &c->cap_out, c->n_votes + 1, sizeof *c->out);
	for (size_t i = 0; i < c->n_votes; i++)
		c->out[i] = (DbVote){ .reviewer = at_of(&c->text, c->at[i].reviewer),
				      .label = c->at[i].label,
				      .blind = c->at[i].blind,
				      .time = at_of(&c->text, c->at[i].time),
				      .verdict = c->at[i].verdict };
	c->item.votes = c->out;
	c->item.n_votes = c->n_votes;
	c->item.external_id = at_of(&c->text, c->external_id);
	c->item.adjudicator = at_of(&c->text, c->adjudicator);
	c->item.reason = at_of(&c->text, c->reason);
	c->item.adjudicated_at = at_of(&c->text, c->adjudicated_at);
}

Status db_votes_next(DbVoteCursor *c, const DbVoteItem **item)
{
	long long id;
	Status st = c->failed;
	*item = NULL;
	if (st != STATUS_OK || !c->items.row)
		return st;
	id = item_of(&c->items);
	memset(&c->item, 0, sizeof c->item);
	c->item.item_id = id;
	c->text.len = 0;
	c->n_votes = 0;
	c->external_id = keep(&c->text, sqlite3_column_text(c->items.stmt, 1));
	c->adjudicator = c->reason = c->adjudicated_at = NONE;
	/* rows of items that are gone (a log naming a deleted item) are passed over */
	while (st == STATUS_OK && c->votes.row && item_of(&c->votes) < id)
		st = step(c, &c->votes);
	while (st == STATUS_OK && c->votes.row && item_of(&c->votes) == id)
		st = reviewer_run(c, id);
	if (st == STATUS_OK)
		st = adjudication(c, id);
	if (st == STATUS_OK)
		st = llm_label(c, id);
	if (st == STATUS_OK)
		st = step(c, &c->items);
	if (st != STATUS_OK)
		return st;
	finish_item(c);
	*item = &c->item;
	return STATUS_OK;
}

/* ---- what settling keeps ---- */

Status db_votes_rule_get(Db *db, char **json)
{
	sqlite3_stmt *stmt = db_statement(db, RULE_GET);
	int rc;
	*json = NULL;
	if (!stmt)
		return STATUS_ERR_DB;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*json = db_column_dup(stmt, 0);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STATUS_OK
						     : db_fail(db, "reading the default rule");
}

Status db_votes_rule_set(Db *db, const char *json)
{
	sqlite3_stmt *stmt = db_statement(db, RULE_SET);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, json, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "storing the default rule");
	return STATUS_OK;
}

Status db_votes_mark_posteriors(Db *db, const long long *item_ids, const double *posterior,
				const unsigned char *doubt, size_t n)
{
	int own = sqlite3_get_autocommit(db->handle);
	Status st = own ? db_begin(db) : STATUS_OK;
	sqlite3_stmt *stmt = st == STATUS_OK ? db_statement(db, MARK) : NULL;
	if (st == STATUS_OK && !stmt)
		st = STATUS_ERR_DB;
	for (size_t i = 0; st == STATUS_OK && i < n; i++) {
		sqlite3_reset(stmt);
		sqlite3_bind_int64(stmt, 1, item_ids[i]);
		if (posterior[i] >= 0)
			sqlite3_bind_double(stmt, 2, posterior[i]);
		else
			sqlite3_bind_null(stmt, 2);
		sqlite3_bind_int(stmt, 3, doubt[i]);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			st = db_fail(db, "recording posteriors");
	}
	if (own && st == STATUS_OK)
		return db_commit(db);
	if (own)
		db_rollback(db);
	return st;
}
