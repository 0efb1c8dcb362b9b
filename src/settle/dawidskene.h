/* dawidskene.h - Dawid & Skene (1979), "Maximum likelihood estimation of
 * observer error-rates using the EM algorithm", JRSS C 28(1):20-28: every
 * rater (each reviewer, the LLM as one more) gets a confusion matrix
 * P(observed label | true label), the labels a prior, every item a
 * posterior over its true label. Pure computation, no I/O.
 *
 * The conventions, pinned so that results compare across implementations:
 * - Init (D&S eq. 3.1): an item's posterior is its share of votes per label,
 *   pooled over raters. A rater who voted twice on an item counts twice.
 * - One iteration is an M-step (priors = mean posterior; matrix row j of
 *   rater k = the posterior-weighted counts of k's votes, normalised) then
 *   an E-step (posterior proportional to prior x the product of the matrix
 *   cells of the item's votes; cells of unused labels are skipped, so
 *   0^0 = 1). The product is taken in logs wherever it could underflow,
 *   directly where it provably cannot (the same number to rounding,
 *   without an exp() per label; dawidskene.c says why).
 * - It stops after the first iteration in which no posterior moved by more
 *   than the tolerance, or after max_iterations. One final M-step on the
 *   last posteriors gives the reported priors and matrices, so
 *   max_iterations = 0 reports the vote shares and the M-step on them.
 * - No smoothing. A matrix row whose weight is zero (the rater never saw,
 *   by posterior weight, an item of that true label) is left uniform, 1/K
 *   per cell: any row is a maximiser of the M-step there, and the uniform
 *   one says "this rater tells us nothing about that label". It is what
 *   crowd-kit's 1e-10 floor amounts to; dallascard's implementation leaves
 *   such a row at 0 instead, which rules the label out for every item the
 *   rater saw. No value is ever NaN.
 * - Clamped (adjudicated) items have a one-hot posterior on their label at
 *   init and after every E-step; they take part in the M-step like others.
 * - An item with neither a vote nor a clamp has no posterior (its row is all
 *   zero) and is not counted among the items the priors average over.
 * - The log-likelihood is the observed-data one at the reported priors and
 *   matrices: the sum over free items of log sum_j p_j prod pi_k[j][l]^n,
 *   plus, for clamped items, log p_c prod pi_k[c][l]^n of their label c
 *   (the objective that EM with clamped items increases). */
#ifndef GAVEL_DAWIDSKENE_H
#define GAVEL_DAWIDSKENE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "src/base/status.h"

#define DAWIDSKENE_DEFAULT_TOLERANCE	  1e-10
#define DAWIDSKENE_DEFAULT_MAX_ITERATIONS 1000

/* One vote: rater gave label to item. Items and raters are indices from 0;
 * labels are the scale's 1..K. 12 bytes, so 1,000,000 votes take 12 MB. */
typedef struct {
	uint32_t item;
	uint32_t rater;
	int32_t label;
} DsVote;

/* What to fit. votes are borrowed for the duration of the call. clamp is
 * NULL or n_items entries: 0 for a free item, 1..K for an adjudicated one. */
typedef struct {
	size_t n_items;
	size_t n_raters;
	int n_labels; /* K >= 1 */
	const DsVote *votes;
	size_t n_votes;
	const int *clamp;
	int max_iterations; /* >= 0 */
	double tolerance;   /* >= 0: stop when no posterior moves more */
	/* NULL, or set (by another thread) to give up between iterations:
	 * the fit's owner no longer wants it (the review dashboard closed) */
	volatile sig_atomic_t *stop;
} DsInput;

/* A fitted model; plain data, owned by the caller, released with
 * dawidskene_result_free(). Labels index the arrays from 0 (label 1 is
 * column 0). */
typedef struct {
	int n_labels;
	size_t n_items, n_raters;
	double *priors;	    /* K */
	double *confusion;  /* n_raters * K * K: [rater][true][observed] */
	double *posterior;  /* n_items * K; all zero for an item not modelled */
	size_t n_modelled;  /* items with a vote or a clamp */
	int iterations;	    /* iterations (M-step then E-step) run */
	int converged;	    /* the last one moved no posterior more than tolerance */
	double last_change; /* its largest posterior move; 0 when none ran */
	double log_likelihood;
} DsResult;

/* Fits the model. Besides the caller's votes it allocates 4 bytes per vote
 * and 8(K+2) bytes per item, all before the first iteration. On
 * failure returns STATUS_ERR_INPUT with a detail ("vote 17: label 6 is not
 * on the scale 1..5"), or STATUS_ERR_INTERRUPTED when *stop was set, and
 * leaves *out empty (safe to free). */
Status dawidskene_fit(const DsInput *in, DsResult *out);

/* Frees what dawidskene_fit() allocated and empties *result; NULL-safe. */
void dawidskene_result_free(DsResult *result);

/* The posterior row of item (K values, borrowed). */
const double *dawidskene_posterior(const DsResult *result, size_t item);

/* P(rater says observed | true label is truth), labels 1..K. */
double dawidskene_confusion(const DsResult *result, size_t rater, int truth, int observed);

/* The label with the largest posterior of item (1..K), its posterior in
 * *best (may be NULL), and in *tied (may be NULL) whether another label has
 * exactly the same posterior; then the lowest such label is returned, but a
 * caller settling labels must not take it. 0 for an item not modelled. */
int dawidskene_best(const DsResult *result, size_t item, double *best, int *tied);

/* The settled label of item: its best label when unique and its posterior
 * is at least min_posterior, else 0. */
int dawidskene_label(const DsResult *result, size_t item, double min_posterior);

#endif
