/* export.c - the items an export writes, with the LLM answer each row
 * shows, in one ordered join; and the content hash of its manifest. */
#include "db/export.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "src/base/intmap.h"
#include "src/base/sha256.h"
#include "src/base/xalloc.h"

/* How long the snapshot's momentary write lock waits for another writer
 * before the hash is computed on the export's own connection instead. */
enum { SNAPSHOT_WAIT_MS = 2000 };

/* The run's model, provider and prompt come from a table read once (RUNS):
 * joining them to every row cost a tenth of the pass. */
#define ITEM_COLUMNS                                                                   \
	"SELECT i.id, i.external_id, i.path, i.sha256, i.format, i.title, i.category," \
	" i.metadata, i.has_image, p.run_id, p.label, p.score, p.confidence, p.rationale FROM items i"
/* A run made with --repeat has several answers (samples) per item: the row
 * of the first stands for them all (the index gives them in sample order,
 * so SQLite adds no sort), db_export_next passes over the rest, and MAJORITY
 * picks the answer shown. */
#define ITEM_TAIL " WHERE (?1 IS NULL OR i.category = ?1) ORDER BY i.id, p.sample"

/* the answer the queue state keeps: the latest run's ok one */
static const char ITEMS_LATEST[] =
	ITEM_COLUMNS " JOIN item_queue q ON q.item_id = i.id"
		     " LEFT JOIN predictions p ON p.run_id = q.llm_run AND p.item_id = i.id"
		     " AND p.status = 'ok'" ITEM_TAIL;
static const char ITEMS_OF_RUN[] =
	ITEM_COLUMNS " LEFT JOIN predictions p ON p.run_id = ?2 AND p.item_id = i.id"
		     " AND p.status = 'ok'" ITEM_TAIL;
static const char ITEMS_OF_PROMPT[] =
	ITEM_COLUMNS " LEFT JOIN predictions p ON p.item_id = i.id AND p.run_id ="
		     " (SELECT max(x.run_id) FROM predictions x JOIN runs y ON y.id = x.run_id"
		     "  WHERE x.item_id = i.id AND x.status = 'ok' AND y.prompt_version_id = ?3)"
		     " AND p.status = 'ok'" ITEM_TAIL;

/* the answer of a --repeat run shown for an item: one of its majority, a
 * tie to the lower label (as the review pane shows it, db/reviews.c) */
static const char MAJORITY[] =
	"SELECT p.label, p.score, p.confidence, p.rationale FROM predictions p"
	" WHERE p.run_id = ?1 AND p.item_id = ?2 AND p.status = 'ok' ORDER BY"
	" (SELECT count(*) FROM predictions x WHERE x.run_id = p.run_id AND x.item_id = p.item_id"
	"  AND x.status = 'ok' AND x.label = p.label) DESC, p.label, p.sample LIMIT 1";

static const char RUNS[] = "SELECT r.id, r.model, r.provider, v.hash, v.name, r.repeats"
			   " FROM runs r LEFT JOIN prompt_versions v ON v.id = r.prompt_version_id";

typedef struct {
	char *model, *provider, *prompt_hash, *prompt_name;
	int repeats;
} Run;

struct DbExportCursor {
	Db *db;
	sqlite3_stmt *stmt;
	DbExportItem item;
	Run *runs;
	size_t n_runs;
	IntMap *run_at;         /* a run's id to its index in runs */
	long long last_id;      /* the item given last: its further samples are passed over */
	sqlite3_stmt *majority; /* MAJORITY, prepared at the first --repeat run's item */
};

static Status runs_load(DbExportCursor *c)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;
	c->run_at = intmap_new();
	if (sqlite3_prepare_v2(c->db->handle, RUNS, -1, &s, NULL) != SQLITE_OK)
		return db_fail(c->db, "reading the runs to export");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		c->runs = xgrow(c->runs, &cap, c->n_runs + 1, sizeof *c->runs);
		intmap_get_or_add(c->run_at, (uint64_t)sqlite3_column_int64(s, 0), (int)c->n_runs,
				  NULL);
		c->runs[c->n_runs++] = (Run){ .model = db_column_dup(s, 1),
					      .provider = db_column_dup(s, 2),
					      .prompt_hash = db_column_dup(s, 3),
					      .prompt_name = db_column_dup(s, 4),
					      .repeats = sqlite3_column_int(s, 5) };
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(c->db, "reading the runs to export");
}

/* The run with this id, or NULL. */
static const Run *run_of(const DbExportCursor *c, long long id)
{
	int at = intmap_get(c->run_at, (uint64_t)id, -1);
	return at < 0 ? NULL : &c->runs[at];
}

Status db_export_open(Db *db, const DbExportQuery *q, DbExportCursor **out)
{
	DbExportCursor *c = xcalloc(1, sizeof *c);
	const char *sql = q->run_id              ? ITEMS_OF_RUN
			  : q->prompt_version_id ? ITEMS_OF_PROMPT
						 : ITEMS_LATEST;
	Status st;
	*out = NULL;
	c->db = db;
	st = runs_load(c);
	/* a statement of its own: the cache's could be in use by another pass */
	if (st == STATUS_OK && sqlite3_prepare_v2(db->handle, sql, -1, &c->stmt, NULL) != SQLITE_OK)
		st = db_fail(db, "preparing the export");
	if (st != STATUS_OK) {
		db_export_close(c);
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

/* The LLM's fields of it from the majority answer of its run. */
static Status majority_answer(DbExportCursor *c, DbExportItem *it)
{
	sqlite3_stmt *s = c->majority;
	int rc;
	if (!s && sqlite3_prepare_v2(c->db->handle, MAJORITY, -1, &c->majority, NULL) != SQLITE_OK)
		return db_fail(c->db, "preparing the export");
	s = c->majority;
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, it->run_id);
	sqlite3_bind_int64(s, 2, it->item_id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return db_fail(c->db, "reading the answers of a repeated run");
	it->llm_label = sqlite3_column_int(s, 0);
	it->has_score = sqlite3_column_type(s, 1) != SQLITE_NULL;
	it->llm_score = sqlite3_column_double(s, 1);
	it->has_confidence = sqlite3_column_type(s, 2) != SQLITE_NULL;
	it->llm_confidence = sqlite3_column_double(s, 2);
	it->rationale = text(s, 3);
	return STATUS_OK;
}

Status db_export_next(DbExportCursor *c, const DbExportItem **item)
{
	sqlite3_stmt *s = c->stmt;
	DbExportItem *it = &c->item;
	const Run *run;
	int rc;
	*item = NULL;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && c->last_id &&
	       sqlite3_column_int64(s, 0) == c->last_id)
		;
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
			      .rationale = text(s, 13) };
	c->last_id = it->item_id;
	run = it->run_id ? run_of(c, it->run_id) : NULL;
	if (run) {
		it->model = run->model;
		it->provider = run->provider;
		it->prompt_hash = run->prompt_hash;
		it->prompt_name = run->prompt_name;
	}
	if (run && run->repeats > 1) {
		Status st = majority_answer(c, it);
		if (st != STATUS_OK)
			return st;
	}
	*item = it;
	return STATUS_OK;
}

void db_export_close(DbExportCursor *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->stmt);
	sqlite3_finalize(c->majority);
	for (size_t i = 0; i < c->n_runs; i++) {
		Run *r = &c->runs[i];
		free(r->model), free(r->provider), free(r->prompt_hash), free(r->prompt_name);
	}
	free(c->runs);
	intmap_free(c->run_at);
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

/* The handle's last error as a Status (the thread has no Db to give db_fail). */
static Status hash_failed(sqlite3 *handle, const char *path)
{
	return status_fail(STATUS_ERR_DB, "%s: hashing the content: %s", path,
			   sqlite3_errmsg(handle));
}

static Status hash_table(sqlite3 *handle, const char *path, Hasher *h, const char *sql)
{
	sqlite3_stmt *s;
	int rc, n;
	if (sqlite3_prepare_v2(handle, sql, -1, &s, NULL) != SQLITE_OK)
		return hash_failed(handle, path);
	feed(h, sql, strlen(sql) + 1);
	n = sqlite3_column_count(s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		for (int c = 0; c < n; c++)
			hash_value(h, s, c);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STATUS_OK : hash_failed(handle, path);
}

/* The hash of what handle's open read transaction sees. */
static Status content_hash(sqlite3 *handle, const char *path, char out[65])
{
	Hasher *h = xmalloc(sizeof *h);
	uint8_t digest[32];
	Status st = STATUS_OK;
	sha256_init(&h->sha);
	h->len = 0;
	for (size_t i = 0; st == STATUS_OK && i < sizeof hashed / sizeof hashed[0]; i++)
		st = hash_table(handle, path, h, hashed[i]);
	sha256_update(&h->sha, h->buf, h->len);
	sha256_final(&h->sha, digest);
	sha256_hex(digest, out);
	free(h);
	return st;
}

/* ---- the snapshot, and its hash on a thread ---- */

struct DbExportHash {
	sqlite3 *handle; /* the thread's own connection, reading the same snapshot */
	char *path;
	pthread_t thread;
	int running;   /* the thread was started and not yet joined */
	Status status; /* the thread's result, with its detail */
	char detail[512];
	char hex[65];
};

static void *hash_thread(void *arg)
{
	DbExportHash *h = arg;
	h->status = content_hash(h->handle, h->path, h->hex);
	if (h->status != STATUS_OK)
		snprintf(h->detail, sizeof h->detail, "%s", status_detail());
	return NULL;
}

static sqlite3 *open_second(const char *path)
{
	sqlite3 *handle = NULL;
	if (sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(handle);
		return NULL;
	}
	sqlite3_busy_timeout(handle, SNAPSHOT_WAIT_MS);
	return handle;
}

/* Both connections start reading while a third holds the write lock, so no
 * commit can come between their snapshots: SQLite as packaged has no
 * sqlite3_snapshot_open() to share one. The lock lasts as long as two
 * reads of the schema's first page. 0 when any step fails. */
static int begin_together(Db *db, sqlite3 *second)
{
	static const char READ[] = "BEGIN; SELECT count(*) FROM sqlite_schema";
	sqlite3 *lock = open_second(db->path);
	int ok = lock && sqlite3_exec(lock, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
	ok = ok && sqlite3_exec(second, READ, NULL, NULL, NULL) == SQLITE_OK;
	ok = ok && sqlite3_exec(db->handle, READ, NULL, NULL, NULL) == SQLITE_OK;
	if (lock)
		sqlite3_exec(lock, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(lock);
	if (!ok)
		db_rollback(db);
	return ok;
}

/* Starts the thread; 0 when it cannot be had. Signals stay with the main
 * thread (the thread blocks them all). */
static int start_hash_thread(Db *db, DbExportHash *h)
{
	sigset_t all, before;
	h->handle = open_second(db->path);
	if (!h->handle || !begin_together(db, h->handle))
		return 0;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &before);
	h->running = pthread_create(&h->thread, NULL, hash_thread, h) == 0;
	pthread_sigmask(SIG_SETMASK, &before, NULL);
	return h->running;
}

Status db_export_snapshot_begin(Db *db, DbExportHash **hash)
{
	DbExportHash *h = xcalloc(1, sizeof *h);
	*hash = h;
	h->path = xstrdup(db->path);
	if (start_hash_thread(db, h))
		return STATUS_OK;
	/* no second connection or thread: the same hash, on this one, first */
	sqlite3_close(h->handle);
	h->handle = NULL;
	db_rollback(db);
	/* deferred: the first read takes the snapshot, no write lock is held */
	if (sqlite3_exec(db->handle, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "starting to read");
	h->status = content_hash(db->handle, db->path, h->hex);
	return h->status;
}

Status db_export_hash_wait(DbExportHash *h, char out[65])
{
	if (h->running)
		pthread_join(h->thread, NULL);
	h->running = 0;
	memcpy(out, h->hex, 65);
	if (h->status != STATUS_OK && h->detail[0])
		return status_fail(h->status, "%s", h->detail);
	return h->status;
}

void db_export_hash_free(DbExportHash *h)
{
	if (!h)
		return;
	if (h->running) {
		sqlite3_interrupt(h->handle); /* the export failed: stop early */
		pthread_join(h->thread, NULL);
	}
	sqlite3_close(h->handle);
	free(h->path);
	free(h);
}

void db_export_snapshot_end(Db *db)
{
	db_rollback(db);
}
