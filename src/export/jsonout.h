/* jsonout.h - JSON text appended to a StrBuf, fast and the same every time:
 * the exports write a million rows with these, and byte-identical output
 * for the same database is a promise. */
#ifndef GAVEL_JSONOUT_H
#define GAVEL_JSONOUT_H

#include "src/base/strbuf.h"

/* s as a JSON string: quotes, backslashes and control characters escaped
 * (\n, \t ... or \u00XX), everything else (UTF-8) as it is. NULL gives null. */
void jsonout_string(StrBuf *b, const char *s);

/* x in decimal digits, as %lld prints it. */
void jsonout_integer(StrBuf *b, long long x);

/* x in the shortest form that reads back to the same double; with point,
 * a whole number keeps ".0" (so a JSON reader that types columns by their
 * values sees a float). NaN and infinities give null. */
void jsonout_number(StrBuf *b, double x, int point);

#endif
