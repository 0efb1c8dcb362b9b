/* csvtable.h - the numeric CSV the linear-model tools read: a header line,
 * then rows of numbers separated by commas, the first column the target.
 * Header-only (static) so that each tool stays one file. */
#ifndef GAVEL_TESTS_CSVTABLE_H
#define GAVEL_TESTS_CSVTABLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

typedef struct {
	double *x, *y;
	size_t rows, cols;
} CsvTable;

/* Reads path into t (x rows x cols, y rows; owned). Returns 0, or -1 when
 * the file cannot be read. */
static int csvtable_read(const char *path, CsvTable *t)
{
	FILE *f = fopen(path, "r");
	char line[1 << 16];
	size_t cap_x = 0, cap_y = 0;

	memset(t, 0, sizeof *t);
	if (!f || !fgets(line, sizeof line, f))
		return -1;
	for (char *c = line; *c; c++)
		t->cols += *c == ',';
	while (fgets(line, sizeof line, f)) {
		char *p = line, *end;

		if (line[0] == '\n' || line[0] == 0)
			continue;
		t->y = xgrow(t->y, &cap_y, t->rows + 1, sizeof *t->y);
		t->x = xgrow(t->x, &cap_x, (t->rows + 1) * (t->cols ? t->cols : 1), sizeof *t->x);
		t->y[t->rows] = strtod(p, &end);
		for (size_t j = 0; j < t->cols; j++) {
			p = end + 1;
			t->x[t->rows * t->cols + j] = strtod(p, &end);
		}
		t->rows++;
	}
	fclose(f);
	return 0;
}

#endif
