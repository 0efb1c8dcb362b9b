/* logistic.h - L2-regularised logistic regression solved by Newton's method
 * to the optimum: binary (one coefficient vector, the sigmoid) or
 * multinomial (one vector per class, the softmax), with scikit-learn's
 * objectives
 *
 *   binary       1/2 |w|^2   + C sum_i log(1 + exp(-y_i (w'z_i + b)))
 *   multinomial  1/2 |W|_F^2 + C sum_i (log sum_k exp(w_k'z_i + b_k) - w_{y_i}'z_i - b_{y_i})
 *
 * where intercepts are not penalised. Works on a Design (src/score/design.h)
 * and leaves the choice of classes and standardisation to linmodel.c; this
 * file is the solver alone. Internal to src/score/. */
#ifndef GAVEL_LOGISTIC_H
#define GAVEL_LOGISTIC_H

#include "src/base/status.h"
#include "src/score/design.h"

/* What to fit. An explicit Hessian costs pairs x dim^2 / 2 multiply-adds
 * a row, a Hessian-vector product 2 outputs dim: with many features (an
 * embedding) or many classes, directions from a few dozen products by
 * conjugate gradients are far cheaper, and never need the (outputs dim)^2
 * matrix in memory. cls holds each row's class, 0 .. classes - 1, and every
 * class has at least one row. classes == 2 is the binary model (class 1 the
 * positive one), more the multinomial one. */
typedef struct {
	const Design *design;
	const int *cls;
	int classes;
	double C;       /* > 0 */
	double tol;     /* stop once the gradient norm is at or below this */
	double rel_tol; /* or at or below this share of the first one (0: never) */
	int max_iter;   /* Newton iterations at most */
	int iterative;  /* Newton directions by conjugate gradients (1), from an
			   explicit Hessian (0), or whichever is cheaper here (-1) */
} LogisticProblem;

/* The solution: theta holds outputs rows of design->dim values (the
 * coefficients of the standardised features, then the intercept); outputs
 * is 1 for the binary model, classes for the multinomial one, whose
 * intercepts sum to zero (they are only determined up to a common
 * constant; scikit-learn's lbfgs, started at zero, ends there too).
 * theta, grad and chol are owned by the fit. */
typedef struct {
	double *theta;
	double *grad;      /* the gradient at theta, laid out as theta */
	int outputs;
	double objective;  /* at theta, recomputed there */
	double grad_norm;  /* Euclidean norm of the gradient at theta */
	int iterations;    /* Newton steps taken */
	int hessians;      /* Hessians formed (later steps may reuse one) */
	long products;     /* Hessian-vector products (iterative mode) */
	int converged;     /* grad_norm <= tol, or no step can lower it further */
	double damping;    /* largest diagonal damping a factorisation needed */
	double *chol;      /* the last Hessian's Cholesky factor, (outputs dim)^2, or NULL */
} LogisticFit;

/* Fits the model. Returns STATUS_OK with *out filled (theta owned by out,
 * released by logistic_fit_free()), even when max_iter ran out first
 * (converged is then 0); STATUS_ERR_INPUT with a detail when the Hessian
 * cannot be factored at all (a value that is not finite). */
Status logistic_fit(const LogisticProblem *p, LogisticFit *out);

/* Frees what logistic_fit() allocated; safe on a zeroed fit. */
void logistic_fit_free(LogisticFit *fit);

#endif
