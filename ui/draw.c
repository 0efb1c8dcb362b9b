/* draw.c - width-aware text drawing. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/draw.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "src/base/text.h"
#include "src/base/xalloc.h"
#include "ui/screen.h"

/* Width of one code point; unknown or non-printable ones take one column
 * (text_clean has already replaced controls). */
static int cp_width(unsigned cp)
{
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int draw_width(const char *s)
{
	char *clean = text_clean(s);
	int width = 0;
	size_t len = strlen(clean);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = text_utf8_decode(clean + i, len - i, &cp);
		width += cp_width(cp);
		i += k ? k : 1;
	}
	free(clean);
	return width;
}

/* How many bytes of clean text (len bytes) fit in width columns; *used gets
 * the columns they take. */
static size_t fit(const char *clean, size_t len, int width, int *used)
{
	size_t i = 0;
	*used = 0;
	while (i < len) {
		unsigned cp;
		size_t k = text_utf8_decode(clean + i, len - i, &cp);
		int w;
		if (!k)
			break;
		w = cp_width(cp);
		if (*used + w > width)
			break;
		*used += w;
		i += k;
	}
	return i;
}

int draw_text(WINDOW *win, int y, int x, int width, const char *s, int pad)
{
	char *clean;
	size_t n;
	int used;
	if (width <= 0)
		return 0;
	clean = text_clean(s);
	n = fit(clean, strlen(clean), width, &used);
	mvwaddnstr(win, y, x, clean, (int)n);
	free(clean);
	if (pad)
		for (int i = used; i < width; i++)
			mvwaddch(win, y, x + i, ' ');
	return used;
}

int draw_wrap(const char *s, int width, void (*line)(void *arg, const char *text), void *arg)
{
	char *clean, *buf;
	size_t len, start = 0;
	int lines = 0;
	if (width < 1)
		return 0;
	/* newlines are kept as line breaks, so clean each paragraph separately */
	buf = xstrdup(s ? s : "");
	for (char *para = buf, *next; para; para = next) {
		next = strchr(para, '\n');
		if (next)
			*next++ = '\0';
		clean = text_clean(para);
		len = strlen(clean);
		start = 0;
		do {
			int used;
			size_t n = fit(clean + start, len - start, width, &used), cut = n;
			char *text;
			if (start + n < len) {
				/* break at the last space that fits, if there is one */
				for (size_t j = n; j > 0; j--)
					if (clean[start + j - 1] == ' ') {
						cut = j;
						break;
					}
			}
			if (cut == 0)
				cut = n ? n : 1;
			text = xstrndup(clean + start, cut);
			line(arg, text);
			free(text);
			lines++;
			start += cut;
			while (start < len && clean[start] == ' ')
				start++;
		} while (start < len);
		free(clean);
	}
	free(buf);
	return lines;
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
