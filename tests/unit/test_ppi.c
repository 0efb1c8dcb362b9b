/* test_ppi.c - the catalogue estimates on a case small enough to follow
 * by hand, the design weights, the planner's edges and the errors.
 * tests/cli/test_ppi.sh checks every figure against ppi_py's values and an
 * independent Python implementation. */
#include <math.h>
#include <stdlib.h>

#include "src/agree/ppi.h"
#include "tests/unit/test.h"

/* Binary, 10 audited: human 1 on 6 (LLM right on 5), human 2 on 4 (LLM
 * right on 3); 90 outside, 60 with LLM label 1. */
static const PpiCell SMALL[] = {
	{ 1, 1, 1, 5 }, { 1, 2, 1, 1 }, { 2, 1, 1, 1 }, { 2, 2, 1, 3 },
	{ 0, 1, 1, 60 }, { 0, 2, 1, 30 },
};

static void test_by_hand(void)
{
	PpiOptions o = { 0.05, 1, 0 };
	PpiResult r;
	const PpiLabel *l;
	double z = 1.959963984540054;

	CHECK_INT(ppi_estimate(SMALL, 6, 2, &o, &r), STATUS_OK);
	CHECK_INT(r.n, 10);
	CHECK_INT(r.N, 90);
	CHECK_NEAR(r.z, z, 1e-14);
	CHECK_NEAR(r.lambda, 1, 0);
	CHECK_INT(r.lambda_tuned, 0);
	l = &r.label[0];
	/* LLM: 66 of 100 items say 1 */
	CHECK_NEAR(l->est[PPI_METHOD_LLM].point, 0.66, 1e-15);
	CHECK_NEAR(l->est[PPI_METHOD_LLM].se, sqrt(0.66 * 0.34 / 100), 1e-15);
	/* audit: 6 of 10, population sd sqrt(0.24) */
	CHECK_NEAR(l->est[PPI_METHOD_AUDIT].point, 0.6, 1e-15);
	CHECK_NEAR(l->est[PPI_METHOD_AUDIT].se, sqrt(0.24 / 10), 1e-15);
	CHECK_NEAR(l->est[PPI_METHOD_AUDIT].lo, 0.6 - z * sqrt(0.024), 1e-14);
	/* PPI: 60/90 + mean(Y - Yh) = 2/3 + (6 - 6)/10; rectifier values
	 * 0 (x8), +1 (x1), -1 (x1): variance 0.2; imputed variance 2/9 */
	CHECK_NEAR(l->est[PPI_METHOD_PPI].point, 2.0 / 3, 1e-15);
	CHECK_NEAR(l->est[PPI_METHOD_PPI].se, sqrt(2.0 / 9 / 90 + 0.2 / 10), 1e-15);
	CHECK_NEAR(l->est[PPI_METHOD_PPI_PLUS].point, 2.0 / 3, 1e-15); /* lambda given as 1 */
	CHECK_NEAR(r.label[1].est[PPI_METHOD_PPI].point, 1.0 / 3, 1e-15);
	ppi_result_free(&r);
	CHECK(r.label == NULL);
}

static void test_tuned_and_planned(void)
{
	PpiOptions o = { 0.1, NAN, 0.2 };
	PpiResult r;

	CHECK_INT(ppi_estimate(SMALL, 6, 2, &o, &r), STATUS_OK);
	CHECK_INT(r.lambda_tuned, 1);
	CHECK(r.lambda > 0 && r.lambda < 1);
	/* binary: both labels share lambda and mirror each other */
	CHECK_NEAR(r.label[0].est[PPI_METHOD_PPI_PLUS].point +
			   r.label[1].est[PPI_METHOD_PPI_PLUS].point, 1, 1e-14);
	CHECK_NEAR(r.label[0].est[PPI_METHOD_PPI_PLUS].se, r.label[1].est[PPI_METHOD_PPI_PLUS].se,
		   1e-14);
	/* PPI++ is never worse than the audit alone here: worth more labels */
	CHECK(r.effective_n > 10);
	CHECK(r.label[0].est[PPI_METHOD_AUDIT].planned);
	CHECK(r.label[0].est[PPI_METHOD_AUDIT].more_reviews > 0);
	CHECK_INT(r.label[0].est[PPI_METHOD_LLM].more_reviews, -1);
	CHECK(r.label[0].est[PPI_METHOD_LLM].plan_why != NULL);
	ppi_result_free(&r);
	o.target_width = 1e-4; /* narrower than 100 items can give */
	CHECK_INT(ppi_estimate(SMALL, 6, 2, &o, &r), STATUS_OK);
	CHECK_INT(r.label[0].est[PPI_METHOD_AUDIT].more_reviews, -1);
	CHECK_INT(r.label[0].est[PPI_METHOD_PPI].more_reviews, -1);
	ppi_result_free(&r);
}

static void test_weights(void)
{
	int human[6] = { 1, 2, 0, 0, 1, 0 }, llm[6] = { 1, 1, 2, 1, 9, 2 };
	double w[6] = { 2, 2, 1, 1, 1, 1 };
	size_t n;
	PpiCell *c = ppi_cells_from_items(human, llm, NULL, 6, 2, &n);
	long audited = 0, outside = 0;

	CHECK_INT(n, 6); /* (K + 1) K cells */
	for (size_t i = 0; i < n; i++)
		*(c[i].human ? &audited : &outside) += c[i].count;
	CHECK_INT(audited, 2);
	CHECK_INT(outside, 3); /* llm label 9 is not on the scale */
	free(c);
	c = ppi_cells_from_items(human, llm, w, 6, 2, &n);
	CHECK_INT(n, 4); /* (1, 1, 2), (2, 1, 2), (0, 1, 1), (0, 2, 1) x 2 */
	audited = outside = 0;
	for (size_t i = 0; i < n; i++)
		*(c[i].human ? &audited : &outside) += c[i].count;
	CHECK_INT(audited, 2);
	CHECK_INT(outside, 3);
	free(c);
	/* more distinct weights than the fast path keeps: sorted and merged */
	{
		enum { M = 300 };
		int hh[M], ll[M];
		double ww[M];

		for (int i = 0; i < M; i++)
			hh[i] = i % 3 == 0 ? 1 : 0, ll[i] = 1 + i % 2, ww[i] = 1 + i % 100;
		c = ppi_cells_from_items(hh, ll, ww, M, 2, &n);
		audited = outside = 0;
		for (size_t i = 0; i < n; i++)
			*(c[i].human ? &audited : &outside) += c[i].count;
		CHECK_INT(audited, 100);
		CHECK_INT(outside, 200);
		CHECK(n < M);
		free(c);
	}
	CHECK_NEAR(ppi_design_weight(1, 0.25), 4, 0);
	CHECK_NEAR(ppi_design_weight(0, 0.25), 4.0 / 3, 1e-15);
	CHECK(isnan(ppi_design_weight(1, 0)));
	CHECK(isnan(ppi_design_weight(0, 1)));
}

static void test_errors(void)
{
	PpiCell bad_label[1] = { { 3, 1, 1, 1 } }, bad_weight[1] = { { 1, 1, 0, 1 } };
	PpiCell empty[1] = { { 1, 1, 1, 0 } };
	PpiOptions o = { 0, NAN, 0 };
	PpiResult r;

	CHECK_INT(ppi_estimate(bad_label, 1, 2, NULL, &r), STATUS_ERR_INPUT);
	CHECK_INT(ppi_estimate(bad_weight, 1, 2, NULL, &r), STATUS_ERR_INPUT);
	CHECK_INT(ppi_estimate(empty, 1, 2, NULL, &r), STATUS_ERR_INPUT);
	CHECK_INT(ppi_estimate(SMALL, 6, 2, &o, &r), STATUS_ERR_INPUT);
	o = (PpiOptions){ 0.1, 1.5, 0 };
	CHECK_INT(ppi_estimate(SMALL, 6, 2, &o, &r), STATUS_ERR_INPUT);
	ppi_result_free(&r);
	ppi_result_free(NULL);
	CHECK_STR(ppi_method_name(PPI_METHOD_PPI_PLUS), "ppi++");
}

int main(void)
{
	RUN(test_by_hand);
	RUN(test_tuned_and_planned);
	RUN(test_weights);
	RUN(test_errors);
	return test_summary();
}
