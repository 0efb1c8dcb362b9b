/* linalg.h - the dense linear algebra under the linear models: dot products,
 * weighted cross products of column blocks, Cholesky factorisation with
 * damping. Every routine runs in one fixed
 * order of operations, so the same input gives the same bits on every run;
 * the order is chosen for speed (several independent sums that the compiler
 * may keep in vector registers) but never depends on the data. Pure
 * computation, internal to src/score/. */
#ifndef GAVEL_LINALG_H
#define GAVEL_LINALG_H

#include <stddef.h>

/* sum a[i] * b[i] over i < n, in four interleaved partial sums. */
double linalg_dot(const double *a, const double *b, size_t n);

/* The Euclidean norm of v (n values). */
double linalg_norm(const double *v, size_t n);

/* The cross product of two blocks of dim columns of len values each
 * (column j of u at u + j * len), added to the lower triangle of h (row
 * stride ldh): h[j * ldh + k] += sum_i u_j[i] * t_k[i] for k <= j. With u
 * the columns of t scaled row by row by a weight, this is the weighted Gram
 * matrix t' diag(w) t that Newton's method and ridge need. len must be
 * even. The upper triangle is left alone. */
void linalg_gram_add(double *h, size_t ldh, const double *u, const double *t, size_t dim,
		     size_t len);

/* Copies the lower triangle of the n x n matrix a onto its upper one. */
void linalg_symmetrize(double *a, size_t n);

/* Factors the symmetric positive definite n x n matrix a (lower triangle
 * read) as L L', L written into l (n x n, lower triangle; the upper is
 * zeroed). Where a is not numerically positive definite, the smallest
 * damping lambda = 1e-12 * max diag * 10^k that makes a + lambda I factor
 * is used instead, and written to *damping (0 when none was needed).
 * Returns 0, or -1 when even a damping of the whole diagonal fails (a holds
 * NaN or infinity). */
int linalg_cholesky(const double *a, size_t n, double *l, double *damping);

/* Solves L L' x = b in place (b becomes x) with l from linalg_cholesky(). */
void linalg_cholesky_solve(const double *l, size_t n, double *b);

/* The eigenvalues (into values) and orthonormal eigenvectors (the columns
 * of vectors, n x n row-major) of the symmetric n x n matrix a, which is
 * destroyed, by cyclic Jacobi rotations: meant for small n (the classes of
 * a model), where it is exact to rounding and simple. */
void linalg_eigen(double *a, size_t n, double *values, double *vectors);

/* out = A v for the n x n matrix a conjugate-gradient solve works on,
 * which only ever sees it through this product. */
typedef void (*LinalgProduct)(void *ctx, const double *v, double *out);

/* Solves A x = b, A symmetric positive definite given by apply, by
 * conjugate gradients preconditioned by precondition (out = M^-1 v for a
 * symmetric positive definite M close to A), from x = 0, until
 * |b - A x| <= rtol |b| or max_iter products. work holds 4 n doubles.
 * Returns the number of products used. */
int linalg_pcg(size_t n, LinalgProduct apply, LinalgProduct precondition, void *ctx,
	       const double *b, double rtol, int max_iter, double *x, double *work);

#endif
