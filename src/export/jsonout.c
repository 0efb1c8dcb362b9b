/* jsonout.c - JSON text for the exports (see jsonout.h). A JSONL export of
 * a million rows spends most of its own time here, so each call reserves
 * its room once and writes into the buffer directly: the plain runs of a
 * string are found eight bytes at a time and copied with one memcpy. */
#include "src/export/jsonout.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Room for n more bytes and the NUL; the place to write them. */
static char *room(StrBuf *b, size_t n)
{
	if (n > (size_t)-1 - b->len - 1)
		xdie("out of memory (string of %zu + %zu bytes)", b->len, n);
	if (b->cap - b->len < n + 1 || !b->data)
		b->data = xgrow(b->data, &b->cap, b->len + n + 1, 1);
	return b->data + b->len;
}

/* Ends an append that wrote up to end. */
static void wrote(StrBuf *b, char *end)
{
	b->len = (size_t)(end - b->data);
	*end = '\0';
}

/* Whether any of the 8 bytes in w needs an escape: below 0x20, '"' or
 * '\\' (the zero-byte test of each after a subtraction or an xor; exact
 * about whether there is one, which is all that is asked). */
static int word_needs_escape(uint64_t w)
{
	uint64_t control = (w - 0x20 * ONES) & ~w;
	uint64_t quote = w ^ ('"' * ONES), backslash = w ^ ('\\' * ONES);
	quote = (quote - ONES) & ~quote;
	backslash = (backslash - ONES) & ~backslash;
	return ((control | quote | backslash) & HIGHS) != 0;
}

static int byte_needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* The length of the plain run at the start of s[0 .. n). */
static size_t plain_run(const char *s, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (word_needs_escape(w))
			break;
	}
	while (i < n && !byte_needs_escape((unsigned char)s[i]))
		i++;
	return i;
}

/* Writes the escape of c at o; returns the end. */
static char *escape(char *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	static const char short_form[][2] = { ['\n'] = "n", ['\r'] = "r", ['\t'] = "t" };
	*o++ = '\\';
	if (c == '"' || c == '\\') {
		*o++ = (char)c;
	} else if (c < sizeof short_form / sizeof short_form[0] && short_form[c][0]) {
		*o++ = short_form[c][0];
	} else {
		memcpy(o, "u00", 3);
		o[3] = hex[c >> 4];
		o[4] = hex[c & 15];
		o += 5;
	}
	return o;
}

void jsonout_string(StrBuf *b, const char *s)
{
	size_t n, run;
	char *o;
	if (!s) {
		strbuf_add(b, "null", 4);
		return;
	}
	n = strlen(s);
	/* the common case, a string with nothing to escape, in one reservation */
	o = room(b, n + 2);
	*o++ = '"';
	while ((run = plain_run(s, n)) < n) {
		memcpy(o, s, run);
		o += run;
		wrote(b, o);
		o = escape(room(b, 6 + (n - run - 1) + 1), (unsigned char)s[run]);
		s += run + 1;
		n -= run + 1;
	}
	memcpy(o, s, n);
	o += n;
	*o++ = '"';
	wrote(b, o);
}

void jsonout_integer(StrBuf *b, long long x)
{
	char digits[24], *d = digits + sizeof digits, *o;
	/* through the unsigned type: -LLONG_MIN overflows a long long */
	unsigned long long u = x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
	do {
		*--d = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (x < 0)
		*--d = '-';
	o = room(b, (size_t)(digits + sizeof digits - d));
	memcpy(o, d, (size_t)(digits + sizeof digits - d));
	wrote(b, o + (digits + sizeof digits - d));
}

void jsonout_number(StrBuf *b, double x, int point)
{
	char buf[40];
	if (!isfinite(x)) {
		strbuf_add(b, "null", 4);
		return;
	}
	/* A whole number below 10^15 is what %.15g prints as digits, and reads
	 * back exactly; -0 is not (it prints "-0"). */
	if (fabs(x) < 1e15 && x == (double)(long long)x && (x != 0 || !signbit(x))) {
		jsonout_integer(b, (long long)x);
		if (point)
			strbuf_add(b, ".0", 2);
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
