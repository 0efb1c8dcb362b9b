/* reviewui.h - the full-screen review UI. */
#ifndef GAVEL_REVIEWUI_H
#define GAVEL_REVIEWUI_H

#include "db/database.h"
#include "src/review/review.h"

typedef struct {
	const char *graphics;   /* --graphics: sixel, blocks, none; NULL: detect */
	const char *script;     /* headless: keys and commands from this file */
	const char *dump_dir;   /* headless: where "dump NAME" writes NAME.txt */
	int cols, rows;         /* headless screen size */
	int retrain_every;      /* refit the scorer after this many labels (0: only on a key) */
	/* the prompt lab's prices for labellers whose runs stored none (the
	 * settings file's, as `gavel prompts list` takes them); NULL: none */
	int (*price)(void *arg, const char *provider, double *in, double *out);
} ReviewUiOptions;

/* How a session ended, for the command's last line. */
typedef struct {
	long long mine, items; /* items the reviewer has decided, of all */
	int signalled;         /* SIGTERM, SIGHUP or SIGINT ended it */
} ReviewUiResult;

/* Runs the review UI over a new session until the reviewer quits, the
 * script ends or a signal arrives. STATUS_ERR_USAGE when there is no
 * terminal (and no script) or --graphics is wrong; otherwise the status of
 * opening the session. Every decision is committed as it is made. */
Status reviewui_run(Db *db, const ReviewOptions *options, const ReviewUiOptions *ui,
		    ReviewUiResult *result);

#endif
