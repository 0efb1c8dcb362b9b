/* retrain.c - the background refit (retrain.h). One worker thread per
 * refit, joined before the next starts; the outcome is handed over under a
 * lock and announced by a byte on a pipe, which the UI's poll() watches. */
#include "ui/retrain.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/database.h"
#include "src/base/clock.h"
#include "src/base/xalloc.h"
#include "src/score/apply.h"
#include "src/score/trainer.h"

struct Retrain {
	char *db_path;
	char *origin;        /* "review refit by NAME" */
	pthread_mutex_t lock;
	pthread_t thread;
	int running;         /* a worker thread exists (joined at the next start) */
	int active;          /* ... and has not finished */
	int again;           /* asked for while active: start once more after */
	int ended;           /* an outcome waits for retrain_poll */
	volatile sig_atomic_t stop; /* the UI is closing: stop scoring after the current block */
	RetrainOutcome outcome;
	int pipe_fd[2];
};

/* The refit itself, on a connection of its own. */
static void refit(Retrain *r, RetrainOutcome *out)
{
	TrainsetSources sources = {0};
	TrainerSpec spec;
	TrainerResult result;
	ApplySpec as = {.unreviewed = 1, .origin = r->origin, .stop = &r->stop};
	ApplyResult applied;
	double started = clock_now_s();
	Db *db = NULL;
	Status st = db_open(r->db_path, DB_OPEN_EXISTING, &db);
	memset(out, 0, sizeof *out);
	if (st == STATUS_OK)
		st = trainer_refit_spec(db, &spec, &sources);
	spec.origin = r->origin;
	if (st == STATUS_OK)
		st = trainer_run(db, &spec, &result);
	if (st == STATUS_OK) {
		out->model_id = result.model_id;
		out->rows = (long long)result.set.rows;
		out->has_kappa = result.eval.scorer.v[EVALUATE_KAPPA_QUADRATIC].defined;
		out->kappa = result.eval.scorer.v[EVALUATE_KAPPA_QUADRATIC].value;
		trainer_result_free(&result);
		as.model_id = out->model_id;
		st = apply_model(db, &as, &applied);
		out->run_id = applied.run_id;
		out->scored = applied.scored;
	}
	out->status = st;
	if (st != STATUS_OK)
		snprintf(out->message, sizeof out->message, "%s",
			 *status_detail() ? status_detail() : status_message(st));
	out->seconds = clock_now_s() - started;
	trainset_sources_free(&sources);
	db_close(db);
}

static void notify(Retrain *r)
{
	/* a full pipe already says that something ended */
	if (write(r->pipe_fd[1], "x", 1) < 0 && errno != EAGAIN)
		return;
}

static void *worker(void *arg)
{
	Retrain *r = arg;
	int again;
	do {
		RetrainOutcome out;
		refit(r, &out);
		pthread_mutex_lock(&r->lock);
		r->outcome = out;
		r->ended = 1;
		again = r->again && !r->stop;
		r->again = 0;
		if (!again)
			r->active = 0;
		pthread_mutex_unlock(&r->lock);
		notify(r);
	} while (again);
	return NULL;
}

Retrain *retrain_new(const char *db_path, const char *reviewer)
{
	Retrain *r = xcalloc(1, sizeof *r);
	r->db_path = xstrdup(db_path);
	r->origin = xasprintf("review refit by %s", reviewer ? reviewer : "?");
	pthread_mutex_init(&r->lock, NULL);
	if (pipe(r->pipe_fd) != 0)
		xdie("pipe: %s", strerror(errno));
	for (int i = 0; i < 2; i++)
		fcntl(r->pipe_fd[i], F_SETFL, fcntl(r->pipe_fd[i], F_GETFL) | O_NONBLOCK);
	return r;
}

void retrain_free(Retrain *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->again = 0;
	r->stop = 1;
	pthread_mutex_unlock(&r->lock);
	if (r->running)
		pthread_join(r->thread, NULL);
	close(r->pipe_fd[0]);
	close(r->pipe_fd[1]);
	pthread_mutex_destroy(&r->lock);
	free(r->db_path);
	free(r->origin);
	free(r);
}

void retrain_request(Retrain *r)
{
	pthread_mutex_lock(&r->lock);
	if (r->active) {
		r->again = 1;
		pthread_mutex_unlock(&r->lock);
		return;
	}
	pthread_mutex_unlock(&r->lock);
	/* the last worker has finished (active is 0): collect it first */
	if (r->running)
		pthread_join(r->thread, NULL);
	r->running = 0;
	r->active = 1;
	if (pthread_create(&r->thread, NULL, worker, r) != 0) {
		r->active = 0;
		r->outcome = (RetrainOutcome){.status = STATUS_ERR_IO};
		snprintf(r->outcome.message, sizeof r->outcome.message, "cannot start a thread");
		r->ended = 1;
		notify(r);
		return;
	}
	r->running = 1;
}

int retrain_busy(Retrain *r)
{
	int busy;
	pthread_mutex_lock(&r->lock);
	busy = r->active;
	pthread_mutex_unlock(&r->lock);
	return busy;
}

int retrain_fd(const Retrain *r)
{
	return r->pipe_fd[0];
}

int retrain_poll(Retrain *r, RetrainOutcome *out)
{
	char buf[64];
	int ended;
	while (read(r->pipe_fd[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&r->lock);
	ended = r->ended;
	if (ended)
		*out = r->outcome;
	r->ended = 0;
	pthread_mutex_unlock(&r->lock);
	return ended;
}
