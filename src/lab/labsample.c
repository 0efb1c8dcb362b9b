/* labsample.c - stratified draws and splits of settled items. */
#include "src/lab/labsample.h"

#include <stdlib.h>
#include <string.h>

#include "src/base/rng.h"
#include "src/base/xalloc.h"

void labsample_quota(size_t n, const size_t *w, int k, size_t *into)
{
	unsigned long long total = 0, given = 0;
	for (int j = 0; j < k; j++)
		total += w[j];
	for (int j = 0; j < k; j++) {
		into[j] = total ? (size_t)((unsigned long long)n * w[j] / total) : 0;
		given += into[j];
	}
	/* one more each to the largest remainders n w_j mod total */
	while (total && given < n) {
		int best = -1;
		unsigned long long best_rem = 0;
		for (int j = 0; j < k; j++) {
			unsigned long long rem = (unsigned long long)n * w[j] % total;
			if (into[j] * total > (unsigned long long)n * w[j] - rem)
				continue; /* had its extra one already */
			if (best < 0 || rem > best_rem)
				best = j, best_rem = rem;
		}
		if (best < 0)
			break;
		into[best]++;
		given++;
	}
}

typedef struct {
	const long long *ids;
	const int *labels;
} Items;

/* Item indexes sorted by (label, id). */
static int by_label_id(const void *pa, const void *pb, void *arg)
{
	const Items *it = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	if (it->labels[a] != it->labels[b])
		return it->labels[a] < it->labels[b] ? -1 : 1;
	return it->ids[a] < it->ids[b] ? -1 : it->ids[a] > it->ids[b];
}

/* The items' indexes grouped by label, each group in its seeded order;
 * starts[g] .. starts[g + 1] is group g. Returns the number of groups. */
static int strata(const long long *ids, const int *labels, size_t count, uint64_t seed,
		  size_t *order, size_t *starts)
{
	Items items = { ids, labels };
	int groups = 0;
	for (size_t i = 0; i < count; i++)
		order[i] = i;
	qsort_r(order, count, sizeof *order, by_label_id, &items);
	for (size_t i = 0; i < count; i++)
		if (i == 0 || labels[order[i]] != labels[order[i - 1]])
			starts[groups++] = i;
	starts[groups] = count;
	for (int g = 0; g < groups; g++) {
		size_t lo = starts[g], m = starts[g + 1] - lo;
		uint64_t state = seed ^ (0x9E3779B97F4A7C15ULL * (uint64_t)(labels[order[lo]] + 1));
		for (size_t i = 0; i + 1 < m; i++) {
			size_t j = i + (size_t)(rng_splitmix64(&state) % (m - i)),
			       t = order[lo + i];
			order[lo + i] = order[lo + j];
			order[lo + j] = t;
		}
	}
	return groups;
}

static int ascending(const void *pa, const void *pb)
{
	long long a = *(const long long *)pa, b = *(const long long *)pb;
	return a < b ? -1 : a > b;
}

size_t labsample_stratified(const long long *ids, const int *labels, size_t count, size_t n,
			    uint64_t seed, long long *out)
{
	size_t *order = xmalloc((count + 1) * sizeof *order);
	size_t *starts = xmalloc((count + 2) * sizeof *starts);
	size_t *sizes = xmalloc((count + 1) * sizeof *sizes),
	       *take = xmalloc((count + 1) * sizeof *take);
	size_t got = 0;
	int groups = strata(ids, labels, count, seed, order, starts);

	if (n > count)
		n = count;
	for (int g = 0; g < groups; g++)
		sizes[g] = starts[g + 1] - starts[g];
	labsample_quota(n, sizes, groups, take);
	for (int g = 0; g < groups; g++)
		for (size_t i = 0; i < take[g]; i++)
			out[got++] = ids[order[starts[g] + i]];
	qsort(out, got, sizeof *out, ascending);
	free(order), free(starts), free(sizes), free(take);
	return got;
}

void labsample_split(const long long *ids, const int *labels, size_t count, const unsigned *percent,
		     int parts, uint64_t seed, int *part)
{
	size_t *order = xmalloc((count + 1) * sizeof *order);
	size_t *starts = xmalloc((count + 2) * sizeof *starts);
	int groups = strata(ids, labels, count, seed, order, starts);

	for (int g = 0; g < groups; g++) {
		size_t lo = starts[g], m = starts[g + 1] - lo, share[LABSAMPLE_MAX_PARTS],
		       w[LABSAMPLE_MAX_PARTS];
		size_t at = lo;
		for (int p = 0; p < parts; p++)
			w[p] = percent[p];
		labsample_quota(m, w, parts, share);
		for (int p = 0; p < parts; p++)
			for (size_t i = 0; i < share[p]; i++)
				part[order[at++]] = p;
	}
	free(order), free(starts);
}
