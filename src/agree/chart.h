/* chart.h - the agreement dashboard's pictures, drawn into packed RGB
 * (src/img.h) with a small built-in bitmap font: a confusion-matrix heat map
 * and the LLM's score against the human label. Also a text confusion matrix
 * for terminals without graphics and for the text report. Pure computation:
 * no curses, no I/O; the caller decides how to show the pixels (sixel, half
 * blocks). */
#ifndef GAVEL_CHART_H
#define GAVEL_CHART_H

#include <stddef.h>

#include "src/img/img.h"
#include "src/base/status.h"

/* The smallest picture the charts draw into. */
enum { CHART_MIN_WIDTH = 64, CHART_MIN_HEIGHT = 48, CHART_MAX_LEVELS = 64 };

/* The width and height of one glyph cell of the built-in font at scale 1
 * (5x7 glyphs in a 6x8 cell; printable ASCII, anything else draws as '?'). */
enum { CHART_GLYPH_W = 6, CHART_GLYPH_H = 8 };

/* A heat map of the K x K count matrix (row = human label - 1, column = LLM
 * label - 1) of width x height pixels into *out (owned by the caller: free
 * with img_rgb_free). Cells run from the background colour for 0 to the
 * hottest colour for the largest count, and show their count when it fits;
 * rows and columns are labelled with the level numbers and, where there is
 * room, the names (names may be NULL). STATUS_ERR_INPUT with a detail when
 * K is outside 1..CHART_MAX_LEVELS, a count is negative, or the size is
 * below CHART_MIN_WIDTH x CHART_MIN_HEIGHT or above IMG_MAX_OUTPUT_PIXELS;
 * *out is zeroed then. */
Status chart_confusion(const long *matrix, int K, const char *const *names, int width,
		       int height, ImgRGB *out);

/* The LLM's score (y) against the human label (x, one column per level) of
 * n items, as dots jittered inside each column (deterministically: the same
 * data give the same picture), over a grid at every scale point and the
 * diagonal where score equals label. Scores outside 0.5..K+0.5 are drawn at
 * the edge; labels outside 1..K and scores that are not finite are skipped.
 * Ownership and failures as chart_confusion(). */
Status chart_scatter(const int *labels, const double *scores, size_t n, int K,
		     const char *const *names, int width, int height, ImgRGB *out);

/* The colour of a heat-map cell holding count out of max, 0xRRGGBB: the
 * background for 0, rising in brightness to the hottest colour at max. */
unsigned long chart_heat_colour(long count, long max);

/* Writes the K x K matrix as text lines, at most width columns wide when it
 * can be (names are dropped, then counts abbreviated as 12.3k to fit): a
 * header of LLM labels, one row per human label with its total, and a row of
 * column totals. Behaves like snprintf: writes at most size bytes including
 * the terminating NUL into buf (which may be NULL when size is 0) and
 * returns the length the whole text needs. */
size_t chart_confusion_text(const long *matrix, int K, const char *const *names, int width,
			    char *buf, size_t size);

#endif
