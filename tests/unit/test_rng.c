/* test_rng.c - the generator against its published reference outputs, and
 * the binomial and multinomial samplers against their exact distributions
 * (chi-square goodness of fit, moments). Seeds are fixed, so every check is
 * deterministic: a pass today is a pass tomorrow. */
#include <stdint.h>
#include <stdlib.h>

#include "src/base/rng.h"
#include "tests/unit/test.h"

/* Rosetta Code, "Pseudo-random numbers/Splitmix64": seed 1234567. */
static void test_splitmix64_reference(void)
{
	static const uint64_t want[] = { 6457827717110365317ULL, 3203168211198807973ULL,
					 9817491932198370423ULL, 4593380528125082431ULL,
					 16408922859458223821ULL };
	uint64_t state = 1234567;

	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		CHECK(rng_splitmix64(&state) == want[i]);
}

/* The reference xoshiro256starstar.c from state {1, 2, 3, 4}: the values
 * every port tests against (e.g. rand_xoshiro). */
static void test_xoshiro_reference(void)
{
	static const uint64_t want[] = { 11520ULL,
					 0ULL,
					 1509978240ULL,
					 1215971899390074240ULL,
					 1216172134540287360ULL,
					 607988272756665600ULL,
					 16172922978634559625ULL,
					 8476171486693032832ULL,
					 10595114339597558777ULL,
					 2904607092377533576ULL };
	Rng rng = { { 1, 2, 3, 4 } };

	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		CHECK(rng_next(&rng) == want[i]);
}

static void test_seed_and_uniform(void)
{
	Rng a, b, zero;
	double lo = 1, hi = 0, sum = 0;
	int same = 1;

	rng_seed(&a, 42);
	rng_seed(&b, 42);
	rng_seed(&zero, 0);
	CHECK(zero.s[0] | zero.s[1] | zero.s[2] | zero.s[3]);
	for (int i = 0; i < 100000; i++) {
		double u = rng_uniform(&a);

		same &= u == rng_uniform(&b);
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
		sum += u;
	}
	CHECK(same);
	CHECK(lo > 0 && hi < 1);
	/* mean of 1e5 uniforms: sd 0.29/sqrt(1e5) = 0.0009 */
	CHECK_NEAR(sum / 100000, 0.5, 0.005);
}

/* The chi-square critical value at upper tail 0.001 (z = 3.09), by the
 * Wilson-Hilferty approximation, good to a few percent for df >= 3. */
static double chi2_critical(int df)
{
	double h = 2.0 / (9.0 * df), z = 3.0902;

	return df * pow(1 - h + z * sqrt(h), 3);
}

/* Tests the counts seen[0..max] of `draws` draws against the probabilities
 * pmf[0..max] by chi-square, pooling neighbouring cells until each expects at
 * least 5 (a thin tail left at the end joins the last pooled cell). */
static void check_fit(const double *pmf, const long *seen, int max, long draws, const char *what)
{
	double *e = calloc((size_t)max + 1, sizeof *e), *o = calloc((size_t)max + 1, sizeof *o);
	double stat = 0;
	int cells = 0;

	for (int k = 0; k <= max; k++) {
		e[cells] += pmf[k] * (double)draws;
		o[cells] += (double)seen[k];
		if (e[cells] >= 5)
			cells++;
	}
	if (cells > 0 && cells <= max && e[cells] < 5) {
		e[cells - 1] += e[cells];
		o[cells - 1] += o[cells];
	} else if (cells <= max) {
		cells++;
	}
	for (int c = 0; c < cells; c++)
		stat += (o[c] - e[c]) * (o[c] - e[c]) / e[c];
	CHECK(cells - 1 >= 3);
	CHECK(stat < chi2_critical(cells - 1));
	if (stat >= chi2_critical(cells - 1))
		fprintf(stderr, "  %s: chi2 %.1f on %d df\n", what, stat, cells - 1);
	free(e);
	free(o);
}

/* A million draws: enough to see a 1% error in one step of the sampler. */
static void check_binomial_fit(long n, double p, uint64_t seed)
{
	enum { DRAWS = 1000000 };
	long *seen = calloc((size_t)n + 1, sizeof *seen);
	double *pmf = malloc(((size_t)n + 1) * sizeof *pmf);
	char what[64];
	int in_range = 1;
	Rng rng;

	rng_seed(&rng, seed);
	for (long k = 0; k <= n; k++)
		pmf[k] = exp(lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) + k * log(p) +
			     (n - k) * log1p(-p));
	for (int i = 0; i < DRAWS; i++) {
		long k = rng_binomial(&rng, n, p);

		in_range &= k >= 0 && k <= n;
		if (k >= 0 && k <= n)
			seen[k]++;
	}
	CHECK(in_range);
	snprintf(what, sizeof what, "Binomial(%ld, %g)", n, p);
	check_fit(pmf, seen, (int)n, DRAWS, what);
	free(seen);
	free(pmf);
}

/* Each regime of rng_binomial(): inversion (n p < 10), BTRS (n p >= 10),
 * and both through the p > 1/2 reflection. */
static void test_binomial_distribution(void)
{
	check_binomial_fit(20, 0.2, 1);	  /* inversion, n p = 4 */
	check_binomial_fit(60, 0.15, 2);  /* inversion, n p = 9 */
	check_binomial_fit(50, 0.3, 3);	  /* BTRS, n p = 15 */
	check_binomial_fit(25, 0.45, 4);  /* BTRS near its lower edge */
	check_binomial_fit(1000, 0.5, 5); /* BTRS */
	check_binomial_fit(30, 0.9, 6);	  /* reflected inversion */
	check_binomial_fit(400, 0.93, 7); /* reflected BTRS, n q = 28 */
}

/* Large n: the first two moments over 20000 draws, within 5 standard
 * errors (the mean's SE is sd/sqrt(N); the variance's about var
 * sqrt(2/N)). */
static void check_moments(long n, double p, uint64_t seed)
{
	enum { DRAWS = 20000 };
	double sum = 0, sum2 = 0, mean, var, want_var = (double)n * p * (1 - p);
	Rng rng;

	rng_seed(&rng, seed);
	/* deviations from n p, so that squaring 1e9-sized counts loses nothing */
	for (int i = 0; i < DRAWS; i++) {
		double k = (double)rng_binomial(&rng, n, p) - (double)n * p;

		sum += k;
		sum2 += k * k;
	}
	mean = sum / DRAWS;
	var = sum2 / DRAWS - mean * mean;
	CHECK_NEAR(mean, 0, 5 * sqrt(want_var / DRAWS));
	CHECK_NEAR(var, want_var, 5 * want_var * sqrt(2.0 / DRAWS));
}

static void test_binomial_large_n(void)
{
	Rng rng;

	check_moments(1000000, 0.3, 11);
	check_moments(1000000000, 0.001, 12);
	check_moments(1000000000, 0.999999, 13);
	check_moments(10000000, 1e-7, 14); /* inversion with huge n */
	rng_seed(&rng, 1);
	CHECK_INT(rng_binomial(&rng, 0, 0.5), 0);
	CHECK_INT(rng_binomial(&rng, 10, 0), 0);
	CHECK_INT(rng_binomial(&rng, 10, 1), 10);
	CHECK_INT(rng_binomial(&rng, -3, 0.5), 0);
	CHECK_INT(rng_binomial(&rng, 10, NAN), 0);
}

static void test_below(void)
{
	long seen[7] = { 0 };
	double pmf[7];
	int ok = 1;
	Rng rng;

	rng_seed(&rng, 21);
	for (int i = 0; i < 70000; i++) {
		uint64_t k = rng_below(&rng, 7);

		ok &= k < 7;
		if (k < 7)
			seen[k]++;
	}
	CHECK(ok);
	for (int k = 0; k < 7; k++)
		pmf[k] = 1.0 / 7;
	check_fit(pmf, seen, 6, 70000, "below(7)");
	ok = 1;
	for (int i = 0; i < 1000; i++) {
		ok &= rng_below(&rng, 1) == 0;
		ok &= rng_below(&rng, 5000000000ULL) < 5000000000ULL;
	}
	CHECK(ok);
}

/* The multinomial's cells are Binomial(n, p_i) with covariances -n p_i p_j;
 * the counts always sum to n, and empty cells stay empty. */
static void test_multinomial(void)
{
	enum { DRAWS = 20000, CELLS = 5 };
	static const long w[CELLS] = { 50, 0, 30, 15, 5 };
	double sum[CELLS] = { 0 }, sum2[CELLS] = { 0 }, cross = 0;
	long n = 1000, out[CELLS];
	int sums_ok = 1, empty_ok = 1;
	Rng rng;

	rng_seed(&rng, 31);
	for (int d = 0; d < DRAWS; d++) {
		long total = 0;

		rng_multinomial(&rng, n, w, CELLS, out);
		for (int c = 0; c < CELLS; c++) {
			total += out[c];
			sum[c] += (double)out[c];
			sum2[c] += (double)out[c] * (double)out[c];
		}
		cross += (double)out[0] * (double)out[2];
		sums_ok &= total == n;
		empty_ok &= out[1] == 0;
	}
	CHECK(sums_ok);
	CHECK(empty_ok);
	for (int c = 0; c < CELLS; c++) {
		double p = w[c] / 100.0, mean = sum[c] / DRAWS, var = sum2[c] / DRAWS - mean * mean;
		double want_var = (double)n * p * (1 - p);

		CHECK_NEAR(mean, n * p, 5 * sqrt(want_var / DRAWS) + 1e-12);
		CHECK_NEAR(var, want_var, 5 * want_var * sqrt(2.0 / DRAWS) + 1e-12);
	}
	/* cov(N_0, N_2) = -n p_0 p_2 = -150; SE of the sample covariance is about
	 * sqrt((var0 var2 + cov^2) / DRAWS) = sqrt((250*210 + 150^2) / 2e4) = 1.9 */
	CHECK_NEAR(cross / DRAWS - (sum[0] / DRAWS) * (sum[2] / DRAWS), -150, 10);
	/* all weights zero: nothing to draw */
	{
		long zero[3] = { 0, 0, 0 }, got[3] = { 9, 9, 9 };

		rng_multinomial(&rng, 10, zero, 3, got);
		CHECK(got[0] == 0 && got[1] == 0 && got[2] == 0);
	}
}

int main(void)
{
	RUN(test_splitmix64_reference);
	RUN(test_xoshiro_reference);
	RUN(test_seed_and_uniform);
	RUN(test_binomial_distribution);
	RUN(test_binomial_large_n);
	RUN(test_below);
	RUN(test_multinomial);
	return test_summary();
}
