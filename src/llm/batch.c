/* batch.c - batch request files and their results (see batch.h). The two
 * formats differ in a small table of operations: how a request line is
 * built, how a file starts, joins and ends, which custom_ids it accepts,
 * and how a result line reads. */
#include "src/llm/batch.h"

#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

/* What one result line says, in the terms of BatchResult. */
typedef struct {
	int ok;
	long status;
	char *body;
	char *error;
} Outcome;

struct BatchFormat {
	const char *name;
	const char *extension;
	BatchLimits limits;
	const char *head, *separator, *tail; /* a file is head, requests joined, tail */
	int (*id_ok)(const char *id);
	/* The request object for one line; takes body. */
	cJSON *(*request)(const char *custom_id, cJSON *body);
	/* Reads a result line into *out; NULL, or why it is not this format's. */
	const char *(*result)(const cJSON *line, Outcome *out);
};

/* ---- what both formats share ---- */

static char *compact(const cJSON *value)
{
	char *text = cJSON_PrintUnformatted(value);

	if (!text)
		xdie("out of memory printing JSON");
	return text;
}

/* One line about an error given as a string, an object ({code,message},
 * vLLM's ErrorResponse, Anthropic's {type,error:{type,message}}, a reply
 * body {error:{...}}) or anything else; NULL for null or absent. */
static char *error_text(const cJSON *e)
{
	const cJSON *inner = cJSON_GetObjectItemCaseSensitive(e, "error");
	const cJSON *message = cJSON_GetObjectItemCaseSensitive(e, "message");
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(e, "code");

	if (!e || cJSON_IsNull(e))
		return NULL;
	if (cJSON_IsString(e))
		return xstrdup(e->valuestring);
	if (cJSON_IsObject(inner) || cJSON_IsString(inner))
		return error_text(inner);
	if (!cJSON_IsString(kind) && !cJSON_IsNumber(kind))
		kind = cJSON_GetObjectItemCaseSensitive(e, "type");
	if (!cJSON_IsString(message))
		return compact(e);
	if (cJSON_IsString(kind))
		return xasprintf("%s: %s", kind->valuestring, message->valuestring);
	if (cJSON_IsNumber(kind))
		return xasprintf("%d: %s", kind->valueint, message->valuestring);
	return xstrdup(message->valuestring);
}

static int any_id(const char *id)
{
	return id && *id;
}

/* ^[a-zA-Z0-9_-]{1,64}$ */
static int anthropic_id(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && id[i] != '_' && id[i] != '-')
			return 0;
	return 1;
}

/* ---- OpenAI (and vLLM) ---- */

static cJSON *openai_request(const char *custom_id, cJSON *body)
{
	cJSON *line = cJSON_CreateObject();

	cJSON_AddStringToObject(line, "custom_id", custom_id);
	cJSON_AddStringToObject(line, "method", "POST");
	cJSON_AddStringToObject(line, "url", "/v1/chat/completions");
	cJSON_AddItemToObject(line, "body", body);
	return line;
}

/* A response without an error: a success when 2xx with an object body. */
static void openai_response(const cJSON *response, Outcome *out)
{
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(response, "status_code");
	const cJSON *body = cJSON_GetObjectItemCaseSensitive(response, "body");

	out->status = cJSON_IsNumber(status) ? (long)status->valuedouble : 0;
	if (out->error)
		return;
	if (out->status >= 200 && out->status < 300 && cJSON_IsObject(body)) {
		out->ok = 1;
		out->body = compact(body);
		return;
	}
	out->error = error_text(cJSON_GetObjectItemCaseSensitive(body, "error"));
	if (!out->error)
		out->error = cJSON_IsObject(body)
				 ? xasprintf("HTTP %ld", out->status)
				 : xasprintf("HTTP %ld without a reply body", out->status);
}

static const char *openai_result(const cJSON *line, Outcome *out)
{
	const cJSON *response = cJSON_GetObjectItemCaseSensitive(line, "response");
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(line, "error");

	if (!response && !error)
		return cJSON_HasObjectItem(line, "result")
			   ? "an Anthropic Message Batches result, not an OpenAI batch one"
			   : "neither \"response\" nor \"error\"";
	if (response && !cJSON_IsNull(response) && !cJSON_IsObject(response))
		return "\"response\" is neither an object nor null";
	out->error = error_text(error);
	if (cJSON_IsObject(response))
		openai_response(response, out);
	else if (!out->error)
		return "\"response\" and \"error\" are both null";
	return NULL;
}

/* ---- Anthropic ---- */

static cJSON *anthropic_request(const char *custom_id, cJSON *body)
{
	cJSON *line = cJSON_CreateObject();

	cJSON_AddStringToObject(line, "custom_id", custom_id);
	cJSON_AddItemToObject(line, "params", body);
	return line;
}

static const char *anthropic_result(const cJSON *line, Outcome *out)
{
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(line, "result");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(result, "type");
	const cJSON *message = cJSON_GetObjectItemCaseSensitive(result, "message");

	if (!cJSON_IsObject(result))
		return cJSON_HasObjectItem(line, "response") || cJSON_HasObjectItem(line, "error")
			   ? "an OpenAI batch result, not an Anthropic Message Batches one"
			   : "no \"result\" object";
	if (!cJSON_IsString(type))
		return "the result has no \"type\"";
	if (!strcmp(type->valuestring, "succeeded")) {
		if (!cJSON_IsObject(message))
			return "a succeeded result without a \"message\"";
		out->ok = 1, out->status = 200;
		out->body = compact(message);
	} else if (!strcmp(type->valuestring, "errored")) {
		out->error = error_text(cJSON_GetObjectItemCaseSensitive(result, "error"));
		if (!out->error)
			out->error = xstrdup("errored");
	} else if (!strcmp(type->valuestring, "canceled")) {
		out->error = xstrdup("canceled: the batch was canceled before this request ran");
	} else if (!strcmp(type->valuestring, "expired")) {
		out->error = xstrdup("expired: the batch ended before this request ran");
	} else {
		return "an unknown result type";
	}
	return NULL;
}

static const BatchFormat formats[] = {
    {"openai", ".jsonl", {50000, 200000000}, "", "\n", "\n", any_id, openai_request, openai_result},
    {"anthropic",
     ".json",
     {100000, 256000000},
     "{\"requests\":[\n",
     ",\n",
     "\n]}\n",
     anthropic_id,
     anthropic_request,
     anthropic_result},
};

const BatchFormat *batch_format_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof formats / sizeof formats[0]; i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

const char *batch_format_name(const BatchFormat *format)
{
	return format->name;
}

BatchLimits batch_format_limits(const BatchFormat *format)
{
	return format->limits;
}

void batch_custom_id(char out[BATCH_ID_MAX], long run, long item, int attempt)
{
	snprintf(out, BATCH_ID_MAX, "gavel-r%ld-i%ld-a%d", run, item, attempt);
}

int batch_custom_id_parse(const char *id, long *run, long *item, int *attempt)
{
	int used = 0;

	return sscanf(id, "gavel-r%ld-i%ld-a%d%n", run, item, attempt, &used) == 3 &&
	       id[used] == '\0' && *run >= 0 && *item >= 0 && *attempt >= 0;
}

/* ---- the set of custom_ids: open addressing, FNV-1a ---- */

typedef struct {
	char *id;
	const char *file; /* where it was answered, or NULL */
	long line;
} IdEntry;

struct BatchIds {
	long run;
	IdEntry *slots;
	size_t cap, count, answered;
	char **files; /* the names answers point into */
	size_t n_files, cap_files;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static IdEntry *slot(const BatchIds *ids, const char *id)
{
	size_t i = (size_t)fnv1a(id) & (ids->cap - 1);

	while (ids->slots[i].id && strcmp(ids->slots[i].id, id))
		i = (i + 1) & (ids->cap - 1);
	return &ids->slots[i];
}

static void grow(BatchIds *ids)
{
	IdEntry *old = ids->slots;
	size_t old_cap = ids->cap;

	ids->cap = old_cap ? old_cap * 2 : 64;
	ids->slots = xcalloc(ids->cap, sizeof *ids->slots);
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].id)
			*slot(ids, old[i].id) = old[i];
	free(old);
}

BatchIds *batch_ids_new(long run)
{
	BatchIds *ids = xcalloc(1, sizeof *ids);

	ids->run = run;
	grow(ids);
	return ids;
}

void batch_ids_free(BatchIds *ids)
{
	if (!ids)
		return;
	for (size_t i = 0; i < ids->cap; i++)
		free(ids->slots[i].id);
	for (size_t i = 0; i < ids->n_files; i++)
		free(ids->files[i]);
	free(ids->slots);
	free(ids->files);
	free(ids);
}

Status batch_ids_add(BatchIds *ids, const char *custom_id)
{
	IdEntry *e;

	if ((ids->count + 1) * 10 > ids->cap * 7)
		grow(ids);
	e = slot(ids, custom_id);
	if (e->id)
		return status_fail(STATUS_ERR_INPUT, "custom_id \"%s\" is there twice", custom_id);
	e->id = xstrdup(custom_id);
	ids->count++;
	return STATUS_OK;
}

size_t batch_ids_count(const BatchIds *ids)
{
	return ids->count;
}

size_t batch_ids_answered(const BatchIds *ids)
{
	return ids->answered;
}

int batch_ids_expects(const BatchIds *ids, const char *custom_id)
{
	return slot(ids, custom_id)->id != NULL;
}

int batch_ids_is_answered(const BatchIds *ids, const char *custom_id)
{
	return slot(ids, custom_id)->file != NULL;
}

void batch_ids_forget_answers(BatchIds *ids)
{
	for (size_t i = 0; i < ids->cap; i++)
		ids->slots[i].file = NULL;
	ids->answered = 0;
}

/* The set's copy of path, shared by every answer read from it. */
static const char *file_name(BatchIds *ids, const char *path)
{
	for (size_t i = 0; i < ids->n_files; i++)
		if (!strcmp(ids->files[i], path))
			return ids->files[i];
	ids->files = xgrow(ids->files, &ids->cap_files, ids->n_files + 1, sizeof *ids->files);
	return ids->files[ids->n_files++] = xstrdup(path);
}

/* ---- reading results ---- */

/* Marks id answered at path:line, or says why it cannot be. */
static Status answer(BatchIds *ids, const char *id, const char *path, long line)
{
	IdEntry *e = slot(ids, id);
	long run, item;
	int attempt;

	if (!e->id) {
		if (batch_custom_id_parse(id, &run, &item, &attempt) && ids->run >= 0 &&
		    run != ids->run)
			return status_fail(
			    STATUS_ERR_INPUT,
			    "%s:%ld: custom_id \"%s\" belongs to run %ld, not run %ld", path, line,
			    id, run, ids->run);
		return status_fail(STATUS_ERR_INPUT,
				   "%s:%ld: custom_id \"%s\" is not a request of this run", path,
				   line, id);
	}
	if (e->file)
		return status_fail(STATUS_ERR_INPUT,
				   "%s:%ld: custom_id \"%s\" was answered at %s:%ld", path, line,
				   id, e->file, e->line);
	e->file = file_name(ids, path);
	e->line = line;
	ids->answered++;
	return STATUS_OK;
}

static Status read_line(const BatchFormat *format, const char *path, long line, const char *text,
			BatchIds *ids, BatchResultFn fn, void *ctx)
{
	cJSON *json = cJSON_Parse(text);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(json, "custom_id");
	Outcome out = {0};
	const char *why;
	Status st;

	if (!cJSON_IsObject(json))
		st = status_fail(STATUS_ERR_INPUT, "%s:%ld: not a JSON object", path, line);
	else if (!cJSON_IsString(id))
		st = status_fail(STATUS_ERR_INPUT, "%s:%ld: no \"custom_id\" string", path, line);
	else if ((why = format->result(json, &out)))
		st = status_fail(STATUS_ERR_INPUT, "%s:%ld: %s", path, line, why);
	else if ((st = answer(ids, id->valuestring, path, line)) == STATUS_OK && fn) {
		BatchResult r = {id->valuestring, path,	    line,     out.ok,
				 out.status,	  out.body, out.error};
		st = fn(ctx, &r);
	}
	free(out.body);
	free(out.error);
	cJSON_Delete(json);
	return st;
}

static int blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

Status batch_read_results(const BatchFormat *format, const char *path, BatchIds *ids,
			  BatchResultFn fn, void *ctx)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0;
	long line = 0;
	Status st = STATUS_OK;

	if (!f)
		return status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
	while (st == STATUS_OK && getline(&text, &cap, f) >= 0) {
		line++;
		if (!blank(text))
			st = read_line(format, path, line, text, ids, fn, ctx);
	}
	if (st == STATUS_OK && ferror(f))
		st = status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
	free(text);
	fclose(f);
	return st;
}

/* ---- writing requests ---- */

struct BatchWriter {
	const BatchFormat *format;
	BatchLimits limits;
	char *dir, *prefix;
	FILE *f;
	size_t bytes, requests; /* of the open file, its tail not yet counted */
	char **paths;
	size_t *counts;
	size_t n_files, cap_paths, cap_counts;
	BatchIds *ids; /* the custom_ids of the open file */
};

BatchWriter *batch_writer_new(const BatchFormat *format, const char *dir, const char *prefix,
			      const BatchLimits *limits)
{
	BatchWriter *w = xcalloc(1, sizeof *w);

	w->format = format;
	w->limits = limits ? *limits : format->limits;
	w->dir = xstrdup(dir);
	w->prefix = xstrdup(prefix);
	return w;
}

static Status open_next(BatchWriter *w)
{
	char *path =
	    xasprintf("%s/%s-%04zu%s", w->dir, w->prefix, w->n_files + 1, w->format->extension);

	if (!(w->f = fopen(path, "wx"))) {
		Status st = status_fail(errno == EEXIST ? STATUS_ERR_EXISTS : STATUS_ERR_IO,
					"%s: %s", path, strerror(errno));
		free(path);
		return st;
	}
	w->paths = xgrow(w->paths, &w->cap_paths, w->n_files + 1, sizeof *w->paths);
	w->counts = xgrow(w->counts, &w->cap_counts, w->n_files + 1, sizeof *w->counts);
	w->paths[w->n_files] = path;
	w->counts[w->n_files++] = 0;
	fputs(w->format->head, w->f);
	w->bytes = strlen(w->format->head);
	w->requests = 0;
	batch_ids_free(w->ids);
	w->ids = batch_ids_new(-1);
	return STATUS_OK;
}

static Status close_file(BatchWriter *w)
{
	const char *path = w->paths[w->n_files - 1];
	int failed;

	fputs(w->format->tail, w->f);
	failed = ferror(w->f);
	failed |= fclose(w->f) != 0;
	w->f = NULL;
	return failed ? status_fail(STATUS_ERR_IO, "%s: writing failed", path) : STATUS_OK;
}

/* The request's line as text, or NULL with the failure recorded. */
static char *request_line(const BatchWriter *w, const char *custom_id, const char *body, Status *st)
{
	cJSON *tree, *line;
	char *text;

	if (!w->format->id_ok(custom_id)) {
		*st = status_fail(STATUS_ERR_INPUT,
				  "request \"%s\": not a valid custom_id for %s batches",
				  custom_id ? custom_id : "", w->format->name);
		return NULL;
	}
	if (!cJSON_IsObject(tree = cJSON_Parse(body))) {
		cJSON_Delete(tree);
		*st = status_fail(STATUS_ERR_INPUT, "request \"%s\": the body is not a JSON object",
				  custom_id);
		return NULL;
	}
	line = w->format->request(custom_id, tree);
	text = compact(line);
	cJSON_Delete(line);
	return text;
}

Status batch_writer_add(BatchWriter *w, const char *custom_id, const char *body)
{
	const BatchFormat *fm = w->format;
	size_t sep = strlen(fm->separator), tail = strlen(fm->tail), len;
	Status st = STATUS_OK;
	char *text = request_line(w, custom_id, body, &st);

	if (!text)
		return st;
	len = strlen(text);
	if (strlen(fm->head) + len + tail > w->limits.max_bytes) {
		st = status_fail(STATUS_ERR_TOO_BIG,
				 "request \"%s\" is %zu bytes; a %s batch file holds at most %zu",
				 custom_id, len, fm->name, w->limits.max_bytes);
		goto out;
	}
	if (w->f &&
	    (w->requests + 1 > w->limits.max_requests ||
	     w->bytes + sep + len + tail > w->limits.max_bytes) &&
	    (st = close_file(w)) != STATUS_OK)
		goto out;
	if (!w->f && (st = open_next(w)) != STATUS_OK)
		goto out;
	if (batch_ids_add(w->ids, custom_id) != STATUS_OK) {
		st =
		    status_fail(STATUS_ERR_INPUT, "request \"%s\": the custom_id repeats within %s",
				custom_id, w->paths[w->n_files - 1]);
		goto out;
	}
	if (w->requests)
		fputs(fm->separator, w->f);
	fputs(text, w->f);
	w->bytes += (w->requests ? sep : 0) + len;
	w->requests++;
	w->counts[w->n_files - 1]++;
out:
	free(text);
	return st;
}

Status batch_writer_finish(BatchWriter *w)
{
	return w->f ? close_file(w) : STATUS_OK;
}

size_t batch_writer_files(const BatchWriter *w)
{
	return w->n_files;
}

const char *batch_writer_path(const BatchWriter *w, size_t file)
{
	return w->paths[file];
}

size_t batch_writer_count(const BatchWriter *w, size_t file)
{
	return w->counts[file];
}

void batch_writer_free(BatchWriter *w)
{
	if (!w)
		return;
	if (w->f)
		fclose(w->f);
	for (size_t i = 0; i < w->n_files; i++)
		free(w->paths[i]);
	free(w->paths);
	free(w->counts);
	free(w->dir);
	free(w->prefix);
	batch_ids_free(w->ids);
	free(w);
}
