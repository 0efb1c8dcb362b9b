/* review.c - a reviewer's session over the queue. */
#include "src/review/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/base/clock.h"
#include "src/base/xalloc.h"

enum { BLIND_SALT = 1, RECENT = 10 };

struct ReviewSession {
	Db *db;
	ReviewOptions opt;
	char *reviewer;
	DbScale scale;
	DbOrder order;
	ReviewFilter filter;
	ReviewEntry *entries;
	size_t count, capacity;
	int cursor;
	long long after_id;  /* import-order cursor for the next claim */
	int exhausted;       /* nothing more to claim */
	long long *undo;     /* review ids of this session's decisions, newest last */
	size_t undo_count, undo_capacity;
	long table[METRICS_MAX_LEVELS * METRICS_MAX_LEVELS]; /* LLM x human, not blind */
	long long mine, any, items;
};

static void entry_free(ReviewEntry *e)
{
	free(e->external_id), free(e->title), free(e->category), free(e->path);
	memset(e, 0, sizeof *e);
}

static void filter_free(ReviewFilter *f)
{
	free(f->category), free(f->search);
	memset(f, 0, sizeof *f);
}

static void filter_copy(ReviewFilter *to, const ReviewFilter *from)
{
	filter_free(to);
	if (!from)
		return;
	to->category = xstrdup(from->category);
	to->search = xstrdup(from->search);
	to->llm_label = from->llm_label;
	to->mine_decision = from->mine_decision;
	to->mine_label = from->mine_label;
}

/* Counts (or uncounts) a standing label against the LLM's, for the kappa. */
static void tally(ReviewSession *s, const ReviewEntry *e, int sign)
{
	int K = s->scale.count, human = e->mine.label, llm = e->llm_label;
	if (e->blind || !e->prediction_id || llm < 1 || llm > K || human < 1 || human > K)
		return;
	if (!db_decision_labels(e->mine.decision))
		return;
	s->table[(llm - 1) * K + (human - 1)] += sign;
}

static void count_pair(void *arg, int llm, int human)
{
	ReviewSession *s = arg;
	int K = s->scale.count;
	if (llm >= 1 && llm <= K && human >= 1 && human <= K)
		s->table[(llm - 1) * K + (human - 1)]++;
}

/* Loads what the queue pane shows of item_id, appended to the list. */
static Status append_entry(ReviewSession *s, long long item_id)
{
	DbItem item;
	DbPrediction p;
	ReviewEntry *e;
	Status st = db_item_get(s->db, item_id, &item);
	if (st != STATUS_OK)
		return st;
	st = db_prediction_for_item(s->db, item_id, s->opt.run_id, &p);
	if (st != STATUS_OK) {
		db_item_free(&item);
		return st;
	}
	s->entries = xgrow(s->entries, &s->capacity, s->count + 1, sizeof *s->entries);
	e = &s->entries[s->count++];
	memset(e, 0, sizeof *e);
	e->item_id = item_id;
	e->external_id = item.external_id, item.external_id = NULL;
	e->title = item.title, item.title = NULL;
	e->category = item.category, item.category = NULL;
	e->path = item.path, item.path = NULL;
	e->blind = db_claim_in_share(item_id, (int)(s->opt.blind * 1000 + 0.5), BLIND_SALT);
	e->prediction_id = p.id && p.status == DB_PREDICTION_OK ? p.id : 0;
	e->llm_label = e->prediction_id ? p.label : 0;
	st = db_review_standing(s->db, item_id, s->reviewer, &e->mine);
	db_prediction_free(&p);
	db_item_free(&item);
	return st;
}

/* Claims one more item onto the end of the list; sets exhausted when none. */
static Status claim_one(ReviewSession *s)
{
	DbClaimQuery q = {
		.reviewer = s->reviewer, .order = s->order, .seed = s->opt.seed,
		.overlap_permille = (int)(s->opt.overlap * 1000 + 0.5), .lease_s = s->opt.lease_s,
		.category = s->filter.category, .search = s->filter.search,
		.llm_label = s->filter.llm_label, .mine_decision = s->filter.mine_decision,
		.mine_label = s->filter.mine_label,
	};
	long long *held = xmalloc((s->count + 1) * sizeof *held), id;
	Status st;
	for (size_t i = 0; i < s->count; i++)
		held[i] = s->entries[i].item_id;
	st = db_claim_next(s->db, &q, s->after_id, held, (int)s->count, &id);
	free(held);
	if (st != STATUS_OK)
		return st;
	if (!id) {
		s->exhausted = 1;
		return STATUS_OK;
	}
	if (s->order == DB_ORDER_UNREVIEWED || s->order == DB_ORDER_MINE)
		s->after_id = id;
	return append_entry(s, id);
}

/* Keeps opt.lookahead entries claimed after the cursor. */
static Status fill(ReviewSession *s)
{
	while (!s->exhausted && (int)s->count - 1 - s->cursor < s->opt.lookahead) {
		Status st = claim_one(s);
		if (st != STATUS_OK)
			return st;
	}
	if (s->cursor < 0 && s->count)
		s->cursor = 0;
	return STATUS_OK;
}

/* After the recent decisions are loaded: the cursor goes to the first new
 * item, or past the end when there is none. */
static void start_after_recent(ReviewSession *s, int recent)
{
	if (recent > 0)
		s->cursor = recent < (int)s->count ? recent : (int)s->count;
}

/* Holds the item while it is on screen, unless the reviewer has decided it:
 * then the decision itself counts, and a claim would count them twice. */
static Status claim_if_open(ReviewSession *s, const ReviewEntry *e)
{
	if (s->order == DB_ORDER_MINE || e->mine.decision != DB_DECISION_NONE)
		return STATUS_OK;
	return db_claim_renew(s->db, s->reviewer, e->item_id, s->opt.lease_s);
}

static void arrive(ReviewSession *s)
{
	if (s->cursor < 0 || s->cursor >= (int)s->count)
		return;
	s->entries[s->cursor].shown_at = clock_now_s();
	claim_if_open(s, &s->entries[s->cursor]);
}

/* A new session starts where the last one left off: the reviewer's latest
 * decisions stand above the cursor, to look back at with k. */
static Status load_recent(ReviewSession *s)
{
	long long ids[RECENT];
	int n;
	Status st = db_review_recent(s->db, s->reviewer, ids, RECENT, &n);
	for (int i = 0; st == STATUS_OK && i < n; i++)
		st = append_entry(s, ids[i]);
	return st;
}

Status review_open(Db *db, const ReviewOptions *options, ReviewSession **out)
{
	ReviewSession *s = xcalloc(1, sizeof *s);
	Status st;
	int recent;
	s->db = db;
	s->opt = *options;
	s->reviewer = xstrdup(options->reviewer);
	s->opt.reviewer = s->reviewer;
	s->order = options->order;
	s->cursor = -1;
	*out = NULL;
	st = db_scale_get(db, &s->scale);
	if (st == STATUS_OK && (s->scale.count < 2 || s->scale.count > METRICS_MAX_LEVELS))
		st = status_fail(STATUS_ERR_INPUT, "%s has no usable label scale", db_path(db));
	if (st == STATUS_OK)
		st = db_claim_release(db, s->reviewer, 0);
	if (st == STATUS_OK)
		st = db_review_pairs(db, s->reviewer, count_pair, s);
	if (st == STATUS_OK)
		st = db_review_progress(db, s->reviewer, &s->any, &s->mine, &s->items);
	if (st == STATUS_OK && s->order == DB_ORDER_UNREVIEWED)
		st = load_recent(s);
	recent = (int)s->count;
	s->cursor = recent - 1; /* fill() claims what comes after the recent ones */
	if (st == STATUS_OK)
		st = fill(s);
	start_after_recent(s, recent);
	if (st != STATUS_OK) {
		review_close(s);
		return st;
	}
	arrive(s);
	*out = s;
	return STATUS_OK;
}

void review_close(ReviewSession *s)
{
	if (!s)
		return;
	if (s->order != DB_ORDER_MINE)
		db_claim_release(s->db, s->reviewer, 0);
	for (size_t i = 0; i < s->count; i++)
		entry_free(&s->entries[i]);
	free(s->entries);
	free(s->undo);
	filter_free(&s->filter);
	db_scale_free(&s->scale);
	free(s->reviewer);
	free(s);
}

int review_count(const ReviewSession *s)
{
	return (int)s->count;
}

const ReviewEntry *review_peek(const ReviewSession *s, int index)
{
	return index >= 0 && (size_t)index < s->count ? &s->entries[index] : NULL;
}

int review_cursor(const ReviewSession *s)
{
	return s->cursor;
}

Status review_move(ReviewSession *s, int delta)
{
	int target = s->cursor + delta;
	Status st;
	if (s->cursor < 0)
		return STATUS_OK;
	if (target < 0)
		target = 0;
	/* others' claims may have lapsed or been decided since the queue ran dry */
	if (target >= (int)s->count)
		s->exhausted = 0;
	while (target >= (int)s->count && !s->exhausted)
		if ((st = claim_one(s)) != STATUS_OK)
			return st;
	/* past the last item is a place too: "nothing left", where keys decide nothing */
	if (target > (int)s->count)
		target = (int)s->count;
	if (target != s->cursor) {
		s->cursor = target;
		arrive(s);
	}
	return fill(s);
}

Status review_details(ReviewSession *s, DbItem *item, DbPrediction *prediction)
{
	const ReviewEntry *e = review_peek(s, s->cursor);
	Status st;
	memset(item, 0, sizeof *item);
	memset(prediction, 0, sizeof *prediction);
	if (!e)
		return STATUS_OK;
	st = db_item_get(s->db, e->item_id, item);
	if (st == STATUS_OK && !e->blind)
		st = db_prediction_for_item(s->db, e->item_id, s->opt.run_id, prediction);
	return st;
}

static void push_undo(ReviewSession *s, long long review_id)
{
	s->undo = xgrow(s->undo, &s->undo_capacity, s->undo_count + 1, sizeof *s->undo);
	s->undo[s->undo_count++] = review_id;
}

static int decided(const DbStanding *d)
{
	return db_decision_labels(d->decision);
}

/* The log's word for each action. */
static const DbDecision action_decision[] = {
	[REVIEW_ACCEPT] = DB_DECISION_ACCEPT,
	[REVIEW_OVERRIDE] = DB_DECISION_OVERRIDE,
	[REVIEW_SKIP] = DB_DECISION_SKIP,
};

Status review_decide(ReviewSession *s, ReviewAction action, int label, DbVerdict verdict)
{
	ReviewEntry *e = s->cursor >= 0 && s->cursor < (int)s->count ? &s->entries[s->cursor] : NULL;
	DbReviewNew row;
	long long id;
	int was_decided;
	Status st;

	if (!e)
		return status_fail(STATUS_ERR_INPUT, "nothing to review");
	if (action == REVIEW_ACCEPT && (e->blind || !e->prediction_id || e->llm_label < 1))
		return status_fail(STATUS_ERR_INPUT, e->blind ? "blind item: give the label with a "
								"digit" : "no LLM label to accept");
	if (action == REVIEW_OVERRIDE && (label < 1 || label > s->scale.count))
		return status_fail(STATUS_ERR_INPUT, "the scale runs 1..%d", s->scale.count);
	row = (DbReviewNew){
		.item_id = e->item_id, .reviewer = s->reviewer,
		.decision = action_decision[action],
		.label = action == REVIEW_ACCEPT ? e->llm_label : action == REVIEW_OVERRIDE ? label : 0,
		.verdict = e->blind ? DB_VERDICT_NONE : verdict,
		.prediction_id = e->blind ? 0 : e->prediction_id,
		.blind = e->blind, .time_spent_ms = (long)((clock_now_s() - e->shown_at) * 1000),
	};
	st = db_review_add(s->db, &row, &id);
	if (st != STATUS_OK)
		return st;
	was_decided = decided(&e->mine);
	tally(s, e, -1);
	e->mine.review_id = id;
	e->mine.decision = row.decision;
	e->mine.label = row.label;
	e->mine.verdict = row.verdict;
	tally(s, e, +1);
	if (!was_decided && decided(&e->mine))
		s->mine++, s->any++;
	push_undo(s, id);
	db_claim_release(s->db, s->reviewer, e->item_id);
	return review_move(s, 1);
}

static int entry_of(const ReviewSession *s, long long item_id)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->entries[i].item_id == item_id)
			return (int)i;
	return -1;
}

Status review_undo(ReviewSession *s, int *undone)
{
	DbReviewNew row = {.reviewer = s->reviewer, .decision = DB_DECISION_RETRACT};
	long long retracted, item_id = 0;
	ReviewEntry *e;
	Status st;
	int index;

	*undone = 0;
	if (!s->undo_count)
		return STATUS_OK;
	retracted = s->undo[s->undo_count - 1];
	for (size_t i = 0; i < s->count; i++)
		if (s->entries[i].mine.review_id == retracted)
			item_id = s->entries[i].item_id;
	index = entry_of(s, item_id);
	if (index < 0)
		return status_fail(STATUS_ERR_INPUT, "the decision to undo is no longer standing");
	e = &s->entries[index];
	row.item_id = item_id;
	row.retracts = retracted;
	st = db_review_add(s->db, &row, NULL);
	if (st != STATUS_OK)
		return st;
	s->undo_count--;
	tally(s, e, -1);
	if (decided(&e->mine))
		s->mine--, s->any--;
	st = db_review_standing(s->db, item_id, s->reviewer, &e->mine);
	tally(s, e, +1);
	if (decided(&e->mine))
		s->mine++, s->any++;
	*undone = 1;
	s->cursor = index;
	arrive(s);
	return st;
}

Status review_keepalive(ReviewSession *s)
{
	const ReviewEntry *e = review_peek(s, s->cursor);
	return e ? claim_if_open(s, e) : STATUS_OK;
}

Status review_note(ReviewSession *s, const char *text)
{
	const ReviewEntry *e = review_peek(s, s->cursor);
	DbReviewNew row = {.reviewer = s->reviewer, .decision = DB_DECISION_NOTE, .note = text};
	if (!e)
		return status_fail(STATUS_ERR_INPUT, "nothing to note");
	row.item_id = e->item_id;
	return db_review_add(s->db, &row, NULL);
}

Status review_requeue(ReviewSession *s, DbOrder order, const ReviewFilter *filter)
{
	ReviewFilter copy = {0};
	filter_copy(&copy, filter); /* filter may point into s->filter */
	if (s->order != DB_ORDER_MINE)
		db_claim_release(s->db, s->reviewer, 0);
	for (size_t i = 0; i < s->count; i++)
		entry_free(&s->entries[i]);
	s->count = 0;
	s->cursor = -1;
	s->after_id = 0;
	s->exhausted = 0;
	s->undo_count = 0; /* undo follows what is on screen */
	s->order = order;
	filter_free(&s->filter);
	s->filter = copy;
	Status st = fill(s);
	arrive(s);
	return st;
}

DbOrder review_order(const ReviewSession *s)
{
	return s->order;
}

const ReviewFilter *review_filter(const ReviewSession *s)
{
	return &s->filter;
}

MetricValue review_kappa(const ReviewSession *s, long *pairs)
{
	int K = s->scale.count;
	long n = 0;
	for (int i = 0; i < K * K; i++)
		n += s->table[i];
	if (pairs)
		*pairs = n;
	return metrics_table_stat(s->table, K, METRICS_STAT_KAPPA_QUADRATIC);
}

void review_progress(const ReviewSession *s, long long *mine, long long *any, long long *items)
{
	*mine = s->mine;
	*any = s->any;
	*items = s->items;
}

const DbScale *review_scale(const ReviewSession *s)
{
	return &s->scale;
}

int review_upcoming(const ReviewSession *s, const char **paths, int max)
{
	int n = 0;
	for (int i = s->cursor + 1; i < (int)s->count && n < max; i++)
		if (s->entries[i].path)
			paths[n++] = s->entries[i].path;
	return n;
}
