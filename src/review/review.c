/* review.c - a reviewer's session over the queue. */
#include "src/review/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/audits.h"
#include "src/base/clock.h"
#include "src/base/xalloc.h"

enum { BLIND_SALT = 1, RECENT = 10, MAX_LOOKAHEAD = 32 };

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
	DbQueueCounts counts;
	DbVerdict pending;   /* a verdict on the current item, waiting for its decision */
	long long pending_item;
	double renewed_at;   /* when the session's claims were last renewed */
	char notice[256];
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

/* ---- what the title bar shows, read back after each change ---- */

static void count_pair(void *arg, int llm, int human, long long n)
{
	ReviewSession *s = arg;
	int K = s->scale.count;
	if (llm >= 1 && llm <= K && human >= 1 && human <= K)
		s->table[(llm - 1) * K + (human - 1)] += (long)n;
}

/* The running agreement and the counts are kept by the database (db/queue.h):
 * reading them costs K*K rows and one lookup, whatever the log's size. */
static Status refresh_figures(ReviewSession *s)
{
	Status st = db_queue_counts(s->db, s->reviewer, &s->counts);
	memset(s->table, 0, sizeof s->table);
	if (st == STATUS_OK)
		st = db_review_pairs(s->db, s->reviewer, count_pair, s);
	return st;
}

/* ---- the list ---- */

/* Whether the LLM's answer is hidden: an audit's items by the audit's rule
 * (blind unless drawn --primed, whatever the order that brings them: the
 * answer anchors people, and the audit's labels must not lean on it), the
 * others in the session's blind share. */
static Status blind_rule(ReviewSession *s, long long item_id, int *blind)
{
	int audit;
	Status st = db_audit_blind(s->db, item_id, &audit);

	*blind = audit >= 0
			 ? audit
			 : db_claim_in_share(item_id, (int)(s->opt.blind * 1000 + 0.5), BLIND_SALT);
	return st;
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
	st = blind_rule(s, item_id, &e->blind);
	e->prediction_id = p.id && p.status == DB_PREDICTION_OK ? p.id : 0;
	e->llm_label = e->prediction_id ? p.label : 0;
	if (st == STATUS_OK)
		st = db_review_standing(s->db, item_id, s->reviewer, &e->mine);
	db_prediction_free(&p);
	db_item_free(&item);
	return st;
}

/* Takes entry index out of the list (someone else has the item). */
static void drop_entry(ReviewSession *s, int index)
{
	entry_free(&s->entries[index]);
	memmove(&s->entries[index], &s->entries[index + 1],
		(s->count - (size_t)index - 1) * sizeof *s->entries);
	s->count--;
	if (s->cursor > index)
		s->cursor--;
}

/* Claims up to want more items onto the end of the list, in one
 * transaction; sets exhausted when fewer are left. */
static Status claim_more(ReviewSession *s, int want)
{
	DbClaimQuery q = {
		.reviewer = s->reviewer, .order = s->order, .seed = s->opt.seed,
		.lease_s = s->opt.lease_s, .category = s->filter.category,
		.search = s->filter.search, .llm_label = s->filter.llm_label,
		.mine_decision = s->filter.mine_decision, .mine_label = s->filter.mine_label,
	};
	long long ids[2 * MAX_LOOKAHEAD + 1];
	int n;
	double now = clock_now_s();
	Status st;
	if (want > (int)(sizeof ids / sizeof ids[0]))
		want = (int)(sizeof ids / sizeof ids[0]);
	st = db_claim_next(s->db, &q, s->after_id, ids, want, &n);
	if (st != STATUS_OK)
		return st;
	if (n < want)
		s->exhausted = 1;
	if (n && (s->order == DB_ORDER_UNREVIEWED || s->order == DB_ORDER_MINE))
		s->after_id = ids[n - 1];
	for (int i = 0; st == STATUS_OK && i < n; i++) {
		st = append_entry(s, ids[i]);
		if (st == STATUS_OK)
			s->entries[s->count - 1].held_at = now;
	}
	return st;
}

/* Keeps between lookahead and twice lookahead entries claimed after the
 * cursor: a claim transaction every lookahead keys, not every key. */
static Status fill(ReviewSession *s)
{
	int ahead = (int)s->count - 1 - s->cursor;
	Status st = STATUS_OK;
	if (!s->exhausted && ahead < s->opt.lookahead)
		st = claim_more(s, 2 * s->opt.lookahead - ahead);
	if (s->cursor < 0 && s->count)
		s->cursor = 0;
	return st;
}

/* Makes sure the item on screen is the reviewer's to decide: their claim
 * renewed, or taken again when it lapsed and nobody else took it. When
 * someone did, the item leaves the list, with a word why. Browsing one's own
 * decisions holds nothing. */
static Status hold_current(ReviewSession *s, int dropped)
{
	while (s->cursor >= 0 && s->cursor < (int)s->count && s->order != DB_ORDER_MINE) {
		ReviewEntry *e = &s->entries[s->cursor];
		double now = clock_now_s();
		int held;
		Status st;
		/* a claim taken or renewed within a renewal interval is surely live */
		if (e->held_at > 0 && now - e->held_at < s->opt.renew_s)
			break;
		st = db_claim_hold(s->db, s->reviewer, e->item_id, s->opt.lease_s, &held);
		if (st != STATUS_OK)
			return st;
		if (held) {
			e->held_at = now;
			break;
		}
		/* the first one is named; the rest are counted */
		if (!s->notice[0])
			snprintf(s->notice, sizeof s->notice, "%.100s was taken by another reviewer "
				 "while it waited; it left your queue", e->external_id);
		dropped++;
		drop_entry(s, s->cursor);
		st = fill(s);
		if (st != STATUS_OK)
			return st;
	}
	if (dropped > 1 && !strstr(s->notice, " in all)"))
		snprintf(s->notice + strlen(s->notice), sizeof s->notice - strlen(s->notice),
			 " (%d items in all)", dropped);
	return STATUS_OK;
}

/* A verdict marked on an item left undecided is written as it is left. */
static Status leave(ReviewSession *s)
{
	const ReviewEntry *e = review_peek(s, s->cursor);
	Status st = STATUS_OK;
	if (s->pending != DB_VERDICT_NONE && e && e->item_id == s->pending_item &&
	    e->mine.decision == DB_DECISION_NONE)
		st = db_review_verdict(s->db, e->item_id, s->reviewer, s->pending);
	s->pending = DB_VERDICT_NONE;
	s->pending_item = 0;
	return st;
}

static Status arrive(ReviewSession *s)
{
	if (s->cursor < 0 || s->cursor >= (int)s->count)
		return STATUS_OK;
	s->entries[s->cursor].shown_at = clock_now_s();
	return hold_current(s, 0);
}

/* A new session starts where the last one left off: the reviewer's latest
 * decisions stand above the cursor, to look back at with k. A decision that
 * names an item no longer in the database is left out and reported. */
static Status load_recent(ReviewSession *s)
{
	long long ids[RECENT];
	int n, gone = 0;
	Status st = db_review_recent(s->db, s->reviewer, ids, RECENT, &n);
	for (int i = 0; st == STATUS_OK && i < n; i++) {
		int exists;
		st = db_review_item_exists(s->db, ids[i], &exists);
		if (st == STATUS_OK && exists)
			st = append_entry(s, ids[i]);
		gone += st == STATUS_OK && !exists;
	}
	if (gone)
		snprintf(s->notice, sizeof s->notice, "%d of your recent decisions name items no "
			 "longer in the database (left out)", gone);
	return st;
}

/* Sets the database's overlap share when the session asks for another. */
static Status settle_overlap(ReviewSession *s)
{
	int permille = (int)(s->opt.overlap * 1000 + 0.5), current;
	Status st;
	if (s->opt.overlap < 0)
		return STATUS_OK;
	st = db_queue_overlap(s->db, &current);
	if (st != STATUS_OK || current == permille)
		return st;
	st = db_begin(s->db);
	if (st == STATUS_OK)
		st = db_queue_set_overlap(s->db, permille);
	if (st != STATUS_OK) {
		db_rollback(s->db);
		return st;
	}
	return db_commit(s->db);
}

Status review_open(Db *db, const ReviewOptions *options, ReviewSession **out)
{
	ReviewSession *s;
	Status st;
	int recent;
	*out = NULL;
	if (options->lease_s <= options->renew_s)
		return status_fail(STATUS_ERR_USAGE, "a lease of %g s is not longer than the renewal "
				   "interval (%g s): claims would lapse between renewals",
				   options->lease_s, options->renew_s);
	s = xcalloc(1, sizeof *s);
	s->db = db;
	s->opt = *options;
	s->reviewer = xstrdup(options->reviewer);
	s->opt.reviewer = s->reviewer;
	s->order = options->order;
	s->cursor = -1;
	s->renewed_at = clock_now_s();
	st = db_scale_get(db, &s->scale);
	if (st == STATUS_OK && (s->scale.count < 2 || s->scale.count > METRICS_MAX_LEVELS))
		st = status_fail(STATUS_ERR_INPUT, "%s has no usable label scale", db_path(db));
	if (st == STATUS_OK)
		st = db_claim_release(db, s->reviewer, 0);
	if (st == STATUS_OK)
		st = settle_overlap(s);
	if (st == STATUS_OK)
		st = refresh_figures(s);
	if (st == STATUS_OK && s->order == DB_ORDER_UNREVIEWED)
		st = load_recent(s);
	recent = (int)s->count;
	s->cursor = recent - 1; /* fill() claims what comes after the recent ones */
	if (st == STATUS_OK)
		st = fill(s);
	/* the cursor goes to the first new item, or past the end when there is none */
	if (recent > 0)
		s->cursor = recent < (int)s->count ? recent : (int)s->count;
	if (st == STATUS_OK)
		st = arrive(s);
	if (st != STATUS_OK) {
		review_close(s);
		return st;
	}
	*out = s;
	return STATUS_OK;
}

void review_close(ReviewSession *s)
{
	if (!s)
		return;
	leave(s);
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
	s->notice[0] = '\0';
	if (s->cursor < 0)
		return STATUS_OK;
	if (target < 0)
		target = 0;
	/* others' claims may have lapsed or been decided since the queue ran dry */
	if (target >= (int)s->count)
		s->exhausted = 0;
	while (target >= (int)s->count && !s->exhausted)
		if ((st = claim_more(s, target - (int)s->count + 1)) != STATUS_OK)
			return st;
	/* past the last item is a place too: "nothing left", where keys decide nothing */
	if (target > (int)s->count)
		target = (int)s->count;
	if (target != s->cursor) {
		if ((st = leave(s)) != STATUS_OK)
			return st;
		s->cursor = target;
		st = arrive(s);
		if (st != STATUS_OK)
			return st;
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
	Status st;

	s->notice[0] = '\0';
	if (!e)
		return status_fail(STATUS_ERR_INPUT, "nothing to review");
	if (action == REVIEW_ACCEPT && (e->blind || !e->prediction_id || e->llm_label < 1))
		return status_fail(STATUS_ERR_INPUT, e->blind ? "blind item: give the label with a "
								"digit" : "no LLM label to accept");
	if (action == REVIEW_OVERRIDE && (label < 1 || label > s->scale.count))
		return status_fail(STATUS_ERR_INPUT, "the scale runs 1..%d", s->scale.count);
	row = (DbReviewNew){
		.item_id = e->item_id,
		.reviewer = s->reviewer,
		.decision = action_decision[action],
		.label = action == REVIEW_ACCEPT     ? e->llm_label
			 : action == REVIEW_OVERRIDE ? label
						     : 0,
		.verdict = e->blind ? DB_VERDICT_NONE : verdict,
		.prediction_id = e->blind ? 0 : e->prediction_id,
		.blind = e->blind,
		.time_spent_ms = (long)((clock_now_s() - e->shown_at) * 1000),
		.from = { DB_FROM_QUEUE, s->order },
	};
	if (s->pending_item == e->item_id && s->pending != DB_VERDICT_NONE && !e->blind)
		row.verdict = s->pending;
	st = db_review_decide(s->db, &row, s->opt.lease_s, &id);
	if (st == STATUS_ERR_TAKEN) {
		char detail[128];
		snprintf(detail, sizeof detail, "%s", status_detail());
		snprintf(s->notice, sizeof s->notice, "%.100s: %s", e->external_id, detail);
		drop_entry(s, s->cursor);
		fill(s);
		if (s->cursor < (int)s->count) {
			s->entries[s->cursor].shown_at = clock_now_s();
			hold_current(s, 1);
		}
		return status_fail(STATUS_ERR_TAKEN, "%s", s->notice);
	}
	if (st != STATUS_OK)
		return st;
	e->mine = (DbStanding){.review_id = id, .decision = row.decision, .label = row.label,
			       .verdict = row.verdict};
	e->held_at = 0; /* the decision gave the claim back */
	s->pending = DB_VERDICT_NONE, s->pending_item = 0;
	push_undo(s, id);
	st = refresh_figures(s);
	if (st != STATUS_OK)
		return st;
	return review_move(s, 1);
}

/* The entry whose standing decision is review_id, or -1. */
static int entry_of_review(const ReviewSession *s, long long review_id)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->entries[i].mine.review_id == review_id)
			return (int)i;
	return -1;
}

Status review_set_verdict(ReviewSession *s, DbVerdict verdict)
{
	ReviewEntry *e = s->cursor >= 0 && s->cursor < (int)s->count ? &s->entries[s->cursor] : NULL;
	Status st;
	if (!e)
		return status_fail(STATUS_ERR_INPUT, "nothing to mark");
	if (e->blind)
		return status_fail(STATUS_ERR_INPUT, "blind item: there is no rationale to judge");
	if (e->mine.decision == DB_DECISION_NONE) {
		s->pending = verdict;
		s->pending_item = e->item_id;
		return STATUS_OK;
	}
	st = db_review_verdict(s->db, e->item_id, s->reviewer, verdict);
	if (st == STATUS_OK)
		e->mine.verdict = verdict;
	return st;
}

DbVerdict review_verdict(const ReviewSession *s)
{
	const ReviewEntry *e = review_peek(s, s->cursor);
	if (!e)
		return DB_VERDICT_NONE;
	return s->pending_item == e->item_id ? s->pending : e->mine.verdict;
}

Status review_undo(ReviewSession *s, int *undone)
{
	DbReviewNew row = {.reviewer = s->reviewer, .decision = DB_DECISION_RETRACT};
	ReviewEntry *e;
	Status st;
	int index;

	*undone = 0;
	s->notice[0] = '\0';
	if (!s->undo_count)
		return STATUS_OK;
	index = entry_of_review(s, s->undo[s->undo_count - 1]);
	/* the mark pending on the item on screen is written as the cursor moves */
	if (index < 0)
		return status_fail(STATUS_ERR_INPUT, "the decision to undo is no longer standing");
	e = &s->entries[index];
	row.item_id = e->item_id;
	row.retracts = s->undo[s->undo_count - 1];
	st = db_review_retract(s->db, &row, s->opt.lease_s);
	if (st != STATUS_OK)
		return st;
	e->held_at = clock_now_s(); /* the retract took the claim back */
	leave(s);
	s->undo_count--;
	st = db_review_standing(s->db, e->item_id, s->reviewer, &e->mine);
	if (st == STATUS_OK)
		st = refresh_figures(s);
	*undone = 1;
	s->cursor = index;
	if (st == STATUS_OK)
		st = arrive(s);
	return st;
}

int review_keepalive(ReviewSession *s)
{
	double now = clock_now_s();
	int before = (int)s->count;
	if (now - s->renewed_at < s->opt.renew_s)
		return 0;
	s->renewed_at = now;
	if (s->order != DB_ORDER_MINE && db_claim_renew_all(s->db, s->reviewer, s->opt.lease_s) ==
					      STATUS_OK)
		for (size_t i = 0; i < s->count; i++)
			if (s->entries[i].held_at > 0)
				s->entries[i].held_at = now;
	/* at the end of the list: items others walked away from are free again */
	if (s->cursor >= (int)s->count && s->order != DB_ORDER_MINE) {
		s->exhausted = 0;
		if (fill(s) == STATUS_OK && (int)s->count > before) {
			s->cursor = before;
			arrive(s);
		}
	}
	refresh_figures(s);
	return (int)s->count != before;
}

const char *review_notice(const ReviewSession *s)
{
	return s->notice;
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
	Status st;
	filter_copy(&copy, filter); /* filter may point into s->filter */
	leave(s);
	if (s->order != DB_ORDER_MINE)
		db_claim_release(s->db, s->reviewer, 0);
	for (size_t i = 0; i < s->count; i++)
		entry_free(&s->entries[i]);
	s->count = 0;
	s->cursor = -1;
	s->after_id = 0;
	s->exhausted = 0;
	s->undo_count = 0; /* undo follows what is on screen */
	s->notice[0] = '\0';
	s->order = order;
	filter_free(&s->filter);
	s->filter = copy;
	st = fill(s);
	if (st == STATUS_OK)
		st = arrive(s);
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

const DbQueueCounts *review_progress(const ReviewSession *s)
{
	return &s->counts;
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
