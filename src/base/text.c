/* text.c - UTF-8 decoding and cleaning of untrusted text. */
#include "src/base/text.h"

#include <string.h>

#include "src/base/xalloc.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

size_t text_utf8_decode(const char *s, size_t len, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t need;
	unsigned c, min;

	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0)
		need = 2, c = u[0] & 0x1F, min = 0x80;
	else if ((u[0] & 0xF0) == 0xE0)
		need = 3, c = u[0] & 0x0F, min = 0x800;
	else if ((u[0] & 0xF8) == 0xF0)
		need = 4, c = u[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return need;
}

char *text_clean(const char *s)
{
	size_t len = s ? strlen(s) : 0, n = 0;
	/* Worst case: every byte becomes U+FFFD (3 bytes). */
	char *out = xmalloc(len * 3 + 1);

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = text_utf8_decode(s + i, len - i, &cp);
		if (k == 0) {
			memcpy(out + n, replacement, 3), n += 3, i++;
		} else if (cp < 0x20 || cp == 0x7F) {
			out[n++] = '^';
			out[n++] = cp == 0x7F ? '?' : (char)(cp + '@');
			i += k;
		} else if (cp >= 0x80 && cp < 0xA0) {
			memcpy(out + n, replacement, 3), n += 3, i += k;
		} else {
			memcpy(out + n, s + i, k), n += k, i += k;
		}
	}
	out[n] = '\0';
	return out;
}
