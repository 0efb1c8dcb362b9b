/* prompts.c - stored prompt versions and the ways a user names one. */
#include "db/prompts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/xalloc.h"

/* Columns 0-8 of every query that reads versions; TEXT is v.text or NULL. */
#define VERSION_SELECT(TEXT)                                                  \
	"SELECT v.id, v.hash, v.name, v.created_at,"                          \
	" (SELECT count(*) FROM runs r WHERE r.prompt_version_id = v.id),"    \
	" (SELECT count(*) FROM predictions p JOIN runs r ON r.id = p.run_id" \
	"   WHERE r.prompt_version_id = v.id), " TEXT ", v.parent_id, v.note" \
	" FROM prompt_versions v"

static const char VERSION_INSERT[] =
	"INSERT INTO prompt_versions (hash, name, text) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (hash) DO NOTHING";
static const char VERSION_ORIGIN[] =
	"UPDATE prompt_versions SET parent_id = ?2, note = ?3 WHERE id = ?1 AND parent_id IS NULL"
	" AND note IS NULL AND ?1 IS NOT ?2";
static const char VERSION_BY_HASH[] = "SELECT id, text FROM prompt_versions WHERE hash = ?1";
static const char VERSION_LIST[] = VERSION_SELECT("NULL") " ORDER BY v.id";
static const char VERSION_BY_ID[] = VERSION_SELECT("v.text") " WHERE v.id = ?1";
/* GLOB on a hex prefix can use the UNIQUE index on hash; 11 rows are enough
 * to tell "one" from "many" and to list ten candidates. */
static const char VERSION_BY_PREFIX[] =
	VERSION_SELECT("v.text") " WHERE v.hash GLOB ?1 ORDER BY v.id LIMIT 11";
static const char VERSION_BY_NAME[] =
	VERSION_SELECT("v.text") " WHERE v.name = ?1 OR v.name = ?1 || '.md'"
				 " ORDER BY v.name = ?1 DESC, v.id DESC LIMIT 1";

enum { MAX_CANDIDATES = 10 };

Status db_prompt_version_save(Db *db, const char *hash, const char *name, const char *text,
			      long long *id, int *created)
{
	sqlite3_stmt *stmt = db_statement(db, VERSION_INSERT);
	int added;
	if (!stmt)
		return STATUS_ERR_DB;
	db_bind_text_or_null(stmt, 1, hash);
	db_bind_text_or_null(stmt, 2, name);
	db_bind_text_or_null(stmt, 3, text);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "saving a prompt version");
	added = sqlite3_changes(db->handle) == 1;
	stmt = db_statement(db, VERSION_BY_HASH);
	if (!stmt)
		return STATUS_ERR_DB;
	db_bind_text_or_null(stmt, 1, hash);
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return db_fail(db, "reading a prompt version back");
	*id = sqlite3_column_int64(stmt, 0);
	/* The hash is the version's identity; a different text under it means
	 * the caller hashed something else, and every later join would lie. */
	if (strcmp((const char *)sqlite3_column_text(stmt, 1), text) != 0) {
		sqlite3_reset(stmt);
		return status_fail(STATUS_ERR_CORRUPT,
				   "%s: prompt version %lld has hash %.12s but another text",
				   db_path(db), *id, hash);
	}
	sqlite3_reset(stmt);
	if (created)
		*created = added;
	return STATUS_OK;
}

static void read_version(sqlite3_stmt *stmt, DbPromptVersion *v)
{
	v->id = sqlite3_column_int64(stmt, 0);
	v->hash = db_column_dup(stmt, 1);
	v->name = db_column_dup(stmt, 2);
	v->created_at = db_column_dup(stmt, 3);
	v->runs = sqlite3_column_int64(stmt, 4);
	v->predictions = sqlite3_column_int64(stmt, 5);
	v->text = db_column_dup(stmt, 6);
	v->parent_id = sqlite3_column_int64(stmt, 7);
	v->note = db_column_dup(stmt, 8);
}

Status db_prompt_version_set_origin(Db *db, long long id, long long parent_id, const char *note)
{
	sqlite3_stmt *stmt = db_statement(db, VERSION_ORIGIN);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	if (parent_id > 0)
		sqlite3_bind_int64(stmt, 2, parent_id);
	db_bind_text_or_null(stmt, 3, note);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "recording where a prompt version came from");
	return STATUS_OK;
}

Status db_prompt_version_list(Db *db, DbPromptVersion **versions, int *count)
{
	sqlite3_stmt *stmt = db_statement(db, VERSION_LIST);
	size_t capacity = 0;
	int rc;

	*versions = NULL;
	*count = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*versions = xgrow(*versions, &capacity, (size_t)*count + 1, sizeof **versions);
		read_version(stmt, &(*versions)[(*count)++]);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		db_prompt_version_list_free(*versions, *count);
		*versions = NULL;
		*count = 0;
		return db_fail(db, "listing prompt versions");
	}
	return STATUS_OK;
}

void db_prompt_version_list_free(DbPromptVersion *versions, int count)
{
	for (int i = 0; i < count; i++)
		db_prompt_version_clear(&versions[i]);
	free(versions);
}

void db_prompt_version_clear(DbPromptVersion *version)
{
	free(version->hash);
	free(version->name);
	free(version->text);
	free(version->created_at);
	free(version->note);
	*version = (DbPromptVersion){0};
}

static int all_of(const char *s, int (*is)(int))
{
	for (; *s; s++)
		if (!is((unsigned char)*s))
			return 0;
	return 1;
}

/* Steps a bound statement that returns at most one version; *found says
 * whether it did. */
static Status find_one(Db *db, sqlite3_stmt *stmt, DbPromptVersion *v, int *found)
{
	int rc = sqlite3_step(stmt);
	*found = rc == SQLITE_ROW;
	if (*found)
		read_version(stmt, v);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "finding a prompt version");
	return STATUS_OK;
}

static Status find_by_id(Db *db, const char *ref, DbPromptVersion *v, int *found)
{
	sqlite3_stmt *stmt = db_statement(db, VERSION_BY_ID);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_int64(stmt, 1, strtoll(ref, NULL, 10));
	return find_one(db, stmt, v, found);
}

/* "3 (a1b2c3d4e5f6, image-quality.md), 7 (...)": what an ambiguous prefix matched. */
static Status ambiguous(Db *db, const char *ref, sqlite3_stmt *stmt)
{
	char list[1024] = "";
	size_t len = 0;
	int n = 0, rc;
	do {
		const char *name = (const char *)sqlite3_column_text(stmt, 2);
		if (n++ == MAX_CANDIDATES) {
			snprintf(list + len, sizeof list - len, ", and more");
			break;
		}
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%lld (%.12s, %s)",
					n > 1 ? ", " : "", (long long)sqlite3_column_int64(stmt, 0),
					(const char *)sqlite3_column_text(stmt, 1), name ? name : "-");
		if (len >= sizeof list)
			len = sizeof list - 1;
	} while ((rc = sqlite3_step(stmt)) == SQLITE_ROW);
	sqlite3_reset(stmt);
	return status_fail(STATUS_ERR_INPUT,
			   "%s: prompt version \"%s\" is ambiguous: it begins the hash of %s; "
			   "give more digits or the id",
			   db_path(db), ref, list);
}

static Status find_by_prefix(Db *db, const char *ref, DbPromptVersion *v, int *found)
{
	sqlite3_stmt *stmt = db_statement(db, VERSION_BY_PREFIX);
	char pattern[70];
	size_t n = strlen(ref);
	int rc;

	*found = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	for (size_t i = 0; i < n; i++)
		pattern[i] = (char)tolower((unsigned char)ref[i]);
	memcpy(pattern + n, "*", 2);
	sqlite3_bind_text(stmt, 1, pattern, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		read_version(stmt, v);
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW) {
			db_prompt_version_clear(v);
			sqlite3_reset(stmt);
			sqlite3_step(stmt); /* from the first candidate again */
			return ambiguous(db, ref, stmt);
		}
		*found = 1;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		db_prompt_version_clear(v);
		*found = 0;
		return db_fail(db, "finding a prompt version");
	}
	return STATUS_OK;
}

static Status find_by_name(Db *db, const char *ref, DbPromptVersion *v, int *found)
{
	sqlite3_stmt *stmt = db_statement(db, VERSION_BY_NAME);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, ref, -1, SQLITE_TRANSIENT);
	return find_one(db, stmt, v, found);
}

Status db_prompt_version_find(Db *db, const char *ref, DbPromptVersion *version)
{
	size_t len = strlen(ref);
	int found = 0;
	Status st = STATUS_OK;

	*version = (DbPromptVersion){0};
	if (len && len <= 18 && all_of(ref, isdigit))
		st = find_by_id(db, ref, version, &found);
	if (st == STATUS_OK && !found && len >= 4 && len <= 64 && all_of(ref, isxdigit))
		st = find_by_prefix(db, ref, version, &found);
	if (st == STATUS_OK && !found && len)
		st = find_by_name(db, ref, version, &found);
	if (st != STATUS_OK)
		return st;
	if (!found)
		return status_fail(STATUS_ERR_NOT_FOUND,
				   "%s: no prompt version \"%s\" (see 'gavel prompts list')",
				   db_path(db), ref);
	return STATUS_OK;
}
