/* sha256.c - SHA-256 through libcrypto's EVP interface. */
#include "src/base/sha256.h"

#include <errno.h>
#include <pthread.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

#define SHA256_FILE_CHUNK (64 * 1024)

/* libcrypto fails here only without memory or without a SHA-256 provider
 * (a broken OpenSSL configuration): nothing a caller could recover from. */
static void must(int ok, const char *what)
{
	if (!ok)
		xdie("libcrypto: SHA-256 %s failed", what);
}

/* The algorithm, fetched from libcrypto's providers once: EVP_sha256()
 * looks it up again at every init, which cost an export's split of a
 * million items half a second. Kept for the process's life. */
static EVP_MD *fetched;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch(void)
{
	fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256_md(void)
{
	pthread_once(&fetch_once, fetch);
	return fetched;
}

void sha256_init(Sha256 *ctx)
{
	ctx->md = EVP_MD_CTX_new();
	if (!ctx->md)
		xdie("out of memory (SHA-256 context)");
	must(EVP_DigestInit_ex2(ctx->md, sha256_md(), NULL), "init");
}

void sha256_update(Sha256 *ctx, const void *data, size_t len)
{
	if (len)
		must(EVP_DigestUpdate(ctx->md, data, len), "update");
}

void sha256_final(Sha256 *ctx, uint8_t out[32])
{
	unsigned int n = 0;

	must(EVP_DigestFinal_ex(ctx->md, out, &n) && n == 32, "final");
	EVP_MD_CTX_free(ctx->md);
	ctx->md = NULL;
}

void sha256_hex(const uint8_t digest[32], char out[65])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[digest[i] >> 4];
		out[2 * i + 1] = digits[digest[i] & 15];
	}
	out[64] = '\0';
}

Status sha256_file(const char *path, char hex[65])
{
	Status st = STATUS_OK;
	unsigned char *buf = NULL;
	uint8_t digest[32];
	Sha256 ctx;
	size_t n;
	FILE *fp;

	hex[0] = '\0';
	fp = fopen(path, "rb");
	if (!fp)
		return status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
	buf = xmalloc(SHA256_FILE_CHUNK);
	sha256_init(&ctx);
	while ((n = fread(buf, 1, SHA256_FILE_CHUNK, fp)) > 0)
		sha256_update(&ctx, buf, n);
	/* fread sets errno on Linux; a directory reads as EISDIR here. */
	if (ferror(fp))
		st = status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
	sha256_final(&ctx, digest);
	if (st == STATUS_OK)
		sha256_hex(digest, hex);
	free(buf);
	fclose(fp);
	return st;
}
