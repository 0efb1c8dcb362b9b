/* features.c - pixel measurements (see features.h). Everything works on one
 * luma plane in doubles, so that hand-computed values for solid colours and
 * checkerboards come out exactly, and in one fixed order, so that the same
 * image always gives the same bits. The 3x3 operators (Laplacian, Sobel,
 * Immerkaer's noise mask) run over interior pixels only: padding would
 * invent an edge or hide one at the frame. */
#include "src/img/features.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

static const char *const feature_names[] = {
	"exposure", "contrast", "saturation", "colourfulness", "sharpness_log10",
	"edge_density", "border_plainness", "clip_dark", "clip_bright", "noise",
	"off_centre", "resolution", "aspect_log2",
};

_Static_assert(sizeof feature_names / sizeof feature_names[0] == FEATURES_COUNT,
	       "one name per vector element");

/* The luma plane, 0..255, and the image's size. */
typedef struct {
	int w, h;
	double *y;
} Plane;

const char *const *features_names(void)
{
	return feature_names;
}

void features_to_vector(const Features *f, float *vec)
{
	const double v[] = {
		f->exposure, f->contrast, f->saturation, f->colourfulness,
		log10(1 + f->sharpness),
		f->edge_density, f->border_plainness, f->clip_dark, f->clip_bright,
		f->noise, f->off_centre, f->resolution,
		f->aspect >= 1 ? log2(f->aspect) : 0,
	};

	_Static_assert(sizeof v / sizeof v[0] == FEATURES_COUNT, "one value per name");

	for (int i = 0; i < FEATURES_COUNT; i++)
		vec[i] = (float)v[i];
}

static double luma_of(const unsigned char *p)
{
	return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
}

static double variance(double sum, double sum_sq, double n)
{
	double mean = sum / n, var = sum_sq / n - mean * mean;

	/* Rounding can leave a flat image a hair below zero. */
	return var > 0 ? var : 0;
}

/* Saturation, colourfulness and clipping: one pass over the pixels, sums
 * in doubles (262k pixels of 0..255 lose nothing). */
static void measure_colour(const ImgRGB *im, Features *f)
{
	double n = (double)im->width * im->height;
	double ssat = 0, dark = 0, bright = 0, srg = 0, srg2 = 0, syb = 0, syb2 = 0;

	for (long i = 0; i < (long)im->width * im->height; i++) {
		const unsigned char *p = im->pixels + 3 * i;
		double y = luma_of(p), rg = (double)p[0] - p[1];
		double yb = 0.5 * ((double)p[0] + p[1]) - p[2];
		int mx = p[0] > p[1] ? p[0] : p[1], mn = p[0] < p[1] ? p[0] : p[1];

		mx = mx > p[2] ? mx : p[2];
		mn = mn < p[2] ? mn : p[2];
		ssat += mx ? (double)(mx - mn) / mx : 0;
		dark += y <= FEATURES_CLIP_DARK + 1e-9;
		bright += y >= FEATURES_CLIP_BRIGHT - 1e-9;
		srg += rg, srg2 += rg * rg, syb += yb, syb2 += yb * yb;
	}
	f->saturation = ssat / n;
	f->clip_dark = dark / n;
	f->clip_bright = bright / n;
	f->colourfulness = sqrt(variance(srg, srg2, n) + variance(syb, syb2, n)) +
			   0.3 * sqrt((srg / n) * (srg / n) + (syb / n) * (syb / n));
}

/* Mean and standard deviation of luma in two passes, so that a flat image
 * has a contrast of 0 and not the rounding error of sum(y^2) - n mean^2. */
static void measure_tone(const Plane *pl, Features *f)
{
	long n = (long)pl->w * pl->h;
	double sum = 0, dev = 0, mean;

	for (long i = 0; i < n; i++)
		sum += pl->y[i];
	mean = sum / (double)n;
	for (long i = 0; i < n; i++)
		dev += (pl->y[i] - mean) * (pl->y[i] - mean);
	f->exposure = mean / 255;
	f->contrast = sqrt(dev / (double)n) / 255;
}

static void plane_make(const ImgRGB *im, Plane *pl)
{
	long n = (long)im->width * im->height;

	pl->w = im->width;
	pl->h = im->height;
	pl->y = xmalloc((size_t)n * sizeof *pl->y);
	for (long i = 0; i < n; i++)
		pl->y[i] = luma_of(im->pixels + 3 * i);
}

/* Variance of the Laplacian (Pech-Pacheco et al. 2000): blur removes the
 * high frequencies it responds to. */
static double laplacian_variance(const Plane *pl)
{
	double s = 0, ss = 0, n = 0;

	for (int y = 1; y < pl->h - 1; y++) {
		const double *r = pl->y + (long)y * pl->w;

		for (int x = 1; x < pl->w - 1; x++) {
			double l = r[x - 1] + r[x + 1] + r[x - pl->w] + r[x + pl->w] - 4 * r[x];

			s += l, ss += l * l, n++;
		}
	}
	return n ? variance(s, ss, n) : 0;
}

/* The Sobel magnitude at every interior pixel (0 on the frame), divided by 4
 * and by 255 so that a clean step of height h in 0..1 luma gives h. */
static double *sobel_plane(const Plane *pl)
{
	double *g = xcalloc((size_t)pl->w * pl->h, sizeof *g);

	for (int y = 1; y < pl->h - 1; y++) {
		const double *u = pl->y + (long)(y - 1) * pl->w, *r = u + pl->w, *d = r + pl->w;

		for (int x = 1; x < pl->w - 1; x++) {
			double gx = (u[x + 1] + 2 * r[x + 1] + d[x + 1]) -
				    (u[x - 1] + 2 * r[x - 1] + d[x - 1]);
			double gy = (d[x - 1] + 2 * d[x] + d[x + 1]) -
				    (u[x - 1] + 2 * u[x] + u[x + 1]);

			g[(long)y * pl->w + x] = sqrt(gx * gx + gy * gy) / (4 * 255.0);
		}
	}
	return g;
}

/* Edge density, and where the edges lie: the centroid of the edge pixels
 * weighted by their gradient. */
static void measure_edges(const Plane *pl, const double *g, Features *f)
{
	double edges = 0, n = 0, wsum = 0, wx = 0, wy = 0;

	for (int y = 1; y < pl->h - 1; y++) {
		for (int x = 1; x < pl->w - 1; x++) {
			double m = g[(long)y * pl->w + x];

			n++;
			if (m <= FEATURES_EDGE_THRESHOLD)
				continue;
			edges++;
			wsum += m;
			wx += m * ((x + 0.5) / pl->w - 0.5);
			wy += m * ((y + 0.5) / pl->h - 0.5);
		}
	}
	f->edge_density = n ? edges / n : 0;
	f->off_centre = wsum > 0 ? hypot(wx / wsum, wy / wsum) / sqrt(0.5) : 0;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void swap_double(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/* The value that would sit at index k of v[0..n-1] sorted: quickselect with a
 * median-of-three pivot and a three-way partition (a flat image's gradients
 * are mostly equal, which a two-way partition would make quadratic). Past
 * 2 log2(n) rounds the rest is sorted, so no input can make it quadratic.
 * The k-th smallest value is one number whatever the method, so this gives
 * the threshold the sort gave, at a third of its cost. */
static double select_kth(double *v, long n, long k)
{
	long lo = 0, hi = n - 1, rounds = 0, limit = 2;

	for (long m = n; m > 1; m >>= 1)
		limit += 2;
	while (hi > lo) {
		long lt = lo, gt = hi, i = lo, mid = lo + (hi - lo) / 2;
		double pivot;

		if (++rounds > limit) {
			qsort(v + lo, (size_t)(hi - lo + 1), sizeof *v, compare_double);
			return v[k];
		}
		if (v[mid] < v[lo])
			swap_double(&v[mid], &v[lo]);
		if (v[hi] < v[lo])
			swap_double(&v[hi], &v[lo]);
		if (v[hi] < v[mid])
			swap_double(&v[hi], &v[mid]);
		pivot = v[mid];
		/* v[lo..lt-1] < pivot, v[lt..i-1] == pivot, v[gt+1..hi] > pivot */
		while (i <= gt) {
			if (v[i] < pivot)
				swap_double(&v[lt++], &v[i++]);
			else if (v[i] > pivot)
				swap_double(&v[i], &v[gt--]);
			else
				i++;
		}
		if (k < lt)
			hi = lt - 1;
		else if (k > gt)
			lo = gt + 1;
		else
			return pivot;
	}
	return v[k];
}

/* The gradient at or below which FEATURES_NOISE_SHARE of the interior
 * pixels lie. */
static double flat_threshold(const Plane *pl, const double *g)
{
	long n = (long)(pl->w - 2) * (pl->h - 2), k = 0;
	double *v = xmalloc((size_t)n * sizeof *v), t;

	for (int y = 1; y < pl->h - 1; y++)
		for (int x = 1; x < pl->w - 1; x++)
			v[k++] = g[(long)y * pl->w + x];
	t = select_kth(v, n, (long)(FEATURES_NOISE_SHARE * (double)(n - 1)));
	free(v);
	return t;
}

/* Immerkaer's mask is the difference of two Laplacians: it cancels smooth
 * shading and straight edges and keeps what varies pixel to pixel. Taking
 * only the flattest pixels (Tai and Yang 2008 drop the edges likewise) keeps
 * texture from passing for noise. */
static double noise_sigma(const Plane *pl, const double *g)
{
	double t, sum = 0, n = 0;

	if (pl->w < 3 || pl->h < 3)
		return 0;
	t = flat_threshold(pl, g);
	for (int y = 1; y < pl->h - 1; y++) {
		const double *u = pl->y + (long)(y - 1) * pl->w, *r = u + pl->w, *d = r + pl->w;

		for (int x = 1; x < pl->w - 1; x++) {
			if (g[(long)y * pl->w + x] > t)
				continue;
			sum += fabs(u[x - 1] - 2 * u[x] + u[x + 1] - 2 * r[x - 1] + 4 * r[x] -
				    2 * r[x + 1] + d[x - 1] - 2 * d[x] + d[x + 1]);
			n++;
		}
	}
	return sqrt(M_PI / 2) * sum / (6 * n);
}

static int band_side(int side)
{
	int b = (int)lround(FEATURES_BORDER_SHARE * side);

	return b < 1 ? 1 : b;
}

static int in_band(const ImgRGB *im, int bx, int by, int x, int y)
{
	return x < bx || x >= im->width - bx || y < by || y >= im->height - by;
}

/* The mean colour of the band's most common 16x16x16 colour cell (the first
 * on a tie). The mean, not the cell, is what pixels are compared with, so a
 * backdrop that straddles a cell boundary still counts whole. */
static void band_mode_colour(const ImgRGB *im, int bx, int by, double mode[3])
{
	long *count = xcalloc(4096, sizeof *count), best = 0;
	double *sum = xcalloc(3 * 4096, sizeof *sum);

	for (int y = 0; y < im->height; y++) {
		for (int x = 0; x < im->width; x++) {
			const unsigned char *p = im->pixels + 3 * ((long)y * im->width + x);
			int cell = (p[0] >> 4) << 8 | (p[1] >> 4) << 4 | p[2] >> 4;

			if (!in_band(im, bx, by, x, y))
				continue;
			count[cell]++;
			for (int c = 0; c < 3; c++)
				sum[3 * cell + c] += p[c];
		}
	}
	for (int cell = 1; cell < 4096; cell++)
		if (count[cell] > count[best])
			best = cell;
	for (int c = 0; c < 3; c++)
		mode[c] = count[best] ? sum[3 * best + c] / (double)count[best] : 0;
	free(count);
	free(sum);
}

/* The share of the border band within FEATURES_PLAIN_TOLERANCE (on every
 * channel) of its most common colour. */
static double border_plainness(const ImgRGB *im)
{
	int bx = band_side(im->width), by = band_side(im->height);
	double mode[3], near = 0, n = 0;

	band_mode_colour(im, bx, by, mode);
	for (int y = 0; y < im->height; y++) {
		for (int x = 0; x < im->width; x++) {
			const unsigned char *p = im->pixels + 3 * ((long)y * im->width + x);

			if (!in_band(im, bx, by, x, y))
				continue;
			n++;
			near += fabs(p[0] - mode[0]) <= FEATURES_PLAIN_TOLERANCE &&
				fabs(p[1] - mode[1]) <= FEATURES_PLAIN_TOLERANCE &&
				fabs(p[2] - mode[2]) <= FEATURES_PLAIN_TOLERANCE;
		}
	}
	return near / n;
}

static void measure_size(int w, int h, Features *f)
{
	int lo = w < h ? w : h, hi = w < h ? h : w;

	f->width = w;
	f->height = h;
	f->resolution = log10((double)w * h / 1e6);
	f->aspect = (double)hi / lo;
}

Status features_measure(const ImgRGB *image, int orig_width, int orig_height, Features *out)
{
	Plane pl;
	double *grad;

	memset(out, 0, sizeof *out);
	if (!image || !image->pixels || image->width <= 0 || image->height <= 0)
		return status_fail(STATUS_ERR_INPUT, "cannot measure an empty image");
	if (orig_width <= 0 || orig_height <= 0)
		orig_width = image->width, orig_height = image->height;
	measure_colour(image, out);
	plane_make(image, &pl);
	measure_tone(&pl, out);
	grad = sobel_plane(&pl);
	out->sharpness = laplacian_variance(&pl);
	out->noise = noise_sigma(&pl, grad);
	measure_edges(&pl, grad, out);
	out->border_plainness = border_plainness(image);
	free(grad);
	free(pl.y);
	measure_size(orig_width, orig_height, out);
	out->measured_width = image->width;
	out->measured_height = image->height;
	return STATUS_OK;
}

Status features_measure_file(const char *path, Features *out)
{
	ImgInfo info;
	ImgRGB image = { 0 };
	Status st;

	memset(out, 0, sizeof *out);
	st = img_probe_file(path, &info);
	if (st != STATUS_OK)
		return st;
	st = img_decode_file(path, FEATURES_DECODE_SIDE, FEATURES_DECODE_SIDE,
			     FEATURES_BACKGROUND, &image);
	if (st != STATUS_OK)
		return st;
	st = features_measure(&image, info.width, info.height, out);
	img_rgb_free(&image);
	return st;
}
