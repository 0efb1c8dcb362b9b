/* metrics.h - agreement between two raters: percent agreement, Cohen's kappa
 * (unweighted, linear, quadratic), Gwet's AC1, Spearman's rho, Kendall's
 * tau-b, Pearson's r, mean absolute error and the confusion matrix. Pure
 * computation: no I/O, no global state. Many raters per item live in
 * src/reliability.h; confidence intervals in src/bootstrap.h; what the
 * figures mean and when to trust which is in docs/metrics.md.
 *
 * Labels are on the database's fixed ordered scale 1..K. Weights and
 * distances are taken over that whole scale, so a level nobody used still
 * counts (scikit-learn and others use only the levels present; the two differ
 * when an unused level lies between used ones). */
#ifndef GAVEL_METRICS_H
#define GAVEL_METRICS_H

#include <stddef.h>

#include "src/base/status.h"

/* The largest scale the table-based metrics accept (they keep per-level
 * sums on the stack). */
#define METRICS_MAX_LEVELS 64

/* A figure, or the reason there is none. When defined is 0, value is 0 and
 * must not be shown; why is a static sentence for the user ("the first rater
 * gave the same label to every item"). When defined is 1, why is NULL. */
typedef struct {
	int defined;
	double value;
	const char *why;
} MetricValue;

/* Every statistic computed from a two-rater K x K table, declared once: the
 * enum and the display names come from this list. */
#define METRICS_STAT_LIST(X)                                   \
	X(PERCENT, "percent agreement")                        \
	X(KAPPA, "Cohen's kappa")                              \
	X(KAPPA_LINEAR, "Cohen's kappa, linear weights")       \
	X(KAPPA_QUADRATIC, "Cohen's kappa, quadratic weights") \
	X(AC1, "Gwet's AC1")                                   \
	X(SPEARMAN, "Spearman's rho")                          \
	X(KENDALL_TAU_B, "Kendall's tau-b")                    \
	X(PEARSON, "Pearson's r")                              \
	X(MAE, "mean absolute error")

typedef enum {
#define METRICS_STAT_ENUM(name, text) METRICS_STAT_##name,
	METRICS_STAT_LIST(METRICS_STAT_ENUM)
#undef METRICS_STAT_ENUM
	METRICS_STAT_COUNT
} MetricsStat;

/* Disagreement weights for Cohen's kappa over the scale 1..K: none (any
 * difference counts 1), linear |i-j|, quadratic (i-j)^2. */
typedef enum {
	METRICS_WEIGHTS_NONE,
	METRICS_WEIGHTS_LINEAR,
	METRICS_WEIGHTS_QUADRATIC,
} MetricsWeights;

/* The display name of a statistic; static, never NULL. */
const char *metrics_stat_name(MetricsStat stat);

/* Fills matrix (K*K longs, row = a's label - 1, column = b's label - 1) with
 * the counts of the n label pairs. Returns STATUS_OK, or STATUS_ERR_INPUT
 * with the detail naming the first label outside 1..K (matrix then holds
 * zeros). K must be 1..METRICS_MAX_LEVELS. */
Status metrics_confusion(const int *a, const int *b, size_t n, int K, long *matrix);

/* One statistic of the K x K count table (row = first rater); every
 * two-rater label metric is computed here, which is what lets the bootstrap
 * resample the table instead of the items. Needs at least two items. Kappa
 * and the correlations are undefined when a rater gave one label to every
 * item; AC1 and percent agreement are not (AC1 needs K >= 2). */
MetricValue metrics_table_stat(const long *table, int K, MetricsStat stat);

/* metrics_table_stat() on the table of the n pairs (a[i], b[i]) of labels
 * on 1..K. Undefined when a label lies outside 1..K. */
MetricValue metrics_labels_stat(const int *a, const int *b, size_t n, int K, MetricsStat stat);

/* metrics_labels_stat() with the statistic passed as *(const MetricsStat *)
 * stat: the signature of BootstrapPairsFn (src/bootstrap.h). */
MetricValue metrics_pairs_stat(const int *a, const int *b, size_t n, int K, const void *stat);

/* The score version of a statistic, *(const MetricsStat *)stat being
 * PEARSON, SPEARMAN, KENDALL_TAU_B or MAE (the others need labels and are
 * undefined here): the signature of BootstrapScoresFn. */
MetricValue metrics_scores_stat(const double *x, const double *y, size_t n, const void *stat);

/* The share of items on which a and b give the same label, in [0, 1]. */
MetricValue metrics_percent_agreement(const int *a, const int *b, size_t n, int K);

/* Cohen's kappa, 1 - sum w_ij p_ij / sum w_ij p_i. p_.j, with the weights w
 * over the whole scale 1..K. Undefined when either rater gave one label to
 * every item (kappa would be exactly 0 whatever the agreement). */
MetricValue metrics_cohen_kappa(const int *a, const int *b, size_t n, int K, MetricsWeights w);

/* Gwet's AC1 for two raters, chance agreement sum pi_k (1 - pi_k) / (K - 1)
 * over the K levels of the scale. */
MetricValue metrics_gwet_ac1(const int *a, const int *b, size_t n, int K);

/* Pearson's correlation of two series of n scores. Undefined below two
 * items, when a score is not finite, or when either series is constant. */
MetricValue metrics_pearson(const double *x, const double *y, size_t n);

/* Spearman's rho: Pearson's correlation of the mid-ranks (ties share the
 * mean of the ranks they span). Undefined as metrics_pearson(). */
MetricValue metrics_spearman(const double *x, const double *y, size_t n);

/* Kendall's tau-b, (C - D) / sqrt((C + D + Tx)(C + D + Ty)) with Tx, Ty the
 * pairs tied only in x, only in y; O(n log n) (Knight 1966). Undefined as
 * metrics_pearson(). */
MetricValue metrics_kendall_tau_b(const double *x, const double *y, size_t n);

/* The mean of |x[i] - y[i]|. Undefined below two items or for a score that
 * is not finite. */
MetricValue metrics_mae(const double *x, const double *y, size_t n);

/* Landis & Koch's (1977) word for a kappa-like value: "poor" below 0,
 * "slight" to 0.20, "fair" to 0.40, "moderate" to 0.60, "substantial" to
 * 0.80, "almost perfect" above. Static string. */
const char *metrics_landis_koch(double value);

/* An undefined figure with its reason (a static string), and the reasons the
 * agreement modules share. */
MetricValue metrics_undefined(const char *why);
extern const char METRICS_WHY_SCALE[], METRICS_WHY_ONE_LEVEL[], METRICS_WHY_STAT[];

#endif
