/* cmd_train.c - gavel train: fit the linear scorer on the settled human
 * labels (or an LLM run's), print its cross-validated figures beside the
 * majority baseline and the LLM's own, store it; --list and --show read
 * the stored models back. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/database.h"
#include "db/scorer.h"
#include "src/base/out.h"
#include "src/base/xalloc.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/score/trainer.h"

static const char *const model_words[] = {
#define MODEL_WORD(name, text) text,
	LINMODEL_KIND_LIST(MODEL_WORD)
#undef MODEL_WORD
	NULL};

/* The figures as rows of the table, with their names there. */
static const struct {
	EvaluateMetric metric;
	const char *shown;
} figure_rows[] = {
	{EVALUATE_ACCURACY, "accuracy"},
	{EVALUATE_MACRO_F1, "macro-F1"},
	{EVALUATE_KAPPA_QUADRATIC, "kappa (quadratic)"},
	{EVALUATE_LOG_LOSS, "log-loss"},
	{EVALUATE_MAE, "MAE"},
};

/* ---- text ---- */

static void cell(const cJSON *side, EvaluateMetric metric)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(side, evaluate_metric_name(metric));
	if (cJSON_IsNumber(v))
		out_printf(stdout, " %10.4f", v->valuedouble + 0.0 == 0 ? 0.0 : v->valuedouble);
	else
		out_printf(stdout, " %10s", "-");
}

/* The cross-validated figures (a stored metrics object) as a table. */
static void print_figures(const cJSON *metrics)
{
	const cJSON *scorer = cJSON_GetObjectItemCaseSensitive(metrics, "scorer");
	const cJSON *baseline = cJSON_GetObjectItemCaseSensitive(metrics, "baseline");
	const cJSON *llm = cJSON_GetObjectItemCaseSensitive(metrics, "llm");
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(metrics, "rows");
	const cJSON *llm_rows = cJSON_GetObjectItemCaseSensitive(llm, "rows");
	int folds = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(metrics, "folds"));
	if (!scorer) {
		out_printf(stdout, "no cross-validation (--folds 0): no figures\n");
		return;
	}
	out_printf(stdout, "%d-fold cross-validation (seed %.0f), out-of-fold predictions of %.0f items:\n",
	       folds, cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(metrics, "seed")),
	       cJSON_GetNumberValue(rows));
	out_printf(stdout, "%-20s %10s %10s %10s\n", "", "scorer", "baseline", "LLM");
	for (size_t i = 0; i < sizeof figure_rows / sizeof figure_rows[0]; i++) {
		out_printf(stdout, "%-20s", figure_rows[i].shown);
		cell(scorer, figure_rows[i].metric);
		cell(baseline, figure_rows[i].metric);
		cell(llm, figure_rows[i].metric);
		out_puts(stdout, "\n");
	}
	if (cJSON_IsNumber(llm_rows) && llm_rows->valuedouble == 0)
		out_printf(stdout, "(the LLM labelled none of these items)\n");
	else if (cJSON_IsNumber(llm_rows) && llm_rows->valuedouble < cJSON_GetNumberValue(rows))
		out_printf(stdout, "(the LLM column: the %.0f of these items the LLM labelled)\n",
		       llm_rows->valuedouble);
	out_printf(stdout, "baseline: each training fold's majority label; - : not defined\n");
}

/* The order of the columns by their largest weight over the outputs. */
static int *by_weight(const ScorerModel *m)
{
	size_t f = m->lm.features;
	int *order = xcalloc(f + 1, sizeof *order);
	double *w = xcalloc(f + 1, sizeof *w);
	for (size_t j = 0; j < f; j++) {
		order[j] = (int)j;
		for (int o = 0; o < m->lm.outputs; o++)
			w[j] = fmax(w[j], fabs(m->lm.coef[(size_t)o * f + j]));
	}
	/* an insertion sort: a few hundred columns at most, stable on ties */
	for (size_t j = 1; j < f; j++)
		for (size_t k = j; k > 0 && w[order[k]] > w[order[k - 1]]; k--) {
			int t = order[k];
			order[k] = order[k - 1], order[k - 1] = t;
		}
	free(w);
	return order;
}

static const char *output_name(const ScorerModel *m, int o)
{
	if (m->lm.kind == LINMODEL_RIDGE)
		return "value";
	return m->lm.outputs == 1 ? m->label_names[1] : m->label_names[o];
}

static void print_coefficients(const ScorerModel *m)
{
	int *order = by_weight(m);
	out_printf(stdout, "coefficients per standard deviation of each feature, largest first%s:\n",
	       m->lm.kind == LINMODEL_LOGISTIC ? " (log-odds)" : "");
	out_printf(stdout, "%-24s", "");
	for (int o = 0; o < m->lm.outputs; o++)
		out_printf(stdout, " %12.12s", output_name(m, o));
	out_puts(stdout, "\n");
	for (size_t j = 0; j < m->lm.features; j++) {
		out_printf(stdout, "%-24.24s", m->names[order[j]]);
		for (int o = 0; o < m->lm.outputs; o++)
			out_printf(stdout, " %+12.4f", m->lm.coef[(size_t)o * m->lm.features + (size_t)order[j]]);
		out_puts(stdout, "\n");
	}
	out_printf(stdout, "%-24s", "(intercept)");
	for (int o = 0; o < m->lm.outputs; o++)
		out_printf(stdout, " %+12.4f", m->lm.intercept[o]);
	out_puts(stdout, "\n");
	free(order);
}

static void print_fit(const Linmodel *lm)
{
	out_printf(stdout, "fit on all %zu rows: objective %.10g, gradient norm %.2g", lm->rows, lm->objective,
	       lm->grad_norm);
	if (lm->kind == LINMODEL_LOGISTIC)
		out_printf(stdout, ", %d Newton step%s%s", lm->iterations, lm->iterations == 1 ? "" : "s",
		       lm->converged ? "" : " (not converged)");
	out_puts(stdout, "\n");
}

static void print_header(long long id, const ScorerModel *m, const char *target)
{
	const Linmodel *lm = &m->lm;
	out_printf(stdout, "model %lld: %s%s, ", id, scorermodel_kind(m),
	       lm->kind == LINMODEL_LOGISTIC ? " logistic regression" : " regression");
	if (lm->kind == LINMODEL_LOGISTIC)
		out_printf(stdout, "C %g", lm->params.C);
	else
		out_printf(stdout, "alpha %g", lm->params.alpha);
	out_printf(stdout, ", %s; target %s", lm->params.standardize ? "standardised" : "raw values", target);
	if (m->positive_from)
		out_printf(stdout, " split at %d", m->positive_from);
	out_printf(stdout, "\n%zu features (%s) on %zu items\n", lm->features, m->sources, lm->rows);
}

/* ---- JSON ---- */

static cJSON *by_name(const ScorerModel *m, const double *v)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t j = 0; j < m->lm.features; j++)
		cJSON_AddItemToObject(o, m->names[j], scorermodel_json_number(v[j]));
	return o;
}

/* Intercepts and coefficients by feature name, by label for multinomial. */
static void add_weights(cJSON *out, const ScorerModel *m)
{
	const Linmodel *lm = &m->lm;
	cJSON *coef, *icpt = cJSON_AddArrayToObject(out, "intercepts");
	for (int o = 0; o < lm->outputs; o++)
		cJSON_AddItemToArray(icpt, scorermodel_json_number(lm->intercept[o]));
	if (lm->outputs == 1) {
		cJSON_AddItemToObject(out, "intercept", scorermodel_json_number(lm->intercept[0]));
		cJSON_AddItemToObject(out, "coefficients", by_name(m, lm->coef));
		return;
	}
	coef = cJSON_AddObjectToObject(out, "coefficients");
	icpt = cJSON_AddObjectToObject(out, "intercepts_by_label");
	for (int o = 0; o < lm->outputs; o++) {
		cJSON_AddItemToObject(coef, output_name(m, o), by_name(m, lm->coef + (size_t)o * lm->features));
		cJSON_AddItemToObject(icpt, output_name(m, o), scorermodel_json_number(lm->intercept[o]));
	}
}

static void print_json(const TrainerResult *r, const TrainerSpec *spec)
{
	const ScorerModel *m = &r->model;
	cJSON *o = cJSON_CreateObject(), *left = cJSON_CreateObject();
	char *metrics = trainer_metrics_json(r);
	cJSON_AddNumberToObject(o, "model_id", (double)r->model_id);
	cJSON_AddStringToObject(o, "kind", scorermodel_kind(m));
	cJSON_AddStringToObject(o, "model", linmodel_kind_name(m->lm.kind));
	cJSON_AddStringToObject(o, "target", m->target);
	if (r->run)
		cJSON_AddNumberToObject(o, "run", (double)r->run);
	cJSON_AddStringToObject(o, "feature_sources", m->sources);
	cJSON_AddItemToObject(o, "features", cJSON_CreateStringArray((const char *const *)m->names,
								     (int)m->lm.features));
	cJSON_AddNumberToObject(o, "rows", (double)r->set.rows);
	cJSON_AddNumberToObject(o, "labelled", (double)r->labelled);
	for (int s = 0; s < spec->sources->count; s++)
		cJSON_AddNumberToObject(left, spec->sources->items[s].name, (double)r->missing[s]);
	cJSON_AddItemToObject(o, "left_out_without", left);
	cJSON_AddItemToObject(o, "labels", cJSON_CreateDoubleArray(m->levels,
				      m->lm.kind == LINMODEL_LOGISTIC ? m->lm.classes : r->classes));
	cJSON_AddItemToObject(o, "label_names",
			      cJSON_CreateStringArray((const char *const *)m->label_names,
						      m->lm.kind == LINMODEL_LOGISTIC ? m->lm.classes
										      : r->classes));
	if (m->lm.kind == LINMODEL_LOGISTIC)
		cJSON_AddNumberToObject(o, "C", m->lm.params.C);
	else
		cJSON_AddNumberToObject(o, "alpha", m->lm.params.alpha);
	cJSON_AddBoolToObject(o, "standardize", m->lm.params.standardize);
	if (spec->positive_from)
		cJSON_AddNumberToObject(o, "positive_from", spec->positive_from);
	cJSON_AddNumberToObject(o, "folds", spec->folds);
	cJSON_AddNumberToObject(o, "seed", (double)spec->seed);
	cJSON_AddStringToObject(o, "data_sha256", r->hash);
	cJSON_AddItemToObject(o, "cross_validation", cJSON_Parse(metrics));
	cJSON_AddItemToObject(o, "objective", scorermodel_json_number(m->lm.objective));
	cJSON_AddItemToObject(o, "gradient_norm", scorermodel_json_number(m->lm.grad_norm));
	cJSON_AddNumberToObject(o, "iterations", m->lm.iterations);
	cJSON_AddBoolToObject(o, "converged", m->lm.converged);
	add_weights(o, m);
	cJSON_AddItemToObject(o, "mean", by_name(m, m->lm.mean));
	cJSON_AddItemToObject(o, "scale", by_name(m, m->lm.scale));
	out_json(stdout, o, 1);
	free(metrics);
	cJSON_Delete(o);
}

static void print_text(const TrainerResult *r, const TrainerSpec *spec)
{
	char *metrics = trainer_metrics_json(r);
	cJSON *m = cJSON_Parse(metrics);
	print_header(r->model_id, &r->model, db_scorer_target_words[spec->target]);
	if (r->run)
		out_printf(stdout, "the LLM's labels of run %lld\n", r->run);
	for (int s = 0; s < spec->sources->count; s++)
		if (r->missing[s])
			out_printf(stdout, "left out: %lld labelled item%s without %s\n", r->missing[s],
			       r->missing[s] == 1 ? "" : "s", spec->sources->items[s].name);
	out_puts(stdout, "\n");
	print_figures(m);
	out_puts(stdout, "\n");
	print_fit(&r->model.lm);
	out_puts(stdout, "\n");
	print_coefficients(&r->model);
	cJSON_Delete(m);
	free(metrics);
}

/* ---- --list and --show ---- */

static void list_row(void *arg, const DbScorerModel *m)
{
	cJSON *metrics = cJSON_Parse(m->metrics_json ? m->metrics_json : "{}");
	cJSON *features = cJSON_Parse(m->features_json ? m->features_json : "{}");
	const cJSON *scorer = cJSON_GetObjectItemCaseSensitive(metrics, "scorer");
	const cJSON *sources = cJSON_GetObjectItemCaseSensitive(features, "sources");
	(void)arg;
	out_printf(stdout, "%5lld  %-16.16s  %-11s  %-6s %8lld ", m->id, m->created_at ? m->created_at : "",
	       m->kind, db_scorer_target_words[m->target], m->rows);
	cell(scorer, EVALUATE_KAPPA_QUADRATIC);
	cell(scorer, EVALUATE_ACCURACY);
	out_printf(stdout, "  %s\n", cJSON_IsString(sources) ? sources->valuestring : "");
	cJSON_Delete(metrics);
	cJSON_Delete(features);
}

static Status list(Db *db)
{
	out_printf(stdout, "%5s  %-16s  %-11s  %-6s %8s  %10s %10s  %s\n", "id", "created (UTC)", "kind",
	       "target", "rows", "kappa_q", "accuracy", "features");
	return db_scorer_models(db, 0, list_row, NULL);
}

static Status show(Db *db, long long id)
{
	DbScorerModel row;
	ScorerModel m;
	cJSON *metrics;
	Status st = db_scorer_model_get(db, id, &row);
	if (st != STATUS_OK)
		return st;
	st = scorermodel_from_json(row.model_json ? row.model_json : "", &m);
	if (st == STATUS_OK) {
		metrics = cJSON_Parse(row.metrics_json ? row.metrics_json : "{}");
		print_header(row.id, &m, db_scorer_target_words[row.target]);
		out_printf(stdout, "created %s; data sha256 %s\n\n", row.created_at, row.data_hash ? row.data_hash
											: "-");
		print_figures(metrics);
		out_puts(stdout, "\n");
		print_fit(&m.lm);
		out_puts(stdout, "\n");
		print_coefficients(&m);
		cJSON_Delete(metrics);
		scorermodel_free(&m);
	}
	db_scorer_model_free(&row);
	return st;
}

/* ---- the command ---- */

typedef struct {
	const char *db, *features;
	int target, model, folds, positive_from, no_standardize, json, list;
	double C, alpha;
	long long seed, run, show;
} Args;

static int check_args(const Args *a, const char *const *argv, int first, int argc)
{
	if (first < argc)
		return cli_usage_error("train", "unexpected argument '%s'", argv[first]);
	if (a->folds == 1)
		return cli_usage_error("train", "--folds takes 0 (no cross-validation) or 2 and more");
	if (a->model == LINMODEL_RIDGE && a->C >= 0)
		return cli_usage_error("train", "--C is logistic regression's; ridge takes --alpha");
	if (a->model == LINMODEL_LOGISTIC && a->alpha >= 0)
		return cli_usage_error("train", "--alpha is ridge's; logistic regression takes --C");
	return 0;
}

static Status train(Db *db, const Args *a)
{
	TrainsetSources sources;
	TrainerSpec spec = {.target = (DbScorerTarget)a->target, .llm_run = a->run,
			    .params = linmodel_params((LinmodelKind)a->model),
			    .positive_from = a->positive_from, .folds = a->folds,
			    .seed = (uint64_t)a->seed, .origin = "gavel train"};
	TrainerResult r;
	Status st = trainset_sources_parse(a->features, &sources);
	if (st != STATUS_OK)
		return st;
	spec.sources = &sources;
	if (a->C >= 0)
		spec.params.C = a->C;
	if (a->alpha >= 0)
		spec.params.alpha = a->alpha;
	spec.params.standardize = !a->no_standardize;
	st = trainer_run(db, &spec, &r);
	if (st == STATUS_OK) {
		if (a->json)
			print_json(&r, &spec);
		else
			print_text(&r, &spec);
		cli_note("stored as model %lld ('gavel score --model %lld' labels items with it)",
			 r.model_id, r.model_id);
		trainer_result_free(&r);
	}
	trainset_sources_free(&sources);
	return st;
}

int cmd_train(int argc, char **argv)
{
	Args a = {.features = "pixels-v1", .folds = 5, .C = -1, .alpha = -1, .seed = 1};
	const CliOpt options[] = {
		CLIOPT_DB(&a.db),
		CLIOPT_ONE_OF("target", &a.target, "WHO", db_scorer_target_words,
			      "human: the settled human labels (default); llm: an LLM\n"
			      "run's labels (the LLM distilled)"),
		CLIOPT_TEXT("features", &a.features, "LIST",
			    "feature sources, comma-separated: pixels-v1 (default),\n"
			    "a set from import-features, llm-score"),
		CLIOPT_ONE_OF("model", &a.model, "KIND", model_words,
			      "logistic (default; binary or multinomial) or ridge"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "C", &a.C, "C", 1e-12, 1e12,
			      "logistic: inverse penalty, 1/2|w|^2 + C sum log-loss (1)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "alpha", &a.alpha, "A", 0, 1e12,
			      "ridge: the penalty, |y - Xw - b|^2 + A |w|^2 (1)"),
		CLIOPT_NUMBER(CLIOPT_INT, "folds", &a.folds, "K", 0, 1000,
			      "stratified cross-validation folds (5); 0: fit only"),
		CLIOPT_NUMBER(CLIOPT_INT, "positive-from", &a.positive_from, "L", 2, 64,
			      "two classes: levels below L against L and above"),
		CLIOPT_SWITCH("no-standardize", 0, &a.no_standardize,
			      "fit on the values as given (default: z-scores)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "seed", &a.seed, "S", 0, 9e18, "for the folds (default 1)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "run", &a.run, "RUN", 1, 9e18,
			      "the LLM run for --target llm and llm-score (default:\n"
			      "the latest answer)"),
		CLIOPT_SWITCH("json", 0, &a.json, "the figures, the fit and the weights as JSON"),
		CLIOPT_SWITCH("list", 0, &a.list, "list the stored models"),
		CLIOPT_NUMBER(CLIOPT_LONG, "show", &a.show, "ID", 1, 9e18,
			      "show a stored model: figures, weights by size"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "train",
		.synopsis = "usage: gavel train [--db FILE] [--target human|llm] [--features LIST]\n"
			    "                   [--model logistic|ridge] [--C C | --alpha A] [--folds K]\n"
			    "                   [--positive-from L] [--no-standardize] [--seed S] [--json]\n"
			    "       gavel train --list | --show ID",
		.about = "Fit the bundled linear scorer (docs/scorer.md): L2 logistic regression\n"
			 "(binary, or multinomial over the scale) or ridge regression, solved to the\n"
			 "optimum on standardised features. Prints its cross-validated accuracy,\n"
			 "macro-F1, quadratic-weighted kappa, log-loss and MAE beside the majority\n"
			 "baseline and the LLM's own figures on the same items, then the weights.\n"
			 "Every model is stored with its features, weights, figures and a hash of its\n"
			 "data, and each item's out-of-fold prediction.",
		.options = options,
	};
	Db *db = NULL;
	Status st;
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	if ((rc = check_args(&a, (const char *const *)argv, first, argc)))
		return rc;
	st = db_open(cli_db_path(a.db), DB_OPEN_EXISTING, &db);
	if (st == STATUS_OK)
		st = a.list ? list(db) : a.show ? show(db, a.show) : train(db, &a);
	db_close(db);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}
