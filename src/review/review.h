/* review.h - one reviewer's session: the queue of items they are handed
 * (claimed so no one else gets them), their decisions written to the log
 * before the next item shows, undo, and the running agreement with the LLM.
 * No curses here: ui/ draws a session, tests drive one directly. */
#ifndef GAVEL_REVIEW_H
#define GAVEL_REVIEW_H

#include "db/claims.h"
#include "db/database.h"
#include "db/items.h"
#include "db/queue.h"
#include "db/reviews.h"
#include "src/agree/metrics.h"

typedef struct ReviewSession ReviewSession;

typedef struct {
	const char *reviewer;
	DbOrder order;
	unsigned long long seed; /* for DB_ORDER_RANDOM */
	double overlap;          /* share of items that go to two reviewers, 0..1; it is
				  * the database's (db/queue.h): < 0 keeps the one set */
	double blind;            /* share of items shown without the LLM's answer, 0..1 */
	long long run_id;        /* the LLM run to show; 0: the latest with an answer */
	double lease_s;          /* how long a claim holds */
	double renew_s;          /* how often the session's claims are renewed (< lease_s) */
	int lookahead;           /* items claimed ahead of the cursor, for prefetching */
} ReviewOptions;

/* The default renewal interval; a lease must be longer (review_open refuses
 * a shorter one: the claims would lapse between renewals). */
#define REVIEW_RENEW_S 60.0

/* Narrows the queue; zero or NULL fields mean any. */
typedef struct {
	char *category;
	char *search;
	int llm_label;
	DbDecision mine_decision; /* browse what I decided: accept, override or skip */
	int mine_label;
} ReviewFilter;

/* One item in the session's list: what the queue pane shows. Strings owned
 * by the session; raw text (the UI cleans it before drawing). */
typedef struct {
	long long item_id;
	char *external_id, *title, *category, *path;
	int blind;               /* the LLM's answer is hidden for this item */
	DbStanding mine;         /* this reviewer's standing decision, if any */
	long long prediction_id; /* the answer shown; 0 when none */
	int llm_label;           /* its label, 0 when none (known even when blind) */
	double shown_at;         /* when it last became current */
	double held_at;          /* when the session last took or renewed its claim; 0: none */
} ReviewEntry;

typedef enum { REVIEW_ACCEPT, REVIEW_OVERRIDE, REVIEW_SKIP } ReviewAction;

/* Opens a session: frees the reviewer's stale claims, sets the database's
 * overlap share when options->overlap differs, loads the running agreement
 * and the first items. STATUS_ERR_USAGE when the lease is not longer than
 * the renewal interval. *out is owned by the caller. */
Status review_open(Db *db, const ReviewOptions *options, ReviewSession **out);

/* Gives back the session's claims and frees it; NULL is fine. */
void review_close(ReviewSession *session);

int review_count(const ReviewSession *session);
/* Entry index (0..count-1), borrowed until the session changes. */
const ReviewEntry *review_peek(const ReviewSession *session, int index);
/* The current entry's index: -1 when the queue is empty, count when the
 * cursor has gone past the last item (nothing left for now). */
int review_cursor(const ReviewSession *session);

/* Moves the cursor by delta, claiming more items when it runs past the end.
 * An item someone else took meanwhile leaves the list (review_notice). */
Status review_move(ReviewSession *session, int delta);

/* The current item and the answer shown for it (both zeroed when blind or
 * absent: prediction->id is 0). The caller frees both. */
Status review_details(ReviewSession *session, DbItem *item, DbPrediction *prediction);

/* Records a decision on the current item (committed before it returns,
 * under a claim the database confirms), with the reviewer's verdict on the
 * rationale, then moves to the next. Accepting needs an LLM label that was
 * shown: STATUS_ERR_INPUT otherwise. When another reviewer has taken the
 * item (the claim had lapsed), nothing is written, the item leaves the list
 * and review_notice() says so; the status is STATUS_ERR_TAKEN. */
Status review_decide(ReviewSession *session, ReviewAction action, int label, DbVerdict verdict);

/* The reviewer's verdict on the current item's rationale: marks it at once
 * when the item is decided (a verdict row), else keeps it to go with the
 * decision; one left pending when the cursor moves on is written then, so
 * a mark is never dropped. Blind items have no rationale to judge. */
Status review_set_verdict(ReviewSession *session, DbVerdict verdict);

/* The verdict shown for the current item: pending, or the standing one. */
DbVerdict review_verdict(const ReviewSession *session);

/* Withdraws this session's latest decision not yet undone (a retract row)
 * and moves the cursor to its item; *undone is 0 when there was none. */
Status review_undo(ReviewSession *session, int *undone);

/* Call while the reviewer is idle: every renew_s it renews every claim the
 * session holds, and when the list has run dry it looks again (others'
 * lapsed claims free items). Returns 1 when the list changed. */
int review_keepalive(ReviewSession *session);

/* What the session last had to tell (an item taken by someone else, review
 * rows naming items that are gone), or "". Borrowed; cleared by the next
 * call that changes the list. */
const char *review_notice(const ReviewSession *session);

/* Adds a note to the current item. */
Status review_note(ReviewSession *session, const char *text);

/* Starts the queue again with another order or filter (the filter is copied). */
Status review_requeue(ReviewSession *session, DbOrder order, const ReviewFilter *filter);

DbOrder review_order(const ReviewSession *session);
const ReviewFilter *review_filter(const ReviewSession *session);

/* Quadratic-weighted kappa between the LLM labels shown and this reviewer's
 * standing labels, with the number of pairs behind it. */
MetricValue review_kappa(const ReviewSession *session, long *pairs);

/* The title bar's counts (db/queue.h: one definition each), as of the
 * session's last decision. */
const DbQueueCounts *review_progress(const ReviewSession *session);

/* The label scale: names[0] is value 1. Borrowed. */
const DbScale *review_scale(const ReviewSession *session);

/* Image paths of up to max entries after the cursor, for prefetching. */
int review_upcoming(const ReviewSession *session, const char **paths, int max);

#endif
