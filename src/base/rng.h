/* rng.h - a small deterministic random number generator and the exact
 * samplers built on it. xoshiro256** (Blackman & Vigna), seeded through
 * splitmix64, uses only 64-bit integer arithmetic, so a seed gives the same
 * stream on every machine and with every C library: bootstrap intervals and
 * seeded splits are reproducible byte for byte. Not for cryptography. */
#ifndef GAVEL_RNG_H
#define GAVEL_RNG_H

#include <stddef.h>
#include <stdint.h>

/* The generator's whole state: plain data, copy it to fork a stream. Never
 * all zero (rng_seed() guarantees that). */
typedef struct {
	uint64_t s[4];
} Rng;

/* Sets the state from one 64-bit seed by running splitmix64, as the
 * xoshiro authors recommend; every seed, 0 included, gives a usable state. */
void rng_seed(Rng *rng, uint64_t seed);

/* One step of splitmix64 on *state: the seeding function, public so that
 * tests can check it against the published sequence. */
uint64_t rng_splitmix64(uint64_t *state);

/* The next 64 random bits. */
uint64_t rng_next(Rng *rng);

/* A uniform double in the open interval (0, 1): never 0 or 1, so callers
 * may take its logarithm or divide by it. 53 bits of precision. */
double rng_uniform(Rng *rng);

/* A uniform integer in [0, n), without modulo bias; n must be at least 1. */
uint64_t rng_below(Rng *rng, uint64_t n);

/* An exact Binomial(n, p) draw: inversion of the distribution function when
 * n*p < 10, otherwise Hormann's transformed rejection with squeeze (BTRS,
 * 1993). Both are exact up to double rounding, at any n. n <= 0 or p <= 0
 * gives 0; p >= 1 gives n. Uses exp and log: a C library whose results
 * differ in the last bit could, very rarely, take the other side of one
 * acceptance test; the integer stream itself never differs. */
long rng_binomial(Rng *rng, long n, double p);

/* An exact Multinomial(n; w / sum w) draw over cells cells, written to out
 * (cells entries), by sequential conditional binomials: O(cells) draws,
 * independent of n. Weights are counts (>= 0) so the conditional
 * probabilities w_i / (w_i + ... + w_last) are formed from exact integers.
 * If every weight is 0 the draw is all zeros. */
void rng_multinomial(Rng *rng, long n, const long *weights, size_t cells, long *out);

#endif
