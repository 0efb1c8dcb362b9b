/* batchrun.h - labelling at scale through batch files: a run's pending
 * requests written out for OpenAI's Batch API or vLLM's run-batch (or
 * Anthropic's Message Batches), and the result files read back into the
 * same run exactly as live answers are recorded (src/llm/labelrun.h: the
 * same request bodies, the same parsing, the same prediction rows, the same
 * plan, so --resume and further batches finish what is left). The file
 * formats are src/llm/batch.h's. */
#ifndef GAVEL_BATCHRUN_H
#define GAVEL_BATCHRUN_H

#include "db/database.h"
#include "db/items.h"
#include "src/llm/labelrun.h"
#include "src/llm/prompt.h"

typedef struct {
	long long run_id;
	long long requests; /* written (batch out) */
	char **files;       /* the files written, owned (batchrun_summary_free) */
	size_t n_files;
	long long results;   /* read and recorded (batch in) */
	long long pending;   /* planned items still without an answer */
	LabelSummary labels; /* ok, unparsed, failed: as a live run counts them */
} BatchRunSummary;

/* Writes a request for every planned item of run_id without an answer into
 * the folder dir (created when missing), in files dir/gavel-run<N>-0001.jsonl
 * (anthropic: .json), ... split at the format's limits; each request's
 * custom_id names the run and the item. Items whose image cannot be read
 * are recorded as failed, as live labelling does. The run is left
 * interrupted: it waits for its results. STATUS_ERR_USAGE for a labeller
 * without a batch format (the heuristic answers at once: label live). */
Status batchrun_write(Db *db, long long run_id, const Prompt *prompt, const DbScale *scale,
		      const LabelOptions *options, const char *dir, BatchRunSummary *summary);

/* Frees what a summary owns. */
void batchrun_summary_free(BatchRunSummary *summary);

/* Reads result files (in any order, each result once; failures may be in
 * separate files) into their run: the run is run_id, or (0) the one the
 * first result's custom_id names. Every file is checked before anything is
 * recorded: a line that is not a result, a result of another run, of an
 * item the run does not wait for, or one already read stops it all with
 * STATUS_ERR_INPUT "FILE:LINE: why". The run is done when nothing is left. */
Status batchrun_read(Db *db, long long run_id, const char *const *paths, int n_paths,
		     const DbScale *scale, BatchRunSummary *summary);

#endif
