/* test_text.c - decoding, cleaning, grapheme clusters, display width, cutting
 * and wrapping of untrusted text. Clusters are checked against Unicode's own
 * GraphemeBreakTest.txt and every emoji of emoji-test.txt (tests/data/unicode,
 * Unicode 15.0); the code points cleaning must hide are Unicode 15.0's lists
 * (UnicodeData.txt categories Cf, Zl, Zp; DerivedCoreProperties.txt
 * Default_Ignorable_Code_Point), copied below; widths are the East Asian Width
 * values of EastAsianWidth.txt, worked out by hand for each string. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <wchar.h>

#include "src/base/rng.h"
#include "src/base/strbuf.h"
#include "src/base/text.h"
#include "tests/unit/test.h"

/* UTF-8 for a list of code points, into a static buffer. */
static const char *utf8(const unsigned *cps, size_t n)
{
	static char buf[1024];
	size_t at = 0;

	for (size_t i = 0; i < n && at + 4 < sizeof buf; i++) {
		unsigned c = cps[i];

		if (c < 0x80) {
			buf[at++] = (char)c;
		} else if (c < 0x800) {
			buf[at++] = (char)(0xC0 | c >> 6);
			buf[at++] = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			buf[at++] = (char)(0xE0 | c >> 12);
			buf[at++] = (char)(0x80 | ((c >> 6) & 0x3F));
			buf[at++] = (char)(0x80 | (c & 0x3F));
		} else {
			buf[at++] = (char)(0xF0 | c >> 18);
			buf[at++] = (char)(0x80 | ((c >> 12) & 0x3F));
			buf[at++] = (char)(0x80 | ((c >> 6) & 0x3F));
			buf[at++] = (char)(0x80 | (c & 0x3F));
		}
	}
	buf[at] = '\0';
	return buf;
}

/* The clusters of s, as text_cluster_end finds them, joined by "|". */
static const char *clusters(const char *s)
{
	static char buf[1024];
	size_t len = strlen(s), n = 0;

	for (size_t at = 0, end; at < len; at = end) {
		end = text_cluster_end(s, len, at);
		if (at)
			buf[n++] = '|';
		memcpy(buf + n, s + at, end - at);
		n += end - at;
	}
	buf[n] = '\0';
	return buf;
}

static int count_clusters(const char *s)
{
	size_t len = strlen(s);
	int n = 0;

	for (size_t at = 0; at < len; at = text_cluster_end(s, len, at))
		n++;
	return n;
}

/* Whether byte at is a cluster boundary of s. */
static int is_boundary(const char *s, size_t at)
{
	size_t len = strlen(s), b = 0;

	while (b < at && b < len)
		b = text_cluster_end(s, len, b);
	return b == at;
}

/* ---- decoding and cleaning ---- */

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
	clean_one("\xE6\x97", "\xEF\xBF\xBD\xEF\xBF\xBD"); /* truncated: one per byte */
	clean_one("", "");
	clean_one(NULL, "");
}

/* Unicode 15.0: every code point of category Cf, Zl or Zp (UnicodeData.txt)
 * and every Default_Ignorable_Code_Point (DerivedCoreProperties.txt). */
static const struct {
	unsigned lo, hi;
} hidden[] = {
	{ 0x00AD, 0x00AD },   { 0x034F, 0x034F },   { 0x061C, 0x061C },   { 0x115F, 0x1160 },
	{ 0x17B4, 0x17B5 },   { 0x180B, 0x180F },   { 0x200B, 0x200F },   { 0x2028, 0x202E },
	{ 0x2060, 0x206F },   { 0x3164, 0x3164 },   { 0xFE00, 0xFE0F },   { 0xFEFF, 0xFEFF },
	{ 0xFFA0, 0xFFA0 },   { 0xFFF0, 0xFFFB },   { 0x13430, 0x1343F }, { 0x1BCA0, 0x1BCA3 },
	{ 0x1D173, 0x1D17A }, { 0xE0000, 0xE0FFF },
};

/* PropList.txt Prepended_Concatenation_Mark: category Cf, but visible. */
static const struct {
	unsigned lo, hi;
} prepended[] = {
	{ 0x0600, 0x0605 }, { 0x06DD, 0x06DD }, { 0x0890, 0x0891 },
	{ 0x070F, 0x070F }, { 0x08E2, 0x08E2 }, { 0x110BD, 0x110BD },
	{ 0x110CD, 0x110CD },
};

/* Alone between spaces, none of them has a job: each must show as <U+X>. */
static void hidden_become_visible(void)
{
	int wrong = 0, n = 0;

	for (size_t r = 0; r < sizeof hidden / sizeof hidden[0]; r++) {
		for (unsigned cp = hidden[r].lo; cp <= hidden[r].hi; cp++) {
			unsigned in[] = { ' ', cp, ' ' };
			char want[32], *got = text_clean(utf8(in, 3));

			snprintf(want, sizeof want, " <U+%04X> ", cp);
			if (strcmp(got, want) != 0) {
				if (wrong++ < 5)
					fprintf(stderr, "U+%04X cleans to \"%s\"\n", cp, got);
			}
			free(got);
			n++;
		}
	}
	CHECK_INT(wrong, 0);
	CHECK(n > 4000);
	for (size_t r = 0; r < sizeof prepended / sizeof prepended[0]; r++) {
		for (unsigned cp = prepended[r].lo; cp <= prepended[r].hi; cp++) {
			unsigned in[] = { ' ', cp, '1', ' ' };
			char *got = text_clean(utf8(in, 4));

			CHECK_STR(got, utf8(in, 4));
			free(got);
		}
	}
}

static void bidi_and_format(void)
{
	/* the classic extension trick: shown as "filexe.gpj" without the rule */
	clean_one("file\u202Egpj.exe", "file<U+202E>gpj.exe");
	/* Trojan Source (CVE-2021-42574): an isolate hides a comment's end */
	clean_one("/*\u202E } \u2066if (admin)\u2069 \u2066 begin", "/*<U+202E> } <U+2066>if "
		  "(admin)<U+2069> <U+2066> begin");
	clean_one("\u200Eltr\u200F\u061C", "<U+200E>ltr<U+200F><U+061C>");
	clean_one("line\u2028para\u2029", "line<U+2028>para<U+2029>");
	clean_one("\uFEFFid", "<U+FEFF>id");
	clean_one("in\u200Bvisible", "in<U+200B>visible");
	clean_one("soft\u00ADhyphen", "soft<U+00AD>hyphen");
	clean_one("\u3164", "<U+3164>"); /* the "blank" name */
	clean_one("ab\u2060cd", "ab<U+2060>cd");
}

static void joiners_kept_where_needed(void)
{
	const char *family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";
	const char *rainbow = "\U0001F3F3\uFE0F\u200D\U0001F308";
	const char *scotland = "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074"
			       "\U000E007F";

	clean_one(family, family);
	clean_one(rainbow, rainbow);
	clean_one(scotland, scotland);
	clean_one("\u0915\u094D\u200D\u0937", "\u0915\u094D\u200D\u0937"); /* Devanagari */
	clean_one("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645",
		  "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"); /* Persian ZWNJ */
	clean_one("\u263A\uFE0F", "\u263A\uFE0F");
	clean_one("\u845B\U000E0100", "\u845B\U000E0100"); /* ideographic variation */
	clean_one("\u1820\u180B", "\u1820\u180B");        /* Mongolian FVS1 */
	clean_one("\u115F\u1161", "\u115F\u1161");        /* filler + a vowel */
	/* no job: alone, at an end, doubled, or without a base */
	clean_one("\u200D", "<U+200D>");
	clean_one("a\u200D", "a<U+200D>");
	clean_one("a\u200D b", "a<U+200D> b");
	clean_one("a\u200D\u200Db", "a<U+200D><U+200D>b");
	clean_one("\uFE0F", "<U+FE0F>");
	clean_one(" \uFE0F", " <U+FE0F>");
	clean_one("x\uFE0F\uFE0E", "x\uFE0F<U+FE0E>");
	clean_one("\u115F", "<U+115F>");
	clean_one("\u1100\u1160", "\u1100\u1160");       /* consonant + filler */
	clean_one("\u115F\u1160", "<U+115F><U+1160>"); /* all filler: nothing seen */
	/* hidden bytes after an emoji, one variation selector per byte */
	clean_one("\U0001F600\U000E0100\U000E0101\U000E0102", "\U0001F600\U000E0100<U+E0101>"
							      "<U+E0102>");
	/* tags outside a whole tag sequence: "ASCII smuggling" */
	clean_one("hi\U000E0069\U000E0067\U000E006E",
		  "hi<U+E0069><U+E0067><U+E006E>");
	clean_one("\U0001F3F4\U000E0067\U000E0062", "\U0001F3F4<U+E0067><U+E0062>"); /* no end */
	clean_one("\U0001F3F4\U000E007F", "\U0001F3F4<U+E007F>"); /* no tags */
	clean_one("\U0001F3F4\U000E0067\U000E007F\U000E007F",
		  "\U0001F3F4<U+E0067><U+E007F><U+E007F>");
	clean_one("\U000E0001\U000E0065\U000E006E", "<U+E0001><U+E0065><U+E006E>");
	clean_one("a\U000E0067\U000E007F", "a<U+E0067><U+E007F>"); /* not an emoji base */
}

/* Whether s is valid UTF-8 with no control and no hidden character other than
 * a joiner text_clean may keep. */
static int looks_clean(const char *s)
{
	size_t len = strlen(s);

	for (size_t at = 0; at < len;) {
		unsigned cp;
		size_t k = text_utf8_decode(s + at, len - at, &cp);

		if (!k || cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			return 0;
		for (size_t r = 0; r < sizeof hidden / sizeof hidden[0]; r++)
			if (cp >= hidden[r].lo && cp <= hidden[r].hi &&
			    !(cp == 0x200C || cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) ||
			      (cp >= 0xE0020 && cp <= 0xE007F) || (cp >= 0xE0100 && cp <= 0xE01EF) ||
			      cp == 0x034F || cp == 0x115F || cp == 0x1160 ||
			      (cp >= 0x180B && cp <= 0x180F && cp != 0x180E)))
				return 0;
		at += k;
	}
	return 1;
}

/* Pieces that interact: bases, marks, joiners, selectors, tags, controls,
 * broken bytes. Random strings of them must clean to clean text, and
 * cleaning twice must change nothing. */
static const char *const pieces[] = {
	"a", " ", "日", "e", "\u0301", "\u200D", "\u200C", "\uFE0F", "\uFE0E",
	"\U0001F468", "\U0001F3FD", "\U0001F3F4", "\U000E0067", "\U000E007F", "\U0001F1EF",
	"\U0001F1F5", "\u1100", "\u1161", "\u11A8", "\u115F", "\u1160", "\u202E", "\u2066",
	"\x1b", "\t", "\xC2\x9B", "\xFF", "\xE6\x97", "\u0915", "\u094D", "\u093F", "\u0600",
	"\u263A", "1", "\u20E3", "\U000E0100", "\u00AD", "\u3164", "\r", "\n", "\u0E33",
};

static void random_text(Rng *rng, char *buf, size_t size, int pieces_n)
{
	size_t at = 0;

	for (int i = 0; i < pieces_n; i++) {
		const char *p = pieces[rng_below(rng, sizeof pieces / sizeof pieces[0])];
		size_t k = strlen(p);

		if (at + k >= size)
			break;
		memcpy(buf + at, p, k);
		at += k;
	}
	buf[at] = '\0';
}

static void clean_is_idempotent(void)
{
	Rng rng;
	int not_clean = 0, changed = 0;

	rng_seed(&rng, 42);
	for (int t = 0; t < 20000; t++) {
		char in[256], *once, *twice;

		random_text(&rng, in, sizeof in, 1 + (int)rng_below(&rng, 12));
		once = text_clean(in);
		twice = text_clean(once);
		if (!looks_clean(once) && not_clean++ < 3)
			fprintf(stderr, "not clean: \"%s\"\n", once);
		if (strcmp(once, twice) != 0 && changed++ < 3)
			fprintf(stderr, "cleaned twice: \"%s\" then \"%s\"\n", once, twice);
		free(once);
		free(twice);
	}
	CHECK_INT(not_clean, 0);
	CHECK_INT(changed, 0);
}

/* ---- grapheme clusters ---- */

/* Every line of Unicode's GraphemeBreakTest.txt: "÷ 0020 × 0308 ÷ ..." gives
 * the code points and where clusters end. */
static void grapheme_break_test(void)
{
	FILE *fp = fopen("tests/data/unicode/GraphemeBreakTest.txt", "r");
	char line[2048];
	int cases = 0, wrong = 0;

	CHECK(fp != NULL);
	if (!fp)
		return;
	while (fgets(line, sizeof line, fp)) {
		unsigned cps[64];
		size_t n = 0, want[64], nwant = 0, at = 0, len;
		char *p = line, *end;
		const char *s;
		int ok = 1;

		if (strncmp(line, "÷", strlen("÷")) != 0)
			continue;
		while (*p && *p != '#') {
			if (!strncmp(p, "÷", strlen("÷"))) {
				if (n)
					want[nwant++] = n;
				p += strlen("÷");
			} else if (!strncmp(p, "×", strlen("×"))) {
				p += strlen("×");
			} else if (*p == ' ' || *p == '\t') {
				p++;
			} else {
				cps[n++] = (unsigned)strtoul(p, &end, 16);
				p = end;
			}
		}
		s = utf8(cps, n);
		len = strlen(s);
		/* the break after each cluster, counted in code points */
		for (size_t k = 0, count = 0; k < nwant; k++) {
			size_t e = text_cluster_end(s, len, at);
			unsigned cp;

			for (size_t b = at; b < e; b += text_utf8_decode(s + b, e - b, &cp))
				count++;
			ok &= count == want[k];
			at = e;
		}
		ok &= at == len;
		cases++;
		if (!ok && wrong++ < 5)
			fprintf(stderr, "GraphemeBreakTest: %s", line);
	}
	fclose(fp);
	CHECK_INT(wrong, 0);
	CHECK(cases >= 600);
}

/* Every fully-qualified emoji (ZWJ sequences, flags, tag sequences, keycaps,
 * skin tones): one cluster, two columns, kept as it is by text_clean. */
static void every_emoji(void)
{
	FILE *fp = fopen("tests/data/unicode/emoji-sequences.txt", "r");
	char line[256];
	int n = 0, split = 0, width = 0, changed = 0;

	CHECK(fp != NULL);
	if (!fp)
		return;
	while (fgets(line, sizeof line, fp)) {
		unsigned cps[16];
		size_t k = 0;
		char *p = line, *end, *cleaned;
		const char *s;

		if (line[0] == '#')
			continue;
		while (k < 16 && (cps[k] = (unsigned)strtoul(p, &end, 16), end != p))
			k++, p = end;
		s = utf8(cps, k);
		n++;
		if (count_clusters(s) != 1 && split++ < 3)
			fprintf(stderr, "emoji split: %s\n", line);
		if (text_display_width(s) != 2 && width++ < 3)
			fprintf(stderr, "emoji %d columns: %s\n", text_display_width(s), line);
		cleaned = text_clean(s);
		if (strcmp(cleaned, s) != 0 && changed++ < 3)
			fprintf(stderr, "emoji cleaned: %s\n", line);
		free(cleaned);
	}
	fclose(fp);
	CHECK_INT(split, 0);
	CHECK_INT(width, 0);
	CHECK_INT(changed, 0);
	CHECK(n > 3600);
}

static void cluster_examples(void)
{
	CHECK_STR(clusters("e\u0301te\u0301"), "e\u0301|t|e\u0301");
	CHECK_STR(clusters("\u1100\u1161\u11A8\u1100"), "\u1100\u1161\u11A8|\u1100");
	CHECK_STR(clusters("\U0001F1EF\U0001F1F5\U0001F1FA\U0001F1F8\U0001F1EB"),
		  "\U0001F1EF\U0001F1F5|\U0001F1FA\U0001F1F8|\U0001F1EB");
	CHECK_STR(clusters("\U0001F44D\U0001F3FD!"), "\U0001F44D\U0001F3FD|!");
	/* Unicode 15.0 has no conjunct rule (15.1 adds GB9c): two clusters */
	CHECK_STR(clusters("\u0915\u094D\u0937\u093F"), "\u0915\u094D|\u0937\u093F");
	CHECK_STR(clusters("a\xFF\xFE" "b"), "a|\xFF|\xFE|b");
	CHECK_STR(clusters("\r\n\n"), "\r\n|\n");
	CHECK_INT(text_cluster_end("abc", 3, 3), 3);
	CHECK_INT(text_cluster_end("abc", 3, 7), 3);
}

/* Backspace deletes one cluster, from the end back to the start. */
static void prev_cluster(void)
{
	static const char *const parts[] = {
		"a", "\U0001F468\u200D\U0001F469\u200D\U0001F467", "\U0001F1EF\U0001F1F5",
		"e\u0301", "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
		"\u1100\u1161\u11A8", "\xFF", "\U0001F44D\U0001F3FD", "\u0645", "\u65E5",
	};
	size_t n = sizeof parts / sizeof parts[0], at;
	char s[256] = "";

	for (size_t i = 0; i < n; i++)
		strcat(s, parts[i]);
	at = strlen(s);
	for (size_t i = n; i-- > 0;) {
		size_t prev = text_prev_cluster(s, at);

		CHECK_INT(at - prev, strlen(parts[i]));
		CHECK(strncmp(s + prev, parts[i], at - prev) == 0);
		at = prev;
	}
	CHECK_INT(at, 0);
	CHECK_INT(text_prev_cluster(s, 0), 0);
	/* only what precedes at counts: the flag's first half alone */
	CHECK_INT(text_prev_cluster("\U0001F1EF\U0001F1F5", 4), 0);
}

/* ---- widths ---- */

static void width_one(const char *s, int want)
{
	CHECK_INT(text_display_width(s), want);
}

static void widths(void)
{
	width_one("", 0);
	width_one(NULL, 0);
	width_one("gavel", 5);
	/* East Asian Wide (W) and Fullwidth (F): two columns */
	width_one("日本語のテキスト", 16);
	width_one("中文标签", 8);
	width_one("한국어", 6);
	width_one("ＡＢＣ", 6);   /* fullwidth Latin */
	width_one("ｱｲｳ", 3);      /* halfwidth katakana (H) */
	width_one("\u3000", 2);    /* ideographic space */
	/* combining marks add nothing */
	width_one("e\u0301", 1);
	width_one("\u00E9", 1);
	width_one("a\u0301\u0302\u0303\u0304", 1);
	width_one("\u1100\u1161\u11A8", 2); /* jamo make one syllable */
	width_one("\uAC01", 2);             /* the same syllable, precomposed */
	/* Devanagari: virama and vowel signs above/below 0; spacing i-matra 1 */
	width_one("\u0928\u092E\u0938\u094D\u0924\u0947", 4); /* नमस्ते */
	width_one("\u0915\u093F", 2);                         /* कि */
	/* Arabic: letters 1, harakat 0 (shaping is the terminal's) */
	width_one("\u0645\u0631\u062D\u0628\u0627", 5);
	width_one("\u0645\u064E\u0631\u0652\u062D\u064E\u0628\u064B\u0627", 5);
	width_one("\u0E19\u0E49\u0E33", 2); /* Thai น้ำ: sara am takes a cell */
	/* emoji */
	width_one("\U0001F34E", 2);
	width_one("\U0001F468\u200D\U0001F469\u200D\U0001F467", 2);
	width_one("\U0001F468\U0001F3FD\u200D\U0001F4BB", 2);
	width_one("\U0001F44D\U0001F3FD", 2);
	width_one("\U0001F1EF\U0001F1F5", 2);
	width_one("\U0001F1EF\U0001F1F5\U0001F1FA\U0001F1F8", 4);
	width_one("\U0001F1EF", 1);
	width_one("\U0001F1EF\U0001F1F5\U0001F1FA", 3);
	width_one("\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", 2);
	width_one("\u263A", 1);        /* text by default (EAW N) */
	width_one("\u263A\uFE0F", 2);  /* VS16 asks for the emoji */
	width_one("\u2764\uFE0F", 2);
	width_one("1\uFE0F\u20E3", 2); /* keycap */
	width_one("1\u20E3", 1);
	width_one("\u00A9", 1);
	/* what text_clean shows for controls, hidden and broken text */
	width_one("\x1b[31m", 6);      /* ^[[31m */
	width_one("\u200D", 8);        /* <U+200D> */
	width_one("a\u202Eb", 10);     /* a<U+202E>b */
	width_one("a\xFF" "b", 3);     /* a U+FFFD b */
	width_one("\xC2\x9B", 1);
}

static void cluster_widths(void)
{
	CHECK_INT(text_cluster_width("\U0001F468\u200D\U0001F469\u200D\U0001F467",
				     strlen("\U0001F468\u200D\U0001F469\u200D\U0001F467")),
		  2);
	CHECK_INT(text_cluster_width("\xFF", 1), 1);
	CHECK_INT(text_cluster_width("\u0301", 2), 0); /* a mark with no base */
	CHECK_INT(text_cluster_width("", 0), 0);
}

/* The columns the C library's wcwidth gives s code point by code point, as
 * curses places them; -1 when it knows one of them not. */
static int wcwidth_sum(const char *s)
{
	size_t len = strlen(s);
	int sum = 0;

	for (size_t at = 0; at < len;) {
		unsigned cp;
		size_t k = text_utf8_decode(s + at, len - at, &cp);
		int w = k ? wcwidth((wchar_t)cp) : -1;

		if (w < 0)
			return -1;
		sum += w, at += k;
	}
	return sum;
}

/* For curses: every emoji, and mixed text, reduced so that the C library's
 * per-code-point count (an independent table: glibc's) agrees with ours. */
static void cells_agree_with_wcwidth(void)
{
	static const char *const mixed[] = {
		"\U0001F468\u200D\U0001F469\u200D\U0001F467fam", "\U0001F44D\U0001F3FDthumb",
		"\u263A\uFE0F smile", "1\uFE0F\u20E3 keycap", "\U0001F1EF\U0001F1F5 flag",
		"\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F scot",
		"日本語 e\u0301 \u1100\u1161\u11A8 \u0928\u092E\u0938\u094D\u0924\u0947 \u0915\u093F",
	};
	FILE *fp = fopen("tests/data/unicode/emoji-sequences.txt", "r");
	char line[256];
	int n = 0, differ = 0;

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "no C.UTF-8 locale: wcwidth cross-check skipped\n");
		return;
	}
	for (size_t i = 0; i < sizeof mixed / sizeof mixed[0]; i++) {
		char *cells = text_clean_cells(mixed[i]);

		CHECK_INT(text_display_width(cells), wcwidth_sum(cells));
		free(cells);
	}
	CHECK(fp != NULL);
	while (fp && fgets(line, sizeof line, fp)) {
		unsigned cps[16];
		size_t k = 0;
		char *p = line, *end, *cells;

		if (line[0] == '#')
			continue;
		while (k < 16 && (cps[k] = (unsigned)strtoul(p, &end, 16), end != p))
			k++, p = end;
		cells = text_clean_cells(utf8(cps, k));
		/* newer emoji than the C library's tables are skipped */
		if (wcwidth_sum(cells) >= 0) {
			n++;
			if (text_display_width(cells) != wcwidth_sum(cells) && differ++ < 3)
				fprintf(stderr, "cells of %s: %d columns, wcwidth %d\n", line,
					text_display_width(cells), wcwidth_sum(cells));
		}
		free(cells);
	}
	if (fp)
		fclose(fp);
	CHECK_INT(differ, 0);
	CHECK(n > 3000);
	setlocale(LC_CTYPE, "C");
}

static void cells_examples(void)
{
	char *got;

	got = text_clean_cells("\U0001F468\u200D\U0001F469\u200D\U0001F467 and \U0001F44D\U0001F3FD");
	CHECK_STR(got, "\U0001F468 and \U0001F44D");
	free(got);
	got = text_clean_cells("\U0001F1EF\U0001F1F5 \u263A\uFE0F \u263A e\u0301 \x1b\u202E");
	CHECK_STR(got, "\U0001F1EF\U0001F1F5 \u263A \u263A e\u0301 ^[<U+202E>");
	free(got);
}

/* ---- cutting and wrapping ---- */

static const char *const samples[] = {
	"The quick brown fox jumps over the lazy dog",
	"日本語のテキストを折り返す 日本語 テキスト",
	"\U0001F468\u200D\U0001F469\u200D\U0001F467 family \U0001F1EF\U0001F1F5\U0001F1FA\U0001F1F8"
	"\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F flags",
	"e\u0301e\u0301e\u0301 cafe\u0301 \u1100\u1161\u11A8\u1100\u1161\u11A8 \uD55C\uAD6D\uC5B4",
	"\u0928\u092E\u0938\u094D\u0924\u0947 \u0915\u093F \u0645\u064E\u0631\u0652\u062D\u064E "
	"\U0001F44D\U0001F3FD\U0001F44D\U0001F3FF",
	"supercalifragilisticexpialidocious   spaced    out   ",
	"   leading spaces then words",
	"a hello world",
	/* ZWJ and ZWNJ join across a cluster boundary: no cut may fall after them */
	"\u0915\u094D\u200D\u0937\u0915\u094D\u200D\u0937 \u0645\u06CC\u200C\u062E\u0648\u0627"
	"\u0647\u0645 \u06A9\u062A\u0627\u0628\u200C\u0647\u0627",
	"",
};

/* Whether s[0..n) ends in ZWJ or ZWNJ. */
static int ends_joined(const char *s, size_t n)
{
	return n >= 3 && (!strncmp(s + n - 3, "\u200D", 3) || !strncmp(s + n - 3, "\u200C", 3));
}

/* Every cut of every sample at every width: on a cluster boundary, within
 * the limit, and as long as it can be. */
static void cut_never_splits(void)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		const char *s = samples[i];
		size_t len = strlen(s);

		for (int max = -1; max <= 60; max++) {
			int used = -1;
			size_t n = text_cut(s, max, &used);
			int ok = is_boundary(s, n) && used <= (max > 0 ? max : 0);
			char *head = strndup(s, n);

			ok &= ends_joined(s, n) || text_display_width(head) == used;
			if (n < len) {
				size_t e = text_cluster_end(s, len, n);

				/* the next cluster does not fit, or must go with the next */
				ok &= used + text_cluster_width(s + n, e - n) > max ||
				      strncmp(s + e - 3, "\u200D", 3) == 0 ||
				      strncmp(s + e - 3, "\u200C", 3) == 0;
			}
			/* after a joiner only when the clusters it joins from the
			 * start are wider than max: every cluster so far ends in one */
			for (size_t b = 0, e; ends_joined(s, n) && b < n; b = e) {
				e = text_cluster_end(s, len, b);
				ok &= ends_joined(s, e);
			}
			if (!ok && bad++ < 5)
				fprintf(stderr, "cut \"%s\" at %d: %zu bytes, %d cols\n", s, max, n,
					used);
			free(head);
		}
	}
	CHECK_INT(bad, 0);
	CHECK_INT(text_cut("日本", 3, NULL), 3);
	CHECK_INT(text_cut("\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074"
			   "\U000E007F!",
			   1, NULL),
		  0);
	CHECK_INT(text_cut("e\u0301x", 1, NULL), 3);
}

typedef struct {
	StrBuf all;
	int widest, lines;
} Collect;

static void collect(void *arg, const char *line)
{
	Collect *c = arg;
	int w = text_display_width(line);
	char *again = text_clean(line);

	/* a line is clean text on its own: drawing it cleans it again */
	if (strcmp(again, line) != 0)
		c->widest = 1000;
	free(again);
	if (w > c->widest)
		c->widest = w;
	c->lines++;
	strbuf_adds(&c->all, line);
	strbuf_addc(&c->all, '\n');
}

static char *without_spaces(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	for (; *s; s++)
		if (*s != ' ' && *s != '\n')
			*o++ = *s;
	*o = '\0';
	return out;
}

/* Every sample at widths 2..40: no line too wide, no text lost or added,
 * every break between clusters, no line starting or ending in a space
 * after a break. */
static void wrap_keeps_limits(void)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char *clean = text_clean(samples[i]), *want = without_spaces(clean);

		for (int width = 2; width <= 40; width++) {
			Collect c = { 0 };
			int n = text_wrap(samples[i], width, width, collect, &c);
			char *got = without_spaces(strbuf_peek(&c.all));
			int ok = n == c.lines && c.widest <= width && strcmp(got, want) == 0;
			const char *at = clean, *line = strbuf_peek(&c.all);

			/* each line is the next stretch of clean text, cut on boundaries */
			for (int k = 0; k < n && ok; k++) {
				size_t llen = strcspn(line, "\n");

				/* spaces at a break, or leading ones that left no room, go */
				while (line[0] != ' ' && *at == ' ')
					at++;
				ok &= strncmp(at, line, llen) == 0 && is_boundary(clean, (size_t)(at - clean));
				ok &= is_boundary(clean, (size_t)(at + llen - clean));
				ok &= !(k && llen && line[0] == ' ') && !(llen && line[llen - 1] == ' ');
				at += llen, line += llen + 1;
			}
			if (!ok && bad++ < 5)
				fprintf(stderr, "wrap \"%s\" at %d:\n%s", samples[i], width,
					strbuf_peek(&c.all));
			free(got);
			strbuf_free(&c.all);
		}
		free(clean);
		free(want);
	}
	CHECK_INT(bad, 0);
}

/* The lines of s wrapped at (first, width), joined by "|". */
static const char *wrapped(const char *s, int first, int width)
{
	static char buf[1024];
	Collect c = { 0 };

	text_wrap(s, first, width, collect, &c);
	snprintf(buf, sizeof buf, "%s", strbuf_peek(&c.all));
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = '|';
	strbuf_free(&c.all);
	return buf;
}

static void wrap_examples(void)
{
	/* greedy: "a hello" fits in 7 */
	CHECK_STR(wrapped("a hello world", 7, 7), "a hello|world|");
	CHECK_STR(wrapped("hello world", 5, 5), "hello|world|");
	CHECK_STR(wrapped("ab cdefgh", 5, 5), "ab|cdefg|h|");
	CHECK_STR(wrapped("  lead kept", 20, 20), "  lead kept|");
	CHECK_STR(wrapped("one two three four", 8, 14), "one two|three four|");
	CHECK_STR(wrapped("para one\npara two", 20, 20), "para one|para two|");
	CHECK_STR(wrapped("", 10, 10), "|");
	CHECK_STR(wrapped("x\n\ny", 10, 10), "x||y|");
	CHECK_STR(wrapped("日本語テキスト", 5, 5), "日本|語テ|キス|ト|");
	CHECK_STR(wrapped("\U0001F468\u200D\U0001F469\u200D\U0001F467\U0001F468\u200D"
			  "\U0001F469\u200D\U0001F467",
			  3, 3),
		  "\U0001F468\u200D\U0001F469\u200D\U0001F467|\U0001F468\u200D\U0001F469\u200D"
		  "\U0001F467|");
	CHECK_STR(wrapped("a\tb", 10, 10), "a^Ib|"); /* cleaned */
	CHECK_STR(wrapped("日", 1, 1), "日|");       /* too wide: a line anyway */
	CHECK_INT(text_wrap("text", 0, 10, collect, &(Collect){ 0 }), 0);
}

static void wrap_cells(void)
{
	Collect c = { 0 };

	CHECK_INT(text_wrap_cells("\U0001F44D\U0001F3FD x\ny \U0001F1EF\U0001F1F5", 10, 10, collect,
				  &c),
		  2);
	CHECK_STR(strbuf_peek(&c.all), "\U0001F44D x\ny \U0001F1EF\U0001F1F5\n");
	strbuf_free(&c.all);
}

int main(void)
{
	RUN(decode);
	RUN(clean);
	RUN(hidden_become_visible);
	RUN(bidi_and_format);
	RUN(joiners_kept_where_needed);
	RUN(clean_is_idempotent);
	RUN(grapheme_break_test);
	RUN(every_emoji);
	RUN(cluster_examples);
	RUN(prev_cluster);
	RUN(widths);
	RUN(cluster_widths);
	RUN(cells_agree_with_wcwidth);
	RUN(cells_examples);
	RUN(cut_never_splits);
	RUN(wrap_keeps_limits);
	RUN(wrap_examples);
	RUN(wrap_cells);
	return test_summary();
}
