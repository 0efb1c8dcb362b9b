/* compareview.c - two labellers compared, item by item. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/compareview.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/claims.h"
#include "db/items.h"
#include "db/lab.h"
#include "src/base/xalloc.h"
#include "src/lab/labcompare.h"
#include "src/lab/labdata.h"
#include "ui/draw.h"
#include "ui/gfx.h"
#include "ui/labjob.h"
#include "ui/labview.h"
#include "ui/reviewapp.h"
#include "ui/screen.h"

enum { HEAD_ROWS = 6 };

struct Compare {
	LabData *data;
	LabComparison *c;
	int filter;    /* a CompareClass, or -1 for every item */
	size_t *shown; /* indexes of the items the filter lets through */
	size_t n_shown;
	int cursor, top;
	/* the item opened, or none */
	int open;
	DbItem item;
	DbLabDetail a, b;
	GfxImage *image;
	int image_x, image_cols, image_rows;
};

static void refilter(Compare *v)
{
	v->n_shown = 0;
	for (size_t i = 0; i < v->c->n; i++)
		if (v->filter < 0 || (int)v->c->items[i].cls == v->filter)
			v->shown[v->n_shown++] = i;
	v->cursor = 0, v->top = 0;
}

Status compareview_new(Db *db, const char *a, const char *b, Compare **out)
{
	Compare *v = xcalloc(1, sizeof *v);
	int ia, ib;
	Status st = labdata_open(db, &v->data);
	*out = NULL;
	if (st == STATUS_OK)
		st = labdata_find(db, v->data, a, &ia);
	if (st == STATUS_OK)
		st = labdata_find(db, v->data, b, &ib);
	if (st == STATUS_OK && ia == ib)
		st = status_fail(STATUS_ERR_USAGE, "%s and %s are the same labeller", a, b);
	if (st == STATUS_OK)
		st = labcompare_run(db, v->data, ia, ib, NULL, &v->c);
	if (st != STATUS_OK) {
		labdata_free(v->data);
		free(v);
		return st;
	}
	v->shown = xmalloc((v->c->n + 1) * sizeof *v->shown);
	v->filter = -1;
	refilter(v);
	*out = v;
	return STATUS_OK;
}

static void close_item(Compare *v)
{
	db_item_free(&v->item);
	db_lab_detail_free(&v->a);
	db_lab_detail_free(&v->b);
	gfx_image_free(v->image);
	v->image = NULL;
	v->open = 0;
}

static void compare_free(void *state)
{
	Compare *v = state;
	if (!v)
		return;
	close_item(v);
	labcompare_free(v->c);
	labdata_free(v->data);
	free(v->shown);
	free(v);
}

/* The answer of labeller l for the item: its latest run's with a label. */
static void answer_of(Db *db, const LabLabeller *l, long long item, DbLabDetail *d)
{
	memset(d, 0, sizeof *d);
	for (int r = l->n_runs - 1; r >= 0; r--) {
		if (db_lab_detail(db, l->runs[r], item, d) == STATUS_OK && d->found &&
		    d->status == DB_PREDICTION_OK)
			return;
		db_lab_detail_free(d);
	}
}

static int open_item(App *app, Compare *v)
{
	const LabPair *p;
	if (!v->n_shown)
		return REACT_NONE;
	p = &v->c->items[v->shown[v->cursor]];
	close_item(v);
	if (db_item_get(app->db, p->item, &v->item) != STATUS_OK) {
		app_message(app, 1, "%s", status_detail());
		return REACT_TEXT;
	}
	answer_of(app->db, v->c->a, p->item, &v->a);
	answer_of(app->db, v->c->b, p->item, &v->b);
	v->open = 1;
	/* the picture between the two answers, a third of the width */
	v->image_cols = COLS / 3 - 2;
	v->image_x = COLS / 3 + 1;
	v->image_rows = app->layout.rows - 2;
	if (v->item.path && app->caps.graphics != TTY_GRAPHICS_NONE &&
	    gfx_prepare(v->item.path, v->image_cols, v->image_rows, &app->caps,
			app->caps.has_background ? app->caps.background_rgb : 0,
			&v->image) != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	return REACT_CLEAR;
}

static int go(Compare *v, int delta, int page)
{
	if (v->open)
		return REACT_NONE;
	v->cursor += delta;
	if (v->cursor >= (int)v->n_shown)
		v->cursor = (int)v->n_shown - 1;
	if (v->cursor < 0)
		v->cursor = 0;
	if (v->cursor < v->top)
		v->top = v->cursor;
	if (v->cursor >= v->top + page)
		v->top = v->cursor - page + 1;
	return REACT_TEXT;
}

static int send(App *app, Compare *v)
{
	int key = app_read_choice(app, "send to re-review: b broken, d disagrees with the settled "
				       "label (unanimous first), u unanimous disagreements only");
	LabSend kind = key == 'b'   ? LABCOMPARE_SEND_BROKEN
		       : key == 'd' ? LABCOMPARE_SEND_DISAGREES
		       : key == 'u' ? LABCOMPARE_SEND_UNANIMOUS
				    : LABCOMPARE_SEND_COUNT;
	long sent;
	Status st;
	if (kind == LABCOMPARE_SEND_COUNT)
		return REACT_TEXT;
	st = labcompare_send(app->db, v->c, kind, &sent);
	if (st == STATUS_OK)
		st = db_recheck_summary(app->db, v->c->source, &v->c->recheck);
	if (st != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	else
		app_message(app, 0,
			    "sent %ld %s item%s back to review: the review screen's order %s "
			    "(o %c) serves them",
			    sent, labcompare_send_words[kind], sent == 1 ? "" : "s",
			    db_order_names[DB_ORDER_RECHECK], db_order_keys[DB_ORDER_RECHECK]);
	return REACT_TEXT;
}

static int list_rows(const App *app)
{
	return app->layout.rows - HEAD_ROWS - 1;
}

static int command(App *app, void *state, UiCommand command, int arg)
{
	Compare *v = state;
	switch (command) {
	case UI_CMD_NEXT: return go(v, 1, list_rows(app));
	case UI_CMD_PREV: return go(v, -1, list_rows(app));
	case UI_CMD_SCROLL_DOWN: return go(v, list_rows(app), list_rows(app));
	case UI_CMD_SCROLL_UP: return go(v, -list_rows(app), list_rows(app));
	case UI_CMD_CLASS:
		/* '0' is every item, '1'..'6' a class in COMPARE_CLASS_LIST order */
		v->filter = arg - 2;
		close_item(v);
		refilter(v);
		return REACT_CLEAR;
	case UI_CMD_OPEN: return open_item(app, v);
	case UI_CMD_SEND: return send(app, v);
	case UI_CMD_CANCEL:
		if (app->lab_job)
			labjob_cancel(app->lab_job);
		return REACT_TEXT;
	case UI_CMD_LAB: return labview_open(app);
	case UI_CMD_REDRAW: return REACT_CLEAR;
	case UI_CMD_CLOSE:
		if (v->open) {
			close_item(v);
			return REACT_CLEAR;
		}
		return labview_open(app);
	default: return REACT_NONE;
	}
}

/* ---- drawing ---- */

static void fig(char *out, size_t size, int percent, MetricValue v, int sign)
{
	if (!v.defined)
		snprintf(out, size, "-");
	else if (percent)
		snprintf(out, size, sign ? "%+.1f%%" : "%.1f%%", 100 * v.value);
	else
		snprintf(out, size, sign ? "%+.3f" : "%.3f", v.value);
}

static void figure_line(int y, const char *name, const CompareFigure *g, int percent)
{
	char a[16], b[16], d[16], lo[16], hi[16], se[16], mdd[16], line[256];
	fig(a, sizeof a, percent, g->a, 0), fig(b, sizeof b, percent, g->b, 0);
	fig(d, sizeof d, percent, g->diff, 1), fig(se, sizeof se, percent, g->se_diff, 0);
	fig(mdd, sizeof mdd, percent, g->mdd, 0);
	fig(lo, sizeof lo, percent, (MetricValue){ g->ci_diff.defined, g->ci_diff.lo, NULL }, 1);
	fig(hi, sizeof hi, percent, (MetricValue){ g->ci_diff.defined, g->ci_diff.hi, NULL }, 1);
	snprintf(line, sizeof line,
		 "%-16s A %s  B %s  B-A %s [%s, %s]  SE %s  smallest detectable %s", name, a, b, d,
		 lo, hi, se, mdd);
	/* a figure that is not defined says why, never a made-up number */
	if (!g->b.defined || !g->a.defined)
		snprintf(line + strlen(line), sizeof line - strlen(line), "  (%s: %s)",
			 g->b.defined ? "A" : "B", g->b.defined ? g->a.why : g->b.why);
	draw_text(stdscr, y, 1, COLS - 2, line, 0);
}

/* "2 image-quality.md" or "run:5 import other": a labeller in a few words */
static void who(const LabLabeller *l, char *out, size_t size)
{
	if (l->version_id)
		snprintf(out, size, "%s %s", l->ref, l->name ? l->name : "");
	else
		snprintf(out, size, "%s %s %s", l->ref, l->provider ? l->provider : "",
			 l->model ? l->model : "");
}

static void draw_head(const App *app, const Compare *v)
{
	const CompareSummary *s = &v->c->result.all;
	int y = app->layout.top;
	char line[512], a[160], b[160];
	who(v->c->a, a, sizeof a), who(v->c->b, b, sizeof b);
	snprintf(line, sizeof line, "A %s  vs  B %s  on %zu settled items", a, b, v->c->n);
	attron(A_BOLD);
	draw_text(stdscr, y++, 1, COLS - 2, line, 0);
	attroff(A_BOLD);
	line[0] = '\0';
	for (int k = 0; k < COMPARE_CLASS_COUNT; k++)
		snprintf(line + strlen(line), sizeof line - strlen(line), "%s%d %s %ld ",
			 v->filter == k ? "[" : "", k + 1, compare_class_name((CompareClass)k),
			 s->classes[k]);
	snprintf(line + strlen(line), sizeof line - strlen(line), " 0 all %zu", v->c->n);
	draw_text(stdscr, y++, 1, COLS - 2, line, 0);
	figure_line(y++, "kappa (quadratic)", &s->figure[COMPARE_FIGURE_KAPPA_QUADRATIC], 0);
	figure_line(y++, "exact agreement", &s->figure[COMPARE_FIGURE_AGREEMENT], 1);
	snprintf(line, sizeof line,
		 "McNemar %ld broken, %ld fixed: exact p %.4f   sign test %ld "
		 "toward, %ld away: p %.4f   bootstrap %d resamples, seed %llu",
		 s->mcnemar.b, s->mcnemar.c, s->mcnemar.p_exact, s->toward, s->away, s->sign_p,
		 s->resamples, (unsigned long long)s->seed);
	draw_text(stdscr, y++, 1, COLS - 2, line, 0);
	if (v->c->recheck.sent)
		snprintf(line, sizeof line,
			 "re-review: %lld sent, %lld reviewed again, %lld settled "
			 "labels changed",
			 v->c->recheck.sent, v->c->recheck.reviewed, v->c->recheck.changed);
	else
		snprintf(line, sizeof line, "Enter opens an item; s sends items to re-review");
	draw_text(stdscr, y, 1, COLS - 2, line, 0);
}

static const char *name_of(const Compare *v, int label)
{
	return label >= 1 && label <= v->data->K ? v->data->names[label - 1] : "?";
}

static void draw_list(const App *app, const Compare *v)
{
	int y = app->layout.top + HEAD_ROWS, rows = list_rows(app);
	for (int i = v->top; i < (int)v->n_shown && i < v->top + rows; i++) {
		const LabPair *p = &v->c->items[v->shown[i]];
		char line[512], votes[32] = "";
		if (p->b_answers >= 2)
			snprintf(votes, sizeof votes, "  B votes %d/%d", p->b_votes, p->b_answers);
		snprintf(line, sizeof line,
			 " %-20.20s human %d %-10.10s A %d  B %d  %-9s %-12.12s%s",
			 p->external_id ? p->external_id : "?", p->human, name_of(v, p->human),
			 p->a, p->b, compare_class_name(p->cls),
			 p->category >= 0 ? v->c->categories[p->category] : "", votes);
		if (i == v->cursor)
			attron(A_REVERSE);
		draw_text(stdscr, y++, 0, COLS, line, 1);
		attroff(A_REVERSE);
	}
	if (!v->n_shown)
		draw_text(stdscr, y, 2, COLS - 4, "no item in this class (0 shows them all)", 0);
}

typedef struct {
	int y, x, w, bottom;
} Column;

static void column_line(void *arg, const char *text)
{
	Column *c = arg;
	if (c->y < c->bottom)
		draw_text(stdscr, c->y++, c->x, c->w, text, 0);
}

static void answer_column(const Compare *v, const char *who, const LabLabeller *l, int label,
			  const DbLabDetail *d, Column *c)
{
	char line[256];
	snprintf(line, sizeof line, "%s %s: %d %s", who, l->ref, label, name_of(v, label));
	attron(A_BOLD);
	column_line(c, line);
	attroff(A_BOLD);
	draw_wrap(d->rationale ? d->rationale : "(no rationale)", c->w, column_line, c);
}

static void draw_item(const App *app, const Compare *v)
{
	const LabPair *p = &v->c->items[v->shown[v->cursor]];
	int third = COLS / 3, top = app->layout.top;
	Column a = { top + 2, 1, third - 2, top + app->layout.rows };
	Column b = { top + 2, 2 * third + 1, COLS - 2 * third - 2, top + app->layout.rows };
	char line[512];
	snprintf(line, sizeof line, "%s  %s  ·  human label %d %s  ·  %s", v->item.external_id,
		 v->item.title ? v->item.title : "", p->human, name_of(v, p->human),
		 compare_class_name(p->cls));
	attron(A_BOLD);
	draw_text(stdscr, top, 1, COLS - 2, line, 0);
	attroff(A_BOLD);
	answer_column(v, "A", v->c->a, p->a, &v->a, &a);
	answer_column(v, "B", v->c->b, p->b, &v->b, &b);
	if (v->image && v->image->mode == TTY_GRAPHICS_BLOCKS && screen_has_256_colours())
		draw_blocks(&v->image->blocks, top + 2, v->image_x, v->image_rows, v->image_cols);
	else if (!v->image)
		draw_text(stdscr, top + 3, v->image_x, v->image_cols,
			  v->item.path ? "(images off)" : "(no image)", 0);
}

static void draw(App *app, void *state)
{
	Compare *v = state;
	if (v->open) {
		draw_item(app, v);
		return;
	}
	draw_head(app, v);
	draw_list(app, v);
}

static void draw_image(App *app, void *state)
{
	Compare *v = state;
	GfxBuf placed = { 0 };
	if (!v->open || !v->image || v->image->mode != TTY_GRAPHICS_SIXEL)
		return;
	gfx_sixel_place(&placed, app->layout.top + 2, v->image_x, &v->image->sixel);
	screen_write_raw(placed.data, placed.len);
	gfx_buf_free(&placed);
}

const UiViewOps compare_view = {
	.title = "comparison",
	.keymap = KEYMAP_COMPARE,
	.command = command,
	.draw = draw,
	.draw_image = draw_image,
	.close = compare_free,
};
