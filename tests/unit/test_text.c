/* test_text.c - UTF-8 decoding and cleaning of untrusted text. */
#include <stdlib.h>

#include "src/base/text.h"
#include "tests/unit/test.h"

static void decode(void)
{
	unsigned cp = 0;
	CHECK_INT(text_utf8_decode("A", 1, &cp), 1);
	CHECK_INT(cp, 'A');
	CHECK_INT(text_utf8_decode("\xC3\xA9", 2, &cp), 2); /* é */
	CHECK_INT(cp, 0xE9);
	CHECK_INT(text_utf8_decode("\xE6\x97\xA5", 3, &cp), 3); /* 日 */
	CHECK_INT(cp, 0x65E5);
	CHECK_INT(text_utf8_decode("\xF0\x9F\x8D\x8E", 4, &cp), 4); /* 🍎 */
	CHECK_INT(cp, 0x1F34E);
	CHECK_INT(text_utf8_decode("\xE6\x97", 2, &cp), 0);         /* truncated */
	CHECK_INT(text_utf8_decode("\xC0\xAF", 2, &cp), 0);         /* overlong '/' */
	CHECK_INT(text_utf8_decode("\xED\xA0\x80", 3, &cp), 0);     /* surrogate */
	CHECK_INT(text_utf8_decode("\xF4\x90\x80\x80", 4, &cp), 0); /* past U+10FFFF */
	CHECK_INT(text_utf8_decode("\x80", 1, &cp), 0);             /* lone continuation */
}

static void clean_one(const char *in, const char *want)
{
	char *got = text_clean(in);
	CHECK_STR(got, want);
	free(got);
}

static void clean(void)
{
	clean_one("plain text", "plain text");
	clean_one("りんご 🍎 café", "りんご 🍎 café");
	clean_one("\033]0;pwned\007", "^[]0;pwned^G");
	clean_one("\033[2J", "^[[2J");
	clean_one("a\tb\nc\x7f", "a^Ib^Jc^?");
	clean_one("\xC2\x9B" "31m", "\xEF\xBF\xBD" "31m"); /* C1 CSI */
	clean_one("bad \xFF byte", "bad \xEF\xBF\xBD byte");
	clean_one(NULL, "");
}

int main(void)
{
	RUN(decode);
	RUN(clean);
	return test_summary();
}
