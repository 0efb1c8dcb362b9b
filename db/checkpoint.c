/* checkpoint.c - the write-ahead log checkpointed off the committing thread. */
#include "db/checkpoint.h"

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>

#include "db/internal.h"
#include "src/base/xalloc.h"

struct DbCheckpointer {
	sqlite3 *handle; /* the thread's own connection to the same file */
	pthread_t thread;
	pthread_mutex_t lock; /* guards due and stop */
	pthread_cond_t wake;
	pthread_mutex_t one_pass; /* held by whoever is checkpointing: one at a time */
	bool due;                 /* a commit left enough pages in the log */
	bool stop;                /* db_close is waiting for the thread */
};

/* Runs after every commit on the reviewer's connection, in its thread: a
 * flag and a signal. The log starts over only when a writer finds it wholly
 * copied, which commits arriving faster than checkpoints (a script, four
 * reviewers at once) may never allow; so a log four times the size is copied
 * whole here, which costs this commit little since the thread copied most. */
static int on_commit(void *arg, sqlite3 *handle, const char *schema, int pages)
{
	DbCheckpointer *c = arg;
	if (pages < DB_CHECKPOINT_PAGES)
		return SQLITE_OK;
	if (pages >= 4 * DB_CHECKPOINT_PAGES) {
		pthread_mutex_lock(&c->one_pass); /* the thread's pass ends first */
		sqlite3_wal_checkpoint_v2(handle, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_unlock(&c->one_pass);
		return SQLITE_OK;
	}
	pthread_mutex_lock(&c->lock);
	c->due = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	return SQLITE_OK;
}

static void *checkpoint_loop(void *arg)
{
	DbCheckpointer *c = arg;
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->due && !c->stop)
			pthread_cond_wait(&c->wake, &c->lock);
		if (c->stop)
			break;
		c->due = false;
		pthread_mutex_unlock(&c->lock);
		/* PASSIVE copies what no reader still needs, making no one wait */
		pthread_mutex_lock(&c->one_pass);
		sqlite3_wal_checkpoint_v2(c->handle, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_unlock(&c->one_pass);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* The thread blocks every signal, so SIGWINCH, SIGINT and the rest still
 * reach the thread whose loop waits for them. */
static bool start_thread(DbCheckpointer *c)
{
	sigset_t all, before;
	int rc;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &before);
	rc = pthread_create(&c->thread, NULL, checkpoint_loop, c);
	pthread_sigmask(SIG_SETMASK, &before, NULL);
	return rc == 0;
}

Status db_checkpoint_in_background(Db *db)
{
	DbCheckpointer *c;
	if (db->read_only || db->checkpointer)
		return STATUS_OK;
	c = xcalloc(1, sizeof *c);
	if (sqlite3_open_v2(db->path, &c->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		Status st =
			status_fail(STATUS_ERR_DB, "%s: a second connection for checkpoints: %s",
				    db->path, sqlite3_errmsg(c->handle));
		sqlite3_close(c->handle);
		free(c);
		return st;
	}
	sqlite3_busy_timeout(c->handle, 100);
	/* a connection learns the file is in WAL mode from its first read */
	sqlite3_exec(c->handle, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->one_pass, NULL);
	pthread_cond_init(&c->wake, NULL);
	if (!start_thread(c)) {
		sqlite3_close(c->handle);
		free(c);
		return STATUS_OK; /* no thread: SQLite's own checkpoints stay on */
	}
	db->checkpointer = c;
	sqlite3_wal_hook(db->handle, on_commit, c); /* replaces the automatic checkpoint */
	return STATUS_OK;
}

void db_checkpoint_stop(Db *db)
{
	DbCheckpointer *c = db->checkpointer;
	if (!c)
		return;
	sqlite3_wal_hook(db->handle, NULL, NULL);
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	sqlite3_close(c->handle);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->one_pass);
	pthread_cond_destroy(&c->wake);
	free(c);
	db->checkpointer = NULL;
}
