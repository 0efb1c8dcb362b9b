/* imagefolder.c - the Hugging Face imagefolder export, by the datasets
 * loader's rules (docs/export.md has them with their sources):
 * - only the split folders train/, validation/ and test/, each holding its
 *   images and one metadata.jsonl that lists every image in it, by a
 *   file_name relative to the folder (no "..", no absolute path);
 * - nothing else in a split folder (a sidecar file could change which
 *   builder the loader picks); the manifest and README.md sit at the top;
 * - every split's metadata has the same columns with the same types
 *   (columns.h COLUMNS_TYPED);
 * - images named by their SHA-256 with a lower-case extension the loader
 *   knows, copied or hard-linked; one file per content hash, so identical
 *   images are one file in one split;
 * - README.md declares the configs and the label as a class label. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/base/out.h"
#include "src/base/strbuf.h"
#include "src/base/xalloc.h"
#include "src/export/columns.h"
#include "src/export/datacard.h"
#include "src/export/outdir.h"

/* An item's format (items.format) and the extension its file gets. */
static const struct {
	const char *format, *ext;
} extensions[] = {
	{ "JPEG", "jpg" }, { "PNG", "png" },   { "GIF", "gif" },  { "BMP", "bmp" },
	{ "PNM", "pnm" },  { "WebP", "webp" }, { "TIFF", "tif" },
};

typedef struct {
	int sub[SPLIT_MAX]; /* the part's folder, -1 until its first image */
	FILE *metadata[SPLIT_MAX];
	long long rows[SPLIT_MAX];
	StrBuf line;
} Folder;

static const char *ext_of(const DbExportItem *item)
{
	for (size_t i = 0; item->format && i < sizeof extensions / sizeof extensions[0]; i++)
		if (!strcasecmp(item->format, extensions[i].format))
			return extensions[i].ext;
	return NULL;
}

static int accepts(const DbExportItem *item)
{
	return item->has_image && item->path && item->sha256 && ext_of(item) &&
	       strlen(item->sha256) == 64 && strspn(item->sha256, "0123456789abcdef") == 64;
}

/* The parts: the split's names, or one "train" without --split. */
static const char *part_name(const ExportWriter *w, int part)
{
	return w->options->has_split ? w->options->split.name[part] : "train";
}

static int n_parts(const ExportWriter *w)
{
	return w->options->has_split ? w->options->split.n : 1;
}

static Status begin(ExportWriter *w)
{
	Folder *f = xcalloc(1, sizeof *f);
	for (int i = 0; i < SPLIT_MAX; i++)
		f->sub[i] = -1;
	w->state = f;
	return STATUS_OK;
}

/* The part's folder and metadata file, made at its first image. */
static Status open_part(ExportWriter *w, Folder *f, int part)
{
	Status st;
	if (f->sub[part] >= 0)
		return STATUS_OK;
	st = outdir_mkdir(w->dir, part_name(w, part), &f->sub[part]);
	if (st == STATUS_OK)
		st = outdir_create(w->dir, f->sub[part], "metadata.jsonl", &f->metadata[part]);
	return st;
}

static Status row(ExportWriter *w, const ExportRow *r)
{
	Folder *f = w->state;
	int part = r->part >= 0 ? r->part : 0;
	char name[80];
	Status st = open_part(w, f, part);
	if (st != STATUS_OK)
		return st;
	snprintf(name, sizeof name, "%s.%s", r->item->sha256, ext_of(r->item));
	st = outdir_place(w->dir, f->sub[part], name, r->item->path, w->options->link);
	if (st != STATUS_OK)
		return st;
	strbuf_reset(&f->line);
	columns_json_line(&f->line, r, COLUMNS_TYPED, "file_name", name);
	out_data(f->metadata[part], f->line.data, f->line.len);
	if (ferror(f->metadata[part]))
		return status_fail(STATUS_ERR_IO, "%s/%s/metadata.jsonl: writing failed",
				   outdir_path(w->dir), part_name(w, part));
	f->rows[part]++;
	return STATUS_OK;
}

static void abandon(ExportWriter *w)
{
	Folder *f = w->state;
	if (!f)
		return;
	for (int i = 0; i < SPLIT_MAX; i++)
		if (f->metadata[i])
			fclose(f->metadata[i]);
	strbuf_free(&f->line);
	free(f);
	w->state = NULL;
}

static Status close_parts(ExportWriter *w, Folder *f)
{
	Status st = STATUS_OK;
	for (int i = 0; i < SPLIT_MAX; i++) {
		int bad;
		if (!f->metadata[i])
			continue;
		bad = ferror(f->metadata[i]);
		bad |= fclose(f->metadata[i]) != 0;
		f->metadata[i] = NULL;
		if (bad && st == STATUS_OK)
			st = status_fail(STATUS_ERR_IO, "%s/%s/metadata.jsonl: writing failed",
					 outdir_path(w->dir), part_name(w, i));
	}
	return st;
}

static Status finish(ExportWriter *w, const ExportSummary *summary)
{
	Folder *f = w->state;
	const char *names[SPLIT_MAX];
	StrBuf card = { 0 };
	char *rule = settlement_config_json(&w->options->settle);
	Status st = close_parts(w, f);
	(void)summary;
	for (int i = 0; i < n_parts(w); i++)
		names[i] = part_name(w, i);
	datacard_build(&card, names, f->rows, n_parts(w), w->label_names, w->n_labels, rule,
		       w->content_hash);
	if (st == STATUS_OK)
		st = outdir_write(w->dir, -1, "README.md", card.data, card.len);
	strbuf_free(&card);
	free(rule);
	abandon(w);
	return st;
}

const ExportOps imagefolder_ops = {
	.name = "imagefolder",
	.summary = "Hugging Face imagefolder: train/validation/test, metadata.jsonl",
	.accepts = accepts,
	.begin = begin,
	.row = row,
	.finish = finish,
	.abandon = abandon,
};
