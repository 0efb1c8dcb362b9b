/* labelrecord.c - a label run's answers and failures, stored and counted. */
#include "src/llm/labelrecord.h"

#include <stdio.h>
#include <string.h>

#include "src/llm/reply.h"

/* Counts a failure under a short reason, for the summary. */
static void tally(LabelSummary *sum, const char *reason)
{
	int i;
	for (i = 0; i < sum->reason_count; i++)
		if (!strcmp(sum->reasons[i], reason))
			break;
	if (i == sum->reason_count) {
		if (i == LABEL_MAX_REASONS)
			i = LABEL_MAX_REASONS - 1, reason = "other";
		else
			sum->reason_count++;
		snprintf(sum->reasons[i], sizeof sum->reasons[i], "%s", reason);
	}
	sum->reason_counts[i]++;
}

/* Counts what a stored prediction spent, or saved when it came from the cache. */
static void count(LabelSummary *sum, const DbPredictionNew *p)
{
	switch (p->status) {
	case DB_PREDICTION_OK: sum->ok++; break;
	case DB_PREDICTION_PARSE_FAILED: sum->parse_failed++; break;
	case DB_PREDICTION_FAILED:
	case DB_PREDICTION_STATE_COUNT: sum->failed++; break;
	}
	if (p->cached) {
		/* no call was made: what it cost once is what it saved now */
		sum->cache_hits++;
		sum->saved_prompt_tokens += p->prompt_tokens > 0 ? p->prompt_tokens : 0;
		sum->saved_completion_tokens += p->completion_tokens > 0 ? p->completion_tokens : 0;
		return;
	}
	if (p->prompt_tokens > 0)
		sum->prompt_tokens += p->prompt_tokens;
	if (p->completion_tokens > 0)
		sum->completion_tokens += p->completion_tokens;
}

static void store(LabelRecorder *rec, DbPredictionNew *p)
{
	Status st;
	p->run_id = rec->run_id;
	st = db_prediction_add(rec->db, p);
	if (st != STATUS_OK)
		rec->fatal = st;
	else
		count(rec->sum, p);
}

/* A prediction of who with nothing known yet: tokens unknown. */
static DbPredictionNew prediction_of(const LabelAsked *who, DbPredictionState status)
{
	return (DbPredictionNew){ .item_id = who->item_id,
				  .sample = who->sample,
				  .status = status,
				  .attempts = who->attempts,
				  .cached = who->cached,
				  .latency_ms = who->latency_ms,
				  .prompt_tokens = -1,
				  .completion_tokens = -1 };
}

void labelrecord_failure(LabelRecorder *rec, const LabelAsked *who, const char *reason,
			 const char *error, const char *raw_reply)
{
	DbPredictionNew p = prediction_of(who, DB_PREDICTION_FAILED);
	p.error = error;
	p.raw_reply = raw_reply;
	tally(rec->sum, reason);
	store(rec, &p);
}

int labelrecord_answer(LabelRecorder *rec, const LabelAsked *who, const char *content,
		       const char *reasoning, const ProviderAnswer *answer, const DbCachePut *put)
{
	Reply reply;
	DbPredictionNew p = prediction_of(who, DB_PREDICTION_OK);
	const char *text = content ? content : "";
	int readable;
	p.raw_reply = content;
	if (answer) {
		p.prompt_tokens = answer->prompt_tokens;
		p.completion_tokens = answer->completion_tokens;
	}
	reply_parse(text, strlen(text), (const char *const *)rec->scale->names, rec->scale->count,
		    &reply);
	if (reply.ok && !(answer && answer->refused)) {
		p.score = reply.score;
		p.label = reply.label;
		p.inconsistent = reply.inconsistent;
		p.has_confidence = reply.has_confidence;
		p.confidence = reply.confidence;
		p.rationale = reply.rationale;
		p.aspects_json = reply.aspects_json;
	} else {
		p.status = DB_PREDICTION_PARSE_FAILED;
		p.error = answer && answer->refused ? "the model refused" : reply.failure;
		p.rationale = reply.rationale;
	}
	p.reasoning = reasoning ? reasoning : reply.reasoning;
	readable = p.status == DB_PREDICTION_OK;
	p.cache_put = readable ? put : NULL;
	store(rec, &p);
	reply_free(&reply);
	return readable;
}
