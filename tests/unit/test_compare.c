/* test_compare.c - the comparison of two labellers: classes, figures against
 * metrics.h on the raw labels, the jackknife against the plain O(n^2)
 * leave-one-out, the bootstrap's reproducibility and its two resampling
 * methods, categories with Holm. tests/cli/test_compare.sh recomputes every
 * figure in Python. */
#include <math.h>
#include <stdlib.h>

#include "src/agree/compare.h"
#include "src/agree/metrics.h"
#include "src/base/rng.h"
#include "src/base/xalloc.h"
#include "tests/unit/test.h"

static void test_classify(void)
{
	CHECK_INT(compare_classify(3, 2, 3), COMPARE_CLASS_FIXED);
	CHECK_INT(compare_classify(3, 3, 1), COMPARE_CLASS_BROKEN);
	CHECK_INT(compare_classify(3, 1, 2), COMPARE_CLASS_CLOSER);
	CHECK_INT(compare_classify(3, 4, 5), COMPARE_CLASS_FARTHER);
	CHECK_INT(compare_classify(3, 2, 4), COMPARE_CLASS_MOVED);
	CHECK_INT(compare_classify(3, 2, 2), COMPARE_CLASS_UNCHANGED);
	CHECK_INT(compare_classify(3, 3, 3), COMPARE_CLASS_UNCHANGED);
	CHECK_STR(compare_class_name(COMPARE_CLASS_MOVED), "moved");
	CHECK_STR(compare_class_name((CompareClass)99), "?");
	CHECK_STR(compare_figure_name(COMPARE_FIGURE_KAPPA_QUADRATIC), "kappa, quadratic weights");
}

/* n items on 1..5: the human label, A right about 60% of the time, B about
 * 70%, both otherwise off by a step or random; a category from 0..3. */
static void make_items(int *h, int *a, int *b, int *cat, size_t n, uint64_t seed)
{
	Rng rng;

	rng_seed(&rng, seed);
	for (size_t i = 0; i < n; i++) {
		int *lab[2] = { &a[i], &b[i] };
		uint64_t right[2] = { 6, 7 };

		h[i] = 1 + (int)rng_below(&rng, 5);
		for (int k = 0; k < 2; k++) {
			uint64_t r = rng_below(&rng, 10);

			if (r < right[k])
				*lab[k] = h[i];
			else if (r < 9)
				*lab[k] = h[i] < 5 ? h[i] + 1 : h[i] - 1;
			else
				*lab[k] = 1 + (int)rng_below(&rng, 5);
		}
		if (cat)
			cat[i] = (int)rng_below(&rng, 4);
	}
}

static MetricsStat figure_stat(int f)
{
	static const MetricsStat s[] = { METRICS_STAT_KAPPA, METRICS_STAT_KAPPA_LINEAR,
					 METRICS_STAT_KAPPA_QUADRATIC, METRICS_STAT_PERCENT };
	return s[f];
}

/* The jackknife SE of B - A the slow way: n leave-one-out arrays. */
static double naive_jackknife(const int *h, const int *a, const int *b, size_t n, int f)
{
	int *hh = xmalloc(3 * n * sizeof *hh), *aa = hh + n, *bb = aa + n;
	double *v = xmalloc(n * sizeof *v), mean = 0, ss = 0;

	for (size_t i = 0; i < n; i++) {
		size_t m = 0;

		for (size_t j = 0; j < n; j++) {
			if (j == i)
				continue;
			hh[m] = h[j], aa[m] = a[j], bb[m] = b[j];
			m++;
		}
		v[i] = metrics_labels_stat(hh, bb, m, 5, figure_stat(f)).value -
		       metrics_labels_stat(hh, aa, m, 5, figure_stat(f)).value;
		mean += v[i];
	}
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	free(hh);
	free(v);
	return sqrt((double)(n - 1) / (double)n * ss);
}

static void test_figures(void)
{
	enum { N = 300 };
	int h[N], a[N], b[N];
	long classes[COMPARE_CLASS_COUNT] = { 0 };
	CompareOptions opt = { 200, 7, 0.95, 0.8, COMPARE_RESAMPLE_AUTO };
	CompareResult r;

	make_items(h, a, b, NULL, N, 1);
	CHECK_INT(compare_run(h, a, b, NULL, N, 5, 0, &opt, &r), STATUS_OK);
	CHECK_INT(r.all.n, N);
	for (size_t i = 0; i < N; i++) {
		CHECK_INT(r.item_class[i], compare_classify(h[i], a[i], b[i]));
		classes[compare_classify(h[i], a[i], b[i])]++;
	}
	for (int c = 0; c < COMPARE_CLASS_COUNT; c++)
		CHECK_INT(r.all.classes[c], classes[c]);
	CHECK_INT(r.all.mcnemar.b, classes[COMPARE_CLASS_BROKEN]);
	CHECK_INT(r.all.mcnemar.c, classes[COMPARE_CLASS_FIXED]);
	CHECK_INT(r.all.toward, classes[COMPARE_CLASS_FIXED] + classes[COMPARE_CLASS_CLOSER]);
	CHECK_INT(r.all.away, classes[COMPARE_CLASS_BROKEN] + classes[COMPARE_CLASS_FARTHER]);
	for (int f = 0; f < COMPARE_FIGURE_COUNT; f++) {
		const CompareFigure *g = &r.all.figure[f];
		double ka = metrics_labels_stat(h, a, N, 5, figure_stat(f)).value;
		double kb = metrics_labels_stat(h, b, N, 5, figure_stat(f)).value;

		CHECK_NEAR(g->a.value, ka, 1e-12);
		CHECK_NEAR(g->b.value, kb, 1e-12);
		CHECK_NEAR(g->diff.value, kb - ka, 1e-12);
		CHECK_NEAR(g->se_diff.value, naive_jackknife(h, a, b, N, f), 1e-12);
		CHECK(g->ci_diff.defined && g->ci_diff.lo < g->diff.value &&
		      g->diff.value < g->ci_diff.hi);
		CHECK_NEAR(g->mdd.value, 2.801585218 * g->se_diff.value, 1e-8);
		CHECK_NEAR(g->p_diff, g->p_diff_holm, 0);
	}
	CHECK_INT(r.all.resamples, 200);
	CHECK_INT(r.all.seed, 7);
	compare_result_free(&r);
	CHECK(r.item_class == NULL);
}

/* The same seed gives the same interval; another seed another one; the two
 * resampling methods draw from the same distribution, so at 2,000 items and
 * 2,000 resamples their 95% limits agree to Monte Carlo error. */
static void test_bootstrap(void)
{
	enum { N = 2000 };
	int *h = xmalloc(3 * N * sizeof *h), *a = h + N, *b = a + N;
	CompareOptions opt = { 2000, 11, 0.95, 0.8, COMPARE_RESAMPLE_ITEMS };
	CompareResult r1, r2, r3, r4;
	const int q = COMPARE_FIGURE_KAPPA_QUADRATIC;

	make_items(h, a, b, NULL, N, 2);
	compare_run(h, a, b, NULL, N, 5, 0, &opt, &r1);
	compare_run(h, a, b, NULL, N, 5, 0, &opt, &r2);
	opt.seed = 12;
	compare_run(h, a, b, NULL, N, 5, 0, &opt, &r3);
	opt.resampling = COMPARE_RESAMPLE_TRIPLES;
	compare_run(h, a, b, NULL, N, 5, 0, &opt, &r4);
	CHECK_INT(r1.all.resampled_by, COMPARE_RESAMPLE_ITEMS);
	CHECK_INT(r4.all.resampled_by, COMPARE_RESAMPLE_TRIPLES);
	CHECK(r1.all.figure[q].ci_diff.lo == r2.all.figure[q].ci_diff.lo);
	CHECK(r1.all.figure[q].ci_diff.hi == r2.all.figure[q].ci_diff.hi);
	CHECK(r1.all.figure[q].ci_diff.lo != r3.all.figure[q].ci_diff.lo);
	/* the limits sit about 2 SE from the estimate; their Monte Carlo error
	 * at 2,000 resamples is about 0.1 SE */
	for (int f = 0; f < COMPARE_FIGURE_COUNT; f++) {
		double se = r1.all.figure[f].se_diff.value;

		CHECK_NEAR(r1.all.figure[f].ci_diff.lo, r4.all.figure[f].ci_diff.lo, 0.4 * se);
		CHECK_NEAR(r1.all.figure[f].ci_diff.hi, r4.all.figure[f].ci_diff.hi, 0.4 * se);
		/* and the bootstrap's spread matches the jackknife's */
		CHECK_NEAR((r1.all.figure[f].ci_diff.hi - r1.all.figure[f].ci_diff.lo) /
				   (2 * 1.959963984540054),
			   se, 0.15 * se);
	}
	compare_result_free(&r1);
	compare_result_free(&r2);
	compare_result_free(&r3);
	compare_result_free(&r4);
	free(h);
}

/* Per category: each summary equals a comparison run on that category's
 * items alone; Holm never lowers a p-value. */
static void test_categories(void)
{
	enum { N = 400 };
	int h[N], a[N], b[N], cat[N], sh[N], sa[N], sb[N];
	CompareOptions opt = { 100, 3, 0.9, 0.9, COMPARE_RESAMPLE_AUTO };
	CompareResult r, one;

	make_items(h, a, b, cat, N, 3);
	cat[0] = -1; /* counts only overall */
	CHECK_INT(compare_run(h, a, b, cat, N, 5, 5, &opt, &r), STATUS_OK);
	CHECK_INT(r.n_categories, 5);
	CHECK_INT(r.category[4].n, 0);
	CHECK(!r.category[4].figure[0].a.defined);
	CHECK(r.category[4].figure[0].a.why != NULL);
	CHECK(r.category[4].figure[0].mdd.why != NULL);
	for (int c = 0; c < 4; c++) {
		size_t m = 0;

		for (size_t i = 0; i < N; i++)
			if (cat[i] == c)
				sh[m] = h[i], sa[m] = a[i], sb[m] = b[i], m++;
		compare_run(sh, sa, sb, NULL, m, 5, 0, &opt, &one);
		CHECK_INT(r.category[c].n, m);
		for (int f = 0; f < COMPARE_FIGURE_COUNT; f++) {
			const CompareFigure *x = &r.category[c].figure[f], *y = &one.all.figure[f];

			CHECK_NEAR(x->diff.value, y->diff.value, 0);
			CHECK_NEAR(x->se_diff.value, y->se_diff.value, 0);
			CHECK_NEAR(x->ci_diff.lo, y->ci_diff.lo, 0);
			CHECK(x->p_diff_holm >= x->p_diff);
		}
		CHECK(r.category[c].mcnemar_p_holm >= r.category[c].mcnemar.p_exact);
		CHECK(r.category[c].sign_p_holm >= r.category[c].sign_p);
		compare_result_free(&one);
	}
	compare_result_free(&r);
}

static void test_edges(void)
{
	int h[3] = { 1, 2, 3 }, a[3] = { 1, 2, 3 }, b[3] = { 1, 2, 4 }, cat[3] = { 0, 1, 2 };
	CompareOptions opt = { 0, 1, 0.95, 0.8, COMPARE_RESAMPLE_AUTO };
	CompareResult r;

	CHECK_INT(compare_run(h, a, b, NULL, 3, 3, 0, NULL, &r), STATUS_ERR_INPUT);
	compare_result_free(&r);
	CHECK_INT(compare_run(h, a, b, NULL, 0, 4, 0, NULL, &r), STATUS_ERR_INPUT);
	CHECK_INT(compare_run(h, a, b, cat, 3, 4, 2, NULL, &r), STATUS_ERR_INPUT);
	opt.confidence = 1;
	CHECK_INT(compare_run(h, a, b, NULL, 3, 4, 0, &opt, &r), STATUS_ERR_INPUT);
	opt.confidence = 0.95;
	CHECK_INT(compare_run(h, a, b, NULL, 3, 4, 0, &opt, &r), STATUS_OK);
	CHECK(r.all.figure[0].a.defined);
	CHECK(!r.all.figure[0].ci_diff.defined);
	CHECK_STR(r.all.figure[0].ci_diff.why, "no resamples were asked for");
	/* leaving out item 3 makes B use only labels 1 and 2 - still defined;
	 * the human label 3 leaves with it, still two levels: defined */
	CHECK(r.all.figure[0].se_a.defined);
	CHECK_INT(r.all.classes[COMPARE_CLASS_BROKEN], 1);
	CHECK_INT(r.all.classes[COMPARE_CLASS_UNCHANGED], 2);
	compare_result_free(&r);
	/* two items: a leave-one-out of one item has no kappa */
	CHECK_INT(compare_run(h, a, b, NULL, 2, 4, 0, &opt, &r), STATUS_OK);
	CHECK(!r.all.figure[0].se_diff.defined);
	CHECK(!r.all.figure[0].mdd.defined);
	CHECK(isnan(r.all.figure[0].p_diff));
	compare_result_free(&r);
	compare_result_free(NULL);
}

int main(void)
{
	RUN(test_classify);
	RUN(test_figures);
	RUN(test_bootstrap);
	RUN(test_categories);
	RUN(test_edges);
	return test_summary();
}
