/* fuzz_reply.c - libFuzzer target for the reply parser (src/reply.c): any
 * bytes must give a verdict that keeps the Reply invariants, the same one
 * each time, without a crash, a leak or undefined behaviour. Built and run by
 * tests/fuzz/run.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/llm/reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const five[] = {"unusable", "poor", "acceptable", "good", "excellent"};
static const char *const three[] = {"bad", "ok", "great"};

/* What reply.h promises about every verdict. */
static void check(const Reply *r, int k)
{
	if (r->ok) {
		if (r->failure || r->refusal || r->method == REPLY_NONE)
			abort();
		if (r->score < 1 || r->score > k || r->label < 1 || r->label > k)
			abort();
		if (r->inconsistent != (r->label != r->score))
			abort();
		if (r->label_from_score && r->label != r->score)
			abort();
	} else if (!r->failure || r->score || r->label || r->inconsistent) {
		abort();
	}
	if (r->has_confidence && !(r->confidence >= 0 && r->confidence <= 1))
		abort();
}

static int same_string(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void parse_twice(const char *text, size_t size, const char *const *names, int k)
{
	Reply a, b;
	if (reply_parse(text, size, names, k, &a) != STATUS_OK ||
	    reply_parse(text, size, names, k, &b) != STATUS_OK)
		abort();
	check(&a, k);
	if (a.ok != b.ok || a.score != b.score || a.label != b.label || a.method != b.method ||
	    !same_string(a.failure, b.failure) || !same_string(a.rationale, b.rationale))
		abort();
	reply_free(&a);
	reply_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* libFuzzer's buffer has no NUL after it: ASan catches any read past size */
	const char *text = (const char *)data;
	ReplySpan think, answer;
	reply_split_think(text, size, &think, &answer);
	if (think.off + think.len > size || answer.off + answer.len > size)
		abort();
	parse_twice(text, size, five, 5);
	parse_twice(text, size, three, 3);
	return 0;
}
