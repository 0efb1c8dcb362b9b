/* reviewapp.h - the review UI's state, shared by ui/reviewui.c (the loop
 * and the commands) and ui/reviewdraw.c (drawing). Nothing else includes it. */
#ifndef GAVEL_REVIEWAPP_H
#define GAVEL_REVIEWAPP_H

#include <stdio.h>

#include "db/items.h"
#include "db/reviews.h"
#include "src/review/review.h"
#include "ui/dashboard.h"
#include "ui/gfx.h"
#include "ui/prefetch.h"
#include "ui/tty.h"

/* What a handler changed; the loop decides what to redraw (htop's reactions). */
enum {
	REACT_NONE = 0,
	REACT_TEXT = 1,  /* redraw the text */
	REACT_IMAGE = 2, /* the image pane must be repainted and the image drawn again */
	REACT_QUIT = 4,
};

typedef enum { VIEW_REVIEW, VIEW_HELP, VIEW_HISTORY, VIEW_DASHBOARD } View;

/* The smallest screen the layout works in. */
enum { MIN_COLS = 80, MIN_ROWS = 24 };

typedef struct {
	int too_small;
	int queue_w;            /* queue pane: columns 0..queue_w-1 */
	int img_x, img_cols;    /* image pane */
	int llm_x, llm_w;       /* LLM pane */
	int top, rows;          /* the panes' rows: top..top+rows-1 */
} Layout;

typedef struct {
	Db *db;
	ReviewSession *session;
	const char *db_name;
	const char *reviewer;
	TtyCaps caps;
	Prefetch *prefetch;
	Layout layout;
	View view;

	/* the current item, loaded when the cursor lands on it */
	long long detail_item;
	DbItem item;
	DbPrediction prediction;
	char verdict[8];         /* "", "flawed" or "sound": goes with the next decision */
	int scroll;              /* LLM pane */

	/* the image on screen */
	int image_on_screen;     /* a sixel image is drawn in the pane */
	int image_pending;       /* the current image is not ready yet */
	char image_error[160];

	Dashboard *dashboard;    /* VIEW_DASHBOARD */

	/* overlays (help, history): lines and a scroll offset */
	char **lines;
	int line_count, line_scroll;

	char message[256];
	int message_is_error;

	FILE *timing;            /* $GAVEL_TIMING: microseconds from each key to its frame */

	/* headless scripted runs */
	FILE *script;
	const char *dump_dir;
	int *pending_keys;       /* keys a script line gave, not yet handled */
	size_t pending_count, pending_next, pending_capacity;
} App;

/* ui/reviewdraw.c */
void reviewdraw_layout(App *app);
void reviewdraw_all(App *app, int repaint_image);
/* After doupdate(): draws the sixel image when it is ready and was repainted. */
void reviewdraw_image(App *app, int repaint_image);
void reviewdraw_lines_add(App *app, const char *line);
void reviewdraw_lines_clear(App *app);

#endif
