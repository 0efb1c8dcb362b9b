/* strbuf.c - the growable string of strbuf.h. */
#include "src/base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

/* Room for extra more bytes and the NUL. */
static void reserve(StrBuf *b, size_t extra)
{
	if (extra > (size_t)-1 - b->len - 1)
		xdie("out of memory (string of %zu + %zu bytes)", b->len, extra);
	b->data = xgrow(b->data, &b->cap, b->len + extra + 1, 1);
}

void strbuf_add(StrBuf *b, const void *data, size_t len)
{
	reserve(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void strbuf_adds(StrBuf *b, const char *s)
{
	if (s)
		strbuf_add(b, s, strlen(s));
}

void strbuf_addc(StrBuf *b, char c)
{
	strbuf_add(b, &c, 1);
}

void strbuf_vaddf(StrBuf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	/* Format into the spare room first: one pass for most appends. */
	reserve(b, 0);
	va_copy(again, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	if (n < 0)
		xdie("strbuf: bad format \"%s\"", fmt);
	if ((size_t)n >= b->cap - b->len) {
		reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, again);
	}
	va_end(again);
	b->len += (size_t)n;
}

void strbuf_addf(StrBuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(b, fmt, ap);
	va_end(ap);
}

const char *strbuf_peek(const StrBuf *b)
{
	return b->data ? b->data : "";
}

void strbuf_reset(StrBuf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *strbuf_take(StrBuf *b)
{
	char *s = b->data ? b->data : xstrdup("");

	*b = (StrBuf){ 0 };
	return s;
}

void strbuf_free(StrBuf *b)
{
	if (!b)
		return;
	free(b->data);
	*b = (StrBuf){ 0 };
}
