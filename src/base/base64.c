/* base64.c - RFC 4648 base64 through libcrypto's EVP_EncodeBlock. */
#include "src/base/base64.h"

#include <openssl/evp.h>

#include "src/base/xalloc.h"

/* EVP_EncodeBlock counts in int: feed it whole groups of 3 bytes, at most
 * 3 * 2^28 at a time, so neither count overflows. */
#define BASE64_CHUNK ((size_t)3 << 28)

char *base64_encode(const unsigned char *data, size_t len, size_t *out_len)
{
	size_t n = 4 * ((len + 2) / 3), o = 0;
	char *out = xmalloc(n + 1);

	for (size_t at = 0; at < len; at += BASE64_CHUNK) {
		size_t take = len - at < BASE64_CHUNK ? len - at : BASE64_CHUNK;

		o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, data + at, (int)take);
	}
	out[o] = '\0';
	if (out_len)
		*out_len = o;
	return out;
}
