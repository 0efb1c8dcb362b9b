/* evaluate.c - stratified cross-validation of the linear scorer (see
 * evaluate.h). Each fold's training rows are copied into one contiguous
 * matrix, so the fit reads them as linmodel_fit() reads any matrix; a copy
 * is (folds - 1) / folds of the data, made and freed one fold at a time. */
#include "src/score/evaluate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/rng.h"
#include "src/base/xalloc.h"

static const char *const metric_names[] = {
#define EVALUATE_METRIC_NAME(name, key) key,
	EVALUATE_METRIC_LIST(EVALUATE_METRIC_NAME)
#undef EVALUATE_METRIC_NAME
};

static const char WHY_NO_CV[] = "no cross-validation (folds 0)";
static const char WHY_NO_ROWS[] = "no rows to measure";
static const char WHY_NO_PROB[] = "the predictions carry no probabilities";

const char *evaluate_metric_name(EvaluateMetric metric)
{
	return (unsigned)metric < EVALUATE_METRIC_COUNT ? metric_names[metric] : "unknown";
}

static MetricValue defined(double v)
{
	return (MetricValue){ 1, v, NULL };
}

static MetricValue undefined(const char *why)
{
	return (MetricValue){ 0, 0, why };
}

static Status check_labels(const int *labels, size_t n, int K)
{
	if (K < 1 || K > METRICS_MAX_LEVELS)
		return status_fail(STATUS_ERR_INPUT, "the scale has %d levels; 1 to %d are supported",
				   K, METRICS_MAX_LEVELS);
	for (size_t i = 0; i < n; i++)
		if (labels[i] < 1 || labels[i] > K)
			return status_fail(STATUS_ERR_INPUT, "row %zu: label %d is outside the scale 1..%d",
					   i + 1, labels[i], K);
	return STATUS_OK;
}

Status evaluate_folds(const int *labels, size_t n, int K, int folds, uint64_t seed, int *fold)
{
	size_t *members, turn = 0;
	Status st = check_labels(labels, n, K);
	Rng rng;

	if (st != STATUS_OK)
		return st;
	if (folds < 2 || (size_t)folds > n)
		return status_fail(STATUS_ERR_INPUT,
				   "%d folds for %zu rows: folds must be 2 to the number of rows "
				   "(or 0 for none)",
				   folds, n);
	members = xmalloc(n * sizeof *members);
	rng_seed(&rng, seed);
	for (int k = 1; k <= K; k++) {
		size_t m = 0;

		for (size_t i = 0; i < n; i++)
			if (labels[i] == k)
				members[m++] = i;
		for (size_t i = m; i > 1; i--) { /* Fisher-Yates */
			size_t j = (size_t)rng_below(&rng, i), t = members[i - 1];

			members[i - 1] = members[j], members[j] = t;
		}
		for (size_t i = 0; i < m; i++)
			fold[members[i]] = (int)((turn + i) % (size_t)folds);
		turn = (turn + m) % (size_t)folds;
	}
	free(members);
	return STATUS_OK;
}

/* Macro-F1 from the K x K table (row = truth): F1 of each label present in
 * either, 2 TP / (row sum + column sum), averaged. */
static MetricValue macro_f1(const long *table, int K)
{
	double sum = 0;
	int present = 0;

	for (int k = 0; k < K; k++) {
		long row = 0, col = 0;

		for (int j = 0; j < K; j++)
			row += table[k * K + j], col += table[j * K + k];
		if (row + col == 0)
			continue;
		sum += 2.0 * (double)table[k * K + k] / (double)(row + col);
		present++;
	}
	return present ? defined(sum / present) : undefined(WHY_NO_ROWS);
}

void evaluate_metrics(const int *truth, const int *pred, const double *prob, const double *value,
		      size_t n, int K, EvaluateMetrics *out)
{
	long *table = xcalloc((size_t)K * (size_t)K, sizeof *table);
	double right = 0, loss = 0, dist = 0;

	for (int m = 0; m < EVALUATE_METRIC_COUNT; m++)
		out->v[m] = undefined(WHY_NO_ROWS);
	if (n == 0 || metrics_confusion(truth, pred, n, K, table) != STATUS_OK) {
		free(table);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		double p = prob ? prob[i * K + truth[i] - 1] : 0;

		right += truth[i] == pred[i];
		p = p < EVALUATE_LOG_EPS ? EVALUATE_LOG_EPS : p > 1 - EVALUATE_LOG_EPS ? 1 - EVALUATE_LOG_EPS : p;
		loss -= log(p);
		dist += fabs((value ? value[i] : pred[i]) - truth[i]);
	}
	out->v[EVALUATE_ACCURACY] = defined(right / (double)n);
	out->v[EVALUATE_MACRO_F1] = macro_f1(table, K);
	out->v[EVALUATE_KAPPA_QUADRATIC] = metrics_table_stat(table, K, METRICS_STAT_KAPPA_QUADRATIC);
	out->v[EVALUATE_LOG_LOSS] = prob ? defined(loss / (double)n) : undefined(WHY_NO_PROB);
	out->v[EVALUATE_MAE] = defined(dist / (double)n);
	free(table);
}

/* One fold's rows and what is predicted for the held-out ones. */
typedef struct {
	const double *x;
	const int *labels;
	size_t rows, cols;
	int K, f;
	Evaluation *e;
	int *base_label;
	double *base_value, *base_prob; /* base_prob NULL for ridge */
} Fold;

/* The majority label, label shares and mean label of the training rows;
 * also says how many labels they hold. */
static int training_summary(const Fold *fd, double *share, int *majority, double *mean)
{
	size_t n = 0;
	int distinct = 0;

	memset(share, 0, (size_t)fd->K * sizeof *share);
	for (size_t i = 0; i < fd->rows; i++)
		if (fd->e->fold[i] != fd->f)
			share[fd->labels[i] - 1]++, n++;
	*majority = 1, *mean = 0;
	for (int k = 0; k < fd->K; k++) {
		distinct += share[k] > 0;
		*majority = share[k] > share[*majority - 1] ? k + 1 : *majority;
	}
	for (int k = 0; k < fd->K; k++) {
		share[k] /= (double)n;
		*mean += share[k] * (k + 1);
	}
	return distinct;
}

/* The held-out rows' predictions under m, or under the constant predictor
 * of a single training label when m is NULL. */
static void predict_held_out(const Fold *fd, const Linmodel *m, int only, double *prob)
{
	Evaluation *e = fd->e;

	for (size_t i = 0; i < fd->rows; i++) {
		double *out = e->oof_prob ? e->oof_prob + i * fd->K : NULL, v;

		if (e->fold[i] != fd->f)
			continue;
		if (!m) {
			e->oof_label[i] = only, e->oof_value[i] = only;
			if (out)
				out[only - 1] = 1;
			continue;
		}
		v = linmodel_predict(m, fd->x + i * fd->cols, prob);
		e->oof_value[i] = v;
		if (m->kind == LINMODEL_RIDGE) {
			double r = floor(v + 0.5);

			e->oof_label[i] = r < 1 ? 1 : r > fd->K ? fd->K : (int)r;
			continue;
		}
		for (int c = 0; c < m->classes; c++)
			out[(int)m->labels[c] - 1] = prob[c];
		e->oof_label[i] = (int)m->labels[linmodel_argmax(prob, m->classes)];
	}
}

/* The baseline's predictions for the held-out rows. */
static void baseline_held_out(const Fold *fd, const double *share, int majority, double mean)
{
	for (size_t i = 0; i < fd->rows; i++) {
		if (fd->e->fold[i] != fd->f)
			continue;
		fd->base_label[i] = majority;
		fd->base_value[i] = mean;
		if (fd->base_prob)
			memcpy(fd->base_prob + i * fd->K, share, (size_t)fd->K * sizeof *share);
	}
}

/* Fits fold f's training rows and predicts its held-out ones. */
static Status run_fold(const Fold *fd, const LinmodelParams *p)
{
	double *xt = xmalloc(fd->rows * (fd->cols ? fd->cols : 1) * sizeof *xt);
	double *yt = xmalloc(fd->rows * sizeof *yt), *share = xmalloc((size_t)fd->K * sizeof *share);
	double *prob = xmalloc((size_t)fd->K * sizeof *prob), mean;
	int majority, distinct = training_summary(fd, share, &majority, &mean);
	size_t n = 0;
	Linmodel m;
	Status st = STATUS_OK;

	baseline_held_out(fd, share, majority, mean);
	for (size_t i = 0; i < fd->rows; i++)
		if (fd->e->fold[i] != fd->f) {
			memcpy(xt + n * fd->cols, fd->x + i * fd->cols, fd->cols * sizeof *xt);
			yt[n++] = fd->labels[i];
		}
	if (p->kind == LINMODEL_LOGISTIC && distinct < 2) {
		predict_held_out(fd, NULL, majority, prob);
	} else if ((st = linmodel_fit(xt, n, fd->cols, yt, p, &m)) == STATUS_OK) {
		predict_held_out(fd, &m, 0, prob);
		linmodel_free(&m);
	} else {
		char *why = xstrdup(status_detail());

		st = status_fail(st, "fold %d: %s", fd->f + 1, why);
		free(why);
	}
	free(xt), free(yt), free(share), free(prob);
	return st;
}

static Status cross_validate(const double *x, const int *labels, size_t cols,
			     const LinmodelParams *p, Evaluation *e)
{
	size_t n = e->rows, K = (size_t)e->K;
	int logistic = p->kind == LINMODEL_LOGISTIC;
	Fold fd = { x, labels, n, cols, e->K, 0, e, xcalloc(n, sizeof(int)),
		    xcalloc(n, sizeof(double)), logistic ? xcalloc(n * K, sizeof(double)) : NULL };
	Status st;

	e->fold = xmalloc(n * sizeof *e->fold);
	e->oof_label = xcalloc(n, sizeof *e->oof_label);
	e->oof_value = xcalloc(n, sizeof *e->oof_value);
	e->oof_prob = logistic ? xcalloc(n * K, sizeof *e->oof_prob) : NULL;
	st = evaluate_folds(labels, n, e->K, e->folds, e->seed, e->fold);
	for (fd.f = 0; st == STATUS_OK && fd.f < e->folds; fd.f++)
		st = run_fold(&fd, p);
	if (st == STATUS_OK) {
		evaluate_metrics(labels, e->oof_label, e->oof_prob, e->oof_value, n, e->K, &e->scorer);
		evaluate_metrics(labels, fd.base_label, fd.base_prob, fd.base_value, n, e->K,
				 &e->baseline);
	}
	free(fd.base_label), free(fd.base_value), free(fd.base_prob);
	return st;
}

Status evaluate_run(const double *x, size_t rows, size_t cols, const int *labels, int K,
		    const LinmodelParams *p, int folds, uint64_t seed, Evaluation *out)
{
	double *y;
	Status st;

	memset(out, 0, sizeof *out);
	st = check_labels(labels, rows, K);
	if (st != STATUS_OK)
		return st;
	if (folds != 0 && (folds < 2 || (size_t)folds > rows))
		return status_fail(STATUS_ERR_INPUT,
				   "%d folds for %zu rows: folds must be 2 to the number of rows "
				   "(or 0 for none)",
				   folds, rows);
	*out = (Evaluation){ .folds = folds, .seed = seed, .rows = rows, .K = K };
	y = xmalloc((rows ? rows : 1) * sizeof *y);
	for (size_t i = 0; i < rows; i++)
		y[i] = labels[i];
	st = linmodel_fit(x, rows, cols, y, p, &out->model);
	free(y);
	if (st == STATUS_OK && folds > 0)
		st = cross_validate(x, labels, cols, p, out);
	for (int m = 0; st == STATUS_OK && folds == 0 && m < EVALUATE_METRIC_COUNT; m++)
		out->scorer.v[m] = out->baseline.v[m] = undefined(WHY_NO_CV);
	if (st != STATUS_OK)
		evaluate_free(out);
	return st;
}

void evaluate_free(Evaluation *e)
{
	linmodel_free(&e->model);
	free(e->fold), free(e->oof_label), free(e->oof_value), free(e->oof_prob);
	memset(e, 0, sizeof *e);
}
