/* reviewdraw.c - drawing the review screen and its overlays. Text goes
 * through ui/draw.c (cleaned, measured by display width); the sixel image is
 * written after curses has drawn, into a pane curses keeps blank. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <cJSON.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"
#include "ui/draw.h"
#include "db/lab.h"
#include "src/agree/consistency.h"
#include "ui/reviewapp.h"
#include "ui/keys.h"
#include "ui/screen.h"

enum { VOTES_SHOWN = 100 };
enum { PAIR_TITLE = 1, PAIR_ACCEPT, PAIR_OVERRIDE, PAIR_DIM, PAIR_ERROR, PAIR_CURSOR };

/* Added to the title bar when its colour pair has no colours (NO_COLOR). */
static int pair_title_attr;

/* A title longer than this many lines is cut in the pane (i shows it all). */
enum { TITLE_LINES = 3 };

/* The text's colours, each a pair. With NO_COLOR set (no-color.org) every
 * pair is the terminal's own colours: bold and reverse still mark what they
 * mark, and pictures, which are what is judged, keep theirs. */
static void init_pairs(void)
{
	static const struct {
		short pair, fg, bg;
	} pairs[] = {
		{PAIR_TITLE, COLOR_BLACK, COLOR_CYAN}, {PAIR_ACCEPT, COLOR_GREEN, -1},
		{PAIR_OVERRIDE, COLOR_YELLOW, -1},     {PAIR_DIM, COLOR_BLUE, -1},
		{PAIR_ERROR, COLOR_RED, -1},           {PAIR_CURSOR, COLOR_BLACK, COLOR_WHITE},
	};
	static int done;
	const char *no_color = getenv("NO_COLOR");
	int plain = no_color && *no_color;
	if (done || !has_colors())
		return;
	done = 1;
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		init_pair(pairs[i].pair, plain ? -1 : pairs[i].fg, plain ? -1 : pairs[i].bg);
	if (plain)
		pair_title_attr = A_REVERSE; /* the title bar stands out without colour */
}

void reviewdraw_layout(App *app)
{
	Layout *l = &app->layout;
	memset(l, 0, sizeof *l);
	l->too_small = COLS < MIN_COLS || LINES < MIN_ROWS;
	l->queue_w = COLS >= 120 ? 24 : 20;
	l->llm_w = (COLS - l->queue_w) * 2 / 5;
	if (l->llm_w < 34)
		l->llm_w = 34;
	l->img_x = l->queue_w + 1;
	l->img_cols = COLS - l->queue_w - l->llm_w - 2;
	l->llm_x = l->img_x + l->img_cols + 1;
	l->top = 1;
	/* the title above, the status and key-hint lines below: images never
	 * reach the last row, so they can never scroll the screen */
	l->rows = LINES - 3;
}

/* ---- pieces ---- */

static const char *label_name(App *app, int value)
{
	const DbScale *scale = review_scale(app->session);
	return value >= 1 && value <= scale->count ? scale->names[value - 1] : "?";
}

/* " · scorer κw 0.62 (n=340)", " · scorer refitting…", or "" without a model. */
static void scorer_title(App *app, char *out, size_t size)
{
	if (retrain_busy(app->retrain))
		snprintf(out, size, " · scorer refitting…");
	else if (!app->model.id)
		out[0] = '\0';
	else if (app->model.has_kappa)
		snprintf(out, size, " · scorer κw %.2f (n=%lld)", app->model.kappa, app->model.rows);
	else
		snprintf(out, size, " · scorer κw – (n=%lld)", app->model.rows);
}

static void draw_title(App *app)
{
	char left[512], right[224], kw[48], scorer[64];
	const DbQueueCounts *c = review_progress(app->session);
	long pairs;
	MetricValue kappa = review_kappa(app->session, &pairs);
	const char *prompt = app->prediction.prompt_name ? app->prediction.prompt_name
			     : app->prediction.provider ? app->prediction.provider : "-";
	const char *hash = app->prediction.prompt_hash ? app->prediction.prompt_hash : "";
	snprintf(left, sizeof left, " gavel · %s · prompt %s%s%.6s%s · %s", app->db_name, prompt,
		 *hash ? " (" : "", hash, *hash ? ")" : "", app->reviewer);
	scorer_title(app, scorer, sizeof scorer);
	/* one meaning each (docs/review.md): yours, everyone's, your agreement,
	 * the scorer's cross-validated agreement and the labels it learnt from */
	if (kappa.defined)
		snprintf(kw, sizeof kw, "%.2f (n=%ld)", kappa.value, pairs);
	else
		snprintf(kw, sizeof kw, "–");
	snprintf(right, sizeof right, "you %lld · %lld/%lld reviewed · your κw %s%s ", c->mine,
		 c->reviewed, c->items, kw, scorer);
	attron(COLOR_PAIR(PAIR_TITLE) | pair_title_attr);
	move(0, 0);
	for (int x = 0; x < COLS; x++)
		addch(' ');
	draw_text(stdscr, 0, 0, COLS - draw_width(right) - 1, left, 0);
	draw_text(stdscr, 0, COLS - draw_width(right), draw_width(right), right, 0);
	attroff(COLOR_PAIR(PAIR_TITLE) | pair_title_attr);
}

/* "·", "✓ 4", "✗ 2→3", "s": what happened to an entry. */
static void entry_state(App *app, const ReviewEntry *e, char *out, size_t size, int *pair)
{
	*pair = 0;
	(void)app;
	switch (e->mine.decision) {
	case DB_DECISION_ACCEPT:
		snprintf(out, size, "✓ %d", e->mine.label);
		*pair = PAIR_ACCEPT;
		return;
	case DB_DECISION_OVERRIDE:
		if (e->llm_label && !e->blind)
			snprintf(out, size, "✗ %d→%d", e->llm_label, e->mine.label);
		else
			snprintf(out, size, "● %d", e->mine.label);
		*pair = PAIR_OVERRIDE;
		return;
	case DB_DECISION_SKIP:
		snprintf(out, size, "s");
		*pair = PAIR_DIM;
		return;
	case DB_DECISION_NONE: case DB_DECISION_NOTE: case DB_DECISION_VERDICT:
	case DB_DECISION_RETRACT:
	case DB_DECISION_ADJUDICATE: snprintf(out, size, "·"); return;
	}
}

int reviewdraw_list_first(const App *app, int cursor, int count)
{
	int first = cursor - app->layout.rows / 3;
	if (first > count - app->layout.rows)
		first = count - app->layout.rows;
	return first < 0 ? 0 : first;
}

static void draw_queue(App *app)
{
	const Layout *l = &app->layout;
	int count = review_count(app->session), cursor = review_cursor(app->session);
	int first = reviewdraw_list_first(app, cursor, count);
	for (int row = 0; row < l->rows; row++) {
		const ReviewEntry *e = review_peek(app->session, first + row);
		char state[32];
		int pair, y = l->top + row, width;
		if (!e) {
			if (first + row == count && cursor == count)
				draw_text(stdscr, y, 0, l->queue_w, ">(end)", 0);
			continue;
		}
		entry_state(app, e, state, sizeof state, &pair);
		width = draw_width(state);
		if (first + row == cursor)
			attron(A_REVERSE);
		mvaddstr(y, 0, first + row == cursor ? ">" : " ");
		draw_text(stdscr, y, 1, l->queue_w - width - 3, e->external_id, 1);
		mvaddch(y, l->queue_w - width - 2, ' ');
		if (pair && first + row != cursor)
			attron(COLOR_PAIR(pair));
		draw_text(stdscr, y, l->queue_w - width - 1, width + 1, state, 1);
		attroff(COLOR_PAIR(pair) | A_REVERSE);
	}
}

void reviewdraw_separators(App *app)
{
	const Layout *l = &app->layout;
	for (int row = 0; row < l->rows; row++) {
		mvadd_wch(l->top + row, l->queue_w, WACS_VLINE);
		mvadd_wch(l->top + row, l->llm_x - 1, WACS_VLINE);
	}
}

/* ---- the LLM pane: a list of lines, scrolled ---- */

PaneWriter reviewdraw_pane(App *app, int skip)
{
	return (PaneWriter){ .app = app, .y = app->layout.top, .skip = skip };
}

static void pane_line(void *arg, const char *text)
{
	PaneWriter *w = arg;
	const Layout *l = &w->app->layout;
	if (w->skip > 0) {
		w->skip--;
		return;
	}
	if (w->y >= l->top + l->rows)
		return;
	attron(w->attr);
	draw_text(stdscr, w->y++, l->llm_x + 1, l->llm_w - 1, text, 0);
	attroff(w->attr);
}

static void pane_text(PaneWriter *w, int attr, const char *text)
{
	w->attr = attr;
	draw_wrap(text, w->app->layout.llm_w - 2, pane_line, w);
	w->attr = 0;
}

/* pane_text() for the other screens (its short name keeps this file's many
 * calls readable). */
void reviewdraw_pane_text(PaneWriter *w, int attr, const char *text)
{
	pane_text(w, attr, text);
}

/* Each field of a JSON object as "key: value" (aspects, metadata). */
static void pane_fields(PaneWriter *w, int attr, const char *json)
{
	cJSON *object = json ? cJSON_Parse(json) : NULL, *f;
	cJSON_ArrayForEach(f, object) {
		char *value = cJSON_IsString(f) ? xstrdup(f->valuestring) : cJSON_PrintUnformatted(f);
		char *line = xasprintf("%s: %s", f->string ? f->string : "", value);
		pane_text(w, attr, line);
		free(line);
		free(value);
	}
	cJSON_Delete(object);
}

/* A run that asked the item several times (--repeat): the majority, the
 * vote split and its entropy (src/agree/consistency.h). */
static void pane_votes(App *app, PaneWriter *w, const DbPrediction *p)
{
	int labels[VOTES_SHOWN], n;
	ConsistencyItem it;
	char line[160];
	if (db_lab_votes(app->db, p->run_id, app->detail_item, labels, VOTES_SHOWN, &n) !=
		    STATUS_OK ||
	    n < 2)
		return;
	consistency_item(labels, n, review_scale(app->session)->count, &it);
	snprintf(line, sizeof line, "votes: %d of %d for %d %s%s · entropy %.2f bits", it.votes, n,
		 it.majority, label_name(app, it.majority), it.tied ? " (tied)" : "", it.entropy);
	pane_text(w, it.labels > 1 ? COLOR_PAIR(PAIR_OVERRIDE) : 0, line);
}

static void pane_llm(App *app, PaneWriter *w)
{
	const ReviewEntry *e = review_peek(app->session, review_cursor(app->session));
	const DbPrediction *p = &app->prediction;
	char line[256];
	if (e->blind) {
		pane_text(w, A_BOLD, "BLIND  the LLM's answer is hidden");
		snprintf(line, sizeof line, "give your label with 1-%d", review_scale(app->session)->count);
		pane_text(w, 0, line);
		return;
	}
	if (!p->id) {
		pane_text(w, A_BOLD, "LLM  no answer yet");
		pane_text(w, 0, "label the items with 'gavel label' first, or give a label with a digit");
		return;
	}
	if (p->status != DB_PREDICTION_OK) {
		snprintf(line, sizeof line, "LLM  %s", p->status == DB_PREDICTION_FAILED ? "call failed"
											 : "unparsed answer");
		pane_text(w, A_BOLD | COLOR_PAIR(PAIR_ERROR), line);
		pane_text(w, 0, p->error ? p->error : "");
		pane_text(w, COLOR_PAIR(PAIR_DIM), p->raw_reply ? p->raw_reply : "");
		return;
	}
	snprintf(line, sizeof line, "LLM  %d %s", p->label, label_name(app, p->label));
	if (p->has_confidence)
		snprintf(line + strlen(line), sizeof line - strlen(line), "    conf %.2f", p->confidence);
	if (p->inconsistent)
		snprintf(line + strlen(line), sizeof line - strlen(line), "  (score %d)", p->score);
	pane_text(w, A_BOLD, line);
	pane_votes(app, w, p);
	snprintf(line, sizeof line, "%s · %s · run %lld", p->provider ? p->provider : "",
		 p->model ? p->model : "", p->run_id);
	pane_text(w, COLOR_PAIR(PAIR_DIM), line);
	pane_fields(w, 0, p->aspects_json);
	pane_text(w, 0, "");
	pane_text(w, 0, p->rationale ? p->rationale : "(no rationale)");
	if (p->reasoning) {
		pane_text(w, 0, "");
		pane_text(w, COLOR_PAIR(PAIR_DIM), "reasoning:");
		pane_text(w, COLOR_PAIR(PAIR_DIM), p->reasoning);
	}
}

static void pane_you(App *app, PaneWriter *w)
{
	const ReviewEntry *e = review_peek(app->session, review_cursor(app->session));
	char line[256];
	switch (e->mine.decision) {
	case DB_DECISION_ACCEPT:
		snprintf(line, sizeof line, "you: accepted %d %s", e->mine.label,
			 label_name(app, e->mine.label));
		break;
	case DB_DECISION_OVERRIDE:
		snprintf(line, sizeof line, "you: labelled %d %s", e->mine.label,
			 label_name(app, e->mine.label));
		break;
	case DB_DECISION_SKIP:
		snprintf(line, sizeof line, "you: skipped");
		break;
	case DB_DECISION_NONE: case DB_DECISION_NOTE: case DB_DECISION_VERDICT:
	case DB_DECISION_RETRACT:
	case DB_DECISION_ADJUDICATE: snprintf(line, sizeof line, "you: not reviewed yet"); break;
	}
	pane_text(w, 0, line);
	if (review_verdict(app->session) != DB_VERDICT_NONE) {
		snprintf(line, sizeof line, "rationale marked %s%s",
			 db_verdict_word(review_verdict(app->session)),
			 e->mine.decision == DB_DECISION_NONE ? " (saved with your decision)" : "");
		pane_text(w, COLOR_PAIR(PAIR_OVERRIDE), line);
	}
	for (size_t i = 0; i < app->note_count; i++)
		pane_text(w, COLOR_PAIR(PAIR_DIM), app->notes[i]);
}

/* Counts the lines a text wraps to (for clamping the title). */
static void count_line(void *arg, const char *text)
{
	(void)text;
	(*(int *)arg)++;
}

/* Writes at most max lines of a wrapped text, then "…": a long title must
 * never push the label and the rationale off the screen. */
typedef struct {
	PaneWriter *w;
	int attr, left;
} Clamp;

static void clamped_line(void *arg, const char *text)
{
	Clamp *c = arg;
	if (c->left <= 0)
		return;
	c->w->attr = c->attr;
	pane_line(c->w, text);
	c->w->attr = 0;
	c->left--;
}

/* The scorer's answer beside the LLM's (hidden with it when blind), and how
 * plausible it finds the settled label (the suspect order's key). */
static void pane_scorer(App *app, PaneWriter *w)
{
	const ReviewEntry *e = review_peek(app->session, review_cursor(app->session));
	const DbScorerView *s = &app->scorer;
	char line[256];
	if (e->blind || (!app->model.id && !s->run_id))
		return;
	if (!s->run_id) {
		pane_text(w, COLOR_PAIR(PAIR_DIM), "scorer  no answer for this item (R refits)");
		return;
	}
	snprintf(line, sizeof line, "scorer  %d %s", s->label, label_name(app, s->label));
	if (s->has_confidence)
		snprintf(line + strlen(line), sizeof line - strlen(line), "    p %.2f", s->confidence);
	pane_text(w, A_BOLD, line);
	snprintf(line, sizeof line, "expected %.2f · model %lld · run %lld", s->score, s->model_id,
		 s->run_id);
	pane_text(w, COLOR_PAIR(PAIR_DIM), line);
	if (s->has_suspect) {
		snprintf(line, sizeof line, "out-of-fold p of the settled label %.2f", s->suspect_p);
		pane_text(w, s->suspect_p < 0.1 ? COLOR_PAIR(PAIR_OVERRIDE) : COLOR_PAIR(PAIR_DIM), line);
	}
}

static void pane_item(App *app, PaneWriter *w)
{
	const char *title = app->item.title ? app->item.title : "(untitled)";
	int width = app->layout.llm_w - 2, lines = 0;
	char line[512];
	draw_wrap(title, width, count_line, &lines);
	if (lines <= TITLE_LINES) {
		pane_text(w, A_BOLD, title);
	} else {
		Clamp c = {w, A_BOLD, TITLE_LINES};
		draw_wrap(title, width, clamped_line, &c);
		snprintf(line, sizeof line, "… (%d more lines: i shows the whole item)",
			 lines - TITLE_LINES);
		pane_text(w, COLOR_PAIR(PAIR_DIM), line);
	}
	snprintf(line, sizeof line, "%s%s%s", app->item.external_id ? app->item.external_id : "",
		 app->item.category ? " · " : "", app->item.category ? app->item.category : "");
	pane_text(w, COLOR_PAIR(PAIR_DIM), line);
}

static void draw_llm_pane(App *app)
{
	PaneWriter w = reviewdraw_pane(app, app->scroll);
	if (!review_peek(app->session, review_cursor(app->session))) {
		pane_text(&w, A_BOLD, review_count(app->session) ? "nothing left to review for now"
								  : "nothing to review");
		pane_text(&w, 0, "k goes back to earlier items; q quits (everything is saved)");
		return;
	}
	/* what the item is, then what you did, then what the LLM said */
	pane_item(app, &w);
	pane_you(app, &w);
	pane_scorer(app, &w);
	pane_text(&w, 0, "");
	pane_llm(app, &w);
	pane_text(&w, 0, "");
	pane_fields(&w, COLOR_PAIR(PAIR_DIM), app->item.metadata_json);
}

/* ---- the image pane ---- */

typedef struct {
	int y, x, width, end;
} ImageNote;

static void image_note_line(void *arg, const char *text)
{
	ImageNote *n = arg;
	if (n->y < n->end)
		draw_text(stdscr, n->y++, n->x, n->width, text, 0);
}

void reviewdraw_picture(App *app, const char *path)
{
	const Layout *l = &app->layout;
	const GfxImage *image;
	const char *note = NULL;
	app->image_pending = 0;
	if (!path) {
		note = "(no image)";
	} else if (app->caps.graphics == TTY_GRAPHICS_NONE) {
		note = "(images off: --graphics none)";
	} else {
		/* asked afresh each time: the screens share it, their paths differ */
		app->image_error[0] = '\0';
		image = prefetch_get(app->prefetch, path, app->image_error,
				     sizeof app->image_error);
		app->image_pending = !image && !app->image_error[0];
		if (image && image->mode == TTY_GRAPHICS_BLOCKS && screen_has_256_colours())
			draw_blocks(&image->blocks, l->top, l->img_x, l->rows, l->img_cols);
		else if (image && image->mode == TTY_GRAPHICS_BLOCKS)
			note = "(this terminal has too few colours for pictures: TERM=xterm-256color?)";
		else if (app->image_pending)
			note = "loading…";
		else if (!image)
			note = app->image_error;
	}
	if (note) {
		/* wrapped: an error message names a path and a reason, longer than the pane */
		ImageNote n = {l->top + l->rows / 2, l->img_x + 1, l->img_cols - 2,
			       l->top + l->rows};
		draw_wrap(note, n.width, image_note_line, &n);
	}
}

/* ---- status, hints, overlays ---- */

static void draw_status(App *app)
{
	char line[512];
	const ReviewFilter *f = review_filter(app->session);
	if (app->message[0]) {
		/* a background run's progress stays in sight after the message */
		snprintf(line, sizeof line, "%s%s%s", app->message, app->lab_status[0] ? " · " : "",
			 app->lab_status);
		if (app->message_is_error)
			attron(COLOR_PAIR(PAIR_ERROR) | A_BOLD);
		draw_text(stdscr, LINES - 2, 0, COLS, line, 1);
		attroff(COLOR_PAIR(PAIR_ERROR) | A_BOLD);
		return;
	}
	snprintf(line, sizeof line, " order: %s%s%s%s%s%s%s",
		 db_order_names[review_order(app->session)], f->search ? " · search: " : "",
		 f->search ? f->search : "", f->category ? " · category: " : "",
		 f->category ? f->category : "", app->lab_status[0] ? " · " : "", app->lab_status);
	attron(COLOR_PAIR(PAIR_DIM));
	draw_text(stdscr, LINES - 2, 0, COLS, line, 1);
	attroff(COLOR_PAIR(PAIR_DIM));
}

typedef struct {
	int y;
} QuestionRows;

static void question_row(void *arg, const char *text)
{
	QuestionRows *q = arg;
	if (q->y < LINES)
		draw_text(stdscr, q->y++, 0, COLS, text, 1);
}

/* A question with its choices (the order menu, what to send to re-review)
 * may be longer than a line: it takes the key line too, which says nothing
 * while the question waits for its key. */
static int draw_question(App *app)
{
	QuestionRows q = { LINES - 2 };
	if (!app->asking)
		return 0;
	attron(A_BOLD);
	draw_wrap(app->message, COLS, question_row, &q);
	attroff(A_BOLD);
	return 1;
}

static void draw_hints(App *app)
{
	char line[512];
	keys_hint(app->view->keymap, review_scale(app->session)->count, COLS, line, sizeof line);
	attron(A_REVERSE);
	draw_text(stdscr, LINES - 1, 0, COLS, line, 1);
	attroff(A_REVERSE);
}

void reviewdraw_review(App *app)
{
	const ReviewEntry *e = review_peek(app->session, review_cursor(app->session));
	draw_queue(app);
	reviewdraw_separators(app);
	if (e)
		reviewdraw_picture(app, e->path);
	draw_llm_pane(app);
}

void reviewdraw_frame(App *app, int repaint_image)
{
	init_pairs();
	erase();
	if (app->layout.too_small) {
		char line[128];
		snprintf(line, sizeof line, "gavel needs at least %dx%d (this is %dx%d): make the "
					    "window larger, or q to quit", MIN_COLS, MIN_ROWS, COLS, LINES);
		draw_text(stdscr, LINES / 2, 0, COLS, line, 0);
		return;
	}
	draw_title(app);
	app->view->draw(app, app->view_state);
	if (!draw_question(app)) {
		draw_status(app);
		draw_hints(app);
	}
	if (repaint_image) {
		/* curses does not know the sixel is there: make it resend the
		 * pane's cells, which wipes the old picture */
		wredrawln(stdscr, app->layout.top, app->layout.rows);
		app->image_on_screen = 0;
	}
}

void reviewdraw_sixel(App *app, const char *path)
{
	const GfxImage *image;
	GfxBuf placed = {0};
	if (!path || app->caps.graphics != TTY_GRAPHICS_SIXEL)
		return;
	image = prefetch_get(app->prefetch, path, NULL, 0);
	if (!image || image->mode != TTY_GRAPHICS_SIXEL)
		return;
	gfx_sixel_place(&placed, app->layout.top, app->layout.img_x, &image->sixel);
	screen_write_raw(placed.data, placed.len);
	gfx_buf_free(&placed);
	app->image_on_screen = 1;
}

void reviewdraw_image(App *app)
{
	const ReviewEntry *e = review_peek(app->session, review_cursor(app->session));
	if (e)
		reviewdraw_sixel(app, e->path);
}
