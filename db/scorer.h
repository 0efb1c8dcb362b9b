/* scorer.h - what the linear scorer reads and writes: the labels it is
 * trained on (settled human labels, or a run's), the LLM's scores as a
 * feature, its models (scorer_models: everything needed to apply one, its
 * metrics, the size and hash of its data), each model's out-of-fold
 * predictions on its training rows (scores), and its own predictions as
 * runs of the DB_PROVIDER_SCORER labeller. docs/scorer.md. */
#ifndef GAVEL_DB_SCORER_H
#define GAVEL_DB_SCORER_H

#include "db/database.h"

/* What a model is trained to predict, with its word (scorer_models.target,
 * `gavel train --target`). */
#define DB_SCORER_TARGETS(X)                                                            \
	X(HUMAN, "human") /* the settled human label: every reviewer's standing label agrees */ \
	X(LLM, "llm")     /* an LLM run's labels: the LLM distilled into the scorer */

typedef enum {
#define DB_SCORER_TARGET_ENUM(name, word) DB_SCORER_TARGET_##name,
	DB_SCORER_TARGETS(DB_SCORER_TARGET_ENUM)
#undef DB_SCORER_TARGET_ENUM
	DB_SCORER_TARGET_COUNT
} DbScorerTarget;

/* The words, indexed by DbScorerTarget and NULL-terminated (for options). */
extern const char *const db_scorer_target_words[];

/* ---- what a model is trained on ---- */

/* Each item's settled human label (db/queue.h: standing labels that all
 * agree), in item id order, to fn. */
Status db_scorer_human_labels(Db *db, void (*fn)(void *arg, long long item_id, int label),
			      void *arg);

/* Each ok label of run_id, in item id order, to fn. */
Status db_scorer_run_labels(Db *db, long long run_id,
			    void (*fn)(void *arg, long long item_id, int label), void *arg);

/* Each item's LLM label (the latest answer of a labeller other than the
 * scorer, as the queue keeps it), in item id order, to fn. */
Status db_scorer_llm_labels(Db *db, void (*fn)(void *arg, long long item_id, int label),
			    void *arg);

/* The latest run of a labeller other than the scorer with an ok answer,
 * into *run_id (0 when there is none). */
Status db_scorer_latest_llm_run(Db *db, long long *run_id);

/* The LLM's score of the items with ids in lo..hi, in id order, to fn:
 * the score (else the label) of run_id's ok answer, or with run_id 0 of
 * each item's latest LLM answer. */
Status db_scorer_llm_scores(Db *db, long long run_id, long long lo, long long hi,
			    void (*fn)(void *arg, long long item_id, double score), void *arg);

/* ---- models ---- */

/* A model to store. Every JSON text is the caller's (valid JSON). */
typedef struct {
	const char *kind;          /* "logistic", "multinomial" or "ridge" */
	DbScorerTarget target;
	const char *features_json; /* the sources and column names */
	const char *params_json;   /* hyper-parameters, folds, seed, who trained it */
	const char *metrics_json;
	const char *model_json;    /* the model as export-model writes it */
	long long rows;
	const char *data_hash;
	int oof_labels;            /* its scores are out-of-fold probabilities over the scale */
} DbScorerModelNew;

/* Stores a model; *id gets its id. In the caller's transaction, if any. */
Status db_scorer_model_add(Db *db, const DbScorerModelNew *model, long long *id);

/* A stored model; strings owned (db_scorer_model_free). */
typedef struct {
	long long id;
	char *kind, *features_json, *params_json, *metrics_json, *model_json, *data_hash,
		*created_at;
	DbScorerTarget target;
	long long rows;
} DbScorerModel;

/* Reads model id; STATUS_ERR_NOT_FOUND with a detail when there is none.
 * id 0 reads the latest. */
Status db_scorer_model_get(Db *db, long long id, DbScorerModel *model);
void db_scorer_model_free(DbScorerModel *model);

/* Every model, newest first (at most limit; <= 0: all), to fn. */
Status db_scorer_models(Db *db, int limit, void (*fn)(void *arg, const DbScorerModel *model),
			void *arg);

/* One out-of-fold prediction of model_id: the item, the class it was
 * trained to, the fold that held it out, its expected label and the
 * probabilities (a JSON array over the classes, or NULL for ridge). In the
 * caller's transaction. */
Status db_scorer_score_add(Db *db, long long model_id, long long item_id, int label, int fold,
			   double score, const char *probabilities_json);

/* ---- the scorer as a labeller ---- */

/* Starts a run of the scorer labeller for model_id (provider
 * DB_PROVIDER_SCORER, model "scorer-ID"); *run_id gets it. */
Status db_scorer_run_create(Db *db, long long model_id, const char *params_json,
			    long long *run_id);

/* One of its answers, ok: the label, the expected score, the probability
 * of the label (confidence < 0: none, for ridge), a rationale and the reply
 * as JSON (with "probabilities" and "entropy"). In the caller's
 * transaction. */
Status db_scorer_prediction_add(Db *db, long long run_id, long long item_id, int label,
				double score, double confidence, const char *rationale,
				const char *reply_json);

/* Items to score, above after_id in id order, up to max into ids: every
 * item, or (unreviewed) those that still need a reviewer's decision;
 * *count gets how many. */
Status db_scorer_items(Db *db, int unreviewed, long long after_id, long long *ids, int max,
		       int *count);

/* How many items db_scorer_items() would give in all. */
Status db_scorer_item_count(Db *db, int unreviewed, long long *count);

/* What the review pane shows of the scorer for an item: the latest scorer
 * run's answer, and the out-of-fold probability of the settled human label
 * under the model the suspect order uses. */
typedef struct {
	long long run_id, model_id; /* run_id 0: no scorer answer */
	int label;
	double score;
	int has_confidence;
	double confidence;
	int has_suspect;
	double suspect_p;           /* out-of-fold probability of the settled label */
} DbScorerView;

Status db_scorer_view(Db *db, long long item_id, DbScorerView *view);

/* The current model as the review title shows it: its id (0: none), the
 * rows it was fitted on, its cross-validated quadratic-weighted kappa
 * (has_kappa 0 when not computed). */
typedef struct {
	long long id, rows;
	int has_kappa;
	double kappa;
} DbScorerSummary;

Status db_scorer_summary(Db *db, DbScorerSummary *summary);

#endif
