/* lab.c - the prompt lab's reads: settled items, answers, runs. */
#include "db/lab.h"

#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/xalloc.h"

#define SETTLED_Q "q.deciders > 0 AND q.human_min = q.human_max"

static const char SETTLED[] =
	"SELECT q.item_id, q.human_min FROM item_queue q WHERE " SETTLED_Q " ORDER BY q.item_id";
static const char PLAN_ONE[] = "INSERT OR IGNORE INTO run_items (run_id, item_id) VALUES (?1, ?2)";
static const char ANSWERS[] =
	"SELECT p.item_id, p.sample, p.status, p.label,"
	" CASE WHEN " SETTLED_Q " THEN q.human_min END, ifnull(p.prompt_tokens, 0),"
	" ifnull(p.completion_tokens, 0), p.cached"
	" FROM predictions p LEFT JOIN item_queue q ON q.item_id = p.item_id"
	" WHERE p.run_id = ?1 ORDER BY p.item_id, p.sample";
static const char RUNS[] =
	"SELECT r.id, ifnull(r.prompt_version_id, 0), r.provider, r.model, r.params, r.started_at,"
	" v.hash, v.name, v.note, ifnull(v.parent_id, 0), r.status, r.repeats"
	" FROM runs r LEFT JOIN prompt_versions v ON v.id = r.prompt_version_id ORDER BY r.id";
/* the answer behind the run's label: its first readable one of the majority
 * (ties to the lower label, as labdata counts a --repeat run's votes) */
static const char DETAIL[] =
	"SELECT status, label, sample, cached, rationale, aspects, raw_reply, error FROM predictions p"
	" WHERE run_id = ?1 AND item_id = ?2 ORDER BY status = 'ok' DESC, (SELECT count(*) FROM"
	" predictions x WHERE x.run_id = p.run_id AND x.item_id = p.item_id AND x.status = 'ok'"
	" AND x.label = p.label) DESC, label, sample LIMIT 1";
static const char NOTE[] =
	"SELECT note FROM reviews WHERE item_id = ?1 AND note IS NOT NULL AND note <> ''"
	" AND NOT EXISTS (SELECT 1 FROM reviews x WHERE x.retracts = reviews.id)"
	" ORDER BY id DESC LIMIT 1";
static const char VOTES[] =
	"SELECT CASE WHEN status = 'ok' THEN ifnull(label, 0) ELSE 0 END FROM predictions"
	" WHERE run_id = ?1 AND item_id = ?2 ORDER BY sample";
static const char SPLIT_READ[] = "SELECT item_id, part FROM lab_splits ORDER BY item_id";
static const char SPLIT_ADD[] =
	"INSERT OR IGNORE INTO lab_splits (item_id, part, label, seed) VALUES (?1, ?2, ?3, ?4)";
static const char ITEMS[] = "SELECT id, external_id, category FROM items ORDER BY id";

/* Steps stmt to its end, handing each row to row(); a nonzero return stops. */
static Status each_row(Db *db, sqlite3_stmt *stmt, const char *what,
		       int (*row)(sqlite3_stmt *stmt, void *ctx), void *ctx)
{
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (row(stmt, ctx))
			break;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, what);
	return STATUS_OK;
}

typedef struct {
	int (*fn)(void *arg, long long item_id, int label);
	void *arg;
} SettledCtx;

static int settled_row(sqlite3_stmt *stmt, void *ctx)
{
	SettledCtx *c = ctx;
	return c->fn(c->arg, sqlite3_column_int64(stmt, 0), sqlite3_column_int(stmt, 1));
}

Status db_lab_settled(Db *db, int (*fn)(void *arg, long long item_id, int label), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, SETTLED);
	SettledCtx c = { fn, arg };
	if (!stmt)
		return STATUS_ERR_DB;
	return each_row(db, stmt, "reading the settled items", settled_row, &c);
}

Status db_lab_plan(Db *db, long long run_id, const long long *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *stmt = db_statement(db, PLAN_ONE);
		if (!stmt)
			return STATUS_ERR_DB;
		sqlite3_bind_int64(stmt, 1, run_id);
		sqlite3_bind_int64(stmt, 2, ids[i]);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			return db_fail(db, "planning a run");
	}
	return STATUS_OK;
}

typedef struct {
	int (*fn)(void *arg, const DbLabAnswer *a);
	void *arg;
} AnswerCtx;

static int answer_row(sqlite3_stmt *stmt, void *ctx)
{
	AnswerCtx *c = ctx;
	DbLabAnswer a = {
		.item_id = sqlite3_column_int64(stmt, 0),
		.sample = sqlite3_column_int(stmt, 1),
		.status = db_prediction_state_parse((const char *)sqlite3_column_text(stmt, 2)),
		.label = sqlite3_column_int(stmt, 3),
		.human = sqlite3_column_int(stmt, 4),
		.prompt_tokens = sqlite3_column_int64(stmt, 5),
		.completion_tokens = sqlite3_column_int64(stmt, 6),
		.cached = sqlite3_column_int(stmt, 7),
	};
	return c->fn(c->arg, &a);
}

Status db_lab_answers(Db *db, long long run_id, int (*fn)(void *arg, const DbLabAnswer *a),
		      void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, ANSWERS);
	AnswerCtx c = { fn, arg };
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, run_id);
	return each_row(db, stmt, "reading a run's answers", answer_row, &c);
}

typedef struct {
	int (*fn)(void *arg, const DbLabRun *run);
	void *arg;
} RunCtx;

static const char *text(sqlite3_stmt *stmt, int column)
{
	return (const char *)sqlite3_column_text(stmt, column);
}

static int run_row(sqlite3_stmt *stmt, void *ctx)
{
	RunCtx *c = ctx;
	DbLabRun r = {
		.id = sqlite3_column_int64(stmt, 0),
		.prompt_version_id = sqlite3_column_int64(stmt, 1),
		.provider = text(stmt, 2),
		.model = text(stmt, 3),
		.params_json = text(stmt, 4),
		.started_at = text(stmt, 5),
		.prompt_hash = text(stmt, 6),
		.prompt_name = text(stmt, 7),
		.prompt_note = text(stmt, 8),
		.prompt_parent = sqlite3_column_int64(stmt, 9),
		.status = db_run_state_parse(text(stmt, 10)),
		.repeats = sqlite3_column_int(stmt, 11),
	};
	return c->fn(c->arg, &r);
}

Status db_lab_runs(Db *db, int (*fn)(void *arg, const DbLabRun *run), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, RUNS);
	RunCtx c = { fn, arg };
	if (!stmt)
		return STATUS_ERR_DB;
	return each_row(db, stmt, "reading the runs", run_row, &c);
}

Status db_lab_detail(Db *db, long long run_id, long long item_id, DbLabDetail *d)
{
	sqlite3_stmt *stmt = db_statement(db, DETAIL);
	int rc;
	memset(d, 0, sizeof *d);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int64(stmt, 2, item_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		d->found = 1;
		d->run_id = run_id;
		d->status = db_prediction_state_parse(text(stmt, 0));
		d->label = sqlite3_column_int(stmt, 1);
		d->sample = sqlite3_column_int(stmt, 2);
		d->cached = sqlite3_column_int(stmt, 3);
		d->rationale = db_column_dup(stmt, 4);
		d->aspects_json = db_column_dup(stmt, 5);
		d->raw_reply = db_column_dup(stmt, 6);
		d->error = db_column_dup(stmt, 7);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading an answer");
	return STATUS_OK;
}

void db_lab_detail_free(DbLabDetail *d)
{
	free(d->rationale), free(d->aspects_json), free(d->raw_reply), free(d->error);
	memset(d, 0, sizeof *d);
}

Status db_lab_item_note(Db *db, long long item_id, char **note)
{
	sqlite3_stmt *stmt = db_statement(db, NOTE);
	int rc;
	*note = NULL;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*note = db_column_dup(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading a note");
	return STATUS_OK;
}

typedef struct {
	int (*fn)(void *arg, long long item_id, const char *external_id, const char *category);
	void *arg;
} ItemCtx;

static int item_row(sqlite3_stmt *stmt, void *ctx)
{
	ItemCtx *c = ctx;
	return c->fn(c->arg, sqlite3_column_int64(stmt, 0), text(stmt, 1), text(stmt, 2));
}

Status db_lab_items(Db *db,
		    int (*fn)(void *arg, long long item_id, const char *external_id,
			      const char *category),
		    void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, ITEMS);
	ItemCtx c = { fn, arg };
	if (!stmt)
		return STATUS_ERR_DB;
	return each_row(db, stmt, "reading items", item_row, &c);
}

typedef struct {
	int (*fn)(void *arg, long long item_id, int part);
	void *arg;
} SplitCtx;

static int split_row(sqlite3_stmt *stmt, void *ctx)
{
	SplitCtx *c = ctx;
	return c->fn(c->arg, sqlite3_column_int64(stmt, 0), sqlite3_column_int(stmt, 1));
}

Status db_lab_split_read(Db *db, int (*fn)(void *arg, long long item_id, int part), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, SPLIT_READ);
	SplitCtx c = { fn, arg };
	if (!stmt)
		return STATUS_ERR_DB;
	return each_row(db, stmt, "reading the split", split_row, &c);
}

Status db_lab_split_add(Db *db, const long long *ids, const int *parts, const int *labels, size_t n,
			unsigned long long seed)
{
	Status st = db_begin(db);
	for (size_t i = 0; i < n && st == STATUS_OK; i++) {
		sqlite3_stmt *stmt = db_statement(db, SPLIT_ADD);
		if (!stmt) {
			st = STATUS_ERR_DB;
			break;
		}
		sqlite3_bind_int64(stmt, 1, ids[i]);
		sqlite3_bind_int(stmt, 2, parts[i]);
		sqlite3_bind_int(stmt, 3, labels[i]);
		sqlite3_bind_int64(stmt, 4, (sqlite3_int64)seed);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			st = db_fail(db, "storing the split");
	}
	if (st == STATUS_OK)
		return db_commit(db);
	db_rollback(db);
	return st;
}

Status db_lab_votes(Db *db, long long run_id, long long item_id, int *labels, int max, int *n)
{
	sqlite3_stmt *stmt = db_statement(db, VOTES);
	int rc;
	*n = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int64(stmt, 2, item_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *n < max)
		labels[(*n)++] = sqlite3_column_int(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading an item's answers");
	return STATUS_OK;
}
