/* draw.h - how an audit is drawn, as pure computation: the seeded draw key
 * of an item, the draw order, and how a total size is shared among strata.
 * src/estimate/audit.c does the reading and writing.
 *
 * The draw is a seeded hash rank (a "bottom-k" sample): each item gets a
 * key that looks uniformly random but depends only on the seed and the
 * item's id, and a stratum's sample of size n is its n items with the
 * smallest keys. Every n-subset is equally likely (the keys are, in effect,
 * a random permutation), the same seed always gives the same sample, and
 * a sample of size n + m contains the one of size n: growing an audit keeps
 * what was drawn and adds the next items in key order.
 *
 * The key, exactly (tests/cli/audit_check.py recomputes it):
 *   mix(z) = splitmix64's finaliser: z ^= z >> 30; z *= 0xBF58476D1CE4E5B9;
 *            z ^= z >> 27; z *= 0x94D049BB133111EB; z ^= z >> 31
 *   g = 0x9E3779B97F4A7C15
 *   a = mix(seed + g);  key = mix(a + id + g) >> 11   (53 bits; mod 2^64)
 * that is, two steps of rng_splitmix64(): one from the seed, one from its
 * output plus the id. */
#ifndef GAVEL_DRAW_H
#define GAVEL_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/status.h"

/* The draw key of item_id under seed: 53 bits, so it is exact as a double
 * (key / 2^53 is uniform on [0, 1)) and fits an SQLite integer. */
int64_t draw_key(uint64_t seed, long long item_id);

/* An item that may be drawn: its stratum (an index) and key. */
typedef struct {
	long long item_id;
	int stratum;
	int64_t key;
} DrawCandidate;

/* Sorts candidates into draw order: by stratum, then key, then id (ties
 * of 53-bit keys are rare but must not depend on the sort). */
void draw_order(DrawCandidate *candidates, size_t n);

/* Sizes for n strata. population[i] is stratum i's size; least[i] the
 * items it holds already (a stratum never shrinks: growing keeps them);
 * fixed[i] the size asked for it, or -1 for none. The strata without a
 * fixed size share total minus the fixed sizes in proportion to their
 * populations (largest remainder; ties to the lower index), each then
 * raised to least[i] when below it; total < 0 means every stratum must have
 * a fixed size. Writes size[i]. STATUS_ERR_USAGE, with a sentence naming
 * stratum index i as "#i" (the caller names strata), when a fixed size is
 * below least or above the population, the fixed sizes exceed total, total
 * exceeds what the strata hold, or a stratum has no size. */
Status draw_allocate(const long long *population, const long long *least, const long long *fixed,
		     int n, long long total, long long *size);

#endif
