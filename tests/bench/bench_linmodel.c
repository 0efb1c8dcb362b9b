/* bench_linmodel.c - the linear scorer's fits and the pixel features, timed.
 * Built and run by tests/bench/bench_linmodel.sh, which runs scikit-learn on
 * the same data in the same run.
 *
 *   bench_linmodel gen KIND ROWS COLS CLASSES SEED PREFIX
 *       writes PREFIX.x (ROWS x COLS float64, row-major) and PREFIX.y: correlated
 *       normal features, targets from a linear model with noise (KIND
 *       logistic: CLASSES ordered classes 0..; ridge: a real value)
 *   bench_linmodel fit KIND PENALTY ROWS COLS PREFIX [REPEAT]
 *       loads them, fits (C or alpha = PENALTY, standardised) REPEAT times and
 *       prints one JSON line: wall and CPU seconds of the fastest fit alone,
 *       objective, gradient norm, iterations, and the memory the first fit
 *       added to the process's peak (KB, from getrusage)
 *   bench_linmodel images JOBS REPEAT FILE...
 *       images a second decoding to the 512 box alone, then decoding and
 *       measuring the 13 features, on JOBS threads, each file REPEAT times */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "src/base/rng.h"
#include "src/base/xalloc.h"
#include "src/img/features.h"
#include "src/score/linmodel.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of this thread: on a loaded machine wall time also counts
 * the other programs' turns. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* The resident set now, in KB, from /proc/self/statm. */
static long rss_kb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * 4;
}

static double normal(Rng *rng)
{
	return sqrt(-2 * log(rng_uniform(rng))) * cos(2 * M_PI * rng_uniform(rng));
}

static void write_file(const char *prefix, const char *ext, const double *v, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s%s", prefix, ext);
	f = fopen(path, "wb");
	if (!f || fwrite(v, sizeof *v, n, f) != n || fclose(f) != 0)
		xdie("cannot write %s", path);
}

static double *read_file(const char *prefix, const char *ext, size_t n)
{
	char path[4096];
	double *v = xmalloc(n * sizeof *v);
	FILE *f;

	snprintf(path, sizeof path, "%s%s", prefix, ext);
	f = fopen(path, "rb");
	if (!f || fread(v, sizeof *v, n, f) != n)
		xdie("cannot read %s", path);
	fclose(f);
	return v;
}

/* Features sharing a common factor (correlation about 0.3), means and
 * scales that differ, and a target that depends on all of them. */
static int generate(char **argv)
{
	size_t n = strtoul(argv[3], NULL, 10), d = strtoul(argv[4], NULL, 10);
	int classes = atoi(argv[5]), logistic = strcmp(argv[2], "logistic") == 0;
	double *x = xmalloc(n * d * sizeof *x), *y = xmalloc(n * sizeof *y), *w = xmalloc(d * 8);
	Rng rng;

	rng_seed(&rng, strtoull(argv[6], NULL, 10));
	for (size_t j = 0; j < d; j++)
		w[j] = normal(&rng) / sqrt((double)d);
	for (size_t i = 0; i < n; i++) {
		double common = normal(&rng), s = 0;

		for (size_t j = 0; j < d; j++) {
			double z = 0.55 * common + 0.83 * normal(&rng);

			x[i * d + j] = (double)j + (1 + (double)(j % 4)) * z;
			s += 1.5 * w[j] * z;
		}
		if (!logistic)
			y[i] = s + normal(&rng);
		else
			y[i] = floor((s + normal(&rng)) * classes / 4.0 + classes / 2.0);
		if (logistic)
			y[i] = y[i] < 0 ? 0 : y[i] > classes - 1 ? classes - 1 : y[i];
	}
	write_file(argv[7], ".x", x, n * d);
	write_file(argv[7], ".y", y, n);
	free(x), free(y), free(w);
	return 0;
}

/* Fits REPEAT times in this process (as the Python side does, so both
 * have warm caches and allocators) and keeps the fastest wall time, with
 * its CPU time; the memory figure is the first fit's. */
static int fit(int argc, char **argv)
{
	LinmodelKind kind;
	LinmodelParams p;
	size_t n = strtoul(argv[4], NULL, 10), d = strtoul(argv[5], NULL, 10);
	double *x = read_file(argv[6], ".x", n * d), *y = read_file(argv[6], ".y", n);
	double checksum = 0, best = INFINITY, best_cpu = 0;
	int repeat = argc > 7 ? atoi(argv[7]) : 1;
	long before, grown = 0;
	Linmodel m = { 0 };

	if (linmodel_kind_parse(argv[2], &kind) != STATUS_OK)
		return 2;
	p = linmodel_params(kind);
	p.C = p.alpha = strtod(argv[3], NULL);
	/* Read every value once first: on some virtual machines the first user
	 * touch of freshly read pages costs a fault each, which is the loading's
	 * cost, not the fit's (the Python side does the same). */
	for (size_t i = 0; i < n * d; i++)
		checksum += x[i];
	before = rss_kb();
	for (int r = 0; r < (repeat > 0 ? repeat : 1); r++) {
		double t0 = now(), c0 = cpu_now(), t, c;

		linmodel_free(&m);
		if (linmodel_fit(x, n, d, y, &p, &m) != STATUS_OK)
			xdie("fit: %s", status_detail());
		c = cpu_now() - c0, t = now() - t0;
		if (r == 0)
			grown = peak_kb() > before ? peak_kb() - before : 0;
		if (t < best)
			best = t, best_cpu = c;
	}
	printf("{\"checksum\": %.17g, \"seconds\": %.4f, \"cpu_seconds\": %.4f, "
	       "\"objective\": %.17g, \"grad_norm\": %.3g, \"iterations\": %d, "
	       "\"converged\": %d, \"fit_kb\": %ld}\n",
	       checksum, best, best_cpu, m.objective, m.grad_norm, m.iterations, m.converged, grown);
	linmodel_free(&m);
	free(x), free(y);
	return 0;
}

typedef struct {
	char **files;
	int nfiles, repeat, jobs, index, measure;
	long done;
} Work;

static void *image_worker(void *arg)
{
	Work *w = arg;

	for (int k = w->index; k < w->nfiles * w->repeat; k += w->jobs) {
		const char *path = w->files[k % w->nfiles];

		if (w->measure) {
			Features f;

			if (features_measure_file(path, &f) == STATUS_OK)
				w->done++;
		} else {
			ImgRGB im = { 0 };

			if (img_decode_file(path, FEATURES_DECODE_SIDE, FEATURES_DECODE_SIDE,
					    FEATURES_BACKGROUND, &im) == STATUS_OK)
				w->done++;
			img_rgb_free(&im);
		}
	}
	return NULL;
}

/* Images a second on jobs threads, decoding alone or decoding and measuring. */
static double images_rate(char **files, int nfiles, int repeat, int jobs, int measure)
{
	pthread_t *tid = xcalloc((size_t)jobs, sizeof *tid);
	Work *work = xcalloc((size_t)jobs, sizeof *work);
	double t0 = now(), t;
	long done = 0;

	for (int k = 0; k < jobs; k++) {
		work[k] = (Work){ files, nfiles, repeat, jobs, k, measure, 0 };
		pthread_create(&tid[k], NULL, image_worker, &work[k]);
	}
	for (int k = 0; k < jobs; k++) {
		pthread_join(tid[k], NULL);
		done += work[k].done;
	}
	t = now() - t0;
	free(tid), free(work);
	return (double)done / t;
}

static int images(int argc, char **argv)
{
	int jobs = atoi(argv[2]), repeat = atoi(argv[3]);
	double decode = images_rate(argv + 4, argc - 4, repeat, jobs, 0);
	double measure = images_rate(argv + 4, argc - 4, repeat, jobs, 1);

	printf("{\"jobs\": %d, \"decode_per_s\": %.1f, \"features_per_s\": %.1f, \"peak_kb\": %ld}\n",
	       jobs, decode, measure, peak_kb());
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 8 && strcmp(argv[1], "gen") == 0)
		return generate(argv);
	if ((argc == 7 || argc == 8) && strcmp(argv[1], "fit") == 0)
		return fit(argc, argv);
	if (argc >= 5 && strcmp(argv[1], "images") == 0)
		return images(argc, argv);
	fprintf(stderr, "usage: bench_linmodel gen KIND ROWS COLS CLASSES SEED PREFIX\n"
			"       bench_linmodel fit KIND PENALTY ROWS COLS PREFIX [REPEAT]\n"
			"       bench_linmodel images JOBS REPEAT FILE...\n");
	return 2;
}
