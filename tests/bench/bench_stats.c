/* bench_stats.c - how long the prompt lab's comparison and the catalogue
 * estimates take (printed, never asserted). Built and run by
 * tests/bench/bench_stats.sh, which adds the numpy baselines.
 *
 *   bench_stats compare ITEMS RESAMPLES CATEGORIES
 *   bench_stats ppi ITEMS AUDITED
 *   bench_stats dump-compare ITEMS | dump-ppi ITEMS AUDITED   (the data, for numpy) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/agree/compare.h"
#include "src/agree/ppi.h"
#include "src/base/rng.h"
#include "src/base/xalloc.h"

enum { K = 5 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A label that equals truth with probability right in ten, else a step off
 * or a guess. */
static int noisy(Rng *rng, int truth, uint64_t right)
{
	uint64_t r = rng_below(rng, 10);

	if (r < right)
		return truth;
	if (r < 9)
		return truth < K ? truth + 1 : truth - 1;
	return 1 + (int)rng_below(rng, K);
}

static void make_compare(int *h, int *a, int *b, int *cat, size_t n)
{
	Rng rng;

	rng_seed(&rng, 1);
	for (size_t i = 0; i < n; i++) {
		h[i] = 1 + (int)rng_below(&rng, K);
		a[i] = noisy(&rng, h[i], 6);
		b[i] = noisy(&rng, h[i], 7);
		cat[i] = (int)rng_below(&rng, 8);
	}
}

static double time_compare(const int *h, const int *a, const int *b, const int *cat, size_t n,
			   int C, CompareOptions *o, CompareResult *r)
{
	double t0 = now();

	compare_run(h, a, b, C ? cat : NULL, n, K, C, o, r);
	return now() - t0;
}

static int bench_compare(size_t n, int R, int C)
{
	int *h = xmalloc(4 * n * sizeof *h), *a = h + n, *b = a + n, *cat = b + n;
	CompareOptions o = { R, BOOTSTRAP_SEED, 0.95, 0.8, COMPARE_RESAMPLE_AUTO };
	CompareResult r;
	double t_auto, t_cat, t_items;
	const CompareFigure *q;

	make_compare(h, a, b, cat, n);
	t_auto = time_compare(h, a, b, cat, n, 0, &o, &r);
	q = &r.all.figure[COMPARE_FIGURE_KAPPA_QUADRATIC];
	printf("compare: %zu items on 1..%d, %d resamples, seed %#llx\n", n, K, R,
	       (unsigned long long)o.seed);
	printf("  quadratic kappa A %.4f, B %.4f, B - A %.4f [%.4f, %.4f], jackknife SE %.5f, "
	       "MDD %.4f\n",
	       q->a.value, q->b.value, q->diff.value, q->ci_diff.lo, q->ci_diff.hi,
	       q->se_diff.value, q->mdd.value);
	printf("  McNemar b %ld c %ld exact p %.3g\n", r.all.mcnemar.b, r.all.mcnemar.c,
	       r.all.mcnemar.p_exact);
	compare_result_free(&r);
	t_cat = time_compare(h, a, b, cat, n, C, &o, &r);
	compare_result_free(&r);
	o.resampling = COMPARE_RESAMPLE_ITEMS;
	t_items = time_compare(h, a, b, cat, n, 0, &o, &r);
	compare_result_free(&r);
	printf("  %-58s %7.3f s\n", "gavel (resampling the label triples, the default):", t_auto);
	printf("  %-58s %7.3f s\n", "gavel, and the same per category for 8 categories:", t_cat);
	printf("  %-58s %7.3f s  (%.0fx the default)\n",
	       "baseline: gavel drawing item indices (n per resample):", t_items, t_items / t_auto);
	printf("TIME compare_all %.6f\n", t_auto);
	printf("TIME compare %.6f\n", t_cat);
	free(h);
	return 0;
}

/* n items with an LLM label, the first audited ones with a human label
 * (the LLM right about 80% of the time); stratified: weights by LLM label. */
static void make_ppi(int *human, int *llm, double *w, size_t n, size_t audited)
{
	Rng rng;

	rng_seed(&rng, 2);
	for (size_t i = 0; i < n; i++) {
		int truth = 1 + (int)rng_below(&rng, K);

		llm[i] = noisy(&rng, truth, 8);
		human[i] = i < audited ? truth : 0;
		w[i] = human[i] ? 1.0 / (0.005 + 0.005 * llm[i]) : 1.0 / (1 - 0.005 * llm[i]);
	}
}

static int bench_ppi(size_t n, size_t audited)
{
	int *human = xmalloc(2 * n * sizeof *human), *llm = human + n;
	double *w = xmalloc(n * sizeof *w), t0, t_cells, t_est, t_w;
	PpiOptions o = { 0.05, NAN, 0.02 };
	PpiResult r;
	size_t cells;
	PpiCell *c;

	make_ppi(human, llm, w, n, audited);
	t0 = now();
	c = ppi_cells_from_items(human, llm, NULL, n, K, &cells);
	t_cells = now() - t0;
	t0 = now();
	ppi_estimate(c, cells, K, &o, &r);
	t_est = now() - t0;
	printf("ppi: %zu items, %zu audited, %d labels, alpha 0.05\n", n, audited, K);
	printf("  lambda %.4f, effective human labels %.0f; label 1: LLM %.4f, audit %.4f, "
	       "PPI++ %.4f [%.4f, %.4f]\n",
	       r.lambda, r.effective_n, r.label[0].est[PPI_METHOD_LLM].point,
	       r.label[0].est[PPI_METHOD_AUDIT].point, r.label[0].est[PPI_METHOD_PPI_PLUS].point,
	       r.label[0].est[PPI_METHOD_PPI_PLUS].lo, r.label[0].est[PPI_METHOD_PPI_PLUS].hi);
	ppi_result_free(&r);
	free(c);
	t0 = now();
	c = ppi_cells_from_items(human, llm, w, n, K, &cells);
	ppi_estimate(c, cells, K, &o, &r);
	t_w = now() - t0;
	ppi_result_free(&r);
	free(c);
	printf("  %-58s %7.3f s\n", "gavel: counting the items into cells:", t_cells);
	printf("  %-58s %7.3f s\n", "gavel: the four estimates and the plan from the cells:", t_est);
	printf("  %-58s %7.3f s\n", "gavel, design-weighted (a weight per item, 10 strata):", t_w);
	printf("TIME ppi %.6f\n", t_cells + t_est);
	printf("TIME ppi_weighted %.6f\n", t_w);
	free(human);
	free(w);
	return 0;
}

/* The data as text for the numpy baselines: one item per line. */
static int dump(int compare, size_t n, size_t audited)
{
	int *x = xmalloc(4 * n * sizeof *x);
	double *w = xmalloc(n * sizeof *w);

	if (compare) {
		make_compare(x, x + n, x + 2 * n, x + 3 * n, n);
		for (size_t i = 0; i < n; i++)
			printf("%d %d %d\n", x[i], x[n + i], x[2 * n + i]);
	} else {
		make_ppi(x, x + n, w, n, audited);
		for (size_t i = 0; i < n; i++)
			printf("%d %d\n", x[i], x[n + i]);
	}
	free(x);
	free(w);
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
	size_t m = argc > 3 ? strtoul(argv[3], NULL, 10) : 0;

	if (argc > 1 && strcmp(argv[1], "compare") == 0)
		return bench_compare(n, m ? (int)m : 1000, argc > 4 ? atoi(argv[4]) : 8);
	if (argc > 1 && strcmp(argv[1], "ppi") == 0)
		return bench_ppi(n, m ? m : 10000);
	if (argc > 1 && strcmp(argv[1], "dump-compare") == 0)
		return dump(1, n, 0);
	if (argc > 1 && strcmp(argv[1], "dump-ppi") == 0)
		return dump(0, n, m);
	fprintf(stderr, "usage: bench_stats compare|ppi|dump-compare|dump-ppi ITEMS [N]\n");
	return 2;
}
