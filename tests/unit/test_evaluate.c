/* test_evaluate.c - stratified folds, the evaluation figures on tables
 * worked out by hand, and cross-validation's edge cases.
 * tests/cli/evaluate_check.py recomputes whole cross-validations. */
#include <stdlib.h>

#include "src/base/xalloc.h"
#include "src/score/evaluate.h"
#include "tests/unit/test.h"

/* 103 rows: 50 of label 1, 40 of label 2, 10 of label 4, 3 of label 5. */
static void make_labels(int *labels)
{
	for (int i = 0; i < 103; i++)
		labels[i] = i < 50 ? 1 : i < 90 ? 2 : i < 100 ? 4 : 5;
}

static void test_folds_stratified(void)
{
	int labels[103], fold[103], again[103], other[103], size[5] = { 0 };

	make_labels(labels);
	CHECK_INT(evaluate_folds(labels, 103, 5, 5, 9, fold), STATUS_OK);
	for (int i = 0; i < 103; i++) {
		CHECK(fold[i] >= 0 && fold[i] < 5);
		size[fold[i]]++;
	}
	for (int f = 0; f < 5; f++)
		CHECK(size[f] == 20 || size[f] == 21);
	/* each label within one across the folds: 10 each of label 1, 8 of
	 * label 2, 2 of label 4, and label 5's three rows in three folds */
	for (int k = 1; k <= 5; k++) {
		int lo = 1000, hi = 0;

		for (int f = 0; f < 5; f++) {
			int c = 0;

			for (int i = 0; i < 103; i++)
				c += labels[i] == k && fold[i] == f;
			lo = c < lo ? c : lo, hi = c > hi ? c : hi;
		}
		CHECK(hi - lo <= 1);
	}
	CHECK_INT(evaluate_folds(labels, 103, 5, 5, 9, again), STATUS_OK);
	CHECK(memcmp(fold, again, sizeof fold) == 0);
	CHECK_INT(evaluate_folds(labels, 103, 5, 5, 10, other), STATUS_OK);
	CHECK(memcmp(fold, other, sizeof fold) != 0);
}

static void test_folds_errors(void)
{
	int labels[103], fold[103];

	make_labels(labels);
	CHECK_INT(evaluate_folds(labels, 103, 5, 1, 1, fold), STATUS_ERR_INPUT);
	CHECK_INT(evaluate_folds(labels, 103, 5, 104, 1, fold), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), "folds must be 2") != NULL);
	CHECK_INT(evaluate_folds(labels, 103, 4, 5, 1, fold), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "row 101: label 5 is outside the scale 1..4");
}

/* truth 1 1 2 2 3, pred 1 2 2 2 1 on 1..3:
 *   accuracy 3/5;
 *   F1: label 1 TP 1 FP 1 FN 1 -> 2/4; label 2 TP 2 FP 1 FN 0 -> 4/5;
 *       label 3 TP 0 FP 0 FN 1 -> 0; macro (0.5 + 0.8 + 0) / 3;
 *   kappa, quadratic: observed sum w / n = (0+1+0+0+4)/5 = 1; expected:
 *       truth shares (2,2,1)/5, pred shares (2,3,0)/5,
 *       sum (i-j)^2 r_i c_j / 25 over (1,2) 1*2*3, (2,1) 1*2*2, (3,1) 4*1*2,
 *       (3,2) 1*1*3 = 21/25, kappa = 1 - 25/21 (worse than chance);
 *   log-loss with p(truth) = .5 .75 1 .8 0 (clipped to 1e-15);
 *   MAE on value 1.5 1 2 2 2: (.5 + 0 + 0 + 0 + 1) / 5; on pred
 *       (0 + 1 + 0 + 0 + 2) / 5. */
static void test_metrics_by_hand(void)
{
	const int truth[] = { 1, 1, 2, 2, 3 }, pred[] = { 1, 2, 2, 2, 1 };
	const double prob[] = { .5, .5, 0, .75, .25, 0, 0, 1, 0, .2, .8, 0, 1, 0, 0 };
	const double value[] = { 1.5, 1, 2, 2, 2 };
	double ll = -(log(.5) + log(.75) + log(1 - 1e-15) + log(.8) + log(1e-15)) / 5;
	EvaluateMetrics m;

	evaluate_metrics(truth, pred, prob, value, 5, 3, &m);
	CHECK_NEAR(m.v[EVALUATE_ACCURACY].value, 0.6, 1e-15);
	CHECK_NEAR(m.v[EVALUATE_MACRO_F1].value, 1.3 / 3, 1e-15);
	CHECK_NEAR(m.v[EVALUATE_KAPPA_QUADRATIC].value, 1 - 25.0 / 21, 1e-15);
	CHECK_NEAR(m.v[EVALUATE_LOG_LOSS].value, ll, 1e-12);
	CHECK_NEAR(m.v[EVALUATE_MAE].value, 0.3, 1e-15);
	evaluate_metrics(truth, pred, NULL, NULL, 5, 3, &m);
	CHECK(!m.v[EVALUATE_LOG_LOSS].defined && m.v[EVALUATE_LOG_LOSS].why);
	CHECK_NEAR(m.v[EVALUATE_MAE].value, 0.6, 1e-15);
	evaluate_metrics(truth, pred, NULL, NULL, 0, 3, &m);
	CHECK(!m.v[EVALUATE_ACCURACY].defined);
	CHECK_STR(evaluate_metric_name(EVALUATE_MACRO_F1), "macro_f1");
}

/* Rows whose label follows the first feature, with noise in the second. */
static void make_rows(double *x, int *labels, int n)
{
	for (int i = 0; i < n; i++) {
		x[2 * i] = (i * 37 % 101) / 10.0;
		x[2 * i + 1] = (i * 53 % 29) / 7.0;
		labels[i] = x[2 * i] < 3 ? 1 : x[2 * i] < 6.5 ? 2 : 3;
	}
}

static void test_run(void)
{
	enum { N = 120 };
	double x[2 * N];
	int labels[N];
	LinmodelParams p = linmodel_params(LINMODEL_LOGISTIC);
	Evaluation e;

	make_rows(x, labels, N);
	CHECK_INT(evaluate_run(x, N, 2, labels, 4, &p, 4, 3, &e), STATUS_OK);
	CHECK_INT(e.model.classes, 3);
	CHECK(e.oof_prob != NULL);
	for (int i = 0; i < N; i++) {
		double sum = 0;

		for (int k = 0; k < 4; k++)
			sum += e.oof_prob[i * 4 + k];
		CHECK_NEAR(sum, 1, 1e-12);
		CHECK(e.oof_prob[i * 4 + 3] == 0); /* label 4 never seen */
	}
	CHECK(e.scorer.v[EVALUATE_ACCURACY].value > e.baseline.v[EVALUATE_ACCURACY].value);
	CHECK(e.scorer.v[EVALUATE_LOG_LOSS].value < e.baseline.v[EVALUATE_LOG_LOSS].value);
	CHECK(e.scorer.v[EVALUATE_KAPPA_QUADRATIC].value > 0.5);
	evaluate_free(&e);
	p = linmodel_params(LINMODEL_RIDGE);
	CHECK_INT(evaluate_run(x, N, 2, labels, 3, &p, 5, 3, &e), STATUS_OK);
	CHECK(e.oof_prob == NULL && !e.scorer.v[EVALUATE_LOG_LOSS].defined);
	for (int i = 0; i < N; i++)
		CHECK(e.oof_label[i] >= 1 && e.oof_label[i] <= 3);
	CHECK(e.scorer.v[EVALUATE_MAE].value < e.baseline.v[EVALUATE_MAE].value);
	evaluate_free(&e);
	CHECK_INT(evaluate_run(x, N, 2, labels, 3, &p, 0, 3, &e), STATUS_OK);
	CHECK(e.fold == NULL && e.model.coef != NULL);
	CHECK(!e.scorer.v[EVALUATE_ACCURACY].defined);
	CHECK_STR(e.scorer.v[EVALUATE_ACCURACY].why, "no cross-validation (folds 0)");
	evaluate_free(&e);
}

/* One row of label 1 among label 2: the fold that holds it out trains on
 * label 2 alone and predicts it with certainty; the fit on all rows is an
 * ordinary binary model. */
static void test_single_label_fold(void)
{
	enum { N = 30 };
	double x[2 * N];
	int labels[N];
	LinmodelParams p = linmodel_params(LINMODEL_LOGISTIC);
	Evaluation e;

	make_rows(x, labels, N);
	for (int i = 0; i < N; i++)
		labels[i] = i == 4 ? 1 : 2;
	CHECK_INT(evaluate_run(x, N, 2, labels, 2, &p, 3, 1, &e), STATUS_OK);
	CHECK_INT(e.model.classes, 2);
	CHECK_INT(e.oof_label[4], 2);
	CHECK(e.oof_prob[4 * 2 + 1] == 1 && e.oof_prob[4 * 2] == 0);
	/* that row alone costs -log(1e-15) / N; the others a little */
	CHECK(e.scorer.v[EVALUATE_LOG_LOSS].value > -log(1e-15) / N);
	CHECK(e.scorer.v[EVALUATE_LOG_LOSS].value < -log(1e-15) / N + 0.1);
	evaluate_free(&e);
	for (int i = 0; i < N; i++)
		labels[i] = 2;
	CHECK_INT(evaluate_run(x, N, 2, labels, 2, &p, 3, 1, &e), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), "only one class") != NULL);
	CHECK(e.fold == NULL && e.model.coef == NULL);
}

int main(void)
{
	RUN(test_folds_stratified);
	RUN(test_folds_errors);
	RUN(test_metrics_by_hand);
	RUN(test_run);
	RUN(test_single_label_fold);
	return test_summary();
}
