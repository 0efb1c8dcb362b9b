/* test_batch.c - batch files (src/llm/batch.c): custom_ids, the writer's
 * lines and file splitting, result lines of both formats with every shape
 * of error, duplicates and foreign ids with FILE:LINE, and the parsed
 * bodies going through the providers' own parse functions. The lines are
 * also checked by python against the documented formats in
 * tests/cli/test_batch.sh. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/xalloc.h"
#include "src/llm/batch.h"
#include "src/llm/provider.h"
#include "tests/unit/test.h"

static char dir[] = "/tmp/gavel-test-batch.XXXXXX";

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = xcalloc(1, 1 << 20);

	if (f) {
		size_t n = fread(text, 1, (1 << 20) - 1, f);
		text[n] = '\0';
		fclose(f);
	}
	return text;
}

static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

static void test_custom_ids(void)
{
	char id[BATCH_ID_MAX];
	long run, item;
	int attempt;

	batch_custom_id(id, 12, 3456, 2);
	CHECK_STR(id, "gavel-r12-i3456-a2");
	CHECK(batch_custom_id_parse(id, &run, &item, &attempt));
	CHECK(run == 12 && item == 3456 && attempt == 2);
	CHECK(!batch_custom_id_parse("gavel-r12-i3456-a2x", &run, &item, &attempt));
	CHECK(!batch_custom_id_parse("request-1", &run, &item, &attempt));
	CHECK(!batch_custom_id_parse("gavel-r-1-i2-a0", &run, &item, &attempt));
	CHECK(batch_format_find("openai") && batch_format_find("anthropic"));
	CHECK(batch_format_find("heuristic") == NULL);
	CHECK_INT(batch_format_limits(batch_format_find("openai")).max_requests, 50000);
	CHECK_INT(batch_format_limits(batch_format_find("openai")).max_bytes, 200000000);
	CHECK_INT(batch_format_limits(batch_format_find("anthropic")).max_requests, 100000);
	CHECK_INT(batch_format_limits(batch_format_find("anthropic")).max_bytes, 256000000);
}

static void test_write_openai(void)
{
	BatchLimits small = {2, 1000};
	BatchWriter *w = batch_writer_new(batch_format_find("openai"), dir, "run7", &small);
	char *text;

	CHECK_INT(batch_writer_add(w, "a", "{\n  \"model\": \"m\", \"messages\": []\n}"),
		  STATUS_OK);
	CHECK_INT(batch_writer_add(w, "b", "{\"model\":\"m\",\"x\":\"\\u00e9\\n\"}"), STATUS_OK);
	CHECK_INT(batch_writer_add(w, "c", "{\"model\":\"m\"}"), STATUS_OK);
	CHECK_INT(batch_writer_add(w, "c", "{\"model\":\"m\"}"), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), "the custom_id repeats within") != NULL);
	CHECK_INT(batch_writer_add(w, "d", "[1, 2]"), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "request \"d\": the body is not a JSON object");
	CHECK_INT(batch_writer_add(w, "", "{}"), STATUS_ERR_INPUT);
	CHECK_INT(batch_writer_finish(w), STATUS_OK);
	CHECK_INT(batch_writer_files(w), 2);
	CHECK_INT(batch_writer_count(w, 0), 2);
	CHECK_INT(batch_writer_count(w, 1), 1);
	text = slurp(batch_writer_path(w, 0));
	CHECK_STR(text, "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
			"\"body\":{\"model\":\"m\",\"messages\":[]}}\n"
			"{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
			"\"body\":{\"model\":\"m\",\"x\":\"\xC3\xA9\\n\"}}\n");
	free(text);
	text = slurp(batch_writer_path(w, 1));
	CHECK(strstr(batch_writer_path(w, 1), "/run7-0002.jsonl") != NULL);
	CHECK_STR(text, "{\"custom_id\":\"c\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
			"\"body\":{\"model\":\"m\"}}\n");
	free(text);
	batch_writer_free(w);

	/* never over an existing file */
	w = batch_writer_new(batch_format_find("openai"), dir, "run7", NULL);
	CHECK_INT(batch_writer_add(w, "a", "{}"), STATUS_ERR_EXISTS);
	batch_writer_free(w);
	batch_writer_free(NULL);
}

/* The byte limit: each line here is 94 bytes with its newline, so 188
 * bytes hold exactly two, and 187 only one. */
static void test_split_by_bytes(void)
{
	BatchLimits limits = {50000, 188}, tight = {50000, 187};
	BatchWriter *w = batch_writer_new(batch_format_find("openai"), dir, "bytes", &limits);
	char *big = xcalloc(1, 300);

	for (int i = 0; i < 5; i++) {
		char id[16];
		snprintf(id, sizeof id, "r%d", i);
		CHECK_INT(batch_writer_add(w, id, "{\"model\":\"0123456789\"}"), STATUS_OK);
	}
	batch_writer_finish(w);
	CHECK_INT(batch_writer_files(w), 3); /* 2 + 2 + 1 */
	for (size_t f = 0; f < batch_writer_files(w); f++) {
		char *text = slurp(batch_writer_path(w, f));
		CHECK_INT(strlen(text), f < 2 ? 188 : 94);
		free(text);
	}
	memset(big, 'x', 200);
	char *body = xasprintf("{\"model\":\"%s\"}", big);
	CHECK_INT(batch_writer_add(w, "huge", body), STATUS_ERR_TOO_BIG);
	CHECK(strstr(status_detail(), "request \"huge\" is ") != NULL);
	free(body);
	free(big);
	batch_writer_free(w);
	w = batch_writer_new(batch_format_find("openai"), dir, "tight", &tight);
	for (int i = 0; i < 3; i++) {
		char id[16];
		snprintf(id, sizeof id, "r%d", i);
		CHECK_INT(batch_writer_add(w, id, "{\"model\":\"0123456789\"}"), STATUS_OK);
	}
	batch_writer_finish(w);
	CHECK_INT(batch_writer_files(w), 3);
	batch_writer_free(w);
}

static void test_write_anthropic(void)
{
	BatchLimits small = {2, 100000};
	BatchWriter *w = batch_writer_new(batch_format_find("anthropic"), dir, "claude", &small);
	char *text;

	CHECK_INT(batch_writer_add(w, "gavel-r1-i1-a0", "{\"model\":\"c\",\"max_tokens\":5}"),
		  STATUS_OK);
	CHECK_INT(batch_writer_add(w, "gavel-r1-i2-a0", "{\"model\":\"c\",\"max_tokens\":5}"),
		  STATUS_OK);
	CHECK_INT(batch_writer_add(w, "gavel-r1-i3-a0", "{\"model\":\"c\",\"max_tokens\":5}"),
		  STATUS_OK);
	CHECK_INT(batch_writer_add(w, "has space", "{}"), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(),
		  "request \"has space\": not a valid custom_id for anthropic batches");
	CHECK_INT(
	    batch_writer_add(
		w, "x23456789012345678901234567890123456789012345678901234567890123456", "{}"),
	    STATUS_ERR_INPUT);
	CHECK_INT(batch_writer_finish(w), STATUS_OK);
	CHECK_INT(batch_writer_files(w), 2);
	text = slurp(batch_writer_path(w, 0));
	CHECK(strstr(batch_writer_path(w, 0), "/claude-0001.json") != NULL);
	CHECK_STR(
	    text,
	    "{\"requests\":[\n"
	    "{\"custom_id\":\"gavel-r1-i1-a0\",\"params\":{\"model\":\"c\",\"max_tokens\":5}},\n"
	    "{\"custom_id\":\"gavel-r1-i2-a0\",\"params\":{\"model\":\"c\",\"max_tokens\":5}}\n"
	    "]}\n");
	free(text);
	batch_writer_free(w);
}

/* What the callback saw, kept for the checks. */
typedef struct {
	int n;
	char ids[16][64];
	int ok[16];
	long status[16];
	char *body[16];
	char *error[16];
	long line[16];
} Seen;

static Status remember(void *ctx, const BatchResult *r)
{
	Seen *s = ctx;
	int i = s->n++;

	snprintf(s->ids[i], sizeof s->ids[i], "%s", r->custom_id);
	s->ok[i] = r->ok;
	s->status[i] = r->status_code;
	s->body[i] = r->body ? xstrdup(r->body) : NULL;
	s->error[i] = r->error ? xstrdup(r->error) : NULL;
	s->line[i] = r->line;
	return STATUS_OK;
}

static void seen_free(Seen *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->body[i]);
		free(s->error[i]);
	}
	memset(s, 0, sizeof *s);
}

static BatchIds *ids_for(long run, int n)
{
	BatchIds *ids = batch_ids_new(run);

	for (int i = 1; i <= n; i++) {
		char id[BATCH_ID_MAX];
		batch_custom_id(id, run, i, 0);
		batch_ids_add(ids, id);
	}
	return ids;
}

static const char OPENAI_OUT[] =
    "{\"id\":\"batch_req_2\",\"custom_id\":\"gavel-r7-i2-a0\",\"response\":{\"status_code\":200,"
    "\"request_id\":\"req_2\",\"body\":{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\","
    "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"label\\\": "
    "2}\"},"
    "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":7}}},"
    "\"error\":null}\n"
    "\n"
    "{\"id\":\"vllm-1\",\"custom_id\":\"gavel-r7-i1-a0\",\"response\":{\"status_code\":400,"
    "\"request_id\":\"vllm-batch-1\",\"body\":null},\"error\":\"Request must not be sent in stream "
    "mode\"}\n"
    "{\"id\":\"vllm-3\",\"custom_id\":\"gavel-r7-i3-a0\",\"response\":{\"status_code\":400,"
    "\"request_id\":\"vllm-batch-3\",\"body\":null},\"error\":{\"object\":\"error\",\"message\":"
    "\"too long\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}\n"
    "{\"id\":\"b4\",\"custom_id\":\"gavel-r7-i4-a0\",\"response\":null,\"error\":{\"code\":"
    "\"batch_expired\",\"message\":\"This request could not be executed before the completion "
    "window expired.\"}}\n"
    "{\"id\":\"b5\",\"custom_id\":\"gavel-r7-i5-a0\",\"response\":{\"status_code\":500,\"request_"
    "id\":\"r5\","
    "\"body\":{\"error\":{\"message\":\"The server had an "
    "error\",\"type\":\"server_error\"}}},\"error\":null}\n";

static void test_read_openai(void)
{
	const BatchFormat *fmt = batch_format_find("openai");
	BatchIds *ids = ids_for(7, 5);
	char *path = write_file("out.jsonl", OPENAI_OUT);
	Seen s = {0};
	ProviderAnswer answer;

	CHECK_INT(batch_read_results(fmt, path, ids, remember, &s), STATUS_OK);
	CHECK_INT(s.n, 5);
	CHECK_INT(batch_ids_answered(ids), 5);
	CHECK_STR(s.ids[0], "gavel-r7-i2-a0");
	CHECK(s.ok[0] && s.status[0] == 200 && s.error[0] == NULL);
	/* the body goes to the provider's own parse, as a live reply would */
	CHECK_INT(provider_find("openai")->parse(s.body[0], strlen(s.body[0]), &answer), STATUS_OK);
	CHECK_STR(answer.content, "{\"label\": 2}");
	CHECK_INT(answer.prompt_tokens, 900);
	provider_answer_free(&answer);
	CHECK_INT(s.line[1], 3); /* the blank line counts */
	CHECK(!s.ok[1] && s.status[1] == 400 && s.body[1] == NULL);
	CHECK_STR(s.error[1], "Request must not be sent in stream mode");
	CHECK_STR(s.error[2], "400: too long");
	CHECK(!s.ok[3] && s.status[3] == 0);
	CHECK_STR(s.error[3], "batch_expired: This request could not be executed before the "
			      "completion window expired.");
	CHECK(!s.ok[4] && s.status[4] == 500);
	CHECK_STR(s.error[4], "server_error: The server had an error");
	seen_free(&s);

	/* the same file again: every id was answered */
	CHECK_INT(batch_read_results(fmt, path, ids, NULL, NULL), STATUS_ERR_INPUT);
	char *want =
	    xasprintf("%s:1: custom_id \"gavel-r7-i2-a0\" was answered at %s:1", path, path);
	CHECK_STR(status_detail(), want);
	free(want);
	/* a checking pass, forgotten, then the real one */
	batch_ids_forget_answers(ids);
	CHECK_INT(batch_ids_answered(ids), 0);
	CHECK_INT(batch_read_results(fmt, path, ids, NULL, NULL), STATUS_OK);
	CHECK(batch_ids_is_answered(ids, "gavel-r7-i4-a0"));
	batch_ids_free(ids);
	free(path);
}

static void expect_refusal(const char *fmt_name, const char *text, const char *why)
{
	BatchIds *ids = ids_for(7, 3);
	char *path = write_file("bad.jsonl", text);
	char *want = xasprintf("%s:%s", path, why);

	CHECK_INT(batch_read_results(batch_format_find(fmt_name), path, ids, NULL, NULL),
		  STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), want);
	free(want);
	free(path);
	batch_ids_free(ids);
}

static void test_refusals(void)
{
	const char ok1[] = "{\"custom_id\":\"gavel-r7-i1-a0\",\"response\":null,\"error\":\"x\"}\n";
	char *dup = xasprintf("%s%s", ok1, ok1);

	expect_refusal("openai", "{\"custom_id\":\"gavel-r8-i1-a0\",\"error\":\"x\"}\n",
		       "1: custom_id \"gavel-r8-i1-a0\" belongs to run 8, not run 7");
	expect_refusal("openai", "{\"custom_id\":\"request-1\",\"error\":\"x\"}\n",
		       "1: custom_id \"request-1\" is not a request of this run");
	expect_refusal("openai", "{\"custom_id\":\"gavel-r7-i9-a0\",\"error\":\"x\"}\n",
		       "1: custom_id \"gavel-r7-i9-a0\" is not a request of this run");
	expect_refusal("openai", "not json\n", "1: not a JSON object");
	expect_refusal("openai", "[1]\n", "1: not a JSON object");
	expect_refusal("openai", "{\"error\":\"x\"}\n", "1: no \"custom_id\" string");
	expect_refusal("openai", "{\"custom_id\":\"gavel-r7-i1-a0\"}\n",
		       "1: neither \"response\" nor \"error\"");
	expect_refusal("openai",
		       "{\"custom_id\":\"gavel-r7-i1-a0\",\"response\":null,\"error\":null}\n",
		       "1: \"response\" and \"error\" are both null");
	expect_refusal("openai",
		       "{\"custom_id\":\"gavel-r7-i1-a0\",\"result\":{\"type\":\"expired\"}}\n",
		       "1: an Anthropic Message Batches result, not an OpenAI batch one");
	expect_refusal("anthropic", ok1,
		       "1: an OpenAI batch result, not an Anthropic Message Batches one");
	expect_refusal("anthropic",
		       "{\"custom_id\":\"gavel-r7-i1-a0\",\"result\":{\"type\":\"maybe\"}}\n",
		       "1: an unknown result type");
	expect_refusal("anthropic",
		       "{\"custom_id\":\"gavel-r7-i1-a0\",\"result\":{\"type\":\"succeeded\"}}\n",
		       "1: a succeeded result without a \"message\"");
	char *want =
	    xasprintf("2: custom_id \"gavel-r7-i1-a0\" was answered at %s/bad.jsonl:1", dir);
	expect_refusal("openai", dup, want);
	free(want);
	free(dup);
	BatchIds *none = ids_for(1, 0);
	CHECK_INT(
	    batch_read_results(batch_format_find("openai"), "/nonexistent/x", none, NULL, NULL),
	    STATUS_ERR_IO);
	batch_ids_free(none);
}

static const char ANTHROPIC_OUT[] =
    "{\"custom_id\":\"gavel-r7-i3-a0\",\"result\":{\"type\":\"succeeded\",\"message\":{\"id\":"
    "\"msg_1\","
    "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[{\"type\":"
    "\"text\","
    "\"text\":\"label: 3\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":800,"
    "\"output_tokens\":4}}}}\n"
    "{\"custom_id\":\"gavel-r7-i1-a0\",\"result\":{\"type\":\"errored\",\"error\":{\"type\":"
    "\"error\","
    "\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: must be at least "
    "1\"}}}}\n"
    "{\"custom_id\":\"gavel-r7-i2-a0\",\"result\":{\"type\":\"canceled\"}}\n"
    "{\"custom_id\":\"gavel-r7-i4-a0\",\"result\":{\"type\":\"expired\"}}\n";

static void test_read_anthropic(void)
{
	BatchIds *ids = ids_for(7, 4);
	char *path = write_file("claude.jsonl", ANTHROPIC_OUT);
	Seen s = {0};
	ProviderAnswer answer;

	CHECK_INT(batch_read_results(batch_format_find("anthropic"), path, ids, remember, &s),
		  STATUS_OK);
	CHECK_INT(s.n, 4);
	CHECK(s.ok[0] && s.status[0] == 200);
	CHECK_INT(provider_find("anthropic")->parse(s.body[0], strlen(s.body[0]), &answer),
		  STATUS_OK);
	CHECK_STR(answer.content, "label: 3");
	CHECK_INT(answer.completion_tokens, 4);
	provider_answer_free(&answer);
	CHECK_STR(s.error[1], "invalid_request_error: max_tokens: must be at least 1");
	CHECK(!s.ok[2] && strstr(s.error[2], "canceled") == s.error[2]);
	CHECK(!s.ok[3] && strstr(s.error[3], "expired") == s.error[3]);
	seen_free(&s);
	batch_ids_free(ids);
	free(path);
}

static void test_ids(void)
{
	BatchIds *ids = batch_ids_new(-1);
	char id[32];
	int added = 0;

	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "id-%d", i);
		added += batch_ids_add(ids, id) == STATUS_OK;
	}
	CHECK_INT(added, 5000);
	CHECK_INT(batch_ids_add(ids, "id-17"), STATUS_ERR_INPUT);
	CHECK_INT(batch_ids_count(ids), 5000);
	CHECK(batch_ids_expects(ids, "id-4999") && !batch_ids_expects(ids, "id-5000"));
	CHECK(!batch_ids_is_answered(ids, "id-1"));
	batch_ids_free(ids);
	batch_ids_free(NULL);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	RUN(test_custom_ids);
	RUN(test_write_openai);
	RUN(test_split_by_bytes);
	RUN(test_write_anthropic);
	RUN(test_read_openai);
	RUN(test_refusals);
	RUN(test_read_anthropic);
	RUN(test_ids);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	return test_summary();
}
