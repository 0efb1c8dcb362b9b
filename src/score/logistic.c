/* logistic.c - Newton's method for L2 logistic regression (see logistic.h).
 *
 * The rows are read a block at a time (design.h), and each Newton iteration
 * reads them once: one pass computes every row's scores, the objective, the
 * gradient and, when asked, the Hessian, formed explicitly as weighted cross
 * products of the block (linalg.h) and factored by Cholesky. A step is taken
 * whole and checked by the next pass, which is needed anyway: in the usual
 * case (Newton's full step lowers the objective enough) nothing more is
 * read; otherwise the step is backtracked on the two passes' stored scores
 * without touching the features again. Near the optimum a Hessian barely
 * changes from one step to the next: while the gradient keeps shrinking
 * twentyfold per step, the last factorisation is reused and a pass costs a
 * tenth of one that forms the Hessian. Large problems start from the
 * optimum on a subsample (warm_start()). With many features or classes the
 * explicit Hessian costs too much; then the Newton direction comes from
 * conjugate gradients on Hessian-vector products, each a pass over the rows
 * with the curvature each row keeps from the last full pass (iterative
 * mode, cg_direction()).
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

/* From this many rows on, the fit starts from the optimum of every
 * WARM_STRIDE-th row (with C scaled up to match): that fit costs an eighth
 * per step and lands within sampling error of the full optimum, from where
 * Newton needs two or three full steps instead of five to eight. */
#define WARM_ROWS 32768
#define WARM_STRIDE 8

/* How a row's loss depends on its scores s (outputs values): row() returns
 * the loss of label y, puts its gradient with respect to s in r, and, when
 * a is not NULL, the weights of the cross products the Hessian is built
 * from in a; one call computes the exponentials all three share. With
 * softmax_pairs 0, a is the lower triangle of the loss's Hessian packed row
 * by row ((0,0), (1,0), (1,1), (2,0), ...), each entry weighting one block.
 * The softmax's Hessian diag(p) - p p' has rows that sum to zero, so its
 * diagonal follows from the rest: with softmax_pairs 1, a holds p_c p_e
 * for c > e only ((1,0), (2,0), (2,1), ...), block (c, e) is minus that
 * product and block (c, c) the sum of those of its row, K (K - 1) / 2 cross
 * products instead of K (K + 1) / 2. */
typedef struct {
	double (*row)(const double *s, int y, int outputs, double *r, double *a);
	int softmax_pairs;
} Family;

/* The binary loss log(1 + exp(-m)), m the signed margin, from e =
 * exp(-|s|) alone: small losses of confident rows keep their digits (where
 * softplus(s) - s would cancel), the probability sigmoid(s) is 1 / (1 + e)
 * or e / (1 + e), and the curvature sigmoid(s) sigmoid(-s) = e / (1 + e)^2
 * never suffers the cancellation of p (1 - p) near p = 1. */
static double binary_row(const double *s, int y, int outputs, double *r, double *a)
{
	double e = exp(-fabs(s[0])), m = y ? s[0] : -s[0];

	(void)outputs;
	r[0] = (s[0] >= 0 ? 1 / (1 + e) : e / (1 + e)) - y;
	if (a)
		a[0] = e / ((1 + e) * (1 + e));
	return (m >= 0 ? 0 : -m) + log1p(e);
}

/* The softmax probabilities of s into p; returns log sum exp(s). */
static double softmax(const double *s, int k, double *p)
{
	double top = s[0], sum = 0, lse;

	for (int c = 1; c < k; c++)
		top = s[c] > top ? s[c] : top;
	for (int c = 0; c < k; c++)
		sum += p[c] = exp(s[c] - top);
	lse = top + log(sum);
	for (int c = 0; c < k; c++)
		p[c] /= sum;
	return lse;
}

static double multinomial_row(const double *s, int y, int outputs, double *r, double *a)
{
	double lse = softmax(s, outputs, r);

	for (int c = 1, q = 0; a && c < outputs; c++)
		for (int e = 0; e < c; e++)
			a[q++] = r[c] * r[e];
	r[y] -= 1;
	return lse - s[y];
}

static const Family binary_family = { binary_row, 0 };
static const Family multinomial_family = { multinomial_row, 1 };

/* The solver's state and its work arrays, allocated once. scores and
 * trial hold every row's scores (rows x outputs) at theta and at the point
 * being tried. */
typedef struct {
	const LogisticProblem *p;
	const Design *d;
	const Family *family;
	int outputs;
	size_t dim, params, pairs, blocks;
	double *theta, *next, *grad, *saved, *step, *hess, *chol, *gram;
	double *block, *scaled, *bscores, *bresid, *bcurv, *rowbuf, *scratch;
	double *scores, *trial;
	int has_factor; /* chol holds a factorisation (made here or borrowed) */
	double f;       /* the objective at theta, as the last pass there found it */
	int iterative;  /* conjugate gradients instead of an explicit Hessian */
	double *curv;   /* iterative: each row's curvature data (rows x outputs):
			   sigmoid(s) sigmoid(-s), or the class probabilities */
	double *gz;     /* iterative: [Z 1]'[Z 1], lower triangle, once formed */
	int gz_ready;
	double *curv_sum; /* iterative: the loss's Hessian in s summed over the
			     rows, outputs x outputs */
	double top;     /* iterative: the multinomial intercepts' added term */
	double *evec, *eval; /* iterative: eigenvectors, eigenvalues of the mean */
	double *pmat, *pchol, *cgwork, *rhs, *rot; /* iterative: the
			   preconditioner (a matrix, then outputs factors), work,
			   -gradient, a rotated vector */
} Solver;

/* Past this many multiply-adds of an explicit Hessian per Hessian-vector
 * product, conjugate gradients win: a Newton step rarely needs more
 * products than that, and a Hessian is formed every other step or so. */
#define ITERATIVE_RATIO 40

static double *zeros(size_t n)
{
	return xcalloc(n ? n : 1, sizeof(double));
}

static void solver_init(Solver *sv, const LogisticProblem *p)
{
	size_t O, P, square;

	memset(sv, 0, sizeof *sv);
	sv->p = p;
	sv->d = p->design;
	sv->outputs = p->classes == 2 ? 1 : p->classes;
	sv->family = p->classes == 2 ? &binary_family : &multinomial_family;
	O = (size_t)sv->outputs;
	sv->dim = sv->d->dim;
	sv->params = P = O * sv->dim;
	sv->pairs = O * (O + (sv->family->softmax_pairs ? -1 : 1)) / 2;
	sv->blocks = design_blocks(sv->d);
	sv->iterative = p->iterative >= 0 ? p->iterative
					  : sv->pairs * sv->dim > 4 * ITERATIVE_RATIO * O;
	square = sv->iterative ? 1 : P * P;
	sv->theta = zeros(P), sv->next = zeros(P);
	sv->grad = zeros(P), sv->saved = zeros(P), sv->step = zeros(P);
	sv->hess = zeros(square), sv->chol = zeros(square);
	sv->gram = zeros(sv->iterative ? 1 : sv->pairs * sv->dim * sv->dim);
	sv->block = zeros(sv->dim * B), sv->scaled = zeros(sv->dim * B);
	sv->bscores = zeros(O * B), sv->bresid = zeros(O * B);
	sv->bcurv = zeros((sv->pairs > O ? sv->pairs : O) * B);
	sv->rowbuf = zeros(sv->pairs + O), sv->scratch = zeros(sv->pairs + O);
	sv->scores = zeros(sv->d->rows * O), sv->trial = zeros(sv->d->rows * O);
	sv->curv = zeros(sv->iterative ? sv->d->rows * O : 1);
	square = sv->iterative ? sv->dim * sv->dim : 1;
	sv->gz = zeros(square), sv->pmat = zeros(square), sv->pchol = zeros(O * square);
	sv->curv_sum = zeros(O * O), sv->evec = zeros(O * O), sv->eval = zeros(O);
	sv->cgwork = zeros(4 * P), sv->rhs = zeros(P), sv->rot = zeros(P);
}

static void solver_free(Solver *sv)
{
	double *arrays[] = { sv->theta, sv->next, sv->grad, sv->saved, sv->step, sv->hess,
			     sv->chol, sv->gram, sv->block, sv->scaled, sv->bscores, sv->bresid,
			     sv->bcurv, sv->rowbuf, sv->scratch, sv->scores, sv->trial,
			     sv->curv, sv->gz, sv->curv_sum, sv->pmat, sv->pchol,
			     sv->cgwork, sv->rhs, sv->evec, sv->eval, sv->rot };

	for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
		free(arrays[k]);
}

/* Intercepts at the log class shares, the optimum of a model without
 * features: a start closer than zero by the whole class imbalance. */
static void start_point(Solver *sv)
{
	double *count = zeros((size_t)sv->p->classes), mean = 0;

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

/* The solution on every WARM_STRIDE-th row into sv->theta, when the rows
 * are many and the subsample holds every class; else theta is untouched.
 * The subsample is a design with a longer stride: nothing is copied. Its
 * last Hessian, with C scaled, approximates the full one to within
 * sampling error, so its factor goes into sv->chol too: the first full
 * steps need no Hessian of their own. Returns whether it did all this. */
static int warm_start(Solver *sv)
{
	const Design *d = sv->d;
	size_t m = (d->rows + WARM_STRIDE - 1) / WARM_STRIDE, seen = 0;
	int *cls, *count;
	Design sub;
	LogisticProblem sp;
	LogisticFit fit = { 0 };
	int done = 0;

	if (d->rows < WARM_ROWS)
		return 0;
	cls = xmalloc(m * sizeof *cls);
	count = xcalloc((size_t)sv->p->classes, sizeof *count);
	for (size_t i = 0; i < m; i++) {
		cls[i] = sv->p->cls[i * WARM_STRIDE];
		seen += count[cls[i]]++ == 0;
	}
	sub = *d, sub.rows = m, sub.stride = d->stride * WARM_STRIDE;
	sp = *sv->p, sp.design = &sub, sp.cls = cls;
	sp.C = sv->p->C * (double)d->rows / (double)m;
	sp.rel_tol = 1e-3;
	if (seen == (size_t)sv->p->classes && logistic_fit(&sp, &fit) == STATUS_OK) {
		memcpy(sv->theta, fit.theta, sv->params * sizeof *sv->theta);
		if (fit.chol) {
			memcpy(sv->chol, fit.chol, sv->params * sv->params * sizeof *sv->chol);
			sv->has_factor = done = 1;
		}
	}
	logistic_fit_free(&fit);
	free(cls), free(count);
	return done;
}

/* s = sum_j c[j] * column j of t, a column at a time (restrict lets the
 * compiler run the inner loop in vector registers). */
static void column_combination(double *restrict s, const double *restrict c,
			       const double *restrict t, size_t dim)
{
	memset(s, 0, B * sizeof *s);
	for (size_t j = 0; j < dim; j++)
		for (size_t i = 0; i < B; i++)
			s[i] += c[j] * t[j * B + i];
}

/* out = the dim columns of z, each multiplied by w entry by entry. */
static void scale_columns(double *restrict out, const double *restrict w,
			  const double *restrict z, size_t dim)
{
	for (size_t j = 0; j < dim; j++)
		for (size_t i = 0; i < B; i++)
			out[j * B + i] = w[i] * z[j * B + i];
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

/* With hessian in iterative mode: keeps row i's curvature data in
 * sv->curv, and adds the loss's Hessian in s (a, or diag(p) - p p') to
 * sv->curv_sum, from the row's gradient r (r[y] = p_y - 1) or binary
 * curvature a. */
static void keep_curvature(Solver *sv, size_t row, size_t i, int y, const double *r,
			   const double *a)
{
	int O = sv->outputs;
	double *k = sv->curv + row * (size_t)O;

	(void)i;
	if (O == 1) {
		sv->curv_sum[0] += k[0] = a[0];
		return;
	}
	for (int o = 0; o < O; o++)
		k[o] = r[o] + (o == y);
	for (int o = 0; o < O; o++)
		for (int c = 0; c < O; c++)
			sv->curv_sum[o * O + c] += (o == c ? k[o] : 0) - k[o] * k[c];
}

/* The block's real rows: their scores (from bscores) into scores, their
 * loss gradients into bresid (outputs x B, 0 past the end), and with
 * hessian their curvature weights into bcurv (pairs x B; iterative mode:
 * see keep_curvature()). Returns the block's summed loss. */
static double block_rows(Solver *sv, size_t first, size_t count, double *scores, int hessian)
{
	int O = sv->outputs;
	int pairs = hessian && (!sv->iterative || O == 1);
	double sum = 0, *r = sv->rowbuf, *a = pairs ? sv->scratch : NULL;

	memset(sv->bresid, 0, (size_t)O * B * sizeof(double));
	if (hessian)
		memset(sv->bcurv, 0, (sv->pairs > (size_t)O ? sv->pairs : (size_t)O) * B * sizeof(double));
	for (size_t i = 0; i < count; i++) {
		double *s = scores + (first + i) * O;
		int y = sv->p->cls[first + i];

		for (int o = 0; o < O; o++)
			s[o] = sv->bscores[o * B + i];
		sum += sv->family->row(s, y, O, r, a);
		for (int o = 0; o < O; o++)
			sv->bresid[o * B + i] = r[o];
		if (hessian && sv->iterative)
			keep_curvature(sv, first + i, i, y, r, a);
		for (size_t q = 0; a && !sv->iterative && q < sv->pairs; q++)
			sv->bcurv[q * B + i] = a[q];
	}
	return sum;
}

/* The block's share of the cross products (explicit mode), or of the
 * design's own cross product the preconditioner is built from (iterative
 * mode, the first time only: it does not depend on the parameters). */
static void block_curvature(Solver *sv, const double *z)
{
	size_t dim = sv->dim;

	for (size_t q = 0; !sv->iterative && q < sv->pairs; q++) {
		scale_columns(sv->scaled, sv->bcurv + q * B, z, dim);
		linalg_gram_add(sv->gram + q * dim * dim, dim, sv->scaled, z, dim, B);
	}
	if (sv->iterative && !sv->gz_ready)
		linalg_gram_add(sv->gz, dim, z, z, dim, B);
}

/* Iterative mode: the preconditioner for conjugate gradients. It is the
 * Hessian as it would be if every row had the mean curvature A (outputs x
 * outputs): penalty + C A (x) [Z 1]'[Z 1]. That captures the features'
 * correlations, which dominate the conditioning of an embedding's
 * Hessian, and the coupling of the classes. With A = U diag(l) U', the
 * rotation U' (x) I makes it block diagonal, penalty + C l_k [Z 1]'[Z 1]
 * for eigenvalue k: the cross product is formed once, and a step costs
 * an outputs x outputs eigen-decomposition and outputs Cholesky factors of
 * dim x dim. The multinomial intercepts' added direction lies along A's
 * null vector, (1, ..., 1) / sqrt(K); each block gets its share of it. */
static void finish_preconditioner(Solver *sv)
{
	size_t dim = sv->dim, O = (size_t)sv->outputs;
	double top = 0, damping;

	sv->gz_ready = 1;
	for (size_t o = 0; o < O; o++)
		top = sv->p->C * sv->curv_sum[o * O + o] > top ? sv->p->C * sv->curv_sum[o * O + o] : top;
	sv->top = O > 1 ? top / (double)O : 0;
	for (size_t q = 0; q < O * O; q++)
		sv->curv_sum[q] /= (double)sv->d->rows;
	linalg_eigen(sv->curv_sum, O, sv->eval, sv->evec);
	for (size_t k = 0; k < O; k++) {
		double *l = sv->pchol + k * dim * dim, share = 0;

		for (size_t o = 0; O > 1 && o < O; o++)
			share += sv->evec[o * O + k];
		share = share * share * sv->top; /* top K (u'e_k)^2 / K */
		for (size_t q = 0; q < dim * dim; q++)
			sv->pmat[q] = sv->p->C * fmax(sv->eval[k], 0) * sv->gz[q];
		for (size_t j = 0; j < dim; j++)
			sv->pmat[j * dim + j] += j + 1 < dim ? 1 : share + 1e-12 * (top + 1);
		if (linalg_cholesky(sv->pmat, dim, l, &damping) != 0)
			for (size_t q = 0; q < dim * dim; q++) /* not finite: no preconditioning */
				l[q] = q % (dim + 1) == 0;
	}
}

/* out = M^-1 v: rotated into the eigenvectors' basis, solved block by
 * block, rotated back. */
static void precondition(void *ctx, const double *v, double *out)
{
	Solver *sv = ctx;
	size_t dim = sv->dim, O = (size_t)sv->outputs;

	memset(sv->rot, 0, sv->params * sizeof *sv->rot);
	for (size_t k = 0; k < O; k++)
		for (size_t o = 0; o < O; o++)
			for (size_t j = 0; j < dim; j++)
				sv->rot[k * dim + j] += sv->evec[o * O + k] * v[o * dim + j];
	for (size_t k = 0; k < O; k++)
		linalg_cholesky_solve(sv->pchol + k * dim * dim, dim, sv->rot + k * dim);
	memset(out, 0, sv->params * sizeof *out);
	for (size_t o = 0; o < O; o++)
		for (size_t k = 0; k < O; k++)
			for (size_t j = 0; j < dim; j++)
				out[o * dim + j] += sv->evec[o * O + k] * sv->rot[k * dim + j];
}

/* One pass over the rows at parameters v: returns the objective, puts its
 * gradient in sv->grad and every row's scores in scores, and with hessian
 * the curvature: the weighted cross products of every class pair (lower
 * triangles of dim x dim) in sv->gram, or in iterative mode each row's
 * curvature data and the preconditioner. */
static double pass(Solver *sv, const double *v, double *scores, int hessian)
{
	size_t dim = sv->dim;
	double loss = 0;

	memset(sv->grad, 0, sv->params * sizeof(double));
	if (hessian && !sv->iterative)
		memset(sv->gram, 0, sv->pairs * dim * dim * sizeof(double));
	if (hessian && sv->iterative)
		memset(sv->curv_sum, 0, (size_t)sv->outputs * sv->outputs * sizeof(double));
	for (size_t b = 0; b < sv->blocks; b++) {
		size_t count = design_block(sv->d, b, sv->block);
		const double *z = sv->block;

		for (int o = 0; o < sv->outputs; o++)
			column_combination(sv->bscores + (size_t)o * B, v + o * dim, z, dim);
		loss += block_rows(sv, b * B, count, scores, hessian);
		for (int o = 0; o < sv->outputs; o++)
			for (size_t j = 0; j < dim; j++)
				sv->grad[o * dim + j] += linalg_dot(sv->bresid + (size_t)o * B, z + j * B, B);
		if (hessian)
			block_curvature(sv, z);
	}
	for (size_t k = 0; k < sv->params; k++)
		sv->grad[k] = sv->p->C * sv->grad[k] + (k % dim + 1 < dim ? v[k] : 0);
	if (hessian && sv->iterative)
		finish_preconditioner(sv);
	return sv->p->C * loss + penalty(sv, v, 0);
}

/* out = H v in iterative mode, one pass over the rows with the curvature
 * they keep: the scores u = V z of each row, the data part of the Hessian
 * applied to them (a u for the binary model, p (u - p'u) for the
 * multinomial one), summed back through z; then C times that, the
 * penalty's v on coefficients, and the intercepts' added direction. */
static void hess_vec(void *ctx, const double *v, double *out)
{
	Solver *sv = ctx;
	size_t dim = sv->dim, O = (size_t)sv->outputs;
	double vsum = 0;

	memset(out, 0, sv->params * sizeof *out);
	for (size_t b = 0; b < sv->blocks; b++) {
		size_t count = design_block(sv->d, b, sv->block);
		const double *z = sv->block;

		for (size_t o = 0; o < O; o++)
			column_combination(sv->bscores + o * B, v + o * dim, z, dim);
		memset(sv->bresid, 0, O * B * sizeof(double));
		for (size_t i = 0; i < count; i++) {
			const double *k = sv->curv + (b * B + i) * O;
			double pu = 0;

			for (size_t o = 0; O > 1 && o < O; o++)
				pu += k[o] * sv->bscores[o * B + i];
			for (size_t o = 0; o < O; o++)
				sv->bresid[o * B + i] = O == 1 ? k[0] * sv->bscores[i]
							       : k[o] * (sv->bscores[o * B + i] - pu);
		}
		for (size_t o = 0; o < O; o++)
			for (size_t j = 0; j < dim; j++)
				out[o * dim + j] += linalg_dot(sv->bresid + o * B, z + j * B, B);
	}
	for (size_t k = 0; k < sv->params; k++)
		out[k] = sv->p->C * out[k] + (k % dim + 1 < dim ? v[k] : 0);
	for (size_t o = 0; O > 1 && o < O; o++)
		vsum += v[(o + 1) * dim - 1];
	for (size_t o = 0; O > 1 && o < O; o++)
		out[(o + 1) * dim - 1] += sv->top * vsum;
}

/* Adds factor * C * g (a lower triangle) to the Hessian's block (a, c),
 * and its transpose to block (c, a) when they differ. */
static void add_block(Solver *sv, int a, int c, const double *g, double factor)
{
	size_t dim = sv->dim, P = sv->params;

	for (size_t j = 0; j < dim; j++)
		for (size_t k = 0; k < dim; k++) {
			double v = factor * sv->p->C * (k <= j ? g[j * dim + k] : g[k * dim + j]);

			sv->hess[(a * dim + j) * P + c * dim + k] += v;
			if (a != c)
				sv->hess[(c * dim + k) * P + a * dim + j] += v;
		}
}

/* The Hessian from the cross products: C times the data part, plus the
 * penalty's identity on coefficients, plus (multinomial) the intercepts'
 * singular direction made positive. */
static void assemble_hessian(Solver *sv)
{
	size_t dim = sv->dim, P = sv->params, q = 0;
	double top = 0;

	memset(sv->hess, 0, P * P * sizeof(double));
	for (int a = 0; a < sv->outputs; a++)
		for (int c = 0; c < a + !sv->family->softmax_pairs; c++, q++) {
			const double *g = sv->gram + q * dim * dim;

			if (!sv->family->softmax_pairs) {
				add_block(sv, a, c, g, 1);
				continue;
			}
			add_block(sv, a, c, g, -1);
			add_block(sv, a, a, g, 1);
			add_block(sv, c, c, g, 1);
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

/* Factors the Hessian whose cross products the last pass formed. */
static Status factor_hessian(Solver *sv, LogisticFit *fit)
{
	double damping;

	assemble_hessian(sv);
	if (linalg_cholesky(sv->hess, sv->params, sv->chol, &damping) != 0)
		return status_fail(STATUS_ERR_INPUT,
				   "the Hessian of the logistic loss is not finite; "
				   "a feature value is too large");
	fit->hessians++;
	sv->has_factor = 1;
	fit->damping = damping > fit->damping ? damping : fit->damping;
	return STATUS_OK;
}

/* Makes the step's intercepts sum to zero (multinomial), the direction
 * along which nothing changes. */
static void project_step(Solver *sv)
{
	double mean = 0;

	for (int o = 0; sv->outputs > 1 && o < sv->outputs; o++)
		mean += sv->step[(o + 1) * sv->dim - 1] / sv->outputs;
	for (int o = 0; sv->outputs > 1 && o < sv->outputs; o++)
		sv->step[(o + 1) * sv->dim - 1] -= mean;
}

/* The Newton direction -H^-1 g into sv->step: from the factor, or by
 * conjugate gradients solved to a relative residual of eta. Returns the
 * decrement -g' step. */
static double newton_direction(Solver *sv, double eta, LogisticFit *fit)
{
	if (sv->iterative) {
		int most = sv->params < 500 ? 2 * (int)sv->params + 10 : 1000;

		for (size_t k = 0; k < sv->params; k++)
			sv->rhs[k] = -sv->grad[k];
		fit->products += linalg_pcg(sv->params, hess_vec, precondition, sv, sv->rhs, eta,
					    most, sv->step, sv->cgwork);
	} else {
		for (size_t k = 0; k < sv->params; k++)
			sv->step[k] = -sv->grad[k];
		linalg_cholesky_solve(sv->chol, sv->params, sv->step);
	}
	project_step(sv);
	return -linalg_dot(sv->grad, sv->step, sv->params);
}

/* The objective at theta + t * step, from the scores at theta and at
 * theta + step; the losses are summed in the blocks pass() uses. */
static double objective_at(Solver *sv, double t)
{
	int O = sv->outputs;
	double total = 0, *row = sv->rowbuf;

	for (size_t first = 0; first < sv->d->rows; first += B) {
		double part = 0;

		for (size_t i = first; i < sv->d->rows && i < first + B; i++) {
			for (int o = 0; o < O; o++) {
				double s = sv->scores[i * O + o];

				row[o] = s + t * (sv->trial[i * O + o] - s);
			}
			part += sv->family->row(row, sv->p->cls[i], O, sv->scratch, NULL);
		}
		total += part;
	}
	return sv->p->C * total + penalty(sv, sv->theta, t);
}

/* Backtracking from t = 1/2 (the full step has failed) until the Armijo
 * condition holds, allowing for the rounding in f itself. Returns the step
 * length, or 0 when none lowers f. */
static double backtrack(Solver *sv, double f, double decrement, double noise)
{
	for (double t = 0.5; t > 1e-12; t *= 0.5)
		if (objective_at(sv, t) <= f - 1e-4 * t * decrement + noise)
			return t;
	return 0;
}

static void swap(double **a, double **b)
{
	double *t = *a;

	*a = *b, *b = t;
}

/* Where the iterations stand between passes. */
typedef struct {
	double f, gn, gn_prev, gn_first, best_gn;
	int fresh;     /* sv->gram was formed at theta and is not factored yet */
	int factored;  /* sv->chol holds some factorisation */
	int here;      /* ... made at theta */
	int full;      /* the last step was taken whole */
	int stalls;    /* passes in a row without halving the best gradient */
	int polishing; /* the last decrement was below the rounding of f */
} Progress;

/* Tries theta + step; keeps it when it lowers f enough (or when f cannot
 * tell, while polishing), else backtracks along it and re-reads the rows at
 * the shorter step. Returns 0 when no step lowers f. */
static int take_step(Solver *sv, Progress *pr, double dec, double noise)
{
	int want = sv->iterative || !pr->factored || !pr->full || pr->gn > 0.05 * pr->gn_prev;
	double f_next, t;

	for (size_t k = 0; k < sv->params; k++)
		sv->next[k] = sv->theta[k] + sv->step[k];
	memcpy(sv->saved, sv->grad, sv->params * sizeof(double));
	f_next = pass(sv, sv->next, sv->trial, want);
	if (pr->polishing || f_next <= pr->f - 1e-4 * dec + noise) {
		swap(&sv->theta, &sv->next), swap(&sv->scores, &sv->trial);
		pr->f = f_next, pr->fresh = want, pr->full = 1;
		return 1;
	}
	t = backtrack(sv, pr->f, dec, noise);
	memcpy(sv->grad, sv->saved, sv->params * sizeof(double));
	if (t == 0)
		return 0;
	for (size_t k = 0; k < sv->params; k++)
		sv->theta[k] += t * sv->step[k];
	pr->f = pass(sv, sv->theta, sv->scores, 1);
	pr->fresh = 1, pr->full = 0;
	return 1;
}

/* The Newton iterations proper; leaves the point with the smallest
 * gradient in best. Once the predicted decrease is below the rounding of
 * f, f can no longer tell a good step from a bad one: full steps are taken
 * and the gradient alone measures progress, until it stops shrinking. */
static Status iterate(Solver *sv, LogisticFit *fit, double *best, int warm)
{
	Progress pr = { .gn_prev = INFINITY, .gn_first = -1, .best_gn = INFINITY };

	pr.f = pass(sv, sv->theta, sv->scores, !warm);
	pr.fresh = !warm, pr.factored = pr.full = warm;
	for (int it = 0;; it++) {
		double noise = 64 * DBL_EPSILON * (fabs(pr.f) + 1), dec;

		pr.gn = linalg_norm(sv->grad, sv->params);
		sv->f = pr.f;
		pr.gn_first = pr.gn_first < 0 ? pr.gn : pr.gn_first;
		pr.stalls = pr.gn > 0.5 * pr.best_gn ? pr.stalls + 1 : 0;
		if (pr.gn < pr.best_gn)
			pr.best_gn = pr.gn, memcpy(best, sv->theta, sv->params * sizeof *best);
		if (pr.gn <= sv->p->tol || pr.gn <= sv->p->rel_tol * pr.gn_first ||
		    (pr.polishing && pr.stalls >= 2))
			return fit->converged = 1, STATUS_OK;
		if (it >= sv->p->max_iter || pr.stalls >= 4)
			return STATUS_OK;
		if (pr.fresh) {
			Status st = sv->iterative ? STATUS_OK : factor_hessian(sv, fit);

			if (st != STATUS_OK)
				return st;
			pr.fresh = 0, pr.factored = 1, pr.here = 1;
		}
		/* Conjugate gradients solve to sqrt of the progress made so far:
		 * loose far from the optimum, tight near it (order 1.5). */
		dec = newton_direction(sv, fmin(0.1, fmax(1e-8, sqrt(pr.gn / pr.gn_first))), fit);
		pr.polishing = dec <= noise;
		if (dec > 0 && take_step(sv, &pr, dec, noise)) {
			pr.gn_prev = pr.gn, pr.here = 0;
			fit->iterations++;
			continue;
		}
		/* No step lowers f. With a Hessian formed here, this is the
		 * optimum as far as rounding lets anyone see; with an older one,
		 * form one here and try again. */
		if (pr.here)
			return fit->converged = 1, STATUS_OK;
		pr.f = pass(sv, sv->theta, sv->scores, 1);
		pr.fresh = 1, pr.full = 0;
	}
}

Status logistic_fit(const LogisticProblem *p, LogisticFit *out)
{
	Solver sv;
	double *best;
	int warm;
	Status st;

	memset(out, 0, sizeof *out);
	solver_init(&sv, p);
	start_point(&sv);
	warm = warm_start(&sv);
	best = zeros(sv.params);
	st = iterate(&sv, out, best, warm);
	if (st == STATUS_OK) {
		/* The reported figures belong to the returned parameters: those
		 * of the last pass when it was at the best point (the usual
		 * case), else read again there. Centring the multinomial
		 * intercepts moves them by rounding (their steps summed to
		 * zero), which changes neither figure. */
		if (memcmp(sv.theta, best, sv.params * sizeof *best) == 0) {
			out->objective = sv.f;
		} else {
			memcpy(sv.theta, best, sv.params * sizeof *best);
			out->objective = pass(&sv, sv.theta, sv.scores, 0);
		}
		if (sv.outputs > 1) {
			double mean = 0;

			for (int o = 0; o < sv.outputs; o++)
				mean += sv.theta[(o + 1) * sv.dim - 1] / sv.outputs;
			for (int o = 0; o < sv.outputs; o++)
				sv.theta[(o + 1) * sv.dim - 1] -= mean;
		}
		out->grad_norm = linalg_norm(sv.grad, sv.params);
		out->outputs = sv.outputs;
		out->theta = sv.theta;
		out->grad = sv.grad;
		out->chol = sv.has_factor ? sv.chol : NULL;
		sv.theta = sv.grad = NULL;
		sv.chol = sv.has_factor ? NULL : sv.chol;
	}
	free(best);
	solver_free(&sv);
	return st;
}

void logistic_fit_free(LogisticFit *fit)
{
	free(fit->theta);
	free(fit->grad);
	free(fit->chol);
	fit->theta = fit->grad = fit->chol = NULL;
}
