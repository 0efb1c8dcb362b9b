/* scorer.c - the linear scorer's labels, models, out-of-fold scores and
 * runs (db/scorer.h). */
#include "db/scorer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/xalloc.h"

#define DB_SCORER_TARGET_WORD(name, word) word,
const char *const db_scorer_target_words[] = {DB_SCORER_TARGETS(DB_SCORER_TARGET_WORD) NULL};
#undef DB_SCORER_TARGET_WORD

/* a scorer run, in SQL: runs r */
#define IS_SCORER(r) r ".provider = '" DB_PROVIDER_SCORER "'"

static const char HUMAN_LABELS[] =
	"SELECT item_id, human_min FROM item_queue WHERE deciders > 0 AND human_min = human_max"
	" ORDER BY item_id";
static const char RUN_LABELS[] =
	"SELECT item_id, label FROM predictions WHERE run_id = ?1 AND status = 'ok'"
	" AND label IS NOT NULL ORDER BY item_id";
static const char LLM_LABELS[] =
	"SELECT item_id, llm_label FROM item_queue WHERE llm_label IS NOT NULL ORDER BY item_id";
static const char LATEST_LLM_RUN[] =
	"SELECT ifnull(max(r.id), 0) FROM runs r WHERE NOT " IS_SCORER("r")
	" AND EXISTS (SELECT 1 FROM predictions p WHERE p.run_id = r.id AND p.status = 'ok')";
static const char LLM_SCORES_RUN[] =
	"SELECT item_id, ifnull(score, label) FROM predictions WHERE run_id = ?1 AND status = 'ok'"
	" AND item_id BETWEEN ?2 AND ?3 AND ifnull(score, label) IS NOT NULL ORDER BY item_id";
static const char LLM_SCORES_LATEST[] =
	"SELECT q.item_id, ifnull(p.score, p.label) FROM item_queue q JOIN predictions p"
	" ON p.run_id = q.llm_run AND p.item_id = q.item_id WHERE q.item_id BETWEEN ?2 AND ?3"
	" AND ifnull(p.score, p.label) IS NOT NULL ORDER BY q.item_id";
static const char MODEL_INSERT[] =
	"INSERT INTO scorer_models (kind, target, features, params, metrics, model, rows, data_hash,"
	" oof_labels) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
#define MODEL_COLUMNS                                                                     \
	"SELECT id, kind, target, features, params, metrics, model, rows, data_hash,"        \
	" created_at FROM scorer_models"
static const char MODEL_GET[] = MODEL_COLUMNS " WHERE id = ?1";
static const char MODEL_LATEST[] = MODEL_COLUMNS " ORDER BY id DESC LIMIT 1";
static const char MODEL_ALL[] = MODEL_COLUMNS " ORDER BY id DESC LIMIT ?1";
static const char SCORE_INSERT[] =
	"INSERT INTO scores (model_id, item_id, label, fold, score, probabilities)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char RUN_INSERT[] =
	"INSERT INTO runs (provider, model, params) VALUES ('" DB_PROVIDER_SCORER "', ?1, ?2)";
static const char PREDICTION_INSERT[] =
	"INSERT INTO predictions (run_id, item_id, status, score, label, confidence, rationale,"
	" raw_reply) VALUES (?1, ?2, 'ok', ?3, ?4, ?5, ?6, ?7)";
static const char ITEMS_ALL[] = "SELECT id FROM items WHERE id > ?1 ORDER BY id LIMIT ?2";
static const char ITEMS_UNREVIEWED[] =
	"SELECT item_id FROM item_queue WHERE item_id > ?1 AND deciders < need"
	" ORDER BY item_id LIMIT ?2";
static const char COUNT_ALL[] = "SELECT count(*) FROM items";
static const char COUNT_UNREVIEWED[] = "SELECT count(*) FROM item_queue WHERE deciders < need";
static const char VIEW[] =
	"SELECT p.run_id, json_extract(r.params, '$.model_id'), p.label, p.score, p.confidence"
	" FROM predictions p JOIN runs r ON r.id = p.run_id WHERE p.item_id = ?1"
	" AND p.status = 'ok' AND " IS_SCORER("r") " ORDER BY p.run_id DESC LIMIT 1";
static const char VIEW_SUSPECT[] = "SELECT suspect_p FROM item_queue WHERE item_id = ?1";
static const char SUMMARY[] =
	"SELECT id, rows, json_extract(metrics, '$.scorer.kappa_quadratic') FROM scorer_models"
	" ORDER BY id DESC LIMIT 1";

static int target_of(const char *word)
{
	for (int i = 0; word && i < DB_SCORER_TARGET_COUNT; i++)
		if (!strcmp(db_scorer_target_words[i], word))
			return i;
	return DB_SCORER_TARGET_HUMAN;
}

/* Steps stmt (bound), giving each row's (integer id, integer) to fn. */
static Status each_label(Db *db, sqlite3_stmt *stmt, void (*fn)(void *, long long, int), void *arg)
{
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(stmt, 0), sqlite3_column_int(stmt, 1));
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "reading labels");
}

Status db_scorer_human_labels(Db *db, void (*fn)(void *, long long, int), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, HUMAN_LABELS);
	return stmt ? each_label(db, stmt, fn, arg) : STATUS_ERR_DB;
}

Status db_scorer_run_labels(Db *db, long long run_id, void (*fn)(void *, long long, int), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, RUN_LABELS);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, run_id);
	return each_label(db, stmt, fn, arg);
}

Status db_scorer_llm_labels(Db *db, void (*fn)(void *, long long, int), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, LLM_LABELS);
	return stmt ? each_label(db, stmt, fn, arg) : STATUS_ERR_DB;
}

/* The first column of a one-row query, as an integer. */
static Status one_int(Db *db, const char *sql, long long *out, const char *what)
{
	sqlite3_stmt *stmt = db_statement(db, sql);
	int rc;
	*out = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? STATUS_OK : db_fail(db, what);
}

Status db_scorer_latest_llm_run(Db *db, long long *run_id)
{
	return one_int(db, LATEST_LLM_RUN, run_id, "finding the latest LLM run");
}

Status db_scorer_llm_scores(Db *db, long long run_id, long long lo, long long hi,
			    void (*fn)(void *, long long, double), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, run_id ? LLM_SCORES_RUN : LLM_SCORES_LATEST);
	int rc;
	if (!stmt)
		return STATUS_ERR_DB;
	if (run_id)
		sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int64(stmt, 2, lo);
	sqlite3_bind_int64(stmt, 3, hi);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(stmt, 0), sqlite3_column_double(stmt, 1));
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "reading the LLM's scores");
}

/* ---- models ---- */

Status db_scorer_model_add(Db *db, const DbScorerModelNew *m, long long *id)
{
	sqlite3_stmt *stmt = db_statement(db, MODEL_INSERT);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, m->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, db_scorer_target_words[m->target], -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, m->features_json, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, m->params_json, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, m->metrics_json, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, m->model_json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, m->rows);
	db_bind_text_or_null(stmt, 8, m->data_hash);
	sqlite3_bind_int(stmt, 9, m->oof_labels != 0);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "storing a model");
	*id = sqlite3_last_insert_rowid(db->handle);
	return STATUS_OK;
}

static void read_model(sqlite3_stmt *stmt, DbScorerModel *m)
{
	m->id = sqlite3_column_int64(stmt, 0);
	m->kind = db_column_dup(stmt, 1);
	m->target = (DbScorerTarget)target_of((const char *)sqlite3_column_text(stmt, 2));
	m->features_json = db_column_dup(stmt, 3);
	m->params_json = db_column_dup(stmt, 4);
	m->metrics_json = db_column_dup(stmt, 5);
	m->model_json = db_column_dup(stmt, 6);
	m->rows = sqlite3_column_int64(stmt, 7);
	m->data_hash = db_column_dup(stmt, 8);
	m->created_at = db_column_dup(stmt, 9);
}

Status db_scorer_model_get(Db *db, long long id, DbScorerModel *m)
{
	sqlite3_stmt *stmt = db_statement(db, id ? MODEL_GET : MODEL_LATEST);
	int rc;
	memset(m, 0, sizeof *m);
	if (!stmt)
		return STATUS_ERR_DB;
	if (id)
		sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		read_model(stmt, m);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return STATUS_OK;
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading a model");
	if (!id)
		return status_fail(STATUS_ERR_NOT_FOUND, "%s has no scorer model yet: "
				   "'gavel train' makes one", db_path(db));
	return status_fail(STATUS_ERR_NOT_FOUND, "%s has no scorer model %lld ('gavel train "
			   "--list' lists them)", db_path(db), id);
}

void db_scorer_model_free(DbScorerModel *m)
{
	free(m->kind), free(m->features_json), free(m->params_json), free(m->metrics_json);
	free(m->model_json), free(m->data_hash), free(m->created_at);
	memset(m, 0, sizeof *m);
}

Status db_scorer_models(Db *db, int limit, void (*fn)(void *, const DbScorerModel *), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, MODEL_ALL);
	int rc;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int(stmt, 1, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		DbScorerModel m;
		read_model(stmt, &m);
		fn(arg, &m);
		db_scorer_model_free(&m);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "reading models");
}

Status db_scorer_score_add(Db *db, long long model_id, long long item_id, int label, int fold,
			   double score, const char *probabilities_json)
{
	sqlite3_stmt *stmt = db_statement(db, SCORE_INSERT);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, model_id);
	sqlite3_bind_int64(stmt, 2, item_id);
	sqlite3_bind_int(stmt, 3, label);
	sqlite3_bind_int(stmt, 4, fold);
	sqlite3_bind_double(stmt, 5, score);
	db_bind_text_or_null(stmt, 6, probabilities_json);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "storing an out-of-fold score");
	return STATUS_OK;
}

/* ---- runs ---- */

Status db_scorer_run_create(Db *db, long long model_id, const char *params_json,
			    long long *run_id)
{
	sqlite3_stmt *stmt = db_statement(db, RUN_INSERT);
	char model[48];
	if (!stmt)
		return STATUS_ERR_DB;
	snprintf(model, sizeof model, DB_PROVIDER_SCORER "-%lld", model_id);
	sqlite3_bind_text(stmt, 1, model, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, params_json, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "starting a scorer run");
	*run_id = sqlite3_last_insert_rowid(db->handle);
	return STATUS_OK;
}

Status db_scorer_prediction_add(Db *db, long long run_id, long long item_id, int label,
				double score, double confidence, const char *rationale,
				const char *reply_json)
{
	sqlite3_stmt *stmt = db_statement(db, PREDICTION_INSERT);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int64(stmt, 2, item_id);
	sqlite3_bind_double(stmt, 3, score);
	sqlite3_bind_int(stmt, 4, label);
	if (confidence >= 0)
		sqlite3_bind_double(stmt, 5, confidence);
	db_bind_text_or_null(stmt, 6, rationale);
	db_bind_text_or_null(stmt, 7, reply_json);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "recording a scorer prediction");
	return STATUS_OK;
}

Status db_scorer_items(Db *db, int unreviewed, long long after_id, long long *ids, int max,
		       int *count)
{
	sqlite3_stmt *stmt = db_statement(db, unreviewed ? ITEMS_UNREVIEWED : ITEMS_ALL);
	int rc;
	*count = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, after_id);
	sqlite3_bind_int(stmt, 2, max);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		ids[(*count)++] = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "finding items to score");
}

Status db_scorer_item_count(Db *db, int unreviewed, long long *count)
{
	return one_int(db, unreviewed ? COUNT_UNREVIEWED : COUNT_ALL, count, "counting items");
}

Status db_scorer_view(Db *db, long long item_id, DbScorerView *v)
{
	sqlite3_stmt *stmt = db_statement(db, VIEW);
	int rc;
	memset(v, 0, sizeof *v);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		v->run_id = sqlite3_column_int64(stmt, 0);
		v->model_id = sqlite3_column_int64(stmt, 1);
		v->label = sqlite3_column_int(stmt, 2);
		v->score = sqlite3_column_double(stmt, 3);
		v->has_confidence = sqlite3_column_type(stmt, 4) != SQLITE_NULL;
		v->confidence = sqlite3_column_double(stmt, 4);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the scorer's answer");
	if (!(stmt = db_statement(db, VIEW_SUSPECT)))
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
		v->has_suspect = 1;
		v->suspect_p = sqlite3_column_double(stmt, 0);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "reading the scorer");
}

Status db_scorer_summary(Db *db, DbScorerSummary *s)
{
	sqlite3_stmt *stmt = db_statement(db, SUMMARY);
	int rc;
	memset(s, 0, sizeof *s);
	if (!stmt)
		return STATUS_ERR_DB;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		s->id = sqlite3_column_int64(stmt, 0);
		s->rows = sqlite3_column_int64(stmt, 1);
		s->has_kappa = sqlite3_column_type(stmt, 2) == SQLITE_FLOAT ||
			       sqlite3_column_type(stmt, 2) == SQLITE_INTEGER;
		s->kappa = sqlite3_column_double(stmt, 2);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STATUS_OK
						     : db_fail(db, "reading the current model");
}
