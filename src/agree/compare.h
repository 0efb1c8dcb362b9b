/* compare.h - two labellers A and B (two prompt versions, two runs) against
 * the settled human label on the same items, with paired statistics: what
 * `gavel prompts compare` and the lab screen show. Pure computation: no I/O,
 * no global state. docs/prompt-lab.md explains every figure to users.
 *
 * Labels are on the fixed ordered scale 1..K (src/agree/metrics.h). Every
 * item is classed against the human label h, never against the other
 * labeller. Figures are those of metrics.h: kappa (unweighted, linear,
 * quadratic) and exact agreement, for A and for B, and the difference B - A.
 *
 * Formulas (sources in brackets):
 * - Paired bootstrap [Efron & Tibshirani 1993, ch. 13; prompt-lab reference
 *   5.1]: resample the n items with replacement; compute the figure for A
 *   and for B on the same resample; B* - A* is one draw of the difference.
 *   The interval is the percentile interval of the draws (type 7 quantiles,
 *   src/agree/bootstrap.h). Every figure here depends on an item only
 *   through its (h, a, b) triple, so the resample is drawn either as n item
 *   indices or, exactly as in bootstrap.c, as one Multinomial(n; m_c / n)
 *   over the occupied triples c (m_c items each): the two have the same
 *   distribution; the result says which was used.
 * - Jackknife standard error [Quenouille 1956, Tukey 1958]: with T_(i) the
 *   figure computed with item i left out and T_(.) their mean,
 *   SE = sqrt((n - 1) / n * sum_i (T_(i) - T_(.))^2). Items with the same
 *   triple have the same T_(i), so it is computed once per occupied triple:
 *   O(triples * K^2), never O(n^2).
 * - McNemar [McNemar 1947; R mcnemar.test]: on exact agreement, b = broken
 *   (A right, B wrong), c = fixed; see src/agree/stattest.h.
 * - Sign test [prompt-lab reference 5.1]: over the items whose distance to h
 *   changed, toward = fixed + closer, away = broken + farther; exact
 *   two-sided binomial p at 1/2.
 * - Jackknife z test: p = 2 (1 - Phi(|B - A| / SE)), the test Holm adjusts
 *   across categories for each figure.
 * - Smallest detectable difference [Cohen 1988; reference 5.1]:
 *   MDD = (z_{1 - alpha/2} + z_{power}) * SE, alpha = 1 - confidence, SE the
 *   jackknife SE of B - A (2.80 SE at alpha 0.05 and 80% power). Assumes B -
 *   A is close to normal, that its standard error under a true difference
 *   equals the one measured on these items, a two-sided test at alpha, and
 *   ignores the chance of rejecting in the wrong direction. A true difference
 *   smaller than the MDD will more often than not go unnoticed.
 * - Holm [Holm 1979]: across the categories, per figure and per test; a
 *   category with nothing to test (no discordant item for McNemar, no change
 *   of distance for the sign test, A and B the same on every item for a
 *   figure) stays out of the count and keeps its unadjusted p.
 */
#ifndef GAVEL_COMPARE_H
#define GAVEL_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "src/agree/bootstrap.h"
#include "src/agree/metrics.h"
#include "src/agree/stattest.h"
#include "src/base/status.h"

/* Each item's class against the human label h, declared once: id, name,
 * and what it means. The first class that applies wins, so "closer" and
 * "farther" are items both labellers got wrong. */
#define COMPARE_CLASS_LIST(X)                                                          \
	X(FIXED, "fixed", "A was wrong, B is right")                                   \
	X(BROKEN, "broken", "A was right, B is wrong")                                 \
	X(CLOSER, "closer", "both wrong, B nearer the human label than A")             \
	X(FARTHER, "farther", "both wrong, B further from the human label than A")     \
	X(MOVED, "moved", "both wrong, B on another label at A's distance")            \
	X(UNCHANGED, "unchanged", "A and B gave the same label")

typedef enum {
#define COMPARE_CLASS_ENUM(id, name, help) COMPARE_CLASS_##id,
	COMPARE_CLASS_LIST(COMPARE_CLASS_ENUM)
#undef COMPARE_CLASS_ENUM
	COMPARE_CLASS_COUNT
} CompareClass;

/* The figures computed for each labeller, declared once: id, the metrics.h
 * statistic, display name. */
#define COMPARE_FIGURE_LIST(X)                                                          \
	X(KAPPA, METRICS_STAT_KAPPA, "kappa")                                          \
	X(KAPPA_LINEAR, METRICS_STAT_KAPPA_LINEAR, "kappa, linear weights")            \
	X(KAPPA_QUADRATIC, METRICS_STAT_KAPPA_QUADRATIC, "kappa, quadratic weights")   \
	X(AGREEMENT, METRICS_STAT_PERCENT, "exact agreement")

typedef enum {
#define COMPARE_FIGURE_ENUM(id, stat, name) COMPARE_FIGURE_##id,
	COMPARE_FIGURE_LIST(COMPARE_FIGURE_ENUM)
#undef COMPARE_FIGURE_ENUM
	COMPARE_FIGURE_COUNT
} CompareFigureId;

/* How the bootstrap draws its resamples: item indices, one multinomial over
 * the occupied (h, a, b) triples, or (AUTO) whichever is cheaper for the
 * data. Same distribution, different streams: a seed reproduces an interval
 * only with the same method, which the result reports. */
typedef enum {
	COMPARE_RESAMPLE_AUTO,
	COMPARE_RESAMPLE_ITEMS,
	COMPARE_RESAMPLE_TRIPLES,
} CompareResampling;

#define COMPARE_POWER 0.8

/* Pass NULL for the defaults: BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED,
 * BOOTSTRAP_CONFIDENCE, COMPARE_POWER, AUTO. resamples may be 0: no
 * bootstrap, every interval undefined with a reason. */
typedef struct {
	int resamples;
	uint64_t seed;
	double confidence; /* strictly between 0 and 1 */
	double power;      /* strictly between 0 and 1 */
	CompareResampling resampling;
} CompareOptions;

/* One figure of A and of B against h, and the difference B - A. A value
 * with defined = 0 carries why; a p-value that is not defined is NaN. */
typedef struct {
	MetricValue a, b, diff;
	MetricValue se_a, se_b, se_diff;      /* jackknife standard errors */
	MetricInterval ci_a, ci_b, ci_diff;   /* paired percentile bootstrap */
	MetricValue mdd;                      /* smallest detectable |B - A| */
	double p_diff, p_diff_holm;           /* jackknife z test of B - A = 0 */
} CompareFigure;

/* Everything about one set of items (all of them, or one category). The
 * *_holm p-values are adjusted across categories; on the summary of all
 * items they equal the unadjusted ones. */
typedef struct {
	size_t n;                            /* items compared */
	long classes[COMPARE_CLASS_COUNT];   /* items in each class */
	CompareFigure figure[COMPARE_FIGURE_COUNT];
	StattestMcnemar mcnemar;             /* b = broken, c = fixed */
	double mcnemar_p_holm;               /* of the exact p */
	long toward, away;                   /* fixed + closer, broken + farther */
	double sign_p, sign_p_holm;
	/* as used: */
	int resamples;
	uint64_t seed;
	double confidence, power;
	CompareResampling resampled_by;      /* ITEMS or TRIPLES */
} CompareSummary;

/* A whole comparison. Owns its arrays; free with compare_result_free(). */
typedef struct {
	CompareSummary all;
	CompareSummary *category; /* n_categories entries, or NULL */
	int n_categories;
	unsigned char *item_class; /* n entries, a CompareClass each */
	size_t n;
} CompareResult;

/* The short name ("fixed") and the one-line meaning of a class; static,
 * never NULL (an unknown class gives "?"). */
const char *compare_class_name(CompareClass c);
const char *compare_class_help(CompareClass c);

/* The display name of a figure ("kappa, quadratic weights"); static. */
const char *compare_figure_name(CompareFigureId f);

/* The class of one item with human label h and labels a (A) and b (B). */
CompareClass compare_classify(int h, int a, int b);

/* Compares A and B on n items: human[i], a[i], b[i] are item i's labels on
 * 1..K, category[i] its category in 0..n_categories-1 or -1 for none (the
 * item then counts only in the summary of all items); category may be NULL
 * (then n_categories must be 0). Every category's bootstrap starts from the
 * same seed, so its figures do not depend on the other categories. Fills
 * *out (free it with compare_result_free() whatever the status). Returns
 * STATUS_OK, or STATUS_ERR_INPUT naming the first item whose label or
 * category is out of range, or the option that is unusable. No item is an
 * error too: there is nothing to compare. */
Status compare_run(const int *human, const int *a, const int *b, const int *category, size_t n,
		   int K, int n_categories, const CompareOptions *opt, CompareResult *out);

/* Frees what compare_run() allocated; NULL-safe, leaves *r zeroed. */
void compare_result_free(CompareResult *r);

#endif
