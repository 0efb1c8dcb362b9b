/* estimate.c - the estimates of every slice from the counted catalogue and
 * the sample (see estimate.h).
 *
 * Every slice is a handful of count cells: items are counted into a table
 * [slice][stratum][human][llm] in one pass over the sample, the catalogue's
 * counts less the sampled items give the rest, so a million reviewed items
 * cost one pass and the estimates run over at most (K + 1)^2 K cells. */
#include "src/estimate/estimate.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

static const char WHY_STRATUM[] = "a stratum of the audit has no reviewed item yet: a "
				  "stratified estimate needs reviews in every stratum "
				  "(gavel review --order audit)";

EstimateData *estimate_data_new(int K, int stratified)
{
	EstimateData *d = xcalloc(1, sizeof *d);

	d->K = K;
	d->stratified = stratified;
	d->catalogue_cap = 1;
	d->catalogue = xcalloc((size_t)K, sizeof *d->catalogue);
	d->category_index = intmap_new();
	return d;
}

/* FNV-1a: the category map's key (a collision falls back to a search). */
static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

void estimate_data_free(EstimateData *d)
{
	if (!d)
		return;
	xfree_strings(d->categories, (size_t)d->n_categories);
	intmap_free(d->category_index);
	free(d->catalogue);
	free(d->items);
	free(d);
}

int estimate_data_category(EstimateData *d, const char *category)
{
	size_t rows = (size_t)d->n_categories + 2;

	int known;

	if (!category)
		return -1;
	known = intmap_get(d->category_index, name_hash(category), -1);
	if (known >= 0 && !strcmp(d->categories[known], category))
		return known;
	for (int i = 0; known >= 0 && i < d->n_categories; i++)
		if (!strcmp(d->categories[i], category))
			return i;
	if (known < 0)
		intmap_get_or_add(d->category_index, name_hash(category), d->n_categories, NULL);
	d->categories = xgrow(d->categories, &d->categories_cap, (size_t)d->n_categories + 1,
			      sizeof *d->categories);
	d->categories[d->n_categories++] = xstrdup(category);
	if (rows > d->catalogue_cap) {
		size_t old = d->catalogue_cap;

		d->catalogue = xgrow(d->catalogue, &d->catalogue_cap, rows,
				     (size_t)d->K * sizeof *d->catalogue);
		memset(d->catalogue + old * (size_t)d->K, 0,
		       (d->catalogue_cap - old) * (size_t)d->K * sizeof *d->catalogue);
	}
	return d->n_categories - 1;
}

void estimate_data_count(EstimateData *d, int category, int llm, long long n)
{
	if (llm >= 1 && llm <= d->K && category >= -1 && category < d->n_categories)
		d->catalogue[(size_t)(category + 1) * (size_t)d->K + (size_t)(llm - 1)] += n;
}

void estimate_data_add_item(EstimateData *d, const EstimateItem *it)
{
	d->items = xgrow(d->items, &d->items_cap, d->n_items + 1, sizeof *d->items);
	d->items[d->n_items++] = *it;
}

int estimate_human_label(const int *labels, int n)
{
	int best = 0, best_n = 0;

	for (int i = 0; i < n; i++) {
		int c = 0;

		for (int j = 0; j < n; j++)
			c += labels[j] == labels[i];
		if (c > best_n)
			best = labels[i], best_n = c;
	}
	return best;
}

/* ---- the count table ---- */

/* Counts by [slice][stratum][human][llm]: slice 0 is the whole catalogue,
 * 1 + (category + 1) a category's (so 1 is no category); stratum 0..K;
 * human 0..K (0: outside the sample); llm 1..K. */
typedef struct {
	int K, slices;
	long long *n;
} Table;

static long long *cell(const Table *t, int slice, int stratum, int human, int llm)
{
	size_t K = (size_t)t->K;

	return &t->n[(((size_t)slice * (K + 1) + (size_t)stratum) * (K + 1) + (size_t)human) * K +
		     (size_t)llm - 1];
}

/* Whether an item of the sample enters the estimates: its labels on the
 * scale (a human label off it counts as none). */
static int usable(const EstimateData *d, const EstimateItem *it)
{
	return it->llm >= 1 && it->llm <= d->K && it->stratum >= 0 && it->stratum <= d->K;
}

static void count_item(Table *t, const EstimateItem *it, int by_category)
{
	int human = it->human >= 1 && it->human <= t->K ? it->human : 0;

	(*cell(t, 0, it->stratum, human, it->llm))++;
	if (by_category)
		(*cell(t, 2 + it->category, it->stratum, human, it->llm))++;
}

/* The items outside the sample: the catalogue less the sampled items, each
 * in the stratum of its LLM label (stratified) or stratum 0. */
static void count_rest(Table *t, const EstimateData *d, int slice, int category_row)
{
	int K = d->K;

	for (int l = 1; l <= K; l++) {
		long long rest = 0;

		if (slice == 0)
			for (int r = 0; r <= d->n_categories; r++)
				rest += d->catalogue[(size_t)r * (size_t)K + (size_t)(l - 1)];
		else
			rest = d->catalogue[(size_t)category_row * (size_t)K + (size_t)(l - 1)];
		for (int s = 0; s <= K; s++)
			for (int h = 0; h <= K; h++)
				rest -= *cell(t, slice, s, h, l);
		if (rest > 0)
			*cell(t, slice, d->stratified ? l : 0, 0, l) += rest;
	}
}

static void table_fill(Table *t, const EstimateData *d, int by_category, EstimateReport *r)
{
	t->K = d->K;
	t->slices = by_category ? d->n_categories + 2 : 1;
	t->n = xcalloc((size_t)t->slices * (size_t)(d->K + 1) * (size_t)(d->K + 1) * (size_t)d->K,
		       sizeof *t->n);
	for (size_t i = 0; i < d->n_items; i++) {
		const EstimateItem *it = &d->items[i];

		r->sample_items++;
		if (!usable(d, it)) {
			r->no_llm += it->human > 0;
			r->unreviewed += it->human <= 0;
			continue;
		}
		r->unreviewed += it->human <= 0;
		count_item(t, it, by_category);
	}
	count_rest(t, d, 0, 0);
	for (int s = 1; s < t->slices; s++)
		count_rest(t, d, s, s - 1);
}

/* ---- weights ---- */

/* N_s and m_s of every stratum, from the whole catalogue's slice; the
 * weights of an item in (w_in) and out of (w_out) the sample. */
static void weights(const Table *t, const EstimateData *d, EstimateReport *r, double *w_in,
		    double *w_out)
{
	int K = d->K;

	for (int s = 0; s <= K; s++) {
		long long N = 0, m = 0;

		for (int h = 0; h <= K; h++)
			for (int l = 1; l <= K; l++) {
				N += *cell(t, 0, s, h, l);
				m += h > 0 ? *cell(t, 0, s, h, l) : 0;
			}
		w_in[s] = m > 0 ? (double)N / (double)m : 1;
		w_out[s] = N > m ? (double)N / (double)(N - m) : 1;
		if (!d->stratified || N == 0)
			continue;
		r->strata = xrealloc(r->strata, ((size_t)r->n_strata + 1) * sizeof *r->strata);
		r->strata[r->n_strata++] = (EstimateStratum){ s, N, m, (double)m / (double)N };
		if (m == 0)
			r->why = WHY_STRATUM;
	}
}

/* ---- slices ---- */

static Status slice_compute(const Table *t, int slice, const double *w_in, const double *w_out,
			    const PpiOptions *o, EstimateSlice *out)
{
	int K = t->K;
	size_t n = 0, max = (size_t)(K + 1) * (size_t)(K + 1) * (size_t)K;
	PpiCell *cells = xcalloc(max, sizeof *cells);
	Status st;

	for (int s = 0; s <= K; s++)
		for (int h = 0; h <= K; h++)
			for (int l = 1; l <= K; l++) {
				long long c = *cell(t, slice, s, h, l);

				if (!c)
					continue;
				cells[n++] = (PpiCell){ h, l, h ? w_in[s] : w_out[s], c };
				out->items += c;
				out->sampled += h ? c : 0;
			}
	st = out->items ? ppi_estimate(cells, n, K, o, &out->r)
			: status_fail(STATUS_ERR_INPUT, "no item has an LLM label");
	free(cells);
	return st;
}

/* Marks the estimates from the sample undefined for a reason of the design. */
static void undefine(EstimateSlice *s, const char *why)
{
	for (int k = 0; k < s->r.K; k++) {
		for (int m = PPI_METHOD_AUDIT; m < PPI_METHOD_COUNT; m++)
			s->r.label[k].est[m] = (PpiEstimate){ .why = why };
		s->r.label[k].effective_n = NAN;
	}
	s->r.effective_n = NAN;
	s->r.lambda = NAN;
}

Status estimate_compute(const EstimateData *d, const PpiOptions *o, int by_category,
			EstimateReport *r)
{
	Table t;
	double *w_in = xcalloc((size_t)d->K + 1, sizeof *w_in);
	double *w_out = xcalloc((size_t)d->K + 1, sizeof *w_out);
	Status st;

	memset(r, 0, sizeof *r);
	r->K = d->K;
	r->options = o ? *o : (PpiOptions){ PPI_ALPHA, NAN, 0 };
	r->by_category = by_category;
	r->stratified = d->stratified;
	table_fill(&t, d, by_category, r);
	weights(&t, d, r, w_in, w_out);
	st = slice_compute(&t, 0, w_in, w_out, o, &r->all);
	if (st == STATUS_OK && by_category) {
		r->slices = xcalloc((size_t)d->n_categories + 1, sizeof *r->slices);
		for (int c = 0; st == STATUS_OK && c <= d->n_categories; c++) {
			EstimateSlice *s = &r->slices[r->n_slices];

			/* categories first, then the items without one */
			int slice = c < d->n_categories ? 2 + c : 1;

			s->key = xstrdup(c < d->n_categories ? d->categories[c] : "(none)");
			st = slice_compute(&t, slice, w_in, w_out, o, s);
			if (st == STATUS_ERR_INPUT && !s->items) /* nothing labelled in it */
				st = STATUS_OK, free(s->key), s->key = NULL;
			else
				r->n_slices++;
		}
	}
	for (int i = -1; st == STATUS_OK && r->why && i < r->n_slices; i++)
		undefine(i < 0 ? &r->all : &r->slices[i], r->why);
	free(t.n), free(w_in), free(w_out);
	return st;
}

void estimate_report_free(EstimateReport *r)
{
	if (!r)
		return;
	ppi_result_free(&r->all.r);
	for (int i = 0; i < r->n_slices; i++) {
		free(r->slices[i].key);
		ppi_result_free(&r->slices[i].r);
	}
	free(r->slices);
	free(r->strata);
	memset(r, 0, sizeof *r);
}
