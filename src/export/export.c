/* export.c - the export's one pass (see export.h): items in id order from
 * db/export.c, each with its votes from db/votes.c, settled, filtered,
 * split, handed to the format; the manifest last. Memory stays flat: one
 * row at a time (only Dawid-Skene needs every vote first, for its fit). */
#include "src/export/export.h"

#include <stdlib.h>
#include <string.h>

#include "db/items.h"
#include "src/base/strbuf.h"
#include "src/base/xalloc.h"
#include "src/export/jsonout.h"
#include "src/export/outdir.h"
#include "src/export/provenance.h"

enum { PROGRESS_EVERY = 1 << 14 };

static const ExportOps *const formats[] = { &jsonl_ops, &csv_ops, &imagefolder_ops };

const char *const export_format_names[] = { "jsonl", "csv", "imagefolder", NULL };

/* What an export may find in its folder from an earlier one (--force). */
static const char *const ours[] = { "gold.jsonl", "gold.csv",   "manifest.json", "README.md",
				    "train",      "validation", "test",          NULL };

const ExportOps *export_format_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof formats / sizeof formats[0]; i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	return NULL;
}

/* Exact splits need every row's label before the first row is written: a
 * first pass records each row it would write (item, label, key hash), the
 * parts are cut, and the second pass, in the same snapshot, writes. */
typedef struct {
	long long *ids;
	SplitItem *items;
	unsigned char *part;
	size_t n, next, cap_ids, cap_items;
} Plan;

typedef struct {
	Db *db;
	const ExportOptions *opt;
	ExportSummary *sum;
	DbScale scale;
	Settlement *ds; /* the Dawid-Skene fit, when the rule is dawid-skene */
	DbExportCursor *items;
	DbVoteCursor *votes;
	const DbVoteItem *vote; /* the votes cursor's current item */
	ExportWriter w;
	Provenance *prov;
	DbExportHash *hash; /* the content hash, computed beside the pass */
	Plan plan;          /* exact splits */
	int planning;       /* the first of exact mode's two passes */
	StrBuf votes_json;
	int *labels; /* the row's vote labels, reused from row to row */
	size_t labels_cap;
	char content_hash[65];
} Export;

/* ---- one row ---- */

static void build_votes_json(StrBuf *b, const DbVoteItem *v, const char **latest,
			     const char **verdict)
{
	strbuf_reset(b);
	strbuf_addc(b, '[');
	*latest = NULL;
	*verdict = NULL;
	for (size_t i = 0; i < v->n_votes; i++) {
		const DbVote *x = &v->votes[i];
		strbuf_adds(b, i ? ",{\"reviewer\":" : "{\"reviewer\":");
		jsonout_string(b, x->reviewer);
		strbuf_adds(b, ",\"label\":");
		jsonout_integer(b, x->label);
		strbuf_adds(b, ",\"time\":");
		jsonout_string(b, x->time);
		strbuf_adds(b, x->blind ? ",\"blind\":true,\"verdict\":"
					: ",\"blind\":false,\"verdict\":");
		jsonout_string(b, x->verdict ? db_verdict_word(x->verdict) : NULL);
		strbuf_addc(b, '}');
		if (x->time && (!*latest || strcmp(x->time, *latest) > 0))
			*latest = x->time;
		if (x->verdict == DB_VERDICT_FLAWED || (x->verdict && !*verdict))
			*verdict = db_verdict_word(x->verdict);
	}
	strbuf_addc(b, ']');
}

/* The item's outcome under the rule, from its streamed votes (and the fit's
 * posterior for dawid-skene); *posterior < 0 when there is none. */
static SettleOutcome settle(Export *e, const DbVoteItem *v, double *posterior)
{
	int *labels = e->labels = xgrow(e->labels, &e->labels_cap, v->n_votes + 1, sizeof *labels);
	SettleItem item = { .labels = labels,
			    .n_labels = v->n_votes,
			    .adjudicated = v->adjudicated,
			    .n_scale = e->scale.count };
	size_t at = e->ds ? settlement_find(e->ds, v->item_id) : (size_t)-1;
	SettleOutcome out;
	int best = 0;
	*posterior = -1;
	for (size_t i = 0; i < v->n_votes; i++)
		labels[i] = v->votes[i].label;
	if (at != (size_t)-1)
		best = dawidskene_best(settlement_ds(e->ds), at, NULL, NULL);
	if (best)
		item.posterior = dawidskene_posterior(settlement_ds(e->ds), at);
	out = settle_item(e->opt->settle.rule, &item, &e->opt->settle.params);
	if (best)
		*posterior = item.posterior[(out.label ? out.label : best) - 1];
	return out;
}

/* The time of the item's last decision (a vote or the adjudication). */
static const char *decided_at(const DbVoteItem *v, const char *latest_vote)
{
	if (v->adjudicated_at && (!latest_vote || strcmp(v->adjudicated_at, latest_vote) > 0))
		return v->adjudicated_at;
	return latest_vote;
}

/* Whether the filters that need the votes keep the row. */
static int kept(const ExportOptions *o, const DbVoteItem *v, const char *decided)
{
	int by_reviewer = !o->n_reviewers;
	if ((o->since || o->until) && !decided)
		return 0;
	if (o->since && strncmp(decided, o->since, 10) < 0)
		return 0;
	if (o->until && strncmp(decided, o->until, 10) > 0)
		return 0;
	for (int i = 0; !by_reviewer && i < o->n_reviewers; i++)
		for (size_t k = 0; !by_reviewer && k < v->n_votes; k++)
			by_reviewer = !strcmp(v->votes[k].reviewer, o->reviewers[i]);
	return by_reviewer;
}

/* The votes cursor brought to item_id (both passes go in id order). */
static Status votes_of(Export *e, long long item_id)
{
	Status st = STATUS_OK;
	while (st == STATUS_OK && (!e->vote || e->vote->item_id < item_id))
		st = db_votes_next(e->votes, &e->vote);
	if (st == STATUS_OK && (!e->vote || e->vote->item_id != item_id))
		st = status_fail(STATUS_ERR_DB, "%s: item %lld changed during the export",
				 db_path(e->db), item_id);
	return st;
}

/* ---- splits ---- */

/* What an item's split is keyed by: its image's hash, else its id. */
static const char *split_key(const DbExportItem *it)
{
	return it->sha256 ? it->sha256 : it->external_id;
}

static void plan_add(Plan *p, const DbExportItem *it, const ExportRow *r, uint64_t seed)
{
	p->ids = xgrow(p->ids, &p->cap_ids, p->n + 1, sizeof *p->ids);
	p->items = xgrow(p->items, &p->cap_items, p->n + 1, sizeof *p->items);
	p->ids[p->n] = it->item_id;
	p->items[p->n++] =
		(SplitItem){ .hash = split_hash(seed, split_key(it)), .label = r->outcome.label };
}

static void plan_free(Plan *p)
{
	free(p->ids), free(p->items), free(p->part);
}

/* The row's part: from the key alone (stable), or as the plan cut it. */
static Status part_of(Export *e, const DbExportItem *it, int *part)
{
	Plan *p = &e->plan;
	if (e->opt->split.mode == SPLIT_STABLE) {
		*part = split_of(&e->opt->split, e->opt->seed, split_key(it));
		return STATUS_OK;
	}
	if (p->next == p->n || p->ids[p->next] != it->item_id)
		return status_fail(STATUS_ERR_DB, "%s: item %lld changed during the export",
				   db_path(e->db), it->item_id);
	*part = p->part[p->next++];
	return STATUS_OK;
}

static Status one_item(Export *e, const DbExportItem *it)
{
	const ExportOptions *o = e->opt;
	ExportRow r = { .item = it,
			.rule = o->settle.rule->name,
			.label_names = (const char *const *)e->scale.names,
			.n_labels = e->scale.count,
			.part = -1 };
	Status st = votes_of(e, it->item_id);
	if (st != STATUS_OK)
		return st;
	r.votes = e->vote;
	r.outcome = settle(e, e->vote, &r.posterior);
	build_votes_json(&e->votes_json, e->vote, &r.reviewed_at, &r.verdict);
	r.votes_json = e->votes_json.data;
	e->sum->items++;
	if (!r.outcome.label && !o->all)
		return e->sum->unsettled++, STATUS_OK;
	if (!kept(o, e->vote, decided_at(e->vote, r.reviewed_at)) ||
	    ((o->run_id || o->prompt_version_id) && !it->run_id))
		return e->sum->filtered++, STATUS_OK;
	if (o->format->accepts && !o->format->accepts(it))
		return e->sum->no_image++, STATUS_OK;
	if (e->planning)
		return plan_add(&e->plan, it, &r, o->seed), STATUS_OK;
	if (o->has_split) {
		st = part_of(e, it, &r.part);
		if (st != STATUS_OK)
			return st;
		r.split = o->split.name[r.part];
		e->sum->per_split[r.part]++;
	}
	st = o->format->row(&e->w, &r);
	provenance_add(e->prov, &r);
	if (st == STATUS_OK && ++e->sum->rows % PROGRESS_EVERY == 0 && o->on_progress)
		o->on_progress(o->arg, e->sum->rows);
	return st;
}

/* ---- the pass ---- */

static Status open_pass(Export *e)
{
	const ExportOptions *o = e->opt;
	DbExportQuery q = { .category = o->category,
			    .run_id = o->run_id,
			    .prompt_version_id = o->prompt_version_id };
	DbVoteQuery vq = { .run_id = -1, .verdicts = 1 };
	Status st = db_export_open(e->db, &q, &e->items);
	if (st == STATUS_OK)
		st = db_votes_open(e->db, &vq, &e->votes);
	return st;
}

static void close_pass(Export *e)
{
	db_votes_close(e->votes);
	db_export_close(e->items);
	e->votes = NULL;
	e->items = NULL;
	e->vote = NULL;
}

static Status pass(Export *e)
{
	const DbExportItem *it;
	Status st = open_pass(e);
	while (st == STATUS_OK && (st = db_export_next(e->items, &it)) == STATUS_OK && it)
		st = one_item(e, it);
	close_pass(e);
	return st;
}

/* Exact mode's first pass, its counts thrown away, and the cut. */
static Status plan(Export *e)
{
	ExportSummary *sum = e->sum, scratch = { 0 };
	Status st;
	e->sum = &scratch;
	e->planning = 1;
	st = pass(e);
	e->planning = 0;
	e->sum = sum;
	if (st != STATUS_OK)
		return st;
	e->plan.part = xmalloc(e->plan.n + 1);
	split_exact(&e->opt->split, e->plan.items, e->plan.n, e->plan.part);
	return STATUS_OK;
}

static Status passes(Export *e)
{
	const ExportOptions *o = e->opt;
	Status st = STATUS_OK;
	if (settle_rule_find("dawid-skene") == o->settle.rule)
		st = settlement_load(e->db, &o->settle, 1, &e->ds);
	if (st == STATUS_OK && o->has_split && o->split.mode == SPLIT_EXACT)
		st = plan(e);
	return st == STATUS_OK ? pass(e) : st;
}

/* Warns about labels too small for the split (they are in the manifest). */
static void warn_split(Export *e)
{
	size_t n;
	const SplitLabel *l = provenance_split_labels(e->prov, &n);
	for (size_t i = 0; i < n; i++) {
		char message[256];
		if (!l[i].too_few && !l[i].missing)
			continue;
		e->sum->too_few++;
		snprintf(message, sizeof message,
			 "label %d has %zu item%s: too few for the split "
			 "(a part gets none); see manifest.json",
			 l[i].label, l[i].n, l[i].n == 1 ? "" : "s");
		if (e->opt->on_warning)
			e->opt->on_warning(e->opt->arg, message);
	}
}

/* The files written, relative to the folder, for the manifest (owned). */
static int files_written(const Export *e, char **files)
{
	const ExportOptions *o = e->opt;
	int n = 0, parts = o->has_split ? o->split.n : 1;
	files[n++] = xstrdup(o->format == &jsonl_ops ? "gold.jsonl"
			     : o->format == &csv_ops ? "gold.csv"
						     : "README.md");
	for (int i = 0; o->format == &imagefolder_ops && i < parts; i++)
		if (o->has_split ? e->sum->per_split[i] : e->sum->rows)
			files[n++] = xasprintf("%s/metadata.jsonl",
					       o->has_split ? o->split.name[i] : "train");
	return n;
}

static Status write_manifest(Export *e)
{
	char *files[SPLIT_MAX + 1];
	int n = files_written(e, files);
	char *json =
		provenance_json(e->prov, e->sum, e->content_hash,
				(const char *const *)e->scale.names, (const char *const *)files, n);
	StrBuf b = { 0 };
	Status st;
	strbuf_adds(&b, json);
	strbuf_addc(&b, '\n');
	st = outdir_write(e->w.dir, -1, "manifest.json", b.data, b.len);
	strbuf_free(&b);
	free(json);
	for (int i = 0; i < n; i++)
		free(files[i]);
	return st;
}

static Status run(Export *e)
{
	Status st = outdir_open(e->opt->out, e->opt->force, ours, &e->w.dir);
	if (st == STATUS_OK)
		st = e->opt->format->begin(&e->w);
	if (st == STATUS_OK)
		st = passes(e);
	if (st == STATUS_OK)
		st = db_export_hash_wait(e->hash, e->content_hash);
	if (st != STATUS_OK) {
		if (e->opt->format->abandon)
			e->opt->format->abandon(&e->w);
		return st;
	}
	warn_split(e);
	st = e->opt->format->finish(&e->w, e->sum);
	if (st == STATUS_OK)
		st = write_manifest(e);
	return st;
}

Status export_run(Db *db, const ExportOptions *opt, ExportSummary *sum)
{
	Export e = { .db = db, .opt = opt, .sum = sum };
	Status st;
	memset(sum, 0, sizeof *sum);
	st = db_scale_get(db, &e.scale);
	if (st == STATUS_OK && e.scale.count < 1)
		st = status_fail(STATUS_ERR_INPUT, "%s has no label scale", db_path(db));
	if (st == STATUS_OK)
		st = db_export_snapshot_begin(db, &e.hash);
	if (st != STATUS_OK) {
		db_export_hash_free(e.hash);
		db_export_snapshot_end(db);
		db_scale_free(&e.scale);
		return st;
	}
	e.w = (ExportWriter){ .options = opt,
			      .label_names = (const char *const *)e.scale.names,
			      .n_labels = e.scale.count,
			      .content_hash = e.content_hash };
	e.prov = provenance_new(opt, e.scale.count);
	st = run(&e);
	close_pass(&e);
	db_export_hash_free(e.hash);
	db_export_snapshot_end(db);
	settlement_free(e.ds);
	provenance_free(e.prov);
	outdir_close(e.w.dir);
	strbuf_free(&e.votes_json);
	free(e.labels);
	plan_free(&e.plan);
	db_scale_free(&e.scale);
	return st;
}
