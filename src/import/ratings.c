/* ratings.c - importing a table of existing ratings (see ratings.h). */
#include "src/import/ratings.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "db/items.h"
#include "db/ratings.h"
#include "db/reviews.h"
#include "db/runs.h"
#include "src/import/manifest.h"
#include "src/base/xalloc.h"

/* Problems listed one by one before the rest are only counted. */
enum { MAX_PROBLEMS_SHOWN = 20 };

typedef struct {
	long long item_id;
	int label;
	long order; /* the row's position: a later rating of an item wins */
} LlmRating;

typedef struct {
	Db *db;
	const char *path;
	const RatingsOptions *opt;
	RatingsReport *report;
	DbScale scale;
	LlmRating *llm;
	size_t n_llm, llm_cap;
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

/* A field as text: a string, or a whole number (JSONL); NULL when absent. */
static char *field_text(cJSON *record, const char *name)
{
	cJSON *f = cJSON_GetObjectItemCaseSensitive(record, name);

	if (cJSON_IsString(f) && f->valuestring[0])
		return xstrdup(f->valuestring);
	if (cJSON_IsNumber(f) && f->valuedouble == (double)(long long)f->valuedouble)
		return xasprintf("%lld", (long long)f->valuedouble);
	return NULL;
}

/* The label a field names: a whole number 1..K (spaces around it allowed)
 * or, failing that, the exact name of a level. 0 when neither. */
static int parse_label(const DbScale *scale, const char *text)
{
	char *end;
	long v;

	while (isspace((unsigned char)*text))
		text++;
	v = strtol(text, &end, 10);
	while (end != text && isspace((unsigned char)*end))
		end++;
	if (end != text && !*end)
		return v >= 1 && v <= scale->count ? (int)v : 0;
	for (int i = 0; i < scale->count; i++)
		if (!strcmp(scale->names[i], text))
			return i + 1;
	return 0;
}

/* Records one human rating unless it is the rater's standing label already. */
static Status add_review(Importer *im, long long item_id, const char *rater, int label)
{
	DbStanding standing;
	DbReviewNew review = { .item_id = item_id,
			       .reviewer = rater,
			       .decision = DB_DECISION_OVERRIDE,
			       .label = label,
			       .blind = 1,
			       .from = { DB_FROM_IMPORT, DB_ORDER_UNREVIEWED } };
	Status st = db_review_standing(im->db, item_id, rater, &standing);

	if (st != STATUS_OK)
		return st;
	if (db_decision_labels(standing.decision) && standing.label == label) {
		im->report->present++;
		return STATUS_OK;
	}
	im->report->added++;
	return db_review_add(im->db, &review, NULL);
}

/* Checks one row and records it; a bad row is reported, not an error. */
static Status take_row(Importer *im, cJSON *record, long line)
{
	char *item = field_text(record, "item"), *rater = field_text(record, "rater");
	char *label_text = field_text(record, "label");
	long long item_id;
	int label = label_text ? parse_label(&im->scale, label_text) : 0, created;
	Status st = STATUS_OK;

	if (!item || !rater || !label_text)
		problem(im, "%s:%ld: \"%s\" is missing (the columns are item, rater, label)",
			im->path, line, !item ? "item" : !rater ? "rater" : "label");
	else if (!label)
		problem(im, "%s:%ld: label \"%s\" is not on the scale (1 to %d, or a level's name)",
			im->path, line, label_text, im->scale.count);
	else
		st = db_ratings_item(im->db, item, im->path, &item_id, &created);
	if (st != STATUS_OK || !item || !rater || !label)
		goto out;
	im->report->items_created += created;
	if (im->opt->llm_rater && !strcmp(rater, im->opt->llm_rater)) {
		im->llm = xgrow(im->llm, &im->llm_cap, im->n_llm + 1, sizeof *im->llm);
		im->llm[im->n_llm++] = (LlmRating){ item_id, label, line };
		im->report->llm++;
	} else {
		st = add_review(im, item_id, rater, label);
	}
out:
	free(item), free(rater), free(label_text);
	return st;
}

static int llm_cmp(const void *pa, const void *pb)
{
	const LlmRating *a = pa, *b = pb;

	if (a->item_id != b->item_id)
		return a->item_id < b->item_id ? -1 : 1;
	return (a->order > b->order) - (a->order < b->order);
}

/* Sorts the LLM ratings by item and keeps each item's last one. */
static void llm_dedupe(Importer *im)
{
	size_t kept = 0;

	qsort(im->llm, im->n_llm, sizeof *im->llm, llm_cmp);
	for (size_t i = 0; i < im->n_llm; i++) {
		if (i + 1 < im->n_llm && im->llm[i + 1].item_id == im->llm[i].item_id)
			continue;
		im->llm[kept++] = im->llm[i];
	}
	im->n_llm = kept;
}

/* Whether the latest imported run of the rater already says all this. */
static Status llm_present(Importer *im, int *present)
{
	long long run;
	Status st = db_ratings_import_run(im->db, im->opt->llm_rater, &run);

	*present = run != 0;
	for (size_t i = 0; st == STATUS_OK && *present && i < im->n_llm; i++) {
		int label;

		st = db_ratings_prediction_label(im->db, run, im->llm[i].item_id, &label);
		*present = label == im->llm[i].label;
	}
	return st;
}

static Status add_llm_run(Importer *im)
{
	char *params = NULL;
	cJSON *json = cJSON_CreateObject();
	DbRunNew run = { .provider = "import", .model = im->opt->llm_rater };
	int present;
	Status st;

	llm_dedupe(im);
	st = llm_present(im, &present);
	if (st != STATUS_OK || present)
		goto out;
	cJSON_AddStringToObject(json, "source", im->path);
	run.params_json = params = cJSON_PrintUnformatted(json);
	st = db_run_create(im->db, &run, &im->report->llm_run);
	for (size_t i = 0; st == STATUS_OK && i < im->n_llm; i++) {
		DbPredictionNew p = { .run_id = im->report->llm_run, .item_id = im->llm[i].item_id,
				      .status = DB_PREDICTION_OK, .score = im->llm[i].label,
				      .label = im->llm[i].label, .prompt_tokens = -1,
				      .completion_tokens = -1, .attempts = 1 };

		st = db_prediction_add(im->db, &p);
	}
	if (st == STATUS_OK)
		st = db_run_set_status(im->db, im->report->llm_run, DB_RUN_DONE);
out:
	cJSON_free(params);
	cJSON_Delete(json);
	return st;
}

static Status read_rows(Importer *im, ManifestReader *reader)
{
	cJSON *record;
	long line;
	Status st;

	for (;;) {
		st = manifest_next(reader, &record, &line);
		if (st == STATUS_ERR_INPUT) {
			im->report->rows++;
			problem(im, "%s", status_detail());
			continue;
		}
		if (st != STATUS_OK || !record)
			return st;
		im->report->rows++;
		st = take_row(im, record, line);
		cJSON_Delete(record);
		if (st != STATUS_OK)
			return st;
	}
}

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
	if (r->rows == r->bad)
		return status_fail(STATUS_ERR_INPUT, "%s: no ratings to import", im->path);
	return STATUS_OK;
}

Status ratings_import(Db *db, const char *path, const RatingsOptions *opt, RatingsReport *report)
{
	Importer im = { .db = db, .path = path, .opt = opt, .report = report };
	ManifestReader *reader = NULL;
	Status st;

	memset(report, 0, sizeof *report);
	st = db_scale_get(db, &im.scale);
	if (st != STATUS_OK)
		return st;
	if (im.scale.count < 1) {
		st = status_fail(STATUS_ERR_INPUT, "%s has no label scale", db_path(db));
		goto out;
	}
	st = manifest_open(path, &reader);
	if (st == STATUS_OK)
		st = db_begin(db);
	if (st != STATUS_OK)
		goto out;
	st = read_rows(&im, reader);
	if (st == STATUS_OK)
		st = verdict(&im);
	if (st == STATUS_OK && im.n_llm)
		st = add_llm_run(&im);
	if (st == STATUS_OK)
		st = db_commit(db);
	if (st != STATUS_OK)
		db_rollback(db);
	report->committed = st == STATUS_OK;
out:
	manifest_close(reader);
	db_scale_free(&im.scale);
	free(im.llm);
	return st;
}
