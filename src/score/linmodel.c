/* linmodel.c - fitting and applying the linear scorer's models (see
 * linmodel.h). The solvers always work on centred features, scaled or not:
 * centring is an exact change of the intercept (the penalty does not touch
 * it) and keeps the intercept's column from dominating the Hessian when a
 * feature's values sit far from zero. A model fitted without
 * standardisation is turned back to the raw values at the end. */
#include "src/score/linmodel.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"
#include "src/score/design.h"
#include "src/score/linalg.h"
#include "src/score/logistic.h"

static const char *const kind_names[] = {
#define LINMODEL_KIND_NAME(name, text) text,
	LINMODEL_KIND_LIST(LINMODEL_KIND_NAME)
#undef LINMODEL_KIND_NAME
};

const char *linmodel_kind_name(LinmodelKind kind)
{
	return (unsigned)kind < LINMODEL_KIND_COUNT ? kind_names[kind] : "unknown";
}

Status linmodel_kind_parse(const char *name, LinmodelKind *kind)
{
	for (int k = 0; k < LINMODEL_KIND_COUNT; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return *kind = (LinmodelKind)k, STATUS_OK;
	return status_fail(STATUS_ERR_USAGE, "unknown model \"%s\" (logistic or ridge)", name);
}

LinmodelParams linmodel_params(LinmodelKind kind)
{
	return (LinmodelParams){
		.kind = kind, .C = 1, .alpha = 1, .standardize = 1, .tol = 1e-10, .max_iter = 100,
		.solver = LINMODEL_SOLVER_AUTO,
	};
}

static Status check_params(const double *y, size_t rows, const LinmodelParams *p)
{
	if (rows == 0)
		return status_fail(STATUS_ERR_INPUT, "no training rows");
	if (p->kind == LINMODEL_LOGISTIC && !(p->C > 0 && isfinite(p->C)))
		return status_fail(STATUS_ERR_INPUT, "C must be a positive number, not %g", p->C);
	if (p->kind == LINMODEL_RIDGE && !(p->alpha >= 0 && isfinite(p->alpha)))
		return status_fail(STATUS_ERR_INPUT, "alpha must be 0 or more, not %g", p->alpha);
	if ((unsigned)p->kind >= LINMODEL_KIND_COUNT)
		return status_fail(STATUS_ERR_INPUT, "unknown model kind %d", (int)p->kind);
	if ((unsigned)p->solver > LINMODEL_SOLVER_CG)
		return status_fail(STATUS_ERR_INPUT, "unknown solver %d", (int)p->solver);
	for (size_t i = 0; i < rows; i++)
		if (!isfinite(y[i]))
			return status_fail(STATUS_ERR_INPUT, "row %zu: the target is not a finite number",
					   i + 1);
	return STATUS_OK;
}

/* The features are checked through their statistics: a value that is not
 * finite makes its column's mean or spread not finite, so the rows are
 * searched only then (which saves a pass over them). Sums of finite values
 * so large that they overflow are refused too. */
static Status check_features(const double *x, size_t rows, const Linmodel *m)
{
	size_t cols = m->features;

	for (size_t j = 0; j < cols; j++) {
		if (isfinite(m->mean[j]) && isfinite(m->scale[j]))
			continue;
		for (size_t i = 0; i < rows; i++)
			if (!isfinite(x[i * cols + j]))
				return status_fail(STATUS_ERR_INPUT,
						   "row %zu, feature %zu: not a finite number", i + 1,
						   j + 1);
		return status_fail(STATUS_ERR_INPUT, "feature %zu: values too large to sum", j + 1);
	}
	return STATUS_OK;
}

/* The population standard deviation of each column about mean (two
 * passes, so that a constant column comes out exactly 0). */
static void column_sd(const double *x, size_t rows, size_t cols, const double *mean, double *sd)
{
	double *block = xcalloc(cols, sizeof *block);

	memset(sd, 0, cols * sizeof *sd);
	for (size_t i = 0; i < rows; i++) {
		for (size_t j = 0; j < cols; j++) {
			double dev = x[i * cols + j] - mean[j];

			block[j] += dev * dev;
		}
		if ((i + 1) % DESIGN_BLOCK == 0 || i + 1 == rows)
			for (size_t j = 0; j < cols; j++)
				sd[j] += block[j], block[j] = 0;
	}
	for (size_t j = 0; j < cols; j++)
		sd[j] = sqrt(sd[j] / (double)rows);
	free(block);
}

/* Mean and scale of every feature into m, and the multipliers the solver
 * uses (0 for a feature held constant, so its weight is exactly 0).
 * Constant means, as scikit-learn's StandardScaler decides it, a variance
 * within rounding of zero: var <= n eps var + (n mean eps)^2. */
static void transform_init(const double *x, Linmodel *m, double *inv)
{
	size_t cols = m->features;
	int *constant = xcalloc(cols ? cols : 1, sizeof *constant);
	double n = (double)m->rows;

	design_column_means(x, m->rows, cols, m->mean, constant);
	column_sd(x, m->rows, cols, m->mean, m->scale);
	for (size_t j = 0; j < cols; j++) {
		double var = m->scale[j] * m->scale[j], bound = n * DBL_EPSILON * m->mean[j];

		if (!m->params.standardize) {
			m->scale[j] = inv[j] = 1;
		} else if (constant[j] || var <= n * DBL_EPSILON * var + bound * bound) {
			m->scale[j] = 1, inv[j] = 0;
		} else {
			inv[j] = 1 / m->scale[j];
		}
	}
	free(constant);
}

/* Where v is or would go in the n ascending values of set. */
static int lower_bound(const double *set, int n, double v)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (set[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The distinct target values into m->labels, ascending, and each row's
 * class index. A set of at most LINMODEL_MAX_CLASSES, kept sorted by
 * insertion: no copy of the targets, no sort of them. */
static Status find_classes(const double *y, size_t rows, Linmodel *m, int *cls)
{
	double set[LINMODEL_MAX_CLASSES];
	int k = 0;

	for (size_t i = 0; i < rows; i++) {
		int at;

		if (i > 0 && y[i] == y[i - 1])
			continue;
		at = lower_bound(set, k, y[i]);
		if (at < k && set[at] == y[i])
			continue;
		if (k == LINMODEL_MAX_CLASSES)
			return status_fail(STATUS_ERR_INPUT,
					   "more than %d distinct target values: a classifier needs "
					   "labels, not measurements (use ridge)",
					   LINMODEL_MAX_CLASSES);
		memmove(set + at + 1, set + at, (size_t)(k - at) * sizeof *set);
		set[at] = y[i], k++;
	}
	if (k < 2)
		return status_fail(STATUS_ERR_INPUT,
				   "only one class in the training labels (every row is %g): a "
				   "classifier needs two",
				   y[0]);
	m->classes = k;
	m->labels = xmalloc((size_t)k * sizeof *m->labels);
	memcpy(m->labels, set, (size_t)k * sizeof *set);
	for (size_t i = 0; i < rows; i++)
		cls[i] = i > 0 && y[i] == y[i - 1] ? cls[i - 1] : lower_bound(set, k, y[i]);
	return STATUS_OK;
}

/* Copies the solver's parameter rows (coefficients then intercept, dim =
 * features + 1 each) into the model. */
static void take_theta(Linmodel *m, const double *theta)
{
	size_t d = m->features;

	m->coef = xcalloc((size_t)m->outputs * (d ? d : 1), sizeof *m->coef);
	m->intercept = xcalloc((size_t)m->outputs, sizeof *m->intercept);
	for (int o = 0; o < m->outputs; o++) {
		memcpy(m->coef + o * d, theta + o * (d + 1), d * sizeof *m->coef);
		m->intercept[o] = theta[o * (d + 1) + d];
	}
}

/* Without standardisation the fit ran on centred values: moves the
 * centring into the intercepts (b - w'mean) and the gradient with it (the
 * coefficients' partial derivatives gain mean times the intercept's), so
 * that every figure is about the raw parameters. */
static void uncentre(Linmodel *m, double *grad)
{
	size_t d = m->features;

	if (m->params.standardize)
		return;
	for (int o = 0; o < m->outputs; o++) {
		double gb = grad[o * (d + 1) + d];

		for (size_t j = 0; j < d; j++) {
			m->intercept[o] -= m->coef[o * d + j] * m->mean[j];
			grad[o * (d + 1) + j] += m->mean[j] * gb;
		}
	}
	memset(m->mean, 0, d * sizeof *m->mean);
}

/* LinmodelSolver as LogisticProblem.iterative. */
static const int solver_mode[] = { -1, 0, 1 };

static Status fit_logistic(const Design *design, const double *y, Linmodel *m)
{
	int *cls = xmalloc(m->rows * sizeof *cls);
	LogisticFit fit = { 0 };
	LogisticProblem p;
	Status st = find_classes(y, m->rows, m, cls);

	if (st != STATUS_OK)
		goto out;
	p = (LogisticProblem){ design, cls, m->classes, m->params.C, m->params.tol, 0,
			       m->params.max_iter, solver_mode[m->params.solver] };
	st = logistic_fit(&p, &fit);
	if (st != STATUS_OK)
		goto out;
	m->outputs = fit.outputs;
	take_theta(m, fit.theta);
	uncentre(m, fit.grad);
	m->objective = fit.objective;
	m->grad_norm = linalg_norm(fit.grad, (size_t)fit.outputs * design->dim);
	m->iterations = fit.iterations;
	m->converged = fit.converged;
out:
	logistic_fit_free(&fit);
	free(cls);
	return st;
}

/* [Z 1]' [Z 1] (lower triangle, dim x dim) and [Z 1]' y in one pass. */
static void ridge_normal(const Design *d, const double *y, double *gram, double *zy)
{
	double *t = xmalloc(d->dim * DESIGN_BLOCK * sizeof *t), yb[DESIGN_BLOCK];

	memset(gram, 0, d->dim * d->dim * sizeof *gram);
	memset(zy, 0, d->dim * sizeof *zy);
	for (size_t b = 0; b < design_blocks(d); b++) {
		size_t count = design_block(d, b, t);
		const double *z = t;

		for (size_t i = 0; i < DESIGN_BLOCK; i++)
			yb[i] = i < count ? y[b * DESIGN_BLOCK + i] : 0;
		linalg_gram_add(gram, d->dim, z, z, d->dim, DESIGN_BLOCK);
		for (size_t j = 0; j < d->dim; j++)
			zy[j] += linalg_dot(z + j * DESIGN_BLOCK, yb, DESIGN_BLOCK);
	}
	free(t);
}

/* The objective sum (y - w'z - b)^2 + alpha |w|^2 at theta (dim values,
 * intercept last) and its gradient, in one pass. */
static double ridge_objective(const Design *d, const double *y, double alpha,
			      const double *theta, double *grad)
{
	double *t = xmalloc(d->dim * DESIGN_BLOCK * sizeof *t), r[DESIGN_BLOCK], total = 0;

	memset(grad, 0, d->dim * sizeof *grad);
	for (size_t b = 0; b < design_blocks(d); b++) {
		size_t count = design_block(d, b, t);
		const double *z = t;
		double part = 0;

		memset(r, 0, sizeof r);
		for (size_t j = 0; j < d->dim; j++) /* a column at a time: vectorises */
			for (size_t i = 0; i < DESIGN_BLOCK; i++)
				r[i] += theta[j] * z[j * DESIGN_BLOCK + i];
		for (size_t i = 0; i < DESIGN_BLOCK; i++) {
			r[i] = i < count ? y[b * DESIGN_BLOCK + i] - r[i] : 0;
			part += r[i] * r[i];
		}
		total += part;
		for (size_t j = 0; j < d->dim; j++)
			grad[j] -= 2 * linalg_dot(z + j * DESIGN_BLOCK, r, DESIGN_BLOCK);
	}
	for (size_t j = 0; j + 1 < d->dim; j++) {
		grad[j] += 2 * alpha * theta[j];
		total += alpha * theta[j] * theta[j];
	}
	free(t);
	return total;
}

/* Factors the normal equations' matrix [Z'Z + alpha I, Z'1; 1'Z, n] into
 * l. A feature with a zero column gets a 1 on its diagonal so that alpha =
 * 0 still factors; its right-hand side is 0, so its weight is 0. */
static Status ridge_factor(double *a, size_t dim, double alpha, double *l)
{
	double damping;

	for (size_t j = 0; j + 1 < dim; j++)
		a[j * dim + j] += a[j * dim + j] == 0 ? 1 : alpha;
	linalg_symmetrize(a, dim);
	if (linalg_cholesky(a, dim, l, &damping) != 0 || damping > 0)
		return status_fail(STATUS_ERR_INPUT, "the features are collinear, so ridge with "
						     "alpha 0 has no unique solution: use alpha > 0");
	return STATUS_OK;
}

/* Closed form, then iterative refinement with the residual recomputed from
 * the rows: the cross products summed over a million rows carry rounding
 * that leaves the gradient near 1e-8; one correction from the exact
 * gradient (a Newton step, the objective being quadratic) takes it to the
 * rounding of the gradient itself. The correction is kept only when it
 * helps. */
static Status fit_ridge(const Design *d, const double *y, Linmodel *m)
{
	size_t dim = d->dim;
	double *a = xmalloc(dim * dim * sizeof *a), *l = xmalloc(dim * dim * sizeof *l);
	double *zy = xmalloc(dim * sizeof *zy), *theta = xmalloc(dim * sizeof *theta);
	double *grad = xmalloc(dim * sizeof *grad), *next = xmalloc(dim * sizeof *next);
	double *next_grad = xmalloc(dim * sizeof *next_grad), f, f_next;
	Status st;

	ridge_normal(d, y, a, zy);
	st = ridge_factor(a, dim, m->params.alpha, l);
	if (st != STATUS_OK)
		goto out;
	memcpy(theta, zy, dim * sizeof *theta);
	linalg_cholesky_solve(l, dim, theta);
	f = ridge_objective(d, y, m->params.alpha, theta, grad);
	for (size_t j = 0; j < dim; j++)
		next[j] = -0.5 * grad[j];
	linalg_cholesky_solve(l, dim, next);
	for (size_t j = 0; j < dim; j++)
		next[j] += theta[j];
	f_next = ridge_objective(d, y, m->params.alpha, next, next_grad);
	if (linalg_norm(next_grad, dim) < linalg_norm(grad, dim)) {
		memcpy(theta, next, dim * sizeof *theta);
		memcpy(grad, next_grad, dim * sizeof *grad);
		f = f_next;
	}
	m->outputs = 1;
	take_theta(m, theta);
	m->objective = f;
	uncentre(m, grad);
	m->grad_norm = linalg_norm(grad, dim);
	m->converged = 1;
out:
	free(a), free(l), free(zy), free(theta), free(grad), free(next), free(next_grad);
	return st;
}

Status linmodel_fit(const double *x, size_t rows, size_t cols, const double *y,
		    const LinmodelParams *params, Linmodel *out)
{
	double *inv = NULL;
	Design design;
	Status st;

	memset(out, 0, sizeof *out);
	st = check_params(y, rows, params);
	if (st != STATUS_OK)
		return st;
	out->kind = params->kind;
	out->params = *params;
	out->features = cols;
	out->rows = rows;
	out->mean = xcalloc(cols ? cols : 1, sizeof *out->mean);
	out->scale = xcalloc(cols ? cols : 1, sizeof *out->scale);
	inv = xcalloc(cols ? cols : 1, sizeof *inv);
	transform_init(x, out, inv);
	st = check_features(x, rows, out);
	if (st != STATUS_OK)
		goto out;
	design = (Design){ x, rows, cols, cols, cols + 1, out->mean, inv };
	st = params->kind == LINMODEL_LOGISTIC ? fit_logistic(&design, y, out)
					       : fit_ridge(&design, y, out);
out:
	free(inv);
	if (st != STATUS_OK)
		linmodel_free(out);
	return st;
}

void linmodel_free(Linmodel *m)
{
	free(m->labels), free(m->mean), free(m->scale), free(m->coef), free(m->intercept);
	memset(m, 0, sizeof *m);
}

/* The score of output row o for raw features x. */
static double score(const Linmodel *m, int o, const double *x)
{
	double s = m->intercept[o];

	for (size_t j = 0; j < m->features; j++)
		s += m->coef[o * m->features + j] * ((x[j] - m->mean[j]) / m->scale[j]);
	return s;
}

double linmodel_predict(const Linmodel *m, const double *x, double *prob)
{
	double local[2], *p, top, sum = 0, value = 0;

	if (m->kind == LINMODEL_RIDGE)
		return score(m, 0, x);
	p = prob ? prob : m->classes == 2 ? local : xmalloc((size_t)m->classes * sizeof *p);
	if (m->outputs == 1) {
		double s = score(m, 0, x);

		/* Each side from its own exponential, so neither is 1 - tiny. */
		p[1] = s >= 0 ? 1 / (1 + exp(-s)) : exp(s) / (1 + exp(s));
		p[0] = s >= 0 ? exp(-s) / (1 + exp(-s)) : 1 / (1 + exp(s));
	} else {
		for (int c = 0; c < m->classes; c++)
			p[c] = score(m, c, x);
		top = p[linmodel_argmax(p, m->classes)];
		for (int c = 0; c < m->classes; c++)
			sum += p[c] = exp(p[c] - top);
		for (int c = 0; c < m->classes; c++)
			p[c] /= sum;
	}
	for (int c = 0; c < m->classes; c++)
		value += p[c] * m->labels[c];
	if (p != prob && p != local)
		free(p);
	return value;
}

int linmodel_argmax(const double *prob, int n)
{
	int best = 0;

	for (int k = 1; k < n; k++)
		if (prob[k] > prob[best])
			best = k;
	return best;
}

double linmodel_entropy(const double *prob, int n)
{
	double h = 0;

	for (int k = 0; k < n; k++)
		if (prob[k] > 0)
			h -= prob[k] * log(prob[k]);
	return h;
}

void linmodel_raw(const Linmodel *m, double *coef, double *intercept)
{
	size_t d = m->features;

	for (int o = 0; o < m->outputs; o++) {
		intercept[o] = m->intercept[o];
		for (size_t j = 0; j < d; j++) {
			coef[o * d + j] = m->coef[o * d + j] / m->scale[j];
			intercept[o] -= coef[o * d + j] * m->mean[j];
		}
	}
}
