/* csv.h - writing CSV as RFC 4180 says: records end with CRLF; a field
 * holding a comma, a double quote, CR or LF is enclosed in double quotes,
 * its quotes doubled; every record has as many fields as the first (the
 * header). Text must be UTF-8 (checked); a list goes into one field as
 * JSON. Nothing is changed to please a spreadsheet (no "'" before "=" or
 * "+"): the file reads back exactly as written.
 *
 * Usage: w = csv_writer_new(f, 0); csv_field(w, "id"); ... csv_end_row(w);
 * then csv_writer_free(w). The FILE stays the caller's. */
#ifndef GAVEL_CSV_H
#define GAVEL_CSV_H

#include <stdio.h>

#include "src/base/status.h"

struct cJSON;

typedef struct CsvWriter CsvWriter;

enum {
	/* Start the file with a UTF-8 byte order mark, which some spreadsheets
	 * need to read the file as UTF-8 (a strict reader sees it as part of
	 * the first header). */
	CSV_BOM = 1 << 0,
};

/* A writer onto out (borrowed, left open); flags are CSV_* bits. */
CsvWriter *csv_writer_new(FILE *out, unsigned flags);

/* Frees the writer, not its FILE; NULL-safe. */
void csv_writer_free(CsvWriter *w);

/* Appends one text field to the current record; NULL writes an empty
 * field. STATUS_ERR_INPUT ("row 3, field 2: not valid UTF-8") when text is
 * not UTF-8; the record is then incomplete and must not be ended. */
Status csv_field(CsvWriter *w, const char *text);

/* Appends a number: integers as they are, doubles in the shortest form
 * that reads back to the same double; NaN writes an empty field. */
Status csv_field_long(CsvWriter *w, long long value);
Status csv_field_double(CsvWriter *w, double value);

/* Appends value (an array or object, or any JSON value) printed compactly
 * as one field; NULL writes an empty field. */
Status csv_field_json(CsvWriter *w, const struct cJSON *value);

/* Ends the record with CRLF. STATUS_ERR_INPUT ("row 4 has 3 fields, the
 * header has 5") when the count differs from the first record's;
 * STATUS_ERR_IO when writing failed. */
Status csv_end_row(CsvWriter *w);

/* Records ended so far, the header included. */
long csv_rows(const CsvWriter *w);

#endif
