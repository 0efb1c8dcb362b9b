/* clock.h - time: monotonic for durations, wall clock for timestamps. */
#ifndef GAVEL_CLOCK_H
#define GAVEL_CLOCK_H

/* Seconds on the monotonic clock (durations; never steps with NTP). */
double clock_now_s(void);

/* Microseconds on the monotonic clock (key-to-frame timings). */
long long clock_now_us(void);

/* Milliseconds on the monotonic clock. */
long long clock_now_ms(void);

/* Seconds since the Unix epoch on the wall clock (stored timestamps). */
double clock_unix_s(void);

#endif
