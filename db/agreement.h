/* agreement.h - what the agreement report reads, streamed through callbacks
 * in item order so that a million items load in a fraction of a second:
 * the standing human labels, every prediction, the runs with their prompt
 * versions, item categories and the latest scorer's scores. The report's
 * rules (which LLM label, which human label is settled) live in src/agree.c;
 * the one rule kept here is what a standing human label is, since it is a
 * property of the review log. */
#ifndef GAVEL_DB_AGREEMENT_H
#define GAVEL_DB_AGREEMENT_H

#include "db/database.h"
#include "db/kinds.h"

/* A reviewer's standing label on an item: their latest accept or override
 * that is not retracted (no row has retracts = its id) and not superseded by
 * a later accept, override or skip of theirs on that item that is itself not
 * retracted. Strings are borrowed for the duration of the callback. */
typedef struct {
	long long item_id;
	const char *reviewer;
	int label; /* reviews.label; accept rows carry the label accepted */
	int blind; /* reviews.blind */
	const char *from; /* reviews.queue_order (db/reviews.h DbFrom), NULL when unrecorded */
} DbHumanLabel;

/* Streams every standing human label, ordered by item id, then reviewer
 * (byte order). since and until (NULL for none) are dates YYYY-MM-DD in UTC:
 * a label is kept when its decision was made on or after since and on or
 * before until. The window is applied after standing is decided, so a label
 * superseded later is gone whatever the window. fn returning nonzero stops
 * the stream (not an error). Labels outside 1..K are the caller's to judge. */
Status db_agreement_human_labels(Db *db, const char *since, const char *until,
				 int (*fn)(void *arg, const DbHumanLabel *label), void *arg);

/* One prediction row, as the report needs it. */
typedef struct {
	long long item_id, run_id;
	DbPredictionState status;
	int label; /* 0 when NULL */
	long long prompt_tokens, completion_tokens; /* 0 when unknown */
} DbPredictionRow;

/* Streams every prediction ordered by item id, then run id. */
Status db_agreement_predictions(Db *db, int (*fn)(void *arg, const DbPredictionRow *row),
				void *arg);

/* A labelling run with its prompt version (strings borrowed, NULL when
 * absent; prompt_version_id 0 when the run has none). */
typedef struct {
	long long id, prompt_version_id;
	const char *provider, *model, *prompt_hash, *prompt_name;
} DbAgreementRun;

/* Streams every run in id order. */
Status db_agreement_runs(Db *db, int (*fn)(void *arg, const DbAgreementRun *run), void *arg);

/* Streams (item id, category) for every item with a category, in id order. */
Status db_agreement_categories(Db *db, int (*fn)(void *arg, long long item_id,
						  const char *category),
			       void *arg);

/* The latest scorer model (highest id) into *model_id, 0 when there is
 * none; then, when there is one, streams its (item id, score) in item order. */
Status db_agreement_scores(Db *db, long long *model_id,
			   int (*fn)(void *arg, long long item_id, double score), void *arg);

/* How many items the database holds. */
Status db_agreement_item_count(Db *db, long long *count);

#endif
