/* design.c - standardised rows in column blocks (see design.h). */
#include "src/score/design.h"

#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

size_t design_blocks(const Design *d)
{
	return (d->rows + DESIGN_BLOCK - 1) / DESIGN_BLOCK;
}

/* Rows of the block transposed eight at a time: the eight values written
 * to a column then fill one 64-byte cache line, where row by row each
 * write would touch a line of its own (a wide block is far larger than the
 * L1 cache). */
#define DESIGN_GROUP 8

size_t design_block(const Design *d, size_t b, double *out)
{
	size_t first = b * DESIGN_BLOCK;
	size_t count = d->rows - first < DESIGN_BLOCK ? d->rows - first : DESIGN_BLOCK;

	if (count < DESIGN_BLOCK)
		memset(out, 0, d->dim * DESIGN_BLOCK * sizeof *out);
	for (size_t i0 = 0; i0 < count; i0 += DESIGN_GROUP) {
		size_t n = count - i0 < DESIGN_GROUP ? count - i0 : DESIGN_GROUP;
		const double *row[DESIGN_GROUP];

		for (size_t t = 0; t < n; t++)
			row[t] = d->x + (first + i0 + t) * d->stride;
		for (size_t j = 0; j < d->cols; j++) {
			double *o = out + j * DESIGN_BLOCK + i0, m = d->mean[j], v = d->inv_scale[j];

			for (size_t t = 0; t < n; t++)
				o[t] = (row[t][j] - m) * v;
		}
		for (size_t t = 0; t < n; t++)
			out[d->cols * DESIGN_BLOCK + i0 + t] = 1;
	}
	return count;
}

double design_sum(const double *values, size_t n)
{
	double total = 0;

	for (size_t first = 0; first < n; first += DESIGN_BLOCK) {
		double block = 0;

		for (size_t i = first; i < n && i < first + DESIGN_BLOCK; i++)
			block += values[i];
		total += block;
	}
	return total;
}

void design_column_means(const double *x, size_t rows, size_t cols, double *mean, int *constant)
{
	double *block = xcalloc(cols, sizeof *block);

	for (size_t j = 0; j < cols; j++)
		mean[j] = 0, constant[j] = 1;
	for (size_t i = 0; i < rows; i++) {
		const double *row = x + i * cols;

		for (size_t j = 0; j < cols; j++) {
			block[j] += row[j];
			constant[j] &= row[j] == x[j];
		}
		if ((i + 1) % DESIGN_BLOCK == 0 || i + 1 == rows)
			for (size_t j = 0; j < cols; j++)
				mean[j] += block[j], block[j] = 0;
	}
	for (size_t j = 0; j < cols; j++)
		mean[j] = constant[j] && rows ? x[j] : mean[j] / (double)rows;
	free(block);
}
