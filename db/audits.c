/* audits.c - audits as stored (see audits.h). */
#include "db/audits.h"

#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/xalloc.h"

#define DB_AUDIT_DESIGN_WORD(name, word) word,
const char *const db_audit_design_words[] = { DB_AUDIT_DESIGNS(DB_AUDIT_DESIGN_WORD) NULL };
#undef DB_AUDIT_DESIGN_WORD

static const char AUDIT_SELECT[] =
	"SELECT a.id, a.name, a.design, a.seed, a.blind, a.created_at,"
	" (SELECT max(drawn_at) FROM audit_draws d WHERE d.audit_id = a.id),"
	" (SELECT count(*) FROM audit_draws d WHERE d.audit_id = a.id),"
	" (SELECT count(*) FROM audit_items i JOIN item_queue q ON q.item_id = i.item_id"
	"  WHERE i.audit_id = a.id AND q.deciders > 0)"
	" FROM audits a WHERE ?1 = 0 OR a.id = ?1 ORDER BY a.id";
static const char STRATA_SELECT[] =
	"SELECT stratum, population, size FROM audit_strata WHERE audit_id = ?1 ORDER BY stratum";
static const char AUDIT_LATEST[] = "SELECT ifnull(max(id), 0) FROM audits";
static const char FRAME_ALL[] = "SELECT item_id, 0 FROM item_queue ORDER BY item_id";
static const char FRAME_LLM[] =
	"SELECT item_id, llm_label FROM item_queue WHERE llm_label BETWEEN 1 AND ?1"
	" ORDER BY item_id";
static const char ITEMS_SELECT[] =
	"SELECT a.item_id, i.external_id, a.stratum, a.rank, a.draw_key, a.probability,"
	" CASE WHEN q.deciders IS NULL OR q.deciders = 0 THEN 0"
	"  WHEN q.human_min = q.human_max THEN q.human_min ELSE -1 END"
	" FROM audit_items a JOIN items i ON i.id = a.item_id"
	" LEFT JOIN item_queue q ON q.item_id = a.item_id"
	" WHERE a.audit_id = ?1 ORDER BY a.stratum, a.rank";
static const char AUDIT_INSERT[] =
	"INSERT INTO audits (name, design, seed, blind) VALUES (?1, ?2, ?3, ?4)";
static const char STRATUM_UPSERT[] =
	"INSERT INTO audit_strata (audit_id, stratum, population, size) VALUES (?1, ?2, ?3, ?4)"
	" ON CONFLICT (audit_id, stratum) DO UPDATE SET population = excluded.population,"
	" size = excluded.size";
static const char STRATUM_PROBABILITY[] =
	"UPDATE audit_items SET probability = ?3 WHERE audit_id = ?1 AND stratum = ?2";
static const char ITEM_INSERT[] =
	"INSERT INTO audit_items (audit_id, item_id, stratum, rank, draw_key, probability)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char DRAW_INSERT[] =
	"INSERT INTO audit_draws (audit_id, size, population, added) VALUES (?1, ?2, ?3, ?4)";
static const char ITEM_BLIND[] =
	"SELECT max(a.blind) FROM audit_items i JOIN audits a ON a.id = i.audit_id"
	" WHERE i.item_id = ?1";

static DbAuditDesign design_parse(const char *word)
{
	for (int i = 0; i < DB_AUDIT_DESIGN_COUNT; i++)
		if (word && !strcmp(word, db_audit_design_words[i]))
			return (DbAuditDesign)i;
	return DB_AUDIT_UNIFORM;
}

void db_audit_free(DbAudit *a)
{
	if (!a)
		return;
	free(a->name), free(a->created_at), free(a->drawn_at), free(a->strata);
	memset(a, 0, sizeof *a);
}

static Status strata_load(Db *db, DbAudit *a)
{
	sqlite3_stmt *stmt = db_statement(db, STRATA_SELECT);
	size_t cap = 0;
	int rc;

	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, a->id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		DbAuditStratum s = { sqlite3_column_int(stmt, 0), sqlite3_column_int64(stmt, 1),
				     sqlite3_column_int64(stmt, 2) };

		a->strata = xgrow(a->strata, &cap, (size_t)a->n_strata + 1, sizeof *a->strata);
		a->strata[a->n_strata++] = s;
		a->size += s.size;
		a->population += s.population;
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "reading an audit's strata");
}

static void audit_read(sqlite3_stmt *stmt, DbAudit *a)
{
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(stmt, 0);
	a->name = db_column_dup(stmt, 1);
	a->design = design_parse((const char *)sqlite3_column_text(stmt, 2));
	a->seed = (uint64_t)sqlite3_column_int64(stmt, 3);
	a->blind = sqlite3_column_int(stmt, 4);
	a->created_at = db_column_dup(stmt, 5);
	a->drawn_at = db_column_dup(stmt, 6);
	a->draws = sqlite3_column_int(stmt, 7);
	a->reviewed = sqlite3_column_int64(stmt, 8);
}

/* Audit id, or every audit when id is 0, into a new array. */
static Status audits_load(Db *db, long long id, DbAudit **out, int *count)
{
	sqlite3_stmt *stmt = db_statement(db, AUDIT_SELECT);
	DbAudit *list = NULL;
	size_t cap = 0;
	int n = 0, rc;
	Status st = STATUS_OK;

	*out = NULL;
	*count = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		list = xgrow(list, &cap, (size_t)n + 1, sizeof *list);
		audit_read(stmt, &list[n++]);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		st = db_fail(db, "reading the audits");
	for (int i = 0; st == STATUS_OK && i < n; i++)
		st = strata_load(db, &list[i]);
	if (st != STATUS_OK) {
		for (int i = 0; i < n; i++)
			db_audit_free(&list[i]);
		free(list);
		return st;
	}
	*out = list;
	*count = n;
	return STATUS_OK;
}

Status db_audit_list(Db *db, DbAudit **audits, int *count)
{
	return audits_load(db, 0, audits, count);
}

Status db_audit_get(Db *db, long long id, DbAudit *audit)
{
	DbAudit *list;
	int n;
	Status st;

	memset(audit, 0, sizeof *audit);
	if (id <= 0)
		return status_fail(STATUS_ERR_NOT_FOUND, "there is no audit %lld", id);
	st = audits_load(db, id, &list, &n);
	if (st != STATUS_OK)
		return st;
	if (n == 0) {
		free(list);
		return status_fail(STATUS_ERR_NOT_FOUND,
				   "%s has no audit %lld (gavel audit --list)", db_path(db), id);
	}
	*audit = list[0];
	free(list);
	return STATUS_OK;
}

Status db_audit_latest(Db *db, long long *id)
{
	sqlite3_stmt *stmt = db_statement(db, AUDIT_LATEST);

	*id = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return db_fail(db, "reading the audits");
	*id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return STATUS_OK;
}

Status db_audit_frame(Db *db, DbAuditDesign design, int K,
		      int (*fn)(void *arg, long long item_id, int stratum), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, design == DB_AUDIT_LLM ? FRAME_LLM : FRAME_ALL);
	int rc;

	if (!stmt)
		return STATUS_ERR_DB;
	if (design == DB_AUDIT_LLM)
		sqlite3_bind_int(stmt, 1, K);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (fn(arg, sqlite3_column_int64(stmt, 0), sqlite3_column_int(stmt, 1)))
			break;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
		       ? STATUS_OK
		       : db_fail(db, "reading the items to draw from");
}

Status db_audit_items(Db *db, long long audit_id, int (*fn)(void *arg, const DbAuditItem *item),
		      void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, ITEMS_SELECT);
	int rc;

	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, audit_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		DbAuditItem it = {
			.item_id = sqlite3_column_int64(stmt, 0),
			.external_id = (const char *)sqlite3_column_text(stmt, 1),
			.stratum = sqlite3_column_int(stmt, 2),
			.rank = sqlite3_column_int64(stmt, 3),
			.draw_key = sqlite3_column_int64(stmt, 4),
			.probability = sqlite3_column_double(stmt, 5),
			.human = sqlite3_column_int(stmt, 6),
		};

		if (fn(arg, &it))
			break;
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STATUS_OK
						     : db_fail(db, "reading an audit's items");
}

Status db_audit_create(Db *db, const char *name, DbAuditDesign design, uint64_t seed, int blind,
		       long long *id)
{
	sqlite3_stmt *stmt = db_statement(db, AUDIT_INSERT);

	if (!stmt)
		return STATUS_ERR_DB;
	db_bind_text_or_null(stmt, 1, name);
	sqlite3_bind_text(stmt, 2, db_audit_design_words[design], -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)seed);
	sqlite3_bind_int(stmt, 4, blind != 0);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "recording an audit");
	*id = sqlite3_last_insert_rowid(db->handle);
	return STATUS_OK;
}

Status db_audit_set_stratum(Db *db, long long audit_id, const DbAuditStratum *s)
{
	sqlite3_stmt *stmt = db_statement(db, STRATUM_UPSERT);

	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, audit_id);
	sqlite3_bind_int(stmt, 2, s->stratum);
	sqlite3_bind_int64(stmt, 3, s->population);
	sqlite3_bind_int64(stmt, 4, s->size);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "recording an audit's stratum");
	if (s->size == 0)
		return STATUS_OK;
	stmt = db_statement(db, STRATUM_PROBABILITY);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, audit_id);
	sqlite3_bind_int(stmt, 2, s->stratum);
	sqlite3_bind_double(stmt, 3, (double)s->size / (double)s->population);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "recording inclusion probabilities");
	return STATUS_OK;
}

Status db_audit_add_item(Db *db, long long audit_id, const DbAuditItem *it)
{
	sqlite3_stmt *stmt = db_statement(db, ITEM_INSERT);

	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, audit_id);
	sqlite3_bind_int64(stmt, 2, it->item_id);
	sqlite3_bind_int(stmt, 3, it->stratum);
	sqlite3_bind_int64(stmt, 4, it->rank);
	sqlite3_bind_int64(stmt, 5, it->draw_key);
	sqlite3_bind_double(stmt, 6, it->probability);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "recording a drawn item");
	return STATUS_OK;
}

Status db_audit_log_draw(Db *db, long long audit_id, long long size, long long population,
			 long long added)
{
	sqlite3_stmt *stmt = db_statement(db, DRAW_INSERT);

	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, audit_id);
	sqlite3_bind_int64(stmt, 2, size);
	sqlite3_bind_int64(stmt, 3, population);
	sqlite3_bind_int64(stmt, 4, added);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "recording a draw");
	return STATUS_OK;
}

Status db_audit_blind(Db *db, long long item_id, int *blind)
{
	sqlite3_stmt *stmt = db_statement(db, ITEM_BLIND);

	*blind = -1;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, item_id);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_reset(stmt);
		return db_fail(db, "reading an item's audits");
	}
	if (sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		*blind = sqlite3_column_int(stmt, 0);
	sqlite3_reset(stmt);
	return STATUS_OK;
}
