/* jsonlfmt.c - the JSONL export: gold.jsonl in the target folder, one JSON
 * object a line with every column (src/export/columns.h), a missing value
 * as null, the votes and metadata as JSON. */
#include <stdlib.h>

#include "src/base/out.h"
#include "src/base/strbuf.h"
#include "src/base/xalloc.h"
#include "src/export/columns.h"
#include "src/export/outdir.h"

typedef struct {
	FILE *out;
	StrBuf line;
} Jsonl;

static Status begin(ExportWriter *w)
{
	Jsonl *j = xcalloc(1, sizeof *j);
	Status st = outdir_create(w->dir, -1, "gold.jsonl", &j->out);
	w->state = j;
	return st;
}

static Status row(ExportWriter *w, const ExportRow *r)
{
	Jsonl *j = w->state;
	strbuf_reset(&j->line);
	columns_json_line(&j->line, r, COLUMNS_JSON, NULL, NULL);
	out_data(j->out, j->line.data, j->line.len);
	if (ferror(j->out))
		return status_fail(STATUS_ERR_IO, "%s/gold.jsonl: writing failed",
				   outdir_path(w->dir));
	return STATUS_OK;
}

static void abandon(ExportWriter *w)
{
	Jsonl *j = w->state;
	if (!j)
		return;
	if (j->out)
		fclose(j->out);
	strbuf_free(&j->line);
	free(j);
	w->state = NULL;
}

static Status finish(ExportWriter *w, const ExportSummary *summary)
{
	Jsonl *j = w->state;
	int bad = ferror(j->out);
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
