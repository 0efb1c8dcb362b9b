/* database.c - open, migrate and close a gavel database; transactions; the
 * prepared-statement cache the other db/ files share. */
#include "db/database.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/checkpoint.h"
#include "db/internal.h"
#include "db/migrations.h"
#include "src/base/clock.h"
#include "src/base/xalloc.h"

/* Long enough for another reviewer's commit, short enough to report a stuck lock. */
#define DEFAULT_PATIENCE_S 10.0
/* How long freeing the WAL on a full disk waits for readers to move on. */
#define FREE_WAL_PATIENCE_S 5.0
/* Waiting for another writer: short naps at first, then longer ones. */
enum {
	BUSY_NAP_US = 200,        /* while the wait is short */
	BUSY_SHORT_MS = 50,       /* how long a wait counts as short */
	BUSY_LONG_NAP_US = 20000, /* after that: a long lock costs 50 wake-ups a second */
};

static void (*reporter)(const char *line);

void db_set_reporter(void (*fn)(const char *line))
{
	reporter = fn;
}

void db_report(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	if (!reporter)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	reporter(line);
}

Status db_fail(Db *db, const char *what)
{
	db->last_rc = sqlite3_extended_errcode(db->handle);
	db->last_errno = sqlite3_system_errno(db->handle);
	if ((db->last_rc & 0xff) == SQLITE_BUSY)
		return status_fail(STATUS_ERR_DB,
				   "%s: %s: another process has held the database's write lock "
				   "for over %.0f s; try again when it is done",
				   db->path, what, db->patience_s);
	return status_fail(STATUS_ERR_DB, "%s: %s: %s", db->path, what, sqlite3_errmsg(db->handle));
}

sqlite3_stmt *db_statement(Db *db, const char *sql)
{
	sqlite3_stmt *stmt;
	/* A linear search: a few dozen pointers, cheap next to any sqlite3_step. */
	for (int i = 0; i < db->statement_count; i++) {
		if (db->statement_sql[i] == sql) {
			sqlite3_reset(db->statements[i]);
			sqlite3_clear_bindings(db->statements[i]);
			return db->statements[i];
		}
	}
	if (sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) !=
	    SQLITE_OK) {
		db_fail(db, "preparing a statement");
		return NULL;
	}
	if (db->statement_count == DB_MAX_STATEMENTS)
		xdie("more than %d prepared statements", DB_MAX_STATEMENTS);
	db->statement_sql[db->statement_count] = sql;
	db->statements[db->statement_count++] = stmt;
	return stmt;
}

char *db_column_dup(sqlite3_stmt *stmt, int column)
{
	const unsigned char *text = sqlite3_column_text(stmt, column);
	return text ? xstrdup((const char *)text) : NULL;
}

int db_bind_text_or_null(sqlite3_stmt *stmt, int index, const char *s)
{
	if (!s)
		return sqlite3_bind_null(stmt, index);
	return sqlite3_bind_text(stmt, index, s, -1, SQLITE_TRANSIENT);
}

static Status exec(Db *db, const char *sql, const char *what)
{
	if (sqlite3_exec(db->handle, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, what);
	return STATUS_OK;
}

int db_schema_version(Db *db)
{
	sqlite3_stmt *stmt;
	int version = -1;
	if (sqlite3_prepare_v2(db->handle, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return version;
}

int db_schema_latest(void)
{
	return migrations_count();
}

/* Applies migration NUMBER in its own transaction, unless another process got
 * there first (two gavels may open a fresh file at once). */
static Status migrate_one(Db *db, int number)
{
	char sql[64];
	Status st = db_begin(db);
	if (st != STATUS_OK)
		return st;
	if (db_schema_version(db) >= number)
		goto out;
	st = exec(db, migrations_sql(number), "applying the schema");
	if (st != STATUS_OK)
		goto out;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", number);
	st = exec(db, sql, "recording the schema version");
out:
	if (st != STATUS_OK) {
		db_rollback(db);
		return st;
	}
	return db_commit(db);
}

/* Whether the file is some other program's SQLite database: no gavel schema
 * version, yet tables of its own. Read before anything writes to the file
 * (turning on WAL would already change it). */
static int foreign(Db *db, int *tables)
{
	sqlite3_stmt *stmt;
	*tables = 0;
	if (db_schema_version(db) != 0)
		return 0;
	if (sqlite3_prepare_v2(db->handle, "SELECT count(*) FROM sqlite_master", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*tables = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return *tables > 0;
}

/* Checks the file is one of ours and brings its schema up to date. */
static Status migrate(Db *db, DbOpenMode mode)
{
	int version = db_schema_version(db);
	if (version < 0)
		return status_fail(STATUS_ERR_DB, "%s: not a gavel database (%s)", db->path,
				   sqlite3_errmsg(db->handle));
	if (version > migrations_count())
		return status_fail(STATUS_ERR_DB_NEWER,
				   "%s was written by a newer gavel (schema version %d; this gavel "
				   "knows up to %d): upgrade gavel to open it",
				   db->path, version, migrations_count());
	if (version == 0 && mode != DB_OPEN_CREATE)
		return status_fail(STATUS_ERR_NOT_FOUND,
				   "%s is not a gavel database: create one with 'gavel init --db %s'",
				   db->path, db->path);
	if (version < migrations_count() && db->read_only)
		return status_fail(STATUS_ERR_DB, "%s is read-only and was written by an older gavel "
				   "(schema %d of %d): open it once with write access to update it",
				   db->path, version, migrations_count());
	for (int n = version + 1; n <= migrations_count(); n++) {
		Status st = migrate_one(db, n);
		if (st != STATUS_OK)
			return st;
	}
	return STATUS_OK;
}

/* SQLite's busy handler: tries is 0 on a statement's first try for a lock.
 * It naps and says "try again" until the patience runs out, giving the
 * notice once per wait when it has lasted DB_NOTICE_AFTER_MS. The first
 * naps are a fifth of a millisecond: SQLite's own busy timeout backs off to
 * 100 ms naps, so with four reviewers committing every second a key could
 * wait a tenth of a second for a lock held a millisecond. A wait past
 * BUSY_SHORT_MS is another process's long transaction: then longer naps
 * spare the CPU (label may wait for it as long as it lasts). */
static int on_busy(void *arg, int tries)
{
	Db *db = arg;
	double now = clock_now_s(), waited;
	if (tries == 0)
		db->wait_start = now, db->wait_told = 0;
	waited = now - db->wait_start;
	if (db->patience_s >= 0 && waited >= db->patience_s)
		return 0;
	if (db->keep_waiting && !db->keep_waiting(db->wait_notice_arg))
		return 0;
	if (!db->wait_told && waited * 1000 >= DB_NOTICE_AFTER_MS && db->wait_notice) {
		db->wait_told = 1;
		db->wait_notice(db->wait_notice_arg);
	}
	usleep(waited * 1000 < BUSY_SHORT_MS ? BUSY_NAP_US : BUSY_LONG_NAP_US);
	return 1;
}

void db_set_patience(Db *db, double seconds)
{
	db->patience_s = seconds;
}

void db_set_wait_notice(Db *db, void (*notice)(void *arg), void *arg)
{
	db->wait_notice = notice;
	db->wait_notice_arg = arg;
}

void db_set_wait_check(Db *db, int (*keep_waiting)(void *arg))
{
	db->keep_waiting = keep_waiting;
}

static Status configure(Db *db)
{
	Status st;
	db->patience_s = DEFAULT_PATIENCE_S;
	sqlite3_busy_handler(db->handle, on_busy, db);
	sqlite3_extended_result_codes(db->handle, 1);
	if (db->read_only)
		return exec(db, "PRAGMA foreign_keys = ON", "turning on foreign keys");
	/* WAL lets reviewers read while another commits; NORMAL sync in WAL mode
	 * keeps every commit across a killed process (not across power loss). */
	st = exec(db, "PRAGMA journal_mode = WAL", "turning on WAL");
	if (st == STATUS_OK)
		st = exec(db, "PRAGMA synchronous = NORMAL", "setting synchronous");
	if (st == STATUS_OK)
		st = exec(db, "PRAGMA foreign_keys = ON", "turning on foreign keys");
	return st;
}

/* "file:PATH?mode=ro" (or immutable=1), PATH percent-encoded as URIs want. */
static char *read_only_uri(const char *path, int immutable)
{
	size_t n = strlen(path);
	char *uri = xmalloc(3 * n + 32), *o = uri;
	o += sprintf(o, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		o += strchr("%?#", *p) || *p < 0x20 ? sprintf(o, "%%%02X", *p) : sprintf(o, "%c", *p);
	sprintf(o, immutable ? "?immutable=1" : "?mode=ro");
	return uri;
}

/* Opens a file we may only read. In WAL mode SQLite wants the -shm file; in
 * a folder we cannot write, where it cannot be made, no process is writing
 * the file either (a writer would have made it), so it is read as immutable. */
static int open_read_only(Db *db)
{
	int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
	for (int immutable = 0; immutable < 2; immutable++) {
		char *uri = read_only_uri(db->path, immutable);
		int rc = sqlite3_open_v2(uri, &db->handle, flags, NULL);
		free(uri);
		if (rc == SQLITE_OK &&
		    sqlite3_exec(db->handle, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) ==
			    SQLITE_OK)
			return SQLITE_OK;
		sqlite3_close(db->handle);
		db->handle = NULL;
	}
	return SQLITE_CANTOPEN;
}

Status db_open(const char *path, DbOpenMode mode, Db **out)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, tables, rc;
	Db *db;
	Status st;

	*out = NULL;
	if (mode != DB_OPEN_CREATE && access(path, F_OK) != 0)
		return status_fail(STATUS_ERR_NOT_FOUND,
				   "%s: no such database: create one with 'gavel init --db %s'", path,
				   path);
	if (mode != DB_OPEN_CREATE && access(path, W_OK) != 0 && errno == EACCES) {
		if (mode != DB_OPEN_READ)
			return status_fail(STATUS_ERR_DB, "%s is read-only (no write permission), "
					   "and this command writes to it: ask for write access, "
					   "or work on a copy", path);
	} else {
		mode = mode == DB_OPEN_READ ? DB_OPEN_EXISTING : mode;
	}
	if (mode == DB_OPEN_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	db = xcalloc(1, sizeof *db);
	db->path = xstrdup(path);
	db->read_only = mode == DB_OPEN_READ;
	rc = db->read_only ? open_read_only(db) : sqlite3_open_v2(path, &db->handle, flags, NULL);
	if (rc != SQLITE_OK) {
		st = status_fail(STATUS_ERR_DB, "%s: cannot open: %s", path,
				 db->handle ? sqlite3_errmsg(db->handle) : "not readable");
		goto out;
	}
	if (db->read_only)
		snprintf(db->refusal, sizeof db->refusal, "%s is read-only (no write permission): "
			 "this needs to write to it", path);
	if (foreign(db, &tables)) {
		st = status_fail(STATUS_ERR_DB, "%s is another program's SQLite database (%d schema "
				 "object%s, none of gavel's): gavel keeps its data in a file of its "
				 "own; give another path", path, tables, tables == 1 ? "" : "s");
		goto out;
	}
	st = configure(db);
	if (st == STATUS_ERR_DB && sqlite3_errcode(db->handle) == SQLITE_NOTADB)
		st = status_fail(STATUS_ERR_DB, "%s: not a gavel database (not an SQLite file)", path);
	if (st == STATUS_OK)
		st = migrate(db, mode);
	if (st == STATUS_OK)
		st = queue_ensure(db);
out:
	if (st != STATUS_OK) {
		db_close(db);
		return st;
	}
	*out = db;
	return STATUS_OK;
}

void db_close(Db *db)
{
	if (!db)
		return;
	db_checkpoint_stop(db);
	for (int i = 0; i < db->statement_count; i++)
		sqlite3_finalize(db->statements[i]);
	sqlite3_close(db->handle);
	free(db->path);
	free(db);
}

Status db_begin(Db *db)
{
	if (db->refusal[0])
		return status_fail(STATUS_ERR_DB, "%s", db->refusal);
	return exec(db, "BEGIN IMMEDIATE", "starting a transaction");
}

Status db_commit(Db *db)
{
	return exec(db, "COMMIT", "committing");
}

void db_rollback(Db *db)
{
	if (!sqlite3_get_autocommit(db->handle))
		sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
}

/* Whether the last failure was the disk (or the quota) being full. */
static int disk_full(const Db *db)
{
	return (db->last_rc & 0xff) == SQLITE_FULL || db->last_errno == ENOSPC ||
	       db->last_errno == EDQUOT;
}

/* Copies the WAL into the database and truncates it to nothing: after a
 * long run (or a reader that held back checkpoints) it can be most of the
 * space the database uses. Best effort: a failure leaves things as they were. */
static void free_wal(Db *db)
{
	/* TRUNCATE waits for readers through the busy handler: a reader that
	 * stays (an idle review session) must not hold a full disk forever */
	double patience = db->patience_s;
	if (patience < 0 || patience > FREE_WAL_PATIENCE_S)
		db->patience_s = FREE_WAL_PATIENCE_S;
	sqlite3_wal_checkpoint_v2(db->handle, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	db->patience_s = patience;
}

/* One try of db_write's transaction. */
static Status write_once(Db *db, Status (*body)(Db *db, void *arg), void *arg)
{
	Status st;
	db->last_rc = SQLITE_OK, db->last_errno = 0;
	st = db_begin(db);
	if (st == STATUS_OK)
		st = body(db, arg);
	if (st == STATUS_OK)
		st = db_commit(db);
	if (st != STATUS_OK)
		db_rollback(db);
	return st;
}

Status db_write(Db *db, Status (*body)(Db *db, void *arg), void *arg)
{
	Status st;
	if (!sqlite3_get_autocommit(db->handle))
		return body(db, arg);
	st = write_once(db, body, arg);
	if (st == STATUS_OK || !disk_full(db))
		return st;
	free_wal(db);
	st = write_once(db, body, arg);
	if (st == STATUS_OK || !disk_full(db))
		return st;
	return status_fail(STATUS_ERR_DB,
			   "%s: the disk is full (%s); nothing was written and nothing written "
			   "before is lost: free some space on it",
			   db->path, sqlite3_errstr(db->last_rc));
}

int db_read_only(const Db *db)
{
	return db->read_only;
}

const char *db_path(Db *db)
{
	return db->path;
}
