/* retrain.h - the scorer refitted while people review: a worker thread,
 * with a database connection of its own, refits the current model on the
 * settled labels so far (src/score/trainer.h), stores it like any model and
 * re-scores the items still needing a review as a new scorer run
 * (src/score/apply.h). The UI thread never waits for it: it learns of the
 * end through a file descriptor and reads the outcome. The worker touches
 * neither curses nor the UI's database handle. */
#ifndef GAVEL_RETRAIN_H
#define GAVEL_RETRAIN_H

#include "src/base/status.h"

typedef struct Retrain Retrain;

/* A refit's outcome. */
typedef struct {
	Status status;
	char message[256];  /* the failure's detail */
	long long model_id, run_id;
	long long rows;     /* settled labels it was fitted on */
	int has_kappa;
	double kappa;       /* cross-validated quadratic-weighted kappa */
	long long scored;   /* items re-scored */
	double seconds;
} RetrainOutcome;

/* A refitter for the database at db_path; reviewer names who asked (kept
 * with each model). Never NULL. */
Retrain *retrain_new(const char *db_path, const char *reviewer);

/* Waits for a refit under way, then frees; NULL is fine. */
void retrain_free(Retrain *retrain);

/* Starts a refit; when one is under way, another starts as soon as it
 * ends (asking twice while busy still makes one more). */
void retrain_request(Retrain *retrain);

/* Whether a refit is under way or waiting to start. */
int retrain_busy(Retrain *retrain);

/* Readable when a refit has ended. */
int retrain_fd(const Retrain *retrain);

/* 1 with *out filled when a refit ended since the last call (the fd is
 * drained), else 0. Never blocks. */
int retrain_poll(Retrain *retrain, RetrainOutcome *out);

#endif
