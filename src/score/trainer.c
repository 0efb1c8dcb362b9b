/* trainer.c - a scorer trained from the database and stored (trainer.h). */
#include "src/score/trainer.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "db/items.h"
#include "src/base/xalloc.h"
#include "src/score/rows.h"

/* Items and their labels, in item id order. */
typedef struct {
	long long *items;
	int *labels;
	size_t n, cap;
} Labels;

static void add_label(void *arg, long long item, int label)
{
	Labels *l = arg;
	size_t cap = l->cap;
	l->items = xgrow(l->items, &cap, l->n + 1, sizeof *l->items);
	l->labels = xrealloc(l->labels, cap * sizeof *l->labels);
	l->cap = cap;
	l->items[l->n] = item;
	l->labels[l->n++] = label;
}

static void labels_free(Labels *l)
{
	free(l->items);
	free(l->labels);
	memset(l, 0, sizeof *l);
}

/* The label of item in l (0: none); l is walked by the cursor *at, which
 * only moves forward (items come in order). */
static int label_at(const Labels *l, size_t *at, long long item)
{
	while (*at < l->n && l->items[*at] < item)
		(*at)++;
	return *at < l->n && l->items[*at] == item ? l->labels[*at] : 0;
}

static Status load_targets(Db *db, const TrainerSpec *spec, TrainerResult *r, Labels *targets)
{
	Status st;
	if (spec->target == DB_SCORER_TARGET_HUMAN)
		return db_scorer_human_labels(db, add_label, targets);
	r->run = spec->llm_run;
	if (!r->run && (st = db_scorer_latest_llm_run(db, &r->run)) != STATUS_OK)
		return st;
	if (!r->run)
		return status_fail(STATUS_ERR_INPUT, "--target llm needs an LLM run with answers: "
				   "run 'gavel label' first");
	return db_scorer_run_labels(db, r->run, add_label, targets);
}

static Status check_spec(const TrainerSpec *spec, int K)
{
	for (int s = 0; s < spec->sources->count; s++)
		if (spec->target == DB_SCORER_TARGET_LLM &&
		    spec->sources->items[s].from == TRAINSET_FROM_LLM_SCORE)
			return status_fail(STATUS_ERR_INPUT, "%s cannot be a feature when the target "
					   "is the LLM's own labels", TRAINSET_LLM_SCORE);
	if (spec->positive_from && (spec->positive_from < 2 || spec->positive_from > K))
		return status_fail(STATUS_ERR_INPUT, "--positive-from %d is not a level that splits "
				   "the scale 1-%d (2-%d)", spec->positive_from, K, K);
	return STATUS_OK;
}

/* The labelled items that have every feature, as the training rows. */
static Status build_rows(Db *db, const TrainerSpec *spec, const TrainsetClasses *tc,
			 const Labels *targets, const Labels *llm, TrainerResult *r)
{
	RowsLayout layout;
	double *x;
	unsigned char *have;
	size_t at = 0;
	Status st = rows_layout(db, spec->sources, &layout);
	if (st != STATUS_OK)
		return st;
	x = xcalloc(targets->n * layout.cols + 1, sizeof *x);
	have = xcalloc(targets->n + 1, 1);
	r->missing = xcalloc((size_t)spec->sources->count + 1, sizeof *r->missing);
	st = rows_fill(db, spec->sources, &layout, spec->llm_run, targets->items, targets->n, x,
		       have, r->missing);
	trainset_begin(&r->set, layout.cols, (const char *const *)layout.names,
		       (const char *const *)layout.origin);
	for (size_t i = 0; st == STATUS_OK && i < targets->n; i++) {
		int shown = label_at(llm, &at, targets->items[i]);
		if (have[i])
			trainset_add(&r->set, targets->items[i], x + i * layout.cols,
				     trainset_class_of(tc, targets->labels[i]),
				     shown ? trainset_class_of(tc, shown) : 0);
	}
	free(x);
	free(have);
	rows_layout_free(&layout);
	return st;
}

/* The LLM's labels against the target on the rows that have one. */
static void llm_figures(TrainerResult *r)
{
	int *truth = xcalloc(r->set.rows + 1, sizeof *truth);
	int *pred = xcalloc(r->set.rows + 1, sizeof *pred);
	size_t n = 0;
	for (size_t i = 0; i < r->set.rows; i++)
		if (r->set.llm[i]) {
			truth[n] = r->set.labels[i];
			pred[n++] = r->set.llm[i];
		}
	r->llm_rows = n;
	evaluate_metrics(truth, pred, NULL, NULL, n, r->classes, &r->llm);
	free(truth);
	free(pred);
}

static Status fit(const TrainerSpec *spec, TrainerResult *r)
{
	Status st;
	if (!r->set.rows)
		return status_fail(STATUS_ERR_INPUT, "no item has both a %s label and every feature "
				   "(%lld labelled)", spec->target == DB_SCORER_TARGET_HUMAN
				   ? "settled human" : "LLM", r->labelled);
	st = evaluate_run(r->set.x, r->set.rows, r->set.cols, r->set.labels, r->classes,
			  &spec->params, spec->folds, spec->seed, &r->eval);
	if (st != STATUS_OK)
		return st;
	if (spec->target == DB_SCORER_TARGET_HUMAN)
		llm_figures(r);
	else
		for (int m = 0; m < EVALUATE_METRIC_COUNT; m++)
			r->llm.v[m] = (MetricValue){.why = "the target is the LLM's labels"};
	return STATUS_OK;
}

/* The fit on every row becomes the stored model. */
static void make_model(const TrainerSpec *spec, const DbScale *scale, TrainerResult *r)
{
	ScorerModel *m = &r->model;
	m->lm = r->eval.model;
	memset(&r->eval.model, 0, sizeof r->eval.model);
	m->names = xcalloc(r->set.cols + 1, sizeof *m->names);
	for (size_t j = 0; j < r->set.cols; j++)
		m->names[j] = xstrdup(r->set.names[j]);
	m->sources = trainset_sources_text(spec->sources);
	m->llm_run = spec->llm_run;
	m->target = xstrdup(db_scorer_target_words[spec->target]);
	m->scale = scale->count;
	m->positive_from = spec->positive_from;
	scorermodel_name_classes(m, (const char *const *)scale->names);
}

static Status load(Db *db, const TrainerSpec *spec, const DbScale *scale, TrainerResult *r)
{
	TrainsetClasses tc = {.scale = scale->count, .positive_from = spec->positive_from};
	Labels targets = {0}, llm = {0};
	Status st = check_spec(spec, scale->count);
	r->classes = trainset_class_count(&tc);
	if (st == STATUS_OK)
		st = load_targets(db, spec, r, &targets);
	if (st == STATUS_OK && spec->target == DB_SCORER_TARGET_HUMAN)
		st = db_scorer_llm_labels(db, add_label, &llm);
	r->labelled = (long long)targets.n;
	for (size_t i = 0; st == STATUS_OK && i < targets.n; i++)
		if (targets.labels[i] < 1 || targets.labels[i] > scale->count)
			st = status_fail(STATUS_ERR_INPUT, "item %lld has the label %d, off the scale 1-%d",
					 targets.items[i], targets.labels[i], scale->count);
	if (st == STATUS_OK && !targets.n)
		st = status_fail(STATUS_ERR_INPUT, "there are no %s labels to train on yet",
				 spec->target == DB_SCORER_TARGET_HUMAN ? "settled human" : "LLM");
	if (st == STATUS_OK)
		st = build_rows(db, spec, &tc, &targets, &llm, r);
	labels_free(&targets);
	labels_free(&llm);
	return st;
}

/* ---- storing ---- */

static cJSON *figures(const EvaluateMetrics *m)
{
	cJSON *o = cJSON_CreateObject();
	for (int k = 0; k < EVALUATE_METRIC_COUNT; k++) {
		if (m->v[k].defined)
			cJSON_AddItemToObject(o, evaluate_metric_name((EvaluateMetric)k),
					      scorermodel_json_number(m->v[k].value));
		else
			cJSON_AddNullToObject(o, evaluate_metric_name((EvaluateMetric)k));
	}
	return o;
}

char *trainer_metrics_json(const TrainerResult *r)
{
	cJSON *o = cJSON_CreateObject(), *llm;
	char *text;
	cJSON_AddNumberToObject(o, "folds", r->eval.folds);
	cJSON_AddNumberToObject(o, "seed", (double)r->eval.seed);
	cJSON_AddNumberToObject(o, "rows", (double)r->set.rows);
	if (r->eval.folds >= 2) {
		cJSON_AddItemToObject(o, "scorer", figures(&r->eval.scorer));
		cJSON_AddItemToObject(o, "baseline", figures(&r->eval.baseline));
		llm = figures(&r->llm);
		cJSON_AddNumberToObject(llm, "rows", (double)r->llm_rows);
		cJSON_AddItemToObject(o, "llm", llm);
	}
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

static char *params_json(const TrainerSpec *spec)
{
	cJSON *o = cJSON_CreateObject();
	char *text;
	cJSON_AddStringToObject(o, "model", linmodel_kind_name(spec->params.kind));
	if (spec->params.kind == LINMODEL_LOGISTIC)
		cJSON_AddNumberToObject(o, "C", spec->params.C);
	else
		cJSON_AddNumberToObject(o, "alpha", spec->params.alpha);
	cJSON_AddBoolToObject(o, "standardize", spec->params.standardize);
	cJSON_AddNumberToObject(o, "positive_from", spec->positive_from);
	cJSON_AddNumberToObject(o, "folds", spec->folds);
	cJSON_AddNumberToObject(o, "seed", (double)spec->seed);
	cJSON_AddNumberToObject(o, "llm_run", (double)spec->llm_run);
	cJSON_AddStringToObject(o, "origin", spec->origin ? spec->origin : "gavel train");
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

static char *features_json(const TrainerResult *r)
{
	cJSON *o = cJSON_CreateObject(), *cols = cJSON_AddArrayToObject(o, "columns");
	char *text;
	cJSON_AddStringToObject(o, "sources", r->model.sources);
	for (size_t j = 0; j < r->set.cols; j++)
		cJSON_AddItemToArray(cols, cJSON_CreateString(r->set.names[j]));
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

/* Row i's out-of-fold prediction: its probabilities over the classes, and
 * its expected label as a level of the scale. */
static Status store_oof(Db *db, const TrainerResult *r, size_t i)
{
	const Evaluation *e = &r->eval;
	const ScorerModel *m = &r->model;
	char *probs = NULL;
	/* class c stands for level c, or across a split for L - 2 + c */
	double score = m->positive_from ? m->positive_from - 2 + e->oof_value[i] : e->oof_value[i];
	Status st;
	if (e->oof_prob) {
		cJSON *list = cJSON_CreateArray();
		for (int k = 0; k < r->classes; k++)
			cJSON_AddItemToArray(list, scorermodel_json_number(
							   e->oof_prob[i * (size_t)r->classes + (size_t)k]));
		probs = cJSON_PrintUnformatted(list);
		cJSON_Delete(list);
	}
	st = db_scorer_score_add(db, r->model_id, r->set.items[i], r->set.labels[i], e->fold[i],
				 score, probs);
	free(probs);
	return st;
}

static Status store(Db *db, const TrainerSpec *spec, TrainerResult *r)
{
	cJSON *model = scorermodel_to_json(&r->model);
	char *features = features_json(r), *params = params_json(spec);
	char *metrics = trainer_metrics_json(r), *text = cJSON_PrintUnformatted(model);
	DbScorerModelNew row = {
		.kind = scorermodel_kind(&r->model), .target = spec->target,
		.features_json = features, .params_json = params, .metrics_json = metrics,
		.model_json = text, .rows = (long long)r->set.rows, .data_hash = r->hash,
		.oof_labels = spec->params.kind == LINMODEL_LOGISTIC && !spec->positive_from &&
			      spec->folds >= 2,
	};
	Status st = db_begin(db);
	if (st == STATUS_OK)
		st = db_scorer_model_add(db, &row, &r->model_id);
	for (size_t i = 0; st == STATUS_OK && r->eval.fold && i < r->set.rows; i++)
		st = store_oof(db, r, i);
	if (st == STATUS_OK)
		st = db_commit(db);
	else
		db_rollback(db);
	cJSON_Delete(model);
	free(features), free(params), free(metrics), free(text);
	return st;
}

Status trainer_run(Db *db, const TrainerSpec *spec, TrainerResult *r)
{
	DbScale scale;
	Status st = db_scale_get(db, &scale);
	memset(r, 0, sizeof *r);
	if (st == STATUS_OK && scale.count < 2)
		st = status_fail(STATUS_ERR_INPUT, "%s has no label scale to train on", db_path(db));
	if (st == STATUS_OK)
		st = load(db, spec, &scale, r);
	if (st == STATUS_OK)
		st = fit(spec, r);
	if (st == STATUS_OK) {
		trainset_hash(&r->set, r->hash);
		make_model(spec, &scale, r);
		st = store(db, spec, r);
	}
	db_scale_free(&scale);
	if (st != STATUS_OK)
		trainer_result_free(r);
	return st;
}

static double param(const cJSON *o, const char *name, double fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsNumber(v) ? v->valuedouble : fallback;
}

Status trainer_refit_spec(Db *db, TrainerSpec *spec, TrainsetSources *sources)
{
	DbScorerModel m;
	cJSON *p, *f;
	const cJSON *model, *list;
	LinmodelKind kind = LINMODEL_LOGISTIC;
	Status st = db_scorer_model_get(db, 0, &m);
	memset(spec, 0, sizeof *spec);
	spec->target = DB_SCORER_TARGET_HUMAN;
	spec->params = linmodel_params(LINMODEL_LOGISTIC);
	spec->folds = 5;
	spec->seed = 1;
	spec->sources = sources;
	if (st == STATUS_ERR_NOT_FOUND) {
		status_clear();
		return trainset_sources_parse(TRAINSET_PIXELS, sources);
	}
	if (st != STATUS_OK)
		return st;
	p = cJSON_Parse(m.params_json ? m.params_json : "{}");
	f = cJSON_Parse(m.features_json ? m.features_json : "{}");
	model = cJSON_GetObjectItemCaseSensitive(p, "model");
	if (cJSON_IsString(model))
		linmodel_kind_parse(model->valuestring, &kind);
	spec->params = linmodel_params(kind);
	spec->params.C = param(p, "C", 1);
	spec->params.alpha = param(p, "alpha", 1);
	spec->params.standardize = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p, "standardize"));
	spec->positive_from = (int)param(p, "positive_from", 0);
	spec->folds = param(p, "folds", 5) >= 2 ? (int)param(p, "folds", 5) : 5;
	spec->seed = (uint64_t)param(p, "seed", 1);
	spec->llm_run = (long long)param(p, "llm_run", 0);
	list = cJSON_GetObjectItemCaseSensitive(f, "sources");
	st = trainset_sources_parse(cJSON_IsString(list) ? list->valuestring : TRAINSET_PIXELS,
				    sources);
	cJSON_Delete(p);
	cJSON_Delete(f);
	db_scorer_model_free(&m);
	return st;
}

void trainer_result_free(TrainerResult *r)
{
	scorermodel_free(&r->model);
	evaluate_free(&r->eval);
	trainset_free(&r->set);
	free(r->missing);
	memset(r, 0, sizeof *r);
}
