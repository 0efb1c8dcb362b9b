/* draw.h - putting untrusted text on the curses screen: cleaned of control
 * and hidden characters, measured by display width (CJK and emoji are two
 * columns), clipped and wrapped by columns between grapheme clusters, never
 * by bytes. The rules are src/base/text.h's; this only adds curses. */
#ifndef GAVEL_DRAW_H
#define GAVEL_DRAW_H

#include <curses.h>

#include "ui/gfx.h"

/* The display width of UTF-8 text s as the screen shows it: the
 * text_display_width() of text_clean_cells(s). */
int draw_width(const char *s);

/* Writes s at (y, x) in at most width columns, cleaned (text_clean_cells)
 * and cut between grapheme clusters; pads the rest with spaces when pad is
 * set. Returns the columns written. */
int draw_text(WINDOW *win, int y, int x, int width, const char *s, int pad);

/* Wraps s (cleaned by text_clean_cells) to lines of at most width columns,
 * breaking at spaces where it can and between grapheme clusters otherwise;
 * calls line() for each. Returns the number of lines. */
int draw_wrap(const char *s, int width, void (*line)(void *arg, const char *text), void *arg);

/* Draws half-block picture cells (ui/gfx.h) with the top-left cell at
 * (top, left), at most max_rows x max_cols of them. */
void draw_blocks(const GfxBlocks *blocks, int top, int left, int max_rows, int max_cols);

#endif
