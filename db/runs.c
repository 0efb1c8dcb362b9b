/* runs.c - runs, plans and predictions. */
#include "db/runs.h"

#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/rng.h"
#include "src/base/xalloc.h"

static const char RUN_INSERT[] =
	"INSERT INTO runs (provider, model, params, prompt_version_id, owner)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
#define FINISHED_AT(state)                                                                  \
	"finished_at = CASE WHEN " state " = 'running' THEN NULL"                           \
	" ELSE strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END"
static const char RUN_STATUS[] = "UPDATE runs SET status = ?2, " FINISHED_AT("?2") " WHERE id = ?1";
/* ?1 run, ?2 the owner expected, ?3 the new owner, ?4 'running' */
static const char RUN_TAKE[] =
	"UPDATE runs SET owner = ?3, status = ?4, finished_at = NULL WHERE id = ?1 AND owner IS ?2";
/* ?1 run, ?2 owner, ?3 the state it ends in */
static const char RUN_RELEASE[] =
	"UPDATE runs SET owner = NULL, status = ?3, " FINISHED_AT("?3") " WHERE id = ?1 AND owner IS ?2";
static const char RUN_SELECT[] =
	"SELECT r.id, r.prompt_version_id, r.provider, r.model, r.params, r.status, p.name, p.text,"
	" r.owner FROM runs r LEFT JOIN prompt_versions p ON p.id = r.prompt_version_id"
	" WHERE r.id = ?1";
/* ?1 1: only runs not in state ?2 ('done') */
static const char RUN_LIST[] =
	"SELECT r.id, r.provider, r.model, p.name, r.owner, r.started_at, r.finished_at, r.status,"
	" (SELECT count(*) FROM run_items ri WHERE ri.run_id = r.id),"
	" (SELECT count(*) FROM predictions x WHERE x.run_id = r.id)"
	" FROM runs r LEFT JOIN prompt_versions p ON p.id = r.prompt_version_id"
	" WHERE ?1 = 0 OR r.status <> ?2 ORDER BY r.id";
/* ?1 run, ?2 prompt version, ?3 model, ?4 selection, ?5 limit (-1: none) */
#define PLAN_CANDIDATES                                                                     \
	"SELECT i.id FROM items i WHERE i.has_image = 1 AND CASE ?4"                        \
	" WHEN 0 THEN NOT EXISTS (SELECT 1 FROM predictions p JOIN runs r ON r.id = p.run_id"  \
	"   WHERE p.item_id = i.id AND p.status = 'ok' AND r.prompt_version_id IS ?2"         \
	"   AND r.model IS ?3)"                                                               \
	" WHEN 2 THEN EXISTS (SELECT 1 FROM reviews v WHERE v.item_id = i.id"                 \
	"   AND v.decision IN ('accept', 'override')"                                        \
	"   AND NOT EXISTS (SELECT 1 FROM reviews x WHERE x.retracts = v.id))"                \
	" ELSE 1 END ORDER BY i.id"
static const char PLAN_INSERT[] =
	"INSERT INTO run_items (run_id, item_id) SELECT ?1, id FROM (" PLAN_CANDIDATES " LIMIT ?5)";
static const char PLAN_CANDIDATE_IDS[] = "SELECT ?1, ?5, id FROM (" PLAN_CANDIDATES ")";
static const char PLAN_ONE[] = "INSERT INTO run_items (run_id, item_id) VALUES (?1, ?2)";
static const char PENDING[] =
	"SELECT ri.item_id FROM run_items ri WHERE ri.run_id = ?1 AND ri.item_id > ?2"
	" AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.run_id = ?1 AND p.item_id = ri.item_id)"
	" ORDER BY ri.item_id LIMIT ?3";
static const char PREDICTION_INSERT[] =
	"INSERT INTO predictions (run_id, item_id, status, score, label, confidence, inconsistent,"
	" rationale, aspects, reasoning, raw_reply, prompt_tokens, completion_tokens, latency_ms,"
	" attempts, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	" ?15, ?16)";
static const char COUNTS[] =
	"SELECT (SELECT count(*) FROM run_items WHERE run_id = ?1),"
	" count(*) FILTER (WHERE status = 'ok'), count(*) FILTER (WHERE status = 'parse_failed'),"
	" count(*) FILTER (WHERE status = 'failed'), ifnull(sum(prompt_tokens), 0),"
	" ifnull(sum(completion_tokens), 0) FROM predictions WHERE run_id = ?1";

static Status step_done(Db *db, sqlite3_stmt *stmt, const char *what)
{
	if (!stmt)
		return STATUS_ERR_DB;
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, what);
	return STATUS_OK;
}

Status db_run_create(Db *db, const DbRunNew *run, long long *run_id)
{
	sqlite3_stmt *stmt = db_statement(db, RUN_INSERT);
	Status st;
	if (!stmt)
		return STATUS_ERR_DB;
	db_bind_text_or_null(stmt, 1, run->provider);
	db_bind_text_or_null(stmt, 2, run->model);
	db_bind_text_or_null(stmt, 3, run->params_json ? run->params_json : "{}");
	if (run->prompt_version_id > 0)
		sqlite3_bind_int64(stmt, 4, run->prompt_version_id);
	db_bind_text_or_null(stmt, 5, run->owner);
	st = step_done(db, stmt, "starting a run");
	if (st == STATUS_OK)
		*run_id = sqlite3_last_insert_rowid(db->handle);
	return st;
}

/* What the one-statement writes below carry into db_write. */
typedef struct {
	long long run_id;
	const char *expected, *owner;
	DbRunState state;
	int changed;
} RunChange;

static Status set_status(Db *db, void *arg)
{
	RunChange *c = arg;
	sqlite3_stmt *stmt = db_statement(db, RUN_STATUS);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, c->run_id);
	sqlite3_bind_text(stmt, 2, db_run_state_word(c->state), -1, SQLITE_STATIC);
	return step_done(db, stmt, "recording a run's status");
}

Status db_run_set_status(Db *db, long long run_id, DbRunState state)
{
	RunChange c = {.run_id = run_id, .state = state};
	return db_write(db, set_status, &c);
}

static Status take(Db *db, void *arg)
{
	RunChange *c = arg;
	sqlite3_stmt *stmt = db_statement(db, RUN_TAKE);
	Status st;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, c->run_id);
	db_bind_text_or_null(stmt, 2, c->expected);
	db_bind_text_or_null(stmt, 3, c->owner);
	sqlite3_bind_text(stmt, 4, db_run_state_word(DB_RUN_RUNNING), -1, SQLITE_STATIC);
	st = step_done(db, stmt, "taking a run");
	c->changed = st == STATUS_OK && sqlite3_changes(db->handle) == 1;
	return st;
}

Status db_run_take(Db *db, long long run_id, const char *expected, const char *owner,
		   int *taken)
{
	RunChange c = {.run_id = run_id, .expected = expected, .owner = owner};
	DbRun run;
	Status st = db_run_get(db, run_id, &run); /* for STATUS_ERR_NOT_FOUND */
	db_run_free(&run);
	if (st == STATUS_OK)
		st = db_write(db, take, &c);
	*taken = c.changed;
	return st;
}

static Status release(Db *db, void *arg)
{
	RunChange *c = arg;
	sqlite3_stmt *stmt = db_statement(db, RUN_RELEASE);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, c->run_id);
	db_bind_text_or_null(stmt, 2, c->owner);
	sqlite3_bind_text(stmt, 3, db_run_state_word(c->state), -1, SQLITE_STATIC);
	return step_done(db, stmt, "recording how a run ended");
}

Status db_run_release(Db *db, long long run_id, const char *owner, DbRunState state)
{
	RunChange c = {.run_id = run_id, .owner = owner, .state = state};
	return db_write(db, release, &c);
}

Status db_run_get(Db *db, long long run_id, DbRun *run)
{
	sqlite3_stmt *stmt = db_statement(db, RUN_SELECT);
	int rc;
	memset(run, 0, sizeof *run);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, run_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		return status_fail(STATUS_ERR_NOT_FOUND, "%s has no run %lld", db_path(db), run_id);
	if (rc != SQLITE_ROW)
		return db_fail(db, "reading a run");
	run->id = sqlite3_column_int64(stmt, 0);
	run->prompt_version_id = sqlite3_column_int64(stmt, 1);
	run->provider = db_column_dup(stmt, 2);
	run->model = db_column_dup(stmt, 3);
	run->params_json = db_column_dup(stmt, 4);
	run->status = db_run_state_parse((const char *)sqlite3_column_text(stmt, 5));
	run->prompt_name = db_column_dup(stmt, 6);
	run->prompt_text = db_column_dup(stmt, 7);
	run->owner = db_column_dup(stmt, 8);
	sqlite3_reset(stmt);
	return STATUS_OK;
}

void db_run_free(DbRun *run)
{
	free(run->provider), free(run->model), free(run->params_json);
	free(run->prompt_name), free(run->prompt_text), free(run->owner);
	memset(run, 0, sizeof *run);
}

static void bind_plan(sqlite3_stmt *stmt, long long run_id, const char *model,
		      const DbRunPlanSpec *spec, long long prompt_version_id)
{
	sqlite3_bind_int64(stmt, 1, run_id);
	if (prompt_version_id > 0)
		sqlite3_bind_int64(stmt, 2, prompt_version_id);
	else
		sqlite3_bind_null(stmt, 2); /* the heuristic has no prompt */
	db_bind_text_or_null(stmt, 3, model);
	sqlite3_bind_int(stmt, 4, (int)spec->selection);
	sqlite3_bind_int64(stmt, 5, spec->limit > 0 ? spec->limit : -1);
}

/* Draws spec->sample of the candidates with a partial Fisher-Yates shuffle. */
static Status plan_sample(Db *db, long long run_id, const char *model, const DbRunPlanSpec *spec,
			  long long pv, long long *planned)
{
	sqlite3_stmt *stmt = db_statement(db, PLAN_CANDIDATE_IDS);
	long long *ids = NULL, n = 0, take;
	size_t capacity = 0;
	uint64_t state = spec->seed;
	int rc;
	Status st = STATUS_OK;

	if (!stmt)
		return STATUS_ERR_DB;
	bind_plan(stmt, run_id, model, spec, pv);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ids = xgrow(ids, &capacity, (size_t)n + 1, sizeof *ids);
		ids[n++] = sqlite3_column_int64(stmt, 2);
	}
	if (rc != SQLITE_DONE) {
		free(ids);
		return db_fail(db, "choosing items");
	}
	take = spec->sample < n ? spec->sample : n;
	for (long long i = 0; i < take && st == STATUS_OK; i++) {
		long long j = i + (long long)(rng_splitmix64(&state) % (unsigned long long)(n - i));
		long long t = ids[i];
		ids[i] = ids[j], ids[j] = t;
		stmt = db_statement(db, PLAN_ONE);
		sqlite3_bind_int64(stmt, 1, run_id);
		sqlite3_bind_int64(stmt, 2, ids[i]);
		st = step_done(db, stmt, "planning a run");
	}
	free(ids);
	*planned = take;
	return st;
}

Status db_run_plan(Db *db, long long run_id, const char *model, const DbRunPlanSpec *spec,
		   long long *planned)
{
	DbRun run;
	Status st = db_run_get(db, run_id, &run);
	long long pv = run.prompt_version_id;
	sqlite3_stmt *stmt;
	db_run_free(&run);
	if (st != STATUS_OK)
		return st;
	if (spec->sample > 0)
		return plan_sample(db, run_id, model, spec, pv, planned);
	stmt = db_statement(db, PLAN_INSERT);
	if (!stmt)
		return STATUS_ERR_DB;
	bind_plan(stmt, run_id, model, spec, pv);
	st = step_done(db, stmt, "planning a run");
	*planned = sqlite3_changes(db->handle);
	return st;
}

Status db_run_pending(Db *db, long long run_id, long long after_id, long long *ids, int max,
		      int *count)
{
	sqlite3_stmt *stmt = db_statement(db, PENDING);
	int rc;
	*count = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int64(stmt, 2, after_id);
	sqlite3_bind_int(stmt, 3, max);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		ids[(*count)++] = sqlite3_column_int64(stmt, 0);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading a run's pending items");
	return STATUS_OK;
}

static void bind_int_or_null(sqlite3_stmt *stmt, int index, long long value, int present)
{
	if (present)
		sqlite3_bind_int64(stmt, index, value);
	else
		sqlite3_bind_null(stmt, index);
}

static Status prediction_insert(Db *db, void *arg)
{
	const DbPredictionNew *p = arg;
	sqlite3_stmt *stmt = db_statement(db, PREDICTION_INSERT);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, p->run_id);
	sqlite3_bind_int64(stmt, 2, p->item_id);
	sqlite3_bind_text(stmt, 3, db_prediction_state_word(p->status), -1, SQLITE_STATIC);
	bind_int_or_null(stmt, 4, p->score, p->score > 0);
	bind_int_or_null(stmt, 5, p->label, p->label > 0);
	if (p->has_confidence)
		sqlite3_bind_double(stmt, 6, p->confidence);
	sqlite3_bind_int(stmt, 7, p->inconsistent);
	db_bind_text_or_null(stmt, 8, p->rationale);
	db_bind_text_or_null(stmt, 9, p->aspects_json);
	db_bind_text_or_null(stmt, 10, p->reasoning);
	db_bind_text_or_null(stmt, 11, p->raw_reply);
	bind_int_or_null(stmt, 12, p->prompt_tokens, p->prompt_tokens >= 0);
	bind_int_or_null(stmt, 13, p->completion_tokens, p->completion_tokens >= 0);
	sqlite3_bind_int64(stmt, 14, p->latency_ms);
	sqlite3_bind_int(stmt, 15, p->attempts);
	db_bind_text_or_null(stmt, 16, p->error);
	return step_done(db, stmt, "recording a prediction");
}

Status db_prediction_add(Db *db, const DbPredictionNew *p)
{
	return db_write(db, prediction_insert, (void *)p);
}

Status db_run_counts(Db *db, long long run_id, DbRunCounts *c)
{
	sqlite3_stmt *stmt = db_statement(db, COUNTS);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, run_id);
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return db_fail(db, "counting a run");
	c->planned = sqlite3_column_int64(stmt, 0);
	c->ok = sqlite3_column_int64(stmt, 1);
	c->parse_failed = sqlite3_column_int64(stmt, 2);
	c->failed = sqlite3_column_int64(stmt, 3);
	c->prompt_tokens = sqlite3_column_int64(stmt, 4);
	c->completion_tokens = sqlite3_column_int64(stmt, 5);
	sqlite3_reset(stmt);
	return STATUS_OK;
}

static void run_info_read(sqlite3_stmt *stmt, DbRunInfo *r)
{
	r->id = sqlite3_column_int64(stmt, 0);
	r->provider = db_column_dup(stmt, 1);
	r->model = db_column_dup(stmt, 2);
	r->prompt_name = db_column_dup(stmt, 3);
	r->owner = db_column_dup(stmt, 4);
	r->started_at = db_column_dup(stmt, 5);
	r->finished_at = db_column_dup(stmt, 6);
	r->status = db_run_state_parse((const char *)sqlite3_column_text(stmt, 7));
	r->planned = sqlite3_column_int64(stmt, 8);
	r->done = sqlite3_column_int64(stmt, 9);
}

Status db_run_list(Db *db, int unfinished_only, DbRunInfo **runs, size_t *count)
{
	sqlite3_stmt *stmt = db_statement(db, RUN_LIST);
	size_t capacity = 0;
	int rc;
	*runs = NULL, *count = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int(stmt, 1, unfinished_only != 0);
	sqlite3_bind_text(stmt, 2, db_run_state_word(DB_RUN_DONE), -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*runs = xgrow(*runs, &capacity, *count + 1, sizeof **runs);
		run_info_read(stmt, &(*runs)[(*count)++]);
	}
	if (rc != SQLITE_DONE) {
		db_run_list_free(*runs, *count);
		*runs = NULL, *count = 0;
		return db_fail(db, "listing runs");
	}
	return STATUS_OK;
}

void db_run_list_free(DbRunInfo *runs, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(runs[i].provider), free(runs[i].model), free(runs[i].prompt_name);
		free(runs[i].owner), free(runs[i].started_at), free(runs[i].finished_at);
	}
	free(runs);
}
