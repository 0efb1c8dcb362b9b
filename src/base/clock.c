/* clock.c - the monotonic and wall clocks of clock.h. */
#include "src/base/clock.h"

#include <time.h>

#include "src/base/xalloc.h"

/* clock_gettime fails only for a clock id the kernel lacks, and both ids here
 * are in POSIX and every Linux: a failure means a broken system. */
static struct timespec now(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		xdie("clock_gettime failed");
	return ts;
}

double clock_now_s(void)
{
	struct timespec ts = now(CLOCK_MONOTONIC);

	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t clock_now_us(void)
{
	struct timespec ts = now(CLOCK_MONOTONIC);

	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t clock_now_ms(void)
{
	struct timespec ts = now(CLOCK_MONOTONIC);

	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double clock_unix_s(void)
{
	struct timespec ts = now(CLOCK_REALTIME);

	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
