/* test_metric.h - checks shared by the tests of the metrics modules. */
#ifndef GAVEL_TEST_METRIC_H
#define GAVEL_TEST_METRIC_H

#include "src/agree/metrics.h"
#include "tests/unit/test.h"

/* v is undefined, reads 0 and its reason mentions why_part. */
static inline void check_undefined(MetricValue v, const char *why_part)
{
	CHECK(!v.defined);
	CHECK(v.value == 0);
	CHECK(v.why != NULL && strstr(v.why, why_part) != NULL);
	if (v.why && !strstr(v.why, why_part))
		fprintf(stderr, "  why is \"%s\", want it to mention \"%s\"\n", v.why, why_part);
}

/* v is defined and within tol of want. */
static inline void check_value(MetricValue v, double want, double tol)
{
	CHECK(v.defined);
	if (!v.defined)
		fprintf(stderr, "  undefined: %s (want %.10g)\n", v.why ? v.why : "?", want);
	else
		CHECK_NEAR(v.value, want, tol);
}

#endif
