/* agreedata.c - the rows behind the agreement report: built by hand or read
 * from a database (see agreedata.h). */
#include "src/agree/agreedata.h"

#include <stdlib.h>
#include <string.h>

#include "db/agreement.h"
#include "db/items.h"
#include "src/base/xalloc.h"

/* ---- building the data ---- */

AgreeData *agreedata_new(int K, const char *const *names)
{
	AgreeData *d = xcalloc(1, sizeof *d);

	d->K = K;
	d->names = xcalloc((size_t)K, sizeof *d->names);
	for (int i = 0; i < K; i++)
		d->names[i] = xstrdup(names[i]);
	return d;
}

static void free_strings(char **s, int n)
{
	for (int i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

void agreedata_free(AgreeData *d)
{
	if (!d)
		return;
	free_strings(d->names, d->K);
	free_strings(d->reviewers, d->n_reviewers);
	free_strings(d->categories, d->n_categories);
	for (int i = 0; i < d->n_runs; i++) {
		free(d->runs[i].hash), free(d->runs[i].name);
		free(d->runs[i].provider), free(d->runs[i].model);
	}
	free(d->runs), free(d->h), free(d->p), free(d->cats), free(d->scores);
	free(d);
}

/* The index of name in a list of strings, adding it when absent. The last
 * hit is checked first: labels arrive grouped by item and reviewer names
 * repeat, so the linear search rarely runs. */
static int intern(char ***list, int *n, size_t *cap, int *last, const char *name)
{
	if (*last < *n && !strcmp((*list)[*last], name))
		return *last;
	for (int i = 0; i < *n; i++) {
		if (!strcmp((*list)[i], name))
			return *last = i;
	}
	*list = xgrow(*list, cap, (size_t)*n + 1, sizeof **list);
	(*list)[*n] = xstrdup(name);
	return *last = (*n)++;
}

void agreedata_add_human(AgreeData *d, long long item_id, const char *reviewer, int label,
			  int blind)
{
	if (label < 1 || label > d->K) {
		d->invalid_human++;
		return;
	}
	d->h = xgrow(d->h, &d->h_cap, d->nh + 1, sizeof *d->h);
	d->h[d->nh++] = (AgreeHuman){ item_id,
				 intern(&d->reviewers, &d->n_reviewers, &d->reviewers_cap, &d->reviewer_hint,
					 reviewer),
				 label, blind != 0 };
}

/* The index of run id, or -1. */
static int run_find(const AgreeData *d, long long id)
{
	int lo = 0, hi = d->n_runs;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (d->runs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n_runs && d->runs[lo].id == id ? lo : -1;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void agreedata_add_run(AgreeData *d, long long run_id, long long prompt_version_id,
			const char *prompt_hash, const char *prompt_name, const char *provider,
			const char *model)
{
	int at = d->n_runs;

	if (run_find(d, run_id) >= 0)
		return;
	d->runs = xgrow(d->runs, &d->runs_cap, (size_t)d->n_runs + 1, sizeof *d->runs);
	while (at > 0 && d->runs[at - 1].id > run_id) {
		d->runs[at] = d->runs[at - 1];
		at--;
	}
	d->runs[at] = (AgreeRun){ .id = run_id, .prompt_version_id = prompt_version_id,
			     .hash = dup_or_null(prompt_hash), .name = dup_or_null(prompt_name),
			     .provider = dup_or_null(provider), .model = dup_or_null(model) };
	d->n_runs++;
	/* Predictions hold run indices; a run added in the middle shifts them. */
	for (size_t i = 0; i < d->np; i++)
		if (d->p[i].run >= at)
			d->p[i].run++;
}

void agreedata_add_prediction(AgreeData *d, long long item_id, long long run_id,
			       AgreePredStatus status, int label)
{
	int run = run_find(d, run_id);

	if (run < 0)
		return;
	d->p = xgrow(d->p, &d->p_cap, d->np + 1, sizeof *d->p);
	d->p[d->np++] = (AgreePred){ item_id, run, (int)status, label };
}

void agreedata_add_tokens(AgreeData *d, long long run_id, long long prompt_tokens,
			   long long completion_tokens)
{
	int run = run_find(d, run_id);

	if (run < 0)
		return;
	d->runs[run].prompt_tokens += prompt_tokens;
	d->runs[run].completion_tokens += completion_tokens;
}

void agreedata_set_price(AgreeData *d, long long run_id, double price_in, double price_out)
{
	int run = run_find(d, run_id);

	if (run < 0)
		return;
	d->runs[run].has_price = 1;
	d->runs[run].price_in = price_in;
	d->runs[run].price_out = price_out;
}

void agreedata_set_category(AgreeData *d, long long item_id, const char *category)
{
	int c = intern(&d->categories, &d->n_categories, &d->categories_cap, &d->category_hint,
		       category);

	d->cats = xgrow(d->cats, &d->cats_cap, d->n_cats + 1, sizeof *d->cats);
	d->cats[d->n_cats++] = (AgreeCategory){ item_id, c };
}

void agreedata_set_scorer(AgreeData *d, long long model_id)
{
	d->scorer = model_id;
}

void agreedata_add_score(AgreeData *d, long long item_id, double score)
{
	d->scores = xgrow(d->scores, &d->scores_cap, d->n_scores + 1, sizeof *d->scores);
	d->scores[d->n_scores++] = (AgreeScore){ item_id, score };
}

/* ---- reading a database ---- */

/* The loader's state: the filter, and a cursor over the human-labelled
 * items (both streams come in item order) so that predictions, categories
 * and scores of items nobody labelled are dropped at once. */
typedef struct {
	AgreeData *d;
	const AgreeDataFilter *filter;
	size_t cursor;
} Loader;

static int wanted_reviewer(const AgreeDataFilter *f, const char *reviewer)
{
	if (!f->reviewers)
		return 1;
	for (int i = 0; i < f->n_reviewers; i++)
		if (!strcmp(f->reviewers[i], reviewer))
			return 1;
	return 0;
}

static int on_human(void *arg, const DbHumanLabel *label)
{
	Loader *l = arg;

	if (wanted_reviewer(l->filter, label->reviewer))
		agreedata_add_human(l->d, label->item_id, label->reviewer, label->label,
				     label->blind);
	return 0;
}

/* Whether an item has a human label; ids must come in ascending order. */
static int labelled(Loader *l, long long item_id)
{
	while (l->cursor < l->d->nh && l->d->h[l->cursor].item < item_id)
		l->cursor++;
	return l->cursor < l->d->nh && l->d->h[l->cursor].item == item_id;
}

static int on_prediction(void *arg, const DbPredictionRow *row)
{
	Loader *l = arg;
	static const AgreePredStatus status[] = { AGREE_PRED_OK, AGREE_PRED_PARSE_FAILED,
						  AGREE_PRED_FAILED };

	agreedata_add_tokens(l->d, row->run_id, row->prompt_tokens, row->completion_tokens);
	if (labelled(l, row->item_id))
		agreedata_add_prediction(l->d, row->item_id, row->run_id, status[row->status],
					  row->label);
	return 0;
}

static int on_run(void *arg, const DbAgreementRun *run)
{
	Loader *l = arg;

	agreedata_add_run(l->d, run->id, run->prompt_version_id, run->prompt_hash,
			   run->prompt_name, run->provider, run->model);
	return 0;
}

static int on_category(void *arg, long long item_id, const char *category)
{
	Loader *l = arg;

	if (labelled(l, item_id))
		agreedata_set_category(l->d, item_id, category);
	return 0;
}

static int on_score(void *arg, long long item_id, double score)
{
	Loader *l = arg;

	if (labelled(l, item_id))
		agreedata_add_score(l->d, item_id, score);
	return 0;
}

Status agreedata_load(Db *db, const AgreeDataFilter *filter, AgreeData **out)
{
	Loader l = { .filter = filter };
	long long model_id = 0;
	DbScale scale;
	Status st = db_scale_get(db, &scale);

	*out = NULL;
	if (st != STATUS_OK)
		return st;
	if (scale.count < 1) {
		db_scale_free(&scale);
		return status_fail(STATUS_ERR_INPUT, "%s has no label scale", db_path(db));
	}
	l.d = agreedata_new(scale.count, (const char *const *)scale.names);
	db_scale_free(&scale);
	st = db_agreement_item_count(db, &l.d->items_total);
	if (st == STATUS_OK)
		st = db_agreement_human_labels(db, filter->since, filter->until, on_human, &l);
	if (st == STATUS_OK)
		st = db_agreement_runs(db, on_run, &l);
	if (st == STATUS_OK && (l.cursor = 0, 1))
		st = db_agreement_predictions(db, on_prediction, &l);
	if (st == STATUS_OK && filter->categories && (l.cursor = 0, 1))
		st = db_agreement_categories(db, on_category, &l);
	if (st == STATUS_OK && (l.cursor = 0, 1))
		st = db_agreement_scores(db, &model_id, on_score, &l);
	l.d->scorer = model_id;
	if (st != STATUS_OK) {
		agreedata_free(l.d);
		return st;
	}
	*out = l.d;
	return STATUS_OK;
}

