/* dawidskene.c - Dawid-Skene EM (see dawidskene.h). The votes are sorted by
 * item once (a counting sort into compact cell numbers), so an iteration is
 * one pass over the items: the E-step of an item and the M-step sums of the
 * next iteration are done together while its votes are in cache. Memory is
 * fixed before the first iteration. */
#include "src/settle/dawidskene.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

/* The working state of one fit. A vote's cell is rater * K + (label - 1);
 * the sums and log-matrices are laid out [cell][true label], so that the
 * inner loops over the true label run over contiguous doubles. */
typedef struct {
	const DsInput *in;
	size_t K;
	size_t *start;        /* n_items + 1: item i's cells are start[i] .. start[i+1] */
	uint32_t *cell;       /* n_votes */
	double *sum, *next;   /* n_raters * K * K posterior-weighted vote counts */
	double *mass, *next_mass; /* K: summed posteriors of the modelled items */
	double *logpi;        /* n_raters * K * K: log P(observed | true) */
	double *logp;         /* K: log prior */
	double *score;        /* K: scratch for one item */
	size_t n_modelled;
} Fit;

static Status check_input(const DsInput *in)
{
	if (in->n_labels < 1)
		return status_fail(STATUS_ERR_INPUT, "the scale needs at least one label");
	if (in->max_iterations < 0 || !(in->tolerance >= 0))
		return status_fail(STATUS_ERR_INPUT, "max-iterations and tolerance must be >= 0");
	if (in->n_raters > UINT32_MAX / (size_t)in->n_labels || in->n_items > UINT32_MAX)
		return status_fail(STATUS_ERR_INPUT, "too many raters or items");
	for (size_t v = 0; v < in->n_votes; v++) {
		const DsVote *d = &in->votes[v];
		if (d->item >= in->n_items || d->rater >= in->n_raters)
			return status_fail(STATUS_ERR_INPUT, "vote %zu: item %u or rater %u is out of range",
					   v, d->item, d->rater);
		if (d->label < 1 || d->label > in->n_labels)
			return status_fail(STATUS_ERR_INPUT, "vote %zu: label %d is not on the scale 1..%d",
					   v, d->label, in->n_labels);
	}
	for (size_t i = 0; in->clamp && i < in->n_items; i++)
		if (in->clamp[i] < 0 || in->clamp[i] > in->n_labels)
			return status_fail(STATUS_ERR_INPUT, "item %zu: adjudicated label %d is not on the scale 1..%d",
					   i, in->clamp[i], in->n_labels);
	return STATUS_OK;
}

static int clamped(const Fit *f, size_t item)
{
	return f->in->clamp ? f->in->clamp[item] : 0;
}

/* Sorts the votes by item into f->start and f->cell (a counting sort). */
static void sort_votes(Fit *f)
{
	const DsInput *in = f->in;
	size_t *fill = xcalloc(in->n_items + 1, sizeof *fill);

	f->start = xcalloc(in->n_items + 1, sizeof *f->start);
	f->cell = xmalloc((in->n_votes ? in->n_votes : 1) * sizeof *f->cell);
	for (size_t v = 0; v < in->n_votes; v++)
		f->start[in->votes[v].item + 1]++;
	for (size_t i = 0; i < in->n_items; i++)
		f->start[i + 1] += f->start[i];
	memcpy(fill, f->start, in->n_items * sizeof *fill);
	for (size_t v = 0; v < in->n_votes; v++) {
		const DsVote *d = &in->votes[v];
		f->cell[fill[d->item]++] = (uint32_t)(d->rater * f->K + (size_t)(d->label - 1));
	}
	free(fill);
}

/* Eq. 3.1: the item's vote shares, or one-hot on its adjudicated label.
 * Returns 0 for an item with neither (its row stays zero). */
static int initial_row(const Fit *f, size_t item, double *row)
{
	size_t first = f->start[item], end = f->start[item + 1];

	memset(row, 0, f->K * sizeof *row);
	if (clamped(f, item)) {
		row[clamped(f, item) - 1] = 1;
		return 1;
	}
	if (first == end)
		return 0;
	for (size_t v = first; v < end; v++)
		row[f->cell[v] % f->K] += 1;
	for (size_t j = 0; j < f->K; j++)
		row[j] /= (double)(end - first);
	return 1;
}

/* Adds one item's posterior row to the M-step sums. */
static void accumulate(const Fit *f, size_t item, const double *row, double *sum, double *mass)
{
	size_t K = f->K;

	for (size_t v = f->start[item]; v < f->start[item + 1]; v++) {
		double *s = sum + (size_t)f->cell[v] * K;
		for (size_t j = 0; j < K; j++)
			s[j] += row[j];
	}
	for (size_t j = 0; j < K; j++)
		mass[j] += row[j];
}

/* The M-step on the sums: log priors and log matrices. A row of no weight
 * is uniform (see the header). If pi is not NULL the matrices are also
 * written there in the public layout [rater][true][observed]. */
static void m_step(Fit *f, double *priors, double *pi)
{
	size_t K = f->K, R = f->in->n_raters;

	for (size_t j = 0; j < K; j++) {
		double p = f->n_modelled ? f->mass[j] / (double)f->n_modelled : 1.0 / (double)K;
		f->logp[j] = log(p);
		if (priors)
			priors[j] = p;
	}
	for (size_t r = 0; r < R; r++) {
		const double *s = f->sum + r * K * K;
		for (size_t j = 0; j < K; j++) {
			double den = 0;
			for (size_t l = 0; l < K; l++)
				den += s[l * K + j];
			for (size_t l = 0; l < K; l++) {
				double cell = den > 0 ? s[l * K + j] / den : 1.0 / (double)K;
				f->logpi[(r * K + l) * K + j] = log(cell);
				if (pi)
					pi[(r * K + j) * K + l] = cell;
			}
		}
	}
}

/* score[j] = log p_j + the sum of log pi over the item's votes. */
static void log_scores(const Fit *f, size_t item)
{
	size_t K = f->K;

	memcpy(f->score, f->logp, K * sizeof *f->score);
	for (size_t v = f->start[item]; v < f->start[item + 1]; v++) {
		const double *lp = f->logpi + (size_t)f->cell[v] * K;
		for (size_t j = 0; j < K; j++)
			f->score[j] += lp[j];
	}
}

static double max_of(const double *x, size_t n)
{
	double m = -INFINITY;

	for (size_t j = 0; j < n; j++)
		if (x[j] > m)
			m = x[j];
	return m;
}

/* The E-step of one free item into row; returns how far it moved. The best
 * label's score is always finite (its posterior weighed in every cell it
 * uses), so the shift by the maximum never forms inf - inf; the guard keeps
 * the old row should rounding ever say otherwise. */
static double e_step_row(Fit *f, size_t item, double *row)
{
	size_t K = f->K;
	double m, total = 0, moved = 0;

	log_scores(f, item);
	m = max_of(f->score, K);
	if (!isfinite(m))
		return 0;
	for (size_t j = 0; j < K; j++) {
		f->score[j] = exp(f->score[j] - m);
		total += f->score[j];
	}
	for (size_t j = 0; j < K; j++) {
		double t = f->score[j] / total;
		if (fabs(t - row[j]) > moved)
			moved = fabs(t - row[j]);
		row[j] = t;
	}
	return moved;
}

/* One pass: the E-step of every free item, and the sums of the next M-step.
 * Returns the largest posterior move. */
static double e_pass(Fit *f, double *posterior)
{
	size_t K = f->K, cells = f->in->n_raters * K * K;
	double moved = 0;

	memset(f->next, 0, cells * sizeof *f->next);
	memset(f->next_mass, 0, K * sizeof *f->next_mass);
	for (size_t i = 0; i < f->in->n_items; i++) {
		double *row = posterior + i * K;
		int has_votes = f->start[i + 1] > f->start[i];
		if (!has_votes && !clamped(f, i))
			continue;
		if (!clamped(f, i)) {
			double d = e_step_row(f, i, row);
			if (d > moved)
				moved = d;
		}
		accumulate(f, i, row, f->next, f->next_mass);
	}
	double *t = f->sum;
	f->sum = f->next, f->next = t;
	t = f->mass;
	f->mass = f->next_mass, f->next_mass = t;
	return moved;
}

static double log_sum_exp(const double *x, size_t n)
{
	double m = max_of(x, n), total = 0;

	if (!isfinite(m))
		return m;
	for (size_t j = 0; j < n; j++)
		total += exp(x[j] - m);
	return m + log(total);
}

/* The observed-data log-likelihood at the current log parameters. */
static double log_likelihood(Fit *f)
{
	double ll = 0;

	for (size_t i = 0; i < f->in->n_items; i++) {
		if (f->start[i + 1] == f->start[i] && !clamped(f, i))
			continue;
		log_scores(f, i);
		ll += clamped(f, i) ? f->score[clamped(f, i) - 1] : log_sum_exp(f->score, f->K);
	}
	return ll;
}

static void fit_init(Fit *f, const DsInput *in, DsResult *out)
{
	size_t K = (size_t)in->n_labels, cells = in->n_raters * K * K;

	memset(f, 0, sizeof *f);
	f->in = in;
	f->K = K;
	sort_votes(f);
	f->sum = xcalloc(cells + 1, sizeof *f->sum);
	f->next = xcalloc(cells + 1, sizeof *f->next);
	f->logpi = xcalloc(cells + 1, sizeof *f->logpi);
	f->mass = xcalloc(K, sizeof *f->mass);
	f->next_mass = xcalloc(K, sizeof *f->next_mass);
	f->logp = xcalloc(K, sizeof *f->logp);
	f->score = xcalloc(K, sizeof *f->score);
	out->n_labels = in->n_labels;
	out->n_items = in->n_items;
	out->n_raters = in->n_raters;
	out->priors = xcalloc(K, sizeof *out->priors);
	out->confusion = xcalloc(cells + 1, sizeof *out->confusion);
	out->posterior = xcalloc(in->n_items * K + 1, sizeof *out->posterior);
	for (size_t i = 0; i < in->n_items; i++) {
		double *row = out->posterior + i * K;
		if (initial_row(f, i, row)) {
			f->n_modelled++;
			accumulate(f, i, row, f->sum, f->mass);
		}
	}
}

static void fit_free(Fit *f)
{
	free(f->start);
	free(f->cell);
	free(f->sum);
	free(f->next);
	free(f->logpi);
	free(f->mass);
	free(f->next_mass);
	free(f->logp);
	free(f->score);
}

Status dawidskene_fit(const DsInput *in, DsResult *out)
{
	Fit f;
	Status st;

	memset(out, 0, sizeof *out);
	if ((st = check_input(in)) != STATUS_OK)
		return st;
	fit_init(&f, in, out);
	out->n_modelled = f.n_modelled;
	while (out->iterations < in->max_iterations) {
		m_step(&f, NULL, NULL);
		out->last_change = e_pass(&f, out->posterior);
		out->iterations++;
		if (out->last_change <= in->tolerance) {
			out->converged = 1;
			break;
		}
	}
	m_step(&f, out->priors, out->confusion);
	out->log_likelihood = log_likelihood(&f);
	fit_free(&f);
	return STATUS_OK;
}

void dawidskene_result_free(DsResult *result)
{
	if (!result)
		return;
	free(result->priors);
	free(result->confusion);
	free(result->posterior);
	memset(result, 0, sizeof *result);
}

const double *dawidskene_posterior(const DsResult *result, size_t item)
{
	return result->posterior + item * (size_t)result->n_labels;
}

double dawidskene_confusion(const DsResult *result, size_t rater, int truth, int observed)
{
	size_t K = (size_t)result->n_labels;

	return result->confusion[(rater * K + (size_t)(truth - 1)) * K + (size_t)(observed - 1)];
}

int dawidskene_best(const DsResult *result, size_t item, double *best, int *tied)
{
	const double *row = dawidskene_posterior(result, item);
	int label = 0, tie = 0;
	double top = 0;

	for (int j = 0; j < result->n_labels; j++) {
		if (row[j] > top) {
			top = row[j], label = j + 1, tie = 0;
		} else if (row[j] == top && label) {
			tie = 1;
		}
	}
	if (best)
		*best = top;
	if (tied)
		*tied = tie;
	return label;
}

int dawidskene_label(const DsResult *result, size_t item, double min_posterior)
{
	double top;
	int tied, label = dawidskene_best(result, item, &top, &tied);

	return label && !tied && top >= min_posterior ? label : 0;
}
