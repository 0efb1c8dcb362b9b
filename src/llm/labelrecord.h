/* labelrecord.h - one answer of a label run, recorded as a prediction: parsed
 * against the scale and counted in the run's summary, the same way whether it
 * came live, from the call cache, from a local labeller or from a batch file. */
#ifndef GAVEL_LABELRECORD_H
#define GAVEL_LABELRECORD_H

#include "db/cache.h"
#include "db/database.h"
#include "db/items.h"
#include "db/runs.h"
#include "src/llm/labelrun.h"
#include "src/llm/provider.h"

/* Where a run's answers go. */
typedef struct {
	Db *db;
	long long run_id;
	const DbScale *scale;
	LabelSummary *sum; /* counted into */
	Status fatal;      /* the first failure to store: the run must stop */
} LabelRecorder;

/* Who an answer is of, and how it came. */
typedef struct {
	long long item_id;
	int sample, attempts, cached;
	long latency_ms;
} LabelAsked;

/* Records that asking who failed, counted under a short reason for the
 * summary; error is the full message, raw_reply (or NULL) what the server
 * said. A failure to store sets rec->fatal. */
void labelrecord_failure(LabelRecorder *rec, const LabelAsked *who, const char *reason,
			 const char *error, const char *raw_reply);

/* Parses the model's text (content; reasoning, when the protocol carries it
 * apart) against the scale and records the verdict; answer (or NULL) gives
 * the tokens and whether the model refused. put, when not NULL, is the reply
 * to cache: stored with the prediction only if it was readable. Returns
 * whether it was a readable answer. A failure to store sets rec->fatal. */
int labelrecord_answer(LabelRecorder *rec, const LabelAsked *who, const char *content,
		       const char *reasoning, const ProviderAnswer *answer, const DbCachePut *put);

#endif
