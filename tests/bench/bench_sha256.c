/* bench_sha256.c - hashing throughput of sha256_file, the hash import takes
 * of every image: bench_sha256 FILE [RUNS] prints the median seconds and
 * MB/s of RUNS (default 5) hashes of FILE, and its digest. Run by
 * bench_sha256.sh, which builds this file and times sha256sum beside it. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "src/base/sha256.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	double t[64];
	char hex[65];
	struct stat st;

	if (argc < 2 || runs < 1 || runs > 64 || stat(argv[1], &st) != 0) {
		fprintf(stderr, "usage: bench_sha256 FILE [RUNS <= 64]\n");
		return 2;
	}
	for (int i = 0; i < runs; i++) {
		double t0 = now_s();

		if (sha256_file(argv[1], hex) != STATUS_OK) {
			fprintf(stderr, "bench_sha256: %s\n", status_detail());
			return 1;
		}
		t[i] = now_s() - t0;
	}
	qsort(t, (size_t)runs, sizeof t[0], by_value);
	printf("%.4f %.1f %s\n", t[runs / 2], (double)st.st_size / 1e6 / t[runs / 2], hex);
	return 0;
}
