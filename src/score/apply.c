/* apply.c - a stored model labelling items as a scorer run (apply.h). */
#include "src/score/apply.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "db/runs.h"
#include "db/scorer.h"
#include "src/base/xalloc.h"
#include "src/score/rows.h"
#include "src/score/scorermodel.h"

enum { BLOCK = 2048 };

typedef struct {
	Db *db;
	const ApplySpec *spec;
	ApplyResult *r;
	ScorerModel model;
	TrainsetSources sources;
	RowsLayout layout;
} Apply;

/* Whether a model's column name is this source's column: the name, or
 * "SOURCE/name" when two sources shared it (trainset_begin). */
static int same_column(const char *model_name, const char *source, const char *name)
{
	size_t n = strlen(source);
	if (!strcmp(model_name, name))
		return 1;
	return !strncmp(model_name, source, n) && model_name[n] == '/' &&
	       !strcmp(model_name + n + 1, name);
}

static Status load_model(Apply *a)
{
	DbScorerModel row;
	Status st = db_scorer_model_get(a->db, a->spec->model_id, &row);
	if (st != STATUS_OK)
		return st;
	a->r->model_id = row.id;
	st = scorermodel_from_json(row.model_json ? row.model_json : "", &a->model);
	db_scorer_model_free(&row);
	if (st == STATUS_OK)
		st = trainset_sources_parse(a->model.sources, &a->sources);
	if (st == STATUS_OK)
		st = rows_layout(a->db, &a->sources, &a->layout);
	if (st != STATUS_OK)
		return st;
	/* the columns must be the ones the model was fitted on, in order */
	if (a->layout.cols != a->model.lm.features)
		return status_fail(STATUS_ERR_INPUT, "model %lld was trained on %zu columns; its "
				   "features (%s) now have %zu", a->r->model_id, a->model.lm.features,
				   a->model.sources, a->layout.cols);
	for (size_t j = 0; j < a->layout.cols; j++)
		if (!same_column(a->model.names[j], a->layout.origin[j], a->layout.names[j]))
			return status_fail(STATUS_ERR_INPUT, "model %lld: column %zu was '%s' and is "
					   "now '%s' (a feature set changed since)", a->r->model_id,
					   j + 1, a->model.names[j], a->layout.names[j]);
	return STATUS_OK;
}

static Status start_run(Apply *a)
{
	cJSON *p = cJSON_CreateObject();
	char *text;
	Status st;
	cJSON_AddNumberToObject(p, "model_id", (double)a->r->model_id);
	cJSON_AddStringToObject(p, "items", a->spec->unreviewed ? "unreviewed" : "all");
	cJSON_AddStringToObject(p, "features", a->model.sources);
	cJSON_AddStringToObject(p, "origin", a->spec->origin ? a->spec->origin : "gavel score");
	text = cJSON_PrintUnformatted(p);
	st = db_scorer_run_create(a->db, a->r->model_id, text, &a->r->run_id);
	free(text);
	cJSON_Delete(p);
	return st;
}

/* Labels one block of items, committed together. */
static Status score_block(Apply *a, const long long *ids, int n, double *x, unsigned char *have)
{
	Status st = rows_fill(a->db, &a->sources, &a->layout, a->model.llm_run, ids, (size_t)n, x,
			      have, NULL);
	if (st == STATUS_OK)
		st = db_begin(a->db);
	for (int i = 0; st == STATUS_OK && i < n; i++) {
		ScorerAnswer ans;
		char *reply, *why;
		if (!have[i])
			continue;
		scorermodel_apply(&a->model, x + (size_t)i * a->layout.cols, &ans);
		reply = scorermodel_reply(&a->model, a->r->model_id, &ans);
		why = scorermodel_rationale(&a->model, a->r->model_id, &ans);
		st = db_scorer_prediction_add(a->db, a->r->run_id, ids[i], ans.label, ans.score,
					      ans.has_prob ? ans.confidence : -1, why, reply);
		free(reply);
		free(why);
		a->r->scored += st == STATUS_OK;
	}
	if (st == STATUS_OK)
		return db_commit(a->db);
	db_rollback(a->db);
	return st;
}

static Status score_items(Apply *a)
{
	long long ids[BLOCK], after = 0, total;
	double *x = xcalloc((size_t)BLOCK * a->layout.cols + 1, sizeof *x);
	unsigned char have[BLOCK];
	int n = BLOCK;
	Status st = db_scorer_item_count(a->db, a->spec->unreviewed, &total);
	while (st == STATUS_OK && n == BLOCK) {
		if (a->spec->stop && *a->spec->stop) {
			a->r->stopped = 1;
			break;
		}
		st = db_scorer_items(a->db, a->spec->unreviewed, after, ids, BLOCK, &n);
		if (st != STATUS_OK || !n)
			break;
		after = ids[n - 1];
		st = score_block(a, ids, n, x, have);
		a->r->items += n;
		if (a->spec->progress)
			a->spec->progress(a->spec->arg, a->r->items, total);
	}
	free(x);
	return st;
}

Status apply_model(Db *db, const ApplySpec *spec, ApplyResult *r)
{
	Apply a = {.db = db, .spec = spec, .r = r};
	Status st;
	memset(r, 0, sizeof *r);
	st = load_model(&a);
	if (st == STATUS_OK)
		st = start_run(&a);
	if (st == STATUS_OK) {
		st = score_items(&a);
		/* the run's state says how it ended, whatever else failed */
		db_run_set_status(db, r->run_id, st != STATUS_OK ? DB_RUN_FAILED
						 : r->stopped ? DB_RUN_INTERRUPTED : DB_RUN_DONE);
	}
	scorermodel_free(&a.model);
	trainset_sources_free(&a.sources);
	rows_layout_free(&a.layout);
	return st;
}
