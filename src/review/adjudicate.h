/* adjudicate.h - one adjudicator's session: the items in conflict (the
 * reviewers disagree, one is unsure, or the Dawid-Skene posterior of the
 * best label is below the threshold), claimed so no other adjudicator gets
 * them; the final label picked with one key and an optional reason,
 * committed before the next item shows; undo; the unanimous items accepted
 * in one step. No curses here: ui/adjudicateview.c draws a session, tests
 * drive one directly.
 *
 * Opening fits Dawid-Skene under the database's default rule parameters
 * (src/settle/settlement.h) and records the posteriors for the conflicts
 * queue, so the screen shows each item's posterior and each rater's
 * estimated accuracy as of that moment. */
#ifndef GAVEL_ADJUDICATE_H
#define GAVEL_ADJUDICATE_H

#include "db/database.h"
#include "db/items.h"
#include "db/kinds.h"
#include "db/reviews.h"
#include "src/settle/settlement.h"

typedef struct AdjudicateSession AdjudicateSession;

/* Narrows the list; zero means any. */
typedef struct {
	int disagree_only;      /* only items whose reviewers gave different labels */
	int min_humans;         /* only items with at least this many human labels */
	double below_posterior; /* only items whose best posterior is below this */
} AdjudicateFilter;

/* One item of the list; strings owned by the session. */
typedef struct {
	long long item_id;
	char *external_id, *title, *path;
	int best;         /* the Dawid-Skene best label, 0 when not modelled */
	double posterior; /* its posterior */
	int decided;      /* the label this session gave it, 0: none yet */
	long long review_id;
} AdjudicateEntry;

/* One reviewer's standing decision on the current item with their note and
 * their estimated accuracy on the label they gave (-1: not estimated). */
typedef struct {
	char *reviewer, *note;
	DbDecision decision;
	int label;
	DbVerdict verdict;
	double accuracy;
} AdjudicateVote;

/* What the screen shows of the current item; the caller frees it with
 * adjudicate_details_free(). */
typedef struct {
	DbItem item;
	DbPrediction prediction; /* id 0 when the LLM has not answered */
	double llm_accuracy;     /* the LLM's estimated accuracy on its label; -1: none */
	AdjudicateVote *votes;
	int n_votes;
	const double *posterior; /* K values (borrowed from the fit), NULL when not modelled */
	int adjudicated;         /* the standing adjudication, 0: none */
	char *adjudicator, *reason;
} AdjudicateDetails;

/* Opens a session for adjudicator (claims last lease_s seconds): fits,
 * records the posteriors, claims the first items. *out is the caller's. */
Status adjudicate_open(Db *db, const char *adjudicator, double lease_s, AdjudicateSession **out);

/* Gives back the session's claims and frees it; NULL is fine. */
void adjudicate_close(AdjudicateSession *s);

int adjudicate_count(const AdjudicateSession *s);
const AdjudicateEntry *adjudicate_peek(const AdjudicateSession *s, int index);
/* The current entry: -1 when the list is empty, count past the last. */
int adjudicate_cursor(const AdjudicateSession *s);

/* Moves by delta, claiming more items past the end. */
Status adjudicate_move(AdjudicateSession *s, int delta);

Status adjudicate_details(AdjudicateSession *s, AdjudicateDetails *details);
void adjudicate_details_free(AdjudicateDetails *details);

/* The current item's final label (1..K) with an optional reason,
 * committed; then the next item. STATUS_ERR_TAKEN when another
 * adjudicator had it (it leaves the list; adjudicate_notice says so). */
Status adjudicate_decide(AdjudicateSession *s, int label, const char *reason);

/* Withdraws the session's last step not undone: one decision (the cursor
 * goes back to its item) or a whole bulk acceptance. *undone is how many
 * adjudications were withdrawn (0: nothing to undo). */
Status adjudicate_undo(AdjudicateSession *s, long long *undone);

/* The unanimous items not yet adjudicated (db/adjudications.h), and
 * accepting them all in one step (undone as one); *count is how many. */
Status adjudicate_unanimous_count(AdjudicateSession *s, long long *count);
Status adjudicate_accept_unanimous(AdjudicateSession *s, long long *count);

/* Starts the list again under another filter. */
Status adjudicate_refilter(AdjudicateSession *s, const AdjudicateFilter *filter);
const AdjudicateFilter *adjudicate_filter(const AdjudicateSession *s);

/* The fit (raters' accuracies, priors) and the scale; borrowed. */
const Settlement *adjudicate_settlement(const AdjudicateSession *s);

/* The last thing to tell ("taken by another adjudicator"), or "". */
const char *adjudicate_notice(const AdjudicateSession *s);

#endif
