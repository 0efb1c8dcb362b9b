/* bench_metrics.c - how long the agreement bootstrap takes on a million items
 * (the figures are printed, not asserted). Build from the repository root
 * after `make`:
 *   cc -O2 -std=c17 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -I. \
 *      -o build/bench_metrics tests/bench/bench_metrics.c build/src/metrics.o \
 *      build/src/reliability.o build/src/bootstrap.o build/src/rng.o \
 *      build/src/status.o build/src/xalloc.o -lm
 *   build/bench_metrics [items] [resamples] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "src/agree/bootstrap.h"
#include "src/agree/metrics.h"
#include "src/agree/reliability.h"
#include "src/base/rng.h"
#include "src/base/xalloc.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Two raters on 1..5 who agree about two times in three and otherwise miss
 * by a step or guess. */
static void make_labels(int *a, int *b, size_t n, uint64_t seed)
{
	Rng rng;

	rng_seed(&rng, seed);
	for (size_t i = 0; i < n; i++) {
		uint64_t r = rng_below(&rng, 6);

		a[i] = 1 + (int)rng_below(&rng, 5);
		if (r < 4)
			b[i] = a[i];
		else if (r == 4)
			b[i] = a[i] < 5 ? a[i] + 1 : 4;
		else
			b[i] = 1 + (int)rng_below(&rng, 5);
	}
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
	int resamples = argc > 2 ? atoi(argv[2]) : BOOTSTRAP_RESAMPLES, naive = 5;
	BootstrapOptions opt = { resamples, BOOTSTRAP_SEED, BOOTSTRAP_CONFIDENCE };
	BootstrapOptions naive_opt = { naive, BOOTSTRAP_SEED, BOOTSTRAP_CONFIDENCE };
	MetricInterval iv[METRICS_STAT_COUNT];
	MetricsStat kappa = METRICS_STAT_KAPPA;
	int *a, *b, K = 5;
	long table[25];
	double t0, t_table, t_boot, t_naive;

	if (n == 0)
		n = 1000000;
	a = xmalloc(2 * n * sizeof *a);
	b = a + n;
	make_labels(a, b, n, 1);
	t0 = now();
	metrics_confusion(a, b, n, K, table);
	t_table = now() - t0;

	t0 = now();
	bootstrap_table(table, K, &opt, iv);
	t_boot = now() - t0;

	printf("%zu items on 1..%d, %d resamples, seed %#llx\n", n, K, resamples,
	       (unsigned long long)BOOTSTRAP_SEED);
	printf("  %-46s %8.3f s\n", "confusion table (one pass over the items):", t_table);
	printf("  %-46s %8.3f s\n", "table bootstrap, all nine statistics:", t_boot);
	printf("  %-46s %8.3f s\n", "together:", t_table + t_boot);
	for (int s = 0; s < METRICS_STAT_COUNT; s++) {
		MetricValue v = metrics_table_stat(table, K, (MetricsStat)s);

		printf("    %-34s %.4f  [%.4f, %.4f]\n", metrics_stat_name((MetricsStat)s), v.value,
		       iv[s].lo, iv[s].hi);
	}

	t0 = now();
	bootstrap_pairs(metrics_pairs_stat, &kappa, a, b, n, K, &naive_opt);
	t_naive = now() - t0;
	printf("  %-46s %8.3f s for %d resamples, %.1f s per %d\n",
	       "item-index bootstrap of kappa alone:", t_naive, naive, t_naive / naive * resamples,
	       resamples);
	/* multi-rater: three reviewers, a third of ratings missing */
	{
		size_t items = 100000, raters = 3;
		int *ratings = xmalloc(items * raters * sizeof *ratings);
		ReliabilityStat alpha = RELIABILITY_STAT_ALPHA_ORDINAL;
		Rng rng;

		rng_seed(&rng, 2);
		for (size_t i = 0; i < items * raters; i++)
			ratings[i] = rng_below(&rng, 3) ? a[i % n] : 0;
		t0 = now();
		bootstrap_rows(reliability_stat, &alpha, ratings, items, raters, K, &naive_opt);
		t_naive = now() - t0;
		printf("  %-46s %8.3f s for %d resamples, %.1f s per %d\n",
		       "100000 items x 3 raters, ordinal alpha:", t_naive, naive,
		       t_naive / naive * resamples, resamples);
		free(ratings);
	}
	free(a);
	return 0;
}
