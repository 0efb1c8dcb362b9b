/* dawidskene.c - Dawid-Skene EM (see dawidskene.h). The votes are sorted by
 * item once (a counting sort into compact cell numbers), so an iteration is
 * one pass over the items: the E-step of an item and the M-step sums of the
 * next iteration are done together while its votes are in cache. Memory is
 * fixed before the first iteration.
 *
 * The E-step's product p_j prod pi[cell][j] is taken in logs wherever it
 * could underflow, and as the product itself where it provably cannot: the
 * factors are at most 1, so the running product only shrinks, and a product
 * that ends at or above 2^-1000 never left the normal range; it is then the
 * same number as exp(sum of logs), to rounding, without an exp() per label
 * (which is most of the time of an iteration). Labels with an exactly zero
 * factor are zero either way (log 0 = -inf). An item where some other
 * label ends below the bound is done in logs. */
#include "src/settle/dawidskene.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

/* The functions of an iteration take K as an argument and are inlined into
 * e_pass_k(), which is instantiated for each K up to SMALL_K, so that the
 * loops over labels are unrolled with K a constant (GCC's and clang's
 * pragma; -O2 alone does not unroll them). Larger scales take the log path
 * only (their zero masks would not fit a word). */
#define HOT	static inline __attribute__((always_inline))
#define SMALL_K 8
#define UNROLL	_Pragma("GCC unroll 8")

/* 2^-1000: a product at or above it never underflowed (see above). */
#define SAFE_PRODUCT 0x1p-1000

/* The working state of one fit. A vote's cell is rater * K + (label - 1);
 * the sums and matrices are laid out [cell][true label], so that the inner
 * loops over the true label run over contiguous doubles. */
typedef struct {
	const DsInput *in;
	size_t K;
	size_t *start;		  /* n_items + 1: item i's cells are start[i] .. start[i+1] */
	uint32_t *cell;		  /* n_votes */
	double *sum, *next;	  /* n_raters * K * K posterior-weighted vote counts */
	double *mass, *next_mass; /* K: summed posteriors of the modelled items */
	double *pi, *logpi;	  /* n_raters * K * K: P(observed | true) and its log */
	unsigned *zero;		  /* n_raters * K: bit j set when pi[cell][j] is 0 */
	double *p, *logp;	  /* K: the priors and their logs */
	unsigned p_zero;	  /* bit j set when p[j] is 0 */
	double *score;		  /* K: scratch for one item */
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
			return status_fail(STATUS_ERR_INPUT,
					   "vote %zu: item %u or rater %u is out of range", v,
					   d->item, d->rater);
		if (d->label < 1 || d->label > in->n_labels)
			return status_fail(STATUS_ERR_INPUT,
					   "vote %zu: label %d is not on the scale 1..%d", v,
					   d->label, in->n_labels);
	}
	for (size_t i = 0; in->clamp && i < in->n_items; i++)
		if (in->clamp[i] < 0 || in->clamp[i] > in->n_labels)
			return status_fail(
			    STATUS_ERR_INPUT,
			    "item %zu: adjudicated label %d is not on the scale 1..%d", i,
			    in->clamp[i], in->n_labels);
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

/* The M-step on the sums: priors and matrices, with their logs and zero
 * masks. A row of no weight is uniform (see the header). If priors and
 * pi_out are not NULL the results are also written there, the matrices in
 * the public layout [rater][true][observed]. */
static void m_step(Fit *f, double *priors, double *pi_out)
{
	size_t K = f->K, R = f->in->n_raters;

	f->p_zero = 0;
	for (size_t j = 0; j < K; j++) {
		f->p[j] = f->n_modelled ? f->mass[j] / (double)f->n_modelled : 1.0 / (double)K;
		f->logp[j] = log(f->p[j]);
		if (j < SMALL_K && f->p[j] == 0)
			f->p_zero |= 1u << j;
		if (priors)
			priors[j] = f->p[j];
	}
	memset(f->zero, 0, R * K * sizeof *f->zero);
	for (size_t r = 0; r < R; r++) {
		const double *s = f->sum + r * K * K;
		for (size_t j = 0; j < K; j++) {
			double den = 0;
			for (size_t l = 0; l < K; l++)
				den += s[l * K + j];
			for (size_t l = 0; l < K; l++) {
				size_t c = (r * K + l) * K + j;
				f->pi[c] = den > 0 ? s[l * K + j] / den : 1.0 / (double)K;
				f->logpi[c] = log(f->pi[c]);
				if (j < SMALL_K && f->pi[c] == 0)
					f->zero[r * K + l] |= 1u << j;
				if (pi_out)
					pi_out[(r * K + j) * K + l] = f->pi[c];
			}
		}
	}
}

/* Adds one item's posterior row to the M-step sums. */
HOT void accumulate(const Fit *f, size_t item, const double *row, double *sum, double *mass,
		    size_t K)
{
	for (size_t v = f->start[item]; v < f->start[item + 1]; v++) {
		double *s = sum + (size_t)f->cell[v] * K;
		UNROLL
		for (size_t j = 0; j < K; j++)
			s[j] += row[j];
	}
	UNROLL
	for (size_t j = 0; j < K; j++)
		mass[j] += row[j];
}

/* score[j] = log p_j + the sum of log pi over the item's votes. */
HOT void log_scores(const Fit *f, size_t item, double *score, size_t K)
{
	memcpy(score, f->logp, K * sizeof *score);
	for (size_t v = f->start[item]; v < f->start[item + 1]; v++) {
		const double *lp = f->logpi + (size_t)f->cell[v] * K;
		UNROLL
		for (size_t j = 0; j < K; j++)
			score[j] += lp[j];
	}
}

HOT double max_of(const double *x, size_t n)
{
	double m = -INFINITY;

	UNROLL
	for (size_t j = 0; j < n; j++)
		if (x[j] > m)
			m = x[j];
	return m;
}

/* The E-step's weights in logs: score[j] = exp(log score - max). The best
 * label's log score is always finite (its posterior weighed in every cell
 * it uses), so the shift never forms inf - inf; 0 is returned should
 * rounding ever say otherwise, and the caller keeps the old row. */
HOT int log_weights(const Fit *f, size_t item, double *score, size_t K)
{
	double m;

	log_scores(f, item, score, K);
	m = max_of(score, K);
	if (!isfinite(m))
		return 0;
	UNROLL
	for (size_t j = 0; j < K; j++)
		score[j] = score[j] == m ? 1.0 : exp(score[j] - m);
	return 1;
}

/* The E-step's weights as products, score[j] = p_j prod pi; 0 when one of
 * them may have underflowed (see the top of the file). */
HOT int product_weights(const Fit *f, size_t item, double *score, size_t K)
{
	unsigned zero = f->p_zero;

	memcpy(score, f->p, K * sizeof *score);
	for (size_t v = f->start[item]; v < f->start[item + 1]; v++) {
		const double *pi = f->pi + (size_t)f->cell[v] * K;
		zero |= f->zero[f->cell[v]];
		UNROLL
		for (size_t j = 0; j < K; j++)
			score[j] *= pi[j];
	}
	UNROLL
	for (size_t j = 0; j < K; j++)
		if (!(zero >> j & 1) && score[j] < SAFE_PRODUCT)
			return 0;
	return 1;
}

/* The E-step of one free item into row; returns how far it moved. */
HOT double e_step_row(const Fit *f, size_t item, double *row, double *score, size_t K)
{
	double total = 0, moved = 0;

	if (!(K <= SMALL_K && product_weights(f, item, score, K)) &&
	    !log_weights(f, item, score, K))
		return 0;
	UNROLL
	for (size_t j = 0; j < K; j++)
		total += score[j];
	UNROLL
	for (size_t j = 0; j < K; j++) {
		double t = score[j] / total;
		if (fabs(t - row[j]) > moved)
			moved = fabs(t - row[j]);
		row[j] = t;
	}
	return moved;
}

/* One pass: the E-step of every free item, and the sums of the next M-step.
 * Returns the largest posterior move. */
HOT double e_pass_k(Fit *f, double *posterior, size_t K)
{
	double moved = 0, local[SMALL_K], *score = K <= SMALL_K ? local : f->score;

	memset(f->next, 0, f->in->n_raters * K * K * sizeof *f->next);
	memset(f->next_mass, 0, K * sizeof *f->next_mass);
	for (size_t i = 0; i < f->in->n_items; i++) {
		double *row = posterior + i * K;
		if (!clamped(f, i)) {
			if (f->start[i + 1] == f->start[i])
				continue;
			double d = e_step_row(f, i, row, score, K);
			if (d > moved)
				moved = d;
		}
		accumulate(f, i, row, f->next, f->next_mass, K);
	}
	double *t = f->sum;
	f->sum = f->next, f->next = t;
	t = f->mass;
	f->mass = f->next_mass, f->next_mass = t;
	return moved;
}

static double e_pass(Fit *f, double *posterior)
{
	switch (f->K) {
	case 1: return e_pass_k(f, posterior, 1);
	case 2: return e_pass_k(f, posterior, 2);
	case 3: return e_pass_k(f, posterior, 3);
	case 4: return e_pass_k(f, posterior, 4);
	case 5: return e_pass_k(f, posterior, 5);
	case 6: return e_pass_k(f, posterior, 6);
	case 7: return e_pass_k(f, posterior, 7);
	case 8: return e_pass_k(f, posterior, 8);
	default: return e_pass_k(f, posterior, f->K);
	}
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

/* The observed-data log-likelihood at the current parameters, in logs. */
static double log_likelihood(Fit *f)
{
	double ll = 0;

	for (size_t i = 0; i < f->in->n_items; i++) {
		if (f->start[i + 1] == f->start[i] && !clamped(f, i))
			continue;
		log_scores(f, i, f->score, f->K);
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
	f->pi = xcalloc(cells + 1, sizeof *f->pi);
	f->logpi = xcalloc(cells + 1, sizeof *f->logpi);
	f->zero = xcalloc(in->n_raters * K + 1, sizeof *f->zero);
	f->mass = xcalloc(K, sizeof *f->mass);
	f->next_mass = xcalloc(K, sizeof *f->next_mass);
	f->p = xcalloc(K, sizeof *f->p);
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
			accumulate(f, i, row, f->sum, f->mass, K);
		}
	}
}

static void fit_free(Fit *f)
{
	free(f->start);
	free(f->cell);
	free(f->sum);
	free(f->next);
	free(f->pi);
	free(f->logpi);
	free(f->zero);
	free(f->mass);
	free(f->next_mass);
	free(f->p);
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
		if (in->stop && *in->stop) {
			fit_free(&f);
			dawidskene_result_free(out);
			return status_fail(STATUS_ERR_INTERRUPTED, "the fit was stopped");
		}
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
