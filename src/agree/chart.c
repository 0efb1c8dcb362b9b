/* chart.c - heat map, score scatter and text confusion matrix (see chart.h).
 * Everything is drawn with three primitives: a filled rectangle, a blended
 * dot and text in the 5x7 font below, scaled by whole pixels. */
#include "src/agree/chart.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/rng.h"
#include "src/base/text.h"
#include "src/base/xalloc.h"

/* Printable ASCII (32..126), 7 rows of 5 pixels each, bit 4 the leftmost:
 * the classic 5x7 dot-matrix character set (as on HD44780 displays). */
static const unsigned char font[95][7] = {
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* space */
	{ 0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04 }, /* ! */
	{ 0x0A, 0x0A, 0x0A, 0x00, 0x00, 0x00, 0x00 }, /* " */
	{ 0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A }, /* # */
	{ 0x04, 0x0F, 0x14, 0x0E, 0x05, 0x1E, 0x04 }, /* $ */
	{ 0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03 }, /* % */
	{ 0x0C, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0D }, /* & */
	{ 0x0C, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00 }, /* ' */
	{ 0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02 }, /* ( */
	{ 0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08 }, /* ) */
	{ 0x00, 0x04, 0x15, 0x0E, 0x15, 0x04, 0x00 }, /* * */
	{ 0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00 }, /* + */
	{ 0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08 }, /* , */
	{ 0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00 }, /* - */
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C }, /* . */
	{ 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00 }, /* / */
	{ 0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E }, /* 0 */
	{ 0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E }, /* 1 */
	{ 0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F }, /* 2 */
	{ 0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E }, /* 3 */
	{ 0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02 }, /* 4 */
	{ 0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E }, /* 5 */
	{ 0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E }, /* 6 */
	{ 0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 }, /* 7 */
	{ 0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E }, /* 8 */
	{ 0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C }, /* 9 */
	{ 0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00 }, /* : */
	{ 0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x04, 0x08 }, /* ; */
	{ 0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02 }, /* < */
	{ 0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00 }, /* = */
	{ 0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08 }, /* > */
	{ 0x0E, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04 }, /* ? */
	{ 0x0E, 0x11, 0x01, 0x0D, 0x15, 0x15, 0x0E }, /* @ */
	{ 0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11 }, /* A */
	{ 0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E }, /* B */
	{ 0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E }, /* C */
	{ 0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C }, /* D */
	{ 0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F }, /* E */
	{ 0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10 }, /* F */
	{ 0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F }, /* G */
	{ 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11 }, /* H */
	{ 0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E }, /* I */
	{ 0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C }, /* J */
	{ 0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11 }, /* K */
	{ 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F }, /* L */
	{ 0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11 }, /* M */
	{ 0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11 }, /* N */
	{ 0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E }, /* O */
	{ 0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10 }, /* P */
	{ 0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D }, /* Q */
	{ 0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11 }, /* R */
	{ 0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E }, /* S */
	{ 0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 }, /* T */
	{ 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E }, /* U */
	{ 0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04 }, /* V */
	{ 0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A }, /* W */
	{ 0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11 }, /* X */
	{ 0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04 }, /* Y */
	{ 0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F }, /* Z */
	{ 0x0E, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0E }, /* [ */
	{ 0x00, 0x10, 0x08, 0x04, 0x02, 0x01, 0x00 }, /* \ */
	{ 0x0E, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0E }, /* ] */
	{ 0x04, 0x0A, 0x11, 0x00, 0x00, 0x00, 0x00 }, /* ^ */
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F }, /* _ */
	{ 0x08, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00 }, /* ` */
	{ 0x00, 0x00, 0x0E, 0x01, 0x0F, 0x11, 0x0F }, /* a */
	{ 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1E }, /* b */
	{ 0x00, 0x00, 0x0E, 0x10, 0x10, 0x11, 0x0E }, /* c */
	{ 0x01, 0x01, 0x0D, 0x13, 0x11, 0x11, 0x0F }, /* d */
	{ 0x00, 0x00, 0x0E, 0x11, 0x1F, 0x10, 0x0E }, /* e */
	{ 0x06, 0x09, 0x08, 0x1C, 0x08, 0x08, 0x08 }, /* f */
	{ 0x00, 0x0F, 0x11, 0x11, 0x0F, 0x01, 0x0E }, /* g */
	{ 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11 }, /* h */
	{ 0x04, 0x00, 0x0C, 0x04, 0x04, 0x04, 0x0E }, /* i */
	{ 0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0C }, /* j */
	{ 0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12 }, /* k */
	{ 0x0C, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E }, /* l */
	{ 0x00, 0x00, 0x1A, 0x15, 0x15, 0x11, 0x11 }, /* m */
	{ 0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11 }, /* n */
	{ 0x00, 0x00, 0x0E, 0x11, 0x11, 0x11, 0x0E }, /* o */
	{ 0x00, 0x00, 0x1E, 0x11, 0x1E, 0x10, 0x10 }, /* p */
	{ 0x00, 0x00, 0x0D, 0x13, 0x0F, 0x01, 0x01 }, /* q */
	{ 0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10 }, /* r */
	{ 0x00, 0x00, 0x0E, 0x10, 0x0E, 0x01, 0x1E }, /* s */
	{ 0x08, 0x08, 0x1C, 0x08, 0x08, 0x09, 0x06 }, /* t */
	{ 0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0D }, /* u */
	{ 0x00, 0x00, 0x11, 0x11, 0x11, 0x0A, 0x04 }, /* v */
	{ 0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0A }, /* w */
	{ 0x00, 0x00, 0x11, 0x0A, 0x04, 0x0A, 0x11 }, /* x */
	{ 0x00, 0x00, 0x11, 0x11, 0x0F, 0x01, 0x0E }, /* y */
	{ 0x00, 0x00, 0x1F, 0x02, 0x04, 0x08, 0x1F }, /* z */
	{ 0x02, 0x04, 0x04, 0x08, 0x04, 0x04, 0x02 }, /* { */
	{ 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 }, /* | */
	{ 0x08, 0x04, 0x04, 0x02, 0x04, 0x04, 0x08 }, /* } */
	{ 0x00, 0x00, 0x08, 0x15, 0x02, 0x00, 0x00 }, /* ~ */
};

/* The palette: a dark background, light text, and a heat ramp of rising
 * brightness (after matplotlib's inferno) from the empty cell to the hottest. */
enum { BACKGROUND = 0x141418, GRID = 0x3a3a44, TEXT = 0xdcdcdc, TEXT_DARK = 0x141414,
       DOT = 0x5aaaff, DIAGONAL = 0x8a6a30 };
static const unsigned long ramp[] = { 0x202028, 0x57106e, 0xbc3754, 0xf98e09, 0xfcffa4 };

/* ---- drawing ---- */

static void put(ImgRGB *img, int x, int y, unsigned long rgb)
{
	unsigned char *p;

	if (x < 0 || y < 0 || x >= img->width || y >= img->height)
		return;
	p = img->pixels + ((size_t)y * (size_t)img->width + (size_t)x) * 3;
	p[0] = (unsigned char)(rgb >> 16), p[1] = (unsigned char)(rgb >> 8), p[2] = (unsigned char)rgb;
}

/* Mixes rgb into the pixel with weight alpha (0..1): dense dots saturate. */
static void blend(ImgRGB *img, int x, int y, unsigned long rgb, double alpha)
{
	unsigned char *p;

	if (x < 0 || y < 0 || x >= img->width || y >= img->height)
		return;
	p = img->pixels + ((size_t)y * (size_t)img->width + (size_t)x) * 3;
	for (int c = 0; c < 3; c++) {
		double v = (double)((rgb >> (16 - 8 * c)) & 0xff);

		p[c] = (unsigned char)(p[c] + (v - p[c]) * alpha + 0.5);
	}
}

static void fill(ImgRGB *img, int x, int y, int w, int h, unsigned long rgb)
{
	for (int j = y; j < y + h; j++)
		for (int i = x; i < x + w; i++)
			put(img, i, j, rgb);
}

/* Display columns of s in the font: one per character (UTF-8 sequences
 * count once and draw as '?'). */
/* The built-in font draws one glyph a code point (a box for those it
 * lacks): these count pixels, not terminal columns. */
static int glyph_count(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int glyph_width(const char *s, int scale)
{
	return glyph_count(s) * CHART_GLYPH_W * scale;
}

static void draw_text(ImgRGB *img, int x, int y, const char *s, int scale, unsigned long rgb)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const unsigned char *g;

		if ((c & 0xc0) == 0x80)
			continue;
		g = font[(c >= 32 && c < 127 ? c : '?') - 32];
		for (int row = 0; row < 7; row++)
			for (int col = 0; col < 5; col++)
				if (g[row] & (0x10 >> col))
					fill(img, x + col * scale, y + row * scale, scale, scale, rgb);
		x += CHART_GLYPH_W * scale;
	}
}

static void draw_text_centred(ImgRGB *img, int cx, int y, const char *s, int scale,
			      unsigned long rgb)
{
	draw_text(img, cx - glyph_width(s, scale) / 2, y, s, scale, rgb);
}

/* A count in at most `room` characters: 1234, then 1.2k, 12k, 1.2M ... */
static void count_text(long v, int room, char *out, size_t size)
{
	static const char suffix[] = "kMGT";
	double x = (double)v;
	int k = -1;

	snprintf(out, size, "%ld", v);
	while ((int)strlen(out) > room && k < 3) {
		x /= 1000;
		k++;
		snprintf(out, size, x < 9.95 ? "%.1f%c" : "%.0f%c", x, suffix[k]);
	}
}

unsigned long chart_heat_colour(long count, long max)
{
	double t = max > 0 && count > 0 ? (double)count / (double)max : 0, pos, f;
	unsigned long a, b, rgb = 0;
	int i;

	if (t > 1)
		t = 1;
	pos = t * (double)(sizeof ramp / sizeof ramp[0] - 1);
	i = (int)pos;
	if (i >= (int)(sizeof ramp / sizeof ramp[0]) - 1)
		return ramp[sizeof ramp / sizeof ramp[0] - 1];
	f = pos - i;
	a = ramp[i], b = ramp[i + 1];
	for (int c = 16; c >= 0; c -= 8) {
		double x = (double)((a >> c) & 0xff), y = (double)((b >> c) & 0xff);

		rgb |= (unsigned long)(x + (y - x) * f + 0.5) << c;
	}
	return rgb;
}

static int luminance(unsigned long rgb)
{
	return (int)(0.299 * (double)(rgb >> 16) + 0.587 * (double)((rgb >> 8) & 0xff) +
		     0.114 * (double)(rgb & 0xff));
}

static Status canvas(int K, int width, int height, ImgRGB *out)
{
	memset(out, 0, sizeof *out);
	if (K < 1 || K > CHART_MAX_LEVELS)
		return status_fail(STATUS_ERR_INPUT, "a chart needs 1 to %d levels, not %d",
				   CHART_MAX_LEVELS, K);
	if (width < CHART_MIN_WIDTH || height < CHART_MIN_HEIGHT ||
	    (long long)width * height > IMG_MAX_OUTPUT_PIXELS)
		return status_fail(STATUS_ERR_INPUT, "a chart of %dx%d pixels is too %s", width,
				   height,
				   width < CHART_MIN_WIDTH || height < CHART_MIN_HEIGHT ? "small"
											: "large");
	out->width = width;
	out->height = height;
	out->pixels = xmalloc((size_t)width * (size_t)height * 3);
	fill(out, 0, 0, width, height, BACKGROUND);
	return STATUS_OK;
}

/* The font scale for a picture: larger text on larger pictures. */
static int font_scale(int width, int height)
{
	return width >= 480 && height >= 360 ? 2 : 1;
}

/* A row or column heading: "3 good" when it fits in room pixels, else "3". */
static void level_text(int level, const char *const *names, int room, int scale, char *out,
		       size_t size)
{
	snprintf(out, size, "%d", level);
	if (names && names[level - 1]) {
		char *clean = text_clean(names[level - 1]);
		char *both = xasprintf("%d %s", level, clean);

		if (glyph_width(both, scale) <= room)
			snprintf(out, size, "%s", both);
		free(both);
		free(clean);
	}
}

/* ---- the heat map ---- */

typedef struct {
	int x0, y0, cw, ch; /* grid origin and cell size */
	int scale;
} Grid;

static void confusion_cells(ImgRGB *img, const long *m, int K, long max, const Grid *g)
{
	for (int r = 0; r < K; r++) {
		for (int c = 0; c < K; c++) {
			long v = m[r * K + c];
			unsigned long colour = chart_heat_colour(v, max);
			int x = g->x0 + c * g->cw, y = g->y0 + r * g->ch, room, s = g->scale;
			char text[32];

			fill(img, x + 1, y + 1, g->cw - 1, g->ch - 1, colour);
			if (g->ch < 7 * s + 2)
				s = 1;
			room = (g->cw - 2) / (CHART_GLYPH_W * s);
			if (g->ch < 9 || room < 1)
				continue;
			count_text(v, room, text, sizeof text);
			if ((int)strlen(text) <= room)
				draw_text_centred(img, x + g->cw / 2 + 1, y + (g->ch - 7 * s) / 2 + 1,
						  text, s,
						  luminance(colour) > 140 ? TEXT_DARK : TEXT);
		}
	}
}

Status chart_confusion(const long *matrix, int K, const char *const *names, int width,
		       int height, ImgRGB *out)
{
	Status st = canvas(K, width, height, out);
	int s = font_scale(width, height), line = CHART_GLYPH_H * s + 4, left = 0;
	long max = 0;
	Grid g;
	char text[64];

	if (st != STATUS_OK)
		return st;
	for (int i = 0; i < K * K; i++) {
		if (matrix[i] < 0) {
			img_rgb_free(out);
			return status_fail(STATUS_ERR_INPUT, "a count is negative");
		}
		max = matrix[i] > max ? matrix[i] : max;
	}
	for (int r = 1; r <= K; r++) {
		level_text(r, names, width * 2 / 5, s, text, sizeof text);
		left = glyph_width(text, s) > left ? glyph_width(text, s) : left;
	}
	g = (Grid){ .x0 = left + 8, .y0 = 2 * line + 4, .scale = s };
	g.cw = (width - g.x0 - 4) / K;
	g.ch = (height - g.y0 - 4) / K;
	if (g.cw < 3 || g.ch < 3) {
		img_rgb_free(out);
		return status_fail(STATUS_ERR_INPUT, "%dx%d pixels are too few for %d levels",
				   width, height, K);
	}
	draw_text(out, 4, 2, width >= 40 * CHART_GLYPH_W * s ? "rows: human label, columns: LLM label"
							     : "human \\ LLM",
		  s, TEXT);
	fill(out, g.x0, g.y0, g.cw * K + 1, g.ch * K + 1, GRID);
	for (int c = 1; c <= K; c++) {
		level_text(c, names, g.cw - 2, s, text, sizeof text);
		draw_text_centred(out, g.x0 + (c - 1) * g.cw + g.cw / 2, line + 2, text, s, TEXT);
	}
	for (int r = 1; r <= K; r++) {
		level_text(r, names, width * 2 / 5, s, text, sizeof text);
		draw_text(out, 4, g.y0 + (r - 1) * g.ch + (g.ch - 7 * s) / 2, text, s, TEXT);
	}
	confusion_cells(out, matrix, K, max, &g);
	return STATUS_OK;
}

/* ---- the scatter ---- */

typedef struct {
	int x0, y0, w, h; /* plot area */
	int K;
} Plot;

static int plot_y(const Plot *p, double score)
{
	double lo = 0.5, hi = p->K + 0.5, t = (score - lo) / (hi - lo);

	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return p->y0 + p->h - 1 - (int)(t * (p->h - 1) + 0.5);
}

static int plot_x(const Plot *p, double label)
{
	return p->x0 + (int)((label - 0.5) * p->w / p->K + 0.5);
}

static void scatter_axes(ImgRGB *img, const Plot *p, const char *const *names, int s)
{
	char text[64];

	for (int k = 1; k <= p->K; k++) {
		int y = plot_y(p, k), x = plot_x(p, k);

		fill(img, p->x0, y, p->w, 1, GRID);
		snprintf(text, sizeof text, "%d", k);
		draw_text(img, p->x0 - glyph_width(text, s) - 4, y - 7 * s / 2, text, s, TEXT);
		level_text(k, names, p->w / p->K - 2, s, text, sizeof text);
		draw_text_centred(img, x, p->y0 + p->h + 4, text, s, TEXT);
		if (k > 1)
			fill(img, plot_x(p, k - 0.5), p->y0, 1, p->h, GRID);
	}
	/* the diagonal: score equal to the label */
	for (int k = 1; k < p->K; k++) {
		int xa = plot_x(p, k), xb = plot_x(p, k + 1), ya = plot_y(p, k), yb = plot_y(p, k + 1);

		for (int x = xa; x <= xb; x++)
			put(img, x, ya + (yb - ya) * (x - xa) / (xb - xa ? xb - xa : 1), DIAGONAL);
	}
}

/* A deterministic jitter in [-0.5, 0.5) for dot i (and a second, for y). */
static double jitter(size_t i, int which)
{
	uint64_t state = (uint64_t)i * 2 + (uint64_t)which;

	return (double)(rng_splitmix64(&state) >> 11) / 9007199254740992.0 - 0.5;
}

Status chart_scatter(const int *labels, const double *scores, size_t n, int K,
		     const char *const *names, int width, int height, ImgRGB *out)
{
	Status st = canvas(K, width, height, out);
	int s = font_scale(width, height), line = CHART_GLYPH_H * s + 4, dot;
	char text[16];
	Plot p;

	if (st != STATUS_OK)
		return st;
	snprintf(text, sizeof text, "%d", K);
	p = (Plot){ .x0 = glyph_width(text, s) + 10, .y0 = line + 4, .K = K };
	p.w = width - p.x0 - 6;
	p.h = height - p.y0 - line - 6;
	if (p.w < 2 * K || p.h < 2 * K) {
		img_rgb_free(out);
		return status_fail(STATUS_ERR_INPUT, "%dx%d pixels are too few for %d levels",
				   width, height, K);
	}
	draw_text(out, 4, 2, width >= 34 * CHART_GLYPH_W * s ? "LLM score (up) by human label"
							     : "score by label",
		  s, TEXT);
	scatter_axes(out, &p, names, s);
	dot = p.w / K >= 60 && p.h >= 200 ? 3 : 2;
	for (size_t i = 0; i < n; i++) {
		int x, y;

		if (labels[i] < 1 || labels[i] > K || !isfinite(scores[i]))
			continue;
		x = plot_x(&p, labels[i] + 0.7 * jitter(i, 0));
		y = plot_y(&p, scores[i] + 0.2 * jitter(i, 1));
		for (int dy = 0; dy < dot; dy++)
			for (int dx = 0; dx < dot; dx++)
				blend(out, x + dx - dot / 2, y + dy - dot / 2, DOT, 0.35);
	}
	return STATUS_OK;
}

/* ---- the text matrix ---- */

typedef struct {
	char *buf;
	size_t size, len;
} Out;

static void emit(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(Out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->size ? o->buf + o->len : NULL, o->len < o->size ? o->size - o->len : 0,
		      fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* How the text matrix is laid out. */
typedef struct {
	int names; /* row headings carry the level names */
	int cell;  /* width of a count column, its separator included */
	int head;  /* width of the row-heading column */
} TextLayout;

/* The row heading of level r into out, cut to at most max columns. */
static void row_heading(int r, const char *const *names, int with_name, int max, char *out,
			size_t size)
{
	int used;
	char *clean = with_name && names ? text_clean(names[r - 1]) : NULL;
	char *full = clean ? xasprintf("%d %s", r, clean) : xasprintf("%d", r);
	/* cut between grapheme clusters, by the columns a terminal gives them */
	size_t at = text_cut(full, max, &used);

	snprintf(out, size, "%.*s", (int)at, full);
	free(full);
	free(clean);
}

static int digits(long v)
{
	char tmp[32];

	return snprintf(tmp, sizeof tmp, "%ld", v);
}

static TextLayout text_layout(const long *m, int K, const char *const *names, int width,
			      long grand)
{
	TextLayout t = { .names = names != NULL, .cell = digits(grand) + 2 };
	int room;

	if (t.cell < 6)
		t.cell = 6; /* " total" */
	t.head = 11; /* "human label" */
	for (int r = 1; t.names && r <= K; r++) {
		char h[64];

		row_heading(r, names, 1, 14, h, sizeof h);
		t.head = text_display_width(h) > t.head ? text_display_width(h) : t.head;
	}
	if (t.head + (K + 1) * t.cell > width && t.names) {
		t.names = 0;
		t.head = 11;
	}
	room = (width - t.head) / (K + 1);
	if (t.head + (K + 1) * t.cell > width && room >= 6)
		t.cell = room; /* counts are abbreviated to fit */
	(void)m;
	return t;
}

size_t chart_confusion_text(const long *matrix, int K, const char *const *names, int width,
			    char *buf, size_t size)
{
	Out o = { buf, size, 0 };
	long grand = 0, *col = xcalloc((size_t)K + 1, sizeof *col);
	TextLayout t;
	char cell[32];

	if (size)
		buf[0] = '\0';
	for (int i = 0; i < K * K; i++) {
		grand += matrix[i];
		col[i % K] += matrix[i];
	}
	t = text_layout(matrix, K, names, width, grand);
	emit(&o, "%*s LLM label\n", t.head, "");
	emit(&o, "%-*s", t.head, "human label");
	for (int c = 1; c <= K; c++)
		emit(&o, "%*d", t.cell, c);
	emit(&o, "%*s\n", t.cell, "total");
	for (int r = 1; r <= K; r++) {
		char h[64];
		long total = 0;

		row_heading(r, names, t.names, t.head, h, sizeof h);
		emit(&o, "%s%*s", h, t.head - text_display_width(h), "");
		for (int c = 0; c < K; c++) {
			count_text(matrix[(r - 1) * K + c], t.cell - 1, cell, sizeof cell);
			emit(&o, "%*s", t.cell, cell);
			total += matrix[(r - 1) * K + c];
		}
		count_text(total, t.cell - 1, cell, sizeof cell);
		emit(&o, "%*s\n", t.cell, cell);
	}
	emit(&o, "%-*s", t.head, "total");
	for (int c = 0; c <= K; c++) {
		count_text(c < K ? col[c] : grand, t.cell - 1, cell, sizeof cell);
		emit(&o, "%*s", t.cell, cell);
	}
	emit(&o, "\n");
	free(col);
	return o.len;
}
