/* metrics.c - two-rater agreement (see metrics.h). Every label metric is a
 * function of the K x K count table alone: the figures and their bootstrap
 * (src/bootstrap.c) therefore share one implementation. The score versions
 * of the correlations work on the raw doubles. */
#include "src/agree/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

static const char WHY_NO_ITEMS[] = "no item was rated by both";
static const char WHY_ONE_ITEM[] = "only one item was rated by both; two are needed";
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

const char METRICS_WHY_SCALE[] = "the scale must have between 1 and " TEXT(METRICS_MAX_LEVELS)
				 " levels";
static const char WHY_LABEL[] = "a label lies outside the scale";
static const char WHY_COUNT[] = "the table holds a negative count";
const char METRICS_WHY_STAT[] = "unknown statistic";
static const char WHY_NEEDS_LABELS[] = "this figure needs labels on the scale, not scores";
static const char WHY_A_SAME[] = "the first rater gave the same label to every item";
static const char WHY_B_SAME[] = "the second rater gave the same label to every item";
static const char WHY_BOTH_SAME[] = "each rater gave one label to every item";
const char METRICS_WHY_ONE_LEVEL[] = "a scale of one level leaves nothing to agree on";
static const char WHY_NOT_FINITE[] = "a score is not a finite number";
static const char WHY_X_SAME[] = "the first rater gave the same score to every item";
static const char WHY_Y_SAME[] = "the second rater gave the same score to every item";
static const char WHY_XY_SAME[] = "each rater gave one score to every item";

static const char *const stat_names[] = {
#define METRICS_STAT_NAME(name, text) text,
	METRICS_STAT_LIST(METRICS_STAT_NAME)
#undef METRICS_STAT_NAME
};

/* The table's sums, computed once per statistic. */
typedef struct {
	int K;
	double n;
	double row[METRICS_MAX_LEVELS], col[METRICS_MAX_LEVELS];
	int row_levels, col_levels; /* levels with a nonzero count */
} Margins;

typedef MetricValue (*TableStatFn)(const long *t, const Margins *m, MetricsStat stat);

MetricValue metrics_undefined(const char *why)
{
	return (MetricValue){ .defined = 0, .value = 0, .why = why };
}

static MetricValue defined(double value)
{
	return (MetricValue){ .defined = 1, .value = value, .why = NULL };
}

/* Rounding can carry a correlation a hair past +-1; the true value cannot. */
static MetricValue defined_correlation(double r)
{
	return defined(r > 1 ? 1 : r < -1 ? -1 : r);
}

const char *metrics_stat_name(MetricsStat stat)
{
	if ((unsigned)stat >= METRICS_STAT_COUNT)
		return METRICS_WHY_STAT;
	return stat_names[stat];
}

static const char *margins_compute(const long *t, int K, Margins *m)
{
	memset(m, 0, sizeof *m);
	m->K = K;
	for (int i = 0; i < K; i++) {
		for (int j = 0; j < K; j++) {
			long c = t[i * K + j];

			if (c < 0)
				return WHY_COUNT;
			m->row[i] += (double)c;
			m->col[j] += (double)c;
		}
	}
	for (int i = 0; i < K; i++) {
		m->n += m->row[i];
		m->row_levels += m->row[i] > 0;
		m->col_levels += m->col[i] > 0;
	}
	return NULL;
}

/* Kappa and the correlations say nothing when a rater never varies: kappa
 * is then exactly 0 and a correlation is 0/0, whatever the other rater did. */
static const char *constant_rater(const Margins *m)
{
	if (m->row_levels == 1 && m->col_levels == 1)
		return WHY_BOTH_SAME;
	if (m->row_levels == 1)
		return WHY_A_SAME;
	if (m->col_levels == 1)
		return WHY_B_SAME;
	return NULL;
}

static MetricValue stat_percent(const long *t, const Margins *m, MetricsStat stat)
{
	double same = 0;

	(void)stat;
	for (int i = 0; i < m->K; i++)
		same += (double)t[i * m->K + i];
	return defined(same / m->n);
}

static double kappa_weight(MetricsStat stat, int i, int j)
{
	double d = fabs((double)(i - j));

	if (stat == METRICS_STAT_KAPPA_LINEAR)
		return d;
	if (stat == METRICS_STAT_KAPPA_QUADRATIC)
		return d * d;
	return d > 0;
}

/* kappa = 1 - observed / expected disagreement, both weighted by distance
 * on the fixed scale; expected assumes the raters' margins independent. */
static MetricValue stat_kappa(const long *t, const Margins *m, MetricsStat stat)
{
	const char *why = constant_rater(m);
	double observed = 0, expected = 0;

	if (why)
		return metrics_undefined(why);
	for (int i = 0; i < m->K; i++) {
		for (int j = 0; j < m->K; j++) {
			double w = kappa_weight(stat, i, j);

			observed += w * (double)t[i * m->K + j];
			expected += w * m->row[i] * m->col[j];
		}
	}
	return defined(1 - observed / (expected / m->n));
}

/* Gwet (2008): chance agreement from how far each level's pooled share is
 * from 0 or 1, spread over the K - 1 other levels of the scale. */
static MetricValue stat_ac1(const long *t, const Margins *m, MetricsStat stat)
{
	double pa, pe = 0;

	if (m->K < 2)
		return metrics_undefined(METRICS_WHY_ONE_LEVEL);
	pa = stat_percent(t, m, stat).value;
	for (int k = 0; k < m->K; k++) {
		double pi = (m->row[k] + m->col[k]) / (2 * m->n);

		pe += pi * (1 - pi);
	}
	pe /= m->K - 1;
	return defined((pa - pe) / (1 - pe));
}

/* Pearson's r of the table's pairs, level i of the rows scored sa[i] and
 * level j of the columns sb[j]. */
static MetricValue table_correlation(const long *t, const Margins *m, const double *sa,
				     const double *sb)
{
	const char *why = constant_rater(m);
	double ma = 0, mb = 0, cov = 0, va = 0, vb = 0;
	int K = m->K;

	if (why)
		return metrics_undefined(why);
	for (int i = 0; i < K; i++) {
		ma += m->row[i] * sa[i];
		mb += m->col[i] * sb[i];
	}
	ma /= m->n;
	mb /= m->n;
	for (int i = 0; i < K; i++) {
		va += m->row[i] * (sa[i] - ma) * (sa[i] - ma);
		vb += m->col[i] * (sb[i] - mb) * (sb[i] - mb);
		for (int j = 0; j < K; j++)
			cov += (double)t[i * K + j] * (sa[i] - ma) * (sb[j] - mb);
	}
	return defined_correlation(cov / sqrt(va * vb));
}

static MetricValue stat_pearson(const long *t, const Margins *m, MetricsStat stat)
{
	double level[METRICS_MAX_LEVELS];

	(void)stat;
	for (int i = 0; i < m->K; i++)
		level[i] = i + 1;
	return table_correlation(t, m, level, level);
}

/* The mid-rank of each level: the mean of the ranks its items occupy. */
static void level_midranks(const double *count, int K, double *rank)
{
	double below = 0;

	for (int i = 0; i < K; i++) {
		rank[i] = below + (count[i] + 1) / 2;
		below += count[i];
	}
}

static MetricValue stat_spearman(const long *t, const Margins *m, MetricsStat stat)
{
	double ra[METRICS_MAX_LEVELS], rb[METRICS_MAX_LEVELS];

	(void)stat;
	level_midranks(m->row, m->K, ra);
	level_midranks(m->col, m->K, rb);
	return table_correlation(t, m, ra, rb);
}

/* Walks the rows in order keeping, per column, the count of items in the rows
 * above: an item in cell (i, j) is concordant with those above-and-left and
 * discordant with those above-and-right. O(K^2), exact in doubles up to
 * 2^53 pairs. */
static MetricValue stat_kendall(const long *t, const Margins *m, MetricsStat stat)
{
	const char *why = constant_rater(m);
	double above[METRICS_MAX_LEVELS] = { 0 }, total_above = 0, con = 0, dis = 0;
	double pairs = m->n * (m->n - 1) / 2, tie_a = 0, tie_b = 0;
	int K = m->K;

	(void)stat;
	if (why)
		return metrics_undefined(why);
	for (int i = 0; i < K; i++) {
		double left = 0;

		for (int j = 0; j < K; j++) {
			double c = (double)t[i * K + j];

			con += c * left;
			dis += c * (total_above - left - above[j]);
			left += above[j];
		}
		for (int j = 0; j < K; j++)
			above[j] += (double)t[i * K + j];
		total_above += m->row[i];
		tie_a += m->row[i] * (m->row[i] - 1) / 2;
		tie_b += m->col[i] * (m->col[i] - 1) / 2;
	}
	return defined_correlation((con - dis) / sqrt((pairs - tie_a) * (pairs - tie_b)));
}

static MetricValue stat_mae(const long *t, const Margins *m, MetricsStat stat)
{
	double sum = 0;

	(void)stat;
	for (int i = 0; i < m->K; i++)
		for (int j = 0; j < m->K; j++)
			sum += (double)t[i * m->K + j] * abs(i - j);
	return defined(sum / m->n);
}

static const TableStatFn table_stats[] = {
	[METRICS_STAT_PERCENT] = stat_percent,
	[METRICS_STAT_KAPPA] = stat_kappa,
	[METRICS_STAT_KAPPA_LINEAR] = stat_kappa,
	[METRICS_STAT_KAPPA_QUADRATIC] = stat_kappa,
	[METRICS_STAT_AC1] = stat_ac1,
	[METRICS_STAT_SPEARMAN] = stat_spearman,
	[METRICS_STAT_KENDALL_TAU_B] = stat_kendall,
	[METRICS_STAT_PEARSON] = stat_pearson,
	[METRICS_STAT_MAE] = stat_mae,
};
_Static_assert(sizeof table_stats / sizeof *table_stats == METRICS_STAT_COUNT,
	       "one table function per statistic");

MetricValue metrics_table_stat(const long *table, int K, MetricsStat stat)
{
	Margins m;
	const char *why;

	if ((unsigned)stat >= METRICS_STAT_COUNT)
		return metrics_undefined(METRICS_WHY_STAT);
	if (K < 1 || K > METRICS_MAX_LEVELS)
		return metrics_undefined(METRICS_WHY_SCALE);
	if ((why = margins_compute(table, K, &m)))
		return metrics_undefined(why);
	if (m.n < 1)
		return metrics_undefined(WHY_NO_ITEMS);
	if (m.n < 2)
		return metrics_undefined(WHY_ONE_ITEM);
	return table_stats[stat](table, &m, stat);
}

Status metrics_confusion(const int *a, const int *b, size_t n, int K, long *matrix)
{
	if (K < 1 || K > METRICS_MAX_LEVELS)
		return status_fail(STATUS_ERR_INPUT,
				   "the scale has %d levels; 1 to %d are supported", K,
				   METRICS_MAX_LEVELS);
	memset(matrix, 0, (size_t)K * (size_t)K * sizeof *matrix);
	for (size_t i = 0; i < n; i++) {
		if (a[i] < 1 || a[i] > K || b[i] < 1 || b[i] > K) {
			int bad = a[i] < 1 || a[i] > K ? a[i] : b[i];

			memset(matrix, 0, (size_t)K * (size_t)K * sizeof *matrix);
			return status_fail(STATUS_ERR_INPUT,
					   "item %zu: label %d is outside the scale 1..%d", i + 1,
					   bad, K);
		}
		matrix[(a[i] - 1) * K + (b[i] - 1)]++;
	}
	return STATUS_OK;
}

MetricValue metrics_labels_stat(const int *a, const int *b, size_t n, int K, MetricsStat stat)
{
	MetricValue v;
	long *table;

	if (K < 1 || K > METRICS_MAX_LEVELS)
		return metrics_undefined(METRICS_WHY_SCALE);
	/* checked here so that metrics_confusion() cannot fail and overwrite
	 * the caller's status detail */
	for (size_t i = 0; i < n; i++)
		if (a[i] < 1 || a[i] > K || b[i] < 1 || b[i] > K)
			return metrics_undefined(WHY_LABEL);
	table = xmalloc((size_t)K * (size_t)K * sizeof *table);
	metrics_confusion(a, b, n, K, table);
	v = metrics_table_stat(table, K, stat);
	free(table);
	return v;
}

MetricValue metrics_pairs_stat(const int *a, const int *b, size_t n, int K, const void *stat)
{
	return metrics_labels_stat(a, b, n, K, *(const MetricsStat *)stat);
}

MetricValue metrics_scores_stat(const double *x, const double *y, size_t n, const void *stat)
{
	switch (*(const MetricsStat *)stat) {
	case METRICS_STAT_PEARSON:
		return metrics_pearson(x, y, n);
	case METRICS_STAT_SPEARMAN:
		return metrics_spearman(x, y, n);
	case METRICS_STAT_KENDALL_TAU_B:
		return metrics_kendall_tau_b(x, y, n);
	case METRICS_STAT_MAE:
		return metrics_mae(x, y, n);
	default:
		return metrics_undefined(WHY_NEEDS_LABELS);
	}
}

MetricValue metrics_percent_agreement(const int *a, const int *b, size_t n, int K)
{
	return metrics_labels_stat(a, b, n, K, METRICS_STAT_PERCENT);
}

MetricValue metrics_cohen_kappa(const int *a, const int *b, size_t n, int K, MetricsWeights w)
{
	static const MetricsStat by_weights[] = {
		[METRICS_WEIGHTS_NONE] = METRICS_STAT_KAPPA,
		[METRICS_WEIGHTS_LINEAR] = METRICS_STAT_KAPPA_LINEAR,
		[METRICS_WEIGHTS_QUADRATIC] = METRICS_STAT_KAPPA_QUADRATIC,
	};

	if ((unsigned)w > METRICS_WEIGHTS_QUADRATIC)
		return metrics_undefined(METRICS_WHY_STAT);
	return metrics_labels_stat(a, b, n, K, by_weights[w]);
}

MetricValue metrics_gwet_ac1(const int *a, const int *b, size_t n, int K)
{
	return metrics_labels_stat(a, b, n, K, METRICS_STAT_AC1);
}

/* Scores: the checks every score metric shares. */
static const char *scores_check(const double *x, const double *y, size_t n)
{
	if (n == 0)
		return WHY_NO_ITEMS;
	if (n < 2)
		return WHY_ONE_ITEM;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return WHY_NOT_FINITE;
	return NULL;
}

static int all_equal(const double *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[0])
			return 0;
	return 1;
}

static const char *scores_constant(const double *x, const double *y, size_t n)
{
	int cx = all_equal(x, n), cy = all_equal(y, n);

	return cx && cy ? WHY_XY_SAME : cx ? WHY_X_SAME : cy ? WHY_Y_SAME : NULL;
}

/* Two-pass Pearson: centring first keeps the sums accurate when scores are
 * large and close together. Callers have ruled out constant series. */
static double correlation(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	return sxy / sqrt(sxx * syy);
}

MetricValue metrics_pearson(const double *x, const double *y, size_t n)
{
	const char *why = scores_check(x, y, n);

	if (why || (why = scores_constant(x, y, n)))
		return metrics_undefined(why);
	return defined_correlation(correlation(x, y, n));
}

typedef struct {
	double value;
	size_t index;
} Ranked;

static int ranked_cmp(const void *pa, const void *pb)
{
	const Ranked *a = pa, *b = pb;

	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* rank[i] = mid-rank of v[i]: tied values share the mean of their ranks. */
static void midranks(const double *v, size_t n, double *rank)
{
	Ranked *r = xmalloc(n * sizeof *r);

	for (size_t i = 0; i < n; i++)
		r[i] = (Ranked){ v[i], i };
	qsort(r, n, sizeof *r, ranked_cmp);
	for (size_t lo = 0, hi; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && r[hi].value == r[lo].value; hi++)
			;
		/* ranks lo+1 .. hi, mean (lo + 1 + hi) / 2 */
		for (size_t k = lo; k < hi; k++)
			rank[r[k].index] = (double)(lo + 1 + hi) / 2;
	}
	free(r);
}

MetricValue metrics_spearman(const double *x, const double *y, size_t n)
{
	const char *why = scores_check(x, y, n);
	double *rx, *ry;
	MetricValue v;

	if (why || (why = scores_constant(x, y, n)))
		return metrics_undefined(why);
	rx = xmalloc(2 * n * sizeof *rx);
	ry = rx + n;
	midranks(x, n, rx);
	midranks(y, n, ry);
	v = defined_correlation(correlation(rx, ry, n));
	free(rx);
	return v;
}

typedef struct {
	double x, y;
} Pair;

static int pair_cmp(const void *pa, const void *pb)
{
	const Pair *a = pa, *b = pb;

	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	return (a->y > b->y) - (a->y < b->y);
}

/* Sorts v by merging and returns the number of strict inversions, the pairs
 * i < j with v[i] > v[j]. */
static long long sort_count_inversions(double *v, double *tmp, size_t n)
{
	size_t half = n / 2, i = 0, j = half, k = 0;
	long long inversions;

	if (n < 2)
		return 0;
	inversions = sort_count_inversions(v, tmp, half) +
		     sort_count_inversions(v + half, tmp, n - half);
	while (i < half && j < n) {
		if (v[j] < v[i]) {
			inversions += (long long)(half - i);
			tmp[k++] = v[j++];
		} else {
			tmp[k++] = v[i++];
		}
	}
	while (i < half)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
	return inversions;
}

/* Pairs tied in x (both = 0) or in x and y (both = 1) in p sorted by (x, y):
 * t(t-1)/2 summed over the runs of equal keys. */
static long long pair_ties(const Pair *p, size_t n, int both)
{
	long long ties = 0;

	for (size_t lo = 0, hi; lo < n; lo = hi) {
		hi = lo + 1;
		while (hi < n && p[hi].x == p[lo].x && (!both || p[hi].y == p[lo].y))
			hi++;
		ties += (long long)(hi - lo) * (long long)(hi - lo - 1) / 2;
	}
	return ties;
}

/* The same for the runs of a sorted array. */
static long long value_ties(const double *v, size_t n)
{
	long long ties = 0;

	for (size_t lo = 0, hi; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && v[hi] == v[lo]; hi++)
			;
		ties += (long long)(hi - lo) * (long long)(hi - lo - 1) / 2;
	}
	return ties;
}

/* Knight (1966): sort by (x, y); then every strict inversion of y is a
 * discordant pair, and C - D = all - tied_x - tied_y + tied_both - 2 D. */
MetricValue metrics_kendall_tau_b(const double *x, const double *y, size_t n)
{
	const char *why = scores_check(x, y, n);
	long long all, tie_x, tie_y, tie_xy, dis;
	Pair *p;
	double *ys, *tmp;

	if (why || (why = scores_constant(x, y, n)))
		return metrics_undefined(why);
	p = xmalloc(n * sizeof *p);
	ys = xmalloc(2 * n * sizeof *ys);
	tmp = ys + n;
	for (size_t i = 0; i < n; i++)
		p[i] = (Pair){ x[i], y[i] };
	qsort(p, n, sizeof *p, pair_cmp);
	tie_x = pair_ties(p, n, 0);
	tie_xy = pair_ties(p, n, 1);
	for (size_t i = 0; i < n; i++)
		ys[i] = p[i].y;
	dis = sort_count_inversions(ys, tmp, n);
	tie_y = value_ties(ys, n);
	all = (long long)n * (long long)(n - 1) / 2;
	free(p);
	free(ys);
	return defined_correlation((double)(all - tie_x - tie_y + tie_xy - 2 * dis) /
				   sqrt((double)(all - tie_x) * (double)(all - tie_y)));
}

MetricValue metrics_mae(const double *x, const double *y, size_t n)
{
	const char *why = scores_check(x, y, n);
	double sum = 0;

	if (why)
		return metrics_undefined(why);
	for (size_t i = 0; i < n; i++)
		sum += fabs(x[i] - y[i]);
	return defined(sum / (double)n);
}

const char *metrics_landis_koch(double value)
{
	if (isnan(value))
		return "undefined";
	if (value < 0)
		return "poor";
	if (value <= 0.20)
		return "slight";
	if (value <= 0.40)
		return "fair";
	if (value <= 0.60)
		return "moderate";
	if (value <= 0.80)
		return "substantial";
	return "almost perfect";
}
