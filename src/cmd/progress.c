/* progress.c - the progress bar and its plain-line twin. */
#include "src/cmd/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "src/base/clock.h"
#include "src/base/out.h"
#include "src/base/xalloc.h"

enum { BAR = 20 };

static const double TTY_EVERY_S = 0.2, LINE_EVERY_S = 10;

void progress_start(Progress *p, const char *what, int quiet)
{
	*p = (Progress){.what = what, .tty = isatty(2), .quiet = quiet, .started = clock_now_s()};
}

void progress_clear(Progress *p)
{
	if (p->on_screen)
		out_control(stderr, "\r\033[K");
	p->on_screen = 0;
}

/* "12:05" left at this rate, or "--:--" before there is a rate. */
static void time_left(char *out, size_t size, long long done, long long total, double rate)
{
	long left;
	if (rate <= 0 || total <= 0 || done >= total) {
		snprintf(out, size, "--:--");
		return;
	}
	left = (long)((double)(total - done) / rate);
	snprintf(out, size, "%ld:%02ld", left / 60, left % 60);
}

void progress_show(Progress *p, long long done, long long total, const char *extra, int force)
{
	double now = clock_now_s(), elapsed = now - p->started;
	double rate = elapsed > 0 ? (double)done / elapsed : 0;
	char *what, left[32], bar[BAR + 1];
	if (p->quiet || (!force && now - p->last_shown < (p->tty ? TTY_EVERY_S : LINE_EVERY_S)))
		return;
	p->last_shown = now;
	what = xstrdup(p->what);
	time_left(left, sizeof left, done, total, rate);
	if (!p->tty) {
		if (total > 0)
			out_printf(stderr, "%s: %lld/%lld done, %.1f/s%s%s\n", what, done, total, rate,
				   extra ? ", " : "", extra ? extra : "");
		else
			out_printf(stderr, "%s: %lld done, %.1f/s\n", what, done, rate);
	} else if (total > 0) {
		int filled = (int)(BAR * (done < total ? done : total) / total);
		for (int i = 0; i < BAR; i++)
			bar[i] = i < filled ? '#' : '-';
		bar[BAR] = '\0';
		out_control(stderr, "\r\033[K");
		out_printf(stderr, "%s [%s] %lld/%lld %3d%% %6.1f/s ETA %s%s%s", what, bar, done, total,
			   (int)(100 * done / total), rate, left, extra ? "  " : "", extra ? extra : "");
		p->on_screen = 1;
	} else {
		out_control(stderr, "\r\033[K");
		out_printf(stderr, "%s: %lld", what, done);
		p->on_screen = 1;
	}
	free(what);
}
