/* compare.c - two labellers against the human label (see compare.h).
 *
 * Every figure depends on the items only through the counts of their
 * (human, A, B) label triples, so a set of items is first reduced to its
 * occupied triples; the jackknife and the bootstrap then work on those
 * counts. For K labels there are at most K^3 triples whatever the number of
 * items. */
#include "src/agree/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/rng.h"
#include "src/base/xalloc.h"

/* A multinomial over the triples costs about as much as this many index
 * draws per occupied triple (a binomial draw takes logs and a few uniforms,
 * and each resample rebuilds two K x K tables): about 320 ns per triple
 * against 5 ns per index on the bench machine (tests/bench/bench_stats.c).
 * AUTO draws indices below that, which only happens for few items. */
#define TRIPLE_DRAW_COST 64

/* Series kept per figure: A, B and B - A. */
enum { SERIES_A, SERIES_B, SERIES_DIFF, SERIES_COUNT };
#define SERIES_ALL (SERIES_COUNT * COMPARE_FIGURE_COUNT)

static const struct {
	const char *name, *help;
} class_info[] = {
#define COMPARE_CLASS_INFO(id, name, help) { name, help },
	COMPARE_CLASS_LIST(COMPARE_CLASS_INFO)
#undef COMPARE_CLASS_INFO
};

static const MetricsStat figure_stat[] = {
#define COMPARE_FIGURE_STAT(id, stat, name) stat,
	COMPARE_FIGURE_LIST(COMPARE_FIGURE_STAT)
#undef COMPARE_FIGURE_STAT
};

static const char *const figure_names[] = {
#define COMPARE_FIGURE_NAME(id, stat, name) name,
	COMPARE_FIGURE_LIST(COMPARE_FIGURE_NAME)
#undef COMPARE_FIGURE_NAME
};

static const char WHY_NO_RESAMPLES[] = "no resamples were asked for";
static const char WHY_JACKKNIFE[] = "leaving one item out makes the figure undefined; "
				    "too few items for a standard error";
static const char WHY_NO_SE[] = "no standard error, so no detectable difference";

typedef struct {
	int h, a, b;
} Triple;

/* Scratch shared by every set of items of one comparison. */
typedef struct {
	int K;
	int *slot;		/* K^3 entries: the triple's index, or -1 */
	Triple *triple;		/* occupied triples of the current set */
	long *mult;		/* items in each */
	long *count;		/* a resample's count of each */
	size_t n_triples, cap;
	size_t *item_triple;	/* the triple of each item of the set */
	long *ta, *tb;		/* K x K tables: (h, a) and (h, b) */
	double *draws;		/* SERIES_ALL x resamples bootstrap values */
	double *loo;		/* SERIES_ALL x triples leave-one-out values */
} Work;

const char *compare_class_name(CompareClass c)
{
	return (unsigned)c < COMPARE_CLASS_COUNT ? class_info[c].name : "?";
}

const char *compare_class_help(CompareClass c)
{
	return (unsigned)c < COMPARE_CLASS_COUNT ? class_info[c].help : "?";
}

const char *compare_figure_name(CompareFigureId f)
{
	return (unsigned)f < COMPARE_FIGURE_COUNT ? figure_names[f] : "?";
}

CompareClass compare_classify(int h, int a, int b)
{
	int da = abs(a - h), db = abs(b - h);

	if (a == b)
		return COMPARE_CLASS_UNCHANGED;
	if (da > 0 && db == 0)
		return COMPARE_CLASS_FIXED;
	if (da == 0)
		return COMPARE_CLASS_BROKEN;
	if (db < da)
		return COMPARE_CLASS_CLOSER;
	return db > da ? COMPARE_CLASS_FARTHER : COMPARE_CLASS_MOVED;
}

static MetricValue value_undefined(const char *why)
{
	return (MetricValue){ .defined = 0, .value = 0, .why = why };
}

static MetricValue value_defined(double v)
{
	return (MetricValue){ .defined = 1, .value = v, .why = NULL };
}

/* Reduces the items idx[0..m-1] to their occupied triples. */
static void triples_build(Work *w, const int *h, const int *a, const int *b, const size_t *idx,
			  size_t m)
{
	size_t K = (size_t)w->K;

	w->n_triples = 0;
	for (size_t j = 0; j < m; j++) {
		size_t i = idx[j];
		size_t id = ((size_t)(h[i] - 1) * K + (size_t)(a[i] - 1)) * K + (size_t)(b[i] - 1);
		int s = w->slot[id];

		if (s < 0) {
			s = (int)w->n_triples++;
			w->triple[s] = (Triple){ h[i], a[i], b[i] };
			w->mult[s] = 0;
			w->slot[id] = s;
		}
		w->mult[s]++;
		w->item_triple[j] = (size_t)s;
	}
	for (size_t t = 0; t < w->n_triples; t++) {
		const Triple *tr = &w->triple[t];

		w->slot[((size_t)(tr->h - 1) * K + (size_t)(tr->a - 1)) * K + (size_t)(tr->b - 1)] = -1;
	}
}

/* The (h, a) and (h, b) tables of the triples weighted by count. */
static void tables_fill(Work *w, const long *count)
{
	int K = w->K;

	memset(w->ta, 0, (size_t)K * (size_t)K * sizeof *w->ta);
	memset(w->tb, 0, (size_t)K * (size_t)K * sizeof *w->tb);
	for (size_t t = 0; t < w->n_triples; t++) {
		const Triple *tr = &w->triple[t];

		w->ta[(tr->h - 1) * K + tr->a - 1] += count[t];
		w->tb[(tr->h - 1) * K + tr->b - 1] += count[t];
	}
}

/* Every figure of A and B, and B - A, of the current tables, into
 * v[SERIES_ALL] (index figure * SERIES_COUNT + series). */
static void figures_eval(const Work *w, MetricValue *v)
{
	for (int f = 0; f < COMPARE_FIGURE_COUNT; f++) {
		MetricValue *s = v + f * SERIES_COUNT;

		s[SERIES_A] = metrics_table_stat(w->ta, w->K, figure_stat[f]);
		s[SERIES_B] = metrics_table_stat(w->tb, w->K, figure_stat[f]);
		if (s[SERIES_A].defined && s[SERIES_B].defined)
			s[SERIES_DIFF] = value_defined(s[SERIES_B].value - s[SERIES_A].value);
		else
			s[SERIES_DIFF] = s[SERIES_A].defined ? s[SERIES_B] : s[SERIES_A];
	}
}

static MetricValue *figure_value(CompareFigure *f, int series)
{
	return series == SERIES_A ? &f->a : series == SERIES_B ? &f->b : &f->diff;
}

static MetricValue *figure_se(CompareFigure *f, int series)
{
	return series == SERIES_A ? &f->se_a : series == SERIES_B ? &f->se_b : &f->se_diff;
}

static MetricInterval *figure_ci(CompareFigure *f, int series)
{
	return series == SERIES_A ? &f->ci_a : series == SERIES_B ? &f->ci_b : &f->ci_diff;
}

/* Leave-one-out values, one per occupied triple: remove one of its items
 * from both tables, evaluate, put it back. */
static void jackknife_values(Work *w, int *undefined)
{
	int K = w->K;
	MetricValue v[SERIES_ALL];

	tables_fill(w, w->mult);
	for (size_t t = 0; t < w->n_triples; t++) {
		const Triple *tr = &w->triple[t];
		long *ca = &w->ta[(tr->h - 1) * K + tr->a - 1], *cb = &w->tb[(tr->h - 1) * K + tr->b - 1];

		--*ca, --*cb;
		figures_eval(w, v);
		++*ca, ++*cb;
		for (int s = 0; s < SERIES_ALL; s++) {
			undefined[s] |= !v[s].defined;
			w->loo[(size_t)s * w->n_triples + t] = v[s].value;
		}
	}
}

/* SE = sqrt((n - 1) / n * sum_i (T_(i) - mean)^2), item i's value being its
 * triple's; two passes, since the values differ only in late digits. */
static void jackknife(Work *w, size_t n, CompareSummary *out)
{
	int undefined[SERIES_ALL] = { 0 };
	double dn = (double)n;

	jackknife_values(w, undefined);
	for (int s = 0; s < SERIES_ALL; s++) {
		const double *v = w->loo + (size_t)s * w->n_triples;
		MetricValue *se = figure_se(&out->figure[s / SERIES_COUNT], s % SERIES_COUNT);
		double mean = 0, ss = 0;

		if (!figure_value(&out->figure[s / SERIES_COUNT], s % SERIES_COUNT)->defined ||
		    undefined[s] || n < 2) {
			*se = value_undefined(WHY_JACKKNIFE);
			continue;
		}
		for (size_t t = 0; t < w->n_triples; t++)
			mean += (double)w->mult[t] * v[t];
		mean /= dn;
		for (size_t t = 0; t < w->n_triples; t++)
			ss += (double)w->mult[t] * (v[t] - mean) * (v[t] - mean);
		*se = value_defined(sqrt((dn - 1) / dn * ss));
	}
}

/* One resample's triple counts, by either method. */
static void resample_draw(Work *w, Rng *rng, size_t m, int by_items)
{
	if (!by_items) {
		rng_multinomial(rng, (long)m, w->mult, w->n_triples, w->count);
		return;
	}
	memset(w->count, 0, w->n_triples * sizeof *w->count);
	for (size_t j = 0; j < m; j++)
		w->count[w->item_triple[rng_below(rng, m)]]++;
}

static int resample_by_items(const Work *w, size_t m, CompareResampling how)
{
	if (how == COMPARE_RESAMPLE_AUTO)
		return w->n_triples * TRIPLE_DRAW_COST >= m;
	return how == COMPARE_RESAMPLE_ITEMS;
}

static void bootstrap(Work *w, size_t m, const CompareOptions *o, CompareSummary *out)
{
	int R = o->resamples, undefined[SERIES_ALL] = { 0 };
	int by_items = resample_by_items(w, m, o->resampling);
	MetricValue v[SERIES_ALL];
	Rng rng;

	out->resampled_by = by_items ? COMPARE_RESAMPLE_ITEMS : COMPARE_RESAMPLE_TRIPLES;
	rng_seed(&rng, o->seed);
	for (int r = 0; r < R; r++) {
		resample_draw(w, &rng, m, by_items);
		tables_fill(w, w->count);
		figures_eval(w, v);
		for (int s = 0; s < SERIES_ALL; s++) {
			if (v[s].defined)
				w->draws[(size_t)s * (size_t)R + (size_t)(r - undefined[s])] = v[s].value;
			else
				undefined[s]++;
		}
	}
	for (int s = 0; s < SERIES_ALL; s++) {
		CompareFigure *f = &out->figure[s / SERIES_COUNT];
		MetricValue *estimate = figure_value(f, s % SERIES_COUNT);

		if (estimate->defined)
			*figure_ci(f, s % SERIES_COUNT) = bootstrap_percentile(
				w->draws + (size_t)s * (size_t)R, R, undefined[s], o->confidence);
	}
}

static MetricInterval interval_undefined(const char *why)
{
	return (MetricInterval){ .defined = 0, .why = why };
}

/* The point figures, and every interval undefined until the bootstrap
 * fills it. */
static void point_figures(Work *w, CompareSummary *out)
{
	MetricValue v[SERIES_ALL];

	tables_fill(w, w->mult);
	figures_eval(w, v);
	for (int s = 0; s < SERIES_ALL; s++) {
		CompareFigure *f = &out->figure[s / SERIES_COUNT];

		*figure_value(f, s % SERIES_COUNT) = v[s];
		*figure_se(f, s % SERIES_COUNT) = value_undefined(v[s].defined ? WHY_JACKKNIFE : v[s].why);
		*figure_ci(f, s % SERIES_COUNT) =
			interval_undefined(v[s].defined ? WHY_NO_RESAMPLES : v[s].why);
	}
}

/* The jackknife z test of B - A = 0 and the smallest detectable
 * difference, from the difference's standard error. */
static void figure_tests(CompareFigure *f, const CompareOptions *o)
{
	double z = stattest_normal_quantile(1 - (1 - o->confidence) / 2) +
		   stattest_normal_quantile(o->power);

	f->p_diff = f->p_diff_holm = NAN;
	if (!f->diff.defined || !f->se_diff.defined) {
		f->mdd = value_undefined(f->diff.defined ? WHY_NO_SE : f->diff.why);
		return;
	}
	f->mdd = value_defined(z * f->se_diff.value);
	if (f->se_diff.value > 0)
		f->p_diff = 2 * stattest_normal_cdf(-fabs(f->diff.value) / f->se_diff.value);
	else if (f->diff.value == 0)
		f->p_diff = 1; /* A and B agree on every item */
	f->p_diff_holm = f->p_diff;
}

static void class_tests(const Work *w, CompareSummary *out)
{
	long *c = out->classes;

	for (size_t t = 0; t < w->n_triples; t++) {
		const Triple *tr = &w->triple[t];

		c[compare_classify(tr->h, tr->a, tr->b)] += w->mult[t];
	}
	out->mcnemar = stattest_mcnemar(c[COMPARE_CLASS_BROKEN], c[COMPARE_CLASS_FIXED]);
	out->mcnemar_p_holm = out->mcnemar.p_exact;
	out->toward = c[COMPARE_CLASS_FIXED] + c[COMPARE_CLASS_CLOSER];
	out->away = c[COMPARE_CLASS_BROKEN] + c[COMPARE_CLASS_FARTHER];
	out->sign_p = out->sign_p_holm = stattest_sign_p(out->toward, out->away);
}

/* Every figure of the items idx[0..m-1]. */
static void summarize(Work *w, const int *h, const int *a, const int *b, const size_t *idx,
		      size_t m, const CompareOptions *o, CompareSummary *out)
{
	memset(out, 0, sizeof *out);
	out->n = m;
	out->resamples = o->resamples;
	out->seed = o->seed;
	out->confidence = o->confidence;
	out->power = o->power;
	triples_build(w, h, a, b, idx, m);
	point_figures(w, out);
	class_tests(w, out);
	out->resampled_by = resample_by_items(w, m, o->resampling) ? COMPARE_RESAMPLE_ITEMS
								    : COMPARE_RESAMPLE_TRIPLES;
	if (m > 0) {
		jackknife(w, m, out);
		if (o->resamples > 0)
			bootstrap(w, m, o, out);
	}
	for (int f = 0; f < COMPARE_FIGURE_COUNT; f++)
		figure_tests(&out->figure[f], o);
}

static Status options_resolve(const CompareOptions *opt, CompareOptions *o)
{
	*o = opt ? *opt
		 : (CompareOptions){ BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, BOOTSTRAP_CONFIDENCE,
				     COMPARE_POWER, COMPARE_RESAMPLE_AUTO };
	if (o->resamples < 0)
		return status_fail(STATUS_ERR_INPUT, "the number of resamples must not be negative");
	if (!(o->confidence > 0 && o->confidence < 1))
		return status_fail(STATUS_ERR_INPUT, "the confidence level must lie strictly between 0 and 1");
	if (!(o->power > 0 && o->power < 1))
		return status_fail(STATUS_ERR_INPUT, "the power must lie strictly between 0 and 1");
	if ((unsigned)o->resampling > COMPARE_RESAMPLE_TRIPLES)
		return status_fail(STATUS_ERR_INPUT, "unknown resampling method");
	return STATUS_OK;
}

static Status input_check(const int *h, const int *a, const int *b, const int *category,
			  size_t n, int K, int n_categories)
{
	if (K < 1 || K > METRICS_MAX_LEVELS)
		return status_fail(STATUS_ERR_INPUT, "the scale must have 1 to %d levels",
				   METRICS_MAX_LEVELS);
	if (n == 0)
		return status_fail(STATUS_ERR_INPUT, "no item has both labellers' labels and a human label");
	if (n_categories < 0 || (!category && n_categories > 0))
		return status_fail(STATUS_ERR_INPUT, "categories were counted but not given");
	for (size_t i = 0; i < n; i++) {
		if (h[i] < 1 || h[i] > K || a[i] < 1 || a[i] > K || b[i] < 1 || b[i] > K)
			return status_fail(STATUS_ERR_INPUT, "item %zu: a label lies outside 1..%d",
					   i + 1, K);
		if (category && (category[i] < -1 || category[i] >= n_categories))
			return status_fail(STATUS_ERR_INPUT, "item %zu: category %d outside 0..%d",
					   i + 1, category[i], n_categories - 1);
	}
	return STATUS_OK;
}

static void work_init(Work *w, int K, size_t n, int resamples)
{
	size_t cube = (size_t)K * (size_t)K * (size_t)K, cap = cube < n ? cube : n;

	memset(w, 0, sizeof *w);
	w->K = K;
	w->cap = cap;
	w->slot = xmalloc(cube * sizeof *w->slot);
	memset(w->slot, 0xff, cube * sizeof *w->slot); /* every int -1 */
	w->triple = xmalloc(cap * sizeof *w->triple);
	w->mult = xmalloc(2 * cap * sizeof *w->mult);
	w->count = w->mult + cap;
	w->item_triple = xmalloc(n * sizeof *w->item_triple);
	w->ta = xmalloc(2 * (size_t)K * (size_t)K * sizeof *w->ta);
	w->tb = w->ta + (size_t)K * (size_t)K;
	w->draws = xmalloc((size_t)SERIES_ALL * (size_t)(resamples > 0 ? resamples : 1) *
			   sizeof *w->draws);
	w->loo = xmalloc((size_t)SERIES_ALL * cap * sizeof *w->loo);
}

static void work_free(Work *w)
{
	free(w->slot);
	free(w->triple);
	free(w->mult);
	free(w->item_triple);
	free(w->ta);
	free(w->draws);
	free(w->loo);
}

/* Where a summary keeps a test's p-value (which = 0) and its adjusted value
 * (which = 1); NULL when the test had nothing to test (no discordant item,
 * no change of distance), which then stays out of Holm's count. */
typedef double *(*PField)(CompareSummary *s, int which);

static double *p_mcnemar(CompareSummary *s, int which)
{
	if (s->mcnemar.b + s->mcnemar.c == 0)
		return NULL;
	return which ? &s->mcnemar_p_holm : &s->mcnemar.p_exact;
}

static double *p_sign(CompareSummary *s, int which)
{
	if (s->toward + s->away == 0)
		return NULL;
	return which ? &s->sign_p_holm : &s->sign_p;
}

/* A figure's jackknife p, or NULL when A and B gave the same label on
 * every item: no discordant item, nothing tested (its p of 1 says so), and
 * like McNemar's and the sign test's it stays out of Holm's count. */
static double *p_figure(CompareSummary *s, int figure, int which)
{
	if (s->classes[COMPARE_CLASS_UNCHANGED] == (long)s->n)
		return NULL;
	return which ? &s->figure[figure].p_diff_holm : &s->figure[figure].p_diff;
}

static void holm_across(CompareResult *r, PField field, int figure)
{
	int C = r->n_categories;
	double *p = xmalloc((size_t)(C ? C : 1) * sizeof *p);

	for (int c = 0; c < C; c++) {
		CompareSummary *s = &r->category[c];
		double *src = field ? field(s, 0) : p_figure(s, figure, 0);

		p[c] = src ? *src : NAN;
	}
	stattest_holm(p, (size_t)C, p);
	for (int c = 0; c < C; c++) {
		CompareSummary *s = &r->category[c];
		double *dst = field ? field(s, 1) : p_figure(s, figure, 1);

		if (dst && !isnan(p[c]))
			*dst = p[c];
	}
	free(p);
}

/* Item indices grouped by category (a counting sort); start[c] .. start[c+1]
 * delimit category c. Items without a category are left out. */
static size_t *group_by_category(const int *category, size_t n, int C, size_t *start)
{
	size_t *order = xmalloc((n ? n : 1) * sizeof *order), *next;

	memset(start, 0, ((size_t)C + 1) * sizeof *start);
	for (size_t i = 0; i < n; i++)
		if (category[i] >= 0)
			start[category[i] + 1]++;
	for (int c = 0; c < C; c++)
		start[c + 1] += start[c];
	next = xmalloc(((size_t)C + 1) * sizeof *next);
	memcpy(next, start, ((size_t)C + 1) * sizeof *next);
	for (size_t i = 0; i < n; i++)
		if (category[i] >= 0)
			order[next[category[i]]++] = i;
	free(next);
	return order;
}

static void categories_summarize(Work *w, const int *h, const int *a, const int *b,
				 const int *category, size_t n, const CompareOptions *o,
				 CompareResult *r)
{
	int C = r->n_categories;
	size_t *start = xmalloc(((size_t)C + 1) * sizeof *start);
	size_t *order = group_by_category(category, n, C, start);

	r->category = xcalloc((size_t)C, sizeof *r->category);
	for (int c = 0; c < C; c++)
		summarize(w, h, a, b, order + start[c], start[c + 1] - start[c], o,
			  &r->category[c]);
	holm_across(r, p_mcnemar, 0);
	holm_across(r, p_sign, 0);
	for (int f = 0; f < COMPARE_FIGURE_COUNT; f++)
		holm_across(r, NULL, f);
	free(order);
	free(start);
}

Status compare_run(const int *human, const int *a, const int *b, const int *category, size_t n,
		   int K, int n_categories, const CompareOptions *opt, CompareResult *out)
{
	CompareOptions o;
	Status st;
	size_t *all;
	Work w;

	memset(out, 0, sizeof *out);
	if ((st = options_resolve(opt, &o)) != STATUS_OK)
		return st;
	if ((st = input_check(human, a, b, category, n, K, n_categories)) != STATUS_OK)
		return st;
	out->n = n;
	out->n_categories = n_categories;
	out->item_class = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		out->item_class[i] = (unsigned char)compare_classify(human[i], a[i], b[i]);
	work_init(&w, K, n, o.resamples);
	all = xmalloc(n * sizeof *all);
	for (size_t i = 0; i < n; i++)
		all[i] = i;
	summarize(&w, human, a, b, all, n, &o, &out->all);
	free(all);
	if (n_categories > 0)
		categories_summarize(&w, human, a, b, category, n, &o, out);
	work_free(&w);
	return STATUS_OK;
}

void compare_result_free(CompareResult *r)
{
	if (!r)
		return;
	free(r->category);
	free(r->item_class);
	memset(r, 0, sizeof *r);
}
