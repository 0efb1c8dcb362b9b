/* reviews.h - the append-only review log, the reviewer's view of an item
 * (its LLM answer and the reviewer's standing decision), and claims: leases
 * that keep two reviewers from being handed the same item. */
#ifndef GAVEL_DB_REVIEWS_H
#define GAVEL_DB_REVIEWS_H

#include "db/database.h"
#include "db/kinds.h"

/* One row of the log (db/kinds.h; a retract row is an undo: retracts names
 * the row it withdraws). label is the human label of an accept or override
 * (for an accept, the LLM's label that was accepted). verdict judges the
 * rationale, whatever the label. prediction_id is what was shown, 0 when
 * blind or none. */
typedef struct {
	long long item_id;
	const char *reviewer;
	DbDecision decision;
	int label;
	DbVerdict verdict;
	const char *note;
	long long prediction_id;
	int blind;
	long long retracts;
	long time_spent_ms;
} DbReviewNew;

/* Appends a row (committed at once unless the caller holds a transaction);
 * *review_id (may be NULL) gets its id. */
Status db_review_add(Db *db, const DbReviewNew *review, long long *review_id);

/* A reviewer's standing decision on an item: the latest accept, override or
 * skip not retracted. decision is DB_DECISION_NONE when there is none. */
typedef struct {
	long long review_id;
	DbDecision decision;
	int label;
	DbVerdict verdict;
} DbStanding;

Status db_review_standing(Db *db, long long item_id, const char *reviewer, DbStanding *standing);

/* The prediction to show for an item: the latest of run_id, or of the latest
 * run that has one when run_id is 0. Every string owned. */
typedef struct {
	long long id, run_id; /* id 0: the item has no prediction */
	DbPredictionState status;
	int score, label;     /* 0 when none */
	int has_confidence;
	double confidence;
	int inconsistent;
	char *rationale, *aspects_json, *reasoning, *raw_reply, *error;
	char *model, *provider, *prompt_hash, *prompt_name;
} DbPrediction;

Status db_prediction_for_item(Db *db, long long item_id, long long run_id, DbPrediction *p);
void db_prediction_free(DbPrediction *p);

/* Pairs (LLM label shown, human label) of the reviewer's standing accepts and
 * overrides that were not blind, for the running agreement. fn is called
 * per pair. */
Status db_review_pairs(Db *db, const char *reviewer, void (*fn)(void *arg, int llm, int human),
		       void *arg);

/* How many items have a standing accept or override by anyone, and by reviewer. */
Status db_review_progress(Db *db, const char *reviewer, long long *reviewed_any,
			  long long *reviewed_mine, long long *items);

/* Up to max items the reviewer decided most recently (their standing
 * decisions), oldest first, into ids; *count gets how many. */
Status db_review_recent(Db *db, const char *reviewer, long long *ids, int max, int *count);

/* Every prediction and review of an item, oldest first, one line each
 * ("2026-11-21 08:10  ana  override 3  (rationale flawed)"), to fn. */
Status db_item_history(Db *db, long long item_id, void (*fn)(void *arg, const char *line),
		       void *arg);

#endif
