/* labelrun.h - running a prompt over a run's planned items through a
 * provider: many requests in flight on one thread, retries with backoff,
 * every result committed as it arrives, so a killed run resumes exactly. */
#ifndef GAVEL_LABELRUN_H
#define GAVEL_LABELRUN_H

#include <signal.h>

#include "db/database.h"
#include "db/items.h"
#include "src/llm/prompt.h"
#include "src/llm/provider.h"

typedef struct LabelSummary LabelSummary;

/* How a run uses the call cache (src/llm/callcache.h). */
typedef enum {
	LABEL_CACHE_OFF,   /* neither read nor write it */
	LABEL_CACHE_USE,   /* take stored answers; store new ones */
	LABEL_CACHE_FRESH, /* ask again (--fresh); store what comes back */
} LabelCacheMode;

typedef struct {
	const ProviderOps *ops;  /* NULL: the offline heuristic */
	ProviderConfig config;
	int concurrency;         /* requests in flight */
	int max_attempts;        /* per item, then it is recorded as failed */
	long timeout_ms;         /* per request */
	int max_image_px;        /* long side of the image sent */
	double backoff_s;        /* first retry delay, doubled each time, with jitter */
	double backoff_max_s;
	LabelCacheMode cache;        /* HTTP labellers only */
	volatile sig_atomic_t *stop; /* set (by a signal handler) to stop cleanly */
	/* Called about five times a second with the counts so far. */
	void (*on_progress)(void *arg, const LabelSummary *summary);
	/* Called once for a notice worth telling the user ("json mode off"). */
	void (*on_notice)(void *arg, const char *message);
	void *arg;
} LabelOptions;

enum { LABEL_MAX_REASONS = 12 };

struct LabelSummary {
	long long planned;      /* items in the run's plan */
	long long done_before;  /* already predicted when this session started */
	long long ok, parse_failed, failed; /* this session */
	long long prompt_tokens, completion_tokens; /* of the calls made */
	long long cache_hits;   /* answers taken from the cache, or from an identical call */
	long long cache_misses; /* calls made (not counting retries) */
	long long saved_prompt_tokens, saved_completion_tokens; /* what the hits cost once */
	double elapsed_s;
	int started;            /* the run was taken and labelling began */
	int stopped;            /* stopped by the stop flag before the end */
	int reason_count;       /* failures by reason, most common kinds */
	char reasons[LABEL_MAX_REASONS][64];
	long long reason_counts[LABEL_MAX_REASONS];
};

/* Labels every planned item of run_id that has fewer answers than the run
 * has repeats, with the given prompt and scale, taking the answers the call
 * cache holds (options->cache). First takes the run for this process (its owner,
 * src/base/proc.h): STATUS_ERR_EXISTS, with summary->started 0, when another
 * live process is labelling it; a run whose owner died is taken over. Every
 * commit waits for the database as long as another process holds it
 * (db_set_patience DB_WAIT_FOREVER: the answers are paid for). Returns
 * STATUS_OK when the plan is finished or the stop flag ended it
 * (summary->stopped); STATUS_ERR_NETWORK when the provider refused the
 * credentials or nothing answers at its URL (nothing is recorded for the
 * items left); STATUS_ERR_DB when the database failed (a full disk after
 * freeing the WAL). The run's state is recorded and its owner cleared when
 * it ends, however it ends (but for kill -9: then the owner is a dead
 * process, which --resume and --list recognise). */
Status labelrun_execute(Db *db, long long run_id, const Prompt *prompt, const DbScale *scale,
			const LabelOptions *options, LabelSummary *summary);

/* The same run taken a step at a time, for a caller with a loop of its own
 * (the review UI pumps it between keys). A run in progress; opaque. */
typedef struct LabelRun LabelRun;

/* Starts run_id as labelrun_execute would; prompt, scale, options' strings
 * and summary must outlive it. *out is freed by labelrun_finish. */
Status labelrun_start(Db *db, long long run_id, const Prompt *prompt, const DbScale *scale,
		      const LabelOptions *options, LabelSummary *summary, LabelRun **out);

/* Does what is ready, waiting up to timeout_ms for replies (0: none);
 * returns 1 while work is left, 0 when the plan is done, the stop flag is
 * set or the run failed. */
int labelrun_step(LabelRun *run, int timeout_ms);

/* Ends the run (requests in flight are dropped), records its state, frees
 * it, and returns what labelrun_execute would. */
Status labelrun_finish(LabelRun *run);
/* For batch files (src/llm/batchrun.c), one item at a time, exactly as the
 * loop above does it. labelrun_request builds the provider request live
 * labelling would send for item_id into *request (owned by the caller:
 * provider_request_free); an item that cannot be sent (its image is
 * unreadable) is recorded as failed instead, as live, and request->body is
 * NULL. A template that does not render stops with its status. */
Status labelrun_request(Db *db, long long run_id, const Prompt *prompt, const DbScale *scale,
			const LabelOptions *options, long long item_id, LabelSummary *summary,
			ProviderRequest *request);

/* Records one result of item_id: body (a 2xx reply, for the provider's
 * parse) or error (the request failed: recorded as failed with it), with
 * the same fields, parsing and counts (into summary) as a live answer.
 * STATUS_ERR_DB when the database failed. */
Status labelrun_record_reply(Db *db, long long run_id, const DbScale *scale,
			     const LabelOptions *options, long long item_id, const char *body,
			     const char *error, LabelSummary *summary);

#endif
