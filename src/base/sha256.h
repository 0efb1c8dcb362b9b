/* sha256.h - SHA-256 (FIPS 180-4): a streaming digest for content hashes of
 * images and prompt texts, plus a whole-file helper. The digest is OpenSSL's
 * libcrypto (already linked through libcurl), which uses the CPU's SHA
 * instructions where it has them. */
#ifndef GAVEL_SHA256_H
#define GAVEL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/status.h"

/* A digest in progress: it holds a libcrypto context (EVP_MD_CTX) from
 * sha256_init to sha256_final, so every init needs its final, and a copy of
 * the struct is not a copy of the digest. */
typedef struct {
	struct evp_md_ctx_st *md;
} Sha256;

/* Starts a new digest in ctx. Out of memory, or a libcrypto without SHA-256,
 * is fatal (xdie). */
void sha256_init(Sha256 *ctx);

/* Feeds len bytes of data (data may be NULL when len is 0). */
void sha256_update(Sha256 *ctx, const void *data, size_t len);

/* Finishes the digest into out and frees the context; ctx must be
 * re-initialised before reuse. */
void sha256_final(Sha256 *ctx, uint8_t out[32]);

/* Writes digest as 64 lower-case hex digits and a NUL into out. */
void sha256_hex(const uint8_t digest[32], char out[65]);

/* Hashes the file at path into hex (64 hex digits + NUL), reading it in
 * 64 KiB chunks. On failure returns STATUS_ERR_IO with the detail
 * "PATH: reason" and leaves hex as the empty string. */
Status sha256_file(const char *path, char hex[65]);

#endif
