/* batch.h - labelling at scale through batch files: a run's requests written
 * for OpenAI's Batch API (which vLLM's run-batch reads too) or Anthropic's
 * Message Batches, and their result files read back, matched by custom_id.
 * It lives beside the providers because it speaks their protocols: the
 * request bodies are what provider_*.c build, and the result bodies go back
 * to the same providers' parse functions.
 *
 * Formats (the limits are the providers' documented ones):
 *   openai     JSONL, one request a line:
 *              {"custom_id":ID,"method":"POST","url":"/v1/chat/completions","body":BODY}
 *              at most 50,000 requests and 200,000,000 bytes a file.
 *              A result line: {"id","custom_id","response":{"status_code",
 *              "request_id","body"} or null,"error": null, a string (vLLM)
 *              or an object ({code,message}; vLLM's ErrorResponse)}.
 *   anthropic  one JSON document a file, the body of POST /v1/messages/batches:
 *              {"requests":[{"custom_id":ID,"params":BODY},...]}, one
 *              request a line; custom_id must match ^[a-zA-Z0-9_-]{1,64}$;
 *              at most 100,000 requests and 256,000,000 bytes.
 *              A result line: {"custom_id","result":{"type":"succeeded",
 *              "message":MESSAGE} | {"type":"errored","error":{"type":"error",
 *              "error":{"type","message"}}} | {"type":"canceled"|"expired"}}.
 * Results come in any order, spread over any number of files (OpenAI puts
 * failures in a separate error file, vLLM in the same one). */
#ifndef GAVEL_BATCH_H
#define GAVEL_BATCH_H

#include <stddef.h>

#include "src/base/status.h"

typedef struct BatchFormat BatchFormat;

/* The format of the provider called name ("openai", "anthropic"), or NULL. */
const BatchFormat *batch_format_find(const char *name);
const char *batch_format_name(const BatchFormat *format);

typedef struct {
	size_t max_requests;
	size_t max_bytes;
} BatchLimits;

/* The format's documented limits per file. */
BatchLimits batch_format_limits(const BatchFormat *format);

/* gavel's custom_id for a request: "gavel-r<run>-i<item>-a<attempt>", which
 * both formats accept. out must hold BATCH_ID_MAX bytes. */
#define BATCH_ID_MAX 64
void batch_custom_id(char out[BATCH_ID_MAX], long run, long item, int attempt);

/* Reads a custom_id written by batch_custom_id(); 0 when id is not one. */
int batch_custom_id_parse(const char *id, long *run, long *item, int *attempt);

/* ---- writing request files ---- */

typedef struct BatchWriter BatchWriter;

/* A writer of files dir/prefix-0001.jsonl (anthropic: .json), -0002, ...,
 * each created when its first request comes and never over an existing
 * file. limits NULL means the format's; smaller limits are for tests. */
BatchWriter *batch_writer_new(const BatchFormat *format, const char *dir, const char *prefix,
			      const BatchLimits *limits);

/* Adds one request: body is the JSON object the provider built (a string;
 * written compactly). A new file starts when this one would pass a limit.
 * STATUS_ERR_INPUT when body is not a JSON object, custom_id is not valid
 * for the format or repeats within the file; STATUS_ERR_TOO_BIG when the
 * request alone exceeds a file; STATUS_ERR_EXISTS or STATUS_ERR_IO ("PATH:
 * reason") from the file system. Details name the custom_id. */
Status batch_writer_add(BatchWriter *w, const char *custom_id, const char *body);

/* Completes and closes the last file. Call it before reading the paths;
 * a writer freed without it leaves an incomplete last file. */
Status batch_writer_finish(BatchWriter *w);

/* The files written so far and how many requests each holds (borrowed). */
size_t batch_writer_files(const BatchWriter *w);
const char *batch_writer_path(const BatchWriter *w, size_t file);
size_t batch_writer_count(const BatchWriter *w, size_t file);

void batch_writer_free(BatchWriter *w); /* NULL-safe */

/* ---- reading result files ---- */

/* The custom_ids a run sent, each answered at most once. run is the run's
 * id, used to say so when a result belongs to another run (-1: unknown). */
typedef struct BatchIds BatchIds;

BatchIds *batch_ids_new(long run);
void batch_ids_free(BatchIds *ids); /* NULL-safe */

/* Adds an expected custom_id; STATUS_ERR_INPUT when it is already there. */
Status batch_ids_add(BatchIds *ids, const char *custom_id);

/* How many ids there are, and how many have had a result. */
size_t batch_ids_count(const BatchIds *ids);
size_t batch_ids_answered(const BatchIds *ids);

/* Whether custom_id is expected, and whether it has had a result. */
int batch_ids_expects(const BatchIds *ids, const char *custom_id);
int batch_ids_is_answered(const BatchIds *ids, const char *custom_id);

/* Forgets every answer (after a checking pass, before the real one). */
void batch_ids_forget_answers(BatchIds *ids);

/* One result, as a provider would have answered live. Everything is
 * borrowed for the duration of the callback. */
typedef struct {
	const char *custom_id;
	const char *file;
	long line;
	int ok;		   /* body holds the reply to parse */
	long status_code;  /* the HTTP status; 200 for an Anthropic success; 0 if none */
	const char *body;  /* when ok: the reply, a Chat Completions or Messages
			    * object as JSON text, for the provider's parse() */
	const char *error; /* when not ok: what went wrong, one line */
} BatchResult;

/* Called for each result; a status other than STATUS_OK stops the reading
 * and is returned. */
typedef Status (*BatchResultFn)(void *ctx, const BatchResult *result);

/* Reads the result file at path line by line (blank lines skipped), marks
 * each custom_id answered and calls fn (NULL: only check). Stops at the
 * first bad line with STATUS_ERR_INPUT and "PATH:LINE: why": not a JSON
 * object, not this format's result, a custom_id of another run or not in
 * ids, or one already answered ("... was answered at PATH:LINE").
 * STATUS_ERR_IO when the file cannot be read. Results read before a bad
 * line have been delivered: check every file first (fn NULL, then
 * batch_ids_forget_answers) for all or nothing. */
Status batch_read_results(const BatchFormat *format, const char *path, BatchIds *ids,
			  BatchResultFn fn, void *ctx);

#endif
