/* audit.c - drawing and growing audits (see audit.h). */
#include "src/estimate/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/items.h"
#include "src/base/intmap.h"
#include "src/base/xalloc.h"
#include "src/estimate/draw.h"

/* The draw being made: strata are indexed 0..K (0 is a uniform audit's
 * one stratum, 1..K the LLM labels). */
typedef struct {
	int K;
	DbScale scale;
	DbAuditDesign design;
	uint64_t seed;
	long long *population, *held, *next_rank, *size; /* [K + 1] each */
	IntMap *members;                                 /* held item id -> its stratum */
	DrawCandidate *cand;
	size_t n_cand, cap;
	long long moved;
} Draw;

static void draw_free(Draw *d)
{
	free(d->population), free(d->held), free(d->next_rank), free(d->size);
	free(d->cand);
	intmap_free(d->members);
	db_scale_free(&d->scale);
}

static int on_member(void *arg, const DbAuditItem *it)
{
	Draw *d = arg;

	if (it->stratum < 0 || it->stratum > d->K)
		return 0; /* a stratum the scale no longer has: kept, never grown */
	intmap_get_or_add(d->members, (uint64_t)it->item_id, it->stratum, NULL);
	d->held[it->stratum]++;
	if (it->rank + 1 > d->next_rank[it->stratum])
		d->next_rank[it->stratum] = it->rank + 1;
	return 0;
}

static int on_frame(void *arg, long long item_id, int stratum)
{
	Draw *d = arg;
	int held = intmap_get(d->members, (uint64_t)item_id, -1);

	if (held >= 0) {
		d->moved += held != stratum;
		return 0;
	}
	d->population[stratum]++;
	d->cand = xgrow(d->cand, &d->cap, d->n_cand + 1, sizeof *d->cand);
	d->cand[d->n_cand++] = (DrawCandidate){ item_id, stratum, draw_key(d->seed, item_id) };
	return 0;
}

/* The stratum's name for messages: "the audit" or "LLM label 2 (poor)". */
static void stratum_name(const Draw *d, int s, char *out, size_t size)
{
	if (d->design == DB_AUDIT_UNIFORM)
		snprintf(out, size, "the audit");
	else
		snprintf(out, size, "LLM label %d (%.60s)", s, d->scale.names[s - 1]);
}

/* draw_allocate() names strata "#i"; say which. */
static Status named(const Draw *d, Status st)
{
	char name[96], detail[512];
	int s, used = 0;

	if (st == STATUS_OK)
		return st;
	snprintf(detail, sizeof detail, "%s", status_detail());
	if (sscanf(detail, "#%d:%n", &s, &used) == 1 && used > 0 && s >= 0 && s <= d->K) {
		stratum_name(d, s, name, sizeof name);
		return status_fail(st, "%s:%s", name, detail + used);
	}
	return status_fail(st, "%s", detail);
}

static Status sizes(Draw *d, const AuditDrawOptions *o)
{
	int n = d->K + 1;
	long long *fixed = xmalloc((size_t)n * sizeof *fixed);
	Status st;

	for (int s = 0; s < n; s++)
		fixed[s] = d->design == DB_AUDIT_LLM && o->stratum_size ? o->stratum_size[s] : -1;
	st = named(d, draw_allocate(d->population, d->held, fixed, n, o->size, d->size));
	free(fixed);
	for (int s = 1; st == STATUS_OK && d->design == DB_AUDIT_LLM && s < n; s++) {
		char name[96];

		stratum_name(d, s, name, sizeof name);
		if (d->population[s] > 0 && d->size[s] == 0)
			st = status_fail(STATUS_ERR_USAGE,
					 "%s gets no item: its items could not be "
					 "weighted (give it a size of at least 2)",
					 name);
	}
	return st;
}

/* Writes the strata, then their new items in draw order (the strata first:
 * the audit order is kept from both). */
static Status write_draw(Db *db, Draw *d, long long id, AuditDrawResult *r)
{
	size_t at = 0;
	Status st = STATUS_OK;

	for (int s = 0; st == STATUS_OK && s <= d->K; s++) {
		DbAuditStratum row = { s, d->population[s], d->size[s] };

		if (d->population[s] > 0)
			st = db_audit_set_stratum(db, id, &row);
		r->size += d->size[s];
		r->population += d->population[s];
	}
	for (int s = 0; st == STATUS_OK && s <= d->K; s++) {
		long long want = d->size[s] - d->held[s];
		double p = d->population[s] > 0 ? (double)d->size[s] / (double)d->population[s] : 0;

		while (at < d->n_cand && d->cand[at].stratum < s)
			at++;
		for (; st == STATUS_OK && want > 0 && at < d->n_cand && d->cand[at].stratum == s;
		     want--, at++) {
			DbAuditItem it = { .item_id = d->cand[at].item_id,
					   .stratum = s,
					   .rank = d->next_rank[s]++,
					   .draw_key = d->cand[at].key,
					   .probability = p };

			st = db_audit_add_item(db, id, &it);
			r->added++;
		}
	}
	if (st == STATUS_OK)
		st = db_audit_log_draw(db, id, r->size, r->population, r->added);
	return st;
}

/* Reads what the draw starts from: the scale, the audit grown, the population. */
static Status prepare(Db *db, const AuditDrawOptions *o, Draw *d)
{
	DbAudit audit = { 0 };
	Status st = db_scale_get(db, &d->scale);
	size_t n;

	if (st != STATUS_OK)
		return st;
	if (d->scale.count < 1)
		return status_fail(STATUS_ERR_INPUT, "%s has no label scale", db_path(db));
	d->K = d->scale.count;
	n = (size_t)d->K + 1;
	d->population = xcalloc(n, sizeof *d->population);
	d->held = xcalloc(n, sizeof *d->held);
	d->next_rank = xcalloc(n, sizeof *d->next_rank);
	d->size = xcalloc(n, sizeof *d->size);
	d->members = intmap_new();
	d->design = o->design;
	d->seed = o->seed;
	if (o->grow) {
		st = db_audit_get(db, o->grow, &audit);
		d->design = audit.design;
		d->seed = audit.seed;
		db_audit_free(&audit);
		if (st == STATUS_OK)
			st = db_audit_items(db, o->grow, on_member, d);
	}
	if (st == STATUS_OK)
		st = db_audit_frame(db, d->design, d->K, on_frame, d);
	for (size_t s = 0; s < n; s++)
		d->population[s] += d->held[s];
	return st;
}

Status audit_draw(Db *db, const AuditDrawOptions *o, AuditDrawResult *r)
{
	Draw d = { 0 };
	long long id = o->grow;
	Status st;

	memset(r, 0, sizeof *r);
	st = db_begin(db);
	if (st != STATUS_OK)
		return st;
	st = prepare(db, o, &d);
	if (st == STATUS_OK && d.n_cand == 0 && !o->grow)
		st = status_fail(STATUS_ERR_INPUT, "%s has no item to draw from%s", db_path(db),
				 d.design == DB_AUDIT_LLM ? " (no item has an LLM label)" : "");
	if (st == STATUS_OK)
		st = sizes(&d, o);
	draw_order(d.cand, d.n_cand);
	if (st == STATUS_OK && !id)
		st = db_audit_create(db, o->name, d.design, d.seed, o->blind, &id);
	if (st == STATUS_OK)
		st = write_draw(db, &d, id, r);
	r->id = id;
	r->moved = d.moved;
	draw_free(&d);
	if (st != STATUS_OK) {
		db_rollback(db);
		return st;
	}
	return db_commit(db);
}
