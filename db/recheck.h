/* recheck.h - the re-review queue's requests (table recheck): items a
 * comparison of two labellers sent back to people, to check whether the
 * human label or the LLM was wrong. An item stays in the queue (the
 * "recheck" order, db/claims.h) until someone accepts or overrides it after
 * it was sent; the triggers of db/queue.c keep that in the queue state. */
#ifndef GAVEL_DB_RECHECK_H
#define GAVEL_DB_RECHECK_H

#include <stddef.h>

#include "db/database.h"

/* One item to send, with its settled label at the time. */
typedef struct {
	long long item_id;
	int settled_label; /* 0 when it had none */
} DbRecheckItem;

/* Sends n items back to review under reason ("broken", "disagrees",
 * "unanimous") from source (the comparison, "run:3 run:5"), in order: the
 * queue serves them in the order sent. An item already waiting is sent
 * again (a new request), which changes nothing in the queue. In the
 * caller's transaction or one of its own. */
Status db_recheck_send(Db *db, const DbRecheckItem *items, size_t n, const char *reason,
		       const char *source);

/* What became of the items source sent back. */
typedef struct {
	long long sent;     /* distinct items */
	long long waiting;  /* still in the queue */
	long long reviewed; /* accepted or overridden since they were sent */
	long long changed;  /* whose settled label differs from the one they had when sent */
} DbRecheckSummary;

Status db_recheck_summary(Db *db, const char *source, DbRecheckSummary *summary);

/* Items waiting in the re-review queue. */
Status db_recheck_waiting(Db *db, long long *count);

#endif
