/* bootstrap.c - percentile bootstrap intervals (see bootstrap.h).
 *
 * Why resampling the table is exact: a bootstrap resample draws n items with
 * replacement, each draw landing on any one item with probability 1/n, so it
 * lands in cell c of the K x K table with probability n_c / n, independently
 * of the other draws. The resampled cell counts are therefore exactly
 * Multinomial(n; n_1/n, ..., n_KK/n), and a statistic that depends on the
 * data only through those counts has exactly the same bootstrap
 * distribution whether we draw n indices or one multinomial. The multinomial
 * costs K*K binomial draws (src/rng.c) instead of n index draws. */
#include "src/agree/bootstrap.h"

#include <stdlib.h>
#include <string.h>

#include "src/base/rng.h"
#include "src/base/xalloc.h"

static const char WHY_RESAMPLES[] = "the number of resamples must be at least 1";
static const char WHY_CONFIDENCE[] = "the confidence level must lie strictly between 0 and 1";
static const char WHY_UNSTABLE[] = "the figure is undefined on more than 5% of resamples; "
				   "too few items for an interval";

/* The values of one statistic over the resamples. */
typedef struct {
	double *value;
	int used, undefined, resamples;
} Samples;

static MetricInterval interval_undefined(const char *why, int resamples, int undefined)
{
	return (MetricInterval){ .defined = 0, .why = why, .resamples = resamples,
				 .undefined = undefined };
}

/* Fills *o from opt or the defaults; returns why they are unusable, or NULL. */
static const char *options_resolve(const BootstrapOptions *opt, BootstrapOptions *o)
{
	*o = opt ? *opt
		 : (BootstrapOptions){ BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, BOOTSTRAP_CONFIDENCE };
	if (o->resamples < 1)
		return WHY_RESAMPLES;
	if (!(o->confidence > 0 && o->confidence < 1))
		return WHY_CONFIDENCE;
	return NULL;
}

static void samples_add(Samples *s, MetricValue v)
{
	s->resamples++;
	if (v.defined)
		s->value[s->used++] = v.value;
	else
		s->undefined++;
}

static int double_cmp(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

/* The q-quantile of sorted v, interpolating between order statistics
 * (Hyndman & Fan type 7, the default of R and numpy). */
static double quantile(const double *v, int n, double q)
{
	double h = (n - 1) * q;
	int lo = (int)h;

	if (lo >= n - 1)
		return v[n - 1];
	return v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
}

MetricInterval bootstrap_percentile(double *values, int resamples, int undefined,
				    double confidence)
{
	MetricInterval iv = { .defined = 1, .resamples = resamples, .undefined = undefined };
	double tail = (1 - confidence) / 2;
	int used = resamples - undefined;

	if (used <= 0 || undefined > BOOTSTRAP_MAX_UNDEFINED_SHARE * resamples)
		return interval_undefined(WHY_UNSTABLE, resamples, undefined);
	qsort(values, (size_t)used, sizeof *values, double_cmp);
	iv.lo = quantile(values, used, tail);
	iv.hi = quantile(values, used, 1 - tail);
	return iv;
}

static MetricInterval samples_interval(Samples *s, double confidence)
{
	return bootstrap_percentile(s->value, s->resamples, s->undefined, confidence);
}

void bootstrap_table(const long *table, int K, const BootstrapOptions *opt,
		     MetricInterval out[METRICS_STAT_COUNT])
{
	Samples s[METRICS_STAT_COUNT] = { 0 };
	int live[METRICS_STAT_COUNT], active = 0;
	long n = 0, *resampled = NULL;
	double *values = NULL;
	size_t cells;
	BootstrapOptions o;
	const char *why = options_resolve(opt, &o);
	Rng rng;

	for (int k = 0; k < METRICS_STAT_COUNT; k++) {
		MetricValue estimate = metrics_table_stat(table, K, (MetricsStat)k);

		out[k] = interval_undefined(why ? why : estimate.why, 0, 0);
		live[k] = !why && estimate.defined;
		active += live[k];
	}
	if (!active)
		return;
	/* A defined estimate means K and the counts passed every check. */
	cells = (size_t)K * (size_t)K;
	for (size_t c = 0; c < cells; c++)
		n += table[c];
	values = xmalloc((size_t)METRICS_STAT_COUNT * (size_t)o.resamples * sizeof *values);
	resampled = xmalloc(cells * sizeof *resampled);
	for (int k = 0; k < METRICS_STAT_COUNT; k++)
		s[k].value = values + (size_t)k * (size_t)o.resamples;
	rng_seed(&rng, o.seed);
	for (int r = 0; r < o.resamples; r++) {
		rng_multinomial(&rng, n, table, cells, resampled);
		for (int k = 0; k < METRICS_STAT_COUNT; k++) {
			if (live[k])
				samples_add(&s[k],
					    metrics_table_stat(resampled, K, (MetricsStat)k));
		}
	}
	for (int k = 0; k < METRICS_STAT_COUNT; k++)
		if (live[k])
			out[k] = samples_interval(&s[k], o.confidence);
	free(values);
	free(resampled);
}

/* Item resampling: eval computes the statistic on the items idx[0..n-1]. */
typedef MetricValue (*ItemsEval)(const void *ctx, const size_t *idx, size_t n);

static MetricInterval resample_items(ItemsEval eval, const void *ctx, size_t n,
				     const BootstrapOptions *o)
{
	Samples s = { .value = xmalloc((size_t)o->resamples * sizeof *s.value) };
	size_t *idx = xmalloc(n * sizeof *idx);
	MetricInterval iv;
	Rng rng;

	rng_seed(&rng, o->seed);
	for (int r = 0; r < o->resamples; r++) {
		for (size_t i = 0; i < n; i++)
			idx[i] = (size_t)rng_below(&rng, n);
		samples_add(&s, eval(ctx, idx, n));
	}
	iv = samples_interval(&s, o->confidence);
	free(s.value);
	free(idx);
	return iv;
}

/* What every item bootstrap does once its scratch space is ready: check the
 * options and the estimate on all items, then resample. */
static MetricInterval run_items(MetricValue estimate, ItemsEval eval, const void *ctx, size_t n,
				const BootstrapOptions *opt)
{
	BootstrapOptions o;
	const char *why = options_resolve(opt, &o);
	if (why)
		return interval_undefined(why, 0, 0);
	if (!estimate.defined)
		return interval_undefined(estimate.why, 0, 0);
	return resample_items(eval, ctx, n, &o);
}

typedef struct {
	BootstrapPairsFn fn;
	const void *arg;
	const int *a, *b;
	int *ra, *rb;
	int K;
} PairsCtx;

static MetricValue pairs_eval(const void *ctx, const size_t *idx, size_t n)
{
	const PairsCtx *c = ctx;

	for (size_t i = 0; i < n; i++) {
		c->ra[i] = c->a[idx[i]];
		c->rb[i] = c->b[idx[i]];
	}
	return c->fn(c->ra, c->rb, n, c->K, c->arg);
}

MetricInterval bootstrap_pairs(BootstrapPairsFn fn, const void *arg, const int *a, const int *b,
			       size_t n, int K, const BootstrapOptions *opt)
{
	PairsCtx c = { fn, arg, a, b, xmalloc(2 * n * sizeof *c.ra), NULL, K };
	MetricInterval iv;

	c.rb = c.ra + n;
	iv = run_items(fn(a, b, n, K, arg), pairs_eval, &c, n, opt);
	free(c.ra);
	return iv;
}

typedef struct {
	BootstrapScoresFn fn;
	const void *arg;
	const double *x, *y;
	double *rx, *ry;
} ScoresCtx;

static MetricValue scores_eval(const void *ctx, const size_t *idx, size_t n)
{
	const ScoresCtx *c = ctx;

	for (size_t i = 0; i < n; i++) {
		c->rx[i] = c->x[idx[i]];
		c->ry[i] = c->y[idx[i]];
	}
	return c->fn(c->rx, c->ry, n, c->arg);
}

MetricInterval bootstrap_scores(BootstrapScoresFn fn, const void *arg, const double *x,
				const double *y, size_t n, const BootstrapOptions *opt)
{
	ScoresCtx c = { fn, arg, x, y, xmalloc(2 * n * sizeof *c.rx), NULL };
	MetricInterval iv;

	c.ry = c.rx + n;
	iv = run_items(fn(x, y, n, arg), scores_eval, &c, n, opt);
	free(c.rx);
	return iv;
}

typedef struct {
	BootstrapRowsFn fn;
	const void *arg;
	const int *ratings;
	int *resampled;
	size_t n_raters;
	int K;
} RowsCtx;

static MetricValue rows_eval(const void *ctx, const size_t *idx, size_t n)
{
	const RowsCtx *c = ctx;
	size_t width = c->n_raters;

	for (size_t i = 0; i < n; i++)
		memcpy(c->resampled + i * width, c->ratings + idx[i] * width,
		       width * sizeof *c->resampled);
	return c->fn(c->resampled, n, width, c->K, c->arg);
}

MetricInterval bootstrap_rows(BootstrapRowsFn fn, const void *arg, const int *ratings,
			      size_t n_items, size_t n_raters, int K, const BootstrapOptions *opt)
{
	RowsCtx c = { fn, arg, ratings, xmalloc(n_items * n_raters * sizeof *c.resampled),
		      n_raters, K };
	MetricInterval iv = run_items(fn(ratings, n_items, n_raters, K, arg), rows_eval, &c,
				      n_items, opt);

	free(c.resampled);
	return iv;
}
