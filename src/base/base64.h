/* base64.h - standard base64 (RFC 4648, with padding, no line breaks) for images
 * sent to LLMs, by libcrypto. */
#ifndef GAVEL_BASE64_H
#define GAVEL_BASE64_H

#include <stddef.h>

/* A newly allocated NUL-terminated base64 text of len bytes of data; *out_len
 * (when not NULL) gets its length. Never NULL. */
char *base64_encode(const unsigned char *data, size_t len, size_t *out_len);

#endif
