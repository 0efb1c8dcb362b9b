/* apply.h - the scorer as a labeller: a stored model applied to every item
 * (or to those still needing a review) that has its features, recorded as
 * a run of the scorer (DB_PROVIDER_SCORER) with, for each item, the
 * predicted label, the expected score, the probability of that label and
 * every class's probability in the reply. Blocks of items are committed
 * one at a time, so a long run holds the write lock only briefly. */
#ifndef GAVEL_APPLY_H
#define GAVEL_APPLY_H

#include <signal.h>

#include "db/database.h"

typedef struct {
	long long model_id;  /* 0: the latest model */
	int unreviewed;      /* only items that still need a reviewer's decision */
	const char *origin;  /* kept in the run's parameters ("gavel score") */
	/* called after each block; may be NULL */
	void (*progress)(void *arg, long long done, long long total);
	void *arg;
	volatile sig_atomic_t *stop; /* set: stop after the current block (may be NULL) */
} ApplySpec;

typedef struct {
	long long model_id, run_id;
	long long items;     /* items looked at */
	long long scored;    /* ... that had every feature, now labelled */
	int stopped;         /* *stop ended it early: the run is marked interrupted */
} ApplyResult;

/* Applies the model and records the run. STATUS_ERR_NOT_FOUND for a model
 * or feature set that does not exist; STATUS_ERR_INPUT when a set's columns
 * changed since the model was trained. */
Status apply_model(Db *db, const ApplySpec *spec, ApplyResult *out);

#endif
