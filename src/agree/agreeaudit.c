/* agreeaudit.c - design-weighted agreement on an audit, and where the
 * reviewed items came from (see agreeaudit.h). */
#include "src/agree/agreeaudit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/agree/bootstrap.h"
#include "src/base/rng.h"
#include "src/base/xalloc.h"

/* The weighted table in units of 2^-40 of the catalogue: integer counts,
 * as metrics_table_stat() takes them, rounding each cell by at most one
 * unit (a relative 1e-12). */
#define UNITS 1099511627776.0

static const char WHY_EMPTY_STRATUM[] = "a stratum of the audit has no reviewed item with an "
					"LLM label: its share cannot be weighted";
static const char WHY_FEW[] = "fewer than two reviewed items on the audit";
static const char WHY_RANKS[] = "rank correlations are not design-weighted (they count "
				"ties item by item)";

/* Statistics that depend on the table's proportions only. */
static int proportional(MetricsStat s)
{
	return s != METRICS_STAT_SPEARMAN && s != METRICS_STAT_KENDALL_TAU_B;
}

static void weighted_table(const long *t, const double *share, int n_strata, int K, long *out)
{
	size_t cells = (size_t)K * (size_t)K;

	for (size_t c = 0; c < cells; c++) {
		double v = 0;

		for (int s = 0; s < n_strata; s++) {
			const long *ts = t + (size_t)s * cells;
			long m = 0;

			for (size_t j = 0; j < cells; j++)
				m += ts[j];
			if (m > 0)
				v += share[s] * (double)ts[c] / (double)m;
		}
		out[c] = lround(v * UNITS);
	}
}

/* Why the weighted figures cannot be made, or NULL. */
static const char *weighted_why(const long *t, const double *share, int n_strata, int K,
				long *items)
{
	size_t cells = (size_t)K * (size_t)K;

	*items = 0;
	for (int s = 0; s < n_strata; s++) {
		long m = 0;

		for (size_t j = 0; j < cells; j++)
			m += t[(size_t)s * cells + j];
		if (m == 0 && share[s] > 0)
			return WHY_EMPTY_STRATUM;
		*items += m;
	}
	return *items < 2 ? WHY_FEW : NULL;
}

/* The stratified bootstrap: each stratum's table resampled as its own
 * multinomial, the weighted statistic of the whole. */
static void stratified_intervals(const long *t, const double *share, int n_strata, int K,
				 const BootstrapOptions *b, AgreeFigure *out)
{
	size_t cells = (size_t)K * (size_t)K;
	long *res = xcalloc((size_t)n_strata * cells, sizeof *res), *w = xcalloc(cells, sizeof *w);
	double *values = xcalloc((size_t)METRICS_STAT_COUNT * (size_t)b->resamples, sizeof *values);
	int undefined[METRICS_STAT_COUNT] = { 0 }, used[METRICS_STAT_COUNT] = { 0 };
	Rng rng;

	rng_seed(&rng, b->seed);
	for (int r = 0; r < b->resamples; r++) {
		for (int s = 0; s < n_strata; s++) {
			long m = 0;

			for (size_t j = 0; j < cells; j++)
				m += t[(size_t)s * cells + j];
			rng_multinomial(&rng, m, t + (size_t)s * cells, cells,
					res + (size_t)s * cells);
		}
		weighted_table(res, share, n_strata, K, w);
		for (int k = 0; k < METRICS_STAT_COUNT; k++) {
			MetricValue v;

			if (!out[k].value.defined)
				continue;
			v = metrics_table_stat(w, K, (MetricsStat)k);
			if (v.defined)
				values[(size_t)k * (size_t)b->resamples + (size_t)used[k]++] =
					v.value;
			else
				undefined[k]++;
		}
	}
	for (int k = 0; k < METRICS_STAT_COUNT; k++)
		if (out[k].value.defined)
			out[k].ci = bootstrap_percentile(values + (size_t)k * (size_t)b->resamples,
							 b->resamples, undefined[k], b->confidence);
	free(res), free(w), free(values);
}

void agreeaudit_figures(const long *t, const double *share, int n_strata, int K,
			const AgreeOptions *o, AgreeFigure out[METRICS_STAT_COUNT])
{
	long items, *w;
	const char *why;

	memset(out, 0, METRICS_STAT_COUNT * sizeof *out);
	if (n_strata == 1) { /* a uniform audit: the plain figures */
		MetricInterval ci[METRICS_STAT_COUNT];

		for (int k = 0; k < METRICS_STAT_COUNT; k++)
			out[k].value = metrics_table_stat(t, K, (MetricsStat)k);
		if (o->intervals)
			bootstrap_table(t, K, &o->boot, ci);
		for (int k = 0; k < METRICS_STAT_COUNT; k++) {
			out[k].ci = o->intervals ? ci[k] : (MetricInterval){ 0 };
			for (int c = 0; c < K * K; c++)
				out[k].n += t[c];
		}
		return;
	}
	why = weighted_why(t, share, n_strata, K, &items);
	w = xcalloc((size_t)K * (size_t)K, sizeof *w);
	weighted_table(t, share, n_strata, K, w);
	for (int k = 0; k < METRICS_STAT_COUNT; k++) {
		const char *no = why ? why : !proportional((MetricsStat)k) ? WHY_RANKS : NULL;

		out[k].n = items;
		out[k].value =
			no ? metrics_undefined(no) : metrics_table_stat(w, K, (MetricsStat)k);
		if (o->intervals && !out[k].value.defined)
			out[k].ci = (MetricInterval){ .why = out[k].value.why };
	}
	free(w);
	if (o->intervals && !why)
		stratified_intervals(t, share, n_strata, K, &o->boot, out);
}

static int from_cmp(const void *pa, const void *pb)
{
	const AgreeFrom *a = pa, *b = pb;

	if (a->labels != b->labels)
		return a->labels > b->labels ? -1 : 1;
	return strcmp(a->from, b->from);
}

void agreeaudit_froms(const AgreeData *d, AgreeFrom **out, int *n)
{
	AgreeFrom *f = xcalloc((size_t)d->n_froms + 1, sizeof *f);

	for (int i = 0; i < d->n_froms; i++)
		f[i].from = d->froms[i];
	for (size_t i = 0; i < d->nh; i++)
		f[d->h[i].from].labels++;
	qsort(f, (size_t)d->n_froms, sizeof *f, from_cmp);
	*out = f;
	*n = d->n_froms;
}
