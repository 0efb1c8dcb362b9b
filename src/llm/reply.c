/* reply.c - deciding what an LLM reply says: where the answer is (JSON,
 * JSON in prose, score lines) and whether it holds; the rules are in reply.h,
 * reading the values themselves is src/replytext.c. */
#include "src/llm/reply.h"

#include <cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/llm/replytext.h"
#include "src/base/xalloc.h"

/* Brace pairs tried and bytes handed to cJSON before giving up: far beyond a
 * real reply, small enough that hostile input stays cheap. MAX_OPEN bounds the
 * bracket stack; anything deeper is beyond cJSON's nesting limit anyway. */
enum { MAX_ATTEMPTS = 1 << 16, MAX_PARSED = 16 * REPLY_MAX_SCAN, MAX_OPEN = 4096 };
enum { DEEP = INT_MAX };

/* ---- think blocks ---- */

int reply_split_think(const char *text, size_t len, ReplySpan *reasoning, ReplySpan *answer)
{
	static const char *const tags[][2] = {{"<think>", "</think>"},
					      {"<thinking>", "</thinking>"}};
	const char *lead = text;
	size_t rest = len, start;
	*reasoning = (ReplySpan){0, 0};
	*answer = (ReplySpan){0, len};
	if (!text)
		return 0;
	replytext_trim(&lead, &rest);
	start = (size_t)(lead - text);
	for (size_t t = 0; t < 2; t++) {
		if (!replytext_starts_with(text + start, len - start, tags[t][0]))
			continue;
		size_t body = start + strlen(tags[t][0]);
		size_t close = replytext_find(text, len, body, tags[t][1]);
		size_t after = close == len ? len : close + strlen(tags[t][1]);
		*reasoning = (ReplySpan){body, close - body};
		*answer = (ReplySpan){after, len - after};
		return 1;
	}
	/* Some servers put the opening tag in the prompt: the reply starts
	 * inside the reasoning and only the closing tag shows. */
	for (size_t t = 0; t < 2; t++) {
		size_t close = replytext_find(text, len, 0, tags[t][1]);
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
	const ReplyTextScale *scale;
	Answer first;
	int answers;
	char *failure; /* the first answer that failed, or a disagreement */
	int json_seen; /* some JSON parsed, answer or not */
	int too_deep;  /* an object was too deeply nested to parse */
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
static char *json_point(const cJSON *value, int is_label, const ReplyTextScale *scale, int *point,
			int *absent)
{
	const char *what = is_label ? "label" : "score";
	*absent = cJSON_IsNull(value);
	if (*absent)
		return NULL;
	if (cJSON_IsNumber(value)) {
		double d = value->valuedouble;
		ReplyTextNum num = {.value = d, .integral = d == floor(d)};
		char text[48];
		snprintf(text, sizeof text, "%.15g", d);
		return replytext_num_point(&num, what, text, scale->count, point);
	}
	if (cJSON_IsString(value) && is_label)
		return replytext_label_point(scale, value->valuestring, strlen(value->valuestring),
					     point);
	if (cJSON_IsString(value))
		return replytext_score_point(value->valuestring, strlen(value->valuestring),
					     scale->count, point);
	return xasprintf("%s is %s, not a point of the scale 1..%d", what, json_type(value),
			 scale->count);
}

/* Takes one score or label key of an answer: the first failure sticks, and
 * two keys of one kind must name the same point. */
static void answer_point(Answer *a, const cJSON *value, int is_label, const ReplyTextScale *scale)
{
	int point = 0, absent, *has = is_label ? &a->has_label : &a->has_score;
	int *have = is_label ? &a->label : &a->score;
	char *failure = json_point(value, is_label, scale, &point, &absent);
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
		a->failure = xasprintf("two conflicting %s: %d and %d",
				       is_label ? "labels" : "scores", *have, point);
	*has = 1;
	*have = point;
}

static void answer_confidence(Answer *a, const cJSON *value)
{
	if (a->has_confidence)
		return;
	if (cJSON_IsNumber(value))
		a->has_confidence = replytext_confidence(value->valuedouble, 0, &a->confidence);
	else if (cJSON_IsString(value))
		a->has_confidence = replytext_confidence_text(
		    value->valuestring, strlen(value->valuestring), &a->confidence);
}

static void answer_read(Answer *a, const cJSON *object, const ReplyTextScale *scale)
{
	memset(a, 0, sizeof *a);
	a->rationale_rank = INT_MAX;
	for (const cJSON *item = object->child; item; item = item->next) {
		int rank;
		if (!item->string)
			continue;
		switch (replytext_key(item->string, strlen(item->string), 1, &rank)) {
		case REPLYTEXT_SCORE: answer_point(a, item, 0, scale); break;
		case REPLYTEXT_LABEL: answer_point(a, item, 1, scale); break;
		case REPLYTEXT_CONFIDENCE: answer_confidence(a, item); break;
		case REPLYTEXT_RATIONALE:
			if (rank < a->rationale_rank && !cJSON_IsNull(item)) {
				free(a->rationale);
				a->rationale = json_text(item);
				a->rationale_rank = rank;
			}
			break;
		case REPLYTEXT_ASPECTS:
			if (!a->aspects && !cJSON_IsNull(item))
				a->aspects = json_compact(item);
			break;
		case REPLYTEXT_OTHER: break;
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
		ReplyTextKey kind =
		    item->string ? replytext_key(item->string, strlen(item->string), 1, &rank)
				 : REPLYTEXT_OTHER;
		if (kind == REPLYTEXT_SCORE || kind == REPLYTEXT_LABEL)
			return 1;
	}
	return 0;
}

static void found_add(Found *f, const cJSON *object)
{
	Answer a;
	int score, label, first_score, first_label;
	answer_read(&a, object, f->scale);
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
			f->failure =
			    xasprintf("two conflicting scores: %d and %d", first_score, score);
		else if (label != first_label)
			f->failure =
			    xasprintf("two conflicting labels: %d and %d", first_label, label);
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
	i = replytext_skip_blank(s, len, i);
	return len - i >= 3 && (memcmp(s + i, "```", 3) == 0 || memcmp(s + i, "~~~", 3) == 0);
}

static void span_closed(Open *open, size_t *top, size_t end, Span **spans, size_t *n, size_t *cap)
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
		} else if ((c == '}' || c == ']') && top &&
			   open[top - 1].open == (c == '}' ? '{' : '[')) {
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
			f->failure = xasprintf("the reply has too many {...} blocks to examine");
			break;
		}
		size_t used = take_json(f, buf, sp->start, sp->end - sp->start);
		if (used)
			covered = sp->start + used;
	}
	free(spans);
}

/* The failure for a refusal in the text, or NULL when there is none. */
static char *refusal_failure(const char *s, size_t len)
{
	const char *phrase = replytext_refusal(s, len);
	return phrase ? xasprintf("refusal (\"%s\")", phrase) : NULL;
}

/* ---- the verdict ---- */

/* The lines say something: a score, a label, or values that cannot be read,
 * unless nothing could be read and the text is a refusal ("Rating: N/A"). */
static int lines_usable(const ReplyTextLines *l, const char *answer, size_t len)
{
	if (l->has_score || l->has_label || l->conflict)
		return 1;
	return l->bad && !replytext_refusal(answer, len);
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
static void verdict_json(Found *f, ReplyTextLines *l, const char *answer, size_t len, Reply *out)
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
		char *bad = replytext_num_point(&l->score, "score", l->score_text, l->scale->count,
						&line_point);
		if (bad || line_point != score)
			failure =
			    xasprintf("two conflicting scores: %d in the JSON and %s in the text",
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

static void verdict_lines(ReplyTextLines *l, const char *answer, size_t len, Reply *out)
{
	char *failure = NULL;
	int score = 0;
	out->method = REPLY_SCORE_LINE;
	if (l->conflict)
		failure = l->conflict, l->conflict = NULL;
	else if (l->bad)
		failure = l->bad, l->bad = NULL;
	else if (l->has_score)
		failure =
		    replytext_num_point(&l->score, "score", l->score_text, l->scale->count, &score);
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
		why = xasprintf("no score found: the JSON is nested deeper than %d levels",
				CJSON_NESTING_LIMIT);
	else if (f->json_seen)
		why = xstrdup("no score found: the JSON has no score or label");
	else
		why = xstrdup("no score found");
	if (out->truncated) {
		out->failure = xasprintf("%s in the first %d bytes of a %zu-byte reply", why,
					 REPLY_MAX_SCAN, full_len);
		free(why);
	} else {
		out->failure = why;
	}
}

/* Decides on the answer text (NUL-terminated copy in buf, which is blanked
 * as JSON is taken out of it; the original is answer). */
static void decide(const ReplyTextScale *scale, char *buf, const char *answer, size_t len,
		   size_t full_len, Reply *out)
{
	Found f = {.scale = scale};
	ReplyTextLines l = {.scale = scale};
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
	replytext_lines_scan(&l, buf, len);
	if (f.failure || f.answers)
		verdict_json(&f, &l, answer, len, out);
	else if (lines_usable(&l, answer, len))
		verdict_lines(&l, answer, len, out);
	else
		verdict_none(&f, answer, len, full_len, out);
	free(f.failure);
	answer_free(&f.first);
	replytext_lines_free(&l);
}

Status reply_parse(const char *text, size_t len, const char *const *scale_names, int scale_count,
		   Reply *out)
{
	ReplyTextScale scale = {scale_names, scale_count};
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
		replytext_trim(&r, &rlen);
		out->reasoning = rlen ? xstrndup(r, rlen) : NULL;
	}
	const char *a = text + answer.off;
	size_t alen = answer.len;
	replytext_trim(&a, &alen);
	if (!alen) {
		out->failure =
		    xstrdup(think.len ? "empty reply: only reasoning, no answer" : "empty reply");
		return STATUS_OK;
	}
	char *buf = xmalloc(alen + 1); /* not xstrndup: NUL bytes are data */
	memcpy(buf, a, alen);
	buf[alen] = '\0';
	decide(&scale, buf, a, alen, len, out);
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
