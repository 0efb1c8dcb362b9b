/* adjudications.h - adjudicators' decisions: the final label of an item in
 * conflict, written to the review log as an 'adjudicate' row (db/kinds.h;
 * the reason is its note) and undone by a retract, like every decision.
 * Adjudicators take items from the conflicts queue (db/claims.h
 * DB_ORDER_CONFLICTS) under the same claims reviewers use, so two of them
 * never get the same item. */
#ifndef GAVEL_DB_ADJUDICATIONS_H
#define GAVEL_DB_ADJUDICATIONS_H

#include "db/database.h"
#include "db/kinds.h"

/* Records adjudicator's label for item_id in one IMMEDIATE transaction when
 * they may decide it: their live claim, the item's standing adjudication
 * being theirs, or the item in conflict and held by nobody; then gives the
 * claim back. STATUS_ERR_TAKEN, with nothing written, when another has it.
 * reason may be NULL. *review_id gets the row's id. */
Status db_adjudication_decide(Db *db, const char *adjudicator, long long item_id, int label,
			      const char *reason, double lease_s, long long *review_id);

/* Withdraws adjudication review_id (a retract row by the adjudicator) and
 * takes their claim on the item back, so it returns to their screen. */
Status db_adjudication_retract(Db *db, const char *adjudicator, long long item_id,
			       long long review_id, double lease_s);

/* How many items are unanimous and unadjudicated: at least two standing
 * human labels, all the same, no reviewer unsure, nobody holding a claim
 * (a Dawid-Skene doubt does not keep an item out: the reviewers agree, and
 * accepting is the adjudicator's call). */
Status db_adjudication_unanimous_count(Db *db, long long *count);

/* Adjudicates every such item with its unanimous label in one transaction,
 * reason as the note; the new rows' ids are first..last (consecutive: the
 * transaction holds the write lock), *count how many. */
Status db_adjudication_accept_unanimous(Db *db, const char *adjudicator, const char *reason,
					long long *first, long long *last, long long *count);

/* Withdraws the adjudicator's rows first..last that stand (undo of a bulk
 * acceptance) in one transaction; *count gets how many. */
Status db_adjudication_retract_range(Db *db, const char *adjudicator, long long first,
				     long long last, long long *count);

/* One reviewer's standing on an item, with their latest note. Strings
 * borrowed for the callback. */
typedef struct {
	const char *reviewer;
	DbDecision decision; /* accept, override or skip */
	int label;
	DbVerdict verdict;
	const char *note; /* NULL when they left none */
	const char *time;
} DbAdjudicationVote;

/* Every reviewer's standing decision on item_id, by name, to fn. */
Status db_adjudication_votes(Db *db, long long item_id,
			     void (*fn)(void *arg, const DbAdjudicationVote *vote), void *arg);

/* The item's standing adjudication: label (0: none), adjudicator and reason
 * (newly allocated, NULL when none). */
Status db_adjudication_standing(Db *db, long long item_id, int *label, char **adjudicator,
				char **reason);

#endif
