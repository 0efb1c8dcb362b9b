/* scorermodel.h - a trained scorer as gavel stores, applies and exports it:
 * the fitted linear model (src/score/linmodel.h) with the names of its
 * columns, the feature sources they come from, and what its classes mean on
 * the database's scale. Its JSON form is what `gavel export-model` writes
 * and what scorer_models.model keeps; docs/scorer.md gives the formula that
 * applies it. Pure computation. */
#ifndef GAVEL_SCORERMODEL_H
#define GAVEL_SCORERMODEL_H

#include "src/base/status.h"
#include "src/score/linmodel.h"

struct cJSON;

/* Every array and string owned (scorermodel_free). */
typedef struct {
	Linmodel lm;          /* classes are 1..C as fitted (C = K, or 2 for a split) */
	char **names;         /* lm.features column names */
	char *sources;        /* "pixels-v1,llm-score", as --features gave them */
	long long llm_run;    /* the run llm-score reads; 0: each item's latest LLM answer */
	char *target;         /* "human" or "llm" */
	int scale;            /* K, the levels of the database's scale */
	int positive_from;    /* the split level L, or 0 */
	char **label_names;   /* lm.classes names (NULL for ridge) */
	double *levels;       /* lm.classes: the scale level each class stands for */
} ScorerModel;

/* A model's answer for one row of raw features. */
typedef struct {
	int label;          /* the predicted level on the scale, 1..K */
	double score;       /* the expected level (logistic), the prediction (ridge) */
	int has_prob;       /* logistic: the probabilities below are set */
	double confidence;  /* the probability of the predicted class */
	double entropy;     /* -sum p log p over the classes */
	double prob[LINMODEL_MAX_CLASSES]; /* per class, in lm.labels order */
} ScorerAnswer;

/* Applies m to x (m->lm.features raw values). Logistic: the class of the
 * largest probability (the first on a tie), its level, the expected level
 * sum_k p_k levels_k. Ridge: the prediction, rounded to the nearest class
 * (halves up) and clamped, as its label. */
void scorermodel_apply(const ScorerModel *m, const double *x, ScorerAnswer *out);

/* The level a class stands for, and the names of the classes: the scale's
 * names, or for a split "below NAME" and "NAME or above" (NAME the split
 * level's). Fills m->levels and m->label_names from m->lm, m->scale,
 * m->positive_from and the scale's names (names[0] is level 1). */
void scorermodel_name_classes(ScorerModel *m, const char *const *scale_names);

/* The model as JSON (docs/scorer.md, "Applying an exported model"):
 * format, kind, target, features with mean and scale, labels (levels),
 * label_names, outputs, intercepts, coefficients (one row per output), the
 * fit's figures and the formula. A new object the caller deletes. */
struct cJSON *scorermodel_to_json(const ScorerModel *m);

/* Reads what scorermodel_to_json() wrote. STATUS_ERR_CORRUPT with a detail
 * when a field is missing or its size is wrong. On failure *m is zeroed. */
Status scorermodel_from_json(const char *json, ScorerModel *m);

/* The reply a scorer prediction records (its raw_reply): label, score,
 * confidence, entropy and the probabilities by class name, as JSON a
 * model would give, in a new string. */
char *scorermodel_reply(const ScorerModel *m, long long model_id, const ScorerAnswer *a);

/* One line saying what the answer rests on ("scorer 7 (multinomial on
 * pixels-v1): p 0.62, expected 2.41"), in a new string. */
char *scorermodel_rationale(const ScorerModel *m, long long model_id, const ScorerAnswer *a);

/* v as a JSON number that reads back to the same double: the shortest of
 * 15, 16 or 17 significant digits that does (cJSON's own printing accepts
 * a neighbouring double), or null when v is not finite. A new item. */
struct cJSON *scorermodel_json_number(double v);

/* "logistic" (two classes), "multinomial" or "ridge". Static. */
const char *scorermodel_kind(const ScorerModel *m);

void scorermodel_free(ScorerModel *m);

#endif
