/* agreement.c - the rows behind gavel agree, streamed in item order.
 *
 * Standing labels are decided here in one ordered pass rather than in SQL:
 * a NOT EXISTS per row plus a window function over a million reviews takes
 * seconds, while walking reviews_by_item_reviewer (whose entries end in the
 * rowid, so each reviewer's rows on an item arrive oldest first) and keeping
 * the last row of each (item, reviewer) run takes a fraction of one. */
#include "db/agreement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/xalloc.h"

static const char RETRACTED[] =
	"SELECT retracts FROM reviews WHERE retracts IS NOT NULL ORDER BY retracts";
/* Column 6: whether the decision falls inside the date window; 7: the queue
 * order it was made in. */
static const char DECISIONS[] =
	"SELECT r.id, r.item_id, r.reviewer, r.decision = 'skip', r.label, r.blind,"
	" (?1 IS NULL OR r.created_at >= ?1) AND (?2 IS NULL OR r.created_at < date(?2, '+1 day')),"
	" r.queue_order"
	" FROM reviews r WHERE r.decision IN ('accept', 'override', 'skip')"
	" ORDER BY r.item_id, r.reviewer, r.id";
static const char PREDICTIONS[] =
	"SELECT item_id, run_id, status,"
	" label, prompt_tokens, completion_tokens FROM predictions"
	" ORDER BY item_id, run_id";
static const char RUNS[] =
	"SELECT r.id, r.prompt_version_id, r.provider, r.model, v.hash, v.name FROM runs r"
	" LEFT JOIN prompt_versions v ON v.id = r.prompt_version_id ORDER BY r.id";
static const char CATEGORIES[] =
	"SELECT id, category FROM items WHERE category IS NOT NULL ORDER BY id";
static const char SCORER_LATEST[] = "SELECT max(id) FROM scorer_models";
static const char SCORES[] =
	"SELECT item_id, score FROM scores WHERE model_id = ?1 ORDER BY item_id";
static const char ITEM_COUNT[] = "SELECT count(*) FROM items";

/* The ids of retracted rows, ascending. */
typedef struct {
	long long *id;
	size_t count, capacity;
} IdSet;

static Status retracted_load(Db *db, IdSet *set)
{
	sqlite3_stmt *stmt = db_statement(db, RETRACTED);
	int rc;

	if (!stmt)
		return STATUS_ERR_DB;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		set->id = xgrow(set->id, &set->capacity, set->count + 1, sizeof *set->id);
		set->id[set->count++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading retractions");
	return STATUS_OK;
}

static int retracted(const IdSet *set, long long id)
{
	size_t lo = 0, hi = set->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < set->count && set->id[lo] == id;
}

/* The (item, reviewer) run being read and the last row of it that stands. */
typedef struct {
	long long item_id;
	char *reviewer;
	size_t reviewer_capacity;
	int has, skip, label, blind, in_window;
	char from[32]; /* "" when unrecorded */
} Group;

static int group_emit(Group *g, int (*fn)(void *, const DbHumanLabel *), void *arg)
{
	DbHumanLabel label;

	if (!g->has || g->skip || !g->in_window)
		return 0;
	label = (DbHumanLabel){ g->item_id, g->reviewer, g->label, g->blind,
				g->from[0] ? g->from : NULL };
	return fn(arg, &label);
}

static void group_start(Group *g, long long item_id, const char *reviewer)
{
	size_t len = strlen(reviewer) + 1;

	g->item_id = item_id;
	g->reviewer = xgrow(g->reviewer, &g->reviewer_capacity, len, 1);
	memcpy(g->reviewer, reviewer, len);
	g->has = 0;
}

Status db_agreement_human_labels(Db *db, const char *since, const char *until,
				 int (*fn)(void *arg, const DbHumanLabel *label), void *arg)
{
	IdSet gone = { 0 };
	Group g = { .item_id = -1 };
	sqlite3_stmt *stmt;
	int rc = SQLITE_DONE, stop = 0;
	Status st = retracted_load(db, &gone);

	if (st != STATUS_OK)
		goto out;
	stmt = db_statement(db, DECISIONS);
	if (!stmt) {
		st = STATUS_ERR_DB;
		goto out;
	}
	db_bind_text_or_null(stmt, 1, since);
	db_bind_text_or_null(stmt, 2, until);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		long long item_id = sqlite3_column_int64(stmt, 1);
		const char *reviewer = (const char *)sqlite3_column_text(stmt, 2);

		if (item_id != g.item_id || strcmp(reviewer, g.reviewer)) {
			stop = group_emit(&g, fn, arg);
			group_start(&g, item_id, reviewer);
		}
		if (retracted(&gone, sqlite3_column_int64(stmt, 0)))
			continue;
		g.has = 1;
		g.skip = sqlite3_column_int(stmt, 3);
		g.label = sqlite3_column_int(stmt, 4);
		g.blind = sqlite3_column_int(stmt, 5);
		g.in_window = sqlite3_column_int(stmt, 6);
		snprintf(g.from, sizeof g.from, "%s",
			 sqlite3_column_type(stmt, 7) == SQLITE_NULL
				 ? ""
				 : (const char *)sqlite3_column_text(stmt, 7));
	}
	if (!stop && rc == SQLITE_DONE)
		group_emit(&g, fn, arg);
	sqlite3_reset(stmt);
	if (!stop && rc != SQLITE_DONE)
		st = db_fail(db, "reading reviews");
out:
	free(gone.id);
	free(g.reviewer);
	return st;
}

Status db_agreement_predictions(Db *db, int (*fn)(void *arg, const DbPredictionRow *row),
				void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, PREDICTIONS);
	int rc, stop = 0;

	if (!stmt)
		return STATUS_ERR_DB;
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		DbPredictionRow row = {
			.item_id = sqlite3_column_int64(stmt, 0),
			.run_id = sqlite3_column_int64(stmt, 1),
			.status = db_prediction_state_parse((const char *)sqlite3_column_text(stmt, 2)),
			.label = sqlite3_column_int(stmt, 3),
			.prompt_tokens = sqlite3_column_int64(stmt, 4),
			.completion_tokens = sqlite3_column_int64(stmt, 5),
		};
		stop = fn(arg, &row);
	}
	sqlite3_reset(stmt);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(db, "reading predictions");
	return STATUS_OK;
}

Status db_agreement_runs(Db *db, int (*fn)(void *arg, const DbAgreementRun *run), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, RUNS);
	int rc, stop = 0;

	if (!stmt)
		return STATUS_ERR_DB;
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		DbAgreementRun run = {
			.id = sqlite3_column_int64(stmt, 0),
			.prompt_version_id = sqlite3_column_int64(stmt, 1),
			.provider = (const char *)sqlite3_column_text(stmt, 2),
			.model = (const char *)sqlite3_column_text(stmt, 3),
			.prompt_hash = (const char *)sqlite3_column_text(stmt, 4),
			.prompt_name = (const char *)sqlite3_column_text(stmt, 5),
		};
		stop = fn(arg, &run);
	}
	sqlite3_reset(stmt);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(db, "reading runs");
	return STATUS_OK;
}

Status db_agreement_categories(Db *db, int (*fn)(void *arg, long long item_id,
						  const char *category),
			       void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, CATEGORIES);
	int rc, stop = 0;

	if (!stmt)
		return STATUS_ERR_DB;
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		stop = fn(arg, sqlite3_column_int64(stmt, 0),
			  (const char *)sqlite3_column_text(stmt, 1));
	sqlite3_reset(stmt);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(db, "reading categories");
	return STATUS_OK;
}

Status db_agreement_scores(Db *db, long long *model_id,
			   int (*fn)(void *arg, long long item_id, double score), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, SCORER_LATEST);
	int rc, stop = 0;

	*model_id = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return db_fail(db, "reading scorer models");
	*model_id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (!*model_id)
		return STATUS_OK;
	stmt = db_statement(db, SCORES);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, *model_id);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		stop = fn(arg, sqlite3_column_int64(stmt, 0), sqlite3_column_double(stmt, 1));
	sqlite3_reset(stmt);
	if (!stop && rc != SQLITE_DONE)
		return db_fail(db, "reading scores");
	return STATUS_OK;
}

Status db_agreement_item_count(Db *db, long long *count)
{
	sqlite3_stmt *stmt = db_statement(db, ITEM_COUNT);

	*count = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return db_fail(db, "counting items");
	*count = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return STATUS_OK;
}
