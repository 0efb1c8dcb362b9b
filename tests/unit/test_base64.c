/* test_base64.c - base64_encode against RFC 4648's test vectors (section 10),
 * against coreutils base64(1) on every byte value (its output pasted in by
 * hand), and against a bit-at-a-time encoder written here from the RFC's
 * description on random inputs of every length up to 300. */
#include <stdlib.h>

#include "src/base/base64.h"
#include "src/base/rng.h"
#include "tests/unit/test.h"

static void rfc4648_vectors(void)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const want[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
					    "Zm9vYmFy" };

	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		size_t n = 99;
		char *got = base64_encode((const unsigned char *)in[i], strlen(in[i]), &n);

		CHECK_STR(got, want[i]);
		CHECK_INT(n, strlen(want[i]));
		free(got);
	}
}

/* python3 -c "...bytes(range(256))" | base64 -w0 */
static void every_byte(void)
{
	unsigned char all[256];
	char *got;

	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	got = base64_encode(all, sizeof all, NULL);
	CHECK_STR(got, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4"
		       "OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx"
		       "cnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmq"
		       "q6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj"
		       "5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==");
	free(got);
}

/* RFC 4648 section 4: the input bits, most significant first, in groups of 6,
 * zero bits added to complete the last group, "=" to a multiple of 4. */
static void reference(const unsigned char *in, size_t len, char *out)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t bits = len * 8, o = 0;

	for (size_t b = 0; b < bits; b += 6) {
		int v = 0;

		for (size_t k = b; k < b + 6; k++)
			v = v << 1 | (k < bits ? in[k / 8] >> (7 - k % 8) & 1 : 0);
		out[o++] = alphabet[v];
	}
	while (o % 4)
		out[o++] = '=';
	out[o] = '\0';
}

static void random_lengths(void)
{
	unsigned char in[300];
	char want[512];
	int wrong = 0;
	Rng rng;

	rng_seed(&rng, 4648);
	for (size_t len = 0; len <= sizeof in; len++) {
		size_t n;
		char *got;

		for (size_t i = 0; i < len; i++)
			in[i] = (unsigned char)rng_below(&rng, 256);
		reference(in, len, want);
		got = base64_encode(in, len, &n);
		wrong += strcmp(got, want) != 0 || n != strlen(want);
		free(got);
	}
	CHECK_INT(wrong, 0);
}

int main(void)
{
	RUN(rfc4648_vectors);
	RUN(every_byte);
	RUN(random_lengths);
	return test_summary();
}
