/* stattest.c - distributions and tests (see stattest.h). */
#include "src/agree/stattest.h"

#include <math.h>
#include <stdlib.h>

#include "src/base/xalloc.h"

#define LN_SQRT_2PI 0.918938533204672741780329736406 /* log(sqrt(2 pi)) */

double stattest_normal_cdf(double x)
{
	return 0.5 * erfc(-x / M_SQRT2);
}

/* A polynomial of degree 7 in r with coefficients c[0] (constant) .. c[7],
 * by Horner's rule. */
static double poly7(const double *c, double r)
{
	double v = c[7];

	for (int i = 6; i >= 0; i--)
		v = v * r + c[i];
	return v;
}

/* AS241's three rational approximations: the centre |p - 1/2| <= 0.425,
 * then the tails in r = sqrt(-log(min(p, 1 - p))) up to 5 and beyond. */
static const double CENTRE_NUM[8] = {
	3.387132872796366608,   1.3314166789178437745e2, 1.9715909503065514427e3,
	1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
	3.3430575583588128105e4, 2.5090809287301226727e3,
};
static const double CENTRE_DEN[8] = {
	1.0,			 4.2313330701600911252e1, 6.8718700749205790830e2,
	5.3941960214247511077e3, 2.1213794301586595867e4, 3.9307895800092710610e4,
	2.8729085735721942674e4, 5.2264952788528545610e3,
};
static const double NEAR_NUM[8] = {
	1.42343711074968357734, 4.63033784615654529590,	 5.76949722146069140550,
	3.64784832476320460504, 1.27045825245236838258,	 2.41780725177450611770e-1,
	2.27238449892691845833e-2, 7.74545014278341407640e-4,
};
static const double NEAR_DEN[8] = {
	1.0,			  2.05319162663775882187,  1.67638483018380384940,
	6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
	5.47593808499534494600e-4, 1.05075007164441684324e-9,
};
static const double FAR_NUM[8] = {
	6.65790464350110377720,	   5.46378491116411436990,    1.78482653991729133580,
	2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
	2.71155556874348757815e-5, 2.01033439929228813265e-7,
};
static const double FAR_DEN[8] = {
	1.0,			   5.99832206555887937690e-1, 1.36929880922735805310e-1,
	1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
	1.42151175831644588870e-7, 2.04426310338993978564e-15,
};

double stattest_normal_quantile(double p)
{
	double q = p - 0.5, r, x;

	if (!(p > 0 && p < 1))
		return NAN;
	if (fabs(q) <= 0.425) {
		r = 0.180625 - q * q;
		return q * poly7(CENTRE_NUM, r) / poly7(CENTRE_DEN, r);
	}
	r = sqrt(-log(q < 0 ? p : 1 - p));
	if (r <= 5) {
		r -= 1.6;
		x = poly7(NEAR_NUM, r) / poly7(NEAR_DEN, r);
	} else {
		r -= 5;
		x = poly7(FAR_NUM, r) / poly7(FAR_DEN, r);
	}
	return q < 0 ? -x : x;
}

double stattest_chisq1_upper(double x)
{
	return x > 0 ? erfc(sqrt(x / 2)) : 1;
}

/* log(n!) - log(sqrt(2 pi n) (n/e)^n), Stirling's error, for n >= 1: from
 * lgamma for small n (its absolute error is what matters, ~1e-15), the
 * asymptotic series 1/12n - 1/360n^3 + 1/1260n^5 - ... above. */
static double stirlerr(double n)
{
	double nn = n * n;

	if (n <= 15)
		return lgamma(n + 1) - (n + 0.5) * log(n) + n - LN_SQRT_2PI;
	return (1.0 / 12 -
		(1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / 1188 / nn) / nn) / nn) / nn) /
	       n;
}

/* x log(x / np) + np - x, without the cancellation of the direct form when
 * x is near np (Loader's bd0: a series in v = (x - np) / (x + np)). */
static double bd0(double x, double np)
{
	if (fabs(x - np) < 0.1 * (x + np)) {
		double v = (x - np) / (x + np), s = (x - np) * v, ej = 2 * x * v;

		v *= v;
		for (int j = 1; j < 1000; j++) {
			double s1;

			ej *= v;
			s1 = s + ej / (2 * j + 1);
			if (s1 == s)
				break;
			s = s1;
		}
		return s;
	}
	return x * log(x / np) + np - x;
}

/* C(n, x) / 2^n by Loader's saddle-point formula. */
static double binomial_half_pmf(double x, double n)
{
	double lc, lf;

	if (x == 0 || x == n)
		return exp(n * -M_LN2);
	lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n / 2) - bd0(n - x, n / 2);
	lf = 2 * LN_SQRT_2PI + log(x) + log1p(-x / n);
	return exp(lc - 0.5 * lf);
}

double stattest_sign_p(long k, long m)
{
	double n = (double)k + (double)m, s = (double)(k < m ? k : m), t, sum;

	if (k < 0 || m < 0)
		return NAN;
	if (n == 0)
		return 1;
	/* Walk down from the observed tail's edge with the exact ratio
	 * C(n, i-1) / C(n, i) = i / (n - i + 1); terms shrink geometrically
	 * once past the centre, so the loop stops long before i = 0. */
	t = binomial_half_pmf(s, n);
	sum = t;
	for (double i = s; i >= 1 && t > sum * 1e-18; i--) {
		t *= i / (n - i + 1);
		sum += t;
	}
	return 2 * sum < 1 ? 2 * sum : 1;
}

StattestMcnemar stattest_mcnemar(long b, long c)
{
	StattestMcnemar t = { .b = b, .c = c, .p_exact = stattest_sign_p(b, c), .p_chi2 = 1 };
	double d = fabs((double)b - (double)c);

	if (b + c <= 0)
		return t;
	t.chi2_defined = 1;
	/* R corrects only an asymmetric table: when b = c the statistic is 0. */
	if (d > 0)
		d -= 1;
	t.chi2 = d * d / ((double)b + (double)c);
	t.p_chi2 = stattest_chisq1_upper(t.chi2);
	return t;
}

typedef struct {
	double p;
	size_t at;
} Ranked;

static int ranked_cmp(const void *pa, const void *pb)
{
	const Ranked *a = pa, *b = pb;

	if (a->p != b->p)
		return a->p < b->p ? -1 : 1;
	return (a->at > b->at) - (a->at < b->at);
}

void stattest_holm(const double *p, size_t m, double *adjusted)
{
	Ranked *r = xmalloc((m ? m : 1) * sizeof *r);
	size_t tests = 0;
	double running = 0;

	for (size_t i = 0; i < m; i++)
		if (!isnan(p[i]))
			r[tests++] = (Ranked){ p[i], i };
	qsort(r, tests, sizeof *r, ranked_cmp);
	for (size_t i = 0; i < m; i++)
		if (isnan(p[i]))
			adjusted[i] = NAN;
	for (size_t j = 0; j < tests; j++) {
		double a = (double)(tests - j) * r[j].p;

		if (a > 1)
			a = 1;
		if (a > running)
			running = a;
		adjusted[r[j].at] = running;
	}
	free(r);
}
