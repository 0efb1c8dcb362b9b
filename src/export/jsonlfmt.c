/* jsonlfmt.c - the JSONL export: gold.jsonl in the target folder, one JSON
 * object a line with every column (src/export/columns.h), a missing value
 * as null, the votes and metadata as JSON. */
#include <stdlib.h>

#include "src/base/out.h"
#include "src/base/strbuf.h"
#include "src/base/xalloc.h"
#include "src/export/columns.h"
#include "src/export/outdir.h"

/* Rows gather in one buffer written at this size: one write per
 * thousand rows or so, not one stdio call per row. */
enum { FLUSH_AT = 1 << 20 };

typedef struct {
	FILE *out;
	StrBuf lines;
} Jsonl;

static Status begin(ExportWriter *w)
{
	Jsonl *j = xcalloc(1, sizeof *j);
	Status st = outdir_create(w->dir, -1, "gold.jsonl", &j->out);
	w->state = j;
	return st;
}

static Status flush(ExportWriter *w, Jsonl *j)
{
	out_data(j->out, j->lines.data, j->lines.len);
	strbuf_reset(&j->lines);
	if (ferror(j->out))
		return status_fail(STATUS_ERR_IO, "%s/gold.jsonl: writing failed",
				   outdir_path(w->dir));
	return STATUS_OK;
}

static Status row(ExportWriter *w, const ExportRow *r)
{
	Jsonl *j = w->state;
	columns_json_line(&j->lines, r, COLUMNS_JSON, NULL, NULL);
	return j->lines.len >= FLUSH_AT ? flush(w, j) : STATUS_OK;
}

static void abandon(ExportWriter *w)
{
	Jsonl *j = w->state;
	if (!j)
		return;
	if (j->out)
		fclose(j->out);
	strbuf_free(&j->lines);
	free(j);
	w->state = NULL;
}

static Status finish(ExportWriter *w, const ExportSummary *summary)
{
	Jsonl *j = w->state;
	int bad = flush(w, j) != STATUS_OK;
	(void)summary;
	bad |= fclose(j->out) != 0;
	j->out = NULL;
	abandon(w);
	return bad ? status_fail(STATUS_ERR_IO, "%s/gold.jsonl: writing failed",
				 outdir_path(w->dir))
		   : STATUS_OK;
}

const ExportOps jsonl_ops = {
	.name = "jsonl",
	.summary = "gold.jsonl: one JSON object per item, lists and metadata as JSON",
	.begin = begin,
	.row = row,
	.finish = finish,
	.abandon = abandon,
};
