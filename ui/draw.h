/* draw.h - putting untrusted text on the curses screen: cleaned of control
 * characters, measured by display width (CJK and emoji are two columns),
 * clipped and wrapped by columns, never by bytes. */
#ifndef GAVEL_DRAW_H
#define GAVEL_DRAW_H

#include <curses.h>

/* The display width of UTF-8 text s, as a terminal shows it (invalid bytes
 * and control characters count as text_clean would show them). */
int draw_width(const char *s);

/* Writes s at (y, x) in at most width columns, cleaned; pads the rest with
 * spaces when pad is set. Returns the columns written. */
int draw_text(WINDOW *win, int y, int x, int width, const char *s, int pad);

/* Wraps s (cleaned) to lines of at most width columns, breaking at spaces
 * where it can; calls line() for each. Returns the number of lines. */
int draw_wrap(const char *s, int width, void (*line)(void *arg, const char *text), void *arg);

/* Fills a rectangle with spaces. */
void draw_clear(WINDOW *win, int y, int x, int height, int width);

#endif
