/* test_strbuf.c - the string builder against the same text built by hand with
 * snprintf into a fixed buffer: appends of every size across many growths,
 * embedded NULs, taking the result, reuse after reset and take. */
#include <stdint.h>
#include <stdlib.h>

#include "src/base/strbuf.h"
#include "tests/unit/test.h"

static void empty(void)
{
	StrBuf b = { 0 };
	char *s;

	CHECK_STR(strbuf_peek(&b), "");
	CHECK_INT(b.len, 0);
	strbuf_adds(&b, NULL);
	strbuf_add(&b, NULL, 0);
	CHECK_STR(strbuf_peek(&b), "");
	s = strbuf_take(&b);
	CHECK_STR(s, "");
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	free(s);
	strbuf_free(&b);
	strbuf_free(&b); /* twice is fine */
	strbuf_free(NULL);
}

/* Mixed appends that grow the buffer many times, checked after every step
 * against an snprintf-built reference. */
static void matches_reference(void)
{
	static char want[200000];
	size_t at = 0;
	int same = 1;
	StrBuf b = { 0 };

	for (int i = 0; i < 3000; i++) {
		switch (i % 4) {
		case 0:
			strbuf_addf(&b, "%d:%s;", i, i % 7 ? "x" : "a longer piece of text");
			at += (size_t)snprintf(want + at, sizeof want - at, "%d:%s;", i,
					       i % 7 ? "x" : "a longer piece of text");
			break;
		case 1:
			strbuf_addc(&b, (char)('a' + i % 26));
			want[at++] = (char)('a' + i % 26);
			break;
		case 2:
			strbuf_adds(&b, "-");
			want[at++] = '-';
			break;
		default:
			/* one append longer than everything so far, now and then */
			strbuf_addf(&b, "%*s|", i == 3 || i == 1503 ? (int)at + 10 : 2, "");
			at += (size_t)snprintf(want + at, sizeof want - at, "%*s|",
					       i == 3 || i == 1503 ? (int)at + 10 : 2, "");
		}
		want[at] = '\0';
		if (b.len != at || strcmp(strbuf_peek(&b), want) != 0 || b.cap <= b.len)
			same = 0;
	}
	CHECK(same);
	CHECK_INT(b.len, at);
	CHECK_INT(strlen(b.data), at);
	strbuf_free(&b);
}

static void bytes_with_nul(void)
{
	StrBuf b = { 0 };

	strbuf_add(&b, "a\0b", 3);
	CHECK_INT(b.len, 3);
	CHECK(memcmp(b.data, "a\0b\0", 4) == 0);
	strbuf_free(&b);
}

static void take_and_reuse(void)
{
	StrBuf b = { 0 };
	char *s;

	strbuf_addf(&b, "%s %05.1f %c", "pi", 3.14159, 'Z');
	s = strbuf_take(&b);
	CHECK_STR(s, "pi 003.1 Z");
	CHECK(b.data == NULL && b.len == 0);
	strbuf_adds(&b, "again");
	CHECK_STR(strbuf_peek(&b), "again");
	CHECK(s != b.data);
	free(s);
	strbuf_reset(&b);
	CHECK_STR(strbuf_peek(&b), "");
	CHECK(b.cap > 0); /* memory kept */
	strbuf_addf(&b, "%lld", (long long)INT64_MIN);
	CHECK_STR(strbuf_peek(&b), "-9223372036854775808");
	strbuf_free(&b);
}

/* A single printf-append far larger than the spare room. */
static void one_big_printf(void)
{
	StrBuf b = { 0 };
	char *big = malloc(100001);

	memset(big, 'q', 100000);
	big[100000] = '\0';
	strbuf_adds(&b, "<");
	strbuf_addf(&b, "%s>", big);
	CHECK_INT(b.len, 100002);
	CHECK(b.data[0] == '<' && b.data[100000] == 'q' && b.data[100001] == '>');
	CHECK(b.data[100002] == '\0');
	free(big);
	strbuf_free(&b);
}

int main(void)
{
	RUN(empty);
	RUN(matches_reference);
	RUN(bytes_with_nul);
	RUN(take_and_reuse);
	RUN(one_big_printf);
	return test_summary();
}
