/* reviews.h - the append-only review log and the reviewer's view of an
 * item: its LLM answer and the reviewer's standing decision. Decisions are
 * made under a claim (db/claims.h) that the database confirms. */
#ifndef GAVEL_DB_REVIEWS_H
#define GAVEL_DB_REVIEWS_H

#include "db/claims.h"
#include "db/database.h"
#include "db/kinds.h"

/* How the item of a decision was chosen (reviews.queue_order): the queue
 * order the reviewer was working in (the adjudication screen's is
 * DB_ORDER_CONFLICTS), an import, or the adjudication screen's acceptance
 * of every unanimous item in one step; unknown for decisions recorded
 * before gavel kept it. Agreement on items a queue chose is not the
 * catalogue's agreement (docs/estimates.md). */
typedef enum { DB_FROM_UNKNOWN, DB_FROM_QUEUE, DB_FROM_IMPORT, DB_FROM_UNANIMOUS } DbFromKind;

typedef struct {
	DbFromKind kind;
	DbOrder order; /* DB_FROM_QUEUE: the order */
} DbFrom;

/* The word stored for from ("audit", "disagreement", "mine" for browsing
 * one's own decisions, "conflicts" for the adjudication screen's queue,
 * "import", "unanimous"), NULL when unknown. Static. */
const char *db_from_word(DbFrom from);

/* One row of the log (db/kinds.h; a retract row is an undo: retracts names
 * the row it withdraws). label is the human label of an accept or override
 * (for an accept, the LLM's label that was accepted). verdict judges the
 * rationale, whatever the label. prediction_id is what was shown, 0 when
 * blind or none. from says how the item was chosen. */
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
	DbFrom from;
} DbReviewNew;

/* Appends a row that needs no claim (a note, an imported rating), committed
 * at once unless the caller holds a transaction; *review_id (may be NULL)
 * gets its id. */
Status db_review_add(Db *db, const DbReviewNew *review, long long *review_id);

/* Records a reviewer's decision in one IMMEDIATE transaction, but only when
 * the database confirms they may make it (db_claim_hold's rule: their live
 * claim, their own standing label, or an item still open); then gives back
 * their claim. STATUS_ERR_TAKEN, with nothing written, when another
 * reviewer has the item. */
Status db_review_decide(Db *db, const DbReviewNew *review, double lease_s, long long *review_id);

/* Appends a retract row (undo) and, in the same transaction, takes the
 * reviewer's claim on the item back (it returns to their screen). */
Status db_review_retract(Db *db, const DbReviewNew *review, double lease_s);

/* Records the reviewer's verdict on an item's rationale apart from a
 * decision (a verdict row): marked once the item was decided, or left when
 * they moved on. Needs no claim: it labels nothing. */
Status db_review_verdict(Db *db, long long item_id, const char *reviewer, DbVerdict verdict);

/* Every note on an item, oldest first, to fn with who wrote it, when
 * (YYYY-MM-DD HH:MM) and what (borrowed for the call). */
Status db_item_notes(Db *db, long long item_id,
		     void (*fn)(void *arg, const char *reviewer, const char *when, const char *note),
		     void *arg);

/* Whether item_id names an item (a review row may name one that is gone). */
Status db_review_item_exists(Db *db, long long item_id, int *exists);

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
 * run that has one when run_id is 0 (a labeller's other than the scorer:
 * db/kinds.h DB_PROVIDER_SCORER). Every string owned. */
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

/* The reviewer's standing accepts and overrides that were not blind, as a
 * table of (LLM label shown, human label, how many): the running agreement.
 * Kept by the queue state, so it costs K*K rows whatever the log's size. */
Status db_review_pairs(Db *db, const char *reviewer,
		       void (*fn)(void *arg, int llm, int human, long long n), void *arg);

/* Up to max items the reviewer decided most recently (their standing
 * decisions), oldest first, into ids; *count gets how many. */
Status db_review_recent(Db *db, const char *reviewer, long long *ids, int max, int *count);

/* Every prediction and review of an item, oldest first, one line each
 * ("2026-11-21 08:10  ana  override 3  (rationale flawed)"), to fn. */
Status db_item_history(Db *db, long long item_id, void (*fn)(void *arg, const char *line),
		       void *arg);

#endif
