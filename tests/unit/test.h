/* test.h - the unit-test harness: one file per module, each a main() that runs
 * its cases and ends with "N passed, N failed" (chafa tests/term-info-test.c). */
#ifndef GAVEL_TEST_H
#define GAVEL_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

/* One assertion; failing ones print where and what. */
#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (cond) {                                                             \
			test_passed++;                                                  \
		} else {                                                                \
			test_failed++;                                                  \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                       \
	} while (0)

#define CHECK_INT(got, want)                                                                       \
	do {                                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		if (g_ == w_) {                                                                    \
			test_passed++;                                                             \
		} else {                                                                           \
			test_failed++;                                                             \
			fprintf(stderr, "FAIL %s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, \
				#got, g_, w_);                                                     \
		}                                                                                  \
	} while (0)

#define CHECK_STR(got, want)                                                                 \
	do {                                                                                 \
		const char *g_ = (got), *w_ = (want);                                        \
		if (g_ && w_ && strcmp(g_, w_) == 0) {                                       \
			test_passed++;                                                       \
		} else {                                                                     \
			test_failed++;                                                       \
			fprintf(stderr, "FAIL %s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, \
				__LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");     \
		}                                                                            \
	} while (0)

#define CHECK_NEAR(got, want, tol)                                                         \
	do {                                                                               \
		double g_ = (got), w_ = (want);                                            \
		if (fabs(g_ - w_) <= (tol)) {                                              \
			test_passed++;                                                     \
		} else {                                                                   \
			test_failed++;                                                     \
			fprintf(stderr, "FAIL %s:%d: %s is %.10g, want %.10g\n", __FILE__, \
				__LINE__, #got, g_, w_);                                   \
		}                                                                          \
	} while (0)

/* Runs one case function and names it when it failed something. */
#define RUN(fn)                                                             \
	do {                                                                \
		int before_ = test_failed;                                  \
		fn();                                                       \
		if (test_failed != before_)                                 \
			fprintf(stderr, "  in %s\n", #fn);                  \
	} while (0)

/* The closing line CI reads; the exit status says whether all passed. */
static inline int test_summary(void)
{
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed ? 1 : 0;
}

#endif
