/* linesview.c - lines of text as a screen: the help and item history. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/linesview.h"

#include <curses.h>
#include <stdlib.h>

#include "src/base/xalloc.h"
#include "ui/draw.h"
#include "ui/reviewapp.h"

struct LinesView {
	char *title;
	char **lines;
	size_t count, capacity;
	int scroll;
};

LinesView *linesview_new(const char *title)
{
	LinesView *v = xcalloc(1, sizeof *v);
	v->title = xstrdup(title);
	return v;
}

void linesview_add(void *list, const char *line)
{
	LinesView *v = list;
	v->lines = xgrow(v->lines, &v->capacity, v->count + 1, sizeof *v->lines);
	v->lines[v->count++] = xstrdup(line ? line : "");
}

int linesview_count(const LinesView *v)
{
	return (int)v->count;
}

/* The rows the lines take: from row 2 to above the status line. */
static int page(void)
{
	return LINES - 4 > 1 ? LINES - 4 : 1;
}

static int command(App *app, void *state, UiCommand command, int arg)
{
	LinesView *v = state;
	int last = v->count > 0 ? (int)v->count - 1 : 0;
	(void)app, (void)arg;
	switch (command) {
	case UI_CMD_NEXT: v->scroll += v->scroll < last; return REACT_TEXT;
	case UI_CMD_PREV: v->scroll -= v->scroll > 0; return REACT_TEXT;
	case UI_CMD_SCROLL_DOWN:
		v->scroll = v->scroll + page() < last ? v->scroll + page() : last;
		return REACT_TEXT;
	case UI_CMD_SCROLL_UP: v->scroll = v->scroll > page() ? v->scroll - page() : 0; return REACT_TEXT;
	case UI_CMD_REDRAW: return REACT_CLEAR;
	default: return REACT_CLOSE;
	}
}

static void draw(App *app, void *state)
{
	LinesView *v = state;
	(void)app;
	attron(A_BOLD);
	draw_text(stdscr, 1, 2, COLS - 4, v->title, 0);
	attroff(A_BOLD);
	for (int i = 0; i < page() && v->scroll + i < (int)v->count; i++)
		draw_text(stdscr, 2 + i, 2, COLS - 4, v->lines[v->scroll + i], 0);
}

void linesview_free(LinesView *v)
{
	if (!v)
		return;
	xfree_strings(v->lines, v->count);
	free(v->title);
	free(v);
}

static void close_view(void *state)
{
	linesview_free(state);
}

const UiViewOps lines_view = {
	.title = "lines",
	.keymap = KEYMAP_LINES,
	.command = command,
	.draw = draw,
	.close = close_view,
};
