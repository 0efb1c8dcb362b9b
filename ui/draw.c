/* draw.c - text on the curses screen, measured, cut and wrapped by
 * src/base/text.h (the one place that knows display widths). Text goes
 * through text_clean_cells, so that curses, which places code points one by
 * one, and the terminal agree on where every cluster ends. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/draw.h"

#include <stdlib.h>

#include "src/base/text.h"
#include "ui/screen.h"

int draw_width(const char *s)
{
	char *cells = text_clean_cells(s);
	int width = text_display_width(cells);

	free(cells);
	return width;
}

int draw_text(WINDOW *win, int y, int x, int width, const char *s, int pad)
{
	char *clean;
	size_t n;
	int used;
	if (width <= 0)
		return 0;
	clean = text_clean_cells(s);
	n = text_cut(clean, width, &used);
	mvwaddnstr(win, y, x, clean, (int)n);
	free(clean);
	if (pad)
		for (int i = used; i < width; i++)
			mvwaddch(win, y, x + i, ' ');
	return used;
}

int draw_wrap(const char *s, int width, void (*line)(void *arg, const char *text), void *arg)
{
	return text_wrap_cells(s, width, width, line, arg);
}

void draw_blocks(const GfxBlocks *blocks, int top, int left, int max_rows, int max_cols)
{
	for (int r = 0; r < blocks->rows && r < max_rows; r++)
		for (int c = 0; c < blocks->cols && c < max_cols; c++) {
			const GfxCell *cell = &blocks->cells[r * blocks->cols + c];
			int pair = screen_pair(gfx_rgb_to_xterm256(cell->fg), gfx_rgb_to_xterm256(cell->bg));
			attron(COLOR_PAIR(pair));
			mvaddstr(top + r, left + c, GFX_UPPER_HALF);
			attroff(COLOR_PAIR(pair));
		}
}
