/* test_linmodel.c - the linear scorer's models on cases small enough to
 * solve by hand (the optima are derived in the comments), and the edge cases:
 * separable classes, constant features, one class, values that are not
 * finite, determinism, and the large-data path (a start from a subsample).
 * tests/cli/linmodel_check.py compares general fits with an independent
 * solver. */
#include <stdlib.h>

#include "src/base/rng.h"
#include "src/base/xalloc.h"
#include "src/score/linmodel.h"
#include "tests/unit/test.h"

static LinmodelParams logistic(double C)
{
	LinmodelParams p = linmodel_params(LINMODEL_LOGISTIC);

	p.C = C;
	return p;
}

/* Two rows, x = -1 (class 0) and x = 1 (class 1): separable. They are
 * already standardised (mean 0, population sd 1) and symmetric, so b = 0
 * and the objective is 1/2 w^2 + 2 C log(1 + exp(-w)), whose minimum solves
 * w = 2 C sigmoid(-w): finite, the penalty holds it. Found here by
 * bisection on that equation alone. */
static double two_point_weight(double C)
{
	double lo = 0, hi = 2 * C;

	for (int k = 0; k < 200; k++) {
		double mid = 0.5 * (lo + hi);

		if (mid - 2 * C / (1 + exp(mid)) < 0)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

static void test_separable_two_points(void)
{
	const double x[] = { -1, 1 }, y[] = { 0, 1 };
	const double Cs[] = { 0.1, 1, 1000 };

	for (size_t k = 0; k < sizeof Cs / sizeof Cs[0]; k++) {
		LinmodelParams p = logistic(Cs[k]);
		Linmodel m;
		double w = two_point_weight(Cs[k]), prob[2];

		CHECK_INT(linmodel_fit(x, 2, 1, y, &p, &m), STATUS_OK);
		CHECK_INT(m.outputs, 1);
		CHECK_NEAR(m.coef[0], w, 1e-9 * w);
		CHECK_NEAR(m.intercept[0], 0, 1e-12);
		CHECK_NEAR(m.objective, 0.5 * w * w + 2 * Cs[k] * log1p(exp(-w)), 1e-9);
		CHECK(m.grad_norm < 1e-8);
		CHECK(m.converged);
		linmodel_predict(&m, x + 1, prob);
		CHECK(prob[1] > 0.5 && prob[1] < 1);
		linmodel_free(&m);
	}
}

/* Separable data in general position: the fit stays finite, converges and
 * classifies every row right. */
static void test_separable_cloud(void)
{
	enum { N = 200 };
	double x[2 * N], y[N], prob[2];
	LinmodelParams p = logistic(10);
	Linmodel m;
	Rng rng;
	int right = 0;

	rng_seed(&rng, 7);
	for (int i = 0; i < N; i++) {
		x[2 * i] = rng_uniform(&rng) * 4 - 2;
		x[2 * i + 1] = rng_uniform(&rng) * 4 - 2;
		y[i] = x[2 * i] + 0.5 * x[2 * i + 1] > 0.3;
	}
	CHECK_INT(linmodel_fit(x, N, 2, y, &p, &m), STATUS_OK);
	CHECK(m.converged);
	CHECK(m.grad_norm < 1e-8);
	CHECK(isfinite(m.coef[0]) && isfinite(m.coef[1]) && fabs(m.coef[0]) < 1e3);
	for (int i = 0; i < N; i++) {
		linmodel_predict(&m, x + 2 * i, prob);
		right += (prob[1] > 0.5) == (y[i] == 1);
	}
	CHECK_INT(right, N);
	linmodel_free(&m);
}

/* A constant feature: scale 1, weight exactly 0, nothing divided by zero;
 * the other feature's weight is the one-feature fit's. */
static void test_constant_feature(void)
{
	const double x1[] = { 0.5, 1, 2, 3, 1.5, 4, 0.2, 2.5 };
	const double y[] = { 0, 0, 1, 1, 0, 1, 0, 0 };
	double x2[16], ridge_y[8];
	LinmodelParams p = logistic(1);
	Linmodel one, two;

	for (int i = 0; i < 8; i++)
		x2[2 * i] = 7.25, x2[2 * i + 1] = x1[i], ridge_y[i] = 2 * x1[i];
	CHECK_INT(linmodel_fit(x1, 8, 1, y, &p, &one), STATUS_OK);
	CHECK_INT(linmodel_fit(x2, 8, 2, y, &p, &two), STATUS_OK);
	CHECK(two.coef[0] == 0);
	CHECK(two.scale[0] == 1);
	CHECK(two.mean[0] == 7.25);
	CHECK_NEAR(two.coef[1], one.coef[0], 1e-12);
	CHECK_NEAR(two.intercept[0], one.intercept[0], 1e-12);
	CHECK_NEAR(two.objective, one.objective, 1e-12);
	linmodel_free(&one);
	linmodel_free(&two);
	p = linmodel_params(LINMODEL_RIDGE);
	p.alpha = 0;
	CHECK_INT(linmodel_fit(x2, 8, 2, ridge_y, &p, &two), STATUS_OK);
	CHECK(two.coef[0] == 0);
	CHECK(isfinite(two.coef[1]));
	linmodel_free(&two);
}

static void test_one_class_and_bad_input(void)
{
	const double x[] = { 1, 2, 3, 4 }, same[] = { 3, 3, 3, 3 }, y[] = { 0, 1, 0, 1 };
	double bad[] = { 1, NAN, 3, 4 }, many[70], xs[70];
	LinmodelParams p = logistic(1);
	Linmodel m;

	CHECK_INT(linmodel_fit(x, 4, 1, same, &p, &m), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), "only one class") != NULL);
	CHECK(m.coef == NULL && m.labels == NULL);
	CHECK_INT(linmodel_fit(bad, 4, 1, y, &p, &m), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "row 2, feature 1: not a finite number");
	CHECK_INT(linmodel_fit(x, 0, 1, y, &p, &m), STATUS_ERR_INPUT);
	p.C = 0;
	CHECK_INT(linmodel_fit(x, 4, 1, y, &p, &m), STATUS_ERR_INPUT);
	p = logistic(1);
	for (int i = 0; i < 70; i++)
		many[i] = i, xs[i] = i % 7;
	CHECK_INT(linmodel_fit(xs, 70, 1, many, &p, &m), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), "distinct target values") != NULL);
	p = linmodel_params(LINMODEL_RIDGE);
	p.alpha = -1;
	CHECK_INT(linmodel_fit(x, 4, 1, y, &p, &m), STATUS_ERR_INPUT);
}

/* Ridge with one feature by hand: x = 1..4, y = 2, 4, 5, 8, alpha = 1.
 * mean 2.5, population sd sqrt(1.25); standardised, sum z^2 = n = 4 and
 * sum z (y - 4.75) = 9.5 / sd, so w = (9.5 / sd) / (4 + 1) and b = 4.75. */
static void test_ridge_by_hand(void)
{
	const double x[] = { 1, 2, 3, 4 }, y[] = { 2, 4, 5, 8 };
	double sd = sqrt(1.25), w = 9.5 / sd / 5, f = w * w;
	LinmodelParams p = linmodel_params(LINMODEL_RIDGE);
	Linmodel m;
	double raw_coef, raw_b;

	for (int i = 0; i < 4; i++) {
		double r = y[i] - 4.75 - w * (x[i] - 2.5) / sd;

		f += r * r;
	}
	CHECK_INT(linmodel_fit(x, 4, 1, y, &p, &m), STATUS_OK);
	CHECK_NEAR(m.mean[0], 2.5, 1e-15);
	CHECK_NEAR(m.scale[0], sd, 1e-15);
	CHECK_NEAR(m.coef[0], w, 1e-13);
	CHECK_NEAR(m.intercept[0], 4.75, 1e-13);
	CHECK_NEAR(m.objective, f, 1e-12);
	CHECK(m.grad_norm < 1e-12);
	CHECK_NEAR(linmodel_predict(&m, x + 2, NULL), 4.75 + w * 0.5 / sd, 1e-13);
	linmodel_raw(&m, &raw_coef, &raw_b);
	CHECK_NEAR(raw_coef, w / sd, 1e-13);
	CHECK_NEAR(raw_b, 4.75 - w / sd * 2.5, 1e-13);
	linmodel_free(&m);
}

/* Rows for a three-class problem: class by the sum of two noisy features. */
static void three_classes(double *x, double *y, int n, uint64_t seed)
{
	Rng rng;

	rng_seed(&rng, seed);
	for (int i = 0; i < n; i++) {
		double a = rng_uniform(&rng) * 10, b = rng_uniform(&rng) * 3 + 100;
		double s = a + (b - 101.5) * 2 + (rng_uniform(&rng) - 0.5) * 4;

		x[2 * i] = a, x[2 * i + 1] = b;
		y[i] = s < 4 ? 1 : s < 7 ? 2 : 5;
	}
}

static void test_multinomial_shape(void)
{
	enum { N = 300 };
	double x[2 * N], y[N], prob[3], sum = 0, coef[6], b[3], raw_prob[3];
	LinmodelParams p = logistic(1);
	Linmodel m;

	three_classes(x, y, N, 3);
	CHECK_INT(linmodel_fit(x, N, 2, y, &p, &m), STATUS_OK);
	CHECK_INT(m.classes, 3);
	CHECK_INT(m.outputs, 3);
	CHECK(m.labels[0] == 1 && m.labels[1] == 2 && m.labels[2] == 5);
	CHECK_NEAR(m.intercept[0] + m.intercept[1] + m.intercept[2], 0, 1e-12);
	/* The penalty alone fixes sum_k w_k = 0 at the optimum. */
	CHECK_NEAR(m.coef[0] + m.coef[2] + m.coef[4], 0, 1e-9);
	CHECK(m.grad_norm < 1e-8);
	double value = linmodel_predict(&m, x, prob);
	for (int k = 0; k < 3; k++)
		sum += prob[k];
	CHECK_NEAR(sum, 1, 1e-15);
	CHECK_NEAR(value, prob[0] * 1 + prob[1] * 2 + prob[2] * 5, 1e-14);
	/* The raw-value form gives the same probabilities. */
	linmodel_raw(&m, coef, b);
	for (int k = 0; k < 3; k++)
		raw_prob[k] = exp(b[k] + coef[2 * k] * x[0] + coef[2 * k + 1] * x[1]);
	sum = raw_prob[0] + raw_prob[1] + raw_prob[2];
	for (int k = 0; k < 3; k++)
		CHECK_NEAR(raw_prob[k] / sum, prob[k], 1e-12);
	linmodel_free(&m);
}

/* The same rows give the same bytes; so does a fit without
 * standardisation, whose coefficients are on the raw values. */
static void test_deterministic(void)
{
	enum { N = 250 };
	double x[2 * N], y[N];
	LinmodelParams p = logistic(2);
	Linmodel a, b;

	three_classes(x, y, N, 11);
	for (int standardize = 1; standardize >= 0; standardize--) {
		p.standardize = standardize;
		CHECK_INT(linmodel_fit(x, N, 2, y, &p, &a), STATUS_OK);
		CHECK_INT(linmodel_fit(x, N, 2, y, &p, &b), STATUS_OK);
		CHECK(memcmp(a.coef, b.coef, 6 * sizeof *a.coef) == 0);
		CHECK(memcmp(a.intercept, b.intercept, 3 * sizeof *a.intercept) == 0);
		CHECK(memcmp(&a.objective, &b.objective, sizeof a.objective) == 0);
		CHECK(a.grad_norm < 1e-8);
		CHECK(standardize || (a.mean[0] == 0 && a.scale[1] == 1));
		linmodel_free(&a);
		linmodel_free(&b);
	}
}

/* From 32768 rows on the fit starts from a subsample's optimum; it must
 * still end at the full optimum (the gradient says so) and agree with a fit
 * on rows listed in another order, which changes nothing mathematically. */
static void test_large(void)
{
	enum { N = 40000 };
	double *x = xmalloc(2 * N * sizeof *x), *y = xmalloc(N * sizeof *y);
	double *xr = xmalloc(2 * N * sizeof *x), *yr = xmalloc(N * sizeof *y);
	LinmodelParams p = logistic(1);
	Linmodel m, r;

	three_classes(x, y, N, 5);
	for (int i = 0; i < N; i++) {
		xr[2 * i] = x[2 * (N - 1 - i)], xr[2 * i + 1] = x[2 * (N - 1 - i) + 1];
		yr[i] = y[N - 1 - i];
	}
	CHECK_INT(linmodel_fit(x, N, 2, y, &p, &m), STATUS_OK);
	CHECK_INT(linmodel_fit(xr, N, 2, yr, &p, &r), STATUS_OK);
	CHECK(m.converged && m.grad_norm < 1e-8);
	for (int k = 0; k < 6; k++)
		CHECK_NEAR(m.coef[k], r.coef[k], 1e-9 * (1 + fabs(m.coef[k])));
	CHECK_NEAR(m.objective, r.objective, 1e-12 * m.objective);
	linmodel_free(&m);
	linmodel_free(&r);
	for (int i = 0; i < N; i++)
		y[i] = y[i] == 5;
	CHECK_INT(linmodel_fit(x, N, 2, y, &p, &m), STATUS_OK);
	CHECK(m.converged && m.grad_norm < 1e-8 && m.outputs == 1);
	linmodel_free(&m);
	free(x), free(y), free(xr), free(yr);
}

/* A wide multinomial problem (100 features, 4 classes): Newton directions
 * by conjugate gradients (what wider data get by default) and from the
 * explicit Hessian find the same optimum. */
static void test_solvers_agree(void)
{
	enum { N = 400, D = 100 };
	double *x = xmalloc(N * D * sizeof *x), y[N];
	LinmodelParams p = logistic(1);
	Linmodel cg, direct;
	Rng rng;

	p.solver = LINMODEL_SOLVER_CG;
	rng_seed(&rng, 21);
	for (int i = 0; i < N; i++) {
		double s = 0;

		for (int j = 0; j < D; j++) {
			x[i * D + j] = rng_uniform(&rng) + (j % 3) * rng_uniform(&rng);
			s += (j % 7 - 3) * x[i * D + j] / 20;
		}
		y[i] = s + rng_uniform(&rng) < -0.4 ? 1 : s < 0.3 ? 2 : s < 0.8 ? 3 : 4;
	}
	CHECK_INT(linmodel_fit(x, N, D, y, &p, &cg), STATUS_OK);
	p.solver = LINMODEL_SOLVER_DIRECT;
	CHECK_INT(linmodel_fit(x, N, D, y, &p, &direct), STATUS_OK);
	CHECK_INT(cg.classes, 4);
	CHECK(cg.grad_norm < 1e-8 && direct.grad_norm < 1e-8);
	CHECK_NEAR(cg.objective, direct.objective, 1e-12 * direct.objective);
	for (int k = 0; k < 4 * D; k++)
		CHECK_NEAR(cg.coef[k], direct.coef[k], 1e-9);
	linmodel_free(&cg);
	linmodel_free(&direct);
	free(x);
}

/* No features at all: the intercepts alone, which the penalty does not
 * touch, so they are the log class shares (centred for the multinomial
 * model) and the mean (ridge). */
static void test_no_features(void)
{
	const double y2[] = { 0, 1, 1, 1, 0, 1 }, y3[] = { 1, 2, 2, 3, 3, 3 }, none[1] = { 0 };
	LinmodelParams p = logistic(1);
	double mean = (log(1.0) + log(2.0) + log(3.0)) / 3;
	Linmodel m;

	CHECK_INT(linmodel_fit(none, 6, 0, y2, &p, &m), STATUS_OK);
	CHECK_NEAR(m.intercept[0], log(4.0 / 2.0), 1e-12);
	CHECK(m.grad_norm < 1e-10);
	linmodel_free(&m);
	CHECK_INT(linmodel_fit(none, 6, 0, y3, &p, &m), STATUS_OK);
	CHECK_NEAR(m.intercept[0], log(1.0) - mean, 1e-12);
	CHECK_NEAR(m.intercept[2], log(3.0) - mean, 1e-12);
	linmodel_free(&m);
	p = linmodel_params(LINMODEL_RIDGE);
	CHECK_INT(linmodel_fit(none, 6, 0, y3, &p, &m), STATUS_OK);
	CHECK_NEAR(m.intercept[0], 14.0 / 6, 1e-14);
	linmodel_free(&m);
}

static void test_helpers(void)
{
	const double uniform[4] = { 0.25, 0.25, 0.25, 0.25 }, sure[3] = { 0, 1, 0 };
	const double tie[3] = { 0.4, 0.4, 0.2 };
	LinmodelKind kind;

	CHECK_NEAR(linmodel_entropy(uniform, 4), log(4), 1e-15);
	CHECK(linmodel_entropy(sure, 3) == 0);
	CHECK_INT(linmodel_argmax(tie, 3), 0);
	CHECK_INT(linmodel_argmax(sure, 3), 1);
	CHECK_INT(linmodel_kind_parse("ridge", &kind), STATUS_OK);
	CHECK_INT(kind, LINMODEL_RIDGE);
	CHECK_STR(linmodel_kind_name(LINMODEL_LOGISTIC), "logistic");
	CHECK_INT(linmodel_kind_parse("svm", &kind), STATUS_ERR_USAGE);
}

int main(void)
{
	RUN(test_separable_two_points);
	RUN(test_separable_cloud);
	RUN(test_constant_feature);
	RUN(test_one_class_and_bad_input);
	RUN(test_ridge_by_hand);
	RUN(test_multinomial_shape);
	RUN(test_deterministic);
	RUN(test_large);
	RUN(test_solvers_agree);
	RUN(test_no_features);
	RUN(test_helpers);
	return test_summary();
}
