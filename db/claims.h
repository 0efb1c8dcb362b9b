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
#define DB_ORDERS(X)                                                                              \
	X(UNREVIEWED, "unreviewed", 'u', "unreviewed first")  /* import order */                  \
	X(DISAGREEMENT, "disagreement", 'd', "disagreement")  /* largest LLM-human gap first */   \
	X(CONFIDENCE, "confidence", 'c', "lowest confidence") /* none at all first */             \
	X(RANDOM, "random", 'r', "random")                    /* a fixed shuffle for a seed */    \
	X(SCORER, "scorer", 's', "scorer")                    /* the latest scorer's lowest */    \
	X(UNCERTAIN, "uncertain", 'e', "uncertain")     /* the scorer's highest entropy first */  \
	X(SPLIT, "llm-vs-scorer", 'l', "LLM vs scorer") /* LLM and scorer disagree most first */  \
	X(SUSPECT, "suspect", 'h', "suspect labels")    /* my settled labels the scorer doubts */ \
	X(AUDIT, "audit", 'a', "audit sample")          /* the audits' draw order */              \
	X(RECHECK, "recheck", 'k', "re-review")         /* sent back by a comparison */           \
	X(MINE, "", 0, "my decisions")                  /* browse, newest first */                \
	X(CONFLICTS, "", 0, "conflicts") /* adjudication: items in conflict, least certain first */

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
	unsigned long long seed;   /* DB_ORDER_RANDOM: where this reviewer enters the shuffle */
	double lease_s;            /* how long a claim holds */
	/* filters; NULL or 0 means any */
	const char *category;
	const char *search;        /* in title, id and metadata; % and _ are literal */
	int llm_label;             /* the latest LLM label */
	DbDecision mine_decision;  /* DB_ORDER_MINE: accept, override or skip; NONE: any */
	int mine_label;            /* DB_ORDER_MINE: the reviewer's label */
	/* DB_ORDER_CONFLICTS (db/adjudications.h): 0 means any */
	int disagree_only;      /* only items whose reviewers gave different labels */
	int min_humans;         /* only items with at least this many human labels */
	double below_posterior; /* only items whose posterior is below this (> 0) */
} DbClaimQuery;

/* Claims the next items for query->reviewer, up to max of them into ids:
 * (DB_ORDER_CONFLICTS: the items in conflict nobody holds, for an
 * adjudicator; the reviewer's own decisions do not keep them out).
 * the first in query->order that pass the filters, that this reviewer has not
 * decided or skipped and does not hold, and that are open: fewer reviewers
 * have decided them or hold a live claim on them than they need (db/queue.h).
 * For DB_ORDER_UNREVIEWED only ids above after_id are looked at (a cursor:
 * import order makes that exact). The open items are an index of the kept
 * queue state, so this costs the same at any size. Runs in its own
 * IMMEDIATE transaction, after sweeping expired claims, so two processes
 * never take the same place. *count is 0 when nothing is left.
 * DB_ORDER_MINE claims nothing, it only finds. */
Status db_claim_next(Db *db, const DbClaimQuery *query, long long after_id, long long *ids,
		     int max, int *count);

/* Makes sure the reviewer may decide item_id now, in its own transaction:
 * their live claim (extended), or their standing label on it (changing
 * one's own decision needs no claim), or, when the item is open, a new
 * claim. *held is 0 when someone else has it: the item leaves the queue. */
Status db_claim_hold(Db *db, const char *reviewer, long long item_id, double lease_s, int *held);

/* Extends every claim the reviewer holds (the whole session's lookahead,
 * not only the item on screen). */
Status db_claim_renew_all(Db *db, const char *reviewer, double lease_s);

/* Gives back one claim (item_id > 0) or all of the reviewer's. */
Status db_claim_release(Db *db, const char *reviewer, long long item_id);

/* Whether an item falls in a share of permille thousandths (the same answer
 * in every process); salt picks an independent share (the blind one). */
int db_claim_in_share(long long item_id, int permille, unsigned salt);

#endif
