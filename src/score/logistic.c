/* logistic.c - Newton's method for L2 logistic regression (see logistic.h).
 *
 * Each iteration makes passes over the rows, a block at a time: one for the
 * objective and gradient (keeping every row's scores), one for the Hessian,
 * formed explicitly as weighted cross products of the block (linalg.h) and
 * factored by Cholesky, and one for the scores of the Newton direction, so
 * that the line search tries step lengths on stored scores without touching
 * the features again. Near the optimum a Hessian barely changes from one
 * step to the next: while the gradient keeps shrinking twentyfold per full
 * step, the last factorisation is reused and a step costs two cheap passes.
 *
 * The multinomial model's intercepts are only determined up to a common
 * constant, which makes its Hessian singular along (1, ..., 1) on the
 * intercepts. The gradient never has a component there (the residuals of a
 * row sum to zero), so adding a positive multiple of that direction to the
 * Hessian changes no Newton step while making it factor; steps are then
 * projected to sum zero on the intercepts, and the intercepts started at a
 * sum of zero, which is where they end. */
#include "src/score/logistic.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"
#include "src/score/linalg.h"

#define B DESIGN_BLOCK

/* How a row's loss depends on its scores s (outputs values): the loss and
 * its gradient r (when r is not NULL), and the lower triangle of its Hessian
 * packed row by row ((0,0), (1,0), (1,1), (2,0), ...) into a, p being
 * outputs values of scratch. */
typedef struct {
	double (*loss)(const double *s, int y, int outputs, double *r);
	void (*curvature)(const double *s, int outputs, double *p, double *a);
} Family;

/* log(1 + exp(s)) without overflow or cancellation. */
static double softplus(double s)
{
	return s > 0 ? s + log1p(exp(-s)) : log1p(exp(s));
}

static double sigmoid(double s)
{
	double e;

	if (s >= 0)
		return 1 / (1 + exp(-s));
	e = exp(s);
	return e / (1 + e);
}

static double binary_loss(const double *s, int y, int outputs, double *r)
{
	(void)outputs;
	if (r)
		r[0] = sigmoid(s[0]) - y;
	/* log(1 + exp(-m)) with m the signed margin: small losses of confident
	 * rows keep their digits, where softplus(s) - s would cancel. */
	return softplus(y ? -s[0] : s[0]);
}

static void binary_curvature(const double *s, int outputs, double *p, double *a)
{
	(void)outputs, (void)p;
	/* sigma(s) sigma(-s), not p (1 - p), which cancels when p is near 1. */
	a[0] = sigmoid(s[0]) * sigmoid(-s[0]);
}

/* The softmax probabilities of s into p; returns log sum exp(s). */
static double softmax(const double *s, int k, double *p)
{
	double top = s[0], sum = 0, lse;

	for (int c = 1; c < k; c++)
		top = s[c] > top ? s[c] : top;
	for (int c = 0; c < k; c++)
		sum += exp(s[c] - top);
	lse = top + log(sum);
	if (p)
		for (int c = 0; c < k; c++)
			p[c] = exp(s[c] - lse);
	return lse;
}

static double multinomial_loss(const double *s, int y, int outputs, double *r)
{
	double lse = softmax(s, outputs, r);

	if (r)
		r[y] -= 1;
	return lse - s[y];
}

static void multinomial_curvature(const double *s, int outputs, double *p, double *a)
{
	softmax(s, outputs, p);
	for (int c = 0, q = 0; c < outputs; c++)
		for (int e = 0; e <= c; e++)
			a[q++] = (c == e ? p[c] : 0) - p[c] * p[e];
}

static const Family binary_family = { binary_loss, binary_curvature };
static const Family multinomial_family = { multinomial_loss, multinomial_curvature };

/* The solver's state and its work arrays, allocated once. */
typedef struct {
	const LogisticProblem *p;
	const Design *d;
	const Family *family;
	int outputs;
	size_t dim, params, pairs, blocks;
	double *theta, *grad, *step, *hess, *chol, *gram;
	double *block, *scaled, *bscores, *bweights, *row, *rowgrad, *scratch;
	double *scores, *dirscores; /* rows x outputs */
} Solver;

static void solver_init(Solver *sv, const LogisticProblem *p)
{
	memset(sv, 0, sizeof *sv);
	sv->p = p;
	sv->d = p->design;
	sv->outputs = p->classes == 2 ? 1 : p->classes;
	sv->family = p->classes == 2 ? &binary_family : &multinomial_family;
	sv->dim = sv->d->dim;
	sv->params = (size_t)sv->outputs * sv->dim;
	sv->pairs = (size_t)sv->outputs * (sv->outputs + 1) / 2;
	sv->blocks = design_blocks(sv->d);
	sv->theta = xcalloc(sv->params, sizeof(double));
	sv->grad = xcalloc(sv->params, sizeof(double));
	sv->step = xcalloc(sv->params, sizeof(double));
	sv->hess = xcalloc(sv->params * sv->params, sizeof(double));
	sv->chol = xcalloc(sv->params * sv->params, sizeof(double));
	sv->gram = xcalloc(sv->pairs * sv->dim * sv->dim, sizeof(double));
	sv->block = xcalloc(sv->dim * B, sizeof(double));
	sv->scaled = xcalloc(sv->dim * B, sizeof(double));
	sv->bscores = xcalloc((size_t)sv->outputs * B, sizeof(double));
	sv->bweights = xcalloc((sv->pairs > (size_t)sv->outputs ? sv->pairs : (size_t)sv->outputs) * B,
			       sizeof(double));
	sv->row = xcalloc((size_t)sv->outputs, sizeof(double));
	sv->rowgrad = xcalloc(sv->pairs + (size_t)sv->outputs, sizeof(double));
	sv->scratch = xcalloc((size_t)sv->outputs, sizeof(double));
	sv->scores = xcalloc(sv->d->rows * (size_t)sv->outputs, sizeof(double));
	sv->dirscores = xcalloc(sv->d->rows * (size_t)sv->outputs, sizeof(double));
}

static void solver_free(Solver *sv)
{
	free(sv->grad), free(sv->step), free(sv->hess), free(sv->chol), free(sv->gram);
	free(sv->block), free(sv->scaled), free(sv->bscores), free(sv->bweights);
	free(sv->row), free(sv->rowgrad), free(sv->scratch), free(sv->scores), free(sv->dirscores);
}

/* Intercepts at the log class shares, the optimum of a model without
 * features: a start closer than zero by the whole class imbalance. */
static void start_point(Solver *sv)
{
	double *count = xcalloc((size_t)sv->p->classes, sizeof *count), mean = 0;

	for (size_t i = 0; i < sv->d->rows; i++)
		count[sv->p->cls[i]]++;
	if (sv->outputs == 1) {
		sv->theta[sv->dim - 1] = log(count[1] / count[0]);
	} else {
		for (int c = 0; c < sv->outputs; c++)
			mean += log(count[c]) / sv->outputs;
		for (int c = 0; c < sv->outputs; c++)
			sv->theta[c * sv->dim + sv->dim - 1] = log(count[c]) - mean;
	}
	free(count);
}

/* The scores of the block's rows under the parameter rows v (outputs x
 * dim) into out (outputs x B), one feature at a time down the columns. */
static void block_scores(const Solver *sv, const double *v, const double *t, double *out)
{
	for (int o = 0; o < sv->outputs; o++) {
		double *s = out + (size_t)o * B;

		memset(s, 0, B * sizeof *s);
		for (size_t j = 0; j < sv->dim; j++) {
			double c = v[o * sv->dim + j];
			const double *col = t + j * B;

			for (size_t i = 0; i < B; i++)
				s[i] += c * col[i];
		}
	}
}

/* 1/2 |w|^2 over the coefficients of v + t * step (intercepts excluded). */
static double penalty(const Solver *sv, const double *v, double t)
{
	double sum = 0;

	for (int o = 0; o < sv->outputs; o++)
		for (size_t j = 0; j + 1 < sv->dim; j++) {
			double w = v[o * sv->dim + j] + t * sv->step[o * sv->dim + j];

			sum += w * w;
		}
	return 0.5 * sum;
}

/* The losses and gradients of the block's real rows; the gradients (rows
 * past the end get 0) go to bweights as outputs x B. Returns the block's
 * summed loss. */
static double block_losses(Solver *sv, size_t first, size_t count)
{
	double sum = 0;
	int O = sv->outputs;

	memset(sv->bweights, 0, (size_t)O * B * sizeof(double));
	for (size_t i = 0; i < count; i++) {
		double *s = sv->scores + (first + i) * O;

		for (int o = 0; o < O; o++)
			s[o] = sv->bscores[o * B + i];
		sum += sv->family->loss(s, sv->p->cls[first + i], O, sv->rowgrad);
		for (int o = 0; o < O; o++)
			sv->bweights[o * B + i] = sv->rowgrad[o];
	}
	return sum;
}

/* The objective at sv->theta; fills sv->grad and every row's scores. */
static double value_grad(Solver *sv)
{
	double loss = 0;

	memset(sv->grad, 0, sv->params * sizeof(double));
	for (size_t b = 0; b < sv->blocks; b++) {
		size_t count = design_block(sv->d, b, sv->block);

		block_scores(sv, sv->theta, sv->block, sv->bscores);
		loss += block_losses(sv, b * B, count);
		for (int o = 0; o < sv->outputs; o++)
			for (size_t j = 0; j < sv->dim; j++)
				sv->grad[o * sv->dim + j] +=
					linalg_dot(sv->bweights + (size_t)o * B, sv->block + j * B, B);
	}
	for (size_t k = 0; k < sv->params; k++)
		sv->grad[k] = sv->p->C * sv->grad[k] + (k % sv->dim + 1 < sv->dim ? sv->theta[k] : 0);
	return sv->p->C * loss + penalty(sv, sv->theta, 0);
}

/* The curvature weights of the block's rows (pairs x B, 0 past the end),
 * from the scores value_grad() stored. */
static void block_curvature(Solver *sv, size_t first, size_t count)
{
	memset(sv->bweights, 0, sv->pairs * B * sizeof(double));
	for (size_t i = 0; i < count; i++) {
		sv->family->curvature(sv->scores + (first + i) * sv->outputs, sv->outputs,
				      sv->scratch, sv->rowgrad);
		for (size_t q = 0; q < sv->pairs; q++)
			sv->bweights[q * B + i] = sv->rowgrad[q];
	}
}

/* The weighted cross products of every class pair, lower triangles of
 * dim x dim each, summed over the rows into sv->gram. */
static void gram_pass(Solver *sv)
{
	size_t dim = sv->dim;

	memset(sv->gram, 0, sv->pairs * dim * dim * sizeof(double));
	for (size_t b = 0; b < sv->blocks; b++) {
		size_t count = design_block(sv->d, b, sv->block);

		block_curvature(sv, b * B, count);
		for (size_t q = 0; q < sv->pairs; q++) {
			const double *w = sv->bweights + q * B;

			for (size_t j = 0; j < dim; j++)
				for (size_t i = 0; i < B; i++)
					sv->scaled[j * B + i] = w[i] * sv->block[j * B + i];
			linalg_gram_add(sv->gram + q * dim * dim, dim, sv->scaled, sv->block, dim, B);
		}
	}
}

/* The Hessian from the cross products: C times the data part, plus the
 * penalty's identity on coefficients, plus (multinomial) the intercepts'
 * singular direction made positive. */
static void assemble_hessian(Solver *sv)
{
	size_t dim = sv->dim, P = sv->params;
	double top = 0;

	for (int a = 0, q = 0; a < sv->outputs; a++)
		for (int c = 0; c <= a; c++, q++) {
			const double *g = sv->gram + (size_t)q * dim * dim;

			for (size_t j = 0; j < dim; j++)
				for (size_t k = 0; k < dim; k++) {
					double v = sv->p->C * (k <= j ? g[j * dim + k] : g[k * dim + j]);

					sv->hess[(a * dim + j) * P + c * dim + k] = v;
					sv->hess[(c * dim + k) * P + a * dim + j] = v;
				}
		}
	for (size_t k = 0; k < P; k++) {
		if (k % dim + 1 < dim)
			sv->hess[k * P + k] += 1;
		else
			top = sv->hess[k * P + k] > top ? sv->hess[k * P + k] : top;
	}
	for (int a = 0; sv->outputs > 1 && a < sv->outputs; a++)
		for (int c = 0; c < sv->outputs; c++)
			sv->hess[((a + 1) * dim - 1) * P + (c + 1) * dim - 1] += top / sv->outputs;
}

/* Forms and factors the Hessian at sv->theta. */
static Status refresh_hessian(Solver *sv, LogisticFit *fit)
{
	double damping;

	gram_pass(sv);
	assemble_hessian(sv);
	if (linalg_cholesky(sv->hess, sv->params, sv->chol, &damping) != 0)
		return status_fail(STATUS_ERR_INPUT,
				   "the Hessian of the logistic loss is not finite; "
				   "a feature value is too large");
	fit->hessians++;
	fit->damping = damping > fit->damping ? damping : fit->damping;
	return STATUS_OK;
}

/* The Newton direction -H^-1 g, its intercepts summing to zero for the
 * multinomial model. Returns the decrement g' H^-1 g. */
static double newton_direction(Solver *sv)
{
	double mean = 0;

	for (size_t k = 0; k < sv->params; k++)
		sv->step[k] = -sv->grad[k];
	linalg_cholesky_solve(sv->chol, sv->params, sv->step);
	for (int o = 0; sv->outputs > 1 && o < sv->outputs; o++)
		mean += sv->step[(o + 1) * sv->dim - 1] / sv->outputs;
	for (int o = 0; sv->outputs > 1 && o < sv->outputs; o++)
		sv->step[(o + 1) * sv->dim - 1] -= mean;
	return -linalg_dot(sv->grad, sv->step, sv->params);
}

/* Every row's scores along the direction, for the line search. */
static void direction_pass(Solver *sv)
{
	int O = sv->outputs;

	for (size_t b = 0; b < sv->blocks; b++) {
		size_t count = design_block(sv->d, b, sv->block);

		block_scores(sv, sv->step, sv->block, sv->bscores);
		for (size_t i = 0; i < count; i++)
			for (int o = 0; o < O; o++)
				sv->dirscores[(b * B + i) * O + o] = sv->bscores[o * B + i];
	}
}

/* The objective at theta + t * step, from the stored scores; the losses
 * are summed in the blocks value_grad() uses, so t = 0 gives its value. */
static double objective_at(Solver *sv, double t)
{
	int O = sv->outputs;
	double total = 0;

	for (size_t first = 0; first < sv->d->rows; first += B) {
		double part = 0;

		for (size_t i = first; i < sv->d->rows && i < first + B; i++) {
			for (int o = 0; o < O; o++)
				sv->row[o] = sv->scores[i * O + o] + t * sv->dirscores[i * O + o];
			part += sv->family->loss(sv->row, sv->p->cls[i], O, NULL);
		}
		total += part;
	}
	return sv->p->C * total + penalty(sv, sv->theta, t);
}

/* Backtracking until the Armijo condition holds, allowing for the rounding
 * in f itself (a decrease smaller than that cannot be seen). Returns the
 * step length, or 0 when none lowers f. */
static double line_search(Solver *sv, double f, double decrement)
{
	double noise = 64 * DBL_EPSILON * (fabs(f) + 1);

	for (double t = 1; t > 1e-12; t *= 0.5)
		if (objective_at(sv, t) <= f - 1e-4 * t * decrement + noise)
			return t;
	return 0;
}

/* The Newton iterations proper; leaves the best point found (smallest
 * gradient) in best. Once the predicted decrease is below the rounding of
 * f, f can no longer tell a good step from a bad one: full steps are taken
 * and the gradient alone measures progress, until it stops shrinking. */
static Status iterate(Solver *sv, LogisticFit *fit, double *best, double *best_gn)
{
	double gn_prev = INFINITY;
	int factored = 0, full = 0, stalls = 0, polishing = 0;

	for (int it = 0;; it++) {
		double f = value_grad(sv), gn = linalg_norm(sv->grad, sv->params), dec, t = 1;
		double noise = 64 * DBL_EPSILON * (fabs(f) + 1);
		int refresh = !factored || !full || gn > 0.05 * gn_prev;

		stalls = gn > 0.5 * *best_gn ? stalls + 1 : 0;
		if (gn < *best_gn)
			*best_gn = gn, memcpy(best, sv->theta, sv->params * sizeof *best);
		if (gn <= sv->p->tol || (polishing && stalls >= 2))
			return fit->converged = 1, STATUS_OK;
		if (it >= sv->p->max_iter || stalls >= 4)
			return STATUS_OK;
		if (refresh) {
			Status st = refresh_hessian(sv, fit);

			if (st != STATUS_OK)
				return st;
		}
		dec = newton_direction(sv);
		if (!(dec > 0)) {
			factored = 0; /* not a descent direction: only a stale Hessian can do that */
			if (refresh)
				return STATUS_OK;
			continue;
		}
		polishing = dec <= noise;
		if (!polishing) {
			direction_pass(sv);
			t = line_search(sv, f, dec);
		}
		if (t == 0 && refresh)
			return STATUS_OK;
		for (size_t k = 0; k < sv->params; k++)
			sv->theta[k] += t * sv->step[k];
		factored = 1, full = t == 1, gn_prev = gn;
		fit->iterations++;
	}
}

Status logistic_fit(const LogisticProblem *p, LogisticFit *out)
{
	Solver sv;
	double *best, best_gn = INFINITY;
	Status st;

	memset(out, 0, sizeof *out);
	solver_init(&sv, p);
	start_point(&sv);
	best = xcalloc(sv.params, sizeof *best);
	st = iterate(&sv, out, best, &best_gn);
	if (st == STATUS_OK) {
		/* The reported figures belong to the returned parameters exactly. */
		memcpy(sv.theta, best, sv.params * sizeof *best);
		if (sv.outputs > 1) {
			double mean = 0;

			for (int o = 0; o < sv.outputs; o++)
				mean += sv.theta[(o + 1) * sv.dim - 1] / sv.outputs;
			for (int o = 0; o < sv.outputs; o++)
				sv.theta[(o + 1) * sv.dim - 1] -= mean;
		}
		out->objective = value_grad(&sv);
		out->grad_norm = linalg_norm(sv.grad, sv.params);
		out->outputs = sv.outputs;
		out->theta = sv.theta;
		out->grad = sv.grad;
		sv.theta = sv.grad = NULL;
	}
	free(best);
	free(sv.theta);
	solver_free(&sv);
	return st;
}

void logistic_fit_free(LogisticFit *fit)
{
	free(fit->theta);
	free(fit->grad);
	fit->theta = fit->grad = NULL;
}
