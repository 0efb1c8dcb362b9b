/* test_featurefile.c - feature files read row by row: CSV quoting, the id
 * column, JSONL fields and arrays, and each kind of bad row. */
#include "src/score/featurefile.h"
#include "tests/unit/test.h"

#include <stdlib.h>
#include <unistd.h>

static char *write_file(const char *ext, const char *text)
{
	char *path = malloc(64);
	FILE *f;
	snprintf(path, 64, "/tmp/gavel-ff-%d%s", (int)getpid(), ext);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void csv_rows(void)
{
	char *path = write_file(".csv", "x,\"item\",y\n1.5,\"a,b\",-2\n\n3,c ,\" 4e1 \"\n");
	FeatureFile *ff;
	const char *id;
	double v[2];
	long line;
	int more;
	CHECK_INT(featurefile_open(path, &ff), STATUS_OK);
	CHECK_INT(featurefile_dim(ff), 2);
	CHECK_STR(featurefile_columns(ff)[0], "x");
	CHECK_STR(featurefile_columns(ff)[1], "y");
	CHECK_INT(featurefile_next(ff, &id, v, &line, &more), STATUS_OK);
	CHECK_STR(id, "a,b");
	CHECK(v[0] == 1.5 && v[1] == -2 && line == 2 && more);
	CHECK_INT(featurefile_next(ff, &id, v, &line, &more), STATUS_OK);
	CHECK_STR(id, "c");
	CHECK(v[0] == 3 && v[1] == 40 && line == 4);
	CHECK_INT(featurefile_next(ff, &id, v, &line, &more), STATUS_OK);
	CHECK_INT(more, 0);
	featurefile_close(ff);
	unlink(path);
	free(path);
}

static void csv_problems(void)
{
	char *path = write_file(".csv", "id,a\nx,1,2\nx,\ny,NaN\nz,1e999\nw,\"1\nq,0x\n");
	const char *want[] = {":2: 2 values, the header has 1", ":3: no value for 'a'",
			      ":4: 'NaN' is not a finite number", ":5: '1e999' is not a finite number",
			      ":6: a quoted field", ":7: '0x' is not a number"};
	FeatureFile *ff;
	const char *id;
	double v[1];
	long line;
	int more;
	CHECK_INT(featurefile_open(path, &ff), STATUS_OK);
	for (int i = 0; i < 6; i++) {
		CHECK_INT(featurefile_next(ff, &id, v, &line, &more), STATUS_ERR_INPUT);
		CHECK(strstr(status_detail(), want[i]) != NULL);
	}
	featurefile_close(ff);
	unlink(path);
	free(path);
	path = write_file(".csv", "id,a,a\n");
	CHECK_INT(featurefile_open(path, &ff), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), "named twice") != NULL);
	unlink(path);
	free(path);
}

static void jsonl_rows(void)
{
	char *path = write_file(".jsonl", "{\"item\": 12, \"e\": [1, 2.5]}\n{\"id\": \"b\", \"e\": [3, 4]}\n"
					  "{\"item\": \"c\", \"e\": [1]}\n{\"item\": \"d\", \"e\": [1, true]}\n");
	FeatureFile *ff;
	const char *id;
	double v[2];
	long line;
	int more;
	CHECK_INT(featurefile_open(path, &ff), STATUS_OK);
	CHECK_INT(featurefile_dim(ff), 2);
	CHECK_STR(featurefile_columns(ff)[1], "e_1");
	CHECK_INT(featurefile_next(ff, &id, v, &line, &more), STATUS_OK);
	CHECK_STR(id, "12");
	CHECK(v[1] == 2.5 && line == 1);
	CHECK_INT(featurefile_next(ff, &id, v, &line, &more), STATUS_OK);
	CHECK_STR(id, "b");
	CHECK_INT(featurefile_next(ff, &id, v, &line, &more), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), ":3: \"e\" has 1 values") != NULL);
	CHECK_INT(featurefile_next(ff, &id, v, &line, &more), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), ":4: the value of 'e_1' is not a number") != NULL);
	featurefile_close(ff);
	unlink(path);
	free(path);
}

int main(void)
{
	RUN(csv_rows);
	RUN(csv_problems);
	RUN(jsonl_rows);
	return test_summary();
}
