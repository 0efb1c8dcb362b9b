/* manifest.c - JSONL and CSV manifest readers. */
#include "src/import/manifest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/base/text.h"
#include "src/base/xalloc.h"

struct ManifestReader {
	FILE *file;
	char *path;
	ManifestKind kind;
	long line;          /* lines read so far */
	char *buf;          /* JSONL: the current line; CSV: the current field */
	size_t buf_cap;
	char **header;      /* CSV column names */
	int columns;
};

static Status bad(const ManifestReader *r, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static Status bad(const ManifestReader *r, long line, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return status_fail(STATUS_ERR_INPUT, "%s:%ld: %s", r->path, line, what);
}

/* Returns the byte offset of the first invalid UTF-8 sequence, or -1. */
static long invalid_utf8_at(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = text_utf8_decode(s + i, len - i, &cp);
		if (!k)
			return (long)i;
		i += k;
	}
	return -1;
}

static void skip_bom(ManifestReader *r)
{
	int c0 = getc(r->file), c1, c2;
	if (c0 == 0xEF) {
		c1 = getc(r->file);
		c2 = getc(r->file);
		if (c1 == 0xBB && c2 == 0xBF)
			return;
		rewind(r->file); /* not a BOM: read from the start */
		return;
	}
	if (c0 != EOF)
		ungetc(c0, r->file);
}

/* ---- JSONL ---- */

/* Reads one line (without its newline) into r->buf; returns its length, or
 * -1 at the end, -2 when it is longer than MANIFEST_MAX_LINE (the rest of the
 * line is skipped). */
static long read_line(ManifestReader *r)
{
	size_t n = 0;
	int c, too_long = 0;
	while ((c = getc(r->file)) != EOF && c != '\n') {
		if (n >= MANIFEST_MAX_LINE) {
			too_long = 1;
			continue;
		}
		r->buf = xgrow(r->buf, &r->buf_cap, n + 2, 1);
		r->buf[n++] = (char)c;
	}
	if (c == EOF && n == 0 && !too_long)
		return -1;
	r->line++;
	if (n && r->buf[n - 1] == '\r')
		n--;
	r->buf = xgrow(r->buf, &r->buf_cap, n + 1, 1);
	r->buf[n] = '\0';
	return too_long ? -2 : (long)n;
}

static int blank(const char *s)
{
	return s[strspn(s, " \t\r\f\v")] == '\0';
}

static Status jsonl_next(ManifestReader *r, cJSON **record, long *line)
{
	long len, at;
	const char *end = NULL;
	cJSON *json;

	do {
		len = read_line(r);
		if (len == -1)
			return STATUS_OK;
		*line = r->line;
		if (len == -2)
			return bad(r, r->line, "line longer than %d bytes", MANIFEST_MAX_LINE);
	} while (blank(r->buf));
	at = invalid_utf8_at(r->buf, (size_t)len);
	if (at >= 0)
		return bad(r, r->line, "not valid UTF-8 (at byte %ld)", at + 1);
	/* the length counts the NUL: cJSON checks for it when asked to */
	json = cJSON_ParseWithLengthOpts(r->buf, (size_t)len + 1, &end, 1);
	if (!json) {
		long column = end ? (long)(end - r->buf) + 1 : 1;
		return bad(r, r->line, "invalid JSON (at column %ld)", column);
	}
	if (!cJSON_IsObject(json)) {
		cJSON_Delete(json);
		return bad(r, r->line, "expected a JSON object like {\"path\": \"a.jpg\"}");
	}
	*record = json;
	return STATUS_OK;
}

/* ---- CSV (RFC 4180: quoted fields, "" inside quotes, newlines in quotes) ---- */

typedef enum { FIELD_MORE, FIELD_LAST, FIELD_EOF, FIELD_BAD } FieldEnd;

/* Reads one field into r->buf; says whether the row goes on. */
static FieldEnd csv_field(ManifestReader *r, int *quote_error)
{
	size_t n = 0;
	int c = getc(r->file), quoted = 0;
	FieldEnd end;

	if (c == EOF)
		return FIELD_EOF;
	if (c == '"')
		quoted = 1, c = getc(r->file);
	for (;; c = getc(r->file)) {
		if (c == EOF) {
			end = quoted ? FIELD_BAD : FIELD_LAST;
			break;
		}
		if (quoted && c == '"') {
			c = getc(r->file);
			if (c != '"') {
				quoted = 0;
				if (c != ',' && c != '\n' && c != '\r' && c != EOF) {
					*quote_error = 1;
					end = FIELD_BAD;
					break;
				}
			}
		}
		if (!quoted && c == ',') {
			end = FIELD_MORE;
			break;
		}
		if (!quoted && (c == '\n' || c == '\r' || c == EOF)) {
			if (c == '\r' && (c = getc(r->file)) != '\n' && c != EOF)
				ungetc(c, r->file);
			end = FIELD_LAST;
			break;
		}
		if (c == '\n')
			r->line++;
		if (n >= MANIFEST_MAX_LINE) {
			end = FIELD_BAD;
			break;
		}
		r->buf = xgrow(r->buf, &r->buf_cap, n + 2, 1);
		r->buf[n++] = (char)c;
	}
	r->buf = xgrow(r->buf, &r->buf_cap, n + 1, 1);
	r->buf[n] = '\0';
	return end;
}

/* Skips to the end of the current row after an error. */
static void csv_skip_row(ManifestReader *r)
{
	int quote_error = 0;
	FieldEnd end;
	do
		end = csv_field(r, &quote_error);
	while (end == FIELD_MORE);
	if (end != FIELD_EOF)
		r->line++;
}

/* Reads a row of fields, calling take() for each; *count is how many. */
static Status csv_row(ManifestReader *r, void (*take)(ManifestReader *, int, void *), void *arg,
		      int *count, long *line)
{
	int quote_error = 0;
	FieldEnd end;
	*count = 0;
	*line = r->line + 1;
	do {
		end = csv_field(r, &quote_error);
		if (end == FIELD_EOF && *count == 0)
			return STATUS_OK;
		if (end == FIELD_BAD) {
			if (quote_error)
				csv_skip_row(r);
			else
				r->line++;
			return bad(r, *line, quote_error ? "a quoted field is followed by text"
					     : "an unterminated quoted field or an over-long field");
		}
		take(r, (*count)++, arg);
	} while (end == FIELD_MORE);
	r->line++;
	return STATUS_OK;
}

static void take_header(ManifestReader *r, int index, void *arg)
{
	(void)arg;
	r->header = xrealloc(r->header, sizeof *r->header * (size_t)(index + 1));
	r->header[index] = xstrdup(r->buf);
	r->columns = index + 1;
}

static Status csv_header(ManifestReader *r)
{
	long line;
	int count;
	Status st = csv_row(r, take_header, NULL, &count, &line);
	if (st != STATUS_OK)
		return st;
	if (count == 0)
		return status_fail(STATUS_ERR_INPUT, "%s: empty file (a CSV manifest needs a header "
				   "line such as \"id,path,title,category\")", r->path);
	for (int i = 0; i < r->columns; i++) {
		if (!r->header[i][0])
			return bad(r, 1, "column %d of the header has no name", i + 1);
		for (int j = 0; j < i; j++)
			if (!strcmp(r->header[i], r->header[j]))
				return bad(r, 1, "the column \"%s\" appears twice", r->header[i]);
	}
	return STATUS_OK;
}

static void take_value(ManifestReader *r, int index, void *arg)
{
	cJSON *record = arg;
	if (index < r->columns && r->buf[0])
		cJSON_AddStringToObject(record, r->header[index], r->buf);
}

static Status csv_next(ManifestReader *r, cJSON **record, long *line)
{
	cJSON *row;
	int count;
	Status st;

	for (;;) {
		row = cJSON_CreateObject();
		st = csv_row(r, take_value, row, &count, line);
		if (st == STATUS_OK && count == 1 && !row->child) {
			cJSON_Delete(row); /* a blank line */
			continue;
		}
		if (st != STATUS_OK || count == 0) {
			cJSON_Delete(row);
			return st;
		}
		break;
	}
	if (count != r->columns) {
		cJSON_Delete(row);
		return bad(r, *line, "%d fields, but the header has %d", count, r->columns);
	}
	for (cJSON *f = row->child; f; f = f->next) {
		long at = invalid_utf8_at(f->valuestring, strlen(f->valuestring));
		if (at >= 0) {
			cJSON_Delete(row);
			return bad(r, *line, "not valid UTF-8 (in \"%s\")", f->string);
		}
	}
	*record = row;
	return STATUS_OK;
}

/* ---- the reader ---- */

static ManifestKind guess_kind(ManifestReader *r)
{
	const char *dot = strrchr(r->path, '.');
	int c;
	if (dot && !strcasecmp(dot, ".csv"))
		return MANIFEST_CSV;
	if (dot && (!strcasecmp(dot, ".jsonl") || !strcasecmp(dot, ".ndjson") ||
		    !strcasecmp(dot, ".json")))
		return MANIFEST_JSONL;
	while ((c = getc(r->file)) == ' ' || c == '\t' || c == '\r' || c == '\n')
		;
	rewind(r->file);
	skip_bom(r);
	return c == '{' ? MANIFEST_JSONL : MANIFEST_CSV;
}

Status manifest_open(const char *path, ManifestReader **out)
{
	ManifestReader *r;
	Status st = STATUS_OK;

	*out = NULL;
	r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	r->file = fopen(path, "rb");
	if (!r->file) {
		st = status_fail(errno == ENOENT ? STATUS_ERR_NOT_FOUND : STATUS_ERR_IO, "%s: %s",
				 path, strerror(errno));
		goto out;
	}
	skip_bom(r);
	r->kind = guess_kind(r);
	if (r->kind == MANIFEST_CSV)
		st = csv_header(r);
out:
	if (st != STATUS_OK) {
		manifest_close(r);
		return st;
	}
	*out = r;
	return STATUS_OK;
}

Status manifest_next(ManifestReader *r, cJSON **record, long *line)
{
	Status st;
	*record = NULL;
	*line = r->line;
	st = r->kind == MANIFEST_CSV ? csv_next(r, record, line) : jsonl_next(r, record, line);
	if (st == STATUS_OK && !*record && ferror(r->file))
		return status_fail(STATUS_ERR_IO, "%s: read error", r->path);
	return st;
}

void manifest_close(ManifestReader *r)
{
	if (!r)
		return;
	if (r->file)
		fclose(r->file);
	for (int i = 0; i < r->columns; i++)
		free(r->header[i]);
	free(r->header);
	free(r->buf);
	free(r->path);
	free(r);
}

ManifestKind manifest_kind(const ManifestReader *r)
{
	return r->kind;
}
