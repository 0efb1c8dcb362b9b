/* test_csv.c - the RFC 4180 writer (src/export/csv.c): quoting, CRLF,
 * UTF-8, field counts, numbers, JSON fields, write errors. Python's csv
 * module reads the output back in strict mode in tests/cli/test_csv.sh. */
#include <cJSON.h>
#include <stdlib.h>

#include "src/export/csv.h"
#include "tests/unit/test.h"

/* Writes rows of n fields (NULL = empty) and returns the bytes. */
static char *write_rows(const char *const *fields, int rows, int n, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CsvWriter *w = csv_writer_new(f, flags);

	for (int r = 0; r < rows; r++) {
		for (int i = 0; i < n; i++)
			CHECK_INT(csv_field(w, fields[r * n + i]), STATUS_OK);
		CHECK_INT(csv_end_row(w), STATUS_OK);
	}
	CHECK_INT(csv_rows(w), rows);
	csv_writer_free(w);
	fclose(f);
	return buf;
}

static void test_quoting(void)
{
	const char *rows[] = {
	    "id", "note", "label",	"1",   "plain",	     "ok",
	    "2",  "a, b", "say \"hi\"", "3",   "two\nlines", "cr\rlf\r\n",
	    "4",  NULL,	  "",		" 5 ", "=1+2",	     "caf\xC3\xA9 \xF0\x9F\x98\x80"};
	char *out = write_rows(rows, 6, 3, 0);

	CHECK_STR(out, "id,note,label\r\n"
		       "1,plain,ok\r\n"
		       "2,\"a, b\",\"say \"\"hi\"\"\"\r\n"
		       "3,\"two\nlines\",\"cr\rlf\r\n\"\r\n"
		       "4,,\r\n"
		       " 5 ,=1+2,caf\xC3\xA9 \xF0\x9F\x98\x80\r\n");
	free(out);
}

static void test_empty_first_field(void)
{
	const char *one[] = {"x", "", NULL};
	const char *two[] = {"a", "b", NULL, "z"};
	char *out = write_rows(one, 3, 1, 0);

	/* a lone empty field must not become an empty line, which readers skip */
	CHECK_STR(out, "x\r\n\"\"\r\n\"\"\r\n");
	free(out);
	out = write_rows(two, 2, 2, 0);
	CHECK_STR(out, "a,b\r\n\"\",z\r\n");
	free(out);
}

static void test_bom(void)
{
	const char *rows[] = {"a", "b"};
	char *out = write_rows(rows, 1, 2, CSV_BOM);

	CHECK_STR(out, "\xEF\xBB\xBF"
		       "a,b\r\n");
	free(out);
}

static void test_refusals(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CsvWriter *w = csv_writer_new(f, 0);

	CHECK_INT(csv_end_row(w), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "row 1 has no field");
	csv_field(w, "a");
	csv_field(w, "b");
	CHECK_INT(csv_end_row(w), STATUS_OK);
	CHECK_INT(csv_field(w, "bad \xC3("), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "row 2, field 1: not valid UTF-8");
	CHECK_INT(csv_field(w, "\xED\xA0\x80"), STATUS_ERR_INPUT); /* a surrogate */
	CHECK_INT(csv_field(w, "\xC0\xAF"), STATUS_ERR_INPUT);	   /* an overlong '/' */
	csv_field(w, "only one");
	CHECK_INT(csv_end_row(w), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "row 2 has 1 fields, the header has 2");
	csv_writer_free(w);
	fclose(f);
	free(buf);

	/* a full disk is reported when the row ends */
	f = fopen("/dev/full", "w");
	if (f) {
		setvbuf(f, NULL, _IONBF, 0);
		w = csv_writer_new(f, 0);
		csv_field(w, "x");
		CHECK_INT(csv_end_row(w), STATUS_ERR_IO);
		csv_writer_free(w);
		fclose(f);
	}
	csv_writer_free(NULL);
}

static void test_numbers_and_json(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CsvWriter *w = csv_writer_new(f, 0);
	cJSON *list = cJSON_Parse("[\"a,b\", {\"say\": \"\\\"hi\\\"\"}, 3]");

	csv_field_long(w, -9007199254740993LL);
	csv_field_double(w, 0.1);
	csv_field_double(w, 0.1 + 0.2);
	csv_field_double(w, NAN);
	csv_field_double(w, 1e-300);
	csv_field_json(w, list);
	csv_field_json(w, NULL);
	CHECK_INT(csv_end_row(w), STATUS_OK);
	fclose(f);
	CHECK_STR(buf, "-9007199254740993,0.1,0.30000000000000004,,1e-300,"
		       "\"[\"\"a,b\"\",{\"\"say\"\":\"\"\\\"\"hi\\\"\"\"\"},3]\",\r\n");
	cJSON_Delete(list);
	csv_writer_free(w);
	free(buf);
}

int main(void)
{
	RUN(test_quoting);
	RUN(test_empty_first_field);
	RUN(test_bom);
	RUN(test_refusals);
	RUN(test_numbers_and_json);
	return test_summary();
}
