/* reliability.h - agreement among any number of raters, some of whom may not
 * have rated every item: Fleiss' kappa, Krippendorff's alpha (nominal,
 * ordinal, interval, ratio) and Gwet's AC1. Pure computation, no I/O.
 *
 * Input is a ratings table: n_items rows of n_raters ints, row-major, each a
 * label on the fixed scale 1..K or 0 for "this rater did not rate this item".
 * Results are MetricValue (src/metrics.h): a value, or the reason there is
 * none. docs/metrics.md says what each coefficient means. */
#ifndef GAVEL_RELIABILITY_H
#define GAVEL_RELIABILITY_H

#include <stddef.h>

#include "src/agree/metrics.h"

/* Krippendorff's level of measurement: which difference between two labels
 * counts as how much disagreement. Interval and ratio use the label numbers
 * 1..K themselves as the values. */
typedef enum {
	RELIABILITY_LEVEL_NOMINAL,  /* any difference is 1 */
	RELIABILITY_LEVEL_ORDINAL,  /* by how many ratings lie between */
	RELIABILITY_LEVEL_INTERVAL, /* (c - k)^2 */
	RELIABILITY_LEVEL_RATIO,    /* ((c - k) / (c + k))^2 */
} ReliabilityLevel;

/* Every multi-rater statistic, declared once: the enum and display names. */
#define RELIABILITY_STAT_LIST(X)                                \
	X(FLEISS, "Fleiss' kappa")                              \
	X(ALPHA_NOMINAL, "Krippendorff's alpha, nominal")       \
	X(ALPHA_ORDINAL, "Krippendorff's alpha, ordinal")       \
	X(ALPHA_INTERVAL, "Krippendorff's alpha, interval")     \
	X(ALPHA_RATIO, "Krippendorff's alpha, ratio")           \
	X(AC1, "Gwet's AC1")

typedef enum {
#define RELIABILITY_STAT_ENUM(name, text) RELIABILITY_STAT_##name,
	RELIABILITY_STAT_LIST(RELIABILITY_STAT_ENUM)
#undef RELIABILITY_STAT_ENUM
	RELIABILITY_STAT_COUNT
} ReliabilityStat;

/* The display name of a statistic; static, never NULL. */
const char *reliability_stat_name(ReliabilityStat stat);

/* Fleiss' kappa (1971). Every item must have the same number m >= 2 of
 * ratings; items nobody rated are skipped. Undefined, with the reason, when
 * the counts differ (alpha and AC1 accept that), when fewer than two items
 * are rated, or when every rating is the same label. */
MetricValue reliability_fleiss_kappa(const int *ratings, size_t n_items, size_t n_raters, int K);

/* Krippendorff's alpha, 1 - D_observed / D_expected, from the coincidence
 * matrix of all pairable values. An item with a single rating has nothing
 * to be compared with and is left out (it is not pairable). Undefined when
 * fewer than two items have two ratings or all pairable values are equal. */
MetricValue reliability_krippendorff_alpha(const int *ratings, size_t n_items, size_t n_raters,
					   int K, ReliabilityLevel level);

/* Gwet's AC1 with missing ratings (Gwet 2014): observed agreement over the
 * items with two or more ratings, chance agreement from the level shares
 * over every rated item, spread over the K levels of the scale. With two
 * raters and no missing rating it equals metrics_gwet_ac1(). */
MetricValue reliability_gwet_ac1(const int *ratings, size_t n_items, size_t n_raters, int K);

/* The statistic *(const ReliabilityStat *)stat of the table. Its signature
 * is BootstrapRowsFn's (src/bootstrap.h), so it can be resampled as is. */
MetricValue reliability_stat(const int *ratings, size_t n_items, size_t n_raters, int K,
			     const void *stat);

#endif
