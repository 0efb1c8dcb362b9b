/* design.c - standardised rows in column blocks (see design.h). */
#include "src/score/design.h"

#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

size_t design_blocks(const Design *d)
{
	return (d->rows + DESIGN_BLOCK - 1) / DESIGN_BLOCK;
}

size_t design_block(const Design *d, size_t b, double *out)
{
	size_t first = b * DESIGN_BLOCK;
	size_t count = d->rows - first < DESIGN_BLOCK ? d->rows - first : DESIGN_BLOCK;

	if (count < DESIGN_BLOCK)
		memset(out, 0, d->dim * DESIGN_BLOCK * sizeof *out);
	for (size_t i = 0; i < count; i++) {
		const double *row = d->x + (first + i) * d->stride;

		for (size_t j = 0; j < d->cols; j++)
			out[j * DESIGN_BLOCK + i] = (row[j] - d->mean[j]) * d->inv_scale[j];
		out[d->cols * DESIGN_BLOCK + i] = 1;
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
