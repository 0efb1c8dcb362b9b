/* test_out.c - the one way text reaches stdout and stderr (src/base/out.c):
 * control, escape, bidirectional and hidden characters never pass raw;
 * data meant for a file stays exact; JSON stays JSON. Each case writes to a
 * temporary file and reads the bytes back. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/out.h"
#include "tests/unit/test.h"

static char got[4096];

/* Runs fn on a fresh temporary file and leaves what it wrote in got. */
static void capture(void (*fn)(FILE *f))
{
	FILE *f = tmpfile();
	size_t n;
	fn(f);
	rewind(f);
	n = fread(got, 1, sizeof got - 1, f);
	got[n] = '\0';
	fclose(f);
}

static void hostile_printf(FILE *f)
{
	/* an OSC title change, a bidi override and a clear-screen, in a name */
	out_printf(f, "gavel: %s has reviewed %d\n", "ana\033]0;pwned\007\xE2\x80\xAE" "evil\033[2J", 3);
}

static void lines_and_tabs(FILE *f)
{
	out_puts(f, "a\tb\nc\r\n");
}

static void exact_data(FILE *f)
{
	out_data(f, "raw\033[31m\xE2\x80\xAE\n", 10);
}

static void json(FILE *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", "x\xE2\x80\xAEy \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9 \033");
	out_json(f, o, 0);
	cJSON_Delete(o);
}

static void test_cleaning(void)
{
	capture(hostile_printf);
	CHECK(!strchr(got, '\033'));
	CHECK(!strstr(got, "\xE2\x80\xAE"));
	CHECK(!strchr(got, '\007'));
	CHECK(strstr(got, "<U+202E>") != NULL);
	CHECK(strstr(got, "^[]0;pwned^G") != NULL);
	CHECK(got[strlen(got) - 1] == '\n');
	capture(lines_and_tabs);
	CHECK_STR(got, "a\tb\nc^M\n");
}

static void test_data_and_json(void)
{
	cJSON *back;
	capture(exact_data);
	CHECK(!memcmp(got, "raw\033[31m\xE2\x80\xAE\n", 10)); /* a file is not a terminal */
	capture(json);
	CHECK(strstr(got, "\\u202e") != NULL);   /* the override escaped */
	CHECK(!strstr(got, "\xE2\x80\xAE"));
	CHECK(strstr(got, "\xE2\x80\x8D") != NULL); /* the family's joiner has a job: kept */
	back = cJSON_Parse(got);
	CHECK(back != NULL);
	CHECK_STR(cJSON_GetObjectItem(back, "name")->valuestring,
		  "x\xE2\x80\xAEy \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9 \033");
	cJSON_Delete(back);
}

static void test_colour(void)
{
	FILE *f = tmpfile();
	CHECK(!out_is_terminal(f));
	CHECK(!out_colour(f)); /* never for a file, NO_COLOR or not */
	fclose(f);
}

int main(void)
{
	RUN(test_cleaning);
	RUN(test_data_and_json);
	RUN(test_colour);
	return test_summary();
}
