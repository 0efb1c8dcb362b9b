/* reply.c - deciding what an LLM reply says; the rules are in reply.h. */
#include "src/reply.h"

#include <cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/text.h"
#include "src/xalloc.h"

/* Brace pairs tried and bytes handed to cJSON before giving up: far beyond a
 * real reply, small enough that hostile input stays cheap. MAX_OPEN bounds the
 * bracket stack; anything deeper is beyond cJSON's nesting limit anyway. */
enum { MAX_ATTEMPTS = 1 << 16, MAX_PARSED = 16 * REPLY_MAX_SCAN, MAX_OPEN = 4096 };
enum { DEEP = INT_MAX, MAX_KEY = 40, MAX_QUOTED_VALUE = 256, MAX_SHOWN = 40 };

typedef struct {
	const char *const *names;
	int count;
} Levels;

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

static int starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && same_word(s, n, prefix);
}

static void trim(const char **s, size_t *len)
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

static size_t skip_blank(const char *s, size_t len, size_t i)
{
	while (i < len && is_blank(s[i]))
		i++;
	return i;
}

/* Case-insensitive search for an ASCII needle in s[from..len); len when absent. */
static size_t find_word(const char *s, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = from; i + n <= len; i++)
		if (lower(s[i]) == needle[0] && same_word(s + i, n, needle))
			return i;
	return len;
}

static char *failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *failf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
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
	char *dotted = failf("%s...", clean);
	free(clean);
	return dotted;
}

/* ---- keys ---- */

typedef enum { KEY_OTHER, KEY_SCORE, KEY_LABEL, KEY_RATIONALE, KEY_ASPECTS, KEY_CONFIDENCE } KeyKind;

/* Within a kind, earlier entries win (the rationale). json_only: too common
 * as a heading in prose to be read from a "Key: value" line. */
static const struct {
	const char *name;
	KeyKind kind;
	int json_only;
} keys[] = {
	{"score", KEY_SCORE, 0},
	{"rating", KEY_SCORE, 0},
	{"quality_score", KEY_SCORE, 0},
	{"quality_rating", KEY_SCORE, 0},
	{"final_score", KEY_SCORE, 0},
	{"overall_score", KEY_SCORE, 0},
	{"overall_quality_score", KEY_SCORE, 0},
	{"final_rating", KEY_SCORE, 0},
	{"overall_rating", KEY_SCORE, 0},
	{"label", KEY_LABEL, 0},
	{"quality_label", KEY_LABEL, 0},
	{"final_label", KEY_LABEL, 0},
	{"quality", KEY_LABEL, 1},
	{"class", KEY_LABEL, 1},
	{"rationale", KEY_RATIONALE, 1},
	{"explanation", KEY_RATIONALE, 1},
	{"justification", KEY_RATIONALE, 1},
	{"reasoning", KEY_RATIONALE, 1},
	{"aspects", KEY_ASPECTS, 1},
	{"aspect_notes", KEY_ASPECTS, 1},
	{"confidence", KEY_CONFIDENCE, 0},
};

/* The kind of a key; *rank orders keys of one kind. Case is ignored and
 * " " and "-" read as "_", so "Quality Score" is quality_score. */
static KeyKind key_kind(const char *s, size_t len, int in_json, int *rank)
{
	char norm[MAX_KEY + 1];
	trim(&s, &len);
	while (len && *s == '_') /* markdown __Score__ */
		s++, len--;
	while (len && s[len - 1] == '_')
		len--;
	if (!len || len > MAX_KEY || memchr(s, '\0', len))
		return KEY_OTHER;
	for (size_t i = 0; i < len; i++)
		norm[i] = s[i] == ' ' || s[i] == '-' ? '_' : lower(s[i]);
	norm[len] = '\0';
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		if (strcmp(norm, keys[k].name) == 0 && (in_json || !keys[k].json_only)) {
			*rank = (int)k;
			return keys[k].kind;
		}
	}
	return KEY_OTHER;
}

/* ---- numbers and points of the scale ---- */

typedef struct {
	double value;
	int integral;  /* no non-zero digit after the point */
	int has_denom; /* "4/5", "4 out of 5" */
	long denom;
	int percent;   /* "80%" */
} Num;

/* Reads "/ D", "out of D" or "%" after a number ending at i; returns the end. */
static size_t num_suffix(const char *s, size_t len, size_t i, Num *num)
{
	size_t j = skip_blank(s, len, i), k;
	long d = 0;
	if (j < len && s[j] == '%') {
		num->percent = 1;
		return j + 1;
	}
	if (j < len && s[j] == '/')
		j = skip_blank(s, len, j + 1);
	else if (starts_with(s + j, len - j, "out of"))
		j = skip_blank(s, len, j + 6);
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
static size_t num_parse(const char *s, size_t len, Num *num)
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
	else if (starts_with(s + j, len - j, "\xE2\x80\x93") || starts_with(s + j, len - j, "\xE2\x80\x94"))
		j += 3;
	else if (starts_with(s + j, len - j, "to ") || starts_with(s + j, len - j, "or "))
		j += 3;
	else
		return 1;
	j = skip_blank(s, len, j);
	return !(j < len && is_digit(s[j]));
}

/* Checks that num names a point of the 1..k scale: NULL and *point, or the
 * failure. what is "score" or "label"; text is the value as the reply wrote it. */
static char *num_point(const Num *num, const char *what, const char *text, int k, int *point)
{
	if (!isfinite(num->value))
		return failf("%s %s is off the scale 1..%d", what, text, k);
	if (!num->integral)
		return failf("%s %s is not a point of the scale 1..%d", what, text, k);
	if (num->percent || (num->has_denom && num->denom != k))
		return failf("%s %s is on another scale than 1..%d", what, text, k);
	if (num->value < 1 || num->value > k)
		return failf("%s %s is off the scale 1..%d", what, text, k);
	*point = (int)num->value;
	return NULL;
}

/* A string that is one number and nothing else, as a point of the scale. */
static char *num_text_point(const char *s, size_t len, const char *what, int k, int *point)
{
	Num num;
	trim(&s, &len);
	size_t used = num_parse(s, len, &num);
	char *text = shown(s, len), *failure;
	if (!used || skip_blank(s, len, used) != len)
		failure = failf("%s \"%s\" is not a number", what, text);
	else
		failure = num_point(&num, what, text, k, point);
	free(text);
	return failure;
}

/* A confidence: 0..1 as it is, (1, 100] or "N%" as a percentage. */
static int confidence_of(double value, int percent, double *confidence)
{
	if (!isfinite(value) || value < 0 || value > 100)
		return 0;
	*confidence = percent || value > 1 ? value / 100 : value;
	return 1;
}

static int name_point(const Levels *lv, const char *s, size_t len)
{
	for (int i = 0; i < lv->count; i++)
		if (lv->names[i] && same_word(s, len, lv->names[i]))
			return i + 1;
	return 0;
}

static int is_separator(const char *s, size_t len, size_t *i)
{
	if (one_of(" \t-:.()", s[*i])) {
		(*i)++;
		return 1;
	}
	if (starts_with(s + *i, len - *i, "\xE2\x80\x93") ||
	    starts_with(s + *i, len - *i, "\xE2\x80\x94")) {
		*i += 3;
		return 1;
	}
	return 0;
}

/* "4", "4 good", "4 - good", "4: good", "4 (good)": the point, or 0 when
 * the label is not such a form or the number and the name disagree. */
static int numbered_name(const Levels *lv, const char *s, size_t len)
{
	size_t i = 0, j, end = len;
	int point = 0;
	while (i < len && i < 4 && is_digit(s[i]))
		point = point * 10 + (s[i++] - '0');
	if (i == 0 || (i < len && is_digit(s[i])) || point < 1 || point > lv->count)
		return 0;
	for (j = i; j < len && is_separator(s, len, &j);)
		;
	if (j >= len)
		return point;
	while (end > j && (s[end - 1] == ')' || is_blank(s[end - 1])))
		end--;
	return name_point(lv, s + j, end - j) == point ? point : 0;
}

/* "good (4)" and "good (4/5)": the point, or 0. */
static int name_numbered(const Levels *lv, const char *s, size_t len)
{
	const char *open = len && s[len - 1] == ')' ? memchr(s, '(', len) : NULL;
	Num num;
	int point;
	if (!open)
		return 0;
	size_t name_len = (size_t)(open - s), in = len - name_len - 2;
	while (name_len && is_blank(s[name_len - 1]))
		name_len--;
	point = name_point(lv, s, name_len);
	if (!point || num_parse(open + 1, in, &num) != in)
		return 0;
	if (num.value != point || num.percent || (num.has_denom && num.denom != lv->count))
		return 0;
	return point;
}

/* The point a label string names: NULL and *point, or the failure. */
static char *label_text_point(const Levels *lv, const char *s, size_t len, int *point)
{
	const char *t = s;
	size_t n = len;
	trim(&t, &n);
	int p = n ? name_point(lv, t, n) : 0;
	if (!p && n)
		p = numbered_name(lv, t, n);
	if (!p && n)
		p = name_numbered(lv, t, n);
	if (p) {
		*point = p;
		return NULL;
	}
	char *text = shown(s, len);
	char *failure = failf("label \"%s\" is not on the scale 1..%d", text, lv->count);
	free(text);
	return failure;
}

/* ---- think blocks ---- */

int reply_split_think(const char *text, size_t len, ReplySpan *reasoning, ReplySpan *answer)
{
	static const char *const tags[][2] = {{"<think>", "</think>"},
					      {"<thinking>", "</thinking>"}};
	size_t start = 0;
	*reasoning = (ReplySpan){0, 0};
	*answer = (ReplySpan){0, len};
	if (!text)
		return 0;
	while (start < len && is_ws(text[start]))
		start++;
	for (size_t t = 0; t < 2; t++) {
		if (!starts_with(text + start, len - start, tags[t][0]))
			continue;
		size_t body = start + strlen(tags[t][0]);
		size_t close = find_word(text, len, body, tags[t][1]);
		size_t after = close == len ? len : close + strlen(tags[t][1]);
		*reasoning = (ReplySpan){body, close - body};
		*answer = (ReplySpan){after, len - after};
		return 1;
	}
	/* Some servers put the opening tag in the prompt: the reply starts
	 * inside the reasoning and only the closing tag shows. */
	for (size_t t = 0; t < 2; t++) {
		size_t close = find_word(text, len, 0, tags[t][1]);
		if (close == len)
			continue;
		size_t after = close + strlen(tags[t][1]);
		*reasoning = (ReplySpan){0, close};
		*answer = (ReplySpan){after, len - after};
		return 1;
	}
	return 0;
}

/* ---- JSON answers ---- */

typedef struct {
	int has_score, score;
	int has_label, label;
	int has_confidence;
	double confidence;
	int rationale_rank;
	int empty; /* score and label keys, all null: how JSON-mode refusals look */
	char *rationale, *aspects;
	char *failure;
} Answer;

/* Every answer found in the JSON of a reply; only the first is kept whole,
 * the others need only agree with it. */
typedef struct {
	const Levels *lv;
	Answer first;
	int answers;
	char *failure;  /* the first answer that failed, or a disagreement */
	int json_seen;  /* some JSON parsed, answer or not */
	int too_deep;   /* an object was too deeply nested to parse */
} Found;

static char *json_compact(const cJSON *value)
{
	char *printed = cJSON_PrintUnformatted(value);
	char *copy = printed ? xstrdup(printed) : NULL;
	cJSON_free(printed);
	return copy;
}

/* A string value as it is, anything else as compact JSON. */
static char *json_text(const cJSON *value)
{
	return cJSON_IsString(value) ? xstrdup(value->valuestring) : json_compact(value);
}

static const char *json_type(const cJSON *value)
{
	if (cJSON_IsBool(value))
		return cJSON_IsTrue(value) ? "true" : "false";
	if (cJSON_IsArray(value))
		return "an array";
	if (cJSON_IsObject(value))
		return "an object";
	return "not a number";
}

/* A score or label value as a point: NULL and *point (or *absent for null),
 * or the failure. */
static char *json_point(const cJSON *value, int is_label, const Levels *lv, int *point,
			int *absent)
{
	const char *what = is_label ? "label" : "score";
	*absent = cJSON_IsNull(value);
	if (*absent)
		return NULL;
	if (cJSON_IsNumber(value)) {
		double d = value->valuedouble;
		Num num = {.value = d, .integral = d == floor(d)};
		char text[48];
		snprintf(text, sizeof text, "%.15g", d);
		return num_point(&num, what, text, lv->count, point);
	}
	if (cJSON_IsString(value) && is_label)
		return label_text_point(lv, value->valuestring, strlen(value->valuestring), point);
	if (cJSON_IsString(value))
		return num_text_point(value->valuestring, strlen(value->valuestring), what,
				      lv->count, point);
	return failf("%s is %s, not a point of the scale 1..%d", what, json_type(value), lv->count);
}

/* Takes one score or label key of an answer: the first failure sticks, and
 * two keys of one kind must name the same point. */
static void answer_point(Answer *a, const cJSON *value, int is_label, const Levels *lv)
{
	int point = 0, absent, *has = is_label ? &a->has_label : &a->has_score;
	int *have = is_label ? &a->label : &a->score;
	char *failure = json_point(value, is_label, lv, &point, &absent);
	if (a->failure || failure) {
		if (!a->failure)
			a->failure = failure;
		else
			free(failure);
		return;
	}
	if (absent)
		return;
	if (*has && *have != point)
		a->failure = failf("two conflicting %s: %d and %d", is_label ? "labels" : "scores",
				   *have, point);
	*has = 1;
	*have = point;
}

static void answer_confidence(Answer *a, const cJSON *value)
{
	Num num;
	if (a->has_confidence)
		return;
	if (cJSON_IsNumber(value)) {
		a->has_confidence = confidence_of(value->valuedouble, 0, &a->confidence);
	} else if (cJSON_IsString(value)) {
		const char *s = value->valuestring;
		size_t len = strlen(s), used;
		trim(&s, &len);
		used = num_parse(s, len, &num);
		if (used == len && used && !num.has_denom)
			a->has_confidence = confidence_of(num.value, num.percent, &a->confidence);
	}
}

static void answer_read(Answer *a, const cJSON *object, const Levels *lv)
{
	memset(a, 0, sizeof *a);
	a->rationale_rank = INT_MAX;
	for (const cJSON *item = object->child; item; item = item->next) {
		int rank;
		if (!item->string)
			continue;
		switch (key_kind(item->string, strlen(item->string), 1, &rank)) {
		case KEY_SCORE: answer_point(a, item, 0, lv); break;
		case KEY_LABEL: answer_point(a, item, 1, lv); break;
		case KEY_CONFIDENCE: answer_confidence(a, item); break;
		case KEY_RATIONALE:
			if (rank < a->rationale_rank && !cJSON_IsNull(item)) {
				free(a->rationale);
				a->rationale = json_text(item);
				a->rationale_rank = rank;
			}
			break;
		case KEY_ASPECTS:
			if (!a->aspects && !cJSON_IsNull(item))
				a->aspects = json_compact(item);
			break;
		case KEY_OTHER: break;
		}
	}
	if (!a->failure && !a->has_score && !a->has_label) {
		a->failure = xstrdup("the JSON answer has a null score and no label");
		a->empty = 1;
	}
}

static void answer_free(Answer *a)
{
	free(a->rationale);
	free(a->aspects);
	free(a->failure);
	memset(a, 0, sizeof *a);
}

/* The point of the answer's score and label, each from the other when absent. */
static void answer_points(const Answer *a, int *score, int *label)
{
	*score = a->has_score ? a->score : a->label;
	*label = a->has_label ? a->label : *score;
}

static int is_answer(const cJSON *object)
{
	int rank;
	for (const cJSON *item = object->child; item; item = item->next) {
		KeyKind kind = item->string ? key_kind(item->string, strlen(item->string), 1, &rank)
					    : KEY_OTHER;
		if (kind == KEY_SCORE || kind == KEY_LABEL)
			return 1;
	}
	return 0;
}

static void found_add(Found *f, const cJSON *object)
{
	Answer a;
	int score, label, first_score, first_label;
	answer_read(&a, object, f->lv);
	if (f->answers++ == 0) {
		f->failure = a.failure;
		a.failure = NULL;
		f->first = a;
		return;
	}
	if (a.failure) {
		f->failure = a.failure;
		a.failure = NULL;
	} else {
		answer_points(&a, &score, &label);
		answer_points(&f->first, &first_score, &first_label);
		if (score != first_score)
			f->failure = failf("two conflicting scores: %d and %d", first_score, score);
		else if (label != first_label)
			f->failure = failf("two conflicting labels: %d and %d", first_label, label);
	}
	answer_free(&a);
}

/* Collects the answers in a JSON value. Recursion is bounded by cJSON's
 * nesting limit, which the value was parsed under. */
static void walk(const cJSON *node, Found *f)
{
	if (cJSON_IsObject(node) && is_answer(node)) {
		found_add(f, node);
		return;
	}
	if (cJSON_IsObject(node) || cJSON_IsArray(node))
		for (const cJSON *item = node->child; item && !f->failure; item = item->next)
			walk(item, f);
}

/* The JSON value at s (at most len bytes), with *used set to its length; NULL
 * when there is none or it holds a NUL byte (JSON cannot, and the C strings
 * taken from it would be cut short). */
static cJSON *json_at(const char *s, size_t len, size_t *used)
{
	const char *end = NULL;
	cJSON *json = cJSON_ParseWithLengthOpts(s, len, &end, 0);
	if (!json)
		return NULL;
	*used = (size_t)(end - s);
	if (memchr(s, '\0', *used)) {
		cJSON_Delete(json);
		return NULL;
	}
	return json;
}

/* Parses the JSON at buf[start..start+len) into f and blanks it out of buf,
 * so the score-line scan reads only the prose around it; returns the bytes
 * parsed, 0 when it is not JSON. */
static size_t take_json(Found *f, char *buf, size_t start, size_t len)
{
	size_t used = 0;
	cJSON *json = json_at(buf + start, len, &used);
	if (!json)
		return 0;
	f->json_seen = 1;
	walk(json, f);
	cJSON_Delete(json);
	memset(buf + start, '\n', used);
	return used;
}

/* ---- JSON in prose ---- */

typedef struct {
	size_t start, end;
	int depth; /* containers nested in it, itself included; DEEP when too many */
} Span;

typedef struct {
	size_t start;
	int inner;
	char open;
} Open;

/* A code fence line starts at i: a new block, whatever came before. */
static int fence_at(const char *s, size_t len, size_t i)
{
	i = skip_blank(s, len, i);
	return len - i >= 3 && (memcmp(s + i, "```", 3) == 0 || memcmp(s + i, "~~~", 3) == 0);
}

static void span_closed(Open *open, size_t *top, size_t end, Span **spans, size_t *n,
			size_t *cap)
{
	Open o = open[--*top];
	int depth = o.inner == DEEP ? DEEP : o.inner + 1;
	if (*top && open[*top - 1].inner < depth)
		open[*top - 1].inner = depth;
	if (o.open != '{')
		return;
	*spans = xgrow(*spans, cap, *n + 1, sizeof **spans);
	(*spans)[(*n)++] = (Span){o.start, end, depth};
}

/* Every balanced {...} in s, in one pass. Strings are only recognised inside
 * brackets, so quotes in the prose around do not hide an object; "[" only
 * counts inside an object, so citations like [1] do not either. */
static Span *find_spans(const char *s, size_t len, size_t *count)
{
	Open *open = xmalloc(MAX_OPEN * sizeof *open);
	Span *spans = NULL;
	size_t n = 0, cap = 0, top = 0, excess = 0;
	int in_string = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\n' && fence_at(s, len, i + 1)) {
			top = excess = 0;
			in_string = 0;
		} else if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = top || excess;
		} else if (c == '{' || (c == '[' && (top || excess))) {
			if (top == MAX_OPEN)
				excess++;
			else
				open[top++] = (Open){i, 0, c};
		} else if ((c == '}' || c == ']') && excess) {
			excess--;
			open[top - 1].inner = DEEP;
		} else if ((c == '}' || c == ']') && top && open[top - 1].open == (c == '}' ? '{' : '[')) {
			span_closed(open, &top, i + 1, &spans, &n, &cap);
		}
	}
	free(open);
	*count = n;
	return spans;
}

static int span_order(const void *a, const void *b)
{
	const Span *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* Tries the balanced objects in order, outermost first; once one parses,
 * the objects inside it are part of it. */
static void parse_embedded(Found *f, char *buf, size_t len)
{
	size_t count, covered = 0, attempts = 0, parsed = 0;
	Span *spans = find_spans(buf, len, &count);
	if (count) /* spans is NULL when there are none, and qsort wants a pointer */
		qsort(spans, count, sizeof *spans, span_order);
	for (size_t i = 0; i < count && !f->failure; i++) {
		const Span *sp = &spans[i];
		if (sp->start < covered)
			continue;
		if (sp->depth > CJSON_NESTING_LIMIT) {
			f->too_deep = 1;
			continue;
		}
		parsed += sp->end - sp->start;
		if (++attempts > MAX_ATTEMPTS || parsed > MAX_PARSED) {
			f->failure = failf("the reply has too many {...} blocks to examine");
			break;
		}
		size_t used = take_json(f, buf, sp->start, sp->end - sp->start);
		if (used)
			covered = sp->start + used;
	}
	free(spans);
}

/* ---- score lines ---- */

/* What "Key: value" lines and broken-JSON "key": value pairs say. */
typedef struct {
	const Levels *lv;
	int has_score;
	Num score;
	char *score_text; /* the first score as written */
	char *conflict;   /* a second, different score */
	char *bad;        /* the first value that is not a score or a label */
	int has_label, label;
	int has_confidence;
	double confidence;
} Lines;

static int is_null_word(const char *s, size_t len)
{
	return same_word(s, len, "null") || same_word(s, len, "none");
}

static int num_same(const Num *a, const Num *b, int k)
{
	long da = a->has_denom && a->denom != k ? a->denom : 0;
	long db = b->has_denom && b->denom != k ? b->denom : 0;
	return a->value == b->value && da == db && a->percent == b->percent;
}

static void lines_score(Lines *l, const char *s, size_t len)
{
	Num num;
	size_t used = num_parse(s, len, &num);
	if (!used || !num_ends(s, len, used)) {
		if (len && !is_null_word(s, len) && !l->bad) {
			char *text = shown(s, len);
			l->bad = failf("score \"%s\" is not a number", text);
			free(text);
		}
		return;
	}
	if (!l->has_score) {
		l->has_score = 1;
		l->score = num;
		l->score_text = shown(s, used);
	} else if (!num_same(&l->score, &num, l->lv->count) && !l->conflict) {
		char *text = shown(s, used);
		l->conflict = failf("two conflicting scores: %s and %s", l->score_text, text);
		free(text);
	}
}

static void lines_label(Lines *l, const char *s, size_t len)
{
	int point = 0;
	trim_decoration(&s, &len);
	if (!len || is_null_word(s, len))
		return;
	char *failure = label_text_point(l->lv, s, len, &point);
	if (!failure && l->has_label && l->label != point)
		failure = failf("two conflicting labels: %d and %d", l->label, point);
	if (failure && !l->bad)
		l->bad = failure;
	else
		free(failure);
	if (!failure) {
		l->has_label = 1;
		l->label = point;
	}
}

static void lines_take(Lines *l, KeyKind kind, const char *s, size_t len)
{
	Num num;
	trim(&s, &len);
	if (kind == KEY_SCORE) {
		lines_score(l, s, len);
	} else if (kind == KEY_LABEL) {
		lines_label(l, s, len);
	} else if (kind == KEY_CONFIDENCE && !l->has_confidence) {
		size_t used = num_parse(s, len, &num);
		if (used && num_ends(s, len, used) && !num.has_denom)
			l->has_confidence = confidence_of(num.value, num.percent, &l->confidence);
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
		i = skip_blank(s, len, d + 1);
	while (i < len && memchr(decoration, s[i], sizeof decoration - 1))
		i++;
	return i;
}

/* "Score: 4", "**Score:** 4", "- rating = 4/5", "Score (1-5): 4". */
static void scan_line(Lines *l, const char *s, size_t len)
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
		i = skip_blank(s, len, (size_t)(close - s) + 1);
	}
	if (i >= len || (s[i] != ':' && s[i] != '='))
		return;
	for (i++; i < len && memchr(emphasis, s[i], sizeof emphasis - 1); i++)
		;
	lines_take(l, key_kind(s + key, key_end - key, 0, &rank), s + i, len - i);
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
static size_t scan_pair(Lines *l, const char *s, size_t len, size_t i)
{
	char quote = s[i];
	size_t key = i + 1, end = key, j, v;
	int rank;
	while (end < len && end - key < MAX_KEY && s[end] != quote && s[end] != '\n')
		end++;
	if (end >= len || s[end] != quote || end == key)
		return i;
	KeyKind kind = key_kind(s + key, end - key, 1, &rank);
	if (kind != KEY_SCORE && kind != KEY_LABEL && kind != KEY_CONFIDENCE)
		return i;
	j = skip_blank(s, len, end + 1);
	if (j >= len || s[j] != ':')
		return i;
	j = skip_blank(s, len, j + 1);
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
static void scan_lines(Lines *l, const char *s, size_t len)
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

static void lines_free(Lines *l)
{
	free(l->score_text);
	free(l->conflict);
	free(l->bad);
}

/* ---- refusals ---- */

static const char *const refusals[] = {
	"i'm sorry, but", "i am sorry, but", "i apologize, but", "sorry, i can't",
	"sorry, i cannot", "i'm not comfortable",
	"i can't help", "i cannot help", "i can not help", "i can't assist", "i cannot assist",
	"i'm unable to", "i am unable to", "i'm not able to", "i am not able to",
	"i can't provide", "i cannot provide", "i can't comply", "i cannot comply",
	"i must decline", "i won't be able to", "i can't evaluate", "i cannot evaluate",
	"i can't analyze", "i cannot analyze", "i can't view", "i cannot view",
	"i can't see images", "i cannot see images", "unable to view the image", "as an ai",
};

/* The refusal phrase the text contains, or NULL. Curly apostrophes count. */
static const char *refusal_in(const char *s, size_t len)
{
	char *norm = xmalloc(len + 1);
	const char *hit = NULL;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (starts_with(s + i, len - i, "\xE2\x80\x99")) {
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

/* The failure for a refusal in the text, or NULL when there is none. */
static char *refusal_failure(const char *s, size_t len)
{
	const char *phrase = refusal_in(s, len);
	return phrase ? failf("refusal (\"%s\")", phrase) : NULL;
}

/* ---- the verdict ---- */

/* The lines say something: a score, a label, or values that cannot be read,
 * unless nothing could be read and the text is a refusal ("Rating: N/A"). */
static int lines_usable(const Lines *l, const char *answer, size_t len)
{
	if (l->has_score || l->has_label || l->conflict)
		return 1;
	return l->bad && !refusal_in(answer, len);
}

static void verdict_ok(Reply *out, int has_score, int score, int has_label, int label)
{
	out->ok = 1;
	out->score = has_score ? score : label;
	out->label = has_label ? label : out->score;
	out->label_from_score = !has_label;
	out->inconsistent = out->label != out->score;
}

/* The JSON answers decide, unless a score line outside them disagrees. An
 * answer whose score and label are all null is a refusal when the text says so. */
static void verdict_json(Found *f, Lines *l, const char *answer, size_t len, Reply *out)
{
	Answer *a = &f->first;
	int score, label, line_point = 0;
	char *failure = f->failure, *refusal;
	f->failure = NULL;
	if (failure && a->empty && f->answers == 1 && (refusal = refusal_failure(answer, len))) {
		free(failure);
		failure = refusal;
		out->refusal = 1;
	}
	answer_points(a, &score, &label);
	if (!failure && l->conflict) {
		failure = l->conflict;
		l->conflict = NULL;
	}
	if (!failure && l->has_score) {
		char *bad = num_point(&l->score, "score", l->score_text, l->lv->count, &line_point);
		if (bad || line_point != score)
			failure = failf("two conflicting scores: %d in the JSON and %s in the text",
					score, l->score_text);
		free(bad);
	}
	if (failure)
		out->failure = failure;
	else
		verdict_ok(out, a->has_score, a->score, a->has_label, a->label);
	out->has_confidence = a->has_confidence;
	out->confidence = a->confidence;
	out->rationale = a->rationale;
	out->aspects_json = a->aspects;
	a->rationale = a->aspects = NULL;
}

static void verdict_lines(Lines *l, const char *answer, size_t len, Reply *out)
{
	char *failure = NULL;
	int score = 0;
	out->method = REPLY_SCORE_LINE;
	if (l->conflict)
		failure = l->conflict, l->conflict = NULL;
	else if (l->bad)
		failure = l->bad, l->bad = NULL;
	else if (l->has_score)
		failure = num_point(&l->score, "score", l->score_text, l->lv->count, &score);
	if (failure)
		out->failure = failure;
	else
		verdict_ok(out, l->has_score, score, l->has_label, l->label);
	out->has_confidence = l->has_confidence;
	out->confidence = l->confidence;
	out->rationale = xstrndup(answer, len);
}

static void verdict_none(const Found *f, const char *answer, size_t len, size_t full_len,
			 Reply *out)
{
	char *why = refusal_failure(answer, len);
	out->method = REPLY_NONE;
	out->refusal = why != NULL;
	if (out->refusal) {
		out->failure = why;
		return;
	}
	if (f->too_deep)
		why = failf("no score found: the JSON is nested deeper than %d levels",
			    CJSON_NESTING_LIMIT);
	else if (f->json_seen)
		why = xstrdup("no score found: the JSON has no score or label");
	else
		why = xstrdup("no score found");
	if (out->truncated) {
		out->failure = failf("%s in the first %d bytes of a %zu-byte reply", why,
				     REPLY_MAX_SCAN, full_len);
		free(why);
	} else {
		out->failure = why;
	}
}

/* Decides on the answer text (NUL-terminated copy in buf, which is blanked
 * as JSON is taken out of it; the original is answer). */
static void decide(const Levels *lv, char *buf, const char *answer, size_t len, size_t full_len,
		   Reply *out)
{
	Found f = {.lv = lv};
	Lines l = {.lv = lv};
	size_t used = 0;
	cJSON *json = json_at(buf, len, &used);
	if (json && used == len) {
		cJSON_Delete(json);
		out->method = REPLY_STRICT_JSON;
		take_json(&f, buf, 0, len);
	} else {
		cJSON_Delete(json);
		out->method = REPLY_EMBEDDED_JSON;
		parse_embedded(&f, buf, len);
	}
	scan_lines(&l, buf, len);
	if (f.failure || f.answers)
		verdict_json(&f, &l, answer, len, out);
	else if (lines_usable(&l, answer, len))
		verdict_lines(&l, answer, len, out);
	else
		verdict_none(&f, answer, len, full_len, out);
	free(f.failure);
	answer_free(&f.first);
	lines_free(&l);
}

Status reply_parse(const char *text, size_t len, const char *const *scale_names, int scale_count,
		   Reply *out)
{
	Levels lv = {scale_names, scale_count};
	ReplySpan think, answer;
	size_t n = len < REPLY_MAX_SCAN ? len : REPLY_MAX_SCAN;
	memset(out, 0, sizeof *out);
	if ((!text && len) || !scale_names || scale_count < 1)
		return status_fail(STATUS_ERR_USAGE, "reply_parse: no text or an empty scale");
	out->truncated = len > n;
	if (!n) {
		out->failure = xstrdup("empty reply");
		return STATUS_OK;
	}
	if (reply_split_think(text, n, &think, &answer)) {
		const char *r = text + think.off;
		size_t rlen = think.len;
		trim(&r, &rlen);
		out->reasoning = rlen ? xstrndup(r, rlen) : NULL;
	}
	const char *a = text + answer.off;
	size_t alen = answer.len;
	trim(&a, &alen);
	if (!alen) {
		out->failure = xstrdup(think.len ? "empty reply: only reasoning, no answer"
						 : "empty reply");
		return STATUS_OK;
	}
	char *buf = xmalloc(alen + 1); /* not xstrndup: NUL bytes are data */
	memcpy(buf, a, alen);
	buf[alen] = '\0';
	decide(&lv, buf, a, alen, len, out);
	free(buf);
	return STATUS_OK;
}

void reply_free(Reply *reply)
{
	if (!reply)
		return;
	free(reply->rationale);
	free(reply->aspects_json);
	free(reply->reasoning);
	free(reply->failure);
	memset(reply, 0, sizeof *reply);
}

const char *reply_method_name(ReplyMethod method)
{
	switch (method) {
	case REPLY_STRICT_JSON: return "strict_json";
	case REPLY_EMBEDDED_JSON: return "embedded_json";
	case REPLY_SCORE_LINE: return "score_line";
	case REPLY_NONE: break;
	}
	return "none";
}
