/* replytext.c - reading values in the text of an LLM reply; the rules are in
 * src/reply.h. */
#include "src/llm/replytext.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/text.h"
#include "src/base/xalloc.h"

enum { MAX_KEY = 40, MAX_QUOTED_VALUE = 256, MAX_SHOWN = 40 };

/* ---- small text helpers ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_ws(char c)
{
	return is_blank(c) || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* c is one of the characters of set; never true for NUL, which is data here
 * (strchr would find the set's terminator). */
static int one_of(const char *set, char c)
{
	return c != '\0' && strchr(set, c) != NULL;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* s (len bytes) equals the NUL-terminated word, ASCII case ignored: scale
 * names compare the same in every locale. */
static int same_word(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);
	if (n != len)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != lower(word[i]))
			return 0;
	return 1;
}

int replytext_starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && same_word(s, n, prefix);
}

void replytext_trim(const char **s, size_t *len)
{
	while (*len && is_ws(**s))
		(*s)++, (*len)--;
	while (*len && is_ws((*s)[*len - 1]))
		(*len)--;
}

/* Trims whitespace and the markdown and quoting around a value in prose. */
static void trim_decoration(const char **s, size_t *len)
{
	static const char lead[] = " \t\r*_\"'`", tail[] = " \t\r*_\"'`,;.";
	while (*len && memchr(lead, **s, sizeof lead - 1))
		(*s)++, (*len)--;
	while (*len && memchr(tail, (*s)[*len - 1], sizeof tail - 1))
		(*len)--;
}

size_t replytext_skip_blank(const char *s, size_t len, size_t i)
{
	while (i < len && is_blank(s[i]))
		i++;
	return i;
}

size_t replytext_dash(const char *s, size_t len)
{
	int dash = replytext_starts_with(s, len, "\xE2\x80\x93") ||
		   replytext_starts_with(s, len, "\xE2\x80\x94");
	return dash ? 3 : 0;
}

/* Case-insensitive search for an ASCII needle in s[from..len); len when absent. */
size_t replytext_find(const char *s, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = from; i + n <= len; i++)
		if (lower(s[i]) == needle[0] && same_word(s + i, n, needle))
			return i;
	return len;
}

/* A piece of the reply fit to quote in a failure message: short, and with
 * control characters made visible (failures are printed on terminals). */
static char *shown(const char *s, size_t len)
{
	size_t cut = len;
	if (cut > MAX_SHOWN) {
		cut = MAX_SHOWN;
		while (cut > 0 && (s[cut] & 0xC0) == 0x80)
			cut--;
	}
	char *raw = xmalloc(cut * 2 + 1), *clean;
	size_t n = 0;
	for (size_t i = 0; i < cut; i++) { /* text_clean's caret notation, for NUL too */
		if (s[i] == '\0')
			raw[n++] = '^', raw[n++] = '@';
		else
			raw[n++] = s[i];
	}
	raw[n] = '\0';
	clean = text_clean(raw);
	free(raw);
	if (cut == len)
		return clean;
	char *dotted = xasprintf("%s...", clean);
	free(clean);
	return dotted;
}

/* ---- keys ---- */

/* Within a kind, earlier entries win (the rationale). json_only: too common
 * as a heading in prose to be read from a "Key: value" line. */
static const struct {
	const char *name;
	ReplyTextKey kind;
	int json_only;
} keys[] = {
    {"score", REPLYTEXT_SCORE, 0},
    {"rating", REPLYTEXT_SCORE, 0},
    {"quality_score", REPLYTEXT_SCORE, 0},
    {"quality_rating", REPLYTEXT_SCORE, 0},
    {"final_score", REPLYTEXT_SCORE, 0},
    {"overall_score", REPLYTEXT_SCORE, 0},
    {"overall_quality_score", REPLYTEXT_SCORE, 0},
    {"final_rating", REPLYTEXT_SCORE, 0},
    {"overall_rating", REPLYTEXT_SCORE, 0},
    {"label", REPLYTEXT_LABEL, 0},
    {"quality_label", REPLYTEXT_LABEL, 0},
    {"final_label", REPLYTEXT_LABEL, 0},
    {"quality", REPLYTEXT_LABEL, 1},
    {"class", REPLYTEXT_LABEL, 1},
    {"rationale", REPLYTEXT_RATIONALE, 1},
    {"explanation", REPLYTEXT_RATIONALE, 1},
    {"justification", REPLYTEXT_RATIONALE, 1},
    {"reasoning", REPLYTEXT_RATIONALE, 1},
    {"aspects", REPLYTEXT_ASPECTS, 1},
    {"aspect_notes", REPLYTEXT_ASPECTS, 1},
    {"confidence", REPLYTEXT_CONFIDENCE, 0},
};

/* The kind of a key; *rank orders keys of one kind. Case is ignored and
 * " " and "-" read as "_", so "Quality Score" is quality_score. */
ReplyTextKey replytext_key(const char *s, size_t len, int in_json, int *rank)
{
	char norm[MAX_KEY + 1];
	replytext_trim(&s, &len);
	while (len && *s == '_') /* markdown __Score__ */
		s++, len--;
	while (len && s[len - 1] == '_')
		len--;
	if (!len || len > MAX_KEY || memchr(s, '\0', len))
		return REPLYTEXT_OTHER;
	for (size_t i = 0; i < len; i++)
		norm[i] = s[i] == ' ' || s[i] == '-' ? '_' : lower(s[i]);
	norm[len] = '\0';
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		if (strcmp(norm, keys[k].name) == 0 && (in_json || !keys[k].json_only)) {
			*rank = (int)k;
			return keys[k].kind;
		}
	}
	return REPLYTEXT_OTHER;
}

/* ---- numbers and points of the scale ---- */

/* Reads "/ D", "out of D" or "%" after a number ending at i; returns the end. */
static size_t num_suffix(const char *s, size_t len, size_t i, ReplyTextNum *num)
{
	size_t j = replytext_skip_blank(s, len, i), k;
	long d = 0;
	if (j < len && s[j] == '%') {
		num->percent = 1;
		return j + 1;
	}
	if (j < len && s[j] == '/')
		j = replytext_skip_blank(s, len, j + 1);
	else if (replytext_starts_with(s + j, len - j, "out of"))
		j = replytext_skip_blank(s, len, j + 6);
	else
		return i;
	for (k = j; k < len && is_digit(s[k]); k++)
		d = d < 100000 ? d * 10 + (s[k] - '0') : d;
	if (k == j)
		return i;
	num->has_denom = 1;
	num->denom = d;
	return k;
}

/* Reads "[+-]D[.D]" and a suffix at s; returns the bytes used, 0 when s does
 * not start with a number. Digits are read by hand: strtod follows the
 * locale's decimal point, and curses programs set a locale. */
static size_t num_parse(const char *s, size_t len, ReplyTextNum *num)
{
	size_t i = 0, start;
	int negative = 0;
	memset(num, 0, sizeof *num);
	num->integral = 1;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		negative = s[i++] == '-';
	for (start = i; i < len && is_digit(s[i]); i++)
		num->value = num->value * 10 + (s[i] - '0');
	if (i == start)
		return 0;
	if (i + 1 < len && s[i] == '.' && is_digit(s[i + 1])) {
		double place = 1;
		for (i++; i < len && is_digit(s[i]); i++) {
			place /= 10;
			num->value += (s[i] - '0') * place;
			num->integral &= s[i] == '0';
		}
	}
	if (negative)
		num->value = -num->value;
	return num_suffix(s, len, i, num);
}

/* A number in prose ends at a boundary: "4." and "4 (good)" are 4, but "4a",
 * "4 5", "3-4", "3 - 4", "3 or 4", "4,5" and "3/5/2024" are not one number. */
static int num_ends(const char *s, size_t len, size_t i)
{
	size_t j = i;
	if (i == len)
		return 1;
	if (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_')
		return 0;
	if (i + 1 < len && one_of("-/.,", s[i]) && is_digit(s[i + 1]))
		return 0;
	while (j < len && (is_blank(s[j]) || s[j] == '\0'))
		j++;
	if (j < len && is_digit(s[j]))
		return 0;
	if (j < len && s[j] == '-')
		j++;
	else if (replytext_dash(s + j, len - j))
		j += replytext_dash(s + j, len - j);
	else if (replytext_starts_with(s + j, len - j, "to ") ||
		 replytext_starts_with(s + j, len - j, "or "))
		j += 3;
	else
		return 1;
	j = replytext_skip_blank(s, len, j);
	return !(j < len && is_digit(s[j]));
}

/* Checks that num names a point of the 1..k scale: NULL and *point, or the
 * failure. what is "score" or "label"; text is the value as the reply wrote it. */
char *replytext_num_point(const ReplyTextNum *num, const char *what, const char *text, int k,
			  int *point)
{
	if (!isfinite(num->value))
		return xasprintf("%s %s is off the scale 1..%d", what, text, k);
	if (!num->integral)
		return xasprintf("%s %s is not a point of the scale 1..%d", what, text, k);
	if (num->percent || (num->has_denom && num->denom != k))
		return xasprintf("%s %s is on another scale than 1..%d", what, text, k);
	if (num->value < 1 || num->value > k)
		return xasprintf("%s %s is off the scale 1..%d", what, text, k);
	*point = (int)num->value;
	return NULL;
}

/* A string that is one number and nothing else, as a point of the scale. */
char *replytext_score_point(const char *s, size_t len, int k, int *point)
{
	ReplyTextNum num;
	replytext_trim(&s, &len);
	size_t used = num_parse(s, len, &num);
	char *text = shown(s, len), *failure;
	if (!used || replytext_skip_blank(s, len, used) != len)
		failure = xasprintf("score \"%s\" is not a number", text);
	else
		failure = replytext_num_point(&num, "score", text, k, point);
	free(text);
	return failure;
}

/* A confidence: 0..1 as it is, (1, 100] or "N%" as a percentage. */
int replytext_confidence(double value, int percent, double *confidence)
{
	if (!isfinite(value) || value < 0 || value > 100)
		return 0;
	*confidence = percent || value > 1 ? value / 100 : value;
	return 1;
}

int replytext_confidence_text(const char *s, size_t len, double *confidence)
{
	ReplyTextNum num;
	size_t used;
	replytext_trim(&s, &len);
	used = num_parse(s, len, &num);
	return used && used == len && !num.has_denom &&
	       replytext_confidence(num.value, num.percent, confidence);
}

static int name_point(const ReplyTextScale *scale, const char *s, size_t len)
{
	for (int i = 0; i < scale->count; i++)
		if (scale->names[i] && same_word(s, len, scale->names[i]))
			return i + 1;
	return 0;
}

static int is_separator(const char *s, size_t len, size_t *i)
{
	if (one_of(" \t-:.()", s[*i])) {
		(*i)++;
		return 1;
	}
	if (replytext_dash(s + *i, len - *i)) {
		*i += replytext_dash(s + *i, len - *i);
		return 1;
	}
	return 0;
}

/* "4", "4 good", "4 - good", "4: good", "4 (good)": the point, or 0 when
 * the label is not such a form or the number and the name disagree. */
static int numbered_name(const ReplyTextScale *scale, const char *s, size_t len)
{
	size_t i = 0, j, end = len;
	int point = 0;
	while (i < len && i < 4 && is_digit(s[i]))
		point = point * 10 + (s[i++] - '0');
	if (i == 0 || (i < len && is_digit(s[i])) || point < 1 || point > scale->count)
		return 0;
	for (j = i; j < len && is_separator(s, len, &j);)
		;
	if (j >= len)
		return point;
	while (end > j && (s[end - 1] == ')' || is_blank(s[end - 1])))
		end--;
	return name_point(scale, s + j, end - j) == point ? point : 0;
}

/* "good (4)" and "good (4/5)": the point, or 0. */
static int name_numbered(const ReplyTextScale *scale, const char *s, size_t len)
{
	const char *open = len && s[len - 1] == ')' ? memchr(s, '(', len) : NULL;
	ReplyTextNum num;
	int point;
	if (!open)
		return 0;
	size_t name_len = (size_t)(open - s), in = len - name_len - 2;
	while (name_len && is_blank(s[name_len - 1]))
		name_len--;
	point = name_point(scale, s, name_len);
	if (!point || num_parse(open + 1, in, &num) != in)
		return 0;
	if (num.value != point || num.percent || (num.has_denom && num.denom != scale->count))
		return 0;
	return point;
}

/* The point a label string names: NULL and *point, or the failure. */
char *replytext_label_point(const ReplyTextScale *scale, const char *s, size_t len, int *point)
{
	const char *t = s;
	size_t n = len;
	replytext_trim(&t, &n);
	int p = n ? name_point(scale, t, n) : 0;
	if (!p && n)
		p = numbered_name(scale, t, n);
	if (!p && n)
		p = name_numbered(scale, t, n);
	if (p) {
		*point = p;
		return NULL;
	}
	char *text = shown(s, len);
	char *failure = xasprintf("label \"%s\" is not on the scale 1..%d", text, scale->count);
	free(text);
	return failure;
}

/* ---- score lines ---- */

static int is_null_word(const char *s, size_t len)
{
	return same_word(s, len, "null") || same_word(s, len, "none");
}

static int num_same(const ReplyTextNum *a, const ReplyTextNum *b, int k)
{
	long da = a->has_denom && a->denom != k ? a->denom : 0;
	long db = b->has_denom && b->denom != k ? b->denom : 0;
	return a->value == b->value && da == db && a->percent == b->percent;
}

static void lines_score(ReplyTextLines *l, const char *s, size_t len)
{
	ReplyTextNum num;
	size_t used = num_parse(s, len, &num);
	if (!used || !num_ends(s, len, used)) {
		if (len && !is_null_word(s, len) && !l->bad) {
			char *text = shown(s, len);
			l->bad = xasprintf("score \"%s\" is not a number", text);
			free(text);
		}
		return;
	}
	if (!l->has_score) {
		l->has_score = 1;
		l->score = num;
		l->score_text = shown(s, used);
	} else if (!num_same(&l->score, &num, l->scale->count) && !l->conflict) {
		char *text = shown(s, used);
		l->conflict = xasprintf("two conflicting scores: %s and %s", l->score_text, text);
		free(text);
	}
}

static void lines_label(ReplyTextLines *l, const char *s, size_t len)
{
	int point = 0;
	trim_decoration(&s, &len);
	if (!len || is_null_word(s, len))
		return;
	char *failure = replytext_label_point(l->scale, s, len, &point);
	if (!failure && l->has_label && l->label != point)
		failure = xasprintf("two conflicting labels: %d and %d", l->label, point);
	if (failure && !l->bad)
		l->bad = failure;
	else
		free(failure);
	if (!failure) {
		l->has_label = 1;
		l->label = point;
	}
}

static void lines_take(ReplyTextLines *l, ReplyTextKey kind, const char *s, size_t len)
{
	ReplyTextNum num;
	replytext_trim(&s, &len);
	if (kind == REPLYTEXT_SCORE) {
		lines_score(l, s, len);
	} else if (kind == REPLYTEXT_LABEL) {
		lines_label(l, s, len);
	} else if (kind == REPLYTEXT_CONFIDENCE && !l->has_confidence) {
		size_t used = num_parse(s, len, &num);
		if (used && num_ends(s, len, used) && !num.has_denom)
			l->has_confidence =
			    replytext_confidence(num.value, num.percent, &l->confidence);
	}
}

/* Skips what goes before a key at the start of a line: indentation, list
 * bullets and numbers, markdown emphasis and headings, JSON punctuation. */
static size_t skip_line_start(const char *s, size_t len)
{
	static const char decoration[] = " \t*_#>-+`\"'{,[|";
	size_t i = 0, d;
	while (i < len && memchr(decoration, s[i], sizeof decoration - 1))
		i++;
	for (d = i; d < len && is_digit(s[d]); d++)
		;
	if (d > i && d + 1 < len && (s[d] == '.' || s[d] == ')') && is_blank(s[d + 1]))
		i = replytext_skip_blank(s, len, d + 1);
	while (i < len && memchr(decoration, s[i], sizeof decoration - 1))
		i++;
	return i;
}

/* "Score: 4", "**Score:** 4", "- rating = 4/5", "Score (1-5): 4". */
static void scan_line(ReplyTextLines *l, const char *s, size_t len)
{
	static const char emphasis[] = " \t*_\"'`";
	size_t i = skip_line_start(s, len), key = i, key_end;
	int rank;
	while (i < len && i - key < MAX_KEY && (is_alpha(s[i]) || one_of(" _-", s[i])))
		i++;
	if (i == key || !is_alpha(s[key]))
		return;
	key_end = i;
	while (i < len && memchr(emphasis, s[i], sizeof emphasis - 1))
		i++;
	if (i < len && s[i] == '(') {
		const char *close = memchr(s + i, ')', len - i < 24 ? len - i : 24);
		if (!close)
			return;
		i = replytext_skip_blank(s, len, (size_t)(close - s) + 1);
	}
	if (i >= len || (s[i] != ':' && s[i] != '='))
		return;
	for (i++; i < len && memchr(emphasis, s[i], sizeof emphasis - 1); i++)
		;
	lines_take(l, replytext_key(s + key, key_end - key, 0, &rank), s + i, len - i);
}

/* The end of a quoted value starting after the quote at i, or 0. */
static size_t quoted_end(const char *s, size_t len, size_t i, char quote)
{
	for (size_t j = i; j < len && j - i < MAX_QUOTED_VALUE && s[j] != '\n'; j++) {
		if (s[j] == '\\')
			j++;
		else if (s[j] == quote)
			return j;
	}
	return 0;
}

/* One "key": value pair at the quote at i, if it is one; returns where the
 * scan goes on. */
static size_t scan_pair(ReplyTextLines *l, const char *s, size_t len, size_t i)
{
	char quote = s[i];
	size_t key = i + 1, end = key, j, v;
	int rank;
	while (end < len && end - key < MAX_KEY && s[end] != quote && s[end] != '\n')
		end++;
	if (end >= len || s[end] != quote || end == key)
		return i;
	ReplyTextKey kind = replytext_key(s + key, end - key, 1, &rank);
	if (kind != REPLYTEXT_SCORE && kind != REPLYTEXT_LABEL && kind != REPLYTEXT_CONFIDENCE)
		return i;
	j = replytext_skip_blank(s, len, end + 1);
	if (j >= len || s[j] != ':')
		return i;
	j = replytext_skip_blank(s, len, j + 1);
	if (j < len && (s[j] == '"' || s[j] == '\'')) {
		v = quoted_end(s, len, j + 1, s[j]);
		if (!v)
			return i;
		lines_take(l, kind, s + j + 1, v - j - 1);
		return v;
	}
	for (v = j; v < len && !one_of(",}]\n", s[v]); v++)
		;
	lines_take(l, kind, s + j, v - j);
	return v ? v - 1 : v;
}

/* Reads the score lines of s, where the JSON already parsed is blanked out. */
void replytext_lines_scan(ReplyTextLines *l, const char *s, size_t len)
{
	for (size_t start = 0; start < len;) {
		const char *nl = memchr(s + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - s) : len;
		scan_line(l, s + start, end - start);
		start = end + 1;
	}
	for (size_t i = 0; i < len; i++)
		if (s[i] == '"' || s[i] == '\'')
			i = scan_pair(l, s, len, i);
}

void replytext_lines_free(ReplyTextLines *l)
{
	free(l->score_text);
	free(l->conflict);
	free(l->bad);
}

/* ---- refusals ---- */

static const char *const refusals[] = {
    "i'm sorry, but",	  "i am sorry, but",	 "i apologize, but",
    "sorry, i can't",	  "sorry, i cannot",	 "i'm not comfortable",
    "i can't help",	  "i cannot help",	 "i can not help",
    "i can't assist",	  "i cannot assist",	 "i'm unable to",
    "i am unable to",	  "i'm not able to",	 "i am not able to",
    "i can't provide",	  "i cannot provide",	 "i can't comply",
    "i cannot comply",	  "i must decline",	 "i won't be able to",
    "i can't evaluate",	  "i cannot evaluate",	 "i can't analyze",
    "i cannot analyze",	  "i can't view",	 "i cannot view",
    "i can't see images", "i cannot see images", "unable to view the image",
    "as an ai",
};

/* The refusal phrase the text contains, or NULL. Curly apostrophes count. */
const char *replytext_refusal(const char *s, size_t len)
{
	char *norm = xmalloc(len + 1);
	const char *hit = NULL;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (replytext_starts_with(s + i, len - i, "\xE2\x80\x99")) {
			norm[n++] = '\'';
			i += 2;
		} else {
			norm[n++] = lower(s[i]);
		}
	}
	for (size_t r = 0; r < sizeof refusals / sizeof refusals[0] && !hit; r++)
		if (memmem(norm, n, refusals[r], strlen(refusals[r])))
			hit = refusals[r];
	free(norm);
	return hit;
}
