/* test_stattest.c - distributions and tests against published values and
 * sums worked by hand. tests/cli/test_compare.sh checks them again against
 * an independent Python implementation on many generated cases. */
#include <math.h>

#include "src/agree/stattest.h"
#include "tests/unit/test.h"

/* Quantiles of the standard normal as published (Abramowitz & Stegun table
 * 26.5; scipy.stats.norm.ppf gives the same digits). */
static void test_normal(void)
{
	CHECK_NEAR(stattest_normal_quantile(0.975), 1.959963984540054, 1e-15);
	CHECK_NEAR(stattest_normal_quantile(0.95), 1.6448536269514722, 1e-15);
	CHECK_NEAR(stattest_normal_quantile(0.8), 0.8416212335729143, 1e-15);
	CHECK_NEAR(stattest_normal_quantile(0.5), 0, 0);
	CHECK_NEAR(stattest_normal_quantile(0.025), -1.959963984540054, 1e-15);
	CHECK_NEAR(stattest_normal_quantile(1e-10), -6.361340902404056, 1e-12);
	CHECK(isnan(stattest_normal_quantile(0)));
	CHECK(isnan(stattest_normal_quantile(1)));
	CHECK(isnan(stattest_normal_quantile(NAN)));
	CHECK_NEAR(stattest_normal_cdf(1.959963984540054), 0.975, 1e-15);
	CHECK_NEAR(stattest_normal_cdf(-8), 6.22096057427178e-16, 1e-28);
	for (double p = 0.001; p < 1; p += 0.0137)
		CHECK_NEAR(stattest_normal_cdf(stattest_normal_quantile(p)), p, 1e-14);
	/* chi-square(1) tail at its 95% point, 1.959964^2 */
	CHECK_NEAR(stattest_chisq1_upper(3.841458820694124), 0.05, 1e-14);
	CHECK_NEAR(stattest_chisq1_upper(0), 1, 0);
}

/* Two-sided sign test at p = 1/2, summed by hand: 3 of 10 gives
 * 2 (1 + 10 + 45 + 120) / 1024. */
static void test_sign(void)
{
	CHECK_NEAR(stattest_sign_p(3, 7), 0.34375, 1e-15);
	CHECK_NEAR(stattest_sign_p(7, 3), 0.34375, 1e-15);
	CHECK_NEAR(stattest_sign_p(0, 10), 2.0 / 1024, 1e-17);
	CHECK_NEAR(stattest_sign_p(0, 1), 1, 0);
	CHECK_NEAR(stattest_sign_p(5, 5), 1, 0);
	CHECK_NEAR(stattest_sign_p(0, 0), 1, 0);
	CHECK_NEAR(stattest_sign_p(1, 20), 2 * 22.0 / 2097152, 1e-17);
	CHECK(isnan(stattest_sign_p(-1, 3)));
	/* far in the tail at a million trials: tiny but positive, and symmetric */
	CHECK(stattest_sign_p(490000, 510000) > 0);
	CHECK(stattest_sign_p(490000, 510000) < 1e-80);
	CHECK_NEAR(stattest_sign_p(499000, 501000) / stattest_sign_p(501000, 499000), 1, 1e-12);
}

/* R's mcnemar.test and binom.test on statsmodels' table [[23, 15], [19, 31]]
 * (tests/data/compare/mcnemar_r.json). */
static void test_mcnemar(void)
{
	StattestMcnemar t = stattest_mcnemar(15, 19);

	CHECK_INT(t.b, 15);
	CHECK_INT(t.c, 19);
	CHECK_NEAR(t.p_exact, 0.60759136127308, 1e-13);
	CHECK(t.chi2_defined);
	CHECK_NEAR(t.chi2, 9.0 / 34, 1e-15);
	CHECK_NEAR(t.p_chi2, 0.606905427217951, 1e-13);
	t = stattest_mcnemar(0, 0);
	CHECK(!t.chi2_defined);
	CHECK_NEAR(t.p_exact, 1, 0);
	t = stattest_mcnemar(4, 4); /* R leaves a symmetric table uncorrected */
	CHECK_NEAR(t.chi2, 0, 0);
	CHECK_NEAR(t.p_chi2, 1, 0);
}

/* Holm on (0.01, 0.04, 0.03, 0.005): sorted 0.005 x 4 = 0.02, 0.01 x 3 =
 * 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 raised to 0.06. */
static void test_holm(void)
{
	double p[5] = { 0.01, 0.04, 0.03, 0.005, NAN }, adj[5];

	stattest_holm(p, 5, adj);
	CHECK_NEAR(adj[0], 0.03, 1e-15);
	CHECK_NEAR(adj[1], 0.06, 1e-15);
	CHECK_NEAR(adj[2], 0.06, 1e-15);
	CHECK_NEAR(adj[3], 0.02, 1e-15);
	CHECK(isnan(adj[4]));
	p[0] = 0.6;
	p[1] = 0.7;
	stattest_holm(p, 2, p); /* in place, capped at 1 */
	CHECK_NEAR(p[0], 1, 0);
	CHECK_NEAR(p[1], 1, 0);
	stattest_holm(p, 0, p);
}

int main(void)
{
	RUN(test_normal);
	RUN(test_sign);
	RUN(test_mcnemar);
	RUN(test_holm);
	return test_summary();
}
