/* estimates.h - what gavel estimate reads (src/estimate/estimateload.c):
 * the catalogue counted by LLM label (and category), and the sampled items
 * one by one with their standing human labels. The LLM label of an item is
 * the latest run's ok answer, as the queue state keeps it (db/queue.h), so
 * a million items are counted without reading their predictions. */
#ifndef GAVEL_DB_ESTIMATES_H
#define GAVEL_DB_ESTIMATES_H

#include "db/database.h"

/* Streams how many items have each LLM label on 1..K (counts kept by the
 * queue state, with category NULL), or, when by_category is set, each item
 * with an LLM label as a count of 1 with its category (NULL for none), in
 * item order: the caller adds them up. fn returning nonzero stops the
 * stream. */
Status db_estimate_catalogue(Db *db, int K, int by_category,
			     int (*fn)(void *arg, const char *category, int llm, long long n),
			     void *arg);

/* How many items an audit's design draws from now, into *n: every item
 * (llm_only 0), or those with an LLM label on 1..K. Read from counts the
 * queue state keeps. Items are never deleted, so this less the population
 * stored at the last draw is what joined since. */
Status db_estimate_frame_size(Db *db, int llm_only, int K, long long *n);

/* One standing human label of a sampled item, or the item alone (label 0)
 * when it has none. Strings borrowed for the callback. */
typedef struct {
	long long item_id;
	int stratum;          /* the audit stratum it was drawn in; 0 for reviewed items */
	int llm;              /* its LLM label, 0 when none */
	const char *category; /* NULL when none */
	int label;            /* a standing accept or override's label, 0 when none */
	long long review_id;  /* that decision's id: rows of an item come oldest first */
} DbEstimateRow;

/* Streams the items of audit audit_id, or every item with a standing human
 * label when audit_id is 0, ordered by item then review: one row per
 * standing human label (an audit item without one comes once, label 0). */
Status db_estimate_rows(Db *db, long long audit_id, int (*fn)(void *arg, const DbEstimateRow *row),
			void *arg);

#endif
