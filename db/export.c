/* export.c - the items an export writes, with the LLM answer each row
 * shows, in one ordered join; and the content hash of its manifest. */
#include "db/export.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/sha256.h"
#include "src/base/xalloc.h"

#define ITEM_COLUMNS                                                                       \
	"SELECT i.id, i.external_id, i.path, i.sha256, i.format, i.title, i.category,"     \
	" i.metadata, i.has_image, p.run_id, p.label, p.score, p.confidence, p.rationale," \
	" r.model, r.provider, v.hash, v.name FROM items i"
#define ITEM_TAIL                                                    \
	" LEFT JOIN runs r ON r.id = p.run_id"                       \
	" LEFT JOIN prompt_versions v ON v.id = r.prompt_version_id" \
	" WHERE (?1 IS NULL OR i.category = ?1) ORDER BY i.id"

/* the answer the queue state keeps: the latest run's ok one */
static const char ITEMS_LATEST[] = ITEM_COLUMNS
	" JOIN item_queue q ON q.item_id = i.id"
	" LEFT JOIN predictions p ON p.run_id = q.llm_run AND p.item_id = i.id" ITEM_TAIL;
static const char ITEMS_OF_RUN[] =
	ITEM_COLUMNS " LEFT JOIN predictions p ON p.run_id = ?2 AND p.item_id = i.id"
		     " AND p.status = 'ok'" ITEM_TAIL;
static const char ITEMS_OF_PROMPT[] = ITEM_COLUMNS
	" LEFT JOIN predictions p ON p.item_id = i.id AND p.run_id ="
	" (SELECT max(x.run_id) FROM predictions x JOIN runs y ON y.id = x.run_id"
	"  WHERE x.item_id = i.id AND x.status = 'ok' AND y.prompt_version_id = ?3)" ITEM_TAIL;

struct DbExportCursor {
	Db *db;
	sqlite3_stmt *stmt;
	DbExportItem item;
};

Status db_export_open(Db *db, const DbExportQuery *q, DbExportCursor **out)
{
	DbExportCursor *c = xcalloc(1, sizeof *c);
	const char *sql = q->run_id              ? ITEMS_OF_RUN
			  : q->prompt_version_id ? ITEMS_OF_PROMPT
						 : ITEMS_LATEST;
	*out = NULL;
	c->db = db;
	/* a statement of its own: the cache's could be in use by another pass */
	if (sqlite3_prepare_v2(db->handle, sql, -1, &c->stmt, NULL) != SQLITE_OK) {
		Status st = db_fail(db, "preparing the export");
		free(c);
		return st;
	}
	db_bind_text_or_null(c->stmt, 1, q->category);
	if (q->run_id)
		sqlite3_bind_int64(c->stmt, 2, q->run_id);
	if (q->prompt_version_id)
		sqlite3_bind_int64(c->stmt, 3, q->prompt_version_id);
	*out = c;
	return STATUS_OK;
}

static const char *text(sqlite3_stmt *s, int column)
{
	return (const char *)sqlite3_column_text(s, column);
}

Status db_export_next(DbExportCursor *c, const DbExportItem **item)
{
	sqlite3_stmt *s = c->stmt;
	DbExportItem *it = &c->item;
	int rc = sqlite3_step(s);
	*item = NULL;
	if (rc == SQLITE_DONE)
		return STATUS_OK;
	if (rc != SQLITE_ROW)
		return db_fail(c->db, "reading the items to export");
	*it = (DbExportItem){ .item_id = sqlite3_column_int64(s, 0),
			      .external_id = text(s, 1),
			      .path = text(s, 2),
			      .sha256 = text(s, 3),
			      .format = text(s, 4),
			      .title = text(s, 5),
			      .category = text(s, 6),
			      .metadata_json = text(s, 7),
			      .has_image = sqlite3_column_int(s, 8),
			      .run_id = sqlite3_column_int64(s, 9),
			      .llm_label = sqlite3_column_int(s, 10),
			      .has_score = sqlite3_column_type(s, 11) != SQLITE_NULL,
			      .llm_score = sqlite3_column_double(s, 11),
			      .has_confidence = sqlite3_column_type(s, 12) != SQLITE_NULL,
			      .llm_confidence = sqlite3_column_double(s, 12),
			      .rationale = text(s, 13),
			      .model = text(s, 14),
			      .provider = text(s, 15),
			      .prompt_hash = text(s, 16),
			      .prompt_name = text(s, 17) };
	*item = it;
	return STATUS_OK;
}

void db_export_close(DbExportCursor *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->stmt);
	free(c);
}

/* ---- the content hash ---- */

static const char *const hashed[] = {
	"SELECT * FROM scale ORDER BY value",        "SELECT * FROM items ORDER BY id",
	"SELECT * FROM prompt_versions ORDER BY id", "SELECT * FROM runs ORDER BY id",
	"SELECT * FROM predictions ORDER BY id",     "SELECT * FROM reviews ORDER BY id",
};

/* Values are gathered into a buffer and hashed a block at a time: one
 * digest call per value would cost more than reading the rows. */
typedef struct {
	Sha256 sha;
	unsigned char buf[1 << 16];
	size_t len;
} Hasher;

static void feed(Hasher *h, const void *data, size_t len)
{
	if (h->len + len > sizeof h->buf) {
		sha256_update(&h->sha, h->buf, h->len);
		h->len = 0;
	}
	if (len > sizeof h->buf) {
		sha256_update(&h->sha, data, len);
		return;
	}
	memcpy(h->buf + h->len, data, len);
	h->len += len;
}

/* One value: a type byte, then 8 bytes big-endian (numbers) or a length and
 * the bytes (text, blobs), so no two rows hash alike by accident. */
static void hash_value(Hasher *h, sqlite3_stmt *s, int column)
{
	unsigned char head[9];
	int type = sqlite3_column_type(s, column);
	uint64_t bits = 0;
	const void *bytes = NULL;
	head[0] = (unsigned char)type;
	if (type == SQLITE_INTEGER) {
		bits = (uint64_t)sqlite3_column_int64(s, column);
	} else if (type == SQLITE_FLOAT) {
		double d = sqlite3_column_double(s, column);
		memcpy(&bits, &d, sizeof bits);
	} else if (type != SQLITE_NULL) {
		bytes = type == SQLITE_TEXT ? (const void *)sqlite3_column_text(s, column)
					    : sqlite3_column_blob(s, column);
		bits = (uint64_t)sqlite3_column_bytes(s, column);
	}
	for (int i = 0; i < 8; i++)
		head[1 + i] = (unsigned char)(bits >> (56 - 8 * i));
	feed(h, head, type == SQLITE_NULL ? 1 : sizeof head);
	if (bytes)
		feed(h, bytes, (size_t)bits);
}

static Status hash_table(Db *db, Hasher *h, const char *sql)
{
	sqlite3_stmt *s;
	int rc, n;
	if (sqlite3_prepare_v2(db->handle, sql, -1, &s, NULL) != SQLITE_OK)
		return db_fail(db, "hashing the content");
	feed(h, sql, strlen(sql) + 1);
	n = sqlite3_column_count(s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		for (int c = 0; c < n; c++)
			hash_value(h, s, c);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "hashing the content");
}

Status db_export_content_hash(Db *db, char out[65])
{
	Hasher *h = xmalloc(sizeof *h);
	uint8_t digest[32];
	Status st = STATUS_OK;
	sha256_init(&h->sha);
	h->len = 0;
	for (size_t i = 0; st == STATUS_OK && i < sizeof hashed / sizeof hashed[0]; i++)
		st = hash_table(db, h, hashed[i]);
	sha256_update(&h->sha, h->buf, h->len);
	sha256_final(&h->sha, digest);
	sha256_hex(digest, out);
	free(h);
	return st;
}

Status db_export_snapshot_begin(Db *db)
{
	/* deferred: the first read takes the snapshot, no write lock is held */
	if (sqlite3_exec(db->handle, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "starting to read");
	return STATUS_OK;
}

void db_export_snapshot_end(Db *db)
{
	db_rollback(db);
}
