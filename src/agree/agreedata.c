/* agreedata.c - the rows behind the agreement report, built through the
 * adders (src/agree/agreeload.c fills them from a database). */
#include "src/agree/agreedata.h"

#include <stdlib.h>
#include <string.h>

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

void agreedata_free(AgreeData *d)
{
	if (!d)
		return;
	xfree_strings(d->names, (size_t)d->K);
	xfree_strings(d->reviewers, (size_t)d->n_reviewers);
	xfree_strings(d->categories, (size_t)d->n_categories);
	for (int i = 0; i < d->n_runs; i++) {
		free(d->runs[i].hash), free(d->runs[i].name);
		free(d->runs[i].provider), free(d->runs[i].model);
	}
	free(d->runs), free(d->h), free(d->p), free(d->cats), free(d->scores);
	xfree_strings(d->froms, (size_t)d->n_froms);
	free(d->audit.name), free(d->audit.population), free(d->audit.items);
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

void agreedata_add_human_from(AgreeData *d, long long item_id, const char *reviewer, int label,
			      int blind, const char *from)
{
	if (label < 1 || label > d->K) {
		d->invalid_human++;
		return;
	}
	d->h = xgrow(d->h, &d->h_cap, d->nh + 1, sizeof *d->h);
	d->h[d->nh++] = (AgreeHuman){ item_id,
				      intern(&d->reviewers, &d->n_reviewers, &d->reviewers_cap,
					     &d->reviewer_hint, reviewer),
				      label, blind != 0,
				      intern(&d->froms, &d->n_froms, &d->froms_cap, &d->from_hint,
					     from ? from : "unrecorded") };
}

void agreedata_add_human(AgreeData *d, long long item_id, const char *reviewer, int label,
			 int blind)
{
	agreedata_add_human_from(d, item_id, reviewer, label, blind, NULL);
}

void agreedata_set_audit(AgreeData *d, long long id, const char *name, int stratified, int blind,
			 unsigned long long seed, long long size, int n_strata,
			 const long long *population)
{
	AgreeAudit *a = &d->audit;

	free(a->name), free(a->population), free(a->items);
	*a = (AgreeAudit){ .id = id,
			   .name = xstrdup(name),
			   .stratified = stratified,
			   .blind = blind,
			   .seed = seed,
			   .size = size,
			   .n_strata = n_strata };
	a->population = xcalloc((size_t)n_strata + 1, sizeof *a->population);
	memcpy(a->population, population, (size_t)n_strata * sizeof *population);
}

void agreedata_add_audit_item(AgreeData *d, long long item_id, int stratum)
{
	AgreeAudit *a = &d->audit;

	if (stratum < 0 || stratum >= a->n_strata)
		return;
	a->items = xgrow(a->items, &a->items_cap, a->n_items + 1, sizeof *a->items);
	a->items[a->n_items++] = (AgreeAuditItem){ item_id, stratum };
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
			     .hash = xstrdup(prompt_hash), .name = xstrdup(prompt_name),
			     .provider = xstrdup(provider), .model = xstrdup(model) };
	d->n_runs++;
	/* Predictions hold run indices; a run added in the middle shifts them. */
	for (size_t i = 0; i < d->np; i++)
		if (d->p[i].run >= at)
			d->p[i].run++;
}

void agreedata_add_prediction(AgreeData *d, long long item_id, long long run_id,
			      DbPredictionState status, int label)
{
	int run = run_find(d, run_id);

	if (run < 0)
		return;
	d->p = xgrow(d->p, &d->p_cap, d->np + 1, sizeof *d->p);
	d->p[d->np++] = (AgreePred){ item_id, run, status, label };
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
