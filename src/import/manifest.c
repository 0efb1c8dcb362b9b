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
#include "src/img/img.h"

/* How much text before a bad byte a message shows, in bytes. */
enum { UTF8_CONTEXT = 24 };
#define UTF8_ENCODING_HINT                                                                         \
	"Latin-1 or Windows-1252? convert the file with iconv -f WINDOWS-1252 -t UTF-8"
#define UTF8_BROKEN_HINT "a malformed or cut UTF-8 character: is the file damaged?"

struct ManifestReader {
	FILE *file;
	char *path;
	ManifestKind kind;
	long line; /* lines read so far */
	char *buf; /* JSONL: the current line; CSV: the current field */
	size_t buf_cap;
	size_t field_len; /* CSV: bytes in the current field */
	char **header;	  /* CSV column names */
	size_t header_cap;
	int columns;
	int field;	   /* CSV: the index of the field being read */
	long row_bytes;	   /* CSV: bytes of the current row read so far */
	char problem[512]; /* CSV: the first thing wrong with the current row */
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

/* Says where the first invalid UTF-8 byte of s is (the text before it, at
 * most a few characters) and what to do, into out; 0 when s is valid. A
 * lead byte followed by a continuation byte is UTF-8 gone wrong (a cut, a
 * corruption, an encoded surrogate); anything else is a file in another encoding, most often
 * Latin-1 or Windows-1252 (spreadsheets on Windows save those). */
static int describe_invalid_utf8(const char *s, size_t len, char *out, size_t cap)
{
	long at = invalid_utf8_at(s, len);
	unsigned char b;
	size_t from;
	int broken;

	if (at < 0)
		return 0;
	b = (unsigned char)s[at];
	broken = b >= 0xC2 && b <= 0xF4 && (size_t)at + 1 < len &&
		 ((unsigned char)s[at + 1] & 0xC0) == 0x80;
	from = at > UTF8_CONTEXT ? (size_t)at - UTF8_CONTEXT : 0;
	while (from < (size_t)at && ((unsigned char)s[from] & 0xC0) == 0x80)
		from++; /* start on a whole character */
	if (at == 0)
		snprintf(out, cap, "byte 0x%02X at its start (%s)", b,
			 broken ? UTF8_BROKEN_HINT : UTF8_ENCODING_HINT);
	else
		snprintf(out, cap, "byte 0x%02X after \"%.*s\" (%s)", b, (int)((size_t)at - from),
			 s + from, broken ? UTF8_BROKEN_HINT : UTF8_ENCODING_HINT);
	return 1;
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
		if (n > MANIFEST_MAX_LINE) { /* one more than the limit: it may be a '\r' */
			too_long = 1;
			continue;
		}
		r->buf = xgrow(r->buf, &r->buf_cap, n + 2, 1);
		r->buf[n++] = (char)c;
	}
	if (c == EOF && n == 0 && !too_long)
		return -1;
	r->line++;
	if (n && r->buf[n - 1] == '\r' && !too_long)
		n--;
	if (n > MANIFEST_MAX_LINE)
		too_long = 1;
	r->buf = xgrow(r->buf, &r->buf_cap, n + 1, 1);
	r->buf[n] = '\0';
	return too_long ? -2 : (long)n;
}

static int blank(const char *s)
{
	return s[strspn(s, " \t\r\f\v")] == '\0';
}

/* How JSON writes control character c inside a string. */
static void json_escape_of(unsigned char c, char *out, size_t cap)
{
	static const char short_forms[] = "\bb\ff\nn\rr\tt";
	const char *k = memchr(short_forms, c, sizeof short_forms - 1);
	if (k && (k - short_forms) % 2 == 0)
		snprintf(out, cap, "\\%c", k[1]);
	else
		snprintf(out, cap, "\\u%04x", c);
}

/* RFC 8259 allows no raw control character in a string and, between tokens,
 * none but tab, CR and LF; cJSON takes a NUL for the end of a value and the
 * others for text or white space, so they are looked for here, with the
 * escaped NUL, which cJSON decodes into the end of the C string. Returns 1
 * with what is wrong in out. */
static int json_control(const char *s, size_t len, char *out, size_t cap)
{
	int in_string = 0, escaped = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char escape[8];
		if (c == 0) {
			snprintf(out, cap, "a NUL byte (column %zu)", i + 1);
			return 1;
		}
		if (in_string && c < 0x20) {
			json_escape_of(c, escape, sizeof escape);
			snprintf(out, cap,
				 "a raw control character U+%04X in a string (column %zu; "
				 "write it %s)",
				 c, i + 1, escape);
			return 1;
		}
		if (!in_string && c < 0x20 && c != '\t' && c != '\r') {
			snprintf(out, cap, "a control character U+%04X (column %zu)", c, i + 1);
			return 1;
		}
		if (escaped && c == 'u' && len - i > 4 && !memcmp(s + i + 1, "0000", 4)) {
			/* valid JSON, but a C string would end there: the value cut short */
			snprintf(out, cap,
				 "a \\u0000 (NUL) in a string (column %zu), which gavel "
				 "cannot keep",
				 i);
			return 1;
		}
		if (escaped)
			escaped = 0;
		else if (in_string && c == '\\')
			escaped = 1;
		else if (c == '"')
			in_string = !in_string;
	}
	return 0;
}

static Status jsonl_next(ManifestReader *r, cJSON **record, long *line)
{
	char why[400];
	long len;
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
	if (describe_invalid_utf8(r->buf, (size_t)len, why, sizeof why))
		return bad(r, r->line, "not UTF-8 (column %ld): %s",
			   invalid_utf8_at(r->buf, (size_t)len) + 1, why);
	if (json_control(r->buf, (size_t)len, why, sizeof why))
		return bad(r, r->line, "%s%s", strstr(why, "u0000") ? "" : "invalid JSON: ", why);
	/* the length counts the NUL: cJSON checks for it when asked to */
	json = cJSON_ParseWithLengthOpts(r->buf, (size_t)len + 1, &end, 1);
	if (!json) {
		long column = end ? (long)(end - r->buf) + 1 : 1;
		if (column > len) /* it ran out of line */
			return bad(
			    r, r->line,
			    "invalid JSON (at column %ld): the value does not end "
			    "on its line; JSONL holds one object a line (jq -c . makes them)",
			    column);
		return bad(r, r->line, "invalid JSON (at column %ld)", column);
	}
	if (!cJSON_IsObject(json)) {
		cJSON_Delete(json);
		return bad(r, r->line, "expected a JSON object like {\"path\": \"a.jpg\"}");
	}
	*record = json;
	return STATUS_OK;
}

/* ---- CSV (RFC 4180: quoted fields, "" inside quotes, newlines in quotes) ----
 *
 * A row is always read to its end by the grammar, whatever is wrong with it,
 * so one bad row gives one message at its own first line and the next row
 * starts where it should. What is wrong goes to r->problem (the first thing
 * only), checked while the value is still in r->buf. */

typedef enum { FIELD_MORE, FIELD_LAST, FIELD_EOF } FieldEnd;

static void row_problem(ManifestReader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void row_problem(ManifestReader *r, const char *fmt, ...)
{
	va_list ap;
	if (r->problem[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->problem, sizeof r->problem, fmt, ap);
	va_end(ap);
}

/* How messages name the field being read: its column, or its number while
 * the header is read. */
static const char *field_name(const ManifestReader *r, char *out, size_t cap)
{
	if (r->field < r->columns)
		snprintf(out, cap, "\"%s\"", r->header[r->field]);
	else
		snprintf(out, cap, "column %d", r->field + 1);
	return out;
}

/* Keeps byte c of the current field, unless the row has grown past the
 * limit: then the rest of the row is read but not kept. */
static void csv_keep(ManifestReader *r, size_t *n, int c)
{
	char name[300];
	if (r->row_bytes > MANIFEST_MAX_LINE) {
		row_problem(r, "the record is longer than %d bytes (in %s)", MANIFEST_MAX_LINE,
			    field_name(r, name, sizeof name));
		return;
	}
	r->buf = xgrow(r->buf, &r->buf_cap, *n + 2, 1);
	r->buf[(*n)++] = (char)c;
}

static int csv_getc(ManifestReader *r)
{
	int c = getc(r->file);
	if (c == '\n')
		r->line++;
	if (c != EOF)
		r->row_bytes++;
	return c;
}

/* Ends a row at c ('\n' or '\r'; a lone '\r' ends a line too), which is
 * not part of the record's length. */
static void csv_end_line(ManifestReader *r, int c)
{
	r->row_bytes--;
	if (c == '\r') {
		c = getc(r->file);
		if (c != '\n' && c != EOF)
			ungetc(c, r->file);
		r->line++;
	}
}

/* Reads one field into r->buf (r->field_len bytes, NUL-terminated); says
 * whether the row goes on. */
static FieldEnd csv_field(ManifestReader *r)
{
	char name[300];
	size_t n = 0;
	int c = csv_getc(r), quoted = 0;
	FieldEnd end;

	if (c == EOF) {
		end = FIELD_EOF;
		goto out;
	}
	if (c == '"')
		quoted = 1, c = csv_getc(r);
	for (;;) {
		if (c == EOF) {
			if (quoted)
				row_problem(r, "%s opens a quote that is never closed",
					    field_name(r, name, sizeof name));
			end = FIELD_LAST;
			break;
		}
		if (quoted && c == '"') {
			c = csv_getc(r);
			if (c != '"') {
				quoted = 0;
				if (c != ',' && c != '\n' && c != '\r' && c != EOF)
					row_problem(
					    r,
					    "%s: text after its closing quote (a quote inside "
					    "a quoted value is written \"\")",
					    field_name(r, name, sizeof name));
				continue; /* c is read: look at it again, unquoted */
			}
		}
		if (!quoted && c == ',') {
			end = FIELD_MORE;
			break;
		}
		if (!quoted && (c == '\n' || c == '\r')) {
			csv_end_line(r, c);
			end = FIELD_LAST;
			break;
		}
		csv_keep(r, &n, c);
		c = csv_getc(r);
	}
out:
	r->buf = xgrow(r->buf, &r->buf_cap, n + 1, 1);
	r->buf[n] = '\0';
	r->field_len = n;
	return end;
}

/* Reads a row of fields, calling take() for each; *count is how many (0 at
 * the end of the file) and *line the row's first line. */
static void csv_row(ManifestReader *r, void (*take)(ManifestReader *, void *), void *arg,
		    int *count, long *line)
{
	FieldEnd end;
	*count = 0;
	*line = r->line + 1;
	r->row_bytes = 0;
	r->problem[0] = '\0';
	do {
		r->field = *count;
		end = csv_field(r);
		if (end == FIELD_EOF && *count == 0)
			return;
		take(r, arg);
		(*count)++;
	} while (end == FIELD_MORE);
	if (r->row_bytes > MANIFEST_MAX_LINE) /* also when only quotes went over */
		row_problem(r, "the record is longer than %d bytes", MANIFEST_MAX_LINE);
}

/* Checks the field in r->buf as text: no NUL (it would cut the value short),
 * valid UTF-8. */
static void check_text(ManifestReader *r)
{
	char why[400], name[300];
	if (memchr(r->buf, '\0', r->field_len))
		row_problem(r, "%s has a NUL byte (is the file UTF-16, or not text?)",
			    field_name(r, name, sizeof name));
	else if (describe_invalid_utf8(r->buf, r->field_len, why, sizeof why))
		row_problem(r, "%s is not UTF-8: %s", field_name(r, name, sizeof name), why);
}

/* Header names are trimmed of spaces and tabs ("id, path" is common). */
static void take_header(ManifestReader *r, void *arg)
{
	const char *s = r->buf;
	size_t n = r->field_len;
	(void)arg;
	check_text(r);
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	r->header = xgrow(r->header, &r->header_cap, (size_t)r->field + 1, sizeof *r->header);
	r->header[r->field] = xstrndup(s, n);
	r->columns = r->field + 1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* The first name used twice, or NULL; sorted, so a wide header is cheap. */
static const char *twice(char **names, int count)
{
	char ***order = xmalloc(sizeof *order * (size_t)count);
	const char *found = NULL;
	for (int i = 0; i < count; i++)
		order[i] = &names[i];
	qsort(order, (size_t)count, sizeof *order, by_name);
	for (int i = 1; i < count && !found; i++)
		if (!strcmp(*order[i - 1], *order[i]))
			found = *order[i];
	free(order);
	return found;
}

/* What a header without commas may be separated by instead. */
static const struct {
	char c;
	const char *plural, *kind;
} separators[] = {
    {'\t', "tabs", "a tab-separated (TSV)"},
    {';', "semicolons", "a semicolon-separated"},
};

static Status csv_header(ManifestReader *r)
{
	const char *name;
	long line;
	int count;

	do { /* blank lines before the header are passed over */
		for (int i = 0; i < r->columns; i++)
			free(r->header[i]);
		r->columns = 0;
		csv_row(r, take_header, NULL, &count, &line);
	} while (count == 1 && !r->problem[0] && !r->header[0][0]);
	if (count == 0)
		return STATUS_OK; /* an empty file: no records, as for JSONL */
	if (r->problem[0])
		return bad(r, line, "the header: %s", r->problem);
	for (size_t i = 0; r->columns == 1 && i < sizeof separators / sizeof separators[0]; i++)
		if (strchr(r->header[0], separators[i].c))
			return bad(r, line,
				   "the header has %s but no commas: %s file? gavel reads "
				   "CSV (comma-separated) or JSONL; save it as CSV",
				   separators[i].plural, separators[i].kind);
	for (int i = 0; i < r->columns; i++)
		if (!r->header[i][0])
			return bad(r, line, "column %d of the header has no name", i + 1);
	name = r->columns > 1 ? twice(r->header, r->columns) : NULL;
	if (name)
		return bad(r, line, "the column \"%s\" appears twice", name);
	return STATUS_OK;
}

/* Checks a value while it is in r->buf: a message built later would point
 * into a row already freed. Empty values are left out of the record. */
static void take_value(ManifestReader *r, void *arg)
{
	cJSON *record = arg;
	if (r->field >= r->columns || !r->field_len)
		return;
	check_text(r);
	if (!r->problem[0])
		cJSON_AddStringToObject(record, r->header[r->field], r->buf);
}

static Status csv_next(ManifestReader *r, cJSON **record, long *line)
{
	cJSON *row;
	int count;

	for (;;) {
		row = cJSON_CreateObject();
		csv_row(r, take_value, row, &count, line);
		if (count != 1 || row->child || r->problem[0])
			break;
		cJSON_Delete(row); /* a blank line */
	}
	if (count == 0 || r->problem[0] || count != r->columns) {
		cJSON_Delete(row);
		if (count == 0)
			return STATUS_OK;
		if (r->problem[0])
			return bad(r, *line, "%s", r->problem);
		return bad(r, *line, "%d fields, but the header has %d", count, r->columns);
	}
	*record = row;
	return STATUS_OK;
}

/* ---- the reader ---- */

/* How much of a file is looked at to tell what it is. */
enum { HEAD_BYTES = 4096 };

/* Files people give where a manifest is wanted, by their first bytes, and
 * what to do instead. */
static const struct {
	const char *magic;
	size_t len;
	const char *what;
} not_manifests[] = {
    {"\xFF\xFE", 2, "UTF-16 text; gavel reads UTF-8: convert it with iconv -f UTF-16 -t UTF-8"},
    {"\xFE\xFF", 2, "UTF-16 text; gavel reads UTF-8: convert it with iconv -f UTF-16 -t UTF-8"},
    {"PK\x03\x04", 4, "a ZIP archive (an .xlsx or .ods spreadsheet?): save the sheet as CSV UTF-8"},
    {"\xD0\xCF\x11\xE0", 4, "an old Office file (.xls?): save the sheet as CSV UTF-8"},
    {"SQLite format 3", 16, "an SQLite database, not a manifest"},
};

static size_t count_nul(const unsigned char *d, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += d[i] == 0;
	return count;
}

/* Tells what a file that is not a manifest is, from its first n bytes:
 * STATUS_ERR_INPUT with what to do, or STATUS_OK. */
static Status sniff(const ManifestReader *r, const unsigned char *head, size_t n)
{
	ImgInfo info;
	for (size_t i = 0; i < sizeof not_manifests / sizeof not_manifests[0]; i++)
		if (n >= not_manifests[i].len &&
		    !memcmp(head, not_manifests[i].magic, not_manifests[i].len))
			return status_fail(STATUS_ERR_INPUT, "%s: %s", r->path,
					   not_manifests[i].what);
	img_probe_memory(head, n, &info);
	if (info.format != IMG_FORMAT_UNKNOWN)
		return status_fail(STATUS_ERR_INPUT,
				   "%s: a %s image, not a manifest: import the "
				   "folder it is in, or list it in a JSONL or CSV manifest",
				   r->path, img_format_name(info.format));
	if (count_nul(head, n) * 4 > n) /* a stray NUL is left to the line that has it */
		return status_fail(
		    STATUS_ERR_INPUT,
		    "%s: not a text file (it has NUL bytes); a "
		    "manifest is UTF-8 JSONL or CSV (UTF-16 without a byte order mark? "
		    "convert it with iconv -f UTF-16LE -t UTF-8)",
		    r->path);
	return STATUS_OK;
}

/* The kind from the extension, else from the first character that is not
 * white space: '{' or '[' is JSON. */
static ManifestKind guess_kind(const ManifestReader *r, int first)
{
	const char *dot = strrchr(r->path, '.');
	if (dot && !strcasecmp(dot, ".csv"))
		return MANIFEST_CSV;
	if (dot && (!strcasecmp(dot, ".jsonl") || !strcasecmp(dot, ".ndjson") ||
		    !strcasecmp(dot, ".json")))
		return MANIFEST_JSONL;
	return first == '{' || first == '[' ? MANIFEST_JSONL : MANIFEST_CSV;
}

/* Reads the file's first bytes, tells what it is and sets r->kind; the file
 * is left at its first byte after a UTF-8 byte order mark (fseek: a pipe
 * cannot be read twice, and is refused with its reason). */
static Status start(ManifestReader *r)
{
	unsigned char head[HEAD_BYTES];
	size_t n = fread(head, 1, sizeof head, r->file), i = 0;
	Status st;

	if (ferror(r->file))
		return status_fail(STATUS_ERR_IO, "%s: %s", r->path, strerror(errno));
	st = sniff(r, head, n);
	if (st != STATUS_OK)
		return st;
	if (n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3))
		i = 3; /* a UTF-8 byte order mark is passed over */
	if (fseek(r->file, (long)i, SEEK_SET) != 0)
		return status_fail(STATUS_ERR_IO, "%s: %s", r->path,
				   errno == ESPIPE ? "a pipe; write the manifest to a file first"
						   : strerror(errno));
	while (i < n && head[i] && strchr(" \t\r\n", head[i]))
		i++;
	r->kind = guess_kind(r, i < n ? head[i] : EOF);
	if (r->kind == MANIFEST_JSONL && i < n && head[i] == '[')
		return status_fail(STATUS_ERR_INPUT,
				   "%s: a JSON array; gavel reads JSON Lines, one "
				   "object a line: convert it with jq -c '.[]'",
				   r->path);
	return r->kind == MANIFEST_CSV ? csv_header(r) : STATUS_OK;
}

Status manifest_open(const char *path, ManifestReader **out)
{
	ManifestReader *r;
	Status st;

	*out = NULL;
	r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	r->file = fopen(path, "rb");
	if (!r->file)
		st = status_fail(errno == ENOENT ? STATUS_ERR_NOT_FOUND : STATUS_ERR_IO, "%s: %s",
				 path, strerror(errno));
	else
		st = start(r);
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
