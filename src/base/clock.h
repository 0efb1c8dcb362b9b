/* clock.h - time for two different jobs. Durations (how long a review took,
 * timeouts, backoff, frame pacing) come from the monotonic clock, which never
 * jumps when the wall clock is set or slewed by NTP; timestamps stored in the
 * database come from the wall clock. Never subtract one kind from the other. */
#ifndef GAVEL_CLOCK_H
#define GAVEL_CLOCK_H

#include <stdint.h>

/* Seconds on the monotonic clock (CLOCK_MONOTONIC) from an arbitrary origin,
 * with nanosecond resolution: only differences mean anything. Never fails. */
double clock_now_s(void);

/* The same clock in whole microseconds (key-to-frame timings). */
int64_t clock_now_us(void);

/* The same clock in whole milliseconds, for poll() timeouts and deadlines. */
int64_t clock_now_ms(void);

/* Seconds since the Unix epoch on the wall clock (CLOCK_REALTIME), with
 * nanosecond resolution: for timestamps that are stored or shown, never for
 * measuring a duration. */
double clock_unix_s(void);

#endif
