/* draw.c - draw keys, draw order and stratum sizes (see draw.h). */
#include "src/estimate/draw.h"

#include <stdlib.h>

#include "src/base/rng.h"
#include "src/base/xalloc.h"

int64_t draw_key(uint64_t seed, long long item_id)
{
	uint64_t state = seed, a = rng_splitmix64(&state);

	state = a + (uint64_t)item_id;
	return (int64_t)(rng_splitmix64(&state) >> 11);
}

static int candidate_cmp(const void *pa, const void *pb)
{
	const DrawCandidate *a = pa, *b = pb;

	if (a->stratum != b->stratum)
		return a->stratum < b->stratum ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->item_id > b->item_id) - (a->item_id < b->item_id);
}

void draw_order(DrawCandidate *c, size_t n)
{
	qsort(c, n, sizeof *c, candidate_cmp);
}

/* Checks the fixed sizes and sums what they take. */
static Status fixed_check(const long long *population, const long long *least,
			  const long long *fixed, int n, long long *taken, long long *free_pop)
{
	*taken = *free_pop = 0;
	for (int i = 0; i < n; i++) {
		if (fixed[i] < 0) {
			*free_pop += population[i];
			continue;
		}
		if (fixed[i] > population[i])
			return status_fail(STATUS_ERR_USAGE,
					   "#%d: %lld items asked for, it has %lld", i, fixed[i],
					   population[i]);
		if (fixed[i] < least[i])
			return status_fail(STATUS_ERR_USAGE,
					   "#%d: the audit holds %lld of its items "
					   "already and never shrinks",
					   i, least[i]);
		*taken += fixed[i];
	}
	return STATUS_OK;
}

/* Shares rest among the strata without a fixed size, in proportion to
 * their populations, by largest remainder. */
static void proportional(const long long *population, const long long *fixed, int n, long long rest,
			 long long free_pop, long long *size)
{
	double *remainder = xcalloc((size_t)n + 1, sizeof *remainder);
	long long given = 0;

	for (int i = 0; i < n; i++) {
		double q;

		if (fixed[i] >= 0)
			continue;
		q = free_pop > 0 ? (double)rest * (double)population[i] / (double)free_pop : 0;
		size[i] = (long long)q;
		remainder[i] = q - (double)size[i];
		given += size[i];
	}
	while (given < rest) {
		int best = -1;

		for (int i = 0; i < n; i++)
			if (fixed[i] < 0 && size[i] < population[i] &&
			    (best < 0 || remainder[i] > remainder[best]))
				best = i;
		if (best < 0)
			break;
		size[best]++;
		remainder[best] = -1;
		given++;
	}
	free(remainder);
}

Status draw_allocate(const long long *population, const long long *least, const long long *fixed,
		     int n, long long total, long long *size)
{
	long long taken, free_pop, taken_least = 0;
	Status st = fixed_check(population, least, fixed, n, &taken, &free_pop);

	if (st != STATUS_OK)
		return st;
	for (int i = 0; i < n; i++)
		size[i] = fixed[i] >= 0 ? fixed[i] : 0;
	if (total < 0) {
		for (int i = 0; i < n; i++)
			if (fixed[i] < 0 && population[i] > 0)
				return status_fail(STATUS_ERR_USAGE,
						   "#%d: no size was given for it "
						   "(give one, or a total size to share)",
						   i);
		return STATUS_OK;
	}
	for (int i = 0; i < n; i++)
		taken_least += least[i];
	if (total < taken_least)
		return status_fail(STATUS_ERR_USAGE,
				   "the audit holds %lld items already and never "
				   "shrinks",
				   taken_least);
	if (taken > total)
		return status_fail(STATUS_ERR_USAGE,
				   "the strata's sizes add up to %lld, more than "
				   "the total size %lld",
				   taken, total);
	if (total - taken > free_pop)
		return status_fail(STATUS_ERR_USAGE,
				   "a size of %lld is more than the %lld items "
				   "there are to draw from",
				   total, taken + free_pop);
	proportional(population, fixed, n, total - taken, free_pop, size);
	for (int i = 0; i < n; i++)
		if (size[i] < least[i])
			size[i] = least[i];
	return STATUS_OK;
}
