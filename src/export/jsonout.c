/* jsonout.c - JSON text for the exports (see jsonout.h). */
#include "src/export/jsonout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jsonout_string(StrBuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run;
	if (!s) {
		strbuf_adds(b, "null");
		return;
	}
	strbuf_addc(b, '"');
	/* copy runs of plain bytes at once; escape the rest */
	for (run = s; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[7] = { '\\', 0 };
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(b, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"':
		case '\\': esc[1] = (char)c; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default: memcpy(esc + 1, "u00", 3); esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
		}
		strbuf_adds(b, esc);
	}
	strbuf_add(b, run, (size_t)(s - run));
	strbuf_addc(b, '"');
}

void jsonout_number(StrBuf *b, double x, int point)
{
	char buf[40];
	if (!isfinite(x)) {
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
