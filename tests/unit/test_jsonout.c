/* test_jsonout.c - JSON text for the exports (src/export/jsonout.c) against
 * the plainest readings of its contract written here: a string escaped one
 * byte at a time (RFC 8259: '"', '\\' and the control characters; \n \r \t
 * short, the rest \u00XX), integers as printf's %lld, doubles as the
 * shortest %.15g..%.17g that reads back, with ".0" when asked. The fast
 * paths (8 bytes at a time, whole numbers without printf) must give the
 * same bytes for every byte value at every offset of a word. */
#include <float.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "src/export/jsonout.h"
#include "tests/unit/test.h"

static void reference_string(StrBuf *b, const char *s)
{
	if (!s) {
		strbuf_adds(b, "null");
		return;
	}
	strbuf_addc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			strbuf_addf(b, "\\%c", c);
		else if (c == '\n')
			strbuf_adds(b, "\\n");
		else if (c == '\r')
			strbuf_adds(b, "\\r");
		else if (c == '\t')
			strbuf_adds(b, "\\t");
		else if (c < 0x20)
			strbuf_addf(b, "\\u%04x", c);
		else
			strbuf_addc(b, (char)c);
	}
	strbuf_addc(b, '"');
}

static void reference_number(StrBuf *b, double x, int point)
{
	char buf[40];
	if (x != x || x - x != 0) {
		strbuf_adds(b, "null");
		return;
	}
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, sizeof buf, "%.*g", digits, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	strbuf_adds(b, buf);
	if (point && !strpbrk(buf, ".eEn"))
		strbuf_adds(b, ".0");
}

/* Appends to a buffer that already holds text, as the exports do. */
static int same_string(const char *s)
{
	StrBuf got = { 0 }, want = { 0 };
	int same;
	strbuf_adds(&got, "[");
	strbuf_adds(&want, "[");
	jsonout_string(&got, s);
	reference_string(&want, s);
	same = got.len == want.len && !strcmp(got.data, want.data) && got.data[got.len] == '\0';
	if (!same)
		fprintf(stderr, "  got %s\n want %s\n", got.data, want.data);
	strbuf_free(&got);
	strbuf_free(&want);
	return same;
}

static int same_number(double x, int point)
{
	StrBuf got = { 0 }, want = { 0 };
	int same;
	jsonout_number(&got, x, point);
	reference_number(&want, x, point);
	same = !strcmp(got.data, want.data);
	if (!same)
		fprintf(stderr, "  %.17g: got %s, want %s\n", x, got.data, want.data);
	strbuf_free(&got);
	strbuf_free(&want);
	return same;
}

/* Every byte value at every offset 0..17 of a plain string of 0..24 bytes. */
static void test_every_byte_everywhere(void)
{
	int bad = 0;
	for (int len = 0; len <= 24; len++)
		for (int at = 0; at < len && at < 18; at++)
			for (int c = 1; c < 256; c++) {
				char s[32];
				memset(s, 'a', (size_t)len);
				s[len] = '\0';
				s[at] = (char)c;
				bad += !same_string(s);
			}
	CHECK_INT(bad, 0);
	CHECK(same_string(NULL));
	CHECK(same_string(""));
}

static void test_random_strings(void)
{
	static const char pool[] = "\"\\\n\r\t\x01\x1f\x7f/aZ \xc3\xa9\xe2\x80\xa8";
	int bad = 0;
	srand(7);
	for (int i = 0; i < 20000; i++) {
		char s[200];
		int n = rand() % 199;
		for (int k = 0; k < n; k++)
			s[k] = rand() % 4 ? 'x' : pool[rand() % (int)(sizeof pool - 1)];
		s[n] = '\0';
		bad += !same_string(s);
	}
	CHECK_INT(bad, 0);
}

static void test_integers(void)
{
	static const long long xs[] = { 0, 1, -1, 9, 10, -10, 123456789, LLONG_MAX, LLONG_MIN };
	for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
		StrBuf b = { 0 };
		char want[32];
		snprintf(want, sizeof want, "%lld", xs[i]);
		jsonout_integer(&b, xs[i]);
		CHECK_STR(b.data, want);
		strbuf_free(&b);
	}
}

static void test_numbers(void)
{
	static const double xs[] = { 0.0,      -0.0,
				     1.0,      -1.0,
				     3.0,      0.1,
				     1e15,     -1e15,
				     1e15 - 1, 999999999999999.0,
				     1e16,     2.5,
				     1e-300,   DBL_MAX,
				     DBL_MIN,  9007199254740993.0,
				     -7.0,     1.0 / 3,
				     1e300,    1.0 / 0.0 };
	int bad = 0;
	for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
		for (int point = 0; point < 2; point++)
			bad += !same_number(xs[i], point);
	srand(11);
	for (int i = 0; i < 20000; i++) {
		double x = (double)(rand() - RAND_MAX / 2) * (i % 3 ? 1.0 : 1e-3);
		bad += !same_number(x, i & 1) + !same_number(ldexp(x, rand() % 80 - 20), 1);
	}
	CHECK_INT(bad, 0);
	CHECK(same_number(0.0 / 0.0, 1));
}

int main(void)
{
	RUN(test_every_byte_everywhere);
	RUN(test_random_strings);
	RUN(test_integers);
	RUN(test_numbers);
	return test_summary();
}
