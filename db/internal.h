/* internal.h - what the db/ files share and nothing outside db/ may include:
 * the Db struct and its cache of prepared statements. */
#ifndef GAVEL_DB_INTERNAL_H
#define GAVEL_DB_INTERNAL_H

#include <sqlite3.h>

#include "db/database.h"
#include "db/kinds.h"

enum { DB_MAX_STATEMENTS = 128 };

typedef struct DbCheckpointer DbCheckpointer; /* db/checkpoint.c */

struct Db {
	sqlite3 *handle;
	char *path;
	int read_only;      /* opened without write access */
	char refusal[512];  /* when set, why this file takes no writes: db_begin says it */
	/* Waiting for another process's write lock (database.c on_busy). */
	double patience_s;       /* give up after this long; < 0: never */
	void (*wait_notice)(void *arg);
	int (*keep_waiting)(void *arg); /* asked at every nap; 0 gives up */
	void *wait_notice_arg;
	double wait_start;       /* when the current wait began */
	int wait_told;           /* the notice was given for the current wait */
	/* What the last failure db_fail reported was, for db_write's retry. */
	int last_rc;             /* extended result code */
	int last_errno;          /* the system's errno behind it, or 0 */
	/* Prepared statements, keyed by the address of their static SQL text. */
	const char *statement_sql[DB_MAX_STATEMENTS];
	sqlite3_stmt *statements[DB_MAX_STATEMENTS];
	int statement_count;
	DbCheckpointer *checkpointer; /* db_checkpoint_in_background(), or NULL */
};

/* The prepared statement for SQL, which must be a string with static
 * storage (each db/ file keeps its SQL in static arrays): prepared on first
 * use, then reset and unbound on each call. Borrowed. NULL (with
 * status_detail set) only if SQLite refuses to prepare it. */
sqlite3_stmt *db_statement(Db *db, const char *sql);

/* Turns the handle's last error into a Status with "WHAT: sqlite message",
 * and keeps its code (db_write retries on a full disk). */
Status db_fail(Db *db, const char *what);

/* A new copy of a text column, or NULL when it is NULL. */
char *db_column_dup(sqlite3_stmt *stmt, int column);

/* Binds TEXT or NULL when s is NULL. */
int db_bind_text_or_null(sqlite3_stmt *stmt, int index, const char *s);

/* Tells the user something through the reporter db_set_reporter() set
 * (printf-style); nothing when none is set. */
void db_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* db/queue.c: checks the triggers that guard the review log and keep the
 * queue state, and creates, replaces or restores them (rebuilding the state
 * when they were missing or its meaning changed). On a read-only file it
 * records a refusal instead. */
Status queue_ensure(Db *db);

/* db/claims.c, for db/ files deciding under a claim inside their own
 * transaction: sweeps expired claims, then checks or takes the reviewer's
 * hold on the item as db_claim_hold() does. */
Status claims_hold_locked(Db *db, const char *reviewer, long long item_id, double lease_s,
			  int *held);

/* The kind a stored word names (db/kinds.h): NONE for an unknown or NULL
 * decision or verdict; FAILED for an unknown prediction or run state, the
 * state that promises least. */
DbDecision db_decision_parse(const char *word);
DbVerdict db_verdict_parse(const char *word);
DbPredictionState db_prediction_state_parse(const char *word);
DbRunState db_run_state_parse(const char *word);

/* A verdict as bound to SQL: NULL when unmarked. */
const char *db_verdict_sql(DbVerdict verdict);

#endif
