/* claims.h - handing items to reviewers. Several `gavel review` processes
 * share one database; each item goes to one reviewer, or to two when it
 * falls in the overlap share kept for measuring reviewer agreement. A claim
 * is a lease that expires, so a reviewer who walks away frees their items. */
#ifndef GAVEL_DB_CLAIMS_H
#define GAVEL_DB_CLAIMS_H

#include "db/database.h"
#include "db/kinds.h"

/* The queue orders, declared once: the enum, the --order word, the key of
 * the order menu and the name the status line shows. An empty word is an
 * order reached another way (the filter menu), never typed. */
#define DB_ORDERS(X)                                                                            \
	X(UNREVIEWED, "unreviewed", 'u', "unreviewed first")   /* import order */              \
	X(DISAGREEMENT, "disagreement", 'd', "disagreement")   /* largest LLM-human gap first */ \
	X(CONFIDENCE, "confidence", 'c', "lowest confidence")  /* none at all first */          \
	X(RANDOM, "random", 'r', "random")                     /* a fixed shuffle for a seed */ \
	X(SCORER, "scorer", 's', "scorer")                     /* the latest scorer's lowest */ \
	X(MINE, "", 0, "my decisions")                         /* browse, newest first */

typedef enum {
#define DB_ORDER_ENUM(id, word, key, name) DB_ORDER_##id,
	DB_ORDERS(DB_ORDER_ENUM)
#undef DB_ORDER_ENUM
	DB_ORDER_COUNT
} DbOrder;

/* Each order's --order word, menu key and name, indexed by DbOrder; the
 * words are NULL-terminated (for option parsing). */
extern const char *const db_order_words[];
extern const char db_order_keys[];
extern const char *const db_order_names[];

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
	DbDecision mine_decision;  /* DB_ORDER_MINE: accept, override or skip; NONE: any */
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
