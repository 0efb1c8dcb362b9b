/* ratings.c - importing existing ratings (see ratings.h). A format's reader
 * (ratingformats.c) hands over records; they are checked and kept here,
 * then written when the whole file was good: human ratings grouped by item
 * and rater, the LLM's as runs, adjudications last. */
#include "src/import/ratings.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "db/items.h"
#include "db/ratings.h"
#include "db/runs.h"
#include "src/base/intmap.h"
#include "src/base/xalloc.h"
#include "src/import/ratingformats.h"

/* Problems listed one by one before the rest are only counted. */
enum { MAX_PROBLEMS_SHOWN = 20, MAX_CHAIN = 64 };

/* One kept rating. rater indexes the interned names. */
typedef struct {
	long long item_id;
	int rater, label;
	long order;    /* its place in the file: later ratings come later */
	char time[32]; /* as the log stores it; "" for now */
	char *reason;  /* adjudications */
} Kept;

typedef struct {
	Kept *at;
	size_t n, cap;
} KeptList;

typedef struct {
	Db *db;
	const char *path;
	const RatingsOptions *opt;
	RatingsReport *report;
	DbScale scale;
	char **names; /* interned rater names */
	size_t n_names, cap_names;
	IntMap *name_index; /* FNV-1a of a name -> its index (a collision falls back to a scan) */
	KeptList human, llm, adjudications;
	long order;
} Importer;

static void problem(Importer *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(Importer *im, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	im->report->bad++;
	if (!im->opt->on_problem || im->report->bad > MAX_PROBLEMS_SHOWN)
		return;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	im->opt->on_problem(im->opt->arg, message);
}

/* A reader's message is "LINE: why" or "task N: why"; the path goes first. */
static void on_bad(void *ctx, const char *message)
{
	Importer *im = ctx;
	im->report->rows++;
	problem(im, "%s:%s%s", im->path, isdigit((unsigned char)message[0]) ? "" : " ", message);
}

static void on_passed(void *ctx)
{
	Importer *im = ctx;
	im->report->rows++;
	im->report->passed++;
}

/* ---- labels ---- */

/* The label text names: a whole number 1..K (spaces around it allowed), a
 * level's name in any case, or a mapped name. 0 when none of those. */
static int parse_label(const Importer *im, const char *text)
{
	char *end;
	long v;
	while (isspace((unsigned char)*text))
		text++;
	v = strtol(text, &end, 10);
	while (end != text && isspace((unsigned char)*end))
		end++;
	if (end != text && !*end)
		return v >= 1 && v <= im->scale.count ? (int)v : 0;
	for (int i = 0; i < im->opt->n_maps; i++)
		if (!strcmp(im->opt->maps[i].name, text))
			return im->opt->maps[i].label;
	for (int i = 0; i < im->scale.count; i++)
		if (!strcasecmp(im->scale.names[i], text))
			return i + 1;
	return 0;
}

/* "1 unusable, 2 poor, ..." for messages. */
static void scale_list(const Importer *im, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < im->scale.count && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%d %s", i ? ", " : "", i + 1,
				      im->scale.names[i]);
}

/* ---- keeping what the reader gives ---- */

static uint64_t fnv(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static int intern(Importer *im, const char *name)
{
	int at = intmap_get(im->name_index, fnv(name), -1);
	if (at >= 0 && strcmp(im->names[at], name))
		for (at = (int)im->n_names; --at >= 0 && strcmp(im->names[at], name);)
			;
	if (at >= 0)
		return at;
	im->names = xgrow(im->names, &im->cap_names, im->n_names + 1, sizeof *im->names);
	im->names[im->n_names] = xstrdup(name);
	intmap_get_or_add(im->name_index, fnv(name), (int)im->n_names, NULL);
	return (int)im->n_names++;
}

static void keep(KeptList *list, const Kept *k)
{
	list->at = xgrow(list->at, &list->cap, list->n + 1, sizeof *list->at);
	list->at[list->n++] = *k;
}

/* Checks a record's label and time and finds (or creates) its item; 0 when
 * the record is bad (reported). */
static Status check(Importer *im, const RatingRecord *r, Kept *k, int *good)
{
	char scale[512];
	int created;
	Status st;
	*good = 0;
	k->label = parse_label(im, r->label);
	if (!k->label) {
		scale_list(im, scale, sizeof scale);
		problem(im,
			"%s:%ld: label \"%s\" is not on the scale (%s); map it with --map "
			"'%s=N'",
			im->path, r->line, r->label, scale, r->label);
		return STATUS_OK;
	}
	if (r->time && !db_ratings_time(im->db, r->time, k->time)) {
		problem(im, "%s:%ld: time \"%s\" is not a date or time (ISO 8601, or Unix seconds)",
			im->path, r->line, r->time);
		return STATUS_OK;
	}
	st = db_ratings_item(im->db, r->item, im->path, &k->item_id, &created);
	im->report->items_created += created;
	*good = st == STATUS_OK;
	return st;
}

static Status on_take(void *ctx, const RatingRecord *r)
{
	Importer *im = ctx;
	Kept k = { .order = im->order++ };
	int good;
	Status st;
	im->report->rows++;
	st = check(im, r, &k, &good);
	if (st != STATUS_OK || !good)
		return st;
	k.rater = intern(im, r->rater);
	if (r->kind == RATING_ADJUDICATION) {
		k.reason = r->reason ? xstrdup(r->reason) : NULL;
		keep(&im->adjudications, &k);
	} else if (r->kind == RATING_LLM ||
		   (im->opt->llm_rater && !strcmp(r->rater, im->opt->llm_rater))) {
		keep(&im->llm, &k);
		im->report->llm++;
	} else {
		keep(&im->human, &k);
	}
	return STATUS_OK;
}

/* ---- writing: human ratings ---- */

static int by_item_rater(const void *pa, const void *pb)
{
	const Kept *a = pa, *b = pb;
	if (a->item_id != b->item_id)
		return a->item_id < b->item_id ? -1 : 1;
	if (a->rater != b->rater)
		return a->rater < b->rater ? -1 : 1;
	return (a->order > b->order) - (a->order < b->order);
}

/* qsort() of an empty list would be given NULL, which it may not be. */
static void sort_by_item_rater(KeptList *list)
{
	if (list->n)
		qsort(list->at, list->n, sizeof *list->at, by_item_rater);
}

/* One rater's ratings of one item, g[0..n): written as their votes unless
 * their votes on the item are exactly these already. */
static Status write_chain(Importer *im, const Kept *g, size_t n)
{
	int have[MAX_CHAIN], count, same;
	const char *rater = im->names[g[0].rater];
	Status st = db_ratings_chain(im->db, g[0].item_id, rater, have, MAX_CHAIN, &count);
	same = st == STATUS_OK && (size_t)count == n;
	for (size_t i = 0; same && i < n; i++)
		same = have[i] == g[i].label;
	if (st != STATUS_OK)
		return st;
	if (same) {
		im->report->present += (long)n;
		return STATUS_OK;
	}
	for (size_t i = 0; st == STATUS_OK && i < n; i++)
		st = db_ratings_add(im->db, g[i].item_id, rater, g[i].label, i > 0,
				    g[i].time[0] ? g[i].time : NULL);
	im->report->added += (long)n;
	return st;
}

static Status write_humans(Importer *im)
{
	KeptList *h = &im->human;
	Status st = STATUS_OK;
	sort_by_item_rater(h);
	for (size_t i = 0, j; st == STATUS_OK && i < h->n; i = j) {
		for (j = i + 1; j < h->n && h->at[j].item_id == h->at[i].item_id &&
				h->at[j].rater == h->at[i].rater;
		     j++)
			;
		st = write_chain(im, h->at + i, j - i);
	}
	return st;
}

/* ---- writing: LLM runs and adjudications ---- */

/* Keeps the last of each (rater, item) run of sorted ratings; returns how
 * many are left. */
static size_t last_of_each(KeptList *list)
{
	size_t kept = 0;
	sort_by_item_rater(list);
	for (size_t i = 0; i < list->n; i++) {
		if (i + 1 < list->n && list->at[i + 1].item_id == list->at[i].item_id &&
		    list->at[i + 1].rater == list->at[i].rater) {
			free(list->at[i].reason);
			continue;
		}
		list->at[kept++] = list->at[i];
	}
	return list->n = kept;
}

/* Whether the latest imported run of rater already says all of its labels. */
static Status llm_present(Importer *im, int rater, int *present)
{
	long long run;
	Status st = db_ratings_import_run(im->db, im->names[rater], &run);
	*present = run != 0;
	for (size_t i = 0; st == STATUS_OK && *present && i < im->llm.n; i++) {
		int label;
		if (im->llm.at[i].rater != rater)
			continue;
		st = db_ratings_prediction_label(im->db, run, im->llm.at[i].item_id, &label);
		*present = label == im->llm.at[i].label;
	}
	return st;
}

static Status add_llm_run(Importer *im, int rater)
{
	cJSON *json = cJSON_CreateObject();
	char *params;
	DbRunNew run = { .provider = "import", .model = im->names[rater] };
	long long run_id = 0;
	Status st;
	cJSON_AddStringToObject(json, "source", im->path);
	run.params_json = params = cJSON_PrintUnformatted(json);
	st = db_run_create(im->db, &run, &run_id);
	for (size_t i = 0; st == STATUS_OK && i < im->llm.n; i++) {
		const Kept *k = &im->llm.at[i];
		DbPredictionNew p = { .run_id = run_id,
				      .item_id = k->item_id,
				      .status = DB_PREDICTION_OK,
				      .score = k->label,
				      .label = k->label,
				      .prompt_tokens = -1,
				      .completion_tokens = -1,
				      .attempts = 1 };
		if (k->rater == rater)
			st = db_prediction_add(im->db, &p);
	}
	if (st == STATUS_OK)
		st = db_run_set_status(im->db, run_id, DB_RUN_DONE);
	if (!im->report->llm_run)
		im->report->llm_run = run_id;
	im->report->llm_runs++;
	cJSON_free(params);
	cJSON_Delete(json);
	return st;
}

static Status write_llm(Importer *im)
{
	Status st = STATUS_OK;
	last_of_each(&im->llm);
	for (size_t r = 0; st == STATUS_OK && r < im->n_names; r++) {
		int present, any = 0;
		for (size_t i = 0; !any && i < im->llm.n; i++)
			any = im->llm.at[i].rater == (int)r;
		if (!any)
			continue;
		st = llm_present(im, (int)r, &present);
		if (st == STATUS_OK && !present)
			st = add_llm_run(im, (int)r);
	}
	return st;
}

/* The last adjudication of each item in the file, unless it stands already. */
static Status write_adjudications(Importer *im)
{
	KeptList *a = &im->adjudications;
	Status st = STATUS_OK;
	size_t kept = 0;
	sort_by_item_rater(a);
	for (size_t i = 0; i < a->n; i++) {
		if (i + 1 < a->n && a->at[i + 1].item_id == a->at[i].item_id)
			continue; /* a later adjudication of the item wins */
		a->at[kept++] = a->at[i];
	}
	for (size_t i = 0; st == STATUS_OK && i < kept; i++) {
		const Kept *k = &a->at[i];
		int standing;
		st = db_ratings_adjudicated(im->db, k->item_id, &standing);
		if (st == STATUS_OK && standing != k->label) {
			st = db_ratings_adjudicate(im->db, k->item_id, im->names[k->rater],
						   k->label, k->reason,
						   k->time[0] ? k->time : NULL);
			im->report->adjudications++;
		}
	}
	return st;
}

/* ---- the file ---- */

/* Decides whether what was read goes in, and says why not. */
static Status verdict(Importer *im)
{
	RatingsReport *r = im->report;
	if (r->bad > MAX_PROBLEMS_SHOWN && im->opt->on_problem)
		im->opt->on_problem(im->opt->arg, "... and more bad rows (not listed)");
	if (r->bad && !im->opt->skip_bad)
		return status_fail(STATUS_ERR_INPUT,
				   "%s: %ld bad row%s: nothing imported (fix them, or give "
				   "--skip-bad to import the good rows)",
				   im->path, r->bad, r->bad == 1 ? "" : "s");
	if (r->rows == r->bad + r->passed)
		return status_fail(STATUS_ERR_INPUT, "%s: no ratings to import", im->path);
	return STATUS_OK;
}

static Status read_and_write(Importer *im, const RatingFormat *format)
{
	RatingSink sink = { .take = on_take,
			    .bad = on_bad,
			    .passed = on_passed,
			    .ctx = im,
			    .item_field = im->opt->item_field };
	Status st = format->read(im->path, &sink);
	if (st == STATUS_OK)
		st = verdict(im);
	if (st == STATUS_OK)
		st = write_humans(im);
	if (st == STATUS_OK)
		st = write_llm(im);
	if (st == STATUS_OK)
		st = write_adjudications(im);
	return st;
}

static Status find_format(const Importer *im, const RatingFormat **format)
{
	if (!im->opt->format)
		return ratingformats_detect(im->path, format);
	*format = ratingformats_find(im->opt->format);
	return *format ? STATUS_OK
		       : status_fail(STATUS_ERR_USAGE, "--format %s: not a format",
				     im->opt->format);
}

static void importer_free(Importer *im)
{
	db_scale_free(&im->scale);
	xfree_strings(im->names, im->n_names);
	intmap_free(im->name_index);
	for (size_t i = 0; i < im->adjudications.n; i++)
		free(im->adjudications.at[i].reason);
	free(im->human.at), free(im->llm.at), free(im->adjudications.at);
}

Status ratings_import(Db *db, const char *path, const RatingsOptions *opt, RatingsReport *report)
{
	Importer im = {
		.db = db, .path = path, .opt = opt, .report = report, .name_index = intmap_new()
	};
	const RatingFormat *format = NULL;
	Status st;
	memset(report, 0, sizeof *report);
	st = db_scale_get(db, &im.scale);
	if (st == STATUS_OK && im.scale.count < 1)
		st = status_fail(STATUS_ERR_INPUT, "%s has no label scale", db_path(db));
	if (st == STATUS_OK)
		st = find_format(&im, &format);
	if (st == STATUS_OK) {
		report->format = format->name;
		st = db_begin(db);
	}
	if (st != STATUS_OK)
		goto out;
	st = read_and_write(&im, format);
	if (st == STATUS_OK)
		st = db_commit(db);
	if (st != STATUS_OK)
		db_rollback(db);
	report->committed = st == STATUS_OK;
out:
	importer_free(&im);
	return st;
}
