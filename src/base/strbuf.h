/* strbuf.h - a growable NUL-terminated string, built by appending bytes and
 * printf output, then taken as an ordinary malloc'd string (GfxBuf's twin for
 * text). Out of memory is fatal, through xalloc. */
#ifndef GAVEL_STRBUF_H
#define GAVEL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Zero-initialise it (StrBuf b = { 0 };). Owns data; data is NULL until the
 * first append, and otherwise always NUL-terminated at len. */
typedef struct {
	char *data;
	size_t len, cap;
} StrBuf;

/* Appends len bytes of data (which may hold NULs; NULL is fine when len is 0). */
void strbuf_add(StrBuf *b, const void *data, size_t len);

/* Appends the NUL-terminated string s (NULL appends nothing). */
void strbuf_adds(StrBuf *b, const char *s);

/* Appends one byte. */
void strbuf_addc(StrBuf *b, char c);

/* Appends printf-formatted text. */
void strbuf_addf(StrBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* strbuf_addf with a va_list (ap is consumed). */
void strbuf_vaddf(StrBuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* The text so far: borrowed, valid until the next append, take or free;
 * "" for an empty buffer, never NULL. */
const char *strbuf_peek(const StrBuf *b);

/* Empties the buffer, keeping its memory for reuse. */
void strbuf_reset(StrBuf *b);

/* Hands the text to the caller (free() it; "" for an empty buffer, never
 * NULL) and leaves *b empty and zeroed, ready for reuse. */
char *strbuf_take(StrBuf *b);

/* Frees the text and zeroes *b; NULL-safe. */
void strbuf_free(StrBuf *b);

#endif
