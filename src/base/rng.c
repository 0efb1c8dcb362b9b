/* rng.c - xoshiro256** with splitmix64 seeding, and exact binomial and
 * multinomial samplers (see rng.h). */
#include "src/base/rng.h"

#include <math.h>

uint64_t rng_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(Rng *rng, uint64_t seed)
{
	uint64_t state = seed;

	for (int i = 0; i < 4; i++)
		rng->s[i] = rng_splitmix64(&state);
	/* splitmix64 is a bijection of distinct counters, so four zeros cannot
	 * come out; the guard documents the one forbidden state anyway. */
	if (!(rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]))
		rng->s[0] = 1;
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(Rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double rng_uniform(Rng *rng)
{
	/* The midpoint of one of 2^53 equal cells: strictly inside (0, 1). */
	return ((double)(rng_next(rng) >> 11) + 0.5) * 0x1.0p-53;
}

uint64_t rng_below(Rng *rng, uint64_t n)
{
	if (n <= UINT32_MAX) {
		/* Lemire's multiply-shift; rejecting the low products below
		 * 2^32 mod n removes the bias, and is rarely taken. */
		uint32_t n32 = (uint32_t)n;
		uint64_t m = (rng_next(rng) >> 32) * n32;

		if ((uint32_t)m < n32) {
			uint32_t threshold = (uint32_t)-n32 % n32;

			while ((uint32_t)m < threshold)
				m = (rng_next(rng) >> 32) * n32;
		}
		return m >> 32;
	}
	uint64_t threshold = -n % n, x;

	do
		x = rng_next(rng);
	while (x < threshold);
	return x % n;
}

/* Inversion, for n*p < 10 and p <= 0.5: walk the probability function up from
 * 0 with the ratio f(k)/f(k-1) = ((n+1)/k - 1) * p/q. The walk ends within a
 * few dozen steps; if rounding lets u outrun the mass, draw u again. */
static long binomial_inversion(Rng *rng, long n, double p)
{
	double q = 1 - p, s = p / q, a = ((double)n + 1) * s;
	double f0 = exp((double)n * log1p(-p));

	for (;;) {
		double u = rng_uniform(rng), f = f0;
		long k = 0;

		while (u > f && k < n && f > 0) {
			u -= f;
			k++;
			f *= a / (double)k - s;
		}
		if (u <= f)
			return k;
	}
}

/* log(k!) minus its Stirling approximation (k + 1/2) log(k + 1) - (k + 1) +
 * log(2 pi)/2: tabulated below 10 (from lgamma; the test recomputes them),
 * the asymptotic series above. */
static double stirling_tail(double k)
{
	static const double small[10] = {
		0.08106146679532733, 0.04134069595540946, 0.027677925684997717,
		0.02079067210376584, 0.01664469118982126, 0.013876128823072875,
		0.011896709945893313, 0.010411265261973668, 0.00925546218270945,
		0.008330563433359472,
	};
	double kp1sq;

	if (k < 10)
		return small[(int)k];
	kp1sq = (k + 1) * (k + 1);
	return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

/* Hormann (1993), "The generation of binomial random variates", J. Statist.
 * Comput. Simul. 46:101-110, algorithm BTRS, for n*p >= 10 and p <= 0.5.
 * A candidate k from a transformed uniform is accepted at once inside the
 * squeeze, otherwise when v falls under log f(k)/f(m), evaluated with the
 * Stirling tails so that large n does not cancel digits. */
static long binomial_btrs(Rng *rng, long n, double p)
{
	double nd = (double)n, q = 1 - p, spq = sqrt(nd * p * q);
	double b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p;
	double c = nd * p + 0.5, v_r = 0.92 - 4.2 / b, r = p / q;
	double alpha = (2.83 + 5.1 / b) * spq, m = floor((nd + 1) * p);

	for (;;) {
		double u = rng_uniform(rng) - 0.5, v = rng_uniform(rng);
		double us = 0.5 - fabs(u);
		double k = floor((2 * a / us + b) * u + c);

		if (k < 0 || k > nd)
			continue;
		if (us >= 0.07 && v <= v_r)
			return (long)k;
		v = log(v * alpha / (a / (us * us) + b));
		double bound = (m + 0.5) * log((m + 1) / (r * (nd - m + 1))) +
			       (nd + 1) * log((nd - m + 1) / (nd - k + 1)) +
			       (k + 0.5) * log(r * (nd - k + 1) / (k + 1)) +
			       stirling_tail(m) + stirling_tail(nd - m) -
			       stirling_tail(k) - stirling_tail(nd - k);
		if (v <= bound)
			return (long)k;
	}
}

long rng_binomial(Rng *rng, long n, double p)
{
	if (n <= 0 || !(p > 0))
		return 0;
	if (p >= 1)
		return n;
	if (p > 0.5)
		return n - rng_binomial(rng, n, 1 - p);
	if ((double)n * p < 10)
		return binomial_inversion(rng, n, p);
	return binomial_btrs(rng, n, p);
}

void rng_multinomial(Rng *rng, long n, const long *weights, size_t cells, long *out)
{
	long rest = 0;

	for (size_t i = 0; i < cells; i++)
		rest += weights[i];
	/* Cell i given the cells before it is Binomial(what is left, w_i over
	 * the weight left): the chain rule makes the joint draw exact. */
	for (size_t i = 0; i < cells; i++) {
		long w = weights[i];

		if (w <= 0 || n <= 0 || rest <= 0)
			out[i] = 0;
		else if (w >= rest)
			out[i] = n;
		else
			out[i] = rng_binomial(rng, n, (double)w / (double)rest);
		n -= out[i];
		rest -= w > 0 ? w : 0;
	}
}
