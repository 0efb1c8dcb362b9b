/* test_dawidskene.c - Dawid-Skene EM (src/settle/dawidskene.c) on cases
 * worked by hand: the vote-share start, one iteration, rows of no weight,
 * unrated and clamped items, the accessors, refused input, and a fit
 * stopped by its owner. The
 * comparison with an independent implementation, iteration by iteration,
 * is tests/cli/test_dawidskene.sh. */
#include <stdlib.h>

#include "src/settle/dawidskene.h"
#include "tests/unit/test.h"

static DsInput input(const DsVote *votes, size_t n_votes, size_t n_items, size_t n_raters, int K,
		     int max_iterations)
{
	return (DsInput){ n_items, n_raters, K, votes, n_votes, NULL, max_iterations, 1e-10, NULL };
}

/* Two items, two raters. Item 0: both say 1. Item 1: rater 0 says 2, rater 1
 * says 1. By hand: T0 = (1, 0), T1 = (1/2, 1/2); p = (3/4, 1/4); rater 0's
 * rows (2/3, 1/3) and (0, 1); rater 1's rows (1, 0) and (1, 0); each item's
 * likelihood is 1/2. One E-step gives the same posteriors back: converged. */
static const DsVote hand[] = {{0, 0, 1}, {0, 1, 1}, {1, 0, 2}, {1, 1, 1}};

static void test_vote_shares(void)
{
	DsInput in = input(hand, 4, 2, 2, 2, 0);
	DsResult r;

	CHECK_INT(dawidskene_fit(&in, &r), STATUS_OK);
	CHECK_INT(r.iterations, 0);
	CHECK_INT(r.converged, 0);
	CHECK_NEAR(r.last_change, 0, 0);
	CHECK_NEAR(dawidskene_posterior(&r, 0)[0], 1, 0);
	CHECK_NEAR(dawidskene_posterior(&r, 1)[0], 0.5, 0);
	CHECK_NEAR(dawidskene_posterior(&r, 1)[1], 0.5, 0);
	CHECK_NEAR(r.priors[0], 0.75, 1e-15);
	CHECK_NEAR(r.priors[1], 0.25, 1e-15);
	CHECK_NEAR(dawidskene_confusion(&r, 0, 1, 1), 2.0 / 3, 1e-15);
	CHECK_NEAR(dawidskene_confusion(&r, 0, 1, 2), 1.0 / 3, 1e-15);
	CHECK_NEAR(dawidskene_confusion(&r, 0, 2, 1), 0, 0);
	CHECK_NEAR(dawidskene_confusion(&r, 0, 2, 2), 1, 0);
	CHECK_NEAR(dawidskene_confusion(&r, 1, 1, 1), 1, 0);
	CHECK_NEAR(dawidskene_confusion(&r, 1, 2, 1), 1, 0);
	CHECK_NEAR(r.log_likelihood, 2 * log(0.5), 1e-14);
	CHECK_INT(r.n_modelled, 2);
	CHECK_INT(dawidskene_label(&r, 0, 0.99), 1);
	CHECK_INT(dawidskene_label(&r, 1, 0), 0); /* a tie never settles */
	dawidskene_result_free(&r);

	in.max_iterations = 50;
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_OK);
	CHECK_INT(r.iterations, 1);
	CHECK_INT(r.converged, 1);
	CHECK_NEAR(r.last_change, 0, 1e-15);
	CHECK_NEAR(dawidskene_posterior(&r, 1)[0], 0.5, 1e-15);
	dawidskene_result_free(&r);
}

/* Rater 2 only rated item 0, which everyone calls 1: his row for true label
 * 2 has no weight and must be uniform, at every iteration, with no NaN. */
static void test_row_without_weight(void)
{
	const DsVote votes[] = {{0, 0, 1}, {0, 1, 1}, {0, 2, 1}, {1, 0, 2},
				{1, 1, 2}, {2, 0, 1}, {2, 1, 2}};
	DsResult r;

	for (int k = 0; k <= 3; k++) {
		DsInput in = input(votes, 7, 3, 3, 2, k);
		CHECK_INT(dawidskene_fit(&in, &r), STATUS_OK);
		CHECK_NEAR(dawidskene_confusion(&r, 2, 2, 1), 0.5, 0);
		CHECK_NEAR(dawidskene_confusion(&r, 2, 2, 2), 0.5, 0);
		CHECK_NEAR(dawidskene_confusion(&r, 2, 1, 1), 1, 0);
		for (size_t i = 0; i < 3 * 2; i++)
			CHECK(!isnan(r.posterior[i]));
		CHECK(isfinite(r.log_likelihood));
		dawidskene_result_free(&r);
	}
	/* a rater with no votes at all: every row uniform */
	DsInput in = input(votes, 7, 3, 4, 2, 5);
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_OK);
	CHECK_NEAR(dawidskene_confusion(&r, 3, 1, 2), 0.5, 0);
	CHECK_NEAR(dawidskene_confusion(&r, 3, 2, 2), 0.5, 0);
	dawidskene_result_free(&r);
}

/* Item 2 has no vote: no posterior, not among the items the priors average
 * over. Item 3 has no vote either but is clamped to 2: it counts. */
static void test_unrated_and_clamped(void)
{
	int clamp[4] = {0, 0, 0, 2};
	DsInput in = input(hand, 4, 4, 2, 2, 0);
	DsResult r;
	double best;
	int tied;

	in.clamp = clamp;
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_OK);
	CHECK_INT(r.n_modelled, 3);
	CHECK_NEAR(dawidskene_posterior(&r, 2)[0] + dawidskene_posterior(&r, 2)[1], 0, 0);
	CHECK_INT(dawidskene_best(&r, 2, &best, &tied), 0);
	CHECK_INT(dawidskene_label(&r, 2, 0), 0);
	CHECK_NEAR(r.priors[0], 1.5 / 3, 1e-15);
	CHECK_NEAR(r.priors[1], 1.5 / 3, 1e-15);
	/* the clamped item adds log p_2 to the likelihood; the others as before,
	 * at the new prior: item 0 = (1/2)(2/3)(1) = 1/3, item 1 = (1/2)(1/3)
	 * + (1/2)(1)(1) = 2/3 */
	CHECK_NEAR(r.log_likelihood, log(1.0 / 3) + log(2.0 / 3) + log(0.5), 1e-14);
	dawidskene_result_free(&r);

	/* clamping item 1 to 2 keeps it one-hot through the iterations */
	clamp[1] = 2;
	in.max_iterations = 20;
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_OK);
	CHECK_NEAR(dawidskene_posterior(&r, 1)[1], 1, 0);
	CHECK_NEAR(dawidskene_posterior(&r, 1)[0], 0, 0);
	CHECK_INT(dawidskene_best(&r, 1, &best, &tied), 2);
	CHECK_NEAR(best, 1, 0);
	CHECK_INT(tied, 0);
	dawidskene_result_free(&r);
}

/* The same votes in another order give the same fit (to rounding). */
static void test_vote_order(void)
{
	const DsVote a[] = {{0, 0, 1}, {0, 1, 2}, {1, 0, 3}, {1, 2, 3}, {2, 1, 1},
			    {2, 2, 2}, {3, 0, 2}, {3, 1, 2}, {3, 2, 1}};
	DsVote b[9];
	DsResult ra, rb;
	double worst = 0;

	for (size_t v = 0; v < 9; v++)
		b[v] = a[8 - v];
	DsInput ia = input(a, 9, 4, 3, 3, 200), ib = input(b, 9, 4, 3, 3, 200);
	CHECK_INT(dawidskene_fit(&ia, &ra), STATUS_OK);
	CHECK_INT(dawidskene_fit(&ib, &rb), STATUS_OK);
	for (size_t i = 0; i < 4 * 3; i++)
		worst = fmax(worst, fabs(ra.posterior[i] - rb.posterior[i]));
	for (size_t i = 0; i < 3 * 3 * 3; i++)
		worst = fmax(worst, fabs(ra.confusion[i] - rb.confusion[i]));
	CHECK(worst < 1e-12);
	CHECK_INT(ra.iterations, rb.iterations);
	dawidskene_result_free(&ra);
	dawidskene_result_free(&rb);
}

static void test_refused(void)
{
	const DsVote bad_label[] = {{0, 0, 3}}, zero_label[] = {{0, 0, 0}},
		     bad_item[] = {{5, 0, 1}}, bad_rater[] = {{0, 9, 1}};
	int clamp[1] = {4};
	DsResult r;
	DsInput in = input(bad_label, 1, 1, 1, 2, 5);

	CHECK_INT(dawidskene_fit(&in, &r), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "vote 0: label 3 is not on the scale 1..2");
	CHECK(r.posterior == NULL && r.priors == NULL);
	dawidskene_result_free(&r);
	in.votes = zero_label;
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_ERR_INPUT);
	in.votes = bad_item;
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "vote 0: item 5 or rater 0 is out of range");
	in.votes = bad_rater;
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_ERR_INPUT);
	in = input(hand, 0, 1, 1, 2, 5);
	in.clamp = clamp;
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "item 0: adjudicated label 4 is not on the scale 1..2");
	in = input(hand, 4, 2, 2, 2, -1);
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_ERR_INPUT);
	in = input(hand, 4, 2, 2, 2, 5);
	in.tolerance = NAN;
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_ERR_INPUT);
	in = input(hand, 4, 2, 2, 0, 5);
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_ERR_INPUT);
	dawidskene_result_free(NULL);
}

/* Nothing to fit: no votes, no clamps. Uniform, finite, empty. */
static void test_empty(void)
{
	DsInput in = input(NULL, 0, 3, 2, 4, 10);
	DsResult r;

	CHECK_INT(dawidskene_fit(&in, &r), STATUS_OK);
	CHECK_INT(r.n_modelled, 0);
	CHECK_NEAR(r.priors[2], 0.25, 0);
	CHECK_NEAR(dawidskene_confusion(&r, 1, 4, 3), 0.25, 0);
	CHECK_NEAR(r.log_likelihood, 0, 0);
	CHECK_INT(dawidskene_label(&r, 0, 0), 0);
	dawidskene_result_free(&r);
}

/* A stop flag set by the fit's owner: given up before the next iteration,
 * nothing left allocated; unset, the same fit as without one. */
static void test_stopped(void)
{
	volatile sig_atomic_t stop = 1;
	DsInput in = input(hand, 4, 2, 2, 2, 50);
	DsResult r;

	in.stop = &stop;
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_ERR_INTERRUPTED);
	CHECK(r.priors == NULL && r.confusion == NULL && r.posterior == NULL);
	CHECK_INT(r.iterations, 0);
	dawidskene_result_free(&r);

	stop = 0;
	CHECK_INT(dawidskene_fit(&in, &r), STATUS_OK);
	CHECK_INT(r.iterations, 1);
	CHECK_INT(r.converged, 1);
	CHECK_NEAR(r.priors[0], 0.75, 1e-15);
	dawidskene_result_free(&r);
}

int main(void)
{
	RUN(test_vote_shares);
	RUN(test_row_without_weight);
	RUN(test_unrated_and_clamped);
	RUN(test_vote_order);
	RUN(test_refused);
	RUN(test_empty);
	RUN(test_stopped);
	return test_summary();
}
