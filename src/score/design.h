/* design.h - the design matrix the linear models are fitted on: the caller's
 * rows of raw features, read back standardised, z = (x - mean) * inv_scale,
 * with a constant 1 appended for the intercept, a block of rows at a time.
 * Nothing is copied: a 1,000,000 x 32 matrix costs no second 256 MB, and the
 * standardisation (two operations per value) is cheap next to what the
 * solvers do with a block once it is in cache.
 *
 * A block is written column by column (feature j of the block's rows is
 * contiguous), so that the solvers' inner loops run down contiguous memory:
 * scores accumulate one feature at a time and a cross product is a dot
 * product of two columns. Rows past the end of the data come back as zeros,
 * intercept included, so every kernel can run on whole blocks and padding
 * adds exact zeros. Internal to src/score/. */
#ifndef GAVEL_DESIGN_H
#define GAVEL_DESIGN_H

#include <stddef.h>

/* Rows per block: 64 rows of 33 doubles are 17 KB, two such blocks sit in
 * a 32 KB L1 cache with room to spare. */
#define DESIGN_BLOCK 64

/* The raw rows (borrowed; row i starts at x + i * stride, stride >= cols,
 * so that every k-th row of a matrix is a design too) and the
 * transformation; dim = cols + 1 columns come out, the last one the
 * intercept's 1. */
typedef struct {
	const double *x;
	size_t rows, cols, stride, dim;
	const double *mean;      /* cols: subtracted */
	const double *inv_scale; /* cols: then multiplied; 0 for a constant column */
} Design;

/* The number of blocks covering the rows. */
size_t design_blocks(const Design *d);

/* Writes block b (rows b * DESIGN_BLOCK onwards) into out, dim columns of
 * DESIGN_BLOCK values: out[j * DESIGN_BLOCK + i] is z of the block's row i,
 * feature j; column cols is 1 for real rows. Rows past the end are 0 in
 * every column. Returns how many real rows the block holds. */
size_t design_block(const Design *d, size_t b, double *out);

/* Column means (block sums added in order, as design_sum()), and whether
 * each column is constant (every value equal to the first; the mean is then
 * that value exactly, so that x - mean is exactly 0 on the training rows).
 * mean and constant have cols entries. */
void design_column_means(const double *x, size_t rows, size_t cols, double *mean, int *constant);

/* The sum of values[0..n) in a fixed order: each block of DESIGN_BLOCK
 * values summed, then the block sums in order, so rounding grows with
 * n / DESIGN_BLOCK rather than n. */
double design_sum(const double *values, size_t n);

#endif
