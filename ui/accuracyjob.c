/* accuracyjob.c - the dashboard's fit on a worker (accuracyjob.h). One
 * worker thread per fit, joined before the next starts; the result is
 * handed over under a lock and announced by a byte on a pipe, which the
 * UI's poll() watches (the pattern of ui/retrain.c). */
#include "ui/accuracyjob.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/database.h"
#include "src/base/xalloc.h"

struct AccuracyJob {
	char *db_path;
	pthread_mutex_t lock;
	pthread_t thread;
	int running;                /* a worker thread exists (joined before the next) */
	int active;                 /* ... and has not handed its result over */
	volatile sig_atomic_t stop; /* the fit is no longer wanted (set under lock) */
	int ended;                  /* a result waits for accuracyjob_poll */
	Settlement *fit;            /* that result (NULL when it could not be made) */
	Status status;
	int pipe_fd[2];
};

static void notify(AccuracyJob *j)
{
	/* a full pipe already says that something ended */
	if (write(j->pipe_fd[1], "x", 1) < 0 && errno != EAGAIN)
		return;
}

/* Under the lock: the result nobody will take is freed. */
static void drop_result(AccuracyJob *j)
{
	settlement_free(j->fit);
	j->fit = NULL;
	j->ended = 0;
}

static void *worker(void *arg)
{
	AccuracyJob *j = arg;
	Settlement *fit = NULL;
	Db *db = NULL;
	/* DB_OPEN_READ: this connection never writes */
	Status st = db_open(j->db_path, DB_OPEN_READ, &db);
	if (st == STATUS_OK)
		st = settlement_load_accuracy(db, &j->stop, &fit);
	db_close(db);
	pthread_mutex_lock(&j->lock);
	if (j->stop) {
		settlement_free(fit); /* stopped after the last look: nobody wants it */
	} else {
		j->fit = fit;
		j->status = st;
		j->ended = 1;
	}
	j->active = 0;
	pthread_mutex_unlock(&j->lock);
	notify(j);
	return NULL;
}

AccuracyJob *accuracyjob_new(const char *db_path)
{
	AccuracyJob *j = xcalloc(1, sizeof *j);
	j->db_path = xstrdup(db_path);
	pthread_mutex_init(&j->lock, NULL);
	if (pipe(j->pipe_fd) != 0)
		xdie("pipe: %s", strerror(errno));
	for (int i = 0; i < 2; i++)
		fcntl(j->pipe_fd[i], F_SETFL, fcntl(j->pipe_fd[i], F_GETFL) | O_NONBLOCK);
	return j;
}

/* Stops the worker and collects it; afterwards no thread is left. */
static void stop_and_join(AccuracyJob *j)
{
	accuracyjob_cancel(j);
	if (j->running)
		pthread_join(j->thread, NULL);
	j->running = 0;
}

void accuracyjob_free(AccuracyJob *j)
{
	if (!j)
		return;
	stop_and_join(j);
	drop_result(j);
	close(j->pipe_fd[0]);
	close(j->pipe_fd[1]);
	pthread_mutex_destroy(&j->lock);
	free(j->db_path);
	free(j);
}

void accuracyjob_start(AccuracyJob *j)
{
	stop_and_join(j);
	/* no worker now: nothing else reads these */
	j->stop = 0;
	j->active = 1;
	if (pthread_create(&j->thread, NULL, worker, j) != 0) {
		j->active = 0;
		j->status = STATUS_ERR_IO;
		j->ended = 1;
		notify(j);
		return;
	}
	j->running = 1;
}

void accuracyjob_cancel(AccuracyJob *j)
{
	pthread_mutex_lock(&j->lock);
	j->stop = 1;
	drop_result(j);
	pthread_mutex_unlock(&j->lock);
}

int accuracyjob_busy(AccuracyJob *j)
{
	int busy;
	pthread_mutex_lock(&j->lock);
	busy = j->active && !j->stop;
	pthread_mutex_unlock(&j->lock);
	return busy;
}

int accuracyjob_fd(const AccuracyJob *j)
{
	return j->pipe_fd[0];
}

int accuracyjob_poll(AccuracyJob *j, Settlement **fit, Status *status)
{
	char buf[64];
	int ended;
	while (read(j->pipe_fd[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&j->lock);
	ended = j->ended;
	*fit = ended ? j->fit : NULL;
	if (status)
		*status = ended ? j->status : STATUS_OK;
	j->fit = NULL;
	j->ended = 0;
	pthread_mutex_unlock(&j->lock);
	return ended;
}

void accuracyjob_wait(AccuracyJob *j)
{
	if (j->running)
		pthread_join(j->thread, NULL);
	j->running = 0;
}
