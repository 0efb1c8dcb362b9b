/* database.h - opening a gavel database, its schema version and transactions.
 * db/ is the only code that includes sqlite3.h; every other module goes through
 * the db_* functions here and in the other db/ headers. Functions return a
 * Status (src/status.h) with the detail in status_detail(). */
#ifndef GAVEL_DATABASE_H
#define GAVEL_DATABASE_H

#include "src/base/status.h"

typedef struct Db Db;

typedef enum {
	DB_OPEN_EXISTING, /* the file must exist and be a gavel database we may write */
	DB_OPEN_CREATE,   /* create the file if needed (gavel init) */
	DB_OPEN_READ,     /* as EXISTING, but a file we may not write opens read-only
			   * (for the commands that only read) */
} DbOpenMode;

/* Opens PATH, turns on WAL, foreign keys and a busy timeout, and applies the
 * migrations it lacks. Fails with STATUS_ERR_DB_NEWER for a database written
 * by a newer gavel (and leaves it untouched), STATUS_ERR_NOT_FOUND when mode
 * is DB_OPEN_EXISTING and there is no file. On success *out is owned by the
 * caller (db_close). */
Status db_open(const char *path, DbOpenMode mode, Db **out);

/* Whether the file was opened read-only (DB_OPEN_READ on a file without
 * write permission); every write then fails, saying so. */
int db_read_only(const Db *db);

/* Closes the database; NULL is fine. */
void db_close(Db *db);

/* The schema version of the open file (PRAGMA user_version). */
int db_schema_version(Db *db);

/* The schema version this gavel writes. */
int db_schema_latest(void);

/* Transactions: begin takes the write lock at once (BEGIN IMMEDIATE), so a
 * second writer waits up to the busy timeout instead of failing mid-way. */
Status db_begin(Db *db);
Status db_commit(Db *db);
/* Rolls back when a transaction is open; safe to call when none is. */
void db_rollback(Db *db);

/* Writing under pressure. Every statement that needs the write lock while
 * another process holds it waits (the SQLite busy handler), for at most the
 * patience, then fails with STATUS_ERR_DB naming the lock. */
#define DB_WAIT_FOREVER (-1.0)
enum { DB_NOTICE_AFTER_MS = 250 };

/* Sets the patience in seconds (10 by default); DB_WAIT_FOREVER never gives
 * up, for writes that must not be dropped (a model's answer is paid for). */
void db_set_patience(Db *db, double seconds);

/* Has notice(arg) called once per wait, from inside it, when a statement has
 * waited DB_NOTICE_AFTER_MS for another process, so the user hears "waiting
 * for the database: another process is writing" at once instead of seeing a
 * frozen screen; NULL for none. notice must not use the database. */
void db_set_wait_notice(Db *db, void (*notice)(void *arg), void *arg);

/* Has keep_waiting(arg) asked at every nap of a wait (arg as given to
 * db_set_wait_notice): returning 0 gives up at once, as when the patience
 * runs out (the review screen gives up when a signal asks it to stop).
 * NULL: only the patience counts. */
void db_set_wait_check(Db *db, int (*keep_waiting)(void *arg));

/* Runs body (statements only: no BEGIN or COMMIT of its own) as one write
 * transaction, BEGIN IMMEDIATE to COMMIT, and rolls back when it fails. It
 * waits for the lock as above. When the disk is full it rolls back, frees
 * the WAL (checkpoint, then truncate the file to nothing) and runs the whole
 * transaction once more, so work goes on if that made room; if the disk is
 * still full it fails with STATUS_ERR_DB saying so, with nothing written and
 * nothing earlier lost. Inside a transaction the caller already holds, body
 * just runs: the outer transaction is the one to retry. Returns body's
 * status, or STATUS_ERR_DB. */
Status db_write(Db *db, Status (*body)(Db *db, void *arg), void *arg);

/* Where db/ tells the user what it does on its own (a schema update on a
 * big file, guards restored): fn gets one line, without a newline. NULL
 * (the default) says nothing. */
void db_set_reporter(void (*fn)(const char *line));

/* The path the database was opened with. Borrowed. */
const char *db_path(Db *db);

#endif
