/* reliability.c - multi-rater agreement with missing ratings (see
 * reliability.h). All three coefficients depend on each item only through
 * how many of its ratings fell on each level, so each is one pass over the
 * items with a per-item count vector. */
#include "src/agree/reliability.h"

#include <stdlib.h>

#include "src/base/xalloc.h"

#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

static const char WHY_LABEL[] = "a rating lies outside the scale";
static const char WHY_UNEQUAL[] = "items have different numbers of ratings; Fleiss' kappa "
				  "needs the same number for every item (use Krippendorff's "
				  "alpha or Gwet's AC1)";
static const char WHY_SINGLE[] = "every item has a single rating; two per item are needed";
static const char WHY_FEW_ITEMS[] = "fewer than two items were rated";
static const char WHY_FEW_PAIRED[] = "fewer than two items have two or more ratings";
static const char WHY_SAME[] = "every rating has the same label";

static const char *const stat_names[] = {
#define RELIABILITY_STAT_NAME(name, text) text,
	RELIABILITY_STAT_LIST(RELIABILITY_STAT_NAME)
#undef RELIABILITY_STAT_NAME
};

static MetricValue defined(double value)
{
	return (MetricValue){ .defined = 1, .value = value, .why = NULL };
}

const char *reliability_stat_name(ReliabilityStat stat)
{
	if ((unsigned)stat >= RELIABILITY_STAT_COUNT)
		return METRICS_WHY_STAT;
	return stat_names[stat];
}

/* Counts one item's ratings per level into count[0..K-1]; returns how many
 * ratings it has, or -1 when one lies outside 0..K. */
static long item_counts(const int *row, size_t n_raters, int K, long *count)
{
	long rated = 0;

	for (int k = 0; k < K; k++)
		count[k] = 0;
	for (size_t j = 0; j < n_raters; j++) {
		if (row[j] < 0 || row[j] > K)
			return -1;
		if (row[j] > 0) {
			count[row[j] - 1]++;
			rated++;
		}
	}
	return rated;
}

static int scale_ok(int K)
{
	return K >= 1 && K <= METRICS_MAX_LEVELS;
}

/* kappa = (P - Pe) / (1 - Pe): P the mean share of agreeing rater pairs per
 * item, Pe the same expected from the pooled level shares. The pair counts
 * are summed as integers and divided once. */
MetricValue reliability_fleiss_kappa(const int *ratings, size_t n_items, size_t n_raters, int K)
{
	long count[METRICS_MAX_LEVELS], m = 0;
	double total[METRICS_MAX_LEVELS] = { 0 }, items = 0, agreeing = 0, p, pe = 0;
	int levels = 0;

	if (!scale_ok(K))
		return metrics_undefined(METRICS_WHY_SCALE);
	for (size_t i = 0; i < n_items; i++) {
		long r = item_counts(ratings + i * n_raters, n_raters, K, count);

		if (r < 0)
			return metrics_undefined(WHY_LABEL);
		if (r == 0)
			continue;
		if (m && r != m)
			return metrics_undefined(WHY_UNEQUAL);
		m = r;
		items++;
		for (int k = 0; k < K; k++) {
			agreeing += (double)(count[k] * (count[k] - 1));
			total[k] += (double)count[k];
		}
	}
	if (items < 2)
		return metrics_undefined(WHY_FEW_ITEMS);
	if (m < 2)
		return metrics_undefined(WHY_SINGLE);
	p = agreeing / (items * (double)(m * (m - 1)));
	for (int k = 0; k < K; k++) {
		double share = total[k] / (items * (double)m);

		pe += share * share;
		levels += total[k] > 0;
	}
	if (levels < 2)
		return metrics_undefined(WHY_SAME);
	return defined((p - pe) / (1 - pe));
}

/* Krippendorff's difference between levels c and k (0-based), given the
 * pairable values per level nc (the ordinal metric ranks by them). */
static double alpha_distance(ReliabilityLevel level, int c, int k, const double *nc)
{
	int lo = c < k ? c : k, hi = c < k ? k : c;
	double d, between = 0;

	switch (level) {
	case RELIABILITY_LEVEL_ORDINAL:
		for (int g = lo; g <= hi; g++)
			between += nc[g];
		d = between - (nc[c] + nc[k]) / 2;
		return d * d;
	case RELIABILITY_LEVEL_INTERVAL:
		return (double)(c - k) * (c - k);
	case RELIABILITY_LEVEL_RATIO:
		/* the values are the label numbers c + 1 and k + 1 */
		d = (double)(c - k) / (c + k + 2);
		return d * d;
	case RELIABILITY_LEVEL_NOMINAL:
	default:
		return c != k;
	}
}

/* Adds one item's value pairs to the coincidence matrix o: each ordered pair
 * of its r ratings counts 1 / (r - 1), so every rating weighs 1 in total. */
static void add_coincidences(double *o, const long *count, long r, int K)
{
	int used[METRICS_MAX_LEVELS], n_used = 0;

	for (int k = 0; k < K; k++)
		if (count[k])
			used[n_used++] = k;
	for (int a = 0; a < n_used; a++) {
		int c = used[a];

		for (int b = 0; b < n_used; b++) {
			int k = used[b];

			long pairs = count[c] * (count[k] - (c == k));

			o[c * K + k] += (double)pairs / (double)(r - 1);
		}
	}
}

/* alpha = 1 - D_o / D_e = 1 - (n - 1) sum o_ck d_ck / sum n_c n_k d_ck. */
static MetricValue alpha_from_coincidences(const double *o, int K, ReliabilityLevel level)
{
	double nc[METRICS_MAX_LEVELS] = { 0 }, n = 0, observed = 0, expected = 0;
	int levels = 0;

	for (int c = 0; c < K; c++) {
		for (int k = 0; k < K; k++)
			nc[c] += o[c * K + k];
		n += nc[c];
		levels += nc[c] > 0;
	}
	if (levels < 2)
		return metrics_undefined(WHY_SAME);
	for (int c = 0; c < K; c++) {
		for (int k = 0; k < K; k++) {
			double d = alpha_distance(level, c, k, nc);

			observed += o[c * K + k] * d;
			expected += nc[c] * nc[k] * d;
		}
	}
	return defined(1 - (n - 1) * observed / expected);
}

MetricValue reliability_krippendorff_alpha(const int *ratings, size_t n_items, size_t n_raters,
					   int K, ReliabilityLevel level)
{
	long count[METRICS_MAX_LEVELS];
	size_t pairable = 0;
	MetricValue v;
	double *o;

	if (!scale_ok(K))
		return metrics_undefined(METRICS_WHY_SCALE);
	o = xcalloc((size_t)K * (size_t)K, sizeof *o);
	for (size_t i = 0; i < n_items; i++) {
		long r = item_counts(ratings + i * n_raters, n_raters, K, count);

		if (r < 0) {
			v = metrics_undefined(WHY_LABEL);
			goto out;
		}
		if (r >= 2) {
			add_coincidences(o, count, r, K);
			pairable++;
		}
	}
	if (pairable < 2)
		v = metrics_undefined(WHY_FEW_PAIRED);
	else
		v = alpha_from_coincidences(o, K, level);
out:
	free(o);
	return v;
}

/* AC1 = (pa - pe) / (1 - pe); pe = sum pi_k (1 - pi_k) / (K - 1) is at most
 * 1/K, so the ratio always exists once two items have two ratings. */
MetricValue reliability_gwet_ac1(const int *ratings, size_t n_items, size_t n_raters, int K)
{
	long count[METRICS_MAX_LEVELS];
	double share[METRICS_MAX_LEVELS] = { 0 }, pa = 0, pe = 0, rated = 0, paired = 0;

	if (!scale_ok(K))
		return metrics_undefined(METRICS_WHY_SCALE);
	if (K < 2)
		return metrics_undefined(METRICS_WHY_ONE_LEVEL);
	for (size_t i = 0; i < n_items; i++) {
		long r = item_counts(ratings + i * n_raters, n_raters, K, count), same = 0;

		if (r < 0)
			return metrics_undefined(WHY_LABEL);
		if (r == 0)
			continue;
		rated++;
		for (int k = 0; k < K; k++) {
			share[k] += (double)count[k] / (double)r;
			same += count[k] * (count[k] - 1);
		}
		if (r >= 2) {
			paired++;
			pa += (double)same / (double)(r * (r - 1));
		}
	}
	if (paired < 2)
		return metrics_undefined(WHY_FEW_PAIRED);
	pa /= paired;
	for (int k = 0; k < K; k++) {
		double pi = share[k] / rated;

		pe += pi * (1 - pi);
	}
	pe /= K - 1;
	return defined((pa - pe) / (1 - pe));
}

static MetricValue fleiss(const int *ratings, size_t n_items, size_t n_raters, int K,
			  ReliabilityLevel level)
{
	(void)level;
	return reliability_fleiss_kappa(ratings, n_items, n_raters, K);
}

static MetricValue ac1(const int *ratings, size_t n_items, size_t n_raters, int K,
		       ReliabilityLevel level)
{
	(void)level;
	return reliability_gwet_ac1(ratings, n_items, n_raters, K);
}

/* Each statistic: the function that computes it, and alpha's level. */
static const struct {
	MetricValue (*fn)(const int *ratings, size_t n_items, size_t n_raters, int K,
			  ReliabilityLevel level);
	ReliabilityLevel level;
} stats[RELIABILITY_STAT_COUNT] = {
	[RELIABILITY_STAT_FLEISS] = {fleiss, RELIABILITY_LEVEL_NOMINAL},
	[RELIABILITY_STAT_ALPHA_NOMINAL] = {reliability_krippendorff_alpha, RELIABILITY_LEVEL_NOMINAL},
	[RELIABILITY_STAT_ALPHA_ORDINAL] = {reliability_krippendorff_alpha, RELIABILITY_LEVEL_ORDINAL},
	[RELIABILITY_STAT_ALPHA_INTERVAL] = {reliability_krippendorff_alpha,
					     RELIABILITY_LEVEL_INTERVAL},
	[RELIABILITY_STAT_ALPHA_RATIO] = {reliability_krippendorff_alpha, RELIABILITY_LEVEL_RATIO},
	[RELIABILITY_STAT_AC1] = {ac1, RELIABILITY_LEVEL_NOMINAL},
};

MetricValue reliability_stat(const int *ratings, size_t n_items, size_t n_raters, int K,
			     const void *stat)
{
	ReliabilityStat which = *(const ReliabilityStat *)stat;
	if (which < 0 || which >= RELIABILITY_STAT_COUNT)
		return metrics_undefined(METRICS_WHY_STAT);
	return stats[which].fn(ratings, n_items, n_raters, K, stats[which].level);
}
