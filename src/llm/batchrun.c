/* batchrun.c - a run's requests out to batch files and their results back
 * in (see batchrun.h). What a request holds and how a result is recorded
 * are labelrun.c's; this file only walks the plan and the files. */
#include "src/llm/batchrun.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db/runs.h"
#include "src/base/xalloc.h"
#include "src/llm/batch.h"

enum { PAGE = 256 };

void batchrun_summary_free(BatchRunSummary *s)
{
	xfree_strings(s->files, s->n_files);
	s->files = NULL;
	s->n_files = 0;
}

/* Calls fn for every planned item of run_id without an answer yet. */
static Status each_pending(Db *db, long long run_id, Status (*fn)(void *ctx, long long item),
			   void *ctx)
{
	long long ids[PAGE], last = 0;
	int n;
	Status st;
	do {
		st = db_run_pending(db, run_id, last, ids, PAGE, &n);
		for (int i = 0; st == STATUS_OK && i < n; i++)
			st = fn(ctx, last = ids[i]);
	} while (st == STATUS_OK && n == PAGE);
	return st;
}

static Status pending_count(Db *db, long long run_id, long long *pending)
{
	DbRunCounts c;
	Status st = db_run_counts(db, run_id, &c);
	*pending = st == STATUS_OK ? c.planned - c.ok - c.parse_failed - c.failed : 0;
	return st;
}

/* ---- out ---- */

typedef struct {
	Db *db;
	long long run_id;
	const Prompt *prompt;
	const DbScale *scale;
	const LabelOptions *opt;
	BatchWriter *w;
	BatchRunSummary *sum;
} Out;

static Status write_one(void *ctx, long long item)
{
	Out *o = ctx;
	ProviderRequest request;
	char id[BATCH_ID_MAX];
	Status st = labelrun_request(o->db, o->run_id, o->prompt, o->scale, o->opt, item,
				     &o->sum->labels, &request);
	if (st == STATUS_OK && request.body) {
		batch_custom_id(id, (long)o->run_id, (long)item, 1);
		st = batch_writer_add(o->w, id, request.body);
		o->sum->requests += st == STATUS_OK;
	}
	provider_request_free(&request);
	return st;
}

static const BatchFormat *format_of(const ProviderOps *ops)
{
	return ops && ops->kind == PROVIDER_HTTP ? batch_format_find(ops->name) : NULL;
}

static void keep_paths(BatchWriter *w, BatchRunSummary *sum)
{
	sum->n_files = batch_writer_files(w);
	sum->files = xcalloc(sum->n_files + 1, sizeof *sum->files);
	for (size_t i = 0; i < sum->n_files; i++)
		sum->files[i] = xstrdup(batch_writer_path(w, i));
}

Status batchrun_write(Db *db, long long run_id, const Prompt *prompt, const DbScale *scale,
		      const LabelOptions *options, const char *dir, BatchRunSummary *sum)
{
	const BatchFormat *format = format_of(options->ops);
	char prefix[48];
	Out o = { db, run_id, prompt, scale, options, NULL, sum };
	Status st;
	memset(sum, 0, sizeof *sum);
	sum->run_id = run_id;
	if (!format)
		return status_fail(STATUS_ERR_USAGE,
				   "--batch-out: the labeller '%s' has no batch "
				   "format (openai or anthropic have); label it live",
				   options->ops ? options->ops->name : "?");
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return status_fail(STATUS_ERR_IO, "%s: cannot create: %s", dir, strerror(errno));
	snprintf(prefix, sizeof prefix, "gavel-run%lld", run_id);
	o.w = batch_writer_new(format, dir, prefix, NULL);
	st = each_pending(db, run_id, write_one, &o);
	if (st == STATUS_OK)
		st = batch_writer_finish(o.w);
	keep_paths(o.w, sum);
	batch_writer_free(o.w);
	if (st == STATUS_OK)
		st = pending_count(db, run_id, &sum->pending);
	/* the run waits for its results */
	if (st == STATUS_OK)
		st = db_run_set_status(db, run_id, DB_RUN_INTERRUPTED);
	return st;
}

/* ---- in ---- */

typedef struct {
	Db *db;
	long long run_id;
	const DbScale *scale;
	LabelOptions opt;
	BatchIds *ids;
	BatchRunSummary *sum;
} In;

static Status expect(void *ctx, long long item)
{
	In *in = ctx;
	char id[BATCH_ID_MAX];
	batch_custom_id(id, (long)in->run_id, (long)item, 1);
	return batch_ids_add(in->ids, id);
}

static Status record(void *ctx, const BatchResult *r)
{
	In *in = ctx;
	long run, item;
	int attempt;
	if (!batch_custom_id_parse(r->custom_id, &run, &item, &attempt))
		return status_fail(STATUS_ERR_INPUT, "%s:%ld: custom_id \"%s\" is not gavel's",
				   r->file, r->line, r->custom_id);
	in->sum->results++;
	return labelrun_record_reply(in->db, in->run_id, in->scale, &in->opt, item,
				     r->ok ? r->body : NULL, r->ok ? NULL : r->error,
				     &in->sum->labels);
}

/* The run the first result of the first file names (0 when none does). */
static long long run_named(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long long run_id = 0;
	while (f && !run_id && getline(&line, &cap, f) >= 0) {
		cJSON *json = cJSON_Parse(line);
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(json, "custom_id");
		long run, item;
		int attempt;
		if (cJSON_IsString(id) &&
		    batch_custom_id_parse(id->valuestring, &run, &item, &attempt))
			run_id = run;
		cJSON_Delete(json);
	}
	free(line);
	if (f)
		fclose(f);
	return run_id;
}

/* The run's labeller: its parse() reads the results. */
static Status open_run(In *in, const BatchFormat **format)
{
	DbRun run;
	Status st = db_run_get(in->db, in->run_id, &run);
	if (st != STATUS_OK)
		return st;
	in->opt.ops = provider_find(run.provider);
	*format = format_of(in->opt.ops);
	if (!*format)
		st = status_fail(STATUS_ERR_INPUT,
				 "run %lld was labelled by '%s', which has no "
				 "batch format",
				 in->run_id, run.provider);
	db_run_free(&run);
	return st;
}

/* Every file checked first: all of them go in, or none. */
static Status check_all(const BatchFormat *format, const char *const *paths, int n, In *in)
{
	Status st = STATUS_OK;
	for (int i = 0; st == STATUS_OK && i < n; i++)
		st = batch_read_results(format, paths[i], in->ids, NULL, NULL);
	batch_ids_forget_answers(in->ids);
	return st;
}

static Status record_all(const BatchFormat *format, const char *const *paths, int n, In *in)
{
	Status st = db_begin(in->db);
	for (int i = 0; st == STATUS_OK && i < n; i++)
		st = batch_read_results(format, paths[i], in->ids, record, in);
	if (st == STATUS_OK)
		return db_commit(in->db);
	db_rollback(in->db);
	return st;
}

Status batchrun_read(Db *db, long long run_id, const char *const *paths, int n,
		     const DbScale *scale, BatchRunSummary *sum)
{
	In in = { .db = db, .run_id = run_id, .scale = scale, .sum = sum };
	const BatchFormat *format = NULL;
	Status st;
	memset(sum, 0, sizeof *sum);
	if (!in.run_id && n > 0)
		in.run_id = run_named(paths[0]);
	if (!in.run_id)
		return status_fail(STATUS_ERR_INPUT,
				   "%s: no result names a gavel run (custom_id "
				   "gavel-r<RUN>-i<ITEM>-a<N>); give the run with --resume RUN",
				   n > 0 ? paths[0] : "(no file)");
	sum->run_id = in.run_id;
	st = open_run(&in, &format);
	in.ids = batch_ids_new((long)in.run_id);
	if (st == STATUS_OK)
		st = each_pending(db, in.run_id, expect, &in);
	if (st == STATUS_OK)
		st = check_all(format, paths, n, &in);
	if (st == STATUS_OK)
		st = record_all(format, paths, n, &in);
	batch_ids_free(in.ids);
	if (st == STATUS_OK)
		st = pending_count(db, in.run_id, &sum->pending);
	if (st == STATUS_OK)
		st = db_run_set_status(db, in.run_id,
				       sum->pending ? DB_RUN_INTERRUPTED : DB_RUN_DONE);
	return st;
}
