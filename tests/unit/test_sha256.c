/* test_sha256.c - SHA-256 (libcrypto's, through sha256.h) against the FIPS
 * 180-2 / NIST example vectors and against sha256sum(1) output pasted in by
 * hand. */
#include <stdlib.h>
#include <unistd.h>

#include "src/base/sha256.h"
#include "tests/unit/test.h"

static const char *hash_of(const void *data, size_t len)
{
	static char hex[65];
	uint8_t digest[32];
	Sha256 ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
	return hex;
}

static void test_nist_vectors(void)
{
	const char *abc448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	const char *abc896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			     "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	CHECK_STR(hash_of("", 0),
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_STR(hash_of(NULL, 0),
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_STR(hash_of("abc", 3),
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_STR(hash_of(abc448, strlen(abc448)),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	CHECK_STR(hash_of(abc896, strlen(abc896)),
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* One million 'a', fed in uneven pieces so partial blocks are exercised. */
static void test_million_a(void)
{
	static const size_t pieces[] = { 1, 63, 64, 65, 127, 1000, 4096, 3 };
	char *a = malloc(1000000);
	uint8_t digest[32];
	char hex[65];
	size_t done = 0, i = 0;
	Sha256 ctx;

	memset(a, 'a', 1000000);
	CHECK_STR(hash_of(a, 1000000),
		  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	sha256_init(&ctx);
	while (done < 1000000) {
		size_t n = pieces[i++ % (sizeof pieces / sizeof pieces[0])];
		if (n > 1000000 - done)
			n = 1000000 - done;
		sha256_update(&ctx, a + done, n);
		done += n;
	}
	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

/* Lengths around the padding boundary (55/56 bytes: one or two final
 * blocks); expected values from `head -c N /dev/zero | tr '\0' x | sha256sum`. */
static void test_padding_boundaries(void)
{
	static const struct {
		size_t len;
		const char *hex;
	} cases[] = {
		{ 55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072" },
		{ 56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e" },
		{ 63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2" },
		{ 64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c" },
		{ 65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9" },
		{ 119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c" },
		{ 120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98" },
	};
	char x[120];
	memset(x, 'x', sizeof x);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_STR(hash_of(x, cases[i].len), cases[i].hex);
}

/* Two digests fed in turns stay apart: each holds its own context. */
static void test_interleaved(void)
{
	uint8_t d1[32], d2[32];
	char h1[65], h2[65];
	Sha256 a, b;

	sha256_init(&a);
	sha256_init(&b);
	sha256_update(&a, "a", 1);
	sha256_update(&b, "ab", 2);
	sha256_update(&a, "bc", 2);
	sha256_update(&b, "", 0);
	sha256_update(&b, "c", 1);
	sha256_final(&b, d2);
	sha256_final(&a, d1);
	sha256_hex(d1, h1);
	sha256_hex(d2, h2);
	CHECK_STR(h1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_STR(h2, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK(a.md == NULL && b.md == NULL);
}

static void test_file_fixture(void)
{
	char hex[65];
	/* sha256sum tests/data/sha256/sample.txt */
	CHECK_INT(sha256_file("tests/data/sha256/sample.txt", hex), STATUS_OK);
	CHECK_STR(hex, "03fc29d41a61d9e27481d68bab3938c68eb9ed9bee48a74c799b36e1293b7b56");
}

/* A file of several 64 KiB chunks and a ragged end: bytes (i*7+3) mod 251
 * for i < 200003, hashed by sha256sum when the test was written. */
static void test_file_multi_chunk(void)
{
	char dir[] = "/tmp/gavel-sha256-XXXXXX", path[64], hex[65];
	FILE *fp;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/big.bin", dir);
	fp = fopen(path, "wb");
	CHECK(fp != NULL);
	if (!fp)
		return;
	for (long i = 0; i < 200003; i++)
		fputc((int)((i * 7 + 3) % 251), fp);
	fclose(fp);
	CHECK_INT(sha256_file(path, hex), STATUS_OK);
	CHECK_STR(hex, "584fa6288b63e7581c58df87ee23741edce0fd3a851c3e008066370563474122");
	unlink(path);
	rmdir(dir);
}

static void test_file_errors(void)
{
	char hex[65] = "junk";
	CHECK_INT(sha256_file("tests/data/sha256/no-such-file", hex), STATUS_ERR_IO);
	CHECK_STR(hex, "");
	CHECK_STR(status_detail(), "tests/data/sha256/no-such-file: No such file or directory");
	CHECK_INT(sha256_file("tests/data/sha256", hex), STATUS_ERR_IO);
	CHECK(strstr(status_detail(), "tests/data/sha256: ") == status_detail());
}

int main(void)
{
	RUN(test_nist_vectors);
	RUN(test_million_a);
	RUN(test_padding_boundaries);
	RUN(test_interleaved);
	RUN(test_file_fixture);
	RUN(test_file_multi_chunk);
	RUN(test_file_errors);
	return test_summary();
}
