/* bootstrap.h - percentile bootstrap confidence intervals for the agreement
 * figures, resampling items with replacement, with a fixed seed so that the
 * same data always give the same interval (src/rng.h is machine-independent).
 *
 * Two ways to resample. bootstrap_table() resamples a two-rater K x K count
 * table directly as one multinomial draw: exact, not an approximation, for
 * any statistic that depends only on the table (every metrics_table_stat()
 * does), and O(K*K) per resample however many items there are. The others
 * draw item indices, O(items) per resample, for statistics of raw scores or
 * of a multi-rater ratings table. docs/metrics.md explains the method. */
#ifndef GAVEL_BOOTSTRAP_H
#define GAVEL_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

#include "src/agree/metrics.h"

#define BOOTSTRAP_RESAMPLES 1000
#define BOOTSTRAP_SEED 0x676176656cULL /* "gavel" in ASCII */
#define BOOTSTRAP_CONFIDENCE 0.95
/* Resamples on which the statistic is undefined (say every resampled item
 * got the same label) are left out; past this share of them the interval
 * itself is reported undefined, since it would describe a selected subset. */
#define BOOTSTRAP_MAX_UNDEFINED_SHARE 0.05

/* How to bootstrap. Pass NULL for the defaults above. */
typedef struct {
	int resamples;     /* at least 1 */
	uint64_t seed;     /* any value */
	double confidence; /* strictly between 0 and 1, e.g. 0.95 */
} BootstrapOptions;

/* A confidence interval, or the reason there is none (defined = 0: lo and
 * hi are 0 and must not be shown; why is a static sentence). */
typedef struct {
	int defined;
	double lo, hi;
	const char *why;
	int resamples; /* resamples drawn */
	int undefined; /* of which the statistic was undefined and left out */
} MetricInterval;

/* A statistic of n label pairs, of n score pairs, or of a ratings table;
 * arg is passed through. metrics_labels_stat() and reliability_stat() fit
 * the first and third through a one-line adapter or directly. */
typedef MetricValue (*BootstrapPairsFn)(const int *a, const int *b, size_t n, int K,
					const void *arg);
typedef MetricValue (*BootstrapScoresFn)(const double *x, const double *y, size_t n,
					 const void *arg);
typedef MetricValue (*BootstrapRowsFn)(const int *ratings, size_t n_items, size_t n_raters,
				       int K, const void *arg);

/* The percentile interval (Hyndman & Fan type 7 quantiles at (1 - confidence)
 * / 2 and its complement) of what a resampling produced: values[0 .. resamples
 * - undefined - 1] are the defined values, sorted here in place; undefined
 * counts the resamples left out. Undefined past
 * BOOTSTRAP_MAX_UNDEFINED_SHARE, as every interval of this module. Shared
 * with resamplings done elsewhere (src/agree/compare.c). */
MetricInterval bootstrap_percentile(double *values, int resamples, int undefined,
				    double confidence);

/* Intervals for every MetricsStat of a two-rater count table (K*K longs,
 * row = first rater), into out[METRICS_STAT_COUNT], all from the same
 * resampled tables: each resample is a Multinomial(n; cell / n) draw of the
 * K*K counts. A statistic undefined on the table itself gets an undefined
 * interval with the same reason. The interval of a statistic does not depend
 * on the others. */
void bootstrap_table(const long *table, int K, const BootstrapOptions *opt,
		     MetricInterval out[METRICS_STAT_COUNT]);

/* The interval of fn over n label pairs, resampling the pairs. For
 * statistics of the table alone bootstrap_table() gives the same
 * distribution far faster; this is the general (and reference) path. */
MetricInterval bootstrap_pairs(BootstrapPairsFn fn, const void *arg, const int *a, const int *b,
			       size_t n, int K, const BootstrapOptions *opt);

/* The interval of fn over n score pairs (metrics_pearson() and the like take
 * doubles), resampling the pairs. */
MetricInterval bootstrap_scores(BootstrapScoresFn fn, const void *arg, const double *x,
				const double *y, size_t n, const BootstrapOptions *opt);

/* The interval of fn over a ratings table (src/reliability.h layout),
 * resampling items, i.e. whole rows with their missing ratings. */
MetricInterval bootstrap_rows(BootstrapRowsFn fn, const void *arg, const int *ratings,
			      size_t n_items, size_t n_raters, int K, const BootstrapOptions *opt);

#endif
