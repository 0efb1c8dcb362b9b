/* test_reply.c - the reply parser against a corpus of good, messy and hostile
 * LLM replies. Every expected value is worked out by hand from the rules in
 * src/reply.h, not taken from the parser's output. */
#include <stdlib.h>
#include <string.h>

#include "src/llm/reply.h"
#include "tests/unit/test.h"

static const char *const five[] = {"unusable", "poor", "acceptable", "good", "excellent"};
static const char *const three[] = {"bad", "ok", "great"};

enum { FAIL = 0, OK = 1 };
enum {
	NONE = REPLY_NONE,
	STRICT = REPLY_STRICT_JSON,
	EMBED = REPLY_EMBEDDED_JSON,
	LINE = REPLY_SCORE_LINE
};

typedef struct {
	const char *name;
	const char *text;
	size_t len; /* 0: strlen(text); set when the text holds a NUL */
	int levels; /* 5: unusable..excellent, 3: bad/ok/great */
	int ok, method, score, label, inconsistent;
	const char *failure; /* a substring of the failure, when !ok */
} Case;

/* A literal and its length, NUL bytes inside included. */
#define WITH_LEN(s) s, sizeof(s) - 1

#define GOOD_JSON                                                                                  \
	"{\"aspects\": {\"clarity\": \"whole item\", \"context\": \"clean\", \"photography\": "    \
	"\"sharp\"}, \"rationale\": \"Clear photo.\", \"score\": 4, \"label\": \"good\", "         \
	"\"confidence\": 0.8}"

/* One row per case reads best as a table, whatever the line length. */
/* clang-format off */
static const Case cases[] = {
	/* clean JSON */
	{"strict", GOOD_JSON, 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"strict pretty", "{\n  \"score\": 3,\n  \"label\": \"acceptable\"\n}\n", 0, 5, OK, STRICT, 3, 3, 0, NULL},
	{"strict with BOM and spaces", "\xEF\xBB\xBF  {\"score\": 5, \"label\": \"excellent\"}  ", 0, 5, OK, STRICT, 5, 5, 0, NULL},
	{"missing label", "{\"score\": 4}", 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"null label", "{\"score\": 2, \"label\": null}", 0, 5, OK, STRICT, 2, 2, 0, NULL},
	{"label only", "{\"label\": \"excellent\"}", 0, 5, OK, STRICT, 5, 5, 0, NULL},
	{"null score, label", "{\"score\": null, \"label\": \"poor\"}", 0, 5, OK, STRICT, 2, 2, 0, NULL},
	{"null score, null label", "{\"score\": null, \"label\": null}", 0, 5, FAIL, STRICT, 0, 0, 0, "null score"},
	{"inconsistent label", "{\"score\": 4, \"label\": \"poor\"}", 0, 5, OK, STRICT, 4, 2, 1, NULL},
	{"label case and spaces", "{\"score\": 4, \"label\": \" Good \"}", 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"label as number", "{\"score\": 1, \"label\": 1}", 0, 5, OK, STRICT, 1, 1, 0, NULL},
	{"label as numeric string", "{\"score\": 3, \"label\": \"3\"}", 0, 5, OK, STRICT, 3, 3, 0, NULL},
	{"label 4 - good", "{\"score\": 4, \"label\": \"4 - good\"}", 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"label 5 excellent", "{\"score\": 5, \"label\": \"5 Excellent\"}", 0, 5, OK, STRICT, 5, 5, 0, NULL},
	{"label good (4)", "{\"score\": 4, \"label\": \"good (4)\"}", 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"label number and name disagree", "{\"score\": 4, \"label\": \"4 - poor\"}", 0, 5, FAIL, STRICT, 0, 0, 0, "not on the scale"},
	{"unknown label", "{\"score\": 4, \"label\": \"great\"}", 0, 5, FAIL, STRICT, 0, 0, 0, "label \"great\" is not on the scale 1..5"},
	{"label true", "{\"score\": 4, \"label\": true}", 0, 5, FAIL, STRICT, 0, 0, 0, "label is true"},
	{"score 4.0", "{\"score\": 4.0, \"label\": \"good\"}", 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"score as string", "{\"score\": \"3\"}", 0, 5, OK, STRICT, 3, 3, 0, NULL},
	{"score 4/5 string", "{\"score\": \"4/5\", \"label\": \"good\"}", 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"numbers as strings", "{\"score\": \"5\", \"label\": \"5\", \"confidence\": \"90%\"}", 0, 5, OK, STRICT, 5, 5, 0, NULL},
	{"score 3.5", "{\"score\": 3.5, \"label\": \"acceptable\"}", 0, 5, FAIL, STRICT, 0, 0, 0, "score 3.5 is not a point of the scale 1..5"},
	{"score 0", "{\"score\": 0}", 0, 5, FAIL, STRICT, 0, 0, 0, "score 0 is off the scale 1..5"},
	{"score 6", "{\"score\": 6, \"label\": \"excellent\"}", 0, 5, FAIL, STRICT, 0, 0, 0, "score 6 is off the scale 1..5"},
	{"score -1", "{\"score\": -1}", 0, 5, FAIL, STRICT, 0, 0, 0, "score -1 is off the scale"},
	{"score 1e999", "{\"score\": 1e999}", 0, 5, FAIL, STRICT, 0, 0, 0, "off the scale"},
	{"score true", "{\"score\": true}", 0, 5, FAIL, STRICT, 0, 0, 0, "score is true"},
	{"score four", "{\"score\": \"four\"}", 0, 5, FAIL, STRICT, 0, 0, 0, "score \"four\" is not a number"},
	{"score NaN string", "{\"score\": \"NaN\"}", 0, 5, FAIL, STRICT, 0, 0, 0, "not a number"},
	{"score 4/10", "{\"score\": \"4/10\"}", 0, 5, FAIL, STRICT, 0, 0, 0, "on another scale than 1..5"},
	{"score array", "{\"score\": [4]}", 0, 5, FAIL, STRICT, 0, 0, 0, "score is an array"},
	{"score object", "{\"score\": {\"value\": 4}}", 0, 5, FAIL, STRICT, 0, 0, 0, "score is an object"},
	{"alternative keys", "{\"Rating\": 3, \"quality\": \"Acceptable\", \"reasoning\": \"ok\"}", 0, 5, OK, STRICT, 3, 3, 0, NULL},
	{"quality_score and class", "{\"quality_score\": 5, \"class\": \"excellent\"}", 0, 5, OK, STRICT, 5, 5, 0, NULL},
	{"two score keys agree", "{\"score\": 4, \"rating\": \"4\"}", 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"two score keys disagree", "{\"score\": 4, \"rating\": 3}", 0, 5, FAIL, STRICT, 0, 0, 0, "two conflicting scores"},
	{"duplicate key disagrees", "{\"score\": 4, \"score\": 2}", 0, 5, FAIL, STRICT, 0, 0, 0, "two conflicting scores"},
	{"wrapper object", "{\"result\": {\"score\": 4, \"label\": \"good\"}}", 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"JSON array", "[{\"score\": 4, \"label\": \"good\"}]", 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"JSON array, two scores", "[{\"score\": 4}, {\"score\": 2}]", 0, 5, FAIL, STRICT, 0, 0, 0, "two conflicting scores"},
	{"JSON without score", "{\"note\": \"a mug\"}", 0, 5, FAIL, NONE, 0, 0, 0, "the JSON has no score or label"},
	{"bare number", "4", 0, 5, FAIL, NONE, 0, 0, 0, "no score found"},

	/* JSON in fences and prose */
	{"fenced json", "Here is my assessment:\n```json\n{\"score\": 3, \"label\": \"acceptable\"}\n```\nHope this helps!", 0, 5, OK, EMBED, 3, 3, 0, NULL},
	{"fence without language", "```\n{\"score\": 2, \"label\": \"poor\"}\n```", 0, 5, OK, EMBED, 2, 2, 0, NULL},
	{"tilde fence", "~~~json\n{\"score\": 5}\n~~~", 0, 5, OK, EMBED, 5, 5, 0, NULL},
	{"prose around JSON", "Sure! {\"score\": 2, \"label\": \"poor\", \"rationale\": \"the {dim} light\"} Let me know.", 0, 5, OK, EMBED, 2, 2, 0, NULL},
	{"quotes in prose before JSON", "He said \"it's fine\" but {\"score\": 1, \"label\": \"unusable\"}", 0, 5, OK, EMBED, 1, 1, 0, NULL},
	{"braces in prose before JSON", "Format {score} and {label}: {\"score\": 4, \"label\": \"good\"}", 0, 5, OK, EMBED, 4, 4, 0, NULL},
	{"unterminated fence", "```json\n{\"score\": 2, \"label\": \"poor\"}\n", 0, 5, OK, EMBED, 2, 2, 0, NULL},
	{"two fences one valid", "The format is:\n```json\n{\"score\": <1-5>, \"label\": \"<name>\"}\n```\nMy answer:\n```json\n{\"score\": 3, \"label\": \"acceptable\"}\n```", 0, 5, OK, EMBED, 3, 3, 0, NULL},
	{"two objects disagree", "Draft: {\"score\": 3}\nFinal: {\"score\": 4}", 0, 5, FAIL, EMBED, 0, 0, 0, "two conflicting scores"},
	{"two identical objects", "{\"score\": 4, \"label\": \"good\"}\nAgain: {\"score\": 4, \"label\": \"good\"}", 0, 5, OK, EMBED, 4, 4, 0, NULL},
	{"two objects, labels disagree", "{\"score\": 4, \"label\": \"good\"} {\"score\": 4, \"label\": \"poor\"}", 0, 5, FAIL, EMBED, 0, 0, 0, "two conflicting labels"},
	{"JSON and a line disagree", "Score: 3\n```json\n{\"score\": 4}\n```", 0, 5, FAIL, EMBED, 0, 0, 0, "two conflicting scores"},
	{"JSON and a line agree", "```json\n{\"score\": 4, \"label\": \"good\"}\n```\nScore: 4/5", 0, 5, OK, EMBED, 4, 4, 0, NULL},
	{"JSON, then lines that disagree", "{\"score\": 4}\nScore: 4\nScore: 3", 0, 5, FAIL, EMBED, 0, 0, 0, "two conflicting scores: 4 and 3"},
	{"second answer off the scale", "{\"score\": 4} and {\"score\": 9}", 0, 5, FAIL, EMBED, 0, 0, 0, "score 9 is off the scale 1..5"},
	{"double braces", "{{\"score\": 2, \"label\": \"poor\"}}", 0, 5, OK, EMBED, 2, 2, 0, NULL},
	{"JSON off the scale in prose", "Answer: {\"score\": 9}", 0, 5, FAIL, EMBED, 0, 0, 0, "score 9 is off the scale 1..5"},

	/* score lines and broken JSON */
	{"score line", "The photo is dim and blurry.\nScore: 2", 0, 5, OK, LINE, 2, 2, 0, NULL},
	{"score = N", "score = 5", 0, 5, OK, LINE, 5, 5, 0, NULL},
	{"rating N/K", "Rating: 4/5", 0, 5, OK, LINE, 4, 4, 0, NULL},
	{"bold score", "**Score:** 4", 0, 5, OK, LINE, 4, 4, 0, NULL},
	{"bold score and label", "- **Score**: 4\n- **Label**: Good", 0, 5, OK, LINE, 4, 4, 0, NULL},
	{"score and inconsistent label lines", "Score: 4\nLabel: poor", 0, 5, OK, LINE, 4, 2, 1, NULL},
	{"final score emphasis", "Final score: **4**.", 0, 5, OK, LINE, 4, 4, 0, NULL},
	{"score out of", "### Score: 4 out of 5", 0, 5, OK, LINE, 4, 4, 0, NULL},
	{"score with range hint", "Score (1-5): 3", 0, 5, OK, LINE, 3, 3, 0, NULL},
	{"aspect scores are not the score", "Clarity score: 3\nContext score: 5\nOverall score: 4", 0, 5, OK, LINE, 4, 4, 0, NULL},
	{"same score twice", "Score: 4\n...\nFinal rating: 4/5", 0, 5, OK, LINE, 4, 4, 0, NULL},
	{"conflicting score lines", "Score: 3\nOn reflection the light is fine.\nScore: 4", 0, 5, FAIL, LINE, 0, 0, 0, "two conflicting scores: 3 and 4"},
	{"score line off the scale", "Score: 9", 0, 5, FAIL, LINE, 0, 0, 0, "score 9 is off the scale 1..5"},
	{"score line 3.5", "Score: 3.5", 0, 5, FAIL, LINE, 0, 0, 0, "score 3.5 is not a point of the scale"},
	{"score line range", "Score: 3-4", 0, 5, FAIL, LINE, 0, 0, 0, "is not a number"},
	{"score line two numbers", "Score: 4 5", 0, 5, FAIL, LINE, 0, 0, 0, "score \"4 5\" is not a number"},
	{"score line 3 or 4", "Score: 3 or 4", 0, 5, FAIL, LINE, 0, 0, 0, "is not a number"},
	{"score line N/A", "Score: N/A, the image did not load", 0, 5, FAIL, LINE, 0, 0, 0, "score \"N/A, the image did not load\" is not a number"},
	{"score line percent", "Score: 80%", 0, 5, FAIL, LINE, 0, 0, 0, "on another scale"},
	{"label line not on scale", "Score: 4\nLabel: nice", 0, 5, FAIL, LINE, 0, 0, 0, "label \"nice\" is not on the scale"},
	{"trailing comma", "{\"score\": 4, \"label\": \"good\",}", 0, 5, OK, LINE, 4, 4, 0, NULL},
	{"single quotes", "{'score': 3, 'label': 'acceptable'}", 0, 5, OK, LINE, 3, 3, 0, NULL},
	{"cut off JSON", "{\"rationale\": \"sharp\", \"score\": 5, \"label\": \"excel", 0, 5, OK, LINE, 5, 5, 0, NULL},
	{"broken JSON, conflicting", "{\"score\": 4, \"rating\": 2,}", 0, 5, FAIL, LINE, 0, 0, 0, "two conflicting scores"},
	{"prose without a score", "This photo looks fine to me.", 0, 5, FAIL, NONE, 0, 0, 0, "no score found"},

	/* refusals */
	{"refusal", "I'm sorry, but I can't help with that.", 0, 5, FAIL, NONE, 0, 0, 0, "refusal"},
	{"refusal, curly apostrophes", "I\xE2\x80\x99m sorry, but I can\xE2\x80\x99t assist with evaluating this image.", 0, 5, FAIL, NONE, 0, 0, 0, "refusal"},
	{"refusal, as an AI", "As an AI language model, I cannot view images.", 0, 5, FAIL, NONE, 0, 0, 0, "refusal"},
	{"refusal, unable", "I am unable to evaluate this image because it appears to be blank.", 0, 5, FAIL, NONE, 0, 0, 0, "refusal"},
	{"refusal, OpenAI", "I'm sorry, I cannot help with identifying or rating this image.", 0, 5, FAIL, NONE, 0, 0, 0, "refusal"},
	{"refusal with Rating: N/A", "I'm sorry, but I can't rate this image.\nRating: N/A", 0, 5, FAIL, NONE, 0, 0, 0, "refusal"},
	{"refusal in JSON mode", "{\"score\": null, \"label\": null, \"rationale\": \"I apologize, but I cannot evaluate this image.\"}", 0, 5, FAIL, STRICT, 0, 0, 0, "refusal"},
	{"refusal-like JSON with a bad score", "{\"score\": 0, \"rationale\": \"I'm sorry, but it is blank.\"}", 0, 5, FAIL, STRICT, 0, 0, 0, "score 0 is off the scale"},
	{"can't see in a rationale is no refusal", "{\"rationale\": \"I can't see the handle; I'm sorry, but the back is hidden.\", \"score\": 3}", 0, 5, OK, STRICT, 3, 3, 0, NULL},
	{"refusal-like prose with a score line", "I cannot assess the back of the item.\nScore: 3", 0, 5, OK, LINE, 3, 3, 0, NULL},

	/* empty and thinking */
	{"empty", "", 0, 5, FAIL, NONE, 0, 0, 0, "empty reply"},
	{"whitespace", "  \n\t \r\n ", 0, 5, FAIL, NONE, 0, 0, 0, "empty reply"},
	{"think then JSON", "<think>The light is dim. Score: 5? No.</think>\n{\"score\": 2, \"label\": \"poor\"}", 0, 5, OK, STRICT, 2, 2, 0, NULL},
	{"thinking tag then line", "<thinking>maybe 5</thinking>Score: 3", 0, 5, OK, LINE, 3, 3, 0, NULL},
	{"lone closing think", "the reasoning runs here, score 1?\n</think>\n\n{\"score\": 4}", 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"unclosed think", "<think>Let me look at the lighting... {\"score\": 4}", 0, 5, FAIL, NONE, 0, 0, 0, "empty reply"},

	/* custom three-level scale */
	{"3-level ok", "{\"score\": 3, \"label\": \"Great\"}", 0, 3, OK, STRICT, 3, 3, 0, NULL},
	{"3-level off scale", "{\"score\": 4}", 0, 3, FAIL, STRICT, 0, 0, 0, "score 4 is off the scale 1..3"},
	{"3-level rating 2/3", "Rating: 2/3", 0, 3, OK, LINE, 2, 2, 0, NULL},
	{"3-level rating 2/5", "Rating: 2/5", 0, 3, FAIL, LINE, 0, 0, 0, "on another scale than 1..3"},
	{"3-level foreign label", "{\"score\": 2, \"label\": \"good\"}", 0, 3, FAIL, STRICT, 0, 0, 0, "label \"good\" is not on the scale 1..3"},
	{"3-level inconsistent", "{\"score\": 1, \"label\": \"ok\"}", 0, 3, OK, STRICT, 1, 2, 1, NULL},

	/* hostile */
	{"Japanese rationale", "{\"rationale\": \"商品全体がはっきり写っている。背景は白。\", \"score\": 4, \"label\": \"good\"}", 0, 5, OK, STRICT, 4, 4, 0, NULL},
	{"emoji", "📸 {\"score\": 5, \"label\": \"excellent\", \"rationale\": \"Great shot ✨👍\"} 🎉", 0, 5, OK, EMBED, 5, 5, 0, NULL},
	{"ANSI escape in rationale", "{\"rationale\": \"\\u001b[31mred\\u001b[0m\", \"score\": 2}", 0, 5, OK, STRICT, 2, 2, 0, NULL},
	{"raw ESC in a label", "{\"score\": 2, \"label\": \"\x1b[2Jpoor\"}", 0, 5, FAIL, STRICT, 0, 0, 0, "label \"^[[2Jpoor\""},
	{"invalid UTF-8", "{\"rationale\": \"\xff\xfe\xc0\xaf bad\", \"score\": 1}", 0, 5, OK, STRICT, 1, 1, 0, NULL},
	{"NUL after JSON", WITH_LEN("{\"score\": 4, \"label\": \"good\"}\0garbage"), 5, OK, EMBED, 4, 4, 0, NULL},
	{"NUL inside a JSON string", WITH_LEN("{\"score\": 4, \"rationale\": \"a\0b\"}"), 5, OK, LINE, 4, 4, 0, NULL},
	{"NUL before a score line", WITH_LEN("junk\0\0\nScore: 2"), 5, OK, LINE, 2, 2, 0, NULL},
	{"NUL in a key", WITH_LEN("Score\0: 4"), 5, FAIL, NONE, 0, 0, 0, "no score found"},
	{"NUL in a label", WITH_LEN("Score: 4\nLabel: 4\0good"), 5, FAIL, LINE, 0, 0, 0, "label \"4^@good\" is not on the scale"},
	{"NUL after a score", WITH_LEN("Score: 4\0""5"), 5, FAIL, LINE, 0, 0, 0, "score \"4^@5\" is not a number"},
	{"lone surrogate escape", "{\"score\": 4, \"rationale\": \"\\ud800\"}", 0, 5, OK, LINE, 4, 4, 0, NULL},
	{"unbalanced braces only", "{{{{ [[[ \"\"\" }}", 0, 5, FAIL, NONE, 0, 0, 0, "no score found"},
};
/* clang-format on */

static const char *const *scale_of(int levels)
{
	return levels == 3 ? three : five;
}

static void check_case(const Case *c)
{
	Reply r;
	size_t len = c->len ? c->len : strlen(c->text);
	int before = test_failed;
	CHECK_INT(reply_parse(c->text, len, scale_of(c->levels), c->levels, &r), STATUS_OK);
	CHECK_INT(r.ok, c->ok);
	CHECK_INT(r.method, c->method);
	CHECK_INT(r.score, c->score);
	CHECK_INT(r.label, c->label);
	CHECK_INT(r.inconsistent, c->inconsistent);
	CHECK_INT(r.refusal, !c->ok && strncmp(c->failure, "refusal", 7) == 0);
	if (c->ok) {
		CHECK(r.failure == NULL);
	} else {
		CHECK(r.failure && strstr(r.failure, c->failure));
	}
	if (test_failed != before)
		fprintf(stderr, "  case \"%s\": failure \"%s\"\n", c->name,
			r.failure ? r.failure : "(none)");
	reply_free(&r);
}

static void test_corpus(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
	CHECK(sizeof cases / sizeof cases[0] >= 40);
}

static Reply parse(const char *text)
{
	Reply r;
	CHECK_INT(reply_parse(text, strlen(text), five, 5, &r), STATUS_OK);
	return r;
}

static void test_fields(void)
{
	Reply r = parse(GOOD_JSON);
	CHECK_STR(r.rationale, "Clear photo.");
	CHECK_STR(r.aspects_json,
		  "{\"clarity\":\"whole item\",\"context\":\"clean\",\"photography\":\"sharp\"}");
	CHECK_INT(r.has_confidence, 1);
	CHECK_NEAR(r.confidence, 0.8, 1e-12);
	CHECK_INT(r.label_from_score, 0);
	CHECK(r.reasoning == NULL);
	CHECK_INT(r.truncated, 0);
	reply_free(&r);
	CHECK(r.rationale == NULL && r.failure == NULL && r.ok == 0);

	r = parse("{\"score\": 4}");
	CHECK_INT(r.label_from_score, 1);
	CHECK(r.rationale == NULL && r.aspects_json == NULL);
	reply_free(&r);

	/* rationale wins over reasoning and explanation, whatever the order */
	r = parse(
	    "{\"reasoning\": \"r\", \"explanation\": \"e\", \"Rationale\": \"R\", \"score\": 1}");
	CHECK_STR(r.rationale, "R");
	reply_free(&r);
	r = parse("{\"reasoning\": \"r\", \"explanation\": \"e\", \"score\": 1}");
	CHECK_STR(r.rationale, "e");
	reply_free(&r);
	r = parse("{\"aspect_notes\": [\"dim\", \"cluttered\"], \"score\": 2}");
	CHECK_STR(r.aspects_json, "[\"dim\",\"cluttered\"]");
	reply_free(&r);
}

static void test_failure_keeps_rationale(void)
{
	Reply r = parse("{\"rationale\": \"too dark\", \"score\": 7}");
	CHECK_INT(r.ok, 0);
	CHECK_STR(r.rationale, "too dark");
	CHECK_STR(r.failure, "score 7 is off the scale 1..5");
	reply_free(&r);
}

static void test_score_line_rationale(void)
{
	Reply r = parse("  The mug is sharp.\nScore: 4  \n");
	CHECK_INT(r.ok, 1);
	CHECK_STR(r.rationale, "The mug is sharp.\nScore: 4");
	reply_free(&r);
}

static void test_confidence(void)
{
	static const struct {
		const char *text;
		int has;
		double value;
	} forms[] = {
	    {"{\"score\": 3, \"confidence\": 0.25}", 1, 0.25},
	    {"{\"score\": 3, \"confidence\": 1}", 1, 1.0},
	    {"{\"score\": 3, \"confidence\": 80}", 1, 0.8},
	    {"{\"score\": 3, \"confidence\": \"65%\"}", 1, 0.65},
	    {"{\"score\": 3, \"confidence\": \"0.5\"}", 1, 0.5},
	    {"{\"score\": 3, \"confidence\": 150}", 0, 0},
	    {"{\"score\": 3, \"confidence\": -0.2}", 0, 0},
	    {"{\"score\": 3, \"confidence\": \"high\"}", 0, 0},
	    {"{\"score\": 3, \"confidence\": true}", 0, 0},
	    {"Score: 3\nConfidence: 70%", 1, 0.7},
	    {"Score: 3\nConfidence: 0.9", 1, 0.9},
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		Reply r = parse(forms[i].text);
		CHECK_INT(r.ok, 1);
		CHECK_INT(r.has_confidence, forms[i].has);
		if (forms[i].has)
			CHECK_NEAR(r.confidence, forms[i].value, 1e-12);
		reply_free(&r);
	}
}

static void test_think(void)
{
	const char *text = "  <think>\nDim light, cluttered desk.\n</think>\n{\"score\": 2}";
	ReplySpan think, answer;
	CHECK_INT(reply_split_think(text, strlen(text), &think, &answer), 1);
	CHECK_INT(think.off, 9);
	CHECK_INT(think.len, strlen("\nDim light, cluttered desk.\n"));
	CHECK_INT(answer.off, strlen("  <think>\nDim light, cluttered desk.\n</think>"));
	CHECK_INT(answer.len, strlen("\n{\"score\": 2}"));
	CHECK_INT(reply_split_think("{}", 2, &think, &answer), 0);
	CHECK_INT(think.len, 0);
	CHECK_INT(answer.off, 0);
	CHECK_INT(answer.len, 2);

	Reply r = parse(text);
	CHECK_INT(r.ok, 1);
	CHECK_STR(r.reasoning, "Dim light, cluttered desk.");
	reply_free(&r);
	r = parse("<THINK>hmm</THINK>Score: 1");
	CHECK_STR(r.reasoning, "hmm");
	CHECK_INT(r.score, 1);
	reply_free(&r);
	r = parse("<think>still going... Score: 4");
	CHECK_INT(r.ok, 0);
	CHECK_STR(r.reasoning, "still going... Score: 4");
	reply_free(&r);
}

static void test_verbatim_text(void)
{
	Reply r =
	    parse("{\"rationale\": \"\\u001b[31mred\\u001b[0m \\\"q\\\" \\\\\", \"score\": 2}");
	CHECK_STR(r.rationale, "\x1b[31mred\x1b[0m \"q\" \\");
	reply_free(&r);
	r = parse("{\"rationale\": \"raw \x1b]0;title\x07 bell\", \"score\": 2}");
	CHECK_STR(r.rationale, "raw \x1b]0;title\x07 bell");
	reply_free(&r);
	r = parse("{\"rationale\": \"商品全体がはっきり写っている。\", \"score\": 4}");
	CHECK_STR(r.rationale, "商品全体がはっきり写っている。");
	reply_free(&r);
	r = parse("{\"rationale\": \"Great shot ✨👍\", \"score\": 5}");
	CHECK_STR(r.rationale, "Great shot ✨👍");
	reply_free(&r);
	r = parse("{\"rationale\": \"\xff\xfe bad\", \"score\": 1}");
	CHECK_STR(r.rationale, "\xff\xfe bad");
	reply_free(&r);
}

static char *repeat(const char *head, char fill, size_t fill_len, const char *tail)
{
	size_t h = strlen(head), t = strlen(tail);
	char *s = malloc(h + fill_len + t + 1);
	memcpy(s, head, h);
	memset(s + h, fill, fill_len);
	memcpy(s + h + fill_len, tail, t + 1);
	return s;
}

static void test_huge(void)
{
	size_t two_mb = 2u << 20;
	Reply r;
	char *s = repeat("{\"score\": 4, \"label\": \"good\"}\n", 'x', two_mb, "");
	CHECK_INT(reply_parse(s, strlen(s), five, 5, &r), STATUS_OK);
	CHECK_INT(r.ok, 1);
	CHECK_INT(r.score, 4);
	CHECK_INT(r.method, REPLY_EMBEDDED_JSON);
	CHECK_INT(r.truncated, 1);
	reply_free(&r);
	free(s);

	/* the answer lies past the part that is read */
	s = repeat("", ' ', two_mb, "{\"score\": 4}");
	memset(s, 'y', 10);
	CHECK_INT(reply_parse(s, strlen(s), five, 5, &r), STATUS_OK);
	CHECK_INT(r.ok, 0);
	CHECK_INT(r.truncated, 1);
	CHECK(r.failure && strstr(r.failure, "no score found in the first 1048576 bytes of a"));
	reply_free(&r);
	free(s);

	/* a 2 MB rationale: the score is still read from the first MiB */
	s = repeat("{\"score\": 3, \"rationale\": \"", 'z', two_mb, "\"}");
	CHECK_INT(reply_parse(s, strlen(s), five, 5, &r), STATUS_OK);
	CHECK_INT(r.ok, 1);
	CHECK_INT(r.score, 3);
	CHECK_INT(r.method, REPLY_SCORE_LINE);
	reply_free(&r);
	free(s);
}

static char *nested(const char *open, const char *middle, const char *close, int depth)
{
	size_t o = strlen(open), m = strlen(middle), c = strlen(close), n = 0;
	char *s = malloc((o + c) * (size_t)depth + m + 1);
	for (int i = 0; i < depth; i++, n += o)
		memcpy(s + n, open, o);
	memcpy(s + n, middle, m), n += m;
	for (int i = 0; i < depth; i++, n += c)
		memcpy(s + n, close, c);
	s[n] = '\0';
	return s;
}

static void test_deep(void)
{
	Reply r;
	char *s = nested("{\"a\":", "1", "}", 10000);
	CHECK_INT(reply_parse(s, strlen(s), five, 5, &r), STATUS_OK);
	CHECK_INT(r.ok, 0);
	CHECK(r.failure && strstr(r.failure, "nested deeper than 1000 levels"));
	reply_free(&r);
	free(s);

	s = nested("[", "{\"score\": 4}", "]", 10000);
	CHECK_INT(reply_parse(s, strlen(s), five, 5, &r), STATUS_OK);
	CHECK_INT(r.ok, 1); /* the object itself is shallow: prose scan finds it */
	CHECK_INT(r.score, 4);
	reply_free(&r);
	free(s);

	/* the answer's own keys are readable though the JSON is too deep */
	char *deep = nested("{\"x\":", "0", "}", 10000);
	char *text = malloc(strlen(deep) + 64);
	sprintf(text, "{\"score\": 2, \"label\": \"poor\", \"junk\": %s}", deep);
	CHECK_INT(reply_parse(text, strlen(text), five, 5, &r), STATUS_OK);
	CHECK_INT(r.ok, 1);
	CHECK_INT(r.method, REPLY_SCORE_LINE);
	CHECK_INT(r.score, 2);
	reply_free(&r);
	free(text);
	free(deep);

	/* exactly at cJSON's limit parses */
	s = nested("{\"a\":", "{\"score\": 5}", "}", 999);
	CHECK_INT(reply_parse(s, strlen(s), five, 5, &r), STATUS_OK);
	CHECK_INT(r.ok, 1);
	CHECK_INT(r.method, REPLY_STRICT_JSON);
	reply_free(&r);
	free(s);
}

/* Inputs built to make a careless parser slow or crash; each must end with
 * a recorded verdict. */
static void test_hostile_shapes(void)
{
	static const char *const units[] = {"{",  "}",		"{}",	      "[",
					    "\"", "\"score\":", "Score: 1\n", "{\"a\":\"",
					    "\\", "```\n",	"'label': '"};
	size_t size = REPLY_MAX_SCAN;
	char *s = malloc(size + 1);
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		size_t n = strlen(units[u]), i;
		for (i = 0; i + n <= size; i += n)
			memcpy(s + i, units[u], n);
		s[i] = '\0';
		Reply r;
		CHECK_INT(reply_parse(s, i, five, 5, &r), STATUS_OK);
		CHECK(r.ok ? r.failure == NULL : r.failure != NULL);
		reply_free(&r);
	}
	free(s);
}

static void test_bad_calls(void)
{
	Reply r;
	CHECK_INT(reply_parse("{}", 2, NULL, 5, &r), STATUS_ERR_USAGE);
	CHECK_INT(reply_parse("{}", 2, five, 0, &r), STATUS_ERR_USAGE);
	CHECK_INT(reply_parse(NULL, 3, five, 5, &r), STATUS_ERR_USAGE);
	CHECK(r.failure == NULL);
	CHECK_INT(reply_parse(NULL, 0, five, 5, &r), STATUS_OK);
	CHECK_STR(r.failure, "empty reply");
	reply_free(&r);
	reply_free(NULL);
	CHECK_STR(reply_method_name(REPLY_STRICT_JSON), "strict_json");
	CHECK_STR(reply_method_name(REPLY_EMBEDDED_JSON), "embedded_json");
	CHECK_STR(reply_method_name(REPLY_SCORE_LINE), "score_line");
	CHECK_STR(reply_method_name(REPLY_NONE), "none");
}

int main(void)
{
	RUN(test_corpus);
	RUN(test_fields);
	RUN(test_failure_keeps_rationale);
	RUN(test_score_line_rationale);
	RUN(test_confidence);
	RUN(test_think);
	RUN(test_verbatim_text);
	RUN(test_huge);
	RUN(test_deep);
	RUN(test_hostile_shapes);
	RUN(test_bad_calls);
	return test_summary();
}
