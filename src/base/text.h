/* text.h - making untrusted text (manifests, the database, LLM replies) safe
 * to show: no control characters or escape sequences ever reach the terminal. */
#ifndef GAVEL_TEXT_H
#define GAVEL_TEXT_H

#include <stddef.h>

/* Decodes one UTF-8 character at s (len bytes available). Returns its length
 * in bytes and the code point in *cp, or 0 for an invalid or truncated
 * sequence (overlong forms and surrogates are invalid). */
size_t text_utf8_decode(const char *s, size_t len, unsigned *cp);

/* A newly allocated copy of s, safe for one line of a terminal: C0 controls
 * and DEL become caret notation (ESC shows as "^["), C1 controls and invalid
 * UTF-8 become U+FFFD. Valid printable UTF-8 is kept as it is. NULL gives "". */
char *text_clean(const char *s);

#endif
