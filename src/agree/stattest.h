/* stattest.h - the distributions and tests under the comparison of two
 * labellers (src/agree/compare.h), self-consistency (consistency.h) and the
 * catalogue estimates (ppi.h): the standard normal's distribution function
 * and quantile, the exact two-sided sign test, McNemar's test, the
 * chi-square tail with one degree of freedom, and Holm's step-down
 * adjustment. Pure computation: no I/O, no global state. */
#ifndef GAVEL_STATTEST_H
#define GAVEL_STATTEST_H

#include <stddef.h>

/* Phi(x), the standard normal distribution function, as erfc(-x/sqrt 2)/2
 * (accurate in both tails). */
double stattest_normal_cdf(double x);

/* The p-quantile of the standard normal, Phi^-1(p), by Wichura's algorithm
 * AS241 (Applied Statistics 37:477-484, 1988; PPND16, relative error about
 * 1e-16, the method of scipy's norm.ppf and Python's NormalDist.inv_cdf).
 * NaN unless 0 < p < 1. stattest_normal_quantile(0.975) = 1.959963984540054. */
double stattest_normal_quantile(double p);

/* P(X > x) for X chi-square with one degree of freedom: erfc(sqrt(x / 2)).
 * 1 for x <= 0. */
double stattest_chisq1_upper(double x);

/* The exact two-sided sign test of k successes against m failures with
 * success probability 1/2, as R's binom.test(k, k + m) computes it for
 * p = 1/2: min(1, 2 * sum_{i=0}^{min(k,m)} C(k+m, i) / 2^(k+m)); 1 when
 * k + m = 0. The binomial terms come from Loader's saddle-point formula
 * (C. Loader, "Fast and accurate computation of binomial probabilities",
 * 2000; R's dbinom), relative error about 1e-13 at a million trials.
 * Negative counts give NaN. */
double stattest_sign_p(long k, long m);

/* McNemar's test on the discordant pairs of a paired 2 x 2 table: b and c
 * as given (b = right under A only, c = right under B only), the exact
 * two-sided p (stattest_sign_p(b, c)), and the chi-square with continuity
 * correction (|b - c| - 1)^2 / (b + c) on one degree of freedom with its p.
 * As R's mcnemar.test(correct = TRUE), the correction is not applied when
 * b = c (the statistic is then 0, p = 1). chi2_defined is 0 when b + c = 0
 * (R gives NaN): no discordant pair, nothing to test; chi2 and p_chi2 are
 * then 0 and 1 and must not be shown. */
typedef struct {
	long b, c;
	double p_exact;
	int chi2_defined;
	double chi2, p_chi2;
} StattestMcnemar;

StattestMcnemar stattest_mcnemar(long b, long c);

/* Holm's (1979) step-down adjustment of m p-values into adjusted (m
 * entries; may be p itself): with the p-values sorted ascending,
 * adjusted_(i) = max_{j <= i} min(1, (m' - j + 1) p_(j)), where m' counts
 * the entries that are tests. A NaN entry is not a test: it stays NaN and
 * does not count in m'. Ties keep their input order. Rejecting where the
 * adjusted p is below alpha controls the family-wise error at alpha. */
void stattest_holm(const double *p, size_t m, double *adjusted);

#endif
