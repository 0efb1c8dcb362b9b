/* columns.h - the columns of an exported row, declared once, in order: each
 * with its name, its kind and how it is read from an ExportRow. Every
 * format writes exactly these (the imagefolder puts file_name first), so
 * the formats cannot drift apart; docs/export.md lists them. */
#ifndef GAVEL_COLUMNS_H
#define GAVEL_COLUMNS_H

#include <stddef.h>

#include "src/base/strbuf.h"
#include "src/export/export.h"

typedef enum {
	COLUMN_TEXT,
	COLUMN_INT,
	COLUMN_FLOAT,
	COLUMN_JSON,  /* a JSON value, given as its text */
	COLUMN_LABEL, /* the settled label 1..K (the imagefolder writes K's class index) */
} ColumnKind;

/* One value of a row; text borrowed from the row. present is 0 for a
 * missing value (JSON null, an empty CSV field). */
typedef struct {
	int present;
	const char *text;
	long long i;
	double d;
} ColumnValue;

typedef struct {
	const char *name;
	const char *member; /* ,"name": (the name is plain ASCII) */
	size_t member_len;
	ColumnKind kind;
	void (*get)(const ExportRow *row, ColumnValue *value);
} Column;

/* The columns in order; *count is set. Static. */
const Column *columns_all(size_t *count);

/* How a row is written as a JSON object. */
typedef enum {
	/* JSONL: a missing value is null, a JSON column is embedded as JSON */
	COLUMNS_JSON,
	/* the imagefolder's metadata.jsonl: every column has one JSON type in
	 * every row of every split (the datasets loader refuses splits whose
	 * inferred types differ, and infers null for a column that is always
	 * missing): missing text is "", a missing number -1 (-1.0), floats
	 * always have a point, JSON columns are text, the label is the class
	 * index 0..K-1 (-1: none) */
	COLUMNS_TYPED,
} ColumnsStyle;

/* Appends row as one JSON object and a newline. first_name/first_value,
 * when not NULL, come first (the imagefolder's file_name). */
void columns_json_line(StrBuf *b, const ExportRow *row, ColumnsStyle style, const char *first_name,
		       const char *first_value);

#endif
