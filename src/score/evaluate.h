/* evaluate.h - how good the linear scorer is, measured honestly: stratified
 * K-fold cross-validation (every row predicted by a model that never saw
 * it), the figures a user compares (accuracy, macro-F1, quadratic-weighted
 * kappa, log-loss, mean absolute error), each next to a baseline that knows
 * only the training fold's label counts, and every row's out-of-fold
 * prediction kept for the queues built on it (most uncertain first;
 * suspect human labels, confident learning). Pure computation; the
 * formulas are in docs/scorer.md.
 *
 * Labels are on the database's scale 1..K. A logistic model is fitted on
 * the labels present; its probabilities are reported over the whole scale
 * (0 for a label its training rows lacked). A ridge model is fitted on the
 * label values; its hard label is the prediction rounded to the nearest
 * level (halves up) and clamped to 1..K. */
#ifndef GAVEL_EVALUATE_H
#define GAVEL_EVALUATE_H

#include <stddef.h>
#include <stdint.h>

#include "src/agree/metrics.h"
#include "src/base/status.h"
#include "src/score/linmodel.h"

/* Probabilities are clipped to [EVALUATE_LOG_EPS, 1 - EVALUATE_LOG_EPS]
 * before the log-loss takes their logarithm (scikit-learn 1.2's log_loss
 * default), so a confident mistake costs about 34.5, not infinity. */
#define EVALUATE_LOG_EPS 1e-15

/* The figures, declared once: the enum and the names (JSON keys) come from
 * this list. */
#define EVALUATE_METRIC_LIST(X)                    \
	X(ACCURACY, "accuracy")                    \
	X(MACRO_F1, "macro_f1")                    \
	X(KAPPA_QUADRATIC, "kappa_quadratic")      \
	X(LOG_LOSS, "log_loss")                    \
	X(MAE, "mae")

typedef enum {
#define EVALUATE_METRIC_ENUM(name, key) EVALUATE_##name,
	EVALUATE_METRIC_LIST(EVALUATE_METRIC_ENUM)
#undef EVALUATE_METRIC_ENUM
	EVALUATE_METRIC_COUNT
} EvaluateMetric;

/* Every figure for one set of predictions; an undefined one says why. */
typedef struct {
	MetricValue v[EVALUATE_METRIC_COUNT];
} EvaluateMetrics;

/* The name of a figure ("macro_f1"); static, never NULL. */
const char *evaluate_metric_name(EvaluateMetric metric);

/* Assigns each of n rows a fold 0 .. folds - 1 (into fold), stratified by
 * label: the rows of each label, in an order shuffled by seed, are dealt to
 * the folds in turn, the turn carrying on from one label to the next. Every
 * fold then holds each label's rows to within one, and the folds' sizes
 * differ by at most one. The same labels and seed give the same folds on
 * every machine (src/base/rng.h). labels are 1..K. STATUS_ERR_INPUT when
 * folds < 2, folds > n, or a label lies outside 1..K. */
Status evaluate_folds(const int *labels, size_t n, int K, int folds, uint64_t seed, int *fold);

/* The figures of n predictions against truth (labels 1..K): pred are the
 * predicted labels; prob (n x K, the probability of each label) may be
 * NULL, and the log-loss is then undefined; value (n scores on the scale,
 * e.g. an expected label) may be NULL, and the MAE is then taken on pred.
 *   accuracy: share of pred equal to truth;
 *   macro_f1: the mean over labels present in truth or pred of
 *     2 TP / (2 TP + FP + FN) (scikit-learn's average="macro");
 *   kappa_quadratic: metrics_labels_stat(truth, pred, ...), undefined as
 *     there (one label everywhere, fewer than two rows);
 *   log_loss: mean of -log(clip(prob[truth])), EVALUATE_LOG_EPS;
 *   mae: mean |value - truth|.
 * Accuracy, macro-F1, log-loss and MAE are undefined without rows. */
void evaluate_metrics(const int *truth, const int *pred, const double *prob, const double *value,
		      size_t n, int K, EvaluateMetrics *out);

/* A model fitted on every row and, with folds >= 2, its cross-validation.
 * Arrays are owned (evaluate_free()). With folds == 0, fold and the oof
 * arrays are NULL and every figure is undefined ("no cross-validation"). */
typedef struct {
	int folds;
	uint64_t seed;
	size_t rows;
	int K;
	Linmodel model;    /* fitted on every row */
	int *fold;         /* rows: the fold each row was held out in */
	int *oof_label;    /* rows: the label predicted for it, 1..K */
	double *oof_value; /* rows: expected label (logistic) or prediction (ridge) */
	double *oof_prob;  /* rows x K: probability of each label (logistic), else NULL */
	EvaluateMetrics scorer;   /* the out-of-fold predictions against the labels */
	EvaluateMetrics baseline; /* the majority label of each training fold; its label
				     shares as probabilities; its mean label as value */
} Evaluation;

/* Fits p's model on rows x cols features x and labels (1..K, as the
 * targets: ridge fits their values), then with folds >= 2 fits one model
 * per fold of evaluate_folds(labels, seed) and predicts the held-out rows.
 * A training fold with a single label predicts that label with probability
 * 1 (a classifier cannot be fitted on it). Returns STATUS_OK with *out
 * filled, or the status of linmodel_fit() or evaluate_folds() with its
 * detail (*out zeroed). */
Status evaluate_run(const double *x, size_t rows, size_t cols, const int *labels, int K,
		    const LinmodelParams *p, int folds, uint64_t seed, Evaluation *out);

/* Releases what evaluate_run() allocated and zeroes e; safe on a zeroed
 * one. */
void evaluate_free(Evaluation *e);

#endif
