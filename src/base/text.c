/* text.c - UTF-8 decoding, cleaning, and layout by grapheme cluster and
 * display width (see text.h for the rules). libutf8proc supplies Unicode's
 * data: grapheme break properties, widths, categories, default-ignorables. */
#include "src/base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "src/base/strbuf.h"
#include "src/base/xalloc.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

enum { INVALID = -1, NONE = -2 }; /* code points that are not */

size_t text_utf8_decode(const char *s, size_t len, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t need;
	unsigned c, min;

	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0)
		need = 2, c = u[0] & 0x1F, min = 0x80;
	else if ((u[0] & 0xF0) == 0xE0)
		need = 3, c = u[0] & 0x0F, min = 0x800;
	else if ((u[0] & 0xF8) == 0xF0)
		need = 4, c = u[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return need;
}

/* The code point at s[at] (at < len) and its length; an invalid byte is one
 * byte long and reads as INVALID. */
static size_t next_cp(const char *s, size_t len, size_t at, int32_t *cp)
{
	unsigned c;
	size_t k = text_utf8_decode(s + at, len - at, &c);

	*cp = k ? (int32_t)c : INVALID;
	return k ? k : 1;
}

/* Whether every byte is printable ASCII: nothing to clean, one column each. */
static int plain_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			return 0;
	return 1;
}

/* ---- grapheme clusters and widths ---- */

size_t text_cluster_end(const char *s, size_t len, size_t at)
{
	utf8proc_int32_t state = 0;
	int32_t prev, cp;

	if (at >= len)
		return len;
	at += next_cp(s, len, at, &prev);
	while (prev != INVALID && at < len) {
		size_t k = next_cp(s, len, at, &cp);

		if (cp == INVALID || utf8proc_grapheme_break_stateful(prev, cp, &state))
			break;
		prev = cp, at += k;
	}
	return at;
}

size_t text_prev_cluster(const char *s, size_t at)
{
	size_t start = 0;

	while (start < at) {
		size_t end = text_cluster_end(s, at, start);

		if (end >= at)
			break;
		start = end;
	}
	return start;
}

static int boundclass(int32_t cp)
{
	return utf8proc_get_property(cp)->boundclass;
}

/* One character's columns outside emoji clusters. Where utf8proc and the C
 * library's wcwidth (which curses, and terminals, follow) part ways on a
 * rule rather than a table, follow wcwidth: spacing marks (Mc) and the
 * visible prepended marks take a cell; vowel and final jamo take none, as
 * they join the leading jamo into one wide syllable. */
static int cp_width(int32_t cp)
{
	const utf8proc_property_t *p = utf8proc_get_property(cp);

	if (p->boundclass == UTF8PROC_BOUNDCLASS_V || p->boundclass == UTF8PROC_BOUNDCLASS_T)
		return 0;
	if (p->category == UTF8PROC_CATEGORY_MC ||
	    (p->category == UTF8PROC_CATEGORY_CF && p->boundclass == UTF8PROC_BOUNDCLASS_PREPEND))
		return 1;
	return utf8proc_charwidth(cp);
}

/* What a cluster holds that decides how it is drawn. */
typedef struct {
	int32_t first;
	size_t first_len;
	int count, wide, vs16, indicators, sum;
} ClusterShape;

static ClusterShape shape_of(const char *s, size_t len)
{
	ClusterShape c = { .first = NONE };

	for (size_t at = 0; at < len;) {
		int32_t cp;
		int w;

		at += next_cp(s, len, at, &cp);
		w = cp == INVALID ? 1 : cp_width(cp);
		if (c.first == NONE)
			c.first = cp, c.first_len = at;
		c.count++;
		c.wide |= cp != INVALID && utf8proc_charwidth(cp) == 2;
		c.vs16 |= cp == 0xFE0F;
		c.indicators +=
			cp != INVALID && boundclass(cp) == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR;
		c.sum += w;
	}
	return c;
}

/* Whether the cluster is one emoji glyph: a pictograph, or a keycap base
 * (0-9, #, *) asking for the emoji form. */
static int is_emoji(const ClusterShape *c)
{
	if (c->first == INVALID || c->first == NONE)
		return 0;
	if (boundclass(c->first) == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC)
		return 1;
	return c->vs16 &&
	       ((c->first >= '0' && c->first <= '9') || c->first == '#' || c->first == '*');
}

int text_cluster_width(const char *s, size_t len)
{
	ClusterShape c = shape_of(s, len);

	if (is_emoji(&c))
		return c.wide || c.vs16 ? 2 : 1;
	if (c.first != INVALID && c.first != NONE &&
	    boundclass(c.first) == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR)
		return c.indicators >= 2 ? 2 : 1;
	return c.sum;
}

int text_display_width(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	char *clean;
	int width = 0;

	if (plain_ascii(s, len))
		return (int)len;
	clean = text_clean(s);
	len = strlen(clean);
	for (size_t at = 0, end; at < len; at = end) {
		end = text_cluster_end(clean, len, at);
		width += text_cluster_width(clean + at, end - at);
	}
	free(clean);
	return width;
}

/* Whether s[0..end) ends in ZWJ or ZWNJ. */
static int ends_in_joiner(const char *s, size_t end)
{
	return end >= 3 && (!memcmp(s + end - 3, "\xE2\x80\x8D", 3) ||
			    !memcmp(s + end - 3, "\xE2\x80\x8C", 3));
}

/* Where the next cut may fall after at, and the columns up to it: the end of
 * the cluster there, or of the following ones while a cluster ends in ZWJ or
 * ZWNJ. text_clean keeps those only before a visible character, so a piece
 * cut after one would not be clean text any more (Unicode 15.1's rule GB9c
 * keeps Indic conjuncts whole for the same reason). */
static size_t piece_end(const char *s, size_t len, size_t at, int *width)
{
	size_t end = at;

	*width = 0;
	do {
		size_t e = text_cluster_end(s, len, end);

		*width += text_cluster_width(s + end, e - end);
		end = e;
	} while (end < len && ends_in_joiner(s, end));
	return end;
}

/* The clusters from at that fit in room more columns than *col, one by one
 * (for a piece wider than the whole room); returns where they end. */
static size_t fit_clusters(const char *s, size_t len, size_t at, int room, int *col)
{
	while (at < len) {
		size_t end = text_cluster_end(s, len, at);
		int w = text_cluster_width(s + at, end - at);

		if (*col + w > room)
			break;
		*col += w, at = end;
	}
	return at;
}

size_t text_cut(const char *s, int max_cols, int *used)
{
	size_t len = strlen(s), at = 0;
	int col = 0;

	while (at < len && max_cols > 0) {
		int w;
		size_t end = piece_end(s, len, at, &w);

		if (col + w > max_cols) {
			if (at == 0) /* a run of joined clusters wider than the room */
				at = fit_clusters(s, len, 0, max_cols, &col);
			break;
		}
		col += w, at = end;
	}
	if (used)
		*used = col;
	return at;
}

/* ---- cleaning ---- */

/* Invisible characters with a job inside a cluster (text.h says when). */
typedef enum { J_NONE, J_SELECT, J_JOIN, J_TAG, J_LFILL, J_VFILL } Joiner;

static const struct {
	int32_t lo, hi;
	Joiner kind;
} joiners[] = {
	{ 0x034F, 0x034F, J_SELECT },   /* combining grapheme joiner */
	{ 0x115F, 0x115F, J_LFILL },    /* Hangul choseong filler */
	{ 0x1160, 0x1160, J_VFILL },    /* Hangul jungseong filler */
	{ 0x180B, 0x180D, J_SELECT },   /* Mongolian free variation selectors */
	{ 0x180F, 0x180F, J_SELECT },
	{ 0x200C, 0x200D, J_JOIN },     /* ZWNJ, ZWJ */
	{ 0xFE00, 0xFE0F, J_SELECT },   /* variation selectors 1-16 */
	{ 0xE0020, 0xE007F, J_TAG },    /* tag characters and cancel tag */
	{ 0xE0100, 0xE01EF, J_SELECT }, /* variation selectors 17-256 */
};

/* Code points reserved as default-ignorable, unassigned in Unicode 15, so
 * utf8proc knows nothing of them (DerivedCoreProperties.txt). */
static const struct {
	int32_t lo, hi;
} reserved_ignorable[] = { { 0x2065, 0x2065 }, { 0xFFF0, 0xFFF8 }, { 0xE0000, 0xE0FFF } };

static Joiner joiner(int32_t cp)
{
	for (size_t i = 0; i < sizeof joiners / sizeof joiners[0]; i++)
		if (cp >= joiners[i].lo && cp <= joiners[i].hi)
			return joiners[i].kind;
	return J_NONE;
}

static int is_control(int32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

/* Default-ignorable, a line or paragraph separator, or a format character
 * other than the visible prepended concatenation marks. */
static int invisible(int32_t cp)
{
	const utf8proc_property_t *p = utf8proc_get_property(cp);

	if (p->ignorable || p->category == UTF8PROC_CATEGORY_ZL ||
	    p->category == UTF8PROC_CATEGORY_ZP)
		return 1;
	if (p->category == UTF8PROC_CATEGORY_CN)
		for (size_t i = 0; i < sizeof reserved_ignorable / sizeof reserved_ignorable[0]; i++)
			if (cp >= reserved_ignorable[i].lo && cp <= reserved_ignorable[i].hi)
				return 1;
	return p->category == UTF8PROC_CATEGORY_CF &&
	       p->boundclass != UTF8PROC_BOUNDCLASS_PREPEND;
}

/* Something a reader sees: not a control, space or invisible character. */
static int visible(int32_t cp)
{
	return cp >= 0 && !is_control(cp) && !invisible(cp) &&
	       utf8proc_category(cp) != UTF8PROC_CATEGORY_ZS;
}

static int is_pictographic(int32_t cp)
{
	return cp >= 0 && boundclass(cp) == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC;
}

/* A visible jamo of the given grapheme break class (L or V), not a filler. */
static int is_jamo(int32_t cp, int bc)
{
	return cp >= 0 && visible(cp) && boundclass(cp) == bc;
}

typedef enum { KEEP, CARET, REPLACE, NAME } Show;

/* One cluster being cleaned: its code points and their lengths in bytes, and
 * the code point after it. Every rule below looks only at neighbours that are
 * kept themselves, so a second cleaning sees the same neighbours and keeps
 * the same characters. */
typedef struct {
	int32_t *cp;
	unsigned char *bytes;
	size_t n, cap, bytes_cap;
	int32_t after;
	size_t tag_end; /* the tag run decided last, and whether it was kept */
	int tag_ok;
} Cluster;

/* Whether the tag run starting at i is a whole emoji tag sequence: right
 * after an emoji (or its VS16 or skin tone), tags U+E0020-E007E, then one
 * U+E007F (UTS #51 emoji_tag_sequence). */
static int tag_run_ok(Cluster *c, size_t i)
{
	size_t end = i, base = i;

	while (end < c->n && joiner(c->cp[end]) == J_TAG)
		end++;
	c->tag_end = end;
	if (base > 0 && (c->cp[base - 1] == 0xFE0F ||
			 (c->cp[base - 1] >= 0x1F3FB && c->cp[base - 1] <= 0x1F3FF)))
		base--;
	if (base == 0 || !is_pictographic(c->cp[base - 1]) || end - i < 2 ||
	    c->cp[end - 1] != 0xE007F)
		return 0;
	for (size_t k = i; k < end - 1; k++)
		if (c->cp[k] == 0xE007F)
			return 0;
	return 1;
}

static Show show(Cluster *c, size_t i, int prev_kept)
{
	int32_t cp = c->cp[i], next = i + 1 < c->n ? c->cp[i + 1] : c->after;
	int32_t prev = i > 0 ? c->cp[i - 1] : NONE;

	if (cp == INVALID || (cp >= 0x80 && cp < 0xA0))
		return REPLACE;
	if (is_control(cp))
		return CARET;
	if (!invisible(cp))
		return KEEP;
	switch (joiner(cp)) {
	case J_SELECT:
		return visible(prev) ? KEEP : NAME;
	case J_JOIN:
		return prev_kept && joiner(prev) != J_JOIN && visible(next) ? KEEP : NAME;
	case J_TAG:
		if (i >= c->tag_end)
			c->tag_ok = tag_run_ok(c, i);
		return c->tag_ok ? KEEP : NAME;
	case J_LFILL:
		return i + 1 < c->n && is_jamo(next, UTF8PROC_BOUNDCLASS_V) ? KEEP : NAME;
	case J_VFILL:
		return is_jamo(prev, UTF8PROC_BOUNDCLASS_L) ? KEEP : NAME;
	default:
		return NAME;
	}
}

/* Reads the cluster s[at..end) and the code point after it into c. */
static void load_cluster(Cluster *c, const char *s, size_t len, size_t at, size_t end)
{
	c->n = 0;
	c->tag_end = 0;
	while (at < end) {
		c->cp = xgrow(c->cp, &c->cap, c->n + 1, sizeof *c->cp);
		c->bytes = xgrow(c->bytes, &c->bytes_cap, c->n + 1, 1);
		c->bytes[c->n] = (unsigned char)next_cp(s, len, at, &c->cp[c->n]);
		at += c->bytes[c->n];
		c->n++;
	}
	c->after = NONE;
	if (end < len)
		next_cp(s, len, end, &c->after);
}

/* Appends the cleaned cluster that starts at s. */
static void clean_cluster(StrBuf *out, Cluster *c, const char *s)
{
	int prev_kept = 0;

	for (size_t i = 0; i < c->n; s += c->bytes[i++]) {
		Show how = show(c, i, prev_kept);

		if (how == KEEP)
			strbuf_add(out, s, c->bytes[i]);
		else if (how == CARET)
			strbuf_addf(out, "^%c", c->cp[i] == 0x7F ? '?' : (char)(c->cp[i] + '@'));
		else if (how == REPLACE)
			strbuf_adds(out, replacement);
		else
			strbuf_addf(out, "<U+%04X>", (unsigned)c->cp[i]);
		prev_kept = how == KEEP;
	}
}

char *text_clean(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	StrBuf out = { 0 };
	Cluster c = { 0 };

	if (plain_ascii(s, len))
		return xstrndup(s ? s : "", len);
	for (size_t at = 0, end; at < len; at = end) {
		end = text_cluster_end(s, len, at);
		load_cluster(&c, s, len, at, end);
		clean_cluster(&out, &c, s + at);
	}
	free(c.cp);
	free(c.bytes);
	return strbuf_take(&out);
}

char *text_clean_cells(const char *s)
{
	char *clean = text_clean(s);
	size_t len = strlen(clean), n = 0;

	for (size_t at = 0, end; at < len; at = end) {
		ClusterShape c;
		size_t keep;

		end = text_cluster_end(clean, len, at);
		c = shape_of(clean + at, end - at);
		keep = is_emoji(&c) && c.count > 1 ? c.first_len : end - at;
		memmove(clean + n, clean + at, keep);
		n += keep;
	}
	clean[n] = '\0';
	return clean;
}

/* ---- wrapping ---- */

/* Whether the cluster s[at..end) is one ASCII space: where lines may break. */
static int lone_space(const char *s, size_t at, size_t end)
{
	return end - at == 1 && s[at] == ' ';
}

static size_t skip_spaces(const char *s, size_t len, size_t at)
{
	while (at < len && lone_space(s, at, text_cluster_end(s, len, at)))
		at++;
	return at;
}

/* The line of clean text from *at that fits in room columns: returns where it
 * ends (trailing spaces left out) and sets *next to where the next line
 * starts. Breaks after the last word that fits, else between clusters.
 * Leading spaces that leave no room for a word are dropped. */
static size_t fit_line(const char *s, size_t len, size_t *at, int room, size_t *next)
{
	size_t end = *at, word_end = *at, cut = 0;
	int col = 0;

	while (end < len) {
		int w;
		size_t e = piece_end(s, len, end, &w);
		int space = lone_space(s, end, e);

		if (space && word_end > *at)
			cut = word_end; /* the line may end after this word */
		col += w;
		if (col > room)
			break;
		if (!space)
			word_end = e;
		end = e;
	}
	if (end >= len) {
		cut = word_end;
	} else if (!cut && word_end == *at && end > *at) {
		*at = skip_spaces(s, len, *at); /* only spaces fitted */
		return fit_line(s, len, at, room, next);
	} else if (!cut && end > *at) {
		cut = end; /* inside a word */
	} else if (!cut) {
		/* joined clusters wider than the line: cut between them (the
		 * joiner ending the line has nothing to join and is left out);
		 * a cluster wider than the line goes alone */
		col = 0;
		cut = fit_clusters(s, len, *at, room, &col);
		if (cut == *at)
			cut = text_cluster_end(s, len, cut);
	}
	*next = skip_spaces(s, len, cut);
	return ends_in_joiner(s, cut) && *next < len ? cut - 3 : cut;
}

typedef char *(*CleanFn)(const char *s);

/* Wraps one paragraph; *lines counts the lines so far. */
static void wrap_paragraph(const char *para, CleanFn clean_fn, int first_width, int width,
			   TextLineFn line, void *arg, int *lines)
{
	char *clean = clean_fn(para);
	size_t len = strlen(clean), at = 0;

	do {
		size_t next, end = fit_line(clean, len, &at, *lines ? width : first_width, &next);
		char *text = xstrndup(clean + at, end - at);

		line(arg, text);
		free(text);
		++*lines;
		at = next;
	} while (at < len);
	free(clean);
}

static int wrap(const char *s, CleanFn clean_fn, int first_width, int width, TextLineFn line,
		void *arg)
{
	char *buf;
	int lines = 0;

	if (first_width < 1 || width < 1)
		return 0;
	/* newlines are line breaks, so clean each paragraph on its own */
	buf = xstrdup(s ? s : "");
	for (char *para = buf, *next; para; para = next) {
		next = strchr(para, '\n');
		if (next)
			*next++ = '\0';
		wrap_paragraph(para, clean_fn, first_width, width, line, arg, &lines);
	}
	free(buf);
	return lines;
}

int text_wrap(const char *s, int first_width, int width, TextLineFn line, void *arg)
{
	return wrap(s, text_clean, first_width, width, line, arg);
}

int text_wrap_cells(const char *s, int first_width, int width, TextLineFn line, void *arg)
{
	return wrap(s, text_clean_cells, first_width, width, line, arg);
}
