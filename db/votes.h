/* votes.h - what settling reads from the log, streamed in item order: each
 * item's standing human votes, the reviewers who stand on a skip, its
 * standing adjudication and the LLM's label; and what settling keeps: the
 * database's default rule, and the Dawid-Skene posteriors the adjudication
 * queue orders by.
 *
 * A reviewer's votes on an item are their standing decision (the latest
 * accept, override or skip not retracted) and, when that row is marked
 * `again` (import-ratings: the rater rated the item once more), the rows
 * before it back to the first one that is not; a skip gives no vote. So a
 * reviewer who changes their mind has one vote, and a rater who rated an
 * item three times has three, as Dawid & Skene count them. */
#ifndef GAVEL_DB_VOTES_H
#define GAVEL_DB_VOTES_H

#include <stddef.h>

#include "db/database.h"
#include "db/kinds.h"

/* One vote; strings borrowed until the next db_votes_next(). */
typedef struct {
	const char *reviewer;
	int label;
	int blind;         /* the LLM's answer was hidden */
	const char *time;  /* created_at, ISO 8601 UTC */
	DbVerdict verdict; /* the reviewer's standing verdict on the rationale */
} DbVote;

/* One item with what settles it; borrowed until the next call. */
typedef struct {
	long long item_id;
	const char *external_id;
	const DbVote *votes; /* reviewers in name order, each chain oldest first */
	size_t n_votes;
	int unsure;      /* reviewers whose standing decision is a skip */
	int adjudicated; /* the standing adjudication's label, 0: none */
	const char *adjudicator, *reason, *adjudicated_at; /* NULL when none */
	int llm_label;                                     /* 0: none (see DbVoteQuery.run_id) */
	long long llm_run;
} DbVoteItem;

typedef struct {
	/* the LLM label: the ok answer of this run, or (0) of the latest run
	 * that gave one; -1: none wanted (not read) */
	long long run_id;
	int verdicts; /* read each vote's rationale verdict (export) */
} DbVoteQuery;

typedef struct DbVoteCursor DbVoteCursor;

/* Starts a pass over every item in id order. Reads the retracted ids first
 * (8 bytes each); everything else streams. *out is the caller's. */
Status db_votes_open(Db *db, const DbVoteQuery *query, DbVoteCursor **out);

/* The next item into *item, or NULL after the last. The item and its
 * strings are borrowed until the next call. */
Status db_votes_next(DbVoteCursor *cursor, const DbVoteItem **item);

/* Ends the pass; NULL-safe. The Db must still be open. */
void db_votes_close(DbVoteCursor *cursor);

/* The database's default settlement rule and parameters, as the JSON text
 * that db_votes_rule_set() stored, newly allocated into *json; NULL when
 * none was set. */
Status db_votes_rule_get(Db *db, char **json);
Status db_votes_rule_set(Db *db, const char *json);

/* Records Dawid-Skene posteriors for the adjudication queue: for each of n
 * items, the posterior of its best label (< 0: none) and whether it is in
 * doubt (below the threshold in force, or tied). Rows that already hold the
 * values are not written. In one transaction unless the caller holds one. */
Status db_votes_mark_posteriors(Db *db, const long long *item_ids, const double *posterior,
				const unsigned char *doubt, size_t n);

#endif
