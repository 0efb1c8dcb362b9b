/* sha256.c - SHA-256 as FIPS 180-4 section 6.2 describes it. */
#include "src/base/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

#define SHA256_FILE_CHUNK (64 * 1024)

/* FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. */
static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void compress_block(uint32_t state[8], const uint8_t block[64])
{
	uint32_t w[64], s[8];
	for (int t = 0; t < 16; t++)
		w[t] = load_be32(block + 4 * t);
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	memcpy(s, state, sizeof s);
	for (int t = 0; t < 64; t++) {
		uint32_t e = s[4], a = s[0];
		uint32_t ch = (e & s[5]) ^ (~e & s[6]);
		uint32_t maj = (a & s[1]) ^ (a & s[2]) ^ (s[1] & s[2]);
		uint32_t t1 = s[7] + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ch + k[t] + w[t];
		uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + maj;
		memmove(s + 1, s, 7 * sizeof s[0]);
		s[4] += t1;
		s[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		state[i] += s[i];
}

void sha256_init(Sha256 *ctx)
{
	/* FIPS 180-4 5.3.3: square roots of the first 8 primes. */
	static const uint32_t initial[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(ctx->state, initial, sizeof initial);
	ctx->length = 0;
	ctx->fill = 0;
}

void sha256_update(Sha256 *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;
	ctx->length += len;
	if (ctx->fill > 0) {
		size_t take = 64 - ctx->fill < len ? 64 - ctx->fill : len;
		memcpy(ctx->block + ctx->fill, p, take);
		ctx->fill += take;
		p += take;
		len -= take;
		if (ctx->fill < 64)
			return;
		compress_block(ctx->state, ctx->block);
		ctx->fill = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		compress_block(ctx->state, p);
	if (len > 0) {
		memcpy(ctx->block, p, len);
		ctx->fill = len;
	}
}

void sha256_final(Sha256 *ctx, uint8_t out[32])
{
	uint64_t bits = ctx->length * 8;
	uint8_t pad[72] = { 0x80 };
	/* Pad with 0x80 and zeros so that 8 bytes of length end a block. */
	size_t padlen = (ctx->fill < 56 ? 56 : 120) - ctx->fill;
	for (int i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(ctx, pad, padlen + 8);
	for (int i = 0; i < 8; i++)
		store_be32(out + 4 * i, ctx->state[i]);
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
	if (ferror(fp)) {
		/* fread sets errno on Linux; a directory reads as EISDIR here. */
		st = status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
out:
	free(buf);
	fclose(fp);
	return st;
}
