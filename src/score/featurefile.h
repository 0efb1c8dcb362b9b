/* featurefile.h - reading a file of feature vectors one row at a time
 * (`gavel import-features`), so memory stays flat however many rows it has:
 *
 *   CSV with a header line: a column named item, id or item_id (else the
 *     first column) holds the item's id, every other column one value;
 *   JSONL, one object a line: "item" (or "id", "item_id") and either
 *     numeric fields (the columns are the first record's fields, in order)
 *     or one array of numbers (columns NAME_0, NAME_1, ...).
 *
 * Every value must be a finite number; every row must have every column.
 * Problems are "FILE:LINE: what is wrong". */
#ifndef GAVEL_FEATUREFILE_H
#define GAVEL_FEATUREFILE_H

#include "src/base/status.h"

typedef struct FeatureFile FeatureFile;

/* Opens path and reads the header (CSV) or the first record (JSONL) to
 * learn the columns; the kind comes from the extension (.csv, .jsonl,
 * .ndjson, .json), else from the first character ('{' is JSONL).
 * STATUS_ERR_IO, or STATUS_ERR_INPUT with a detail for a file without
 * columns, a header with an empty or repeated name, or a first JSONL
 * record that names none. *out is owned by the caller (featurefile_close). */
Status featurefile_open(const char *path, FeatureFile **out);

/* The number of values a row has, and their names (borrowed). */
int featurefile_dim(const FeatureFile *file);
const char *const *featurefile_columns(const FeatureFile *file);

/* Reads the next row: *id (borrowed until the next call), dim values and
 * the row's line. *more is 0 at the end. A bad row gives STATUS_ERR_INPUT
 * with "FILE:LINE: ..." (a missing or non-numeric value, NaN or infinity, a
 * number of values that differs from the header's, no id); reading may go
 * on with the next. STATUS_ERR_IO is final. */
Status featurefile_next(FeatureFile *file, const char **id, double *values, long *line, int *more);

/* Closes it; NULL is fine. */
void featurefile_close(FeatureFile *file);

#endif
