/* draw.h - putting untrusted text on the curses screen: cleaned of control
 * characters, measured by display width (CJK and emoji are two columns),
 * clipped and wrapped by columns, never by bytes. */
#ifndef GAVEL_DRAW_H
#define GAVEL_DRAW_H

#include <curses.h>

#include "ui/gfx.h"

/* The display width of UTF-8 text s, as a terminal shows it (invalid bytes
 * and control characters count as text_clean would show them). */
int draw_width(const char *s);

/* Writes s at (y, x) in at most width columns, cleaned; pads the rest with
 * spaces when pad is set. Returns the columns written. */
int draw_text(WINDOW *win, int y, int x, int width, const char *s, int pad);

/* Wraps s (cleaned) to lines of at most width columns, breaking at spaces
 * where it can; calls line() for each. Returns the number of lines. */
int draw_wrap(const char *s, int width, void (*line)(void *arg, const char *text), void *arg);

/* Draws half-block picture cells (ui/gfx.h) with the top-left cell at
 * (top, left), at most max_rows x max_cols of them. */
void draw_blocks(const GfxBlocks *blocks, int top, int left, int max_rows, int max_cols);

#endif
