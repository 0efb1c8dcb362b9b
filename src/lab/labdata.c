/* labdata.c - runs grouped into labellers, and their answers. */
#include "src/lab/labdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "db/items.h"
#include "db/lab.h"
#include "db/prompts.h"
#include "src/agree/metrics.h"
#include "src/base/intmap.h"
#include "src/base/xalloc.h"

enum { MAX_REPEATS = 1000 };

/* ---- grouping runs ---- */

typedef struct {
	LabData *d;
	size_t capacity;
} Grouping;

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void read_price(LabLabeller *l, const char *params_json)
{
	cJSON *json = cJSON_Parse(params_json ? params_json : "{}");
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(json, "price_in");
	const cJSON *out = cJSON_GetObjectItemCaseSensitive(json, "price_out");
	if (cJSON_IsNumber(in) || cJSON_IsNumber(out)) {
		l->has_price = 1;
		l->price_in = cJSON_IsNumber(in) ? in->valuedouble : 0;
		l->price_out = cJSON_IsNumber(out) ? out->valuedouble : 0;
	}
	cJSON_Delete(json);
}

/* The labeller a run belongs to: the one of its prompt version and model. */
static LabLabeller *group_of(Grouping *g, const DbLabRun *run)
{
	LabData *d = g->d;
	LabLabeller *l;
	if (run->prompt_version_id)
		for (int i = 0; i < d->n; i++)
			if (d->labellers[i].version_id == run->prompt_version_id &&
			    same_text(d->labellers[i].model, run->model))
				return &d->labellers[i];
	d->labellers = xgrow(d->labellers, &g->capacity, (size_t)d->n + 1, sizeof *d->labellers);
	l = &d->labellers[d->n++];
	memset(l, 0, sizeof *l);
	l->version_id = run->prompt_version_id;
	l->parent_id = run->prompt_parent;
	l->hash = xstrdup(run->prompt_hash);
	l->name = xstrdup(run->prompt_name);
	l->note = xstrdup(run->prompt_note);
	l->provider = xstrdup(run->provider);
	l->model = xstrdup(run->model);
	l->ref = run->prompt_version_id ? xasprintf("%lld", run->prompt_version_id)
					: xasprintf("run:%lld", run->id);
	return l;
}

static int add_run(void *arg, const DbLabRun *run)
{
	Grouping *g = arg;
	LabLabeller *l = group_of(g, run);
	l->runs = xrealloc(l->runs, ((size_t)l->n_runs + 1) * sizeof *l->runs);
	l->runs[l->n_runs++] = run->id;
	if (run->repeats > l->repeats)
		l->repeats = run->repeats;
	if (!l->has_price)
		read_price(l, run->params_json);
	l->unfinished = run->status == DB_RUN_INTERRUPTED || run->status == DB_RUN_RUNNING;
	g->d->latest_run = run->id;
	return 0;
}

/* A version that ran with several models: the group holding the version's
 * latest run keeps the plain id; the others are "ID@MODEL". */
static void name_groups(LabData *d)
{
	for (int i = 0; i < d->n; i++) {
		LabLabeller *l = &d->labellers[i];
		for (int j = 0; l->version_id && j < d->n; j++) {
			const LabLabeller *o = &d->labellers[j];
			if (j != i && o->version_id == l->version_id &&
			    o->runs[o->n_runs - 1] > l->runs[l->n_runs - 1]) {
				free(l->ref);
				l->ref = xasprintf("%lld@%s", l->version_id,
						   l->model ? l->model : "");
				break;
			}
		}
	}
}

static int count_settled(void *arg, long long item_id, int label)
{
	(void)item_id, (void)label;
	(*(long long *)arg)++;
	return 0;
}

Status labdata_open(Db *db, LabData **out)
{
	LabData *d = xcalloc(1, sizeof *d);
	Grouping g = { .d = d };
	DbScale scale = { 0 };
	Status st = db_scale_get(db, &scale);

	*out = NULL;
	if (st == STATUS_OK && (scale.count < 2 || scale.count > METRICS_MAX_LEVELS))
		st = status_fail(STATUS_ERR_INPUT, "%s has no usable label scale", db_path(db));
	if (st == STATUS_OK) {
		d->K = scale.count;
		d->names = scale.names;
		scale.names = NULL, scale.count = 0;
		st = db_lab_runs(db, add_run, &g);
	}
	if (st == STATUS_OK)
		st = db_lab_settled(db, count_settled, &d->settled);
	db_scale_free(&scale);
	if (st != STATUS_OK) {
		labdata_free(d);
		return st;
	}
	name_groups(d);
	d->filled = xcalloc((size_t)d->n + 1, 1);
	*out = d;
	return STATUS_OK;
}

/* ---- answers ---- */

/* One run's answers streamed in item order: an item's answers gather
 * until the next item, then the item is kept when no later run labelled it. */
typedef struct {
	LabLabeller *l;
	IntMap *seen; /* items already labelled by a later run */
	size_t capacity;
	int K;
	long long item; /* the item being gathered, 0 none */
	int human, n, any_ok;
	int answers[MAX_REPEATS];
} Fill;

static void keep_item(Fill *f)
{
	LabLabeller *l = f->l;
	int added;
	size_t i = l->n_items;
	if (!f->item || !f->human || !f->any_ok)
		return;
	intmap_get_or_add(f->seen, (uint64_t)f->item, (int)i, &added);
	if (!added)
		return;
	l->items = xgrow(l->items, &f->capacity, i + 1, sizeof *l->items);
	l->answers = xrealloc(l->answers, (i + 1) * (size_t)l->repeats * sizeof *l->answers);
	memset(l->answers + i * (size_t)l->repeats, 0, (size_t)l->repeats * sizeof *l->answers);
	memcpy(l->answers + i * (size_t)l->repeats, f->answers,
	       (size_t)(f->n < l->repeats ? f->n : l->repeats) * sizeof *l->answers);
	l->items[i] = (LabItem){ .item = f->item,
				 .human = f->human,
				 .label = labtable_majority(f->answers, f->n, f->K) };
	l->n_items++;
}

static void count_answer(LabLabeller *l, const DbLabAnswer *a)
{
	l->calls++;
	l->parse_failed += a->status == DB_PREDICTION_PARSE_FAILED;
	l->failed += a->status == DB_PREDICTION_FAILED;
	if (a->cached) {
		l->cached++;
		l->saved_prompt_tokens += a->prompt_tokens;
		l->saved_completion_tokens += a->completion_tokens;
	} else {
		l->prompt_tokens += a->prompt_tokens;
		l->completion_tokens += a->completion_tokens;
	}
}

static int on_answer(void *arg, const DbLabAnswer *a)
{
	Fill *f = arg;
	count_answer(f->l, a);
	if (a->item_id != f->item) {
		keep_item(f);
		f->item = a->item_id, f->human = a->human, f->n = 0, f->any_ok = 0;
	}
	if (f->n < MAX_REPEATS) {
		int ok = a->status == DB_PREDICTION_OK && a->label >= 1 && a->label <= f->K;
		f->answers[f->n++] = ok ? a->label : 0;
		f->any_ok |= ok;
	}
	return 0;
}

typedef struct {
	const LabItem *items;
} SortCtx;

static int by_item(const void *pa, const void *pb, void *arg)
{
	const LabItem *items = ((const SortCtx *)arg)->items;
	long long a = items[*(const size_t *)pa].item, b = items[*(const size_t *)pb].item;
	return a < b ? -1 : a > b;
}

/* Items in id order, their answer rows with them. */
static void sort_items(LabLabeller *l)
{
	size_t n = l->n_items, r = (size_t)l->repeats;
	size_t *order = xmalloc((n + 1) * sizeof *order);
	LabItem *items = xmalloc((n + 1) * sizeof *items);
	int *answers = xmalloc((n * r + 1) * sizeof *answers);
	SortCtx ctx = { l->items };
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof *order, by_item, &ctx);
	for (size_t i = 0; i < n; i++) {
		items[i] = l->items[order[i]];
		memcpy(answers + i * r, l->answers + order[i] * r, r * sizeof *answers);
	}
	free(l->items), free(l->answers), free(order);
	l->items = items, l->answers = answers;
}

Status labdata_fill(Db *db, LabData *d, int i)
{
	LabLabeller *l = &d->labellers[i];
	Fill f = { .l = l, .K = d->K };
	Status st = STATUS_OK;

	if (d->filled[i])
		return STATUS_OK;
	f.seen = intmap_new();
	if (l->repeats < 1)
		l->repeats = 1;
	if (l->repeats > MAX_REPEATS)
		l->repeats = MAX_REPEATS;
	/* the latest run first: it has the say on an item it labelled */
	for (int r = l->n_runs - 1; r >= 0 && st == STATUS_OK; r--) {
		f.item = 0;
		st = db_lab_answers(db, l->runs[r], on_answer, &f);
		keep_item(&f);
	}
	intmap_free(f.seen);
	if (st == STATUS_OK) {
		sort_items(l);
		d->filled[i] = 1;
	}
	return st;
}

Status labdata_fill_all(Db *db, LabData *d)
{
	Status st = STATUS_OK;
	for (int i = 0; i < d->n && st == STATUS_OK; i++)
		st = labdata_fill(db, d, i);
	return st;
}

/* ---- names ---- */

static Status find_run(Db *db, LabData *d, long long run_id, int *index)
{
	for (int i = 0; i < d->n; i++) {
		const LabLabeller *l = &d->labellers[i];
		for (int r = 0; r < l->n_runs; r++) {
			LabLabeller *one;
			if (l->runs[r] != run_id)
				continue;
			if (l->n_runs == 1) {
				*index = i;
				return STATUS_OK;
			}
			/* that run alone, beside its group */
			d->labellers =
				xrealloc(d->labellers, ((size_t)d->n + 1) * sizeof *d->labellers);
			d->filled = xrealloc(d->filled, (size_t)d->n + 1);
			l = &d->labellers[i];
			one = &d->labellers[d->n];
			*one = (LabLabeller){ .version_id = l->version_id,
					      .parent_id = l->parent_id,
					      .hash = xstrdup(l->hash),
					      .name = xstrdup(l->name),
					      .note = xstrdup(l->note),
					      .provider = xstrdup(l->provider),
					      .model = xstrdup(l->model),
					      .repeats = l->repeats,
					      .has_price = l->has_price,
					      .price_in = l->price_in,
					      .price_out = l->price_out };
			one->runs = xmalloc(sizeof *one->runs);
			one->runs[0] = run_id;
			one->n_runs = 1;
			one->ref = xasprintf("run:%lld", run_id);
			d->filled[d->n] = 0;
			*index = d->n++;
			return STATUS_OK;
		}
	}
	return status_fail(STATUS_ERR_NOT_FOUND, "%s has no run %lld (see 'gavel prompts list')",
			   db_path(db), run_id);
}

static Status find_version(Db *db, LabData *d, const char *ref, const char *model, int *index)
{
	DbPromptVersion v;
	Status st = db_prompt_version_find(db, ref, &v);
	int found = -1;
	if (st != STATUS_OK)
		return st;
	for (int i = 0; i < d->n; i++) {
		const LabLabeller *l = &d->labellers[i];
		if (l->version_id != v.id || (model && !same_text(l->model, model)))
			continue;
		/* without a model, the one of the version's latest run */
		if (found < 0 || l->runs[l->n_runs - 1] >
					 d->labellers[found].runs[d->labellers[found].n_runs - 1])
			found = i;
	}
	if (found < 0)
		st = status_fail(STATUS_ERR_NOT_FOUND,
				 "prompt version %lld (%.12s) has no run%s%s; "
				 "rerun it first (gavel label --settled --prompt ...)",
				 v.id, v.hash, model ? " with model " : "", model ? model : "");
	db_prompt_version_clear(&v);
	*index = found;
	return st;
}

Status labdata_find(Db *db, LabData *d, const char *ref, int *index)
{
	char *copy, *at;
	Status st;
	*index = -1;
	if (!strncmp(ref, "run:", 4)) {
		char *end;
		long long id = strtoll(ref + 4, &end, 10);
		if (end == ref + 4 || *end || id <= 0)
			return status_fail(STATUS_ERR_USAGE, "'%s': a run is run:N, N its number",
					   ref);
		return find_run(db, d, id, index);
	}
	copy = xstrdup(ref);
	at = strrchr(copy, '@');
	if (at)
		*at++ = '\0';
	st = find_version(db, d, copy, at, index);
	free(copy);
	return st;
}

void labdata_price_fallback(LabData *d,
			    int (*price)(void *arg, const char *provider, double *in, double *out),
			    void *arg)
{
	for (int i = 0; i < d->n; i++) {
		LabLabeller *l = &d->labellers[i];
		if (!l->has_price && l->provider)
			l->has_price = price(arg, l->provider, &l->price_in, &l->price_out);
	}
}

void labdata_free(LabData *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->n; i++)
		labtable_labeller_clear(&d->labellers[i]);
	free(d->labellers);
	if (d->names)
		xfree_strings(d->names, (size_t)d->K);
	free(d->filled);
	free(d);
}
