/* progress.h - the one progress display of the long commands (import,
 * label, and later features, train, score, export): a bar redrawn in place
 * on a terminal, a plain line every ten seconds in a log, nothing when
 * quiet. Text from a file or a user is cleaned before it is shown. */
#ifndef GAVEL_PROGRESS_H
#define GAVEL_PROGRESS_H

typedef struct {
	const char *what;   /* "label: run 3", "importing samples/": cleaned when shown */
	int tty, quiet;
	double started;     /* monotonic seconds */
	double last_shown, last_line;
	int on_screen;      /* a bar is drawn on the terminal's last line */
} Progress;

/* Starts a display on stderr: a bar when stderr is a terminal, else plain
 * lines; nothing at all when quiet. */
void progress_start(Progress *p, const char *what, int quiet);

/* Shows done of total (total <= 0: unknown, a count alone), with the rate,
 * the time left and extra (NULL or "ok 3  failed 1"). At most five times a
 * second on a terminal, every ten seconds otherwise; force shows it now. */
void progress_show(Progress *p, long long done, long long total, const char *extra, int force);

/* Clears the bar, so that other output starts on a clean line. */
void progress_clear(Progress *p);

#endif
