/* sha256.h - SHA-256 (FIPS 180-4): a streaming digest for content hashes of
 * images and prompt texts, plus a whole-file helper. */
#ifndef GAVEL_SHA256_H
#define GAVEL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/status.h"

/* A digest in progress. Plain data: copy it to fork a running hash. */
typedef struct {
	uint32_t state[8];
	uint64_t length;        /* bytes fed so far */
	uint8_t block[64];      /* partial block */
	size_t fill;            /* bytes used in block */
} Sha256;

/* Starts a new digest in ctx. */
void sha256_init(Sha256 *ctx);

/* Feeds len bytes of data (data may be NULL when len is 0). */
void sha256_update(Sha256 *ctx, const void *data, size_t len);

/* Finishes the digest into out; ctx must be re-initialised before reuse. */
void sha256_final(Sha256 *ctx, uint8_t out[32]);

/* Writes digest as 64 lower-case hex digits and a NUL into out. */
void sha256_hex(const uint8_t digest[32], char out[65]);

/* Hashes the file at path into hex (64 hex digits + NUL), reading it in
 * 64 KiB chunks. On failure returns STATUS_ERR_IO with the detail
 * "PATH: reason" and leaves hex as the empty string. */
Status sha256_file(const char *path, char hex[65]);

#endif
