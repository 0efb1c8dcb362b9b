/* reviewapp.h - the review UI's state and the services its screens share.
 * ui/reviewui.c runs the loop (keys in, frames out); each screen is a
 * UiViewOps (ui/view.h): ui/reviewview.c, ui/linesview.c, ui/dashboard.c;
 * ui/reviewdraw.c draws the review screen and the frame around every view.
 * Nothing outside ui/ includes this. */
#ifndef GAVEL_REVIEWAPP_H
#define GAVEL_REVIEWAPP_H

#include <stdio.h>

#include "db/items.h"
#include "db/reviews.h"
#include "db/scorer.h"
#include "src/review/review.h"
#include "ui/accuracyjob.h"
#include "ui/gfx.h"
#include "ui/prefetch.h"
#include "ui/retrain.h"
#include "ui/tty.h"
#include "ui/view.h"

/* The smallest screen the layout works in. */
enum { MIN_COLS = 80, MIN_ROWS = 24 };

typedef struct {
	int too_small;
	int queue_w;            /* queue pane: columns 0..queue_w-1 */
	int img_x, img_cols;    /* image pane */
	int llm_x, llm_w;       /* LLM pane */
	int top, rows;          /* the panes' rows: top..top+rows-1 */
} Layout;

struct App {
	Db *db;
	ReviewSession *session;
	const char *db_name;
	const char *reviewer;
	TtyCaps caps;
	Prefetch *prefetch;
	Layout layout;

	/* the screen on top: the review screen, or one opened over it */
	const UiViewOps *view;
	void *view_state;

	/* the current item, loaded when the cursor lands on it */
	long long detail_item;
	DbItem item;
	DbPrediction prediction;
	char **notes;            /* "ana 2026-12-01 10:02: text", every note on the item */
	size_t note_count, note_capacity;
	int scroll;              /* LLM pane */

	/* the image on screen */
	int image_on_screen;     /* a sixel image is drawn in the pane */
	int image_pending;       /* the current image is not ready yet */
	char image_error[160];

	/* the scorer: its answer for the current item, the current model, and
	 * its refit in the background (ui/retrain.h) */
	DbScorerView scorer;
	DbScorerSummary model;
	Retrain *retrain;
	int retrain_every;       /* --retrain-every: refit after this many labels (0: on R only) */
	int labels_given;        /* accepts and overrides this session */

	/* the dashboard's Dawid-Skene fit, on a worker (ui/accuracyjob.h) */
	AccuracyJob *accuracy;

	char message[256];
	int message_is_error;
	int asking; /* the message is a question (app_read_choice): it may take the key line too */
	int answering; /* a question or a line is being answered: background results wait */

	/* the prompt lab's rerun or suggestion in the background (ui/labjob.h) */
	struct LabJob *lab_job;
	char lab_status[192]; /* its progress, on the status line */
	char lab_test[2][64]; /* the last suggestion's pair to compare on test */
	char lab_at[2][64];   /* the lab's selected and marked lines, kept over a comparison */
	int (*lab_price)(void *arg, const char *provider, double *in, double *out); /* or NULL */

	FILE *timing;            /* $GAVEL_TIMING: microseconds from each key to its frame */
	long long key_us;        /* when the last key came (clock_now_us), for timing */
	int renew_ms;            /* how long the terminal may be idle before claims are renewed */

	/* headless scripted runs */
	FILE *script;
	const char *dump_dir;
	int *pending_keys;       /* keys a script line gave, not yet handled */
	size_t pending_count, pending_next, pending_capacity;
};

/* ---- ui/reviewui.c: what the loop offers the screens ---- */

/* The status line's message (printf-style); error shows it in red. */
void app_message(App *app, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A one-line editor on the status line; 1 when Enter gave a value (UTF-8
 * in out), 0 when Esc or the end of input cancelled it. */
int app_prompt_line(App *app, const char *label, char *out, size_t size);

/* Shows question on the status line and returns the next key; 0 when gavel
 * is asked to stop (the end of a script, a signal). */
int app_read_choice(App *app, const char *question);

/* Opens view over the review screen with its state (the view owns it from
 * now on and frees it when it closes). Returns the reaction. */
int app_open_view(App *app, const UiViewOps *view, void *state);

/* Loads the item under the cursor when it changed; returns the reaction. */
int app_land(App *app);

/* Asks the image worker for the current and the upcoming pictures. */
void app_want_images(App *app);

/* Gives the background job its turn (curl's transfers, answers recorded);
 * 1 when the status line changed. A job that ended leaves its summary as
 * the message. */
int app_pump(App *app);

/* ---- ui/reviewview.c ---- */
/* Takes in a background refit that has ended: the new model's figures for
 * the title, the scorer's new answer for the current item, a message.
 * Returns the reaction (REACT_NONE when nothing ended). */
int reviewview_background(App *app);

/* ---- ui/reviewdraw.c ---- */
void reviewdraw_layout(App *app);
/* The frame of every view (title bar, status and key lines) around the
 * view's own drawing. */
void reviewdraw_frame(App *app, int repaint_image);
/* The review screen's panes, and its picture after doupdate(). */
void reviewdraw_review(App *app);
void reviewdraw_image(App *app);

/* The pieces the screens over the review screen's layout share (the
 * adjudication screen): */
/* the first entry of a list of count shown in the left pane, so that the
 * cursor stands a third of the way down; */
int reviewdraw_list_first(const App *app, int cursor, int count);
/* the two lines between the list, the image pane and the text pane; */
void reviewdraw_separators(App *app);
/* the picture of path in the image pane as half blocks, or a note saying
 * why there is none (no image, images off, loading, the error), wrapped;
 * sets app->image_pending and app->image_error; */
void reviewdraw_picture(App *app, const char *path);
/* and the sixel picture of path, written after doupdate() when it is ready
 * (sets app->image_on_screen). */
void reviewdraw_sixel(App *app, const char *path);

/* Lines down the text pane on the right, wrapped to its width, the first
 * skip of them scrolled off, none drawn below the pane. */
typedef struct {
	App *app;
	int y, skip, attr;
} PaneWriter;

/* A writer at the top of the text pane with skip lines scrolled off. */
PaneWriter reviewdraw_pane(App *app, int skip);
/* Writes text (cleaned and wrapped by ui/draw.c) in the curses attributes attr. */
void reviewdraw_pane_text(PaneWriter *w, int attr, const char *text);

#endif
