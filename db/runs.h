/* runs.h - labelling runs, their plans (which items) and their predictions. */
#ifndef GAVEL_DB_RUNS_H
#define GAVEL_DB_RUNS_H

#include <stddef.h>

#include "db/database.h"
#include "db/kinds.h"

typedef struct {
	const char *provider;
	const char *model;
	const char *params_json; /* never holds an API key */
	long long prompt_version_id;
	const char *owner;       /* the process labelling it (src/base/proc.h), or NULL */
} DbRunNew;

/* Adds a run with status 'running'; *run_id gets its id. */
Status db_run_create(Db *db, const DbRunNew *run, long long *run_id);

/* Sets a run's state; any but DB_RUN_RUNNING also records the finishing time.
 * Waits for the lock and rides out a full disk as db_write does. */
Status db_run_set_status(Db *db, long long run_id, DbRunState state);

/* Makes owner the run's owner and marks it running, if its owner is still
 * `expected` (NULL: none): a compare-and-swap, so of two processes that both
 * found the same dead owner only one takes the run. *taken says whether it
 * did. STATUS_ERR_NOT_FOUND when there is no such run. */
Status db_run_take(Db *db, long long run_id, const char *expected, const char *owner,
		   int *taken);

/* Ends owner's hold on the run: sets its state (with the finishing time) and
 * clears the owner, in one write, unless another process has taken it since.
 * Waits for the lock and rides out a full disk as db_write does. */
Status db_run_release(Db *db, long long run_id, const char *owner, DbRunState state);

typedef struct {
	long long id, prompt_version_id;
	char *provider, *model, *params_json; /* owned */
	DbRunState status;
	char *prompt_name, *prompt_text;                /* owned */
	char *owner;                                    /* owned; NULL when none */
} DbRun;

/* Reads run run_id with its prompt; STATUS_ERR_NOT_FOUND when there is none. */
Status db_run_get(Db *db, long long run_id, DbRun *run);
void db_run_free(DbRun *run);

typedef enum {
	DB_SELECT_UNLABELLED, /* no good prediction yet from this prompt version and model */
	DB_SELECT_ALL,
	DB_SELECT_REVIEWED,   /* a standing human review (for rerunning a prompt on them) */
} DbItemSelection;

typedef struct {
	DbItemSelection selection;
	long long limit;              /* the first N by id; <= 0: all */
	long long sample;             /* N drawn at random; <= 0: none */
	unsigned long long seed;      /* for sample */
} DbRunPlanSpec;

/* Fixes which items run_id will label (items with an image that match the
 * spec), in one transaction the caller holds; *planned gets the count. */
Status db_run_plan(Db *db, long long run_id, const char *model, const DbRunPlanSpec *spec,
		   long long *planned);

/* Up to max planned item ids of run_id, above after_id in id order, that
 * have no prediction in the run yet; *count gets how many. */
Status db_run_pending(Db *db, long long run_id, long long after_id, long long *ids, int max,
		      int *count);

typedef struct {
	long long run_id, item_id;
	DbPredictionState status;
	int score, label;   /* 0 when absent */
	int has_confidence;
	double confidence;
	int inconsistent;
	const char *rationale, *aspects_json, *reasoning, *raw_reply, *error;
	long prompt_tokens, completion_tokens; /* -1 when unknown */
	long latency_ms;
	int attempts;
} DbPredictionNew;

/* Records one prediction (committed at once unless the caller holds a
 * transaction), waiting for the lock and riding out a full disk as
 * db_write does. */
Status db_prediction_add(Db *db, const DbPredictionNew *prediction);

typedef struct {
	long long planned, ok, parse_failed, failed;
	long long prompt_tokens, completion_tokens;
} DbRunCounts;

Status db_run_counts(Db *db, long long run_id, DbRunCounts *counts);

/* A run as `label --list` and `stats` show it. */
typedef struct {
	long long id;
	char *provider, *model, *prompt_name, *owner; /* owned; NULL when none */
	char *started_at, *finished_at;               /* owned, ISO 8601 UTC */
	DbRunState status;
	long long planned, done; /* items in its plan; with a prediction */
} DbRunInfo;

/* Every run in id order, or only those not done (unfinished_only), in a new
 * array of *count entries: free it with db_run_list_free. */
Status db_run_list(Db *db, int unfinished_only, DbRunInfo **runs, size_t *count);
void db_run_list_free(DbRunInfo *runs, size_t count);

#endif
