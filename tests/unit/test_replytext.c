/* test_replytext.c - the value readers under the reply parser: keys, numbers
 * and labels as points of the scale, confidences, score lines, refusals.
 * (test_reply.c covers them again through whole replies.) */
#include <stdlib.h>
#include <string.h>

#include "src/llm/replytext.h"
#include "tests/unit/test.h"

static const char *const names[] = {"unusable", "poor", "acceptable", "good", "very good"};
static const ReplyTextScale scale = {names, 5};

static void test_keys(void)
{
	static const struct {
		const char *key;
		int in_json;
		ReplyTextKey want;
	} keys[] = {
	    {"score", 1, REPLYTEXT_SCORE},
	    {"Score", 0, REPLYTEXT_SCORE},
	    {" RATING ", 0, REPLYTEXT_SCORE},
	    {"Quality Score", 0, REPLYTEXT_SCORE},
	    {"quality-score", 1, REPLYTEXT_SCORE},
	    {"__Score__", 0, REPLYTEXT_SCORE},
	    {"label", 0, REPLYTEXT_LABEL},
	    {"quality", 1, REPLYTEXT_LABEL},
	    {"quality", 0, REPLYTEXT_OTHER},
	    {"class", 0, REPLYTEXT_OTHER},
	    {"rationale", 1, REPLYTEXT_RATIONALE},
	    {"rationale", 0, REPLYTEXT_OTHER},
	    {"aspects", 1, REPLYTEXT_ASPECTS},
	    {"confidence", 0, REPLYTEXT_CONFIDENCE},
	    {"clarity score", 1, REPLYTEXT_OTHER},
	    {"subscore", 1, REPLYTEXT_OTHER},
	    {"", 1, REPLYTEXT_OTHER},
	};
	int rank_a, rank_b;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		int rank;
		ReplyTextKey got =
		    replytext_key(keys[i].key, strlen(keys[i].key), keys[i].in_json, &rank);
		if (got != keys[i].want)
			fprintf(stderr, "  key \"%s\"\n", keys[i].key);
		CHECK_INT(got, keys[i].want);
	}
	CHECK_INT(replytext_key("score\0x", 7, 1, &rank_a), REPLYTEXT_OTHER);
	replytext_key("rationale", 9, 1, &rank_a);
	replytext_key("reasoning", 9, 1, &rank_b);
	CHECK(rank_a < rank_b);
}

static void check_score(const char *text, int want_point, const char *want_failure)
{
	int point = 0;
	char *failure = replytext_score_point(text, strlen(text), 5, &point);
	if (want_failure) {
		CHECK_STR(failure, want_failure);
	} else {
		CHECK(failure == NULL);
		CHECK_INT(point, want_point);
	}
	if ((want_failure == NULL) != (failure == NULL))
		fprintf(stderr, "  score \"%s\"\n", text);
	free(failure);
}

static void test_scores(void)
{
	check_score("4", 4, NULL);
	check_score(" 1 ", 1, NULL);
	check_score("5.000", 5, NULL);
	check_score("+3", 3, NULL);
	check_score("4/5", 4, NULL);
	check_score("4 / 5", 4, NULL);
	check_score("2 out of 5", 2, NULL);
	check_score("3.5", 0, "score 3.5 is not a point of the scale 1..5");
	check_score("0", 0, "score 0 is off the scale 1..5");
	check_score("-2", 0, "score -2 is off the scale 1..5");
	check_score("6", 0, "score 6 is off the scale 1..5");
	check_score("99999999999999999999", 0, "score 99999999999999999999 is off the scale 1..5");
	check_score("4/10", 0, "score 4/10 is on another scale than 1..5");
	check_score("4/0", 0, "score 4/0 is on another scale than 1..5");
	check_score("80%", 0, "score 80% is on another scale than 1..5");
	check_score("four", 0, "score \"four\" is not a number");
	check_score("4 good", 0, "score \"4 good\" is not a number");
	check_score("", 0, "score \"\" is not a number");
	check_score(".5", 0, "score \".5\" is not a number");
}

static void check_label(const char *text, int want_point)
{
	int point = 0;
	char *failure = replytext_label_point(&scale, text, strlen(text), &point);
	if (want_point) {
		CHECK(failure == NULL);
		CHECK_INT(point, want_point);
	} else {
		CHECK(failure && strstr(failure, "is not on the scale 1..5"));
	}
	if ((want_point == 0) != (failure != NULL))
		fprintf(stderr, "  label \"%s\"\n", text);
	free(failure);
}

static void test_labels(void)
{
	check_label("good", 4);
	check_label("GOOD", 4);
	check_label("  Poor\n", 2);
	check_label("very good", 5);
	check_label("Very Good", 5);
	check_label("3", 3);
	check_label("4 good", 4);
	check_label("4 - good", 4);
	check_label("4: good", 4);
	check_label("4. good", 4);
	check_label("4 (good)", 4);
	check_label("5 \xE2\x80\x94 very good", 5);
	check_label("good (4)", 4);
	check_label("good (4/5)", 4);
	check_label("4.", 4);
	check_label("4 - poor", 0);
	check_label("good (2)", 0);
	check_label("good (4/10)", 0);
	check_label("6", 0);
	check_label("0", 0);
	check_label("goodish", 0);
	check_label("very", 0);
	check_label("", 0);
	check_label("4 good stuff", 0);

	/* quoting is bounded and shows control characters */
	int point;
	const char *longer = "\x1b[1mthis label goes on and on and on and on";
	char *failure = replytext_label_point(&scale, longer, strlen(longer), &point);
	CHECK_STR(failure, "label \"^[[1mthis label goes on and on and on and...\" is not on "
			   "the scale 1..5");
	free(failure);

	/* a NULL name matches nothing */
	const char *const holes[] = {"low", NULL, "high"};
	ReplyTextScale sparse = {holes, 3};
	CHECK(replytext_label_point(&sparse, "high", 4, &point) == NULL);
	CHECK_INT(point, 3);
	failure = replytext_label_point(&sparse, "", 0, &point);
	CHECK(failure != NULL);
	free(failure);
}

static void test_confidence(void)
{
	double c = -1;
	CHECK_INT(replytext_confidence(0.3, 0, &c), 1);
	CHECK_NEAR(c, 0.3, 1e-12);
	CHECK_INT(replytext_confidence(0, 0, &c), 1);
	CHECK_NEAR(c, 0.0, 1e-12);
	CHECK_INT(replytext_confidence(85, 0, &c), 1);
	CHECK_NEAR(c, 0.85, 1e-12);
	CHECK_INT(replytext_confidence(1, 1, &c), 1); /* "1%" */
	CHECK_NEAR(c, 0.01, 1e-12);
	c = 0.5;
	CHECK_INT(replytext_confidence(100.5, 0, &c), 0);
	CHECK_INT(replytext_confidence(-0.1, 0, &c), 0);
	CHECK_INT(replytext_confidence(NAN, 0, &c), 0);
	CHECK_INT(replytext_confidence(INFINITY, 0, &c), 0);
	CHECK_NEAR(c, 0.5, 1e-12);
	CHECK_INT(replytext_confidence_text(" 72% ", 5, &c), 1);
	CHECK_NEAR(c, 0.72, 1e-12);
	CHECK_INT(replytext_confidence_text("0.9", 3, &c), 1);
	CHECK_NEAR(c, 0.9, 1e-12);
	CHECK_INT(replytext_confidence_text("3/4", 3, &c), 0);
	CHECK_INT(replytext_confidence_text("high", 4, &c), 0);
	CHECK_INT(replytext_confidence_text("0.9 or so", 9, &c), 0);
}

static ReplyTextLines scan(const char *text)
{
	ReplyTextLines l = {.scale = &scale};
	replytext_lines_scan(&l, text, strlen(text));
	return l;
}

static void test_lines(void)
{
	ReplyTextLines l = scan("Some prose.\n1. **Overall Score:** 4/5\n> Label = `good`\n");
	CHECK_INT(l.has_score, 1);
	CHECK_NEAR(l.score.value, 4, 0);
	CHECK_INT(l.score.has_denom, 1);
	CHECK_INT(l.score.denom, 5);
	CHECK_STR(l.score_text, "4/5");
	CHECK_INT(l.has_label, 1);
	CHECK_INT(l.label, 4);
	CHECK(l.conflict == NULL && l.bad == NULL);
	replytext_lines_free(&l);

	l = scan("I'd say the score: 4 is fair"); /* not the first word of the line */
	CHECK_INT(l.has_score, 0);
	replytext_lines_free(&l);

	l = scan("{\"a\": 1, \"score\": \"3\", 'label': 'acceptable', \"confidence\": 0.4}");
	CHECK_INT(l.has_score, 1);
	CHECK_NEAR(l.score.value, 3, 0);
	CHECK_INT(l.label, 3);
	CHECK_INT(l.has_confidence, 1);
	CHECK_NEAR(l.confidence, 0.4, 1e-12);
	replytext_lines_free(&l);

	l = scan("Score: 2\nRating: 3");
	CHECK_STR(l.conflict, "two conflicting scores: 2 and 3");
	replytext_lines_free(&l);

	l = scan("Label: good\nLabel: poor");
	CHECK_STR(l.bad, "two conflicting labels: 4 and 2");
	replytext_lines_free(&l);

	l = scan("Score: null\n\"score\": None\nScore:\n");
	CHECK_INT(l.has_score, 0);
	CHECK(l.bad == NULL);
	replytext_lines_free(&l);

	l = scan("Score: 3\xE2\x80\x93"
		 "4");
	CHECK_STR(l.bad, "score \"3\xE2\x80\x93"
			 "4\" is not a number");
	replytext_lines_free(&l);
}

static void test_refusal_and_search(void)
{
	CHECK_STR(replytext_refusal("I'M SORRY, BUT no.", 18), "i'm sorry, but");
	CHECK_STR(replytext_refusal("ok. I can\xE2\x80\x99t help with that", 28), "i can't help");
	CHECK(replytext_refusal("I can't see the handle.", 23) == NULL);
	CHECK(replytext_refusal("", 0) == NULL);
	CHECK_INT(replytext_find("ab</THINK>cd", 12, 0, "</think>"), 2);
	CHECK_INT(replytext_find("ab</THINK>cd", 12, 3, "</think>"), 12);
	CHECK_INT(replytext_find("</thin", 6, 0, "</think>"), 6);
	CHECK_INT(replytext_starts_with("<Think>x", 8, "<think>"), 1);
	CHECK_INT(replytext_starts_with("<thin", 5, "<think>"), 0);
	const char *s = " \t\r\nx y\f\v ";
	size_t len = strlen(s);
	replytext_trim(&s, &len);
	CHECK_INT(len, 3);
	CHECK(strncmp(s, "x y", 3) == 0);
}

int main(void)
{
	RUN(test_keys);
	RUN(test_scores);
	RUN(test_labels);
	RUN(test_confidence);
	RUN(test_lines);
	RUN(test_refusal_and_search);
	return test_summary();
}
