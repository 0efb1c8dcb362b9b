/* linmodel.h - the linear scorer's models, fitted to the exact optimum: L2
 * logistic regression (binary or multinomial) and ridge regression, on
 * features standardised with the training rows' mean and population
 * standard deviation. The objectives are scikit-learn's, so a model can be
 * checked against LogisticRegression(C=C) or Ridge(alpha=alpha) after
 * StandardScaler():
 *
 *   logistic, two classes  1/2 |w|^2 + C sum_i log(1 + exp(-y_i (w'z_i + b)))
 *   logistic, K > 2        1/2 sum_k |w_k|^2 + C sum_i -log softmax(W z_i + b)_{y_i}
 *   ridge                  sum_i (y_i - w'z_i - b)^2 + alpha |w|^2
 *
 * with z = (x - mean) / scale and the intercepts never penalised. Logistic
 * regression is solved by Newton's method with a line search (damped where
 * the Hessian is ill-conditioned), ridge in closed form; both report the
 * objective and the norm of its gradient at the answer. Deterministic: the
 * same rows give the same bytes. Pure computation with no global state:
 * fits may run on several threads at once (a refit in the background while
 * the review UI reads the last model). docs/scorer.md explains the models
 * and how to read them. */
#ifndef GAVEL_LINMODEL_H
#define GAVEL_LINMODEL_H

#include <stddef.h>

#include "src/base/status.h"

/* The most classes a logistic model takes (as many as a scale has levels;
 * more distinct targets are measurements, for ridge). */
#define LINMODEL_MAX_CLASSES 64

/* The model kinds with their names on the command line. */
#define LINMODEL_KIND_LIST(X) \
	X(LOGISTIC, "logistic")   \
	X(RIDGE, "ridge")

typedef enum {
#define LINMODEL_KIND_ENUM(name, text) LINMODEL_##name,
	LINMODEL_KIND_LIST(LINMODEL_KIND_ENUM)
#undef LINMODEL_KIND_ENUM
	LINMODEL_KIND_COUNT
} LinmodelKind;

/* The name of a kind ("logistic"); static, never NULL. */
const char *linmodel_kind_name(LinmodelKind kind);

/* The kind named name; STATUS_ERR_USAGE with a detail listing the kinds
 * when there is none. */
Status linmodel_kind_parse(const char *name, LinmodelKind *kind);

/* How logistic regression finds its Newton directions: whichever is
 * cheaper for the data's shape (AUTO: conjugate gradients once the
 * explicit Hessian would cost more than 40 Hessian-vector products, e.g. an
 * embedding of hundreds of features), from the explicit Hessian (DIRECT),
 * or by conjugate gradients (CG). The optimum is the same. */
typedef enum {
	LINMODEL_SOLVER_AUTO,
	LINMODEL_SOLVER_DIRECT,
	LINMODEL_SOLVER_CG,
} LinmodelSolver;

/* How to fit. linmodel_params() gives the defaults. */
typedef struct {
	LinmodelKind kind;
	double C;        /* logistic: weight of the loss against the penalty, > 0 (1) */
	double alpha;    /* ridge: the penalty, >= 0 (1) */
	int standardize; /* 1: z = (x - mean) / sd (1); 0: the values as given */
	double tol;      /* logistic: stop at this gradient norm (1e-10) */
	int max_iter;    /* logistic: Newton iterations at most (100) */
	LinmodelSolver solver; /* logistic: (AUTO) */
} LinmodelParams;

/* The default parameters of a kind. */
LinmodelParams linmodel_params(LinmodelKind kind);

/* A fitted model: plain data, every array owned (linmodel_free()).
 *
 * Features are transformed as z_j = (x_j - mean[j]) / scale[j]. With
 * standardisation, mean and scale are the training rows' mean and
 * population standard deviation; a constant feature (or one whose spread is
 * rounding noise, as scikit-learn judges it) gets scale 1 and weight
 * exactly 0. Without, mean is 0 and scale 1: the coefficients are on the
 * raw values.
 *
 * Scores are s_o = coef[o]' z + intercept[o] for each of outputs rows.
 * Logistic: labels holds the classes, the distinct target values in
 * ascending order; two classes give one row (the probability of labels[1]
 * is sigmoid(s_0)), more give one row per class (probabilities softmax(s),
 * intercepts summing to zero). Ridge: one row, the prediction s_0; classes
 * is 0 and labels NULL. */
typedef struct {
	LinmodelKind kind;
	LinmodelParams params;
	size_t features;
	size_t rows;       /* training rows */
	int classes;
	double *labels;    /* classes values */
	int outputs;
	double *mean;      /* features */
	double *scale;     /* features */
	double *coef;      /* outputs x features, row-major */
	double *intercept; /* outputs */
	double objective;  /* the objective above at the answer */
	double grad_norm;  /* Euclidean norm of its gradient there (coefficients and intercepts) */
	int iterations;    /* Newton steps (0 for ridge) */
	int converged;     /* 1 when the gradient reached tol or the rounding floor */
} Linmodel;

/* Fits a model to rows x cols features x (row-major, finite) and the
 * targets y (rows values: class values for logistic, any number for
 * ridge). Returns STATUS_OK with *out filled; STATUS_ERR_INPUT with a
 * detail for no rows, a value that is not finite, a logistic target with
 * only one class ("only one class ... a classifier needs two") or more than
 * LINMODEL_MAX_CLASSES, C <= 0 or
 * alpha < 0, or ridge with alpha 0 on collinear features. On failure *out
 * is zeroed. */
Status linmodel_fit(const double *x, size_t rows, size_t cols, const double *y,
		    const LinmodelParams *params, Linmodel *out);

/* Releases the arrays of m and zeroes it; safe on a zeroed model. */
void linmodel_free(Linmodel *m);

/* Applies m to one row of raw features x (m->features values). Logistic:
 * writes the probability of each class into prob (m->classes values, in
 * m->labels order) when prob is not NULL and returns the expected value
 * sum_k prob[k] labels[k]; ridge: returns the prediction (prob unused). */
double linmodel_predict(const Linmodel *m, const double *x, double *prob);

/* The index of the largest of n probabilities, the first on a tie. */
int linmodel_argmax(const double *prob, int n);

/* The entropy -sum p log p (natural log) of n probabilities, 0 .. log n:
 * how unsure a prediction is, for "most uncertain first". */
double linmodel_entropy(const double *prob, int n);

/* The coefficients on the raw values: coef[o][j] / scale[j], and the
 * intercepts intercept[o] - sum_j coef[o][j] mean[j] / scale[j]; what
 * scikit-learn reports for a pipeline folded into one linear model. coef
 * has outputs x features values, intercept outputs. */
void linmodel_raw(const Linmodel *m, double *coef, double *intercept);

#endif
