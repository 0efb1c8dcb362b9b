/* csvfmt.c - the CSV export: gold.csv, RFC 4180 (src/export/csv.h: CRLF,
 * quoting, UTF-8 checked), a header of the column names, one record per
 * item; a missing value is an empty field, lists and metadata are JSON in
 * one field. */
#include <stdlib.h>

#include "src/base/xalloc.h"
#include "src/export/columns.h"
#include "src/export/csv.h"
#include "src/export/outdir.h"

typedef struct {
	FILE *out;
	CsvWriter *csv;
} Csv;

static Status header(Csv *c)
{
	size_t n;
	const Column *cols = columns_all(&n);
	Status st = STATUS_OK;
	for (size_t i = 0; st == STATUS_OK && i < n; i++)
		st = csv_field(c->csv, cols[i].name);
	return st == STATUS_OK ? csv_end_row(c->csv) : st;
}

static Status begin(ExportWriter *w)
{
	Csv *c = xcalloc(1, sizeof *c);
	Status st = outdir_create(w->dir, -1, "gold.csv", &c->out);
	w->state = c;
	if (st != STATUS_OK)
		return st;
	c->csv = csv_writer_new(c->out, 0);
	return header(c);
}

static Status field(Csv *c, const Column *col, const ColumnValue *v)
{
	if (!v->present)
		return csv_field(c->csv, NULL);
	switch (col->kind) {
	case COLUMN_INT:
	case COLUMN_LABEL: return csv_field_long(c->csv, v->i);
	case COLUMN_FLOAT: return csv_field_double(c->csv, v->d);
	case COLUMN_TEXT:
	case COLUMN_JSON: break;
	}
	return csv_field(c->csv, v->text);
}

static Status row(ExportWriter *w, const ExportRow *r)
{
	Csv *c = w->state;
	size_t n;
	const Column *cols = columns_all(&n);
	Status st = STATUS_OK;
	for (size_t i = 0; st == STATUS_OK && i < n; i++) {
		ColumnValue v;
		cols[i].get(r, &v);
		st = field(c, &cols[i], &v);
	}
	if (st == STATUS_OK)
		st = csv_end_row(c->csv);
	if (st != STATUS_OK)
		return status_fail(st, "item %s: %s", r->item->external_id, status_detail());
	return STATUS_OK;
}

static void abandon(ExportWriter *w)
{
	Csv *c = w->state;
	if (!c)
		return;
	csv_writer_free(c->csv);
	if (c->out)
		fclose(c->out);
	free(c);
	w->state = NULL;
}

static Status finish(ExportWriter *w, const ExportSummary *summary)
{
	Csv *c = w->state;
	int bad = ferror(c->out);
	(void)summary;
	csv_writer_free(c->csv);
	c->csv = NULL;
	bad |= fclose(c->out) != 0;
	c->out = NULL;
	abandon(w);
	return bad ? status_fail(STATUS_ERR_IO, "%s/gold.csv: writing failed", outdir_path(w->dir))
		   : STATUS_OK;
}

const ExportOps csv_ops = {
	.name = "csv",
	.summary = "gold.csv: RFC 4180 (CRLF, UTF-8); lists and metadata as JSON",
	.begin = begin,
	.row = row,
	.finish = finish,
	.abandon = abandon,
};
