/* test_clock.c - the monotonic clock against nanosleep's guarantee (a sleep of
 * d takes at least d) and against itself (never backwards); the wall clock
 * against time(2), an independent reading of the same clock. */
#include <stdint.h>
#include <time.h>

#include "src/base/clock.h"
#include "tests/unit/test.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* A 120 ms sleep measures at least 120 ms on both units, and not absurdly
 * more (the machines are shared: allow two seconds of scheduling delay). */
static void measures_a_sleep(void)
{
	double s0 = clock_now_s();
	int64_t m0 = clock_now_ms();
	double ds;
	int64_t dm;

	sleep_ms(120);
	ds = clock_now_s() - s0;
	dm = clock_now_ms() - m0;
	CHECK(ds >= 0.120);
	CHECK(ds < 2.2);
	CHECK(dm >= 119); /* the ms reading truncates: one ms of slack */
	CHECK(dm < 2200);
}

/* Never backwards, even across a million consecutive readings. */
static void monotonic(void)
{
	double last = clock_now_s();
	int64_t last_ms = clock_now_ms();
	int backwards = 0;

	for (int i = 0; i < 1000000; i++) {
		double t = clock_now_s();
		int64_t ms = clock_now_ms();

		backwards += t < last || ms < last_ms;
		last = t, last_ms = ms;
	}
	CHECK_INT(backwards, 0);
}

/* The two readings of the monotonic clock agree on its origin. */
static void units_agree(void)
{
	double s = clock_now_s();
	int64_t ms = clock_now_ms();

	CHECK_NEAR((double)ms / 1000.0, s, 0.05);
}

/* The wall clock is time(2)'s clock, to the second, and it is a plausible
 * date: after 2024-01-01 (1704067200). */
static void wall_clock(void)
{
	time_t before = time(NULL);
	double now = clock_unix_s();
	time_t after = time(NULL);

	CHECK(now >= (double)before);
	CHECK(now < (double)after + 2.0); /* time() may read a coarser copy */
	CHECK(now > 1704067200.0);
}

int main(void)
{
	RUN(measures_a_sleep);
	RUN(monotonic);
	RUN(units_agree);
	RUN(wall_clock);
	return test_summary();
}
