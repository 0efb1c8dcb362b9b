/* agreeload.c - filling AgreeData from a database: the one file of
 * src/agree/ that reads db/ (the statistics stay testable without one). */
#include "src/agree/agreeload.h"

#include <stdlib.h>
#include <string.h>

#include "db/agreement.h"
#include "db/audits.h"
#include "db/items.h"
#include "src/base/xalloc.h"

/* The loader's state: the filter, and a cursor over the human-labelled
 * items (both streams come in item order) so that predictions, categories
 * and scores of items nobody labelled are dropped at once. */
typedef struct {
	AgreeData *d;
	const AgreeDataFilter *filter;
	size_t cursor;
	int *strata; /* while the audit loads: each stratum index's value */
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
		agreedata_add_human_from(l->d, label->item_id, label->reviewer, label->label,
					 label->blind, label->from);
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
	agreedata_add_tokens(l->d, row->run_id, row->prompt_tokens, row->completion_tokens);
	if (labelled(l, row->item_id))
		agreedata_add_prediction(l->d, row->item_id, row->run_id, row->status,
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

static int on_audit_item(void *arg, const DbAuditItem *it)
{
	Loader *l = arg;
	const AgreeAudit *a = &l->d->audit;

	/* strata are indexed by their place in the audit's list */
	for (int s = 0; s < a->n_strata; s++)
		if (l->strata[s] == it->stratum)
			agreedata_add_audit_item(l->d, it->item_id, s);
	return 0;
}

/* The audit the headline rests on: the one asked for, else the newest. */
static Status load_audit(Db *db, Loader *l, long long id)
{
	DbAudit a;
	long long *population;
	Status st = STATUS_OK;

	if (id < 0)
		return STATUS_OK;
	if (!id)
		st = db_audit_latest(db, &id);
	if (st != STATUS_OK || !id)
		return st;
	st = db_audit_get(db, id, &a);
	if (st != STATUS_OK)
		return st;
	population = xcalloc((size_t)a.n_strata + 1, sizeof *population);
	l->strata = xcalloc((size_t)a.n_strata + 1, sizeof *l->strata);
	for (int s = 0; s < a.n_strata; s++) {
		population[s] = a.strata[s].population;
		l->strata[s] = a.strata[s].stratum;
	}
	agreedata_set_audit(l->d, a.id, a.name, a.design == DB_AUDIT_LLM, a.blind, a.seed, a.size,
			    a.n_strata, population);
	free(population);
	db_audit_free(&a);
	st = db_audit_items(db, id, on_audit_item, l);
	free(l->strata);
	l->strata = NULL;
	return st;
}

Status agreeload_data(Db *db, const AgreeDataFilter *filter, AgreeData **out)
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
	/* each stream below walks the labelled items again from the start */
	l.cursor = 0;
	if (st == STATUS_OK)
		st = db_agreement_predictions(db, on_prediction, &l);
	l.cursor = 0;
	if (st == STATUS_OK && filter->categories)
		st = db_agreement_categories(db, on_category, &l);
	l.cursor = 0;
	if (st == STATUS_OK)
		st = db_agreement_scores(db, &model_id, on_score, &l);
	l.d->scorer = model_id;
	if (st == STATUS_OK)
		st = load_audit(db, &l, filter->audit_id);
	if (st != STATUS_OK) {
		agreedata_free(l.d);
		return st;
	}
	*out = l.d;
	return STATUS_OK;
}
