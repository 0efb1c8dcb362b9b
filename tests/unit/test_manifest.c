/* test_manifest.c - the JSONL and CSV readers on canned files. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "src/import/manifest.h"
#include "tests/unit/test.h"

static char path[] = "/tmp/gavel-test-manifest.XXXXXX";

/* Writes TEXT to a temporary file named with SUFFIX and returns its path. */
static const char *write_file(const char *suffix, const char *text, size_t len)
{
	static char name[128];
	FILE *f;
	snprintf(name, sizeof name, "%s/m%s", path, suffix);
	f = fopen(name, "wb");
	fwrite(text, 1, len, f);
	fclose(f);
	return name;
}

#define WRITE(suffix, literal) write_file(suffix, literal, sizeof literal - 1)

static const char *field(cJSON *record, const char *name)
{
	cJSON *f = cJSON_GetObjectItemCaseSensitive(record, name);
	return cJSON_IsString(f) ? f->valuestring : NULL;
}

static void jsonl_records_and_line_numbers(void)
{
	ManifestReader *r;
	cJSON *rec;
	long line;
	const char *p =
	    WRITE(".jsonl", "\xEF\xBB\xBF{\"path\":\"a.jpg\"}\r\n\n   "
			    "\n{\"path\":\"b.jpg\",\"n\":2}\n{bad}\n[1]\n{\"path\":\"c.jpg\"}");
	CHECK_INT(manifest_open(p, &r), STATUS_OK);
	CHECK_INT(manifest_kind(r), MANIFEST_JSONL);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK_INT(line, 1);
	CHECK_STR(field(rec, "path"), "a.jpg");
	cJSON_Delete(rec);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK_INT(line, 4);
	CHECK_STR(field(rec, "path"), "b.jpg");
	cJSON_Delete(rec);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), ":5: invalid JSON") != NULL);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), ":6: expected a JSON object") != NULL);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK_INT(line, 7);
	CHECK_STR(field(rec, "path"), "c.jpg");
	cJSON_Delete(rec);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK(rec == NULL);
	manifest_close(r);
}

static void jsonl_refuses_invalid_utf8(void)
{
	ManifestReader *r;
	cJSON *rec;
	long line;
	const char *p = WRITE(".jsonl", "{\"title\":\"\xC0\xAF\"}\n{\"title\":\"\xE6\x97\xA5\"}\n");
	CHECK_INT(manifest_open(p, &r), STATUS_OK);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(),
		     ":1: not UTF-8 (column 11): byte 0xC0 after \"{\"title\":\"\"") != NULL);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK_STR(field(rec, "title"), "\xE6\x97\xA5");
	cJSON_Delete(rec);
	manifest_close(r);
}

/* JSON (RFC 8259) has no raw control characters in strings, and only space,
 * tab, CR and LF between tokens; cJSON read a NUL as the end of a value and
 * the others as text or white space. */
static void jsonl_control_characters(void)
{
	static const struct {
		const char *text;
		size_t len;
		const char *detail;
	} cases[] = {
	    {"{\"path\":\"a\",\"title\":\"ab\0cd\"}\n", 29,
	     ":1: invalid JSON: a NUL byte (column 24)"},
	    {"{\"path\":\"a\",\"title\":\"a\x1b[31mb\"}\n", 0,
	     ":1: invalid JSON: a raw control character U+001B in a string (column 23; write it "
	     "\\u001b)"},
	    {"{\"path\":\"a\",\"title\":\"tab\there\"}\n", 0,
	     ":1: invalid JSON: a raw control character U+0009 in a string (column 25; write it "
	     "\\t)"},
	    {"{\"path\":\"a\",\"t\":\"\\\"\x7f\x01\"}\n", 0,
	     "U+0001 in a string (column 21; write it \\u0001)"},
	    {"{\"path\":\"a\",\x0c\"title\":\"x\"}\n", 0,
	     ":1: invalid JSON: a control character U+000C (column 13)"},
	    {"\x01{\"path\":\"a\"}\n", 0,
	     ":1: invalid JSON: a control character U+0001 (column 1)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ManifestReader *r;
		cJSON *rec;
		long line;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		CHECK_INT(manifest_open(write_file(".jsonl", cases[i].text, len), &r), STATUS_OK);
		CHECK_INT(manifest_next(r, &rec, &line), STATUS_ERR_INPUT);
		CHECK(strstr(status_detail(), cases[i].detail) != NULL);
		if (!strstr(status_detail(), cases[i].detail))
			fprintf(stderr, "  case %zu: %s\n", i, status_detail());
		manifest_close(r);
	}
	/* escaped, they are data; tabs and CRs between tokens are white space */
	{
		ManifestReader *r;
		cJSON *rec;
		long line;
		CHECK_INT(manifest_open(
			      WRITE(".jsonl",
				    "{\"path\":\t\"a\",\r\"title\":\"a\\\\u0000b\\u001b\\t\x7f\"}\n"
				    "{\"path\":\"b\",\"title\":\"ab\\u0000cd\"}\n"),
			      &r),
			  STATUS_OK);
		CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
		CHECK_STR(field(rec, "path"), "a");
		CHECK_STR(field(rec, "title"), "a\\u0000b\x1b\t\x7f"); /* an escaped backslash */
		cJSON_Delete(rec);
		/* an escaped NUL is JSON, but would cut the value to "ab" */
		CHECK_INT(manifest_next(r, &rec, &line), STATUS_ERR_INPUT);
		CHECK(strstr(
			  status_detail(),
			  ":2: a \\u0000 (NUL) in a string (column 24), which gavel cannot keep") !=
		      NULL);
		manifest_close(r);
	}
}

static void csv_quotes_and_line_numbers(void)
{
	ManifestReader *r;
	cJSON *rec;
	long line;
	const char *p =
	    WRITE(".csv", "id,path,title\n1,a.jpg,\"x, "
			  "\"\"y\"\"\"\n2,b.jpg,\"two\nlines\"\n\n3,c.jpg,\n4,d.jpg\n5,e.jpg,t");
	CHECK_INT(manifest_open(p, &r), STATUS_OK);
	CHECK_INT(manifest_kind(r), MANIFEST_CSV);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK_INT(line, 2);
	CHECK_STR(field(rec, "title"), "x, \"y\"");
	cJSON_Delete(rec);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK_INT(line, 3);
	CHECK_STR(field(rec, "title"), "two\nlines");
	cJSON_Delete(rec);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK_INT(line, 6);
	CHECK_STR(field(rec, "id"), "3");
	CHECK(field(rec, "title") == NULL); /* empty values are left out */
	cJSON_Delete(rec);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), ":7: 2 fields, but the header has 3") != NULL);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK_INT(line, 8);
	CHECK_STR(field(rec, "title"), "t");
	cJSON_Delete(rec);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK(rec == NULL);
	manifest_close(r);
}

/* A Latin-1 or Windows-1252 CSV: the message names the line and the column,
 * shows the text before the bad byte and says what to do (the detail was
 * once built from a freed row, and showed garbage). */
static void csv_in_a_legacy_encoding(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	    /* Latin-1: "Café crème" */
	    {"id,path,title\na,a.jpg,ok\nb,b.jpg,Caf\xE9 cr\xE8me\n",
	     ":3: \"title\" is not UTF-8: byte 0xE9 after \"Caf\""},
	    /* Windows-1252: curly quotes and the euro sign in the id */
	    {"id,path,title\n\x93x\x94 \x80,a.jpg,t\n",
	     ":2: \"id\" is not UTF-8: byte 0x93 at its start"},
	    /* quoted, over two lines: the record's first line */
	    {"id,path,title\nc,c.jpg,\"\xC5ngstr\xF6m\nzwei\"\n",
	     ":2: \"title\" is not UTF-8: byte 0xC5 at its start"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ManifestReader *r;
		cJSON *rec = NULL;
		long line;
		const char *p = write_file(".csv", cases[i].text, strlen(cases[i].text));
		CHECK_INT(manifest_open(p, &r), STATUS_OK);
		while (manifest_next(r, &rec, &line) == STATUS_OK && rec)
			cJSON_Delete(rec);
		CHECK(strstr(status_detail(), cases[i].want) != NULL);
		CHECK(strstr(status_detail(), "Windows-1252") != NULL);
		CHECK(strstr(status_detail(), "iconv -f WINDOWS-1252 -t UTF-8") != NULL);
		if (!strstr(status_detail(), cases[i].want))
			fprintf(stderr, "  case %zu: %s\n", i, status_detail());
		CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
		CHECK(rec == NULL);
		manifest_close(r);
	}
}

/* Reads every record of PATH into log: "L" for a good record starting on line
 * L, "L!" for a bad one (its line from the detail); the last detail goes to
 * last. */
static void read_all(const char *p, char *log, size_t cap, char *last, size_t last_cap)
{
	ManifestReader *r;
	cJSON *rec;
	long line;
	size_t n = 0;
	Status st;
	log[0] = last[0] = '\0';
	if (manifest_open(p, &r) != STATUS_OK) {
		snprintf(last, last_cap, "%s", status_detail());
		snprintf(log, cap, "open!");
		return;
	}
	while (n < cap && ((st = manifest_next(r, &rec, &line)) == STATUS_ERR_INPUT || rec)) {
		if (st == STATUS_ERR_INPUT) {
			const char *at = strstr(status_detail(), p);
			snprintf(last, last_cap, "%s", status_detail());
			line = at ? atol(at + strlen(p) + 1) : -1;
			n += (size_t)snprintf(log + n, cap - n, "%ld! ", line);
		} else {
			n += (size_t)snprintf(log + n, cap - n, "%ld ", line);
			cJSON_Delete(rec);
		}
	}
	manifest_close(r);
}

/* Appends count copies of c to the buffer at *at. */
static void fill(char **at, int c, size_t count)
{
	memset(*at, c, count);
	*at += count;
}

static void put(char **at, const char *s)
{
	size_t n = strlen(s);
	memcpy(*at, s, n);
	*at += n;
}

/* An over-long value is one error at its record's first line; the records
 * after it are read from where they start (the reader once gave errors on
 * the lines after it and one past the end of the file). */
static void csv_over_long_value_is_one_error(void)
{
	enum { MAX = MANIFEST_MAX_LINE };
	char *text = malloc(3 * (size_t)MAX), *at = text, log[256], last[1024];
	put(&at, "id,path,title\n1,a.jpg,ok\n2,b.jpg,\"");
	fill(&at, 'x', MAX / 2);
	put(&at, ", \"\"quoted\"\"\nstill the value, ");
	fill(&at, 'x', MAX / 2);
	put(&at, "\"\n3,c.jpg,fine\n4,d.jpg,");
	fill(&at, 'y', MAX + 5);
	put(&at, "\r\n5,e.jpg,last\n");
	read_all(write_file(".csv", text, (size_t)(at - text)), log, sizeof log, last, sizeof last);
	CHECK_STR(log, "2 3! 5 6! 7 ");
	CHECK(strstr(last, ":6: the record is longer than 1048576 bytes (in \"title\")") != NULL);
	free(text);
}

/* A record of exactly MANIFEST_MAX_LINE bytes is read, one more is not,
 * whichever byte goes over (a value's, a closing quote, before a CRLF). */
static void records_at_the_limit(void)
{
	enum { MAX = MANIFEST_MAX_LINE };
	static const struct {
		const char *head, *tail;
		long pad; /* the record's bytes besides the x's */
	} shapes[] = {
	    {"a.jpg,", "", 6},	   /* unquoted */
	    {"a.jpg,\"", "\"", 8}, /* the closing quote is the last byte */
	    {"\"a.jpg\",\"", "\"", 10},
	};
	char *text = malloc(2 * (size_t)MAX), log[256], last[1024];
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		for (int over = 0; over <= 1; over++) {
			char *at = text;
			put(&at, "path,title\r\n");
			put(&at, shapes[i].head);
			fill(&at, 'x', (size_t)(MAX - shapes[i].pad + over));
			put(&at, shapes[i].tail);
			put(&at, "\r\nb.jpg,t\r\n");
			read_all(write_file(".csv", text, (size_t)(at - text)), log, sizeof log,
				 last, sizeof last);
			CHECK_STR(log, over ? "2! 3 " : "2 3 ");
		}
	}
	for (int over = 0; over <= 1; over++) { /* JSONL, with a CRLF */
		char *at = text;
		put(&at, "{\"path\":\"a\"");
		fill(&at, ' ', (size_t)(MAX - 12 + over));
		put(&at, "}\r\n{\"path\":\"b\"}\r\n");
		read_all(write_file(".jsonl", text, (size_t)(at - text)), log, sizeof log, last,
			 sizeof last);
		CHECK_STR(log, over ? "1! 2 " : "1 2 ");
	}
	free(text);
}

/* Each bad row is one message at its first line; reading goes on. */
static void csv_bad_rows(void)
{
	static const struct {
		const char *text, *log, *detail;
	} cases[] = {
	    {"path,title\n\"a.jpg\"x,t\nb.jpg,u\n", "2! 3 ",
	     ":2: \"path\": text after its closing quote"},
	    {"path,title\na.jpg,\"t\nb.jpg,u\n", "2! ",
	     ":2: \"title\" opens a quote that is never closed"},
	    {"path,title\na.jpg,t\xC3\0x\nb.jpg,u\n", "2! 3 ", ":2: \"title\" has a NUL byte"},
	    {"path,title\ra.jpg,t\rb.jpg,u\r", "2 3 ", ""},
	    {"path,title\na.jpg\nb.jpg,u,v\nc.jpg,\"w\"\n", "2! 3! 4 ",
	     ":3: 3 fields, but the header has 2"},
	    {"\n\r\n  \t\npath,title\n\na.jpg,t\n", "6 ", ""},
	};
	char log[256], last[1024];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *text = cases[i].text;
		size_t len = strlen(text);
		if (i == 2)
			len += strlen(text + len + 1) + 1; /* the NUL is data */
		read_all(write_file(".csv", text, len), log, sizeof log, last, sizeof last);
		CHECK_STR(log, cases[i].log);
		CHECK(strstr(last, cases[i].detail) != NULL);
		if (!strstr(last, cases[i].detail))
			fprintf(stderr, "  case %zu: %s\n", i, last);
	}
}

/* Header names: checked as text, trimmed, unique even in a wide header. */
static void csv_header_names(void)
{
	ManifestReader *r;
	cJSON *rec;
	long line;
	char log[256], last[1024];
	size_t cap = 40000, n = 0;
	char *wide = malloc(cap);
	read_all(WRITE(".csv", "id,\xC9tat\na,b\n"), log, sizeof log, last, sizeof last);
	CHECK_STR(log, "open!");
	CHECK(strstr(last, ":1: the header: column 2 is not UTF-8: byte 0xC9 at its start") !=
	      NULL);
	CHECK_INT(manifest_open(
		      WRITE(".csv", " id , path\t,\xE3\x82\xBF\xE3\x82\xA4\xE3\x83\x88\xE3\x83\xAB "
				    "\r\n1, a.jpg ,題\r\n"),
		      &r),
		  STATUS_OK);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK_STR(field(rec, "id"), "1");
	CHECK_STR(field(rec, "path"), " a.jpg "); /* values are kept as they are */
	CHECK_STR(field(rec, "タイトル"), "題");
	cJSON_Delete(rec);
	manifest_close(r);
	for (int i = 0; i < 4000; i++)
		n += (size_t)snprintf(wide + n, cap - n, "c%d,", i);
	snprintf(wide + n, cap - n, "c17\n");
	CHECK_INT(manifest_open(write_file(".csv", wide, strlen(wide)), &r), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), ":1: the column \"c17\" appears twice") != NULL);
	free(wide);
}

/* An empty file has no records, whatever its kind: the same answer for both. */
static void empty_files(void)
{
	static const char *const texts[] = {"", "\n\n", "\xEF\xBB\xBF", "  \r\n\t\n"};
	static const char *const suffixes[] = {".csv", ".jsonl", ".txt"};
	char log[64], last[512];
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
			read_all(write_file(suffixes[k], texts[i], strlen(texts[i])), log,
				 sizeof log, last, sizeof last);
			CHECK_STR(log, "");
		}
	read_all(WRITE(".csv", "id,path\r\n"), log, sizeof log, last, sizeof last);
	CHECK_STR(log, ""); /* a header alone */
}

/* Files that are not manifests say what they are and what to do. */
static void not_manifests(void)
{
	static const struct {
		const char *suffix, *text;
		size_t len;
		const char *detail;
	} cases[] = {
	    {".json", "[\n  {\"path\": \"a.jpg\"},\n  {\"path\": \"b.jpg\"}\n]\n", 0,
	     "a JSON array; gavel reads JSON Lines, one object a line: convert it with jq -c "
	     "'.[]'"},
	    {"", " [{\"path\": \"a.jpg\"}]", 0, "a JSON array"},
	    {".tsv", "id\tpath\ttitle\n1\ta.jpg\tx\n", 0,
	     ":1: the header has tabs but no commas: a tab-separated (TSV) file? gavel reads CSV "
	     "(comma-separated) or JSONL; save it as CSV"},
	    {".csv", "id;path;titre\n1;a.jpg;é\n", 0,
	     ":1: the header has semicolons but no commas: a semicolon-separated file?"},
	    {".txt", "\xFF\xFEi\0d\0,\0p\0a\0t\0h\0\n\0", 18,
	     "UTF-16 text; gavel reads UTF-8: convert it with iconv -f UTF-16 -t UTF-8"},
	    {".csv", "i\0d\0,\0p\0a\0t\0h\0\n\0", 16, "not a text file (it has NUL bytes)"},
	    {".csv", "PK\x03\x04\x14\0\0\0", 8,
	     "a ZIP archive (an .xlsx or .ods spreadsheet?): save the sheet as CSV UTF-8"},
	    {".jsonl", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0", 29,
	     "a PNG image, not a manifest"},
	};
	char log[64], last[512];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *text = cases[i].text;
		read_all(
		    write_file(cases[i].suffix, text, cases[i].len ? cases[i].len : strlen(text)),
		    log, sizeof log, last, sizeof last);
		CHECK_STR(log, "open!");
		CHECK(strstr(last, cases[i].detail) != NULL);
		if (!strstr(last, cases[i].detail))
			fprintf(stderr, "  case %zu: %s\n", i, last);
	}
	/* one object over several lines: the first line says so */
	read_all(WRITE(".json", "{\n  \"path\": \"a.jpg\"\n}\n"), log, sizeof log, last,
		 sizeof last);
	CHECK_STR(log, "1! 2! 3! ");
	CHECK(strstr(last, ":3: invalid JSON (at column 1)") != NULL);
	read_all(WRITE(".json", "{\n  \"path\": \"a.jpg\"\n}\n"), log, 3, last, sizeof last);
	CHECK(strstr(last, ":1: invalid JSON (at column 2): the value does not end on its line; "
			   "JSONL holds one object a line (jq -c . makes them)") != NULL);
}

static void csv_header_problems(void)
{
	ManifestReader *r;
	CHECK_INT(manifest_open(WRITE(".csv", "path,path\na,b\n"), &r), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), "appears twice") != NULL);
	CHECK_INT(manifest_open(WRITE(".csv", "path,,x\n"), &r), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), "column 2 of the header has no name") != NULL);
	CHECK_INT(manifest_open("/nonexistent/m.csv", &r), STATUS_ERR_NOT_FOUND);
}

static void kind_is_sniffed_without_extension(void)
{
	ManifestReader *r;
	cJSON *rec;
	long line;
	CHECK_INT(manifest_open(WRITE(".txt", "  {\"path\":\"a\"}\n"), &r), STATUS_OK);
	CHECK_INT(manifest_kind(r), MANIFEST_JSONL);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK_STR(field(rec, "path"), "a");
	cJSON_Delete(rec);
	manifest_close(r);
	CHECK_INT(manifest_open(WRITE(".txt", "path\na\n"), &r), STATUS_OK);
	CHECK_INT(manifest_kind(r), MANIFEST_CSV);
	manifest_close(r);
}

static void overlong_line_is_refused(void)
{
	ManifestReader *r;
	cJSON *rec;
	long line;
	size_t n = MANIFEST_MAX_LINE + 100;
	char *text = malloc(n + 20);
	memset(text, ' ', n);
	memcpy(text + n, "\n{\"path\":\"a\"}\n", 15);
	CHECK_INT(manifest_open(write_file(".jsonl", text, n + 15), &r), STATUS_OK);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), ":1: line longer than") != NULL);
	CHECK_INT(manifest_next(r, &rec, &line), STATUS_OK);
	CHECK_INT(line, 2);
	cJSON_Delete(rec);
	manifest_close(r);
	free(text);
}

int main(void)
{
	char cmd[128];
	if (!mkdtemp(path))
		return 1;
	RUN(jsonl_records_and_line_numbers);
	RUN(jsonl_refuses_invalid_utf8);
	RUN(jsonl_control_characters);
	RUN(csv_quotes_and_line_numbers);
	RUN(csv_in_a_legacy_encoding);
	RUN(csv_over_long_value_is_one_error);
	RUN(records_at_the_limit);
	RUN(csv_bad_rows);
	RUN(csv_header_names);
	RUN(empty_files);
	RUN(not_manifests);
	RUN(csv_header_problems);
	RUN(kind_is_sniffed_without_extension);
	RUN(overlong_line_is_refused);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
	return test_summary();
}
