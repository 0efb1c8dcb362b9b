/* checkpoint.h - copying the write-ahead log into the database file on a
 * thread of its own, so no decision waits for it. */
#ifndef GAVEL_DB_CHECKPOINT_H
#define GAVEL_DB_CHECKPOINT_H

#include "db/database.h"
#include "src/base/status.h"

/* From now on the write-ahead log of DB is checkpointed by a background
 * thread with its own connection (PASSIVE: it never blocks a writer or a
 * reader), woken when a commit leaves DB_CHECKPOINT_PAGES or more pages in
 * the log, instead of by the commit itself. SQLite's own checkpoint costs
 * the committing call two fsyncs and a thousand page copies, which on a
 * million-item database was every 99th key of the review loop at 20-40 ms.
 * A read-only DB needs none: STATUS_OK and nothing started. db_close() stops
 * the thread. Fails only when the second connection cannot be opened. */
Status db_checkpoint_in_background(Db *db);

/* The log size, in pages, that wakes the thread (SQLite's default for its own). */
enum { DB_CHECKPOINT_PAGES = 1000 };

/* Stops the thread and closes its connection; for db_close(). */
void db_checkpoint_stop(Db *db);

#endif
