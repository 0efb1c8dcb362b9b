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
} ReviewUiOptions;

/* Runs the review UI over a new session; returns a CLI exit status. */
int reviewui_run(Db *db, const ReviewOptions *options, const ReviewUiOptions *ui);

#endif
