/* featurefile.c - feature files read a row at a time (featurefile.h). CSV
 * lines are split in place (quotes with "" escapes; a quoted field cannot
 * span lines, which no id or number needs); JSONL lines go through cJSON. */
#include "src/score/featurefile.h"

#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/base/xalloc.h"

typedef enum { KIND_CSV, KIND_JSONL } Kind;

struct FeatureFile {
	FILE *f;
	char *path;
	Kind kind;
	char *line;         /* the current line (getline's buffer) */
	size_t line_cap;
	long lineno;
	int dim;
	char **columns;     /* dim names */
	/* CSV: the header's width and the id column */
	int width, id_col;
	char **fields;      /* pointers into line */
	size_t fields_cap;
	/* JSONL: the id, the array field (NULL: flat fields), a pending first record */
	char *array;
	char id[64];
	cJSON *pending;
	long pending_line;
};

static const char *const ID_NAMES[] = {"item", "id", "item_id"};

static int is_id_name(const char *name)
{
	for (size_t i = 0; i < sizeof ID_NAMES / sizeof ID_NAMES[0]; i++)
		if (!strcasecmp(name, ID_NAMES[i]))
			return 1;
	return 0;
}

/* Reads the next non-empty line, without its line end; 0 at the end. */
static int next_line(FeatureFile *ff)
{
	ssize_t n;
	while ((n = getline(&ff->line, &ff->line_cap, ff->f)) >= 0) {
		ff->lineno++;
		while (n > 0 && (ff->line[n - 1] == '\n' || ff->line[n - 1] == '\r'))
			ff->line[--n] = '\0';
		if (n > 0)
			return 1;
	}
	return 0;
}

static Status bad(const FeatureFile *ff, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "FILE:LINE: what is wrong" about the current line. */
static Status bad(const FeatureFile *ff, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return status_fail(STATUS_ERR_INPUT, "%s:%ld: %s", ff->path, ff->lineno, what);
}

/* ---- CSV ---- */

/* Splits the line at commas into fields (unquoted in place; the array
 * grows as needed); returns how many there were, or -1 for a quote left
 * open or text after a closing quote. */
static int split_csv(char *s, char ***fields, size_t *cap)
{
	int n = 0;
	for (;;) {
		char *out;
		*fields = xgrow(*fields, cap, (size_t)n + 1, sizeof **fields);
		(*fields)[n++] = s;
		if (*s == '"') {
			char *r = s + 1;
			out = s;
			for (;;) {
				if (!*r)
					return -1;
				if (*r == '"' && r[1] == '"')
					*out++ = '"', r += 2;
				else if (*r == '"')
					break;
				else
					*out++ = *r++;
			}
			s = r + 1;
			if (*s && *s != ',')
				return -1;
		} else {
			while (*s && *s != ',')
				s++;
			out = s;
		}
		if (!*s) {
			*out = '\0';
			return n;
		}
		*out = '\0';
		s++;
	}
}

static char *trim(char *s)
{
	char *end = s + strlen(s);
	while (isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static Status csv_header(FeatureFile *ff)
{
	int n, k = 0;
	if (!next_line(ff))
		return status_fail(STATUS_ERR_INPUT, "%s: empty file: a header line is needed", ff->path);
	n = split_csv(ff->line, &ff->fields, &ff->fields_cap);
	if (n < 2)
		return bad(ff, "the header needs an id column and at least one value column");
	ff->width = n;
	ff->id_col = 0;
	for (int i = n - 1; i >= 0; i--)
		if (is_id_name(trim(ff->fields[i])))
			ff->id_col = i;
	ff->dim = n - 1;
	ff->columns = xcalloc((size_t)ff->dim + 1, sizeof *ff->columns);
	for (int i = 0; i < n; i++)
		if (i != ff->id_col)
			ff->columns[k++] = xstrdup(trim(ff->fields[i]));
	return STATUS_OK;
}

static Status parse_number(FeatureFile *ff, const char *text, const char *column, double *out)
{
	char *end;
	errno = 0;
	if (!*text)
		return bad(ff, "no value for '%s'", column);
	*out = strtod(text, &end);
	if (end == text || *end)
		return bad(ff, "'%s' is not a number", text);
	if (!isfinite(*out))
		return bad(ff, "'%s' is not a finite number", text);
	return STATUS_OK;
}

static Status csv_row(FeatureFile *ff, const char **id, double *values)
{
	int n = split_csv(ff->line, &ff->fields, &ff->fields_cap), k = 0;
	if (n < 0)
		return bad(ff, "a quoted field is not closed, or text follows its closing quote");
	if (n != ff->width)
		return bad(ff, "%d values, the header has %d", n - 1, ff->width - 1);
	*id = trim(ff->fields[ff->id_col]);
	if (!**id)
		return bad(ff, "no item id");
	for (int i = 0; i < n; i++) {
		Status st;
		if (i == ff->id_col)
			continue;
		st = parse_number(ff, trim(ff->fields[i]), ff->columns[k], &values[k]);
		if (st != STATUS_OK)
			return st;
		k++;
	}
	return STATUS_OK;
}

/* ---- JSONL ---- */

/* The record's id as text into ff->id; 0 when it has none. */
static int json_id(FeatureFile *ff, const cJSON *rec)
{
	for (size_t i = 0; i < sizeof ID_NAMES / sizeof ID_NAMES[0]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, ID_NAMES[i]);
		if (cJSON_IsString(v) && *v->valuestring) {
			snprintf(ff->id, sizeof ff->id, "%s", v->valuestring);
			return strlen(v->valuestring) < sizeof ff->id;
		}
		if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
		    fabs(v->valuedouble) < 9e15) {
			snprintf(ff->id, sizeof ff->id, "%.0f", v->valuedouble);
			return 1;
		}
	}
	return 0;
}

static Status json_parse_line(FeatureFile *ff, cJSON **rec)
{
	*rec = cJSON_Parse(ff->line);
	if (!cJSON_IsObject(*rec)) {
		cJSON_Delete(*rec);
		*rec = NULL;
		return bad(ff, "not a JSON object");
	}
	return STATUS_OK;
}

/* Learns the columns from the first record, which is kept for the first
 * call of featurefile_next(). */
static Status json_columns(FeatureFile *ff)
{
	cJSON *rec, *f;
	int n = 0, k = 0;
	Status st;
	if (!next_line(ff))
		return status_fail(STATUS_ERR_INPUT, "%s: empty file", ff->path);
	if ((st = json_parse_line(ff, &rec)) != STATUS_OK)
		return st;
	ff->pending = rec, ff->pending_line = ff->lineno;
	cJSON_ArrayForEach(f, rec)
		if (!is_id_name(f->string))
			n++;
	f = rec->child;
	while (f && is_id_name(f->string))
		f = f->next;
	if (n == 1 && cJSON_IsArray(f)) {
		ff->array = xstrdup(f->string);
		ff->dim = cJSON_GetArraySize(f);
		ff->columns = xcalloc((size_t)ff->dim + 1, sizeof *ff->columns);
		for (int i = 0; i < ff->dim; i++)
			ff->columns[i] = xasprintf("%s_%d", f->string, i);
	} else {
		ff->dim = n;
		ff->columns = xcalloc((size_t)n + 1, sizeof *ff->columns);
		cJSON_ArrayForEach(f, rec)
			if (!is_id_name(f->string))
				ff->columns[k++] = xstrdup(f->string);
	}
	if (!ff->dim)
		return bad(ff, "the first record has no values besides its id");
	return STATUS_OK;
}

static Status json_value(FeatureFile *ff, const cJSON *v, const char *column, double *out)
{
	if (!v)
		return bad(ff, "no value for '%s'", column);
	if (!cJSON_IsNumber(v))
		return bad(ff, "the value of '%s' is not a number", column);
	if (!isfinite(v->valuedouble))
		return bad(ff, "the value of '%s' is not a finite number", column);
	*out = v->valuedouble;
	return STATUS_OK;
}

static Status json_row(FeatureFile *ff, const cJSON *rec, const char **id, double *values)
{
	const cJSON *f;
	int n = 0;
	Status st = STATUS_OK;
	if (!json_id(ff, rec))
		return bad(ff, "no \"item\" id (a string or a whole number)");
	*id = ff->id;
	if (ff->array) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(rec, ff->array);
		if (!cJSON_IsArray(a))
			return bad(ff, "no \"%s\" array", ff->array);
		if (cJSON_GetArraySize(a) != ff->dim)
			return bad(ff, "\"%s\" has %d values, the first record had %d", ff->array,
				   cJSON_GetArraySize(a), ff->dim);
		cJSON_ArrayForEach(f, a) {
			if ((st = json_value(ff, f, ff->columns[n], &values[n])) != STATUS_OK)
				return st;
			n++;
		}
		return STATUS_OK;
	}
	for (int i = 0; st == STATUS_OK && i < ff->dim; i++)
		st = json_value(ff, cJSON_GetObjectItemCaseSensitive(rec, ff->columns[i]),
				ff->columns[i], &values[i]);
	cJSON_ArrayForEach(f, rec)
		n += !is_id_name(f->string);
	if (st == STATUS_OK && n != ff->dim)
		return bad(ff, "%d fields, the first record had %d", n, ff->dim);
	return st;
}

/* ---- the reader ---- */

static Kind kind_of(const char *path, FILE *f)
{
	const char *dot = strrchr(path, '.');
	int c;
	if (dot && !strcasecmp(dot, ".csv"))
		return KIND_CSV;
	if (dot && (!strcasecmp(dot, ".jsonl") || !strcasecmp(dot, ".ndjson") ||
		    !strcasecmp(dot, ".json")))
		return KIND_JSONL;
	while ((c = fgetc(f)) != EOF && isspace(c))
		;
	rewind(f);
	return c == '{' ? KIND_JSONL : KIND_CSV;
}

static Status check_names(FeatureFile *ff)
{
	for (int i = 0; i < ff->dim; i++) {
		if (!*ff->columns[i])
			return status_fail(STATUS_ERR_INPUT, "%s:1: value column %d has no name", ff->path,
					   i + 1);
		for (int j = 0; j < i; j++)
			if (!strcmp(ff->columns[i], ff->columns[j]))
				return status_fail(STATUS_ERR_INPUT, "%s:1: the column '%s' is named twice",
						   ff->path, ff->columns[i]);
	}
	return STATUS_OK;
}

Status featurefile_open(const char *path, FeatureFile **out)
{
	FeatureFile *ff;
	Status st;
	FILE *f = fopen(path, "r");
	*out = NULL;
	if (!f)
		return status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
	ff = xcalloc(1, sizeof *ff);
	ff->f = f;
	ff->path = xstrdup(path);
	ff->kind = kind_of(path, f);
	st = ff->kind == KIND_CSV ? csv_header(ff) : json_columns(ff);
	if (st == STATUS_OK)
		st = check_names(ff);
	if (st != STATUS_OK) {
		featurefile_close(ff);
		return st;
	}
	*out = ff;
	return STATUS_OK;
}

int featurefile_dim(const FeatureFile *ff)
{
	return ff->dim;
}

const char *const *featurefile_columns(const FeatureFile *ff)
{
	return (const char *const *)ff->columns;
}

Status featurefile_next(FeatureFile *ff, const char **id, double *values, long *line, int *more)
{
	cJSON *rec = NULL;
	Status st;
	*more = 0;
	if (ff->pending) {
		rec = ff->pending, ff->pending = NULL;
		*line = ff->pending_line;
	} else {
		if (!next_line(ff))
			return ferror(ff->f) ? status_fail(STATUS_ERR_IO, "%s: read error", ff->path)
					     : STATUS_OK;
		*line = ff->lineno;
	}
	*more = 1;
	if (ff->kind == KIND_CSV)
		return csv_row(ff, id, values);
	if (!rec && (st = json_parse_line(ff, &rec)) != STATUS_OK)
		return st;
	st = json_row(ff, rec, id, values);
	cJSON_Delete(rec);
	return st;
}

void featurefile_close(FeatureFile *ff)
{
	if (!ff)
		return;
	if (ff->f)
		fclose(ff->f);
	if (ff->columns)
		xfree_strings(ff->columns, (size_t)ff->dim);
	free(ff->fields);
	free(ff->line);
	free(ff->path);
	free(ff->array);
	cJSON_Delete(ff->pending);
	free(ff);
}
