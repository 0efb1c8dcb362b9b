/* test_metrics.c - two-rater agreement (src/metrics.c) against the published
 * reference values in tests/data/agreement.json (every case in the file,
 * including the multi-rater ones of src/reliability.c, so a case added to
 * the file is tested without touching this code), against hand arithmetic,
 * and against independent brute-force formulas. */
#include <cJSON.h>
#include <stdint.h>
#include <stdlib.h>

#include "src/agree/metrics.h"
#include "src/agree/reliability.h"
#include "src/base/xalloc.h"
#include "tests/unit/test.h"
#include "tests/unit/test_metric.h"

#define REFERENCE "tests/data/agreement.json"

/* ---- the reference file --------------------------------------------- */

/* The distinct values of JSON arrays (numbers or strings; null is missing),
 * sorted, so that a value's level is its 1-based rank: the reference file
 * defines kappa's levels as "indices of the sorted category levels". */
typedef struct {
	const cJSON *value[METRICS_MAX_LEVELS];
	int count, overflow;
} Levels;

static int json_cmp(const cJSON *x, const cJSON *y)
{
	if (cJSON_IsNumber(x) && cJSON_IsNumber(y))
		return (x->valuedouble > y->valuedouble) - (x->valuedouble < y->valuedouble);
	if (cJSON_IsString(x) && cJSON_IsString(y))
		return strcmp(x->valuestring, y->valuestring);
	return cJSON_IsNumber(x) ? -1 : 1;
}

static void levels_add_array(Levels *l, const cJSON *array)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, array) {
		int i, at = 0;

		if (cJSON_IsNull(v))
			continue;
		for (i = 0; i < l->count && json_cmp(l->value[i], v) != 0; i++)
			;
		if (i < l->count)
			continue;
		if (l->count == METRICS_MAX_LEVELS) {
			l->overflow = 1;
			continue;
		}
		while (at < l->count && json_cmp(l->value[at], v) < 0)
			at++;
		memmove(l->value + at + 1, l->value + at,
			(size_t)(l->count - at) * sizeof *l->value);
		l->value[at] = v;
		l->count++;
	}
}

/* 1-based level of v, 0 for null (a missing rating). */
static int levels_index(const Levels *l, const cJSON *v)
{
	if (cJSON_IsNull(v))
		return 0;
	for (int i = 0; i < l->count; i++)
		if (json_cmp(l->value[i], v) == 0)
			return i + 1;
	return -1;
}

static cJSON *load_reference(void)
{
	FILE *f = fopen(REFERENCE, "rb");
	char *text;
	long size;
	cJSON *root;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = xmalloc((size_t)size + 1);
	text[fread(text, 1, (size_t)size, f)] = '\0';
	fclose(f);
	root = cJSON_Parse(text);
	free(text);
	return root;
}

static double field_number(const cJSON *c, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, name);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *field_string(const cJSON *c, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Checks one computed figure against the case's expected value. */
static void check_case(const cJSON *c, MetricValue v)
{
	double want = field_number(c, "expected"), tol = field_number(c, "tolerance");

	CHECK(!isnan(want) && !isnan(tol));
	check_value(v, want, tol);
	if (!v.defined || fabs(v.value - want) > tol)
		fprintf(stderr, "  case %s\n", field_string(c, "id"));
}

static int ref_cohen(const cJSON *c)
{
	const cJSON *ja = cJSON_GetObjectItemCaseSensitive(c, "rater_a");
	const cJSON *jb = cJSON_GetObjectItemCaseSensitive(c, "rater_b");
	const char *weights = field_string(c, "weights");
	int n = cJSON_GetArraySize(ja), *a, *b, i = 0;
	MetricsWeights w;
	Levels l = { 0 };

	if (!weights || n != cJSON_GetArraySize(jb))
		return 0;
	w = !strcmp(weights, "linear")	  ? METRICS_WEIGHTS_LINEAR
	    : !strcmp(weights, "quadratic") ? METRICS_WEIGHTS_QUADRATIC
	    : !strcmp(weights, "none")	  ? METRICS_WEIGHTS_NONE
					  : (MetricsWeights)-1;
	if ((int)w < 0)
		return 0;
	levels_add_array(&l, ja);
	levels_add_array(&l, jb);
	a = xmalloc(2 * (size_t)n * sizeof *a);
	b = a + n;
	for (const cJSON *v = ja->child, *u = jb->child; v && u; v = v->next, u = u->next, i++) {
		a[i] = levels_index(&l, v);
		b[i] = levels_index(&l, u);
	}
	check_case(c, metrics_cohen_kappa(a, b, (size_t)n, l.count, w));
	free(a);
	return !l.overflow;
}

/* A subject-by-rater (or observer-by-unit, transposed) JSON matrix as a
 * ratings table on 1..K. Values are mapped to levels by rank, or, when
 * by_value, used as the label numbers themselves (interval and ratio
 * alpha measure distances between the numbers). */
static int *ratings_from_json(const cJSON *rows, int transpose, int by_value, size_t *n_items,
			      size_t *n_raters, int *K)
{
	size_t n_rows = (size_t)cJSON_GetArraySize(rows), n_cols = 0, r = 0;
	const cJSON *row, *v;
	Levels l = { 0 };
	int *t;

	cJSON_ArrayForEach(row, rows) {
		levels_add_array(&l, row);
		if ((size_t)cJSON_GetArraySize(row) > n_cols)
			n_cols = (size_t)cJSON_GetArraySize(row);
	}
	*n_items = transpose ? n_cols : n_rows;
	*n_raters = transpose ? n_rows : n_cols;
	*K = by_value ? 0 : l.count;
	t = xcalloc(n_rows * n_cols, sizeof *t);
	cJSON_ArrayForEach(row, rows) {
		size_t col = 0;

		cJSON_ArrayForEach(v, row) {
			int label = by_value && cJSON_IsNumber(v) ? v->valueint
								  : levels_index(&l, v);

			/* label numbers must be whole and on 1..64 to stand for themselves */
			if (by_value && !cJSON_IsNull(v) &&
			    (!cJSON_IsNumber(v) || v->valuedouble != v->valueint ||
			     v->valueint < 1 || v->valueint > METRICS_MAX_LEVELS))
				label = -1;
			if (label < 0 || l.overflow) {
				free(t);
				return NULL;
			}
			if (label > *K && by_value)
				*K = label;
			t[transpose ? col * n_rows + r : r * n_cols + col] = label;
			col++;
		}
		r++;
	}
	return t;
}

/* counts_subject_by_category: item i has counts[i][k] ratings of level k+1. */
static int *ratings_from_counts(const cJSON *rows, size_t *n_items, size_t *n_raters, int *K)
{
	const cJSON *row, *v;
	size_t width = 0, i = 0;
	int *t;

	*n_items = (size_t)cJSON_GetArraySize(rows);
	*K = cJSON_GetArraySize(rows->child);
	cJSON_ArrayForEach(row, rows) {
		size_t m = 0;

		cJSON_ArrayForEach(v, row) m += (size_t)v->valueint;
		width = m > width ? m : width;
	}
	*n_raters = width;
	t = xcalloc(*n_items * width, sizeof *t);
	cJSON_ArrayForEach(row, rows) {
		size_t j = 0;
		int level = 1;

		cJSON_ArrayForEach(v, row) {
			for (int k = 0; k < v->valueint; k++)
				t[i * width + j++] = level;
			level++;
		}
		i++;
	}
	return t;
}

static int ref_fleiss(const cJSON *c)
{
	const cJSON *raw = cJSON_GetObjectItemCaseSensitive(c, "ratings_subject_by_rater");
	const cJSON *counts = cJSON_GetObjectItemCaseSensitive(c, "counts_subject_by_category");
	size_t n_items, n_raters;
	int K, *t;

	if (raw)
		t = ratings_from_json(raw, 0, 0, &n_items, &n_raters, &K);
	else if (counts)
		t = ratings_from_counts(counts, &n_items, &n_raters, &K);
	else
		return 0;
	if (!t)
		return 0;
	check_case(c, reliability_fleiss_kappa(t, n_items, n_raters, K));
	free(t);
	return 1;
}

static int ref_krippendorff(const cJSON *c)
{
	const cJSON *data =
		cJSON_GetObjectItemCaseSensitive(c, "reliability_data_observer_by_unit");
	const char *name = field_string(c, "level");
	static const char *const names[] = { "nominal", "ordinal", "interval", "ratio" };
	int level = -1, K, *t;
	size_t n_items, n_raters;

	for (int i = 0; name && i < 4; i++)
		if (!strcmp(name, names[i]))
			level = i;
	if (!data || level < 0)
		return 0;
	t = ratings_from_json(data, 1, level >= RELIABILITY_LEVEL_INTERVAL, &n_items, &n_raters,
			      &K);
	if (!t)
		return 0;
	check_case(c, reliability_krippendorff_alpha(t, n_items, n_raters, K,
						     (ReliabilityLevel)level));
	free(t);
	return 1;
}

/* Spearman and Kendall on the raw numbers; when they are small positive
 * integers, also through the label (count table) path, which must agree. */
static int ref_rank(const cJSON *c)
{
	const cJSON *jx = cJSON_GetObjectItemCaseSensitive(c, "x");
	const cJSON *jy = cJSON_GetObjectItemCaseSensitive(c, "y");
	const char *metric = field_string(c, "metric");
	int n = cJSON_GetArraySize(jx), i = 0, K = 0, labels = 1, *a;
	double *x, *y;
	MetricsStat stat;
	MetricValue (*fn)(const double *, const double *, size_t);

	if (!metric || n != cJSON_GetArraySize(jy))
		return 0;
	if (!strcmp(metric, "spearman"))
		fn = metrics_spearman, stat = METRICS_STAT_SPEARMAN;
	else if (!strcmp(metric, "kendall_tau_b"))
		fn = metrics_kendall_tau_b, stat = METRICS_STAT_KENDALL_TAU_B;
	else if (!strcmp(metric, "pearson"))
		fn = metrics_pearson, stat = METRICS_STAT_PEARSON;
	else
		return 0;
	x = xmalloc(2 * (size_t)n * sizeof *x);
	y = x + n;
	a = xmalloc(2 * (size_t)n * sizeof *a);
	for (const cJSON *u = jx->child, *v = jy->child; u && v; u = u->next, v = v->next, i++) {
		x[i] = u->valuedouble;
		y[i] = v->valuedouble;
		a[i] = (int)x[i];
		a[n + i] = (int)y[i];
		labels &= x[i] == a[i] && y[i] == a[n + i] && a[i] >= 1 && a[n + i] >= 1 &&
			  a[i] <= METRICS_MAX_LEVELS && a[n + i] <= METRICS_MAX_LEVELS;
		K = a[i] > K ? a[i] : K;
		K = a[n + i] > K ? a[n + i] : K;
	}
	check_case(c, fn(x, y, (size_t)n));
	if (labels)
		check_case(c, metrics_labels_stat(a, a + n, (size_t)n, K, stat));
	free(x);
	free(a);
	return 1;
}

static void test_reference_file(void)
{
	static const struct {
		const char *metric;
		int (*run)(const cJSON *c);
	} runners[] = {
		{ "cohen_kappa", ref_cohen },
		{ "fleiss_kappa", ref_fleiss },
		{ "krippendorff_alpha", ref_krippendorff },
		{ "rank_correlation", ref_rank },
	};
	cJSON *root = load_reference();
	const cJSON *metric, *c;
	int cases = 0, run = 0;

	CHECK(root != NULL);
	if (!root)
		return;
	CHECK(field_string(root, "about") != NULL);
	cJSON_ArrayForEach(metric, cJSON_GetObjectItemCaseSensitive(root, "metrics")) {
		size_t r = 0;

		while (r < sizeof runners / sizeof *runners &&
		       strcmp(runners[r].metric, metric->string))
			r++;
		CHECK(r < sizeof runners / sizeof *runners);
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(metric, "cases")) {
			int ok = r < sizeof runners / sizeof *runners && runners[r].run(c);

			cases++;
			run += ok;
			CHECK(field_string(c, "source") != NULL);
			if (!ok)
				fprintf(stderr, "  %s case %s has a shape this test cannot read\n",
					metric->string, field_string(c, "id"));
		}
	}
	CHECK(cases >= 13); /* the file as copied had 13 cases; none may vanish */
	CHECK_INT(run, cases);
	cJSON_Delete(root);
}

/* ---- hand-computed cases ---------------------------------------------- */

/* The worked example of docs/metrics.md: ten items on a 1..3 scale.
 *
 *            b=1  b=2  b=3 | row
 *      a=1    3    1    0  |  4
 *      a=2    0    2    1  |  3
 *      a=3    0    1    2  |  3
 *      col    3    4    3  | 10
 */
static void worked_example(int *a, int *b)
{
	static const int cells[][3] = { { 1, 1, 3 }, { 1, 2, 1 }, { 2, 2, 2 },
					{ 2, 3, 1 }, { 3, 2, 1 }, { 3, 3, 2 } };
	int n = 0;

	for (size_t c = 0; c < sizeof cells / sizeof *cells; c++)
		for (int k = 0; k < cells[c][2]; k++, n++) {
			a[n] = cells[c][0];
			b[n] = cells[c][1];
		}
}

static void test_worked_example(void)
{
	int a[10], b[10];
	double x[10], y[10];
	long t[9];

	worked_example(a, b);
	for (int i = 0; i < 10; i++) {
		x[i] = a[i];
		y[i] = b[i];
	}
	/* po = (3 + 2 + 2) / 10 = 0.7 */
	check_value(metrics_percent_agreement(a, b, 10, 3), 0.7, 1e-12);
	/* pe = (4*3 + 3*4 + 3*3) / 100 = 0.33; kappa = 0.37 / 0.67 = 37/67 */
	check_value(metrics_cohen_kappa(a, b, 10, 3, METRICS_WEIGHTS_NONE), 37.0 / 67, 1e-12);
	/* linear: observed sum |i-j| n_ij / n = 3/10; expected sum |i-j| r_i c_j / n^2
	 * = (4*4*1 + 4*3*2 + 3*3*1 + 3*3*1 + 3*3*2 + 3*4*1) / 100 = 88/100;
	 * kappa = 1 - 30/88 = 29/44 */
	check_value(metrics_cohen_kappa(a, b, 10, 3, METRICS_WEIGHTS_LINEAR), 29.0 / 44, 1e-12);
	/* quadratic: observed 3/10 again (every miss is one step); expected
	 * (16*1 + 12*4 + 9 + 9 + 9*4 + 12) / 100 = 130/100; 1 - 3/13 = 10/13 */
	check_value(metrics_cohen_kappa(a, b, 10, 3, METRICS_WEIGHTS_QUADRATIC), 10.0 / 13,
		    1e-12);
	/* AC1: pooled shares (4+3, 3+4, 3+3) / 20 = (.35, .35, .30); pe =
	 * (.35*.65*2 + .3*.7) / (3-1) = .3325; (.7 - .3325) / .6675 = 49/89 */
	check_value(metrics_gwet_ac1(a, b, 10, 3), 49.0 / 89, 1e-12);
	/* MAE: three one-step misses over ten items */
	check_value(metrics_mae(x, y, 10), 0.3, 1e-12);
	check_value(metrics_labels_stat(a, b, 10, 3, METRICS_STAT_MAE), 0.3, 1e-12);
	/* Pearson: means 1.9 and 2.0; cov sum = 3*(-.9)(-1) + 1*(.1)(1) + 2*(1.1)(1)
	 * = 5.0; sums of squares 4*.81 + 3*.01 + 3*1.21 = 6.9 and 3 + 3 = 6;
	 * r = 5 / sqrt(41.4) */
	check_value(metrics_pearson(x, y, 10), 5 / sqrt(41.4), 1e-12);
	check_value(metrics_labels_stat(a, b, 10, 3, METRICS_STAT_PEARSON), 5 / sqrt(41.4), 1e-12);
	/* Spearman: mid-ranks a = 2.5, 6, 9 and b = 2, 5.5, 9, both mean 5.5;
	 * cov = 3*(-3)(-3.5) + 1*(.5)(3.5) + 2*(3.5)(3.5) = 57.75; both sums of
	 * squares 73.5; rho = 57.75 / 73.5 = 11/14 */
	check_value(metrics_spearman(x, y, 10), 11.0 / 14, 1e-12);
	check_value(metrics_labels_stat(a, b, 10, 3, METRICS_STAT_SPEARMAN), 11.0 / 14, 1e-12);
	/* Kendall: C = 3*(2+1+1+2) + 1*(1+2) + 2*2 = 25, D = 1 (cells (2,3) and
	 * (3,2)); tied in a: 6+3+3 = 12 pairs, in b: 3+6+3 = 12; of 45 pairs
	 * tau-b = 24 / sqrt(33 * 33) = 8/11 */
	check_value(metrics_kendall_tau_b(x, y, 10), 8.0 / 11, 1e-12);
	check_value(metrics_labels_stat(a, b, 10, 3, METRICS_STAT_KENDALL_TAU_B), 8.0 / 11, 1e-12);
	CHECK_STR(metrics_landis_koch(37.0 / 67), "moderate");
	/* the confusion matrix is the table above */
	CHECK_INT(metrics_confusion(a, b, 10, 3, t), STATUS_OK);
	CHECK(t[0] == 3 && t[1] == 1 && t[2] == 0 && t[3] == 0 && t[4] == 2 && t[5] == 1 &&
	      t[6] == 0 && t[7] == 1 && t[8] == 2);
}

/* Kendall's tau-b with ties in both series:
 *   x = 1 2 2 3, y = 1 3 2 2. Of the 6 pairs, (1,2) (1,3) (1,4) are
 *   concordant, (2,4) discordant, (2,3) tied in x only, (3,4) tied in y
 *   only: tau-b = (3 - 1) / sqrt((6 - 1)(6 - 1)) = 0.4 (tau-a would be 2/6). */
static void test_kendall_ties_by_hand(void)
{
	double x[] = { 1, 2, 2, 3 }, y[] = { 1, 3, 2, 2 };
	int a[] = { 1, 2, 2, 3 }, b[] = { 1, 3, 2, 2 };

	check_value(metrics_kendall_tau_b(x, y, 4), 0.4, 1e-15);
	check_value(metrics_labels_stat(a, b, 4, 3, METRICS_STAT_KENDALL_TAU_B), 0.4, 1e-15);
	/* reversing y flips the sign, ties unchanged */
	for (int i = 0; i < 4; i++)
		y[i] = -y[i];
	check_value(metrics_kendall_tau_b(x, y, 4), -0.4, 1e-15);
}

/* Published by Gwet's irrCAC package for its cont3x3abstractors table
 * [[13,0,0],[0,20,7],[0,4,56]] (README of kgwet/irrCAC): Cohen's kappa
 * 0.7964094, Gwet's AC1 0.8493305, percent agreement 0.89. */
static void test_irrcac_abstractors(void)
{
	long t[9] = { 13, 0, 0, 0, 20, 7, 0, 4, 56 };

	check_value(metrics_table_stat(t, 3, METRICS_STAT_KAPPA), 0.7964094, 5e-8);
	check_value(metrics_table_stat(t, 3, METRICS_STAT_AC1), 0.8493305, 5e-8);
	check_value(metrics_table_stat(t, 3, METRICS_STAT_PERCENT), 0.89, 1e-12);
}

/* The kappa paradox of docs/metrics.md: 100 items, table [[90, 5], [4, 1]].
 *   po = 91/100; pe = (95*94 + 5*6) / 100^2 = 0.896; kappa = 0.014 / 0.104
 *   = 7/52 ("slight") although the raters agree on 91 items in 100.
 *   AC1: pooled shares (95 + 94) / 200 = 0.945 and 0.055; pe = 2 * 0.945 *
 *   0.055 / (2 - 1) = 0.10395; AC1 = 0.80605 / 0.89605 = 16121/17921. */
static void test_kappa_paradox(void)
{
	long t[4] = { 90, 5, 4, 1 };

	check_value(metrics_table_stat(t, 2, METRICS_STAT_PERCENT), 0.91, 1e-12);
	check_value(metrics_table_stat(t, 2, METRICS_STAT_KAPPA), 7.0 / 52, 1e-12);
	check_value(metrics_table_stat(t, 2, METRICS_STAT_AC1), 16121.0 / 17921, 1e-12);
	CHECK_STR(metrics_landis_koch(7.0 / 52), "slight");
}

/* The scale is fixed: an unused level between used ones moves the weighted
 * kappas, because it lengthens the distances across it. Eight items on
 * 1..5 using only 1, 2 and 4:
 *   pairs (1,1)x2 (1,2) (2,1) (2,2) (4,4)x2 (4,2); margins a = 3,2,0,3,0 and
 *   b = 3,3,0,2,0.
 *   Scale 1..5, linear: observed (1 + 1 + 2) / 8 = 1/2; expected
 *   (3*3*1 + 3*2*3 + 2*3*1 + 2*2*2 + 3*3*3 + 3*3*2) / 64 = 86/64;
 *   kappa = 1 - 32/86 = 27/43.
 *   Levels present (4 becomes 3), linear: observed 3/8; expected
 *   (9 + 3*2*2 + 6 + 2*2*1 + 3*3*2 + 9) / 64 = 58/64; kappa = 17/29.
 *   Quadratic: 77/101 on the scale, 8/11 on the levels present.
 *   Unweighted kappa ignores distances: 19/43 either way. */
static void test_unused_level(void)
{
	int a[] = { 1, 1, 1, 2, 2, 4, 4, 4 }, b[] = { 1, 1, 2, 1, 2, 4, 4, 2 };
	int pa[8], pb[8];

	for (int i = 0; i < 8; i++) {
		pa[i] = a[i] == 4 ? 3 : a[i];
		pb[i] = b[i] == 4 ? 3 : b[i];
	}
	check_value(metrics_cohen_kappa(a, b, 8, 5, METRICS_WEIGHTS_LINEAR), 27.0 / 43, 1e-12);
	check_value(metrics_cohen_kappa(pa, pb, 8, 3, METRICS_WEIGHTS_LINEAR), 17.0 / 29, 1e-12);
	check_value(metrics_cohen_kappa(a, b, 8, 5, METRICS_WEIGHTS_QUADRATIC), 77.0 / 101, 1e-12);
	check_value(metrics_cohen_kappa(pa, pb, 8, 3, METRICS_WEIGHTS_QUADRATIC), 8.0 / 11, 1e-12);
	check_value(metrics_cohen_kappa(a, b, 8, 5, METRICS_WEIGHTS_NONE), 19.0 / 43, 1e-12);
	check_value(metrics_cohen_kappa(pa, pb, 8, 3, METRICS_WEIGHTS_NONE), 19.0 / 43, 1e-12);
	/* An unused level at the top (5) changes no kappa: no distance crosses it.
	 * It does change AC1, whose chance term divides by K - 1. */
	check_value(metrics_cohen_kappa(pa, pb, 8, 4, METRICS_WEIGHTS_LINEAR), 17.0 / 29, 1e-12);
	CHECK(fabs(metrics_gwet_ac1(pa, pb, 8, 3).value - metrics_gwet_ac1(pa, pb, 8, 4).value) >
	      0.01);
	/* rank correlations see only the order: unused levels change nothing */
	CHECK_NEAR(metrics_labels_stat(a, b, 8, 5, METRICS_STAT_SPEARMAN).value,
		   metrics_labels_stat(pa, pb, 8, 3, METRICS_STAT_SPEARMAN).value, 1e-12);
}

static void test_perfect_agreement(void)
{
	int a[] = { 1, 2, 3, 4, 5, 3, 2 };
	double x[] = { 1.5, 2, 3, 4, 5.25, 3, 2 };

	for (int s = 0; s < METRICS_STAT_COUNT; s++)
		check_value(metrics_labels_stat(a, a, 7, 5, (MetricsStat)s),
			    s == METRICS_STAT_MAE ? 0 : 1, 1e-12);
	check_value(metrics_pearson(x, x, 7), 1, 1e-12);
	check_value(metrics_spearman(x, x, 7), 1, 1e-12);
	check_value(metrics_kendall_tau_b(x, x, 7), 1, 1e-12);
	check_value(metrics_mae(x, x, 7), 0, 0);
}

/* ---- degenerate input -------------------------------------------------- */

static void test_degenerate_labels(void)
{
	int a[] = { 2, 2, 2, 2 }, b[] = { 1, 2, 3, 2 }, c[] = { 3, 3, 3, 3 };
	int bad[] = { 1, 7, 2, 2 }, zero[] = { 1, 0, 2, 2 };
	long t[25];

	check_undefined(metrics_percent_agreement(a, b, 0, 3), "no item");
	check_undefined(metrics_cohen_kappa(a, b, 1, 3, METRICS_WEIGHTS_NONE), "only one item");
	for (int w = METRICS_WEIGHTS_NONE; w <= METRICS_WEIGHTS_QUADRATIC; w++) {
		check_undefined(metrics_cohen_kappa(a, b, 4, 3, (MetricsWeights)w),
				"first rater gave the same label");
		check_undefined(metrics_cohen_kappa(b, a, 4, 3, (MetricsWeights)w),
				"second rater gave the same label");
		check_undefined(metrics_cohen_kappa(a, c, 4, 3, (MetricsWeights)w),
				"each rater gave one label");
	}
	check_undefined(metrics_labels_stat(a, b, 4, 3, METRICS_STAT_SPEARMAN), "first rater");
	check_undefined(metrics_labels_stat(a, b, 4, 3, METRICS_STAT_KENDALL_TAU_B), "first rater");
	check_undefined(metrics_labels_stat(b, a, 4, 3, METRICS_STAT_PEARSON), "second rater");
	/* percent agreement and AC1 stay meaningful with a constant rater: that
	 * is the point of AC1 (see docs/metrics.md, the kappa paradox) */
	check_value(metrics_percent_agreement(a, b, 4, 3), 0.5, 1e-12);
	CHECK(metrics_gwet_ac1(a, b, 4, 3).defined);
	check_undefined(metrics_gwet_ac1(a, a, 4, 1), "outside the scale");
	check_undefined(metrics_cohen_kappa(bad, b, 4, 3, METRICS_WEIGHTS_NONE), "outside");
	check_undefined(metrics_percent_agreement(b, zero, 4, 3), "outside");
	check_undefined(metrics_percent_agreement(b, b, 4, 0), "scale must have");
	check_undefined(metrics_percent_agreement(b, b, 4, METRICS_MAX_LEVELS + 1),
			"scale must have");
	status_clear();
	CHECK_INT(metrics_confusion(b, bad, 4, 5, t), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "item 2: label 7 is outside the scale 1..5");
	CHECK(t[0] == 0 && t[6] == 0);
	CHECK_INT(metrics_confusion(zero, b, 4, 5, t), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "item 2: label 0 is outside the scale 1..5");
	{
		long one[1] = { 5 }, neg[4] = { 3, -1, 0, 2 };

		check_undefined(metrics_table_stat(one, 1, METRICS_STAT_AC1), "one level");
		check_undefined(metrics_table_stat(neg, 2, METRICS_STAT_PERCENT), "negative");
		check_undefined(metrics_table_stat(neg, 2, METRICS_STAT_COUNT), "unknown");
	}
}

static void test_degenerate_scores(void)
{
	double x[] = { 1, 2, 3, 4 }, same[] = { 2, 2, 2, 2 }, nan_[] = { 1, NAN, 3, 4 };
	double inf_[] = { 1, 2, INFINITY, 4 };
	MetricValue (*fns[])(const double *, const double *, size_t) = {
		metrics_pearson, metrics_spearman, metrics_kendall_tau_b
	};

	for (size_t f = 0; f < 3; f++) {
		check_undefined(fns[f](x, same, 4), "second rater gave the same score");
		check_undefined(fns[f](same, x, 4), "first rater gave the same score");
		check_undefined(fns[f](same, same, 4), "each rater gave one score");
		check_undefined(fns[f](x, nan_, 4), "not a finite number");
		check_undefined(fns[f](inf_, x, 4), "not a finite number");
		check_undefined(fns[f](x, x, 1), "only one item");
		check_undefined(fns[f](x, x, 0), "no item");
	}
	check_undefined(metrics_mae(x, nan_, 4), "not a finite");
	check_undefined(metrics_mae(x, x, 1), "only one item");
	check_value(metrics_mae(x, same, 4), (1 + 0 + 1 + 2) / 4.0, 1e-15);
}

/* ---- independent cross-checks on random data ---------------------------- */

static uint64_t lcg_state = 12345;

static unsigned lcg(unsigned n)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((lcg_state >> 33) % n);
}

/* Weighted kappa as 1 - mean w(a_i, b_i) / mean over all (i, j) of
 * w(a_i, b_j): the chance term written as the average over every pairing of
 * one rater's item with the other's, O(n^2), sharing no code with the table
 * path. */
static double brute_kappa(const int *a, const int *b, int n, int weights)
{
	double observed = 0, expected = 0;

	for (int i = 0; i < n; i++) {
		double d = abs(a[i] - b[i]);

		observed += weights == 0 ? d > 0 : weights == 1 ? d : d * d;
		for (int j = 0; j < n; j++) {
			double e = abs(a[i] - b[j]);

			expected += weights == 0 ? e > 0 : weights == 1 ? e : e * e;
		}
	}
	return 1 - (observed / n) / (expected / ((double)n * n));
}

/* Kendall's tau-b by looking at every pair. */
static double brute_tau_b(const double *x, const double *y, int n)
{
	double con = 0, dis = 0, tx = 0, ty = 0;

	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			double s = (x[i] - x[j]) * (y[i] - y[j]);

			if (s > 0)
				con++;
			else if (s < 0)
				dis++;
			else if (x[i] == x[j] && y[i] != y[j])
				tx++;
			else if (y[i] == y[j] && x[i] != x[j])
				ty++;
		}
	return (con - dis) / sqrt((con + dis + tx) * (con + dis + ty));
}

static void test_random_cross_checks(void)
{
	enum { N = 300 };
	int a[N], b[N];
	double x[N], y[N];

	for (int round = 0; round < 20; round++) {
		int K = 2 + (int)lcg(6), n = 5 + (int)lcg(N - 5);
		double tau;
		MetricValue v;

		for (int i = 0; i < n; i++) {
			a[i] = 1 + (int)lcg((unsigned)K);
			/* b follows a loosely, so the figures are not all near 0 */
			b[i] = lcg(3) ? a[i] : 1 + (int)lcg((unsigned)K);
			x[i] = a[i];
			y[i] = b[i];
		}
		if (!metrics_cohen_kappa(a, b, (size_t)n, K, METRICS_WEIGHTS_NONE).defined)
			continue;
		for (int w = 0; w < 3; w++)
			CHECK_NEAR(metrics_cohen_kappa(a, b, (size_t)n, K, (MetricsWeights)w).value,
				   brute_kappa(a, b, n, w), 1e-12);
		tau = brute_tau_b(x, y, n);
		CHECK_NEAR(metrics_kendall_tau_b(x, y, (size_t)n).value, tau, 1e-12);
		v = metrics_labels_stat(a, b, (size_t)n, K, METRICS_STAT_KENDALL_TAU_B);
		CHECK_NEAR(v.value, tau, 1e-12);
		CHECK_NEAR(metrics_labels_stat(a, b, (size_t)n, K, METRICS_STAT_SPEARMAN).value,
			   metrics_spearman(x, y, (size_t)n).value, 1e-12);
		CHECK_NEAR(metrics_labels_stat(a, b, (size_t)n, K, METRICS_STAT_PEARSON).value,
			   metrics_pearson(x, y, (size_t)n).value, 1e-12);
		CHECK_NEAR(metrics_labels_stat(a, b, (size_t)n, K, METRICS_STAT_MAE).value,
			   metrics_mae(x, y, (size_t)n).value, 1e-12);
	}
	/* continuous scores with ties on a coarse grid */
	for (int i = 0; i < N; i++) {
		x[i] = lcg(40) / 4.0;
		y[i] = x[i] * 0.5 + lcg(20) / 2.0;
	}
	CHECK_NEAR(metrics_kendall_tau_b(x, y, N).value, brute_tau_b(x, y, N), 1e-12);
}

/* Shuffling the items changes no figure. */
static void test_permutation_invariance(void)
{
	int a[10], b[10], pa[10], pb[10];
	double x[10], y[10], px[10], py[10];
	int perm[10] = { 7, 2, 9, 0, 4, 1, 8, 3, 6, 5 };

	worked_example(a, b);
	for (int i = 0; i < 10; i++) {
		pa[i] = a[perm[i]];
		pb[i] = b[perm[i]];
		x[i] = a[i] + 0.25 * (i % 3);
		y[i] = b[i] - 0.5 * (i % 2);
	}
	for (int i = 0; i < 10; i++) {
		px[i] = x[perm[i]];
		py[i] = y[perm[i]];
	}
	for (int s = 0; s < METRICS_STAT_COUNT; s++)
		CHECK_NEAR(metrics_labels_stat(a, b, 10, 3, (MetricsStat)s).value,
			   metrics_labels_stat(pa, pb, 10, 3, (MetricsStat)s).value, 1e-12);
	CHECK_NEAR(metrics_pearson(x, y, 10).value, metrics_pearson(px, py, 10).value, 1e-12);
	CHECK_NEAR(metrics_spearman(x, y, 10).value, metrics_spearman(px, py, 10).value, 1e-12);
	CHECK_NEAR(metrics_kendall_tau_b(x, y, 10).value, metrics_kendall_tau_b(px, py, 10).value,
		   1e-12);
	CHECK_NEAR(metrics_mae(x, y, 10).value, metrics_mae(px, py, 10).value, 1e-12);
	/* swapping the raters transposes the table: symmetric figures stay */
	for (int s = 0; s < METRICS_STAT_COUNT; s++)
		CHECK_NEAR(metrics_labels_stat(a, b, 10, 3, (MetricsStat)s).value,
			   metrics_labels_stat(b, a, 10, 3, (MetricsStat)s).value, 1e-12);
}

static void test_landis_koch(void)
{
	CHECK_STR(metrics_landis_koch(-0.01), "poor");
	CHECK_STR(metrics_landis_koch(0), "slight");
	CHECK_STR(metrics_landis_koch(0.20), "slight");
	CHECK_STR(metrics_landis_koch(0.21), "fair");
	CHECK_STR(metrics_landis_koch(0.40), "fair");
	CHECK_STR(metrics_landis_koch(0.41), "moderate");
	CHECK_STR(metrics_landis_koch(0.61), "substantial");
	CHECK_STR(metrics_landis_koch(0.81), "almost perfect");
	CHECK_STR(metrics_landis_koch(1), "almost perfect");
	CHECK_STR(metrics_landis_koch(NAN), "undefined");
	CHECK_STR(metrics_stat_name(METRICS_STAT_KAPPA_LINEAR), "Cohen's kappa, linear weights");
}

int main(void)
{
	RUN(test_reference_file);
	RUN(test_worked_example);
	RUN(test_kendall_ties_by_hand);
	RUN(test_irrcac_abstractors);
	RUN(test_kappa_paradox);
	RUN(test_unused_level);
	RUN(test_perfect_agreement);
	RUN(test_degenerate_labels);
	RUN(test_degenerate_scores);
	RUN(test_random_cross_checks);
	RUN(test_permutation_invariance);
	RUN(test_landis_koch);
	return test_summary();
}
