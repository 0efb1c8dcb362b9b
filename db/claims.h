/* claims.h - handing items to reviewers. Several `gavel review` processes
 * share one database; each item goes to one reviewer, or to two when it
 * falls in the overlap share kept for measuring reviewer agreement. A claim
 * is a lease that expires, so a reviewer who walks away frees their items. */
#ifndef GAVEL_DB_CLAIMS_H
#define GAVEL_DB_CLAIMS_H

#include "db/database.h"

typedef enum {
	DB_ORDER_UNREVIEWED,   /* import order */
	DB_ORDER_DISAGREEMENT, /* largest gap between the LLM and a human label first */
	DB_ORDER_CONFIDENCE,   /* lowest LLM confidence first (none at all first) */
	DB_ORDER_RANDOM,       /* a fixed shuffle for a seed */
	DB_ORDER_SCORER,       /* the latest scorer's lowest scores first */
	DB_ORDER_MINE,         /* browse: items this reviewer decided, newest first */
} DbOrder;

typedef struct {
	const char *reviewer;
	DbOrder order;
	unsigned long long seed;   /* DB_ORDER_RANDOM */
	int overlap_permille;      /* share of items that go to two reviewers */
	double lease_s;            /* how long a claim holds */
	/* filters; NULL or 0 means any */
	const char *category;
	const char *search;        /* in title, id and metadata */
	int llm_label;             /* the latest LLM label */
	const char *mine_decision; /* DB_ORDER_MINE: accept, override or skip */
	int mine_label;            /* DB_ORDER_MINE: the reviewer's label */
} DbClaimQuery;

/* Claims the next item for query->reviewer: the first in query->order that
 * passes the filters, that this reviewer has not decided (or skipped), is
 * not among `exclude` (items the session holds already) and still needs a
 * reviewer: fewer than 1 (2 in the overlap share) other reviewers have
 * decided or hold an unexpired claim on it. For DB_ORDER_UNREVIEWED only ids
 * above after_id are looked at (a cursor: import order makes that exact).
 * Runs in its own IMMEDIATE transaction, so two processes never take the
 * same place. *item_id is 0 when nothing is left. DB_ORDER_MINE claims
 * nothing, it only finds. */
Status db_claim_next(Db *db, const DbClaimQuery *query, long long after_id,
		     const long long *exclude, int exclude_count, long long *item_id);

/* Extends or takes the reviewer's lease on an item. */
Status db_claim_renew(Db *db, const char *reviewer, long long item_id, double lease_s);

/* Gives back one claim (item_id > 0) or all of the reviewer's. */
Status db_claim_release(Db *db, const char *reviewer, long long item_id);

/* Whether an item falls in the overlap share (the same answer in every process). */
int db_claim_in_share(long long item_id, int permille, unsigned salt);

#endif
