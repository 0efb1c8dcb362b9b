/* batchtool.c - a driver for src/llm/batch.c, for tests/cli/batch_check.py:
 *
 *   batchtool limits FORMAT
 *   batchtool write PROVIDER DIR PREFIX N RUN [MAX_REQUESTS MAX_BYTES]
 *       N requests built by the provider's own build() (a system prompt,
 *       text around an image of a different size each), custom_ids
 *       gavel-rRUN-i1-a0 ... ; prints the files and their counts as JSON
 *   batchtool read FORMAT RUN N FILE...
 *       checks every file first (nothing is delivered if one is bad), then
 *       prints one JSON line per result, the content the provider's parse()
 *       reads from a successful body, and a last line with the counts */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"
#include "src/llm/batch.h"
#include "src/llm/provider.h"

static int fail(void)
{
	fprintf(stderr, "batchtool: %s\n", status_detail());
	return 1;
}

static int limits(const char *name)
{
	const BatchFormat *fmt = batch_format_find(name);
	BatchLimits l;

	if (!fmt)
		return 2;
	l = batch_format_limits(fmt);
	printf("{\"max_requests\":%zu,\"max_bytes\":%zu}\n", l.max_requests, l.max_bytes);
	return 0;
}

/* The body the provider would send for item i. */
static char *build_body(const ProviderOps *ops, long i)
{
	ProviderConfig config = {"http://127.0.0.1:9", "test-model", NULL, 0, 64, 1};
	char *image = xcalloc(1, (size_t)(100 * i + 1));
	ProviderPrompt prompt = { "You label photos. Answer in JSON.",
				  "Rate \"this\" photo, caf\xC3\xA9:",
				  "Reply with {\"label\": N}.\n",
				  image,
				  NULL,
				  NULL,
				  0 };
	ProviderRequest request = {0};
	char *body;

	memset(image, 'A' + (int)(i % 26), (size_t)(100 * i));
	ops->build(&config, &prompt, &request);
	body = xstrdup(request.body);
	provider_request_free(&request);
	free(image);
	return body;
}

static int write_files(int argc, char **argv)
{
	const ProviderOps *ops = provider_find(argv[2]);
	const BatchFormat *fmt = batch_format_find(argv[2]);
	long n = atol(argv[5]), run = atol(argv[6]);
	BatchLimits l = {0, 0};
	BatchWriter *w;
	int rc = 0;

	if (!ops || !fmt)
		return 2;
	if (argc > 8)
		l = (BatchLimits){strtoul(argv[7], NULL, 10), strtoul(argv[8], NULL, 10)};
	w = batch_writer_new(fmt, argv[3], argv[4], argc > 8 ? &l : NULL);
	for (long i = 1; i <= n && !rc; i++) {
		char id[BATCH_ID_MAX], *body = build_body(ops, i);
		batch_custom_id(id, run, i, 0);
		if (batch_writer_add(w, id, body) != STATUS_OK)
			rc = fail();
		free(body);
	}
	if (!rc && batch_writer_finish(w) != STATUS_OK)
		rc = fail();
	printf("{\"files\":[");
	for (size_t f = 0; f < batch_writer_files(w); f++)
		printf("%s{\"path\":\"%s\",\"count\":%zu}", f ? "," : "", batch_writer_path(w, f),
		       batch_writer_count(w, f));
	printf("]}\n");
	batch_writer_free(w);
	return rc;
}

static Status print_result(void *ctx, const BatchResult *r)
{
	const ProviderOps *ops = ctx;
	cJSON *line = cJSON_CreateObject();
	ProviderAnswer answer = {0};
	char *text;

	cJSON_AddStringToObject(line, "custom_id", r->custom_id);
	cJSON_AddStringToObject(line, "file", r->file);
	cJSON_AddNumberToObject(line, "line", (double)r->line);
	cJSON_AddBoolToObject(line, "ok", r->ok);
	cJSON_AddNumberToObject(line, "status_code", (double)r->status_code);
	cJSON_AddItemToObject(line, "body", r->body ? cJSON_Parse(r->body) : cJSON_CreateNull());
	if (r->error)
		cJSON_AddStringToObject(line, "error", r->error);
	else
		cJSON_AddNullToObject(line, "error");
	if (r->ok && ops->parse(r->body, strlen(r->body), &answer) == STATUS_OK && answer.content)
		cJSON_AddStringToObject(line, "content", answer.content);
	provider_answer_free(&answer);
	text = cJSON_PrintUnformatted(line);
	printf("%s\n", text);
	cJSON_free(text);
	cJSON_Delete(line);
	return STATUS_OK;
}

static int read_files(int argc, char **argv)
{
	const BatchFormat *fmt = batch_format_find(argv[2]);
	long run = atol(argv[3]), n = atol(argv[4]);
	BatchIds *ids = batch_ids_new(run);
	int rc = 0;

	if (!fmt)
		return 2;
	for (long i = 1; i <= n; i++) {
		char id[BATCH_ID_MAX];
		batch_custom_id(id, run, i, 0);
		batch_ids_add(ids, id);
	}
	for (int f = 5; f < argc && !rc; f++)
		if (batch_read_results(fmt, argv[f], ids, NULL, NULL) != STATUS_OK)
			rc = fail();
	batch_ids_forget_answers(ids);
	for (int f = 5; f < argc && !rc; f++)
		if (batch_read_results(fmt, argv[f], ids, print_result,
				       (void *)provider_find(argv[2])) != STATUS_OK)
			rc = fail();
	if (!rc)
		printf("{\"answered\":%zu,\"expected\":%zu}\n", batch_ids_answered(ids),
		       batch_ids_count(ids));
	batch_ids_free(ids);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "limits"))
		return limits(argv[2]);
	if (argc >= 7 && !strcmp(argv[1], "write"))
		return write_files(argc, argv);
	if (argc >= 6 && !strcmp(argv[1], "read"))
		return read_files(argc, argv);
	fprintf(stderr, "usage: batchtool limits FORMAT | write PROVIDER DIR PREFIX N RUN "
			"[MAX_REQUESTS MAX_BYTES] | read FORMAT RUN N FILE...\n");
	return 2;
}
