/* imgscale.c - exact area averaging with integer weights.
 *
 * Put source and destination on one fine grid: source pixel x spans
 * [x*dst_w, (x+1)*dst_w) and destination pixel d spans [d*src_w, (d+1)*src_w).
 * The overlap of the two is the weight; since dst_w <= src_w a source pixel
 * touches at most two destination pixels, and each destination pixel's
 * weights sum to src_w. Rows work the same way, so every output pixel is
 * sum(p * wx * wy) / (src_w * src_h), computed in 64 bits and rounded. Two
 * accumulator rows suffice because source rows arrive in order. */
#include "src/img/imgscale.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

struct ImgScaler {
	int src_w, src_h, dst_w, dst_h;
	unsigned char *dst;
	int *col_dst;           /* per source column: first destination column */
	uint32_t *col_w0;       /* its weight there; dst_w - col_w0 goes to the next */
	uint64_t *hrow;         /* the current source row reduced horizontally */
	uint64_t *acc_cur;      /* destination row cur_row, partly summed */
	uint64_t *acc_next;     /* destination row cur_row + 1, partly summed */
	int cur_row;
	int pushed;
};

void imgscale_fit(int src_w, int src_h, int max_w, int max_h, int *dst_w, int *dst_h)
{
	int64_t lw = max_w > 0 ? max_w : INT32_MAX, lh = max_h > 0 ? max_h : INT32_MAX;
	int64_t w = src_w, h = src_h;

	if (w <= lw && h <= lh) {
		*dst_w = src_w;
		*dst_h = src_h;
		return;
	}
	if (w * lh <= h * lw) {
		/* Height is the binding limit. */
		h = lh;
		w = ((int64_t)src_w * lh + src_h / 2) / src_h;
	} else {
		w = lw;
		h = ((int64_t)src_h * lw + src_w / 2) / src_w;
	}
	*dst_w = w < 1 ? 1 : (int)w;
	*dst_h = h < 1 ? 1 : (int)h;
}

/* The first destination cell that source cell i (of n, mapped onto m) covers,
 * and how much of it (out of m). */
static int split_cell(int i, int n, int m, uint32_t *w0)
{
	int64_t start = (int64_t)i * m, end = start + m;
	int d = (int)(start / n);
	int64_t boundary = (int64_t)(d + 1) * n;
	*w0 = (uint32_t)((end < boundary ? end : boundary) - start);
	return d;
}

ImgScaler *imgscale_new(int src_w, int src_h, int dst_w, int dst_h, unsigned char *dst)
{
	ImgScaler *s = xcalloc(1, sizeof *s);
	size_t n = (size_t)dst_w * 3;

	s->src_w = src_w;
	s->src_h = src_h;
	s->dst_w = dst_w;
	s->dst_h = dst_h;
	s->dst = dst;
	s->col_dst = xmalloc((size_t)src_w * sizeof *s->col_dst);
	s->col_w0 = xmalloc((size_t)src_w * sizeof *s->col_w0);
	for (int x = 0; x < src_w; x++)
		s->col_dst[x] = split_cell(x, src_w, dst_w, &s->col_w0[x]);
	s->hrow = xmalloc(n * sizeof *s->hrow);
	s->acc_cur = xcalloc(n, sizeof *s->acc_cur);
	s->acc_next = xcalloc(n, sizeof *s->acc_next);
	return s;
}

static void reduce_row(ImgScaler *s, const unsigned char *row)
{
	uint64_t *h = s->hrow;
	memset(h, 0, (size_t)s->dst_w * 3 * sizeof *h);
	for (int x = 0; x < s->src_w; x++, row += 3) {
		uint64_t *cell = h + (size_t)s->col_dst[x] * 3;
		uint32_t w0 = s->col_w0[x], w1 = (uint32_t)s->dst_w - w0;
		cell[0] += (uint64_t)row[0] * w0;
		cell[1] += (uint64_t)row[1] * w0;
		cell[2] += (uint64_t)row[2] * w0;
		if (w1) {
			cell[3] += (uint64_t)row[0] * w1;
			cell[4] += (uint64_t)row[1] * w1;
			cell[5] += (uint64_t)row[2] * w1;
		}
	}
}

static void emit_row(ImgScaler *s)
{
	uint64_t total = (uint64_t)s->src_w * (uint64_t)s->src_h;
	unsigned char *out = s->dst + (size_t)s->cur_row * s->dst_w * 3;
	size_t n = (size_t)s->dst_w * 3;
	uint64_t *swap;

	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)((s->acc_cur[i] + total / 2) / total);
	swap = s->acc_cur;
	s->acc_cur = s->acc_next;
	s->acc_next = swap;
	memset(s->acc_next, 0, n * sizeof *s->acc_next);
	s->cur_row++;
}

void imgscale_push(ImgScaler *s, const unsigned char *row)
{
	size_t n = (size_t)s->dst_w * 3;
	uint32_t w0, w1;
	int d;

	if (s->pushed >= s->src_h)
		return;
	if (s->src_w == s->dst_w && s->src_h == s->dst_h) {
		/* Same size: a copy, bit-exact and without the arithmetic. */
		memcpy(s->dst + (size_t)s->pushed++ * n, row, n);
		return;
	}
	d = split_cell(s->pushed++, s->src_h, s->dst_h, &w0);
	w1 = (uint32_t)s->dst_h - w0;
	if (d > s->cur_row)
		emit_row(s);
	reduce_row(s, row);
	for (size_t i = 0; i < n; i++)
		s->acc_cur[i] += s->hrow[i] * w0;
	if (w1)
		for (size_t i = 0; i < n; i++)
			s->acc_next[i] += s->hrow[i] * w1;
	if (s->pushed == s->src_h)
		emit_row(s);
}

void imgscale_free(ImgScaler *s)
{
	if (!s)
		return;
	free(s->col_dst);
	free(s->col_w0);
	free(s->hrow);
	free(s->acc_cur);
	free(s->acc_next);
	free(s);
}
