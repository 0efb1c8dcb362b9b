/* adjudicate.c - an adjudicator's session (see adjudicate.h). */
#include "src/review/adjudicate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/adjudications.h"
#include "db/claims.h"
#include "src/base/xalloc.h"

/* Items claimed ahead of the cursor: enough to move on at once, few enough
 * that several adjudicators share a short queue. */
enum { LOOKAHEAD = 4 };

#define BULK_REASON "unanimous (accepted in bulk)"

/* An undo step: one decision, or a bulk acceptance (review ids first..last). */
typedef struct {
	long long first, last, item_id;
	int bulk;
} Step;

struct AdjudicateSession {
	Db *db;
	char *who;
	double lease_s;
	Settlement *fit;
	AdjudicateFilter filter;
	AdjudicateEntry *entries;
	int count, cursor;
	size_t cap;
	Step *steps;
	size_t n_steps, cap_steps;
	char notice[256];
};

/* ---- the list ---- */

static void entry_free(AdjudicateEntry *e)
{
	free(e->external_id), free(e->title), free(e->path);
}

static void posterior_of(const AdjudicateSession *s, AdjudicateEntry *e)
{
	size_t at = settlement_find(s->fit, e->item_id);
	e->best = at == (size_t)-1
			  ? 0
			  : dawidskene_best(settlement_ds(s->fit), at, &e->posterior, NULL);
}

static Status add_entry(AdjudicateSession *s, long long item_id)
{
	DbItem item;
	AdjudicateEntry *e;
	Status st = db_item_get(s->db, item_id, &item);
	if (st != STATUS_OK)
		return st;
	s->entries = xgrow(s->entries, &s->cap, (size_t)s->count + 1, sizeof *s->entries);
	e = &s->entries[s->count++];
	*e = (AdjudicateEntry){ .item_id = item_id,
				.external_id = xstrdup(item.external_id),
				.title = xstrdup(item.title),
				.path = xstrdup(item.path) };
	posterior_of(s, e);
	db_item_free(&item);
	return STATUS_OK;
}

/* Claims up to LOOKAHEAD more items in conflict. */
static Status claim_more(AdjudicateSession *s)
{
	long long ids[LOOKAHEAD];
	int n;
	DbClaimQuery q = { .reviewer = s->who,
			   .order = DB_ORDER_CONFLICTS,
			   .lease_s = s->lease_s,
			   .disagree_only = s->filter.disagree_only,
			   .min_humans = s->filter.min_humans,
			   .below_posterior = s->filter.below_posterior };
	Status st = db_claim_next(s->db, &q, 0, ids, LOOKAHEAD, &n);
	for (int i = 0; st == STATUS_OK && i < n; i++)
		st = add_entry(s, ids[i]);
	return st;
}

/* Gives back the claims of the items not decided. */
static void release(AdjudicateSession *s)
{
	for (int i = 0; i < s->count; i++)
		if (!s->entries[i].decided)
			db_claim_release(s->db, s->who, s->entries[i].item_id);
}

static void clear(AdjudicateSession *s)
{
	release(s);
	for (int i = 0; i < s->count; i++)
		entry_free(&s->entries[i]);
	s->count = 0;
	s->cursor = -1;
	s->n_steps = 0; /* undo follows what is on screen */
}

static Status fill(AdjudicateSession *s)
{
	Status st = claim_more(s);
	s->cursor = s->count ? 0 : -1;
	return st;
}

/* Fits under the database's default parameters and records the
 * posteriors, so the queue knows which items Dawid-Skene doubts. */
static Status fit(AdjudicateSession *s)
{
	SettleConfig config;
	Status st = settlement_config_of(s->db, &config);
	if (st == STATUS_OK)
		st = settlement_load(s->db, &config, 1, &s->fit);
	if (st == STATUS_OK)
		st = settlement_mark_posteriors(s->db, s->fit);
	return st;
}

Status adjudicate_open(Db *db, const char *who, double lease_s, AdjudicateSession **out)
{
	AdjudicateSession *s = xcalloc(1, sizeof *s);
	Status st;
	*out = NULL;
	s->db = db;
	s->who = xstrdup(who);
	s->lease_s = lease_s;
	s->cursor = -1;
	st = fit(s);
	if (st == STATUS_OK)
		st = fill(s);
	if (st != STATUS_OK) {
		adjudicate_close(s);
		return st;
	}
	*out = s;
	return STATUS_OK;
}

void adjudicate_close(AdjudicateSession *s)
{
	if (!s)
		return;
	clear(s);
	free(s->entries);
	free(s->steps);
	settlement_free(s->fit);
	free(s->who);
	free(s);
}

int adjudicate_count(const AdjudicateSession *s)
{
	return s->count;
}

const AdjudicateEntry *adjudicate_peek(const AdjudicateSession *s, int i)
{
	return i >= 0 && i < s->count ? &s->entries[i] : NULL;
}

int adjudicate_cursor(const AdjudicateSession *s)
{
	return s->cursor;
}

Status adjudicate_move(AdjudicateSession *s, int delta)
{
	int to = s->cursor + delta;
	Status st = STATUS_OK;
	s->notice[0] = '\0';
	if (to >= s->count)
		st = claim_more(s);
	if (to >= s->count)
		to = s->count; /* past the last: nothing left for now */
	s->cursor = to < 0 ? (s->count ? 0 : -1) : to;
	return st;
}

/* ---- the current item ---- */

static double accuracy(const AdjudicateSession *s, size_t rater, int label)
{
	if (rater == (size_t)-1 || label < 1 || label > settlement_labels(s->fit))
		return -1;
	return dawidskene_confusion(settlement_ds(s->fit), rater, label, label);
}

static void take_vote(void *arg, const DbAdjudicationVote *v)
{
	void **ctx = arg;
	AdjudicateSession *s = ctx[0];
	AdjudicateDetails *d = ctx[1];
	size_t cap = (size_t)d->n_votes;
	d->votes = xgrow(d->votes, &cap, (size_t)d->n_votes + 1, sizeof *d->votes);
	d->votes[d->n_votes++] = (AdjudicateVote){
		.reviewer = xstrdup(v->reviewer),
		.note = xstrdup(v->note),
		.decision = v->decision,
		.label = v->label,
		.verdict = v->verdict,
		.accuracy = accuracy(s, settlement_rater_find(s->fit, v->reviewer), v->label)
	};
}

/* The LLM rater of the fit, or (size_t)-1 when it had none. */
static size_t llm_rater(const AdjudicateSession *s)
{
	for (size_t k = 0; k < settlement_raters(s->fit); k++)
		if (settlement_rater_is_llm(s->fit, k))
			return k;
	return (size_t)-1;
}

Status adjudicate_details(AdjudicateSession *s, AdjudicateDetails *d)
{
	const AdjudicateEntry *e = adjudicate_peek(s, s->cursor);
	void *ctx[2] = { s, d };
	size_t at;
	Status st;
	memset(d, 0, sizeof *d);
	d->llm_accuracy = -1;
	if (!e)
		return STATUS_OK;
	st = db_item_get(s->db, e->item_id, &d->item);
	if (st == STATUS_OK)
		st = db_prediction_for_item(s->db, e->item_id, 0, &d->prediction);
	if (st == STATUS_OK)
		st = db_adjudication_votes(s->db, e->item_id, take_vote, ctx);
	if (st == STATUS_OK)
		st = db_adjudication_standing(s->db, e->item_id, &d->adjudicated, &d->adjudicator,
					      &d->reason);
	if (d->prediction.id && d->prediction.status == DB_PREDICTION_OK)
		d->llm_accuracy = accuracy(s, llm_rater(s), d->prediction.label);
	at = settlement_find(s->fit, e->item_id);
	if (e->best && at != (size_t)-1)
		d->posterior = dawidskene_posterior(settlement_ds(s->fit), at);
	return st;
}

void adjudicate_details_free(AdjudicateDetails *d)
{
	db_item_free(&d->item);
	db_prediction_free(&d->prediction);
	for (int i = 0; i < d->n_votes; i++)
		free(d->votes[i].reviewer), free(d->votes[i].note);
	free(d->votes);
	free(d->adjudicator), free(d->reason);
	memset(d, 0, sizeof *d);
}

/* ---- decisions ---- */

static void push(AdjudicateSession *s, Step step)
{
	s->steps = xgrow(s->steps, &s->cap_steps, s->n_steps + 1, sizeof *s->steps);
	s->steps[s->n_steps++] = step;
}

/* The entry leaves the list (another adjudicator has it). */
static void drop(AdjudicateSession *s, int i)
{
	snprintf(s->notice, sizeof s->notice,
		 "%s was taken by another adjudicator: it leaves "
		 "your list",
		 s->entries[i].external_id);
	entry_free(&s->entries[i]);
	memmove(&s->entries[i], &s->entries[i + 1],
		sizeof *s->entries * (size_t)(s->count - i - 1));
	s->count--;
	if (s->cursor > s->count)
		s->cursor = s->count;
}

Status adjudicate_decide(AdjudicateSession *s, int label, const char *reason)
{
	AdjudicateEntry *e = s->cursor >= 0 && s->cursor < s->count ? &s->entries[s->cursor] : NULL;
	long long id;
	Status st;
	s->notice[0] = '\0';
	if (!e)
		return status_fail(STATUS_ERR_INPUT, "no item to decide");
	if (label < 1 || label > settlement_labels(s->fit))
		return status_fail(STATUS_ERR_INPUT, "the scale has labels 1-%d",
				   settlement_labels(s->fit));
	st = db_adjudication_decide(s->db, s->who, e->item_id, label, reason, s->lease_s, &id);
	if (st == STATUS_ERR_TAKEN) {
		drop(s, s->cursor);
		return st;
	}
	if (st != STATUS_OK)
		return st;
	e->decided = label;
	e->review_id = id;
	push(s, (Step){ .first = id, .last = id, .item_id = e->item_id });
	return adjudicate_move(s, 1);
}

static int entry_of(const AdjudicateSession *s, long long item_id)
{
	for (int i = 0; i < s->count; i++)
		if (s->entries[i].item_id == item_id)
			return i;
	return -1;
}

Status adjudicate_undo(AdjudicateSession *s, long long *undone)
{
	Step step;
	Status st;
	int i;
	*undone = 0;
	if (!s->n_steps)
		return STATUS_OK;
	step = s->steps[s->n_steps - 1];
	if (step.bulk)
		st = db_adjudication_retract_range(s->db, s->who, step.first, step.last, undone);
	else
		st = db_adjudication_retract(s->db, s->who, step.item_id, step.first, s->lease_s);
	if (st != STATUS_OK)
		return st;
	s->n_steps--;
	if (step.bulk)
		return STATUS_OK;
	*undone = 1;
	if ((i = entry_of(s, step.item_id)) >= 0) {
		s->entries[i].decided = 0;
		s->cursor = i;
	}
	return STATUS_OK;
}

Status adjudicate_unanimous_count(AdjudicateSession *s, long long *count)
{
	return db_adjudication_unanimous_count(s->db, count);
}

Status adjudicate_accept_unanimous(AdjudicateSession *s, long long *count)
{
	long long first, last;
	Status st =
		db_adjudication_accept_unanimous(s->db, s->who, BULK_REASON, &first, &last, count);
	if (st == STATUS_OK && *count)
		push(s, (Step){ .first = first, .last = last, .bulk = 1 });
	return st;
}

Status adjudicate_refilter(AdjudicateSession *s, const AdjudicateFilter *filter)
{
	clear(s);
	s->filter = *filter;
	return fill(s);
}

const AdjudicateFilter *adjudicate_filter(const AdjudicateSession *s)
{
	return &s->filter;
}

const Settlement *adjudicate_settlement(const AdjudicateSession *s)
{
	return s->fit;
}

const char *adjudicate_notice(const AdjudicateSession *s)
{
	return s->notice;
}
