/* linalg.c - dense kernels for the linear models (see linalg.h). The dot
 * product and the cross-product tile have two versions, 16-byte vectors
 * (GCC, Clang) and scalars (elsewhere, or built with -DLINALG_SCALAR to
 * check), which perform the same sums in the same order: the bits agree. */
#include "src/score/linalg.h"

#include <math.h>
#include <string.h>

#if defined(__GNUC__) && !defined(LINALG_SCALAR)
typedef double Pair __attribute__((vector_size(16)));

static Pair pair_load(const double *p)
{
	Pair v;

	memcpy(&v, p, sizeof v);
	return v;
}
#endif

/* Four partial sums, element i going to sum i mod 4, added as (s0 + s1) +
 * (s2 + s3); under GCC and Clang the pairs (s0, s1) and (s2, s3) are two
 * 16-byte vectors, the same sums in the same order. */
double linalg_dot(const double *a, const double *b, size_t n)
{
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	size_t i = 0;
#if defined(__GNUC__) && !defined(LINALG_SCALAR)
	Pair lo = { 0, 0 }, hi = { 0, 0 };

	for (; i + 4 <= n; i += 4) {
		lo += pair_load(a + i) * pair_load(b + i);
		hi += pair_load(a + i + 2) * pair_load(b + i + 2);
	}
	s0 = lo[0], s1 = lo[1], s2 = hi[0], s3 = hi[1];
#else
	for (; i + 4 <= n; i += 4) {
		s0 += a[i] * b[i];
		s1 += a[i + 1] * b[i + 1];
		s2 += a[i + 2] * b[i + 2];
		s3 += a[i + 3] * b[i + 3];
	}
#endif
	for (; i < n; i++)
		s0 += a[i] * b[i];
	return (s0 + s1) + (s2 + s3);
}

double linalg_norm(const double *v, size_t n)
{
	double scale = 0, sum = 0;

	/* Scaled so that a gradient of 1e200 (a diverging fit) still has a
	 * finite norm. */
	for (size_t i = 0; i < n; i++)
		if (fabs(v[i]) > scale)
			scale = fabs(v[i]);
	if (scale == 0 || !isfinite(scale))
		return scale;
	for (size_t i = 0; i < n; i++)
		sum += (v[i] / scale) * (v[i] / scale);
	return scale * sqrt(sum);
}

/* One 2 x 2 tile of the cross product, rows j, j + 1 of u against columns
 * k, k + 1 of t, each entry in two partial sums (even and odd i) added at
 * the end. GCC and Clang get the two sums as one 16-byte vector, which
 * doubles the speed (8 against 4 G multiply-adds a second here); other
 * compilers run the same sums in the same order, so the bits agree. */
#if defined(__GNUC__) && !defined(LINALG_SCALAR)
static void gram_tile(double out[4], const double *u0, const double *u1, const double *t0,
		      const double *t1, size_t len)
{
	Pair a = { 0, 0 }, b = { 0, 0 }, c = { 0, 0 }, d = { 0, 0 };

	for (size_t i = 0; i < len; i += 2) {
		Pair x0 = pair_load(u0 + i), x1 = pair_load(u1 + i);
		Pair y0 = pair_load(t0 + i), y1 = pair_load(t1 + i);

		a += x0 * y0, b += x0 * y1, c += x1 * y0, d += x1 * y1;
	}
	out[0] = a[0] + a[1], out[1] = b[0] + b[1], out[2] = c[0] + c[1], out[3] = d[0] + d[1];
}
#else
static void gram_tile(double out[4], const double *u0, const double *u1, const double *t0,
		      const double *t1, size_t len)
{
	double a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0, d0 = 0, d1 = 0;

	for (size_t i = 0; i < len; i += 2) {
		a0 += u0[i] * t0[i], a1 += u0[i + 1] * t0[i + 1];
		b0 += u0[i] * t1[i], b1 += u0[i + 1] * t1[i + 1];
		c0 += u1[i] * t0[i], c1 += u1[i + 1] * t0[i + 1];
		d0 += u1[i] * t1[i], d1 += u1[i + 1] * t1[i + 1];
	}
	out[0] = a0 + a1, out[1] = b0 + b1, out[2] = c0 + c1, out[3] = d0 + d1;
}
#endif

void linalg_gram_add(double *h, size_t ldh, const double *u, const double *t, size_t dim,
		     size_t len)
{
	size_t j = 0;

	for (; j + 2 <= dim; j += 2) {
		double *h0 = h + j * ldh, *h1 = h0 + ldh;

		for (size_t k = 0; k <= j; k += 2) {
			double tile[4];

			gram_tile(tile, u + j * len, u + (j + 1) * len, t + k * len,
				  t + (k + 1) * len, len);
			h0[k] += tile[0];
			if (k + 1 <= j)
				h0[k + 1] += tile[1];
			h1[k] += tile[2];
			h1[k + 1] += tile[3];
		}
	}
	for (size_t k = 0; j < dim && k <= j; k++)
		h[j * ldh + k] += linalg_dot(u + j * len, t + k * len, len);
}

void linalg_symmetrize(double *a, size_t n)
{
	for (size_t j = 0; j < n; j++)
		for (size_t k = 0; k < j; k++)
			a[k * n + j] = a[j * n + k];
}

/* Plain Cholesky of a + lambda I; 0 when every pivot is positive. */
static int cholesky_try(const double *a, size_t n, double lambda, double *l)
{
	memset(l, 0, n * n * sizeof *l);
	for (size_t j = 0; j < n; j++) {
		double d = a[j * n + j] + lambda - linalg_dot(l + j * n, l + j * n, j);

		if (!(d > 0) || !isfinite(d))
			return -1;
		l[j * n + j] = sqrt(d);
		for (size_t i = j + 1; i < n; i++)
			l[i * n + j] = (a[i * n + j] - linalg_dot(l + i * n, l + j * n, j)) /
				       l[j * n + j];
	}
	return 0;
}

int linalg_cholesky(const double *a, size_t n, double *l, double *damping)
{
	double top = 0;

	*damping = 0;
	if (cholesky_try(a, n, 0, l) == 0)
		return 0;
	for (size_t j = 0; j < n; j++)
		top = fabs(a[j * n + j]) > top ? fabs(a[j * n + j]) : top;
	if (!isfinite(top))
		return -1;
	for (double lambda = 1e-12 * (top > 0 ? top : 1); lambda <= 1e3 * (top > 0 ? top : 1);
	     lambda *= 10)
		if (cholesky_try(a, n, lambda, l) == 0) {
			*damping = lambda;
			return 0;
		}
	return -1;
}

void linalg_cholesky_solve(const double *l, size_t n, double *b)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (b[i] - linalg_dot(l + i * n, b, i)) / l[i * n + i];
	for (size_t i = n; i-- > 0;) {
		double s = b[i];

		for (size_t k = i + 1; k < n; k++)
			s -= l[k * n + i] * b[k];
		b[i] = s / l[i * n + i];
	}
}

/* One Jacobi rotation zeroing a[p][q], applied to a and to the
 * eigenvector columns v. */
static void jacobi_rotate(double *a, size_t n, size_t p, size_t q, double *v)
{
	double theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q]);
	double t = (theta >= 0 ? 1 : -1) / (fabs(theta) + sqrt(theta * theta + 1));
	double c = 1 / sqrt(t * t + 1), s = t * c;

	for (size_t k = 0; k < n; k++) { /* columns p and q */
		double akp = a[k * n + p], akq = a[k * n + q];

		a[k * n + p] = c * akp - s * akq, a[k * n + q] = s * akp + c * akq;
	}
	for (size_t k = 0; k < n; k++) { /* rows p and q */
		double apk = a[p * n + k], aqk = a[q * n + k];

		a[p * n + k] = c * apk - s * aqk, a[q * n + k] = s * apk + c * aqk;
	}
	for (size_t k = 0; k < n; k++) {
		double vkp = v[k * n + p], vkq = v[k * n + q];

		v[k * n + p] = c * vkp - s * vkq, v[k * n + q] = s * vkp + c * vkq;
	}
}

void linalg_eigen(double *a, size_t n, double *values, double *vectors)
{
	for (size_t k = 0; k < n * n; k++)
		vectors[k] = k % (n + 1) == 0;
	for (int sweep = 0; sweep < 50; sweep++) {
		double off = 0, scale = 0;

		for (size_t p = 0; p < n; p++)
			for (size_t q = 0; q < n; q++)
				*(p == q ? &scale : &off) += a[p * n + q] * a[p * n + q];
		if (off <= 1e-30 * scale || off == 0)
			break;
		for (size_t p = 0; p < n; p++)
			for (size_t q = p + 1; q < n; q++)
				if (a[p * n + q] != 0)
					jacobi_rotate(a, n, p, q, vectors);
	}
	for (size_t k = 0; k < n; k++)
		values[k] = a[k * n + k];
}

int linalg_pcg(size_t n, LinalgProduct apply, LinalgProduct precondition, void *ctx,
	       const double *b, double rtol, int max_iter, double *x, double *work)
{
	double *r = work, *z = work + n, *p = work + 2 * n, *ap = work + 3 * n;
	double goal = rtol * linalg_norm(b, n), rz;
	int it = 0;

	memset(x, 0, n * sizeof *x);
	memcpy(r, b, n * sizeof *r);
	precondition(ctx, r, z);
	memcpy(p, z, n * sizeof *p);
	rz = linalg_dot(r, z, n);
	while (it < max_iter && linalg_norm(r, n) > goal) {
		double pap, alpha, rz_next;

		apply(ctx, p, ap), it++;
		pap = linalg_dot(p, ap, n);
		if (!(pap > 0))
			break; /* rounding has made the direction useless */
		alpha = rz / pap;
		for (size_t k = 0; k < n; k++)
			x[k] += alpha * p[k], r[k] -= alpha * ap[k];
		precondition(ctx, r, z);
		rz_next = linalg_dot(r, z, n);
		for (size_t k = 0; k < n; k++)
			p[k] = z[k] + rz_next / rz * p[k];
		rz = rz_next;
	}
	return it;
}
