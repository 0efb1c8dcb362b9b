/* features.c - feature sets and their per-item vectors (db/features.h).
 * Vectors are BLOBs of little-endian IEEE floats, 4 or 8 bytes a value as
 * the set's value_type says, written byte by byte so the file reads the
 * same on any machine. */
#include "db/features.h"

#include <cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/strbuf.h"
#include "src/base/xalloc.h"

static const char *const type_words[] = {[DB_FEATURE_F32] = "f32", [DB_FEATURE_F64] = "f64"};
static const char *const origin_words[] = {[DB_FEATURE_MEASURED] = "measured",
					   [DB_FEATURE_IMPORTED] = "imported"};

static const char SET_GET[] =
	"SELECT name, dim, columns, value_type, origin, source,"
	" (SELECT count(*) FROM features f WHERE f.name = s.name)"
	" FROM feature_sets s WHERE name = ?1";
static const char SET_ALL[] =
	"SELECT name, dim, columns, value_type, origin, source,"
	" (SELECT count(*) FROM features f WHERE f.name = s.name)"
	" FROM feature_sets s ORDER BY name";
static const char SET_INSERT[] =
	"INSERT INTO feature_sets (name, dim, columns, value_type, origin, source)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SET_DELETE_VECTORS[] = "DELETE FROM features WHERE name = ?1";
static const char SET_DELETE[] = "DELETE FROM feature_sets WHERE name = ?1";
static const char FEATURE_PUT[] =
	"INSERT INTO features (item_id, name, dim, vector) VALUES (?1, ?2, ?3, ?4)"
	" ON CONFLICT (item_id, name) DO UPDATE SET dim = excluded.dim, vector = excluded.vector";
static const char FEATURE_TODO[] =
	"SELECT i.id, i.path FROM items i WHERE i.id > ?2 AND i.has_image AND i.path IS NOT NULL"
	" AND NOT EXISTS (SELECT 1 FROM features f WHERE f.item_id = i.id AND f.name = ?1)"
	" ORDER BY i.id LIMIT ?3";
static const char FEATURE_COUNTS[] =
	"SELECT count(*) FILTER (WHERE i.has_image AND i.path IS NOT NULL AND NOT EXISTS"
	"  (SELECT 1 FROM features f WHERE f.item_id = i.id AND f.name = ?1)),"
	" count(*) FILTER (WHERE NOT i.has_image OR (i.path IS NULL AND i.url IS NULL)),"
	" count(*) FILTER (WHERE i.has_image AND i.path IS NULL AND i.url IS NOT NULL)"
	" FROM items i";
static const char ITEM_ID[] = "SELECT id FROM items WHERE external_id = ?1";
static const char CURSOR_SQL[] =
	"SELECT item_id, vector FROM features WHERE name = ?1 AND item_id > ?2 ORDER BY item_id";

/* ---- sets ---- */

static char *columns_json(const DbFeatureSet *set)
{
	cJSON *list = cJSON_CreateArray();
	char *text;
	for (int i = 0; i < set->dim; i++)
		cJSON_AddItemToArray(list, cJSON_CreateString(set->columns[i]));
	text = cJSON_PrintUnformatted(list);
	cJSON_Delete(list);
	return text;
}

static int word_index(const char *const *words, int n, const char *word)
{
	for (int i = 0; word && i < n; i++)
		if (!strcmp(words[i], word))
			return i;
	return 0;
}

/* Fills set from a row of SET_GET / SET_ALL. */
static Status read_set(sqlite3_stmt *stmt, DbFeatureSet *set)
{
	cJSON *list = cJSON_Parse((const char *)sqlite3_column_text(stmt, 2)), *c;
	int i = 0;
	memset(set, 0, sizeof *set);
	set->name = db_column_dup(stmt, 0);
	set->dim = sqlite3_column_int(stmt, 1);
	set->type = (DbFeatureType)word_index(type_words, 2, (const char *)sqlite3_column_text(stmt, 3));
	set->origin = (DbFeatureOrigin)word_index(origin_words, 2,
						  (const char *)sqlite3_column_text(stmt, 4));
	set->source = db_column_dup(stmt, 5);
	set->items = sqlite3_column_int64(stmt, 6);
	set->columns = xcalloc((size_t)set->dim + 1, sizeof *set->columns);
	cJSON_ArrayForEach(c, list) {
		if (i < set->dim && cJSON_IsString(c))
			set->columns[i++] = xstrdup(c->valuestring);
	}
	cJSON_Delete(list);
	if (i != set->dim)
		return status_fail(STATUS_ERR_CORRUPT, "feature set %s: %d column names for %d values",
				   set->name, i, set->dim);
	return STATUS_OK;
}

/* "a, b and c" of the sets there are, for a message. */
static char *set_names(Db *db)
{
	sqlite3_stmt *stmt = db_statement(db, SET_ALL);
	StrBuf b = {0};
	while (stmt && sqlite3_step(stmt) == SQLITE_ROW)
		strbuf_addf(&b, "%s%s", b.len ? ", " : "", (const char *)sqlite3_column_text(stmt, 0));
	if (stmt)
		sqlite3_reset(stmt);
	return strbuf_take(&b);
}

Status db_feature_set_get(Db *db, const char *name, DbFeatureSet *set)
{
	sqlite3_stmt *stmt = db_statement(db, SET_GET);
	Status st;
	int rc;
	memset(set, 0, sizeof *set);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		st = read_set(stmt, set);
		sqlite3_reset(stmt);
		return st;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading a feature set");
	{
		char *names = set_names(db);
		st = status_fail(STATUS_ERR_NOT_FOUND, "there is no feature set '%s' (%s%s)", name,
				 *names ? "there are: " : "none yet: 'gavel features' measures pixels-v1",
				 names);
		free(names);
	}
	return st;
}

static int same_columns(const DbFeatureSet *a, const DbFeatureSet *b)
{
	if (a->dim != b->dim || a->type != b->type)
		return 0;
	for (int i = 0; i < a->dim; i++)
		if (strcmp(a->columns[i], b->columns[i]))
			return 0;
	return 1;
}

Status db_feature_set_put(Db *db, const DbFeatureSet *set)
{
	DbFeatureSet old;
	sqlite3_stmt *stmt;
	char *columns;
	Status st = db_feature_set_get(db, set->name, &old);
	if (st == STATUS_OK) {
		int same = same_columns(&old, set), dim = old.dim;
		db_feature_set_free(&old);
		if (same)
			return STATUS_OK;
		return status_fail(STATUS_ERR_EXISTS, "feature set '%s' exists with other columns "
				   "(%d values, %s)", set->name, dim, type_words[set->type]);
	}
	db_feature_set_free(&old);
	if (st != STATUS_ERR_NOT_FOUND)
		return st;
	status_clear();
	if (!(stmt = db_statement(db, SET_INSERT)))
		return STATUS_ERR_DB;
	columns = columns_json(set);
	sqlite3_bind_text(stmt, 1, set->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, set->dim);
	sqlite3_bind_text(stmt, 3, columns, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, type_words[set->type], -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, origin_words[set->origin], -1, SQLITE_STATIC);
	db_bind_text_or_null(stmt, 6, set->source);
	free(columns);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "creating a feature set");
	return STATUS_OK;
}

Status db_feature_set_delete(Db *db, const char *name)
{
	const char *const steps[] = {SET_DELETE_VECTORS, SET_DELETE};
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *stmt = db_statement(db, steps[i]);
		if (!stmt)
			return STATUS_ERR_DB;
		sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			return db_fail(db, "deleting a feature set");
	}
	return STATUS_OK;
}

void db_feature_set_free(DbFeatureSet *set)
{
	if (set->columns)
		xfree_strings(set->columns, (size_t)set->dim);
	free(set->name);
	free(set->source);
	memset(set, 0, sizeof *set);
}

Status db_feature_sets(Db *db, void (*fn)(void *arg, const DbFeatureSet *set), void *arg)
{
	sqlite3_stmt *stmt = db_statement(db, SET_ALL);
	Status st = STATUS_OK;
	int rc;
	if (!stmt)
		return STATUS_ERR_DB;
	while (st == STATUS_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		DbFeatureSet set;
		st = read_set(stmt, &set);
		if (st == STATUS_OK)
			fn(arg, &set);
		db_feature_set_free(&set);
	}
	sqlite3_reset(stmt);
	if (st == STATUS_OK && rc != SQLITE_DONE)
		return db_fail(db, "reading feature sets");
	return st;
}

/* ---- vectors ---- */

static void encode(DbFeatureType type, const double *values, int dim, unsigned char *out)
{
	for (int i = 0; i < dim; i++) {
		uint64_t bits;
		int bytes = type == DB_FEATURE_F32 ? 4 : 8;
		if (type == DB_FEATURE_F32) {
			float f = (float)values[i];
			uint32_t b32;
			memcpy(&b32, &f, 4);
			bits = b32;
		} else {
			memcpy(&bits, &values[i], 8);
		}
		for (int k = 0; k < bytes; k++)
			out[i * bytes + k] = (unsigned char)(bits >> (8 * k));
	}
}

static void decode(DbFeatureType type, const unsigned char *in, int dim, double *values)
{
	int bytes = type == DB_FEATURE_F32 ? 4 : 8;
	for (int i = 0; i < dim; i++) {
		uint64_t bits = 0;
		for (int k = 0; k < bytes; k++)
			bits |= (uint64_t)in[i * bytes + k] << (8 * k);
		if (type == DB_FEATURE_F32) {
			uint32_t b32 = (uint32_t)bits;
			float f;
			memcpy(&f, &b32, 4);
			values[i] = f;
		} else {
			memcpy(&values[i], &bits, 8);
		}
	}
}

Status db_feature_put(Db *db, const char *set, DbFeatureType type, long long item_id,
		      const double *values, int dim)
{
	sqlite3_stmt *stmt = db_statement(db, FEATURE_PUT);
	size_t bytes = (size_t)dim * (type == DB_FEATURE_F32 ? 4 : 8);
	unsigned char small[1024], *blob = bytes <= sizeof small ? small : xmalloc(bytes);
	int rc;
	if (!stmt) {
		if (blob != small)
			free(blob);
		return STATUS_ERR_DB;
	}
	encode(type, values, dim, blob);
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_text(stmt, 2, set, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, dim);
	sqlite3_bind_blob(stmt, 4, blob, (int)bytes, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (blob != small)
		free(blob);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "storing a feature vector");
}

Status db_feature_item_id(Db *db, const char *external_id, long long *id)
{
	sqlite3_stmt *stmt = db_statement(db, ITEM_ID);
	int rc;
	*id = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, external_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return STATUS_OK;
	return rc == SQLITE_DONE ? STATUS_ERR_NOT_FOUND : db_fail(db, "looking an item up");
}

Status db_feature_todo(Db *db, const char *set, long long after_id, DbFeatureTodo *todo, int max,
		       int *count)
{
	sqlite3_stmt *stmt = db_statement(db, FEATURE_TODO);
	int rc;
	*count = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, set, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, after_id);
	sqlite3_bind_int(stmt, 3, max);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		todo[*count].id = sqlite3_column_int64(stmt, 0);
		todo[(*count)++].path = db_column_dup(stmt, 1);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "finding items to measure");
}

Status db_feature_counts(Db *db, const char *set, DbFeatureCounts *c)
{
	sqlite3_stmt *stmt = db_statement(db, FEATURE_COUNTS);
	memset(c, 0, sizeof *c);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, set, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_reset(stmt);
		return db_fail(db, "counting items to measure");
	}
	c->pending = sqlite3_column_int64(stmt, 0);
	c->no_image = sqlite3_column_int64(stmt, 1);
	c->url_only = sqlite3_column_int64(stmt, 2);
	sqlite3_reset(stmt);
	return STATUS_OK;
}

/* ---- cursors ---- */

struct DbFeatureCursor {
	Db *db;
	sqlite3_stmt *stmt;
	char *set;
	int dim;
	DbFeatureType type;
};

Status db_feature_cursor_open(Db *db, const char *set, long long after_id, DbFeatureCursor **out,
			      int *dim)
{
	DbFeatureSet info;
	DbFeatureCursor *c;
	Status st = db_feature_set_get(db, set, &info);
	*out = NULL;
	if (st != STATUS_OK)
		return st;
	c = xcalloc(1, sizeof *c);
	c->db = db;
	c->set = xstrdup(set);
	c->dim = *dim = info.dim;
	c->type = info.type;
	db_feature_set_free(&info);
	if (sqlite3_prepare_v2(db->handle, CURSOR_SQL, -1, &c->stmt, NULL) != SQLITE_OK) {
		st = db_fail(db, "reading feature vectors");
		db_feature_cursor_close(c);
		return st;
	}
	sqlite3_bind_text(c->stmt, 1, c->set, -1, SQLITE_STATIC);
	sqlite3_bind_int64(c->stmt, 2, after_id);
	*out = c;
	return STATUS_OK;
}

Status db_feature_cursor_next(DbFeatureCursor *c, long long *item_id, double *values, int *more)
{
	int rc = sqlite3_step(c->stmt);
	int width = c->type == DB_FEATURE_F32 ? 4 : 8;
	*more = 0;
	if (rc == SQLITE_DONE)
		return STATUS_OK;
	if (rc != SQLITE_ROW)
		return db_fail(c->db, "reading feature vectors");
	*item_id = sqlite3_column_int64(c->stmt, 0);
	if (sqlite3_column_bytes(c->stmt, 1) != c->dim * width)
		return status_fail(STATUS_ERR_CORRUPT, "feature set %s: item %lld has %d bytes, not "
				   "%d values of %d", c->set, *item_id, sqlite3_column_bytes(c->stmt, 1),
				   c->dim, width);
	decode(c->type, sqlite3_column_blob(c->stmt, 1), c->dim, values);
	*more = 1;
	return STATUS_OK;
}

void db_feature_cursor_close(DbFeatureCursor *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->stmt);
	free(c->set);
	free(c);
}
