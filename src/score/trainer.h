/* trainer.h - training a scorer from the database: the labelled items
 * (settled human labels, or an LLM run's labels) with their feature rows,
 * the fit and its cross-validation (src/score/evaluate.h), the LLM's own
 * figures on the same items, and the model stored with its out-of-fold
 * predictions. `gavel train` and the review UI's refit both run it; a
 * refit does so on a database connection of its own, in a worker thread. */
#ifndef GAVEL_TRAINER_H
#define GAVEL_TRAINER_H

#include <stdint.h>

#include "db/database.h"
#include "db/scorer.h"
#include "src/score/evaluate.h"
#include "src/score/scorermodel.h"
#include "src/score/trainset.h"

/* What to train. */
typedef struct {
	DbScorerTarget target;
	long long llm_run;               /* target llm, and llm-score: the run (0: the latest) */
	const TrainsetSources *sources;  /* borrowed */
	LinmodelParams params;
	int positive_from;               /* split the scale at this level; 0: none */
	int folds;                       /* 0: fit on every row, no cross-validation */
	uint64_t seed;
	const char *origin;              /* who asked, kept with the model ("gavel train") */
} TrainerSpec;

/* What came of it; owned (trainer_result_free). */
typedef struct {
	long long model_id;
	ScorerModel model;       /* the fit on every row, as stored */
	Evaluation eval;         /* its cross-validation (eval.model moved into model.lm) */
	Trainset set;            /* the rows */
	int classes;             /* C: the scale's K, or 2 for a split */
	EvaluateMetrics llm;     /* the LLM's labels against the target, on the rows that have one */
	size_t llm_rows;
	long long labelled;      /* items with a target label */
	long long *missing;      /* per source: labelled items it lacked (left out) */
	long long run;           /* target llm: the run its labels came from */
	char hash[65];
} TrainerResult;

/* Loads, fits, cross-validates and stores (the model and, with folds >= 2,
 * each row's out-of-fold prediction, in one transaction). STATUS_ERR_INPUT
 * with a detail for no labelled item with every feature, a split outside
 * the scale, llm-score as a feature of the LLM's own labels, or what the
 * fit refused (one class only, more folds than rows); STATUS_ERR_NOT_FOUND
 * for a feature set or run that does not exist. *out is filled on success
 * and zeroed on failure. */
Status trainer_run(Db *db, const TrainerSpec *spec, TrainerResult *out);

void trainer_result_free(TrainerResult *r);

/* The spec of a refit of the current model (the latest stored) on the
 * settled human labels: its feature sources (into *sources, the caller's
 * to free), model, penalty, standardisation, split, folds (at least 2: a
 * refit reports its cross-validated agreement and feeds the suspect order)
 * and seed; without a model yet, logistic regression with C 1 on
 * TRAINSET_PIXELS, 5 folds, seed 1. spec->sources points at *sources. */
Status trainer_refit_spec(Db *db, TrainerSpec *spec, TrainsetSources *sources);

/* The result's figures as the JSON object stored with the model:
 * {"folds", "seed", "rows", "scorer": {...}, "baseline": {...},
 * "llm": {..., "rows"}} (undefined figures as null). New string. */
char *trainer_metrics_json(const TrainerResult *r);

#endif
