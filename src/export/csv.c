/* csv.c - an RFC 4180 writer (see csv.h). */
#include "src/export/csv.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/text.h"
#include "src/base/xalloc.h"
#include "src/base/out.h"

struct CsvWriter {
	FILE *out;
	int bom_pending;
	long rows;	   /* records ended */
	int fields;	   /* fields in the record being written */
	int header_fields; /* fields of the first record; -1 before it ends */
};

CsvWriter *csv_writer_new(FILE *out, unsigned flags)
{
	CsvWriter *w = xcalloc(1, sizeof *w);

	w->out = out;
	w->bom_pending = (flags & CSV_BOM) != 0;
	w->header_fields = -1;
	return w;
}

void csv_writer_free(CsvWriter *w)
{
	free(w);
}

static int valid_utf8(const char *s)
{
	size_t len = strlen(s), n;
	unsigned cp;

	for (size_t i = 0; i < len; i += n)
		if (!(n = text_utf8_decode(s + i, len - i, &cp)))
			return 0;
	return 1;
}

/* Every byte goes out through out_data: exact in a file or a pipe, cleaned
 * should the CSV be sent to a terminal. */
static void put(CsvWriter *w, const char *s)
{
	out_data(w->out, s, strlen(s));
}

/* Writes the separator (or the byte order mark) before a field. */
static void begin_field(CsvWriter *w)
{
	if (w->bom_pending) {
		put(w, "\xEF\xBB\xBF");
		w->bom_pending = 0;
	}
	if (w->fields++ > 0)
		put(w, ",");
}

/* An empty first field is written as "" so that a record of one empty field
 * is not an empty line, which readers skip. */
Status csv_field(CsvWriter *w, const char *text)
{
	if (text && !valid_utf8(text))
		return status_fail(STATUS_ERR_INPUT, "row %ld, field %d: not valid UTF-8",
				   w->rows + 1, w->fields + 1);
	begin_field(w);
	if (!text || !*text) {
		if (w->fields == 1)
			put(w, "\"\"");
		return STATUS_OK;
	}
	if (!strpbrk(text, ",\"\r\n")) {
		put(w, text);
		return STATUS_OK;
	}
	put(w, "\"");
	for (const char *p = text, *q; *p; p = q) {
		/* up to and including the next quote, which is then doubled */
		q = strchr(p, '"');
		q = q ? q + 1 : p + strlen(p);
		out_data(w->out, p, (size_t)(q - p));
		if (q[-1] == '"')
			put(w, "\"");
	}
	put(w, "\"");
	return STATUS_OK;
}

Status csv_field_long(CsvWriter *w, long long value)
{
	char text[32];

	snprintf(text, sizeof text, "%lld", value);
	return csv_field(w, text);
}

Status csv_field_double(CsvWriter *w, double value)
{
	char text[40];

	if (isnan(value))
		return csv_field(w, NULL);
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(text, sizeof text, "%.*g", digits, value);
		if (strtod(text, NULL) == value)
			break;
	}
	return csv_field(w, text);
}

Status csv_field_json(CsvWriter *w, const cJSON *value)
{
	char *text;
	Status st;

	if (!value)
		return csv_field(w, NULL);
	if (!(text = cJSON_PrintUnformatted(value)))
		xdie("out of memory printing JSON");
	st = csv_field(w, text);
	cJSON_free(text);
	return st;
}

Status csv_end_row(CsvWriter *w)
{
	int fields = w->fields;

	if (fields == 0)
		return status_fail(STATUS_ERR_INPUT, "row %ld has no field", w->rows + 1);
	if (w->header_fields >= 0 && fields != w->header_fields)
		return status_fail(STATUS_ERR_INPUT, "row %ld has %d fields, the header has %d",
				   w->rows + 1, fields, w->header_fields);
	put(w, "\r\n");
	if (w->header_fields < 0)
		w->header_fields = fields;
	w->fields = 0;
	w->rows++;
	if (ferror(w->out))
		return status_fail(STATUS_ERR_IO, "writing CSV row %ld failed", w->rows);
	return STATUS_OK;
}

long csv_rows(const CsvWriter *w)
{
	return w->rows;
}
