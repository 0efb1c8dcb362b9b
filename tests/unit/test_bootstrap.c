/* test_bootstrap.c - percentile bootstrap intervals (src/bootstrap.c). The
 * central check: resampling the count table as one multinomial draw gives
 * the same intervals as resampling items one index at a time, within Monte
 * Carlo error, for every table statistic and several confidence levels. */
#include <stdlib.h>

#include "src/agree/bootstrap.h"
#include "src/agree/metrics.h"
#include "src/agree/reliability.h"
#include "tests/unit/test.h"

/* Expands a K x K count table into n label pairs; returns n. */
static size_t expand(const long *t, int K, int *a, int *b)
{
	size_t n = 0;

	for (int i = 0; i < K; i++)
		for (int j = 0; j < K; j++)
			for (long c = 0; c < t[i * K + j]; c++, n++) {
				a[n] = i + 1;
				b[n] = j + 1;
			}
	return n;
}

/* Sixty items, moderate agreement on 1..3 (kappa about 0.5). */
static const long moderate[9] = { 12, 4, 1, 3, 15, 4, 1, 5, 15 };

/* For every statistic and four confidence levels, the multinomial table
 * bootstrap and the item-index bootstrap (with different seeds) give the
 * same intervals within Monte Carlo error. With 10000 resamples of 60 items
 * a quantile's Monte Carlo standard error is about 0.002; percent agreement
 * and MAE move in steps of 1/60 = 0.017, so single ends may differ by a
 * step, while the mean difference over all 72 ends stays near 0.002 (six
 * seed pairs gave 0.0013 to 0.0032). Resampling 54 items instead of 60, a
 * 5% error in the interval widths, gives 0.0045 to 0.0066. */
static void test_table_matches_item_resampling(void)
{
	static const double levels[] = { 0.5, 0.6827, 0.8, 0.95 };
	enum { RESAMPLES = 10000 };
	int a[60], b[60], ends = 0;
	size_t n = expand(moderate, 3, a, b);
	double total = 0;

	CHECK_INT(n, 60);
	for (size_t l = 0; l < sizeof levels / sizeof *levels; l++) {
		BootstrapOptions table_opt = { RESAMPLES, 1, levels[l] };
		BootstrapOptions item_opt = { RESAMPLES, 2, levels[l] };
		MetricInterval by_table[METRICS_STAT_COUNT];

		bootstrap_table(moderate, 3, &table_opt, by_table);
		for (int s = 0; s < METRICS_STAT_COUNT; s++) {
			MetricsStat stat = (MetricsStat)s;
			MetricInterval by_item =
				bootstrap_pairs(metrics_pairs_stat, &stat, a, b, n, 3, &item_opt);

			CHECK(by_table[s].defined && by_item.defined);
			CHECK_NEAR(by_table[s].lo, by_item.lo, 0.025);
			CHECK_NEAR(by_table[s].hi, by_item.hi, 0.025);
			CHECK_INT(by_table[s].resamples, RESAMPLES);
			CHECK_INT(by_item.resamples, RESAMPLES);
			total += fabs(by_table[s].lo - by_item.lo);
			total += fabs(by_table[s].hi - by_item.hi);
			ends += 2;
		}
	}
	CHECK(total / ends < 0.004);
	if (total / ends >= 0.004)
		fprintf(stderr, "  mean difference %.5f\n", total / ends);
}

/* Percent agreement is a binomial proportion: with 700 agreements in 1000
 * items its bootstrap distribution is Binomial(1000, 0.7) / 1000, whose
 * central 95% is 0.7 -+ 1.96 sqrt(0.7 * 0.3 / 1000) = 0.6716 .. 0.7284. */
static void test_percent_interval_analytic(void)
{
	long t[4] = { 400, 150, 150, 300 };
	MetricInterval out[METRICS_STAT_COUNT];

	bootstrap_table(t, 2, NULL, out);
	CHECK(out[METRICS_STAT_PERCENT].defined);
	CHECK_NEAR(out[METRICS_STAT_PERCENT].lo, 0.6716, 0.005);
	CHECK_NEAR(out[METRICS_STAT_PERCENT].hi, 0.7284, 0.005);
	CHECK_INT(out[METRICS_STAT_PERCENT].resamples, BOOTSTRAP_RESAMPLES);
	CHECK_INT(out[METRICS_STAT_PERCENT].undefined, 0);
}

static void test_deterministic(void)
{
	BootstrapOptions defaults = { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, BOOTSTRAP_CONFIDENCE };
	BootstrapOptions other = { BOOTSTRAP_RESAMPLES, 7, BOOTSTRAP_CONFIDENCE };
	MetricInterval x[METRICS_STAT_COUNT], y[METRICS_STAT_COUNT], z[METRICS_STAT_COUNT];
	int a[60], b[60], differ = 0;
	MetricsStat kappa = METRICS_STAT_KAPPA;

	bootstrap_table(moderate, 3, NULL, x);
	bootstrap_table(moderate, 3, &defaults, y);
	bootstrap_table(moderate, 3, &other, z);
	for (int s = 0; s < METRICS_STAT_COUNT; s++) {
		CHECK(x[s].lo == y[s].lo && x[s].hi == y[s].hi);
		differ += x[s].lo != z[s].lo || x[s].hi != z[s].hi;
		/* each interval holds its point estimate */
		CHECK(x[s].lo <= metrics_table_stat(moderate, 3, (MetricsStat)s).value);
		CHECK(x[s].hi >= metrics_table_stat(moderate, 3, (MetricsStat)s).value);
	}
	CHECK(differ > 0);
	expand(moderate, 3, a, b);
	{
		BootstrapPairsFn fn = metrics_pairs_stat;
		MetricInterval p = bootstrap_pairs(fn, &kappa, a, b, 60, 3, NULL);
		MetricInterval q = bootstrap_pairs(fn, &kappa, a, b, 60, 3, &defaults);

		CHECK(p.defined && p.lo == q.lo && p.hi == q.hi);
	}
}

/* Four times the items, half the width (the standard error goes as
 * 1/sqrt(n)). */
static void test_width_shrinks(void)
{
	long big[9];
	MetricInterval small_iv[METRICS_STAT_COUNT], big_iv[METRICS_STAT_COUNT];

	for (int c = 0; c < 9; c++)
		big[c] = 4 * moderate[c];
	bootstrap_table(moderate, 3, NULL, small_iv);
	bootstrap_table(big, 3, NULL, big_iv);
	for (int s = 0; s < METRICS_STAT_COUNT; s++) {
		double ratio = (big_iv[s].hi - big_iv[s].lo) / (small_iv[s].hi - small_iv[s].lo);

		CHECK(ratio > 0.4 && ratio < 0.6);
	}
}

static void test_undefined(void)
{
	/* the first rater always says 2: kappa has no value, nor its interval */
	long constant[9] = { 0, 0, 0, 5, 7, 3, 0, 0, 0 };
	/* three items: a third of resamples give a rater one label */
	long tiny[4] = { 1, 0, 1, 1 };
	MetricInterval out[METRICS_STAT_COUNT];
	BootstrapOptions bad_n = { 0, 1, 0.95 }, bad_c = { 100, 1, 1.0 }, nan_c = { 100, 1, NAN };

	bootstrap_table(constant, 3, NULL, out);
	CHECK(!out[METRICS_STAT_KAPPA].defined);
	CHECK(strstr(out[METRICS_STAT_KAPPA].why, "first rater gave the same label") != NULL);
	CHECK(out[METRICS_STAT_PERCENT].defined);

	bootstrap_table(tiny, 2, NULL, out);
	CHECK(!out[METRICS_STAT_KAPPA].defined);
	CHECK(strstr(out[METRICS_STAT_KAPPA].why, "too few items") != NULL);
	CHECK(out[METRICS_STAT_KAPPA].undefined > 50);
	CHECK_INT(out[METRICS_STAT_KAPPA].resamples, BOOTSTRAP_RESAMPLES);
	CHECK(out[METRICS_STAT_KAPPA].lo == 0 && out[METRICS_STAT_KAPPA].hi == 0);

	bootstrap_table(moderate, 3, &bad_n, out);
	CHECK(!out[0].defined && strstr(out[0].why, "resamples") != NULL);
	bootstrap_table(moderate, 3, &bad_c, out);
	CHECK(!out[0].defined && strstr(out[0].why, "confidence") != NULL);
	bootstrap_table(moderate, 3, &nan_c, out);
	CHECK(!out[0].defined && strstr(out[0].why, "confidence") != NULL);
	bootstrap_table(moderate, 0, NULL, out);
	CHECK(!out[METRICS_STAT_MAE].defined && strstr(out[METRICS_STAT_MAE].why, "scale") != NULL);
}

/* A rare label: 4 of 40 items. About (36/40)^40 = 1.5% of resamples miss all
 * four, leaving the first rater constant; those are left out and counted,
 * and the interval stands. */
static void test_few_undefined_resamples(void)
{
	long t[4] = { 30, 6, 1, 3 };
	MetricInterval out[METRICS_STAT_COUNT];

	bootstrap_table(t, 2, NULL, out);
	CHECK(out[METRICS_STAT_KAPPA].defined);
	CHECK(out[METRICS_STAT_KAPPA].undefined > 0);
	CHECK(out[METRICS_STAT_KAPPA].undefined <= 50);
	CHECK_INT(out[METRICS_STAT_PERCENT].undefined, 0);
}

static void test_scores(void)
{
	double x[40], y[40];
	MetricsStat stats[] = { METRICS_STAT_PEARSON, METRICS_STAT_SPEARMAN,
				METRICS_STAT_KENDALL_TAU_B, METRICS_STAT_MAE };
	MetricsStat kappa = METRICS_STAT_KAPPA;

	for (int i = 0; i < 40; i++) {
		x[i] = i % 10 + 0.5 * (i % 3);
		y[i] = x[i] + (i * 7 % 5) - 2;
	}
	for (size_t s = 0; s < sizeof stats / sizeof *stats; s++) {
		MetricValue v = metrics_scores_stat(x, y, 40, &stats[s]);
		BootstrapScoresFn fn = metrics_scores_stat;
		MetricInterval iv = bootstrap_scores(fn, &stats[s], x, y, 40, NULL);
		MetricInterval again = bootstrap_scores(fn, &stats[s], x, y, 40, NULL);

		CHECK(v.defined && iv.defined);
		CHECK(iv.lo <= v.value && v.value <= iv.hi && iv.lo < iv.hi);
		CHECK(iv.lo == again.lo && iv.hi == again.hi);
	}
	CHECK(!bootstrap_scores(metrics_scores_stat, &kappa, x, y, 40, NULL).defined);
}

/* Krippendorff's example (see test_reliability.c): intervals over resampled
 * units hold the estimates. */
static void test_rows(void)
{
	static const int r[12][4] = {
		{ 1, 1, 0, 1 }, { 2, 2, 3, 2 }, { 3, 3, 3, 3 }, { 3, 3, 3, 3 },
		{ 2, 2, 2, 2 }, { 1, 2, 3, 4 }, { 4, 4, 4, 4 }, { 1, 1, 2, 1 },
		{ 2, 2, 2, 2 }, { 0, 5, 5, 5 }, { 0, 0, 1, 1 }, { 0, 0, 3, 0 },
	};
	ReliabilityStat stats[] = { RELIABILITY_STAT_ALPHA_NOMINAL, RELIABILITY_STAT_ALPHA_INTERVAL,
				    RELIABILITY_STAT_AC1 };
	ReliabilityStat fleiss = RELIABILITY_STAT_FLEISS;
	MetricInterval iv;

	for (size_t s = 0; s < sizeof stats / sizeof *stats; s++) {
		MetricValue v = reliability_stat(&r[0][0], 12, 4, 5, &stats[s]);

		iv = bootstrap_rows(reliability_stat, &stats[s], &r[0][0], 12, 4, 5, NULL);
		CHECK(v.defined && iv.defined);
		CHECK(iv.lo <= v.value && v.value <= iv.hi && iv.lo < iv.hi);
		CHECK(iv.hi <= 1);
	}
	iv = bootstrap_rows(reliability_stat, &fleiss, &r[0][0], 12, 4, 5, NULL);
	CHECK(!iv.defined && strstr(iv.why, "different numbers") != NULL);
}

int main(void)
{
	RUN(test_table_matches_item_resampling);
	RUN(test_percent_interval_analytic);
	RUN(test_deterministic);
	RUN(test_width_shrinks);
	RUN(test_undefined);
	RUN(test_few_undefined_resamples);
	RUN(test_scores);
	RUN(test_rows);
	return test_summary();
}
