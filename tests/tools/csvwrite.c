/* csvwrite.c - a driver for src/export/csv.c: reads a JSON array of rows
 * (arrays whose values are strings, numbers, null, or arrays and objects
 * for list columns) from stdin and writes them as CSV to stdout, for
 * tests/cli/csv_check.py.   csvwrite [--bom] < rows.json */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"
#include "src/export/csv.h"

static char *read_all(FILE *f)
{
	size_t cap = 0, len = 0, n;
	char *buf = NULL;

	do {
		buf = xgrow(buf, &cap, len + 65536, 1);
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	return buf;
}

static Status write_value(CsvWriter *w, const cJSON *v)
{
	if (cJSON_IsString(v))
		return csv_field(w, v->valuestring);
	if (cJSON_IsNumber(v))
		return v->valuedouble == (double)(long long)v->valuedouble
			   ? csv_field_long(w, (long long)v->valuedouble)
			   : csv_field_double(w, v->valuedouble);
	if (cJSON_IsNull(v))
		return csv_field(w, NULL);
	return csv_field_json(w, v);
}

int main(int argc, char **argv)
{
	char *text = read_all(stdin);
	cJSON *rows = cJSON_Parse(text), *row, *v;
	CsvWriter *w = csv_writer_new(stdout, argc > 1 && !strcmp(argv[1], "--bom") ? CSV_BOM : 0);
	Status st = STATUS_OK;

	if (!cJSON_IsArray(rows)) {
		fprintf(stderr, "csvwrite: stdin is not a JSON array\n");
		return 2;
	}
	cJSON_ArrayForEach(row, rows)
	{
		cJSON_ArrayForEach(v, row)
		{
			if ((st = write_value(w, v)) != STATUS_OK)
				break;
		}
		if (st != STATUS_OK || (st = csv_end_row(w)) != STATUS_OK)
			break;
	}
	if (st != STATUS_OK)
		fprintf(stderr, "csvwrite: %s\n", status_detail());
	csv_writer_free(w);
	cJSON_Delete(rows);
	free(text);
	return st == STATUS_OK ? 0 : 1;
}
