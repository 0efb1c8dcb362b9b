/* queue.h - the review queue's state, kept instead of recomputed: for each
 * item whether it still needs a reviewer and what every queue order sorts it
 * by, each reviewer's standing decisions, and the counts the review screen
 * shows. Triggers (db/queue.c) keep it in step with the review log,
 * predictions, claims and scores in the transaction of the event that
 * changes it; the log stays the truth and the state can always be rebuilt
 * from it. */
#ifndef GAVEL_DB_QUEUE_H
#define GAVEL_DB_QUEUE_H

#include "db/database.h"

/* The counts of the title bar, one definition each (docs/review.md). */
typedef struct {
	long long items;    /* every item in the database */
	long long reviewed; /* items with at least one standing human label */
	long long settled;  /* ... whose standing labels all agree */
	long long mine;     /* items with this reviewer's standing label */
} DbQueueCounts;

/* Reads the counts (maintained, so constant time). */
Status db_queue_counts(Db *db, const char *reviewer, DbQueueCounts *counts);

/* The share of items, in thousandths, that go to two reviewers (for
 * measuring reviewer agreement). A property of the database, so that every
 * reviewer works to the same plan. */
Status db_queue_overlap(Db *db, int *permille);

/* Sets that share; every item's need is updated (one pass over the items,
 * in the caller's transaction or its own). */
Status db_queue_set_overlap(Db *db, int permille);

#endif
