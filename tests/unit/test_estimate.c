/* test_estimate.c - src/estimate/draw.c, src/estimate/estimate.c and the
 * design-weighted agreement of src/agree/agreeaudit.c. The draw keys below
 * were computed by tests/cli/estimate_check.py's draw_key(), written from
 * draw.h's definition; the first splitmix64 output from 0 is the published
 * 0xE220A8397B1DCDAF (Vigna's splitmix64.c). */
#include <math.h>
#include <stdlib.h>

#include "src/agree/agreeaudit.h"
#include "src/agree/bootstrap.h"
#include "src/estimate/draw.h"
#include "src/estimate/estimate.h"
#include "tests/unit/test.h"

static void test_draw_key(void)
{
	CHECK_INT(draw_key(0, 1), 1498765885564669LL);
	CHECK_INT(draw_key(7, 1), 1404168962897799LL);
	CHECK_INT(draw_key(7, 2), 7875564127673392LL);
	CHECK_INT(draw_key(42, 1000000), 7829671417438053LL);
	CHECK_INT(draw_key(9223372036854775813ULL, 123456789), 7105899520158645LL);
	/* 53 bits: exact as a double */
	CHECK(draw_key(5, 77) < (1LL << 53) && draw_key(5, 77) >= 0);
	/* the first step is splitmix64 from the seed: a = 0xE220A8397B1DCDAF for
	 * seed 0, so item 0 of seed 0 is splitmix64 from a */
	CHECK(draw_key(0, 0) != draw_key(1, 0));
}

static void test_draw_order(void)
{
	DrawCandidate c[] = { { 5, 1, 30 }, { 2, 0, 10 }, { 9, 1, 10 }, { 1, 0, 10 }, { 3, 0, 5 } };

	draw_order(c, 5);
	CHECK_INT(c[0].item_id, 3);
	CHECK_INT(c[1].item_id, 1); /* a tie of keys goes to the lower id */
	CHECK_INT(c[2].item_id, 2);
	CHECK_INT(c[3].item_id, 9);
	CHECK_INT(c[4].item_id, 5);
}

static void test_draw_allocate(void)
{
	long long pop[] = { 320, 654, 1026 }, none[] = { 0, 0, 0 }, unset[] = { -1, -1, -1 };
	long long size[3], fixed[] = { 100, -1, -1 }, least[] = { 0, 25, 0 };

	/* proportional, largest remainder: 9.6, 19.62, 30.78 -> 9, 20, 31 */
	CHECK_INT(draw_allocate(pop, none, unset, 3, 60, size), STATUS_OK);
	CHECK_INT(size[0], 9);
	CHECK_INT(size[1], 20);
	CHECK_INT(size[2], 31);
	/* a fixed stratum; the rest shared: 60 over 654 and 1026 */
	CHECK_INT(draw_allocate(pop, none, fixed, 3, 160, size), STATUS_OK);
	CHECK_INT(size[0], 100);
	CHECK_INT(size[1], 23);
	CHECK_INT(size[2], 37);
	/* a stratum holding more already keeps them */
	CHECK_INT(draw_allocate(pop, least, unset, 3, 60, size), STATUS_OK);
	CHECK_INT(size[1], 25);
	/* errors */
	fixed[0] = 400;
	CHECK_INT(draw_allocate(pop, none, fixed, 3, 500, size), STATUS_ERR_USAGE);
	fixed[0] = 10;
	CHECK_INT(draw_allocate(pop, none, fixed, 3, 5, size), STATUS_ERR_USAGE);
	CHECK_INT(draw_allocate(pop, none, unset, 3, 2001, size), STATUS_ERR_USAGE);
	CHECK_INT(draw_allocate(pop, none, unset, 3, -1, size), STATUS_ERR_USAGE);
	CHECK_INT(draw_allocate(pop, least, unset, 3, 20, size), STATUS_ERR_USAGE);
	fixed[0] = 5, least[0] = 6;
	CHECK_INT(draw_allocate(pop, least, fixed, 3, 100, size), STATUS_ERR_USAGE);
}

static void test_human_label(void)
{
	int a[] = { 2, 3, 3 }, b[] = { 4, 2 }, c[] = { 1, 2, 2, 1 }, d[] = { 5 };

	CHECK_INT(estimate_human_label(a, 3), 3);
	CHECK_INT(estimate_human_label(b, 2), 4); /* a tie: the first given */
	CHECK_INT(estimate_human_label(c, 4), 1);
	CHECK_INT(estimate_human_label(d, 1), 5);
	CHECK_INT(estimate_human_label(NULL, 0), 0);
}

/* The counted path gives what ppi_estimate() gives on the cells written
 * out by hand. */
static void test_compute_uniform(void)
{
	EstimateData *d = estimate_data_new(2, 0);
	EstimateItem items[] = { { 1, 1, 0, -1 }, { 1, 1, 0, -1 }, { 2, 2, 0, -1 },
				 { 1, 2, 0, -1 }, { 0, 1, 0, -1 }, { 2, 0, 0, -1 } };
	PpiCell cells[] = {
		{ 1, 1, 1, 2 }, { 2, 2, 1, 1 }, { 1, 2, 1, 1 }, { 0, 1, 1, 8 }, { 0, 2, 1, 4 }
	};
	EstimateReport r;
	PpiResult want;
	PpiOptions o = { 0.1, NAN, 0 };

	estimate_data_count(d, -1, 1, 10);
	estimate_data_count(d, -1, 2, 6);
	for (size_t i = 0; i < sizeof items / sizeof *items; i++)
		estimate_data_add_item(d, &items[i]);
	CHECK_INT(estimate_compute(d, &o, 0, &r), STATUS_OK);
	CHECK_INT(ppi_estimate(cells, 5, 2, &o, &want), STATUS_OK);
	CHECK_INT(r.all.items, 16);
	CHECK_INT(r.all.sampled, 4);
	CHECK_INT(r.sample_items, 6);
	CHECK_INT(r.no_llm, 1);     /* a human label, no LLM label */
	CHECK_INT(r.unreviewed, 1); /* sampled, not reviewed: counted outside */
	CHECK_NEAR(r.all.r.lambda, want.lambda, 1e-15);
	for (int k = 0; k < 2; k++)
		for (int m = 0; m < PPI_METHOD_COUNT; m++) {
			CHECK_NEAR(r.all.r.label[k].est[m].point, want.label[k].est[m].point,
				   1e-15);
			CHECK_NEAR(r.all.r.label[k].est[m].hi, want.label[k].est[m].hi, 1e-15);
		}
	estimate_report_free(&r);
	ppi_result_free(&want);
	estimate_data_free(d);
}

/* Strata by LLM label: N_s counts the sampled items by the stratum drawn
 * in and the rest by their label; p_s = m_s / N_s. */
static void test_compute_strata(void)
{
	EstimateData *d = estimate_data_new(2, 1);
	EstimateItem items[] = {
		{ 1, 1, 1, 0 }, { 2, 1, 1, 0 }, { 2, 2, 2, 0 }, { 0, 2, 2, 0 }, { 1, 1, 2, -1 }
	}; /* drawn in 2, now labelled 1 */
	EstimateReport r;
	PpiOptions o = { 0.05, NAN, 0 };
	int shoes = estimate_data_category(d, "shoes");

	CHECK_INT(shoes, 0);
	CHECK_INT(estimate_data_category(d, "shoes"), 0);
	CHECK_INT(estimate_data_category(d, "bags"), 1);
	estimate_data_count(d, 0, 1, 12);
	estimate_data_count(d, 0, 2, 8);
	estimate_data_count(d, -1, 1, 1);
	for (size_t i = 0; i < sizeof items / sizeof *items; i++)
		estimate_data_add_item(d, &items[i]);
	CHECK_INT(estimate_compute(d, &o, 1, &r), STATUS_OK);
	CHECK_INT(r.n_strata, 2);
	/* stratum 1: the 13 items labelled 1 less the one drawn in 2 = 12, of which 2 reviewed */
	CHECK_INT(r.strata[0].population, 12);
	CHECK_INT(r.strata[0].reviewed, 2);
	/* stratum 2: 8 labelled 2 plus the one drawn in 2 = 9, 2 reviewed */
	CHECK_INT(r.strata[1].population, 9);
	CHECK_INT(r.strata[1].reviewed, 2);
	CHECK(r.all.r.weighted);
	CHECK_INT(r.n_slices, 2); /* shoes, and no category; bags has no labelled item */
	CHECK_STR(r.slices[0].key, "shoes");
	CHECK_STR(r.slices[1].key, "(none)");
	CHECK_INT(r.slices[0].items, 20);
	CHECK_INT(r.slices[1].items, 1);
	estimate_report_free(&r);
	/* a stratum without a reviewed item: the sample's estimates are undefined */
	d->items[0].human = d->items[1].human = 0;
	CHECK_INT(estimate_compute(d, &o, 0, &r), STATUS_OK);
	CHECK(r.why != NULL);
	CHECK(!r.all.r.label[0].est[PPI_METHOD_PPI_PLUS].defined);
	CHECK(r.all.r.label[0].est[PPI_METHOD_LLM].defined);
	estimate_report_free(&r);
	estimate_data_free(d);
}

/* One stratum: the plain figures and bootstrap_table()'s very intervals. */
static void test_audit_one_stratum(void)
{
	long t[] = { 20, 3, 1, 4, 15, 2, 0, 5, 30 };
	double share[] = { 1 };
	AgreeOptions o = { .intervals = 1, .boot = { 300, 7, 0.95 } };
	AgreeFigure f[METRICS_STAT_COUNT];
	MetricInterval ci[METRICS_STAT_COUNT];

	agreeaudit_figures(t, share, 1, 3, &o, f);
	bootstrap_table(t, 3, &o.boot, ci);
	for (int s = 0; s < METRICS_STAT_COUNT; s++) {
		MetricValue v = metrics_table_stat(t, 3, (MetricsStat)s);

		CHECK_NEAR(f[s].value.value, v.value, 0);
		CHECK_NEAR(f[s].ci.lo, ci[s].lo, 0);
		CHECK_NEAR(f[s].ci.hi, ci[s].hi, 0);
		CHECK_INT(f[s].n, 80);
	}
}

/* Two strata weighed 0.8 and 0.2: the table 0.8 t1 / 10 + 0.2 t2 / 10,
 * worked by hand. */
static void test_audit_weighted(void)
{
	/* stratum 1: 9 agree on 1, 1 says 2 for 1; stratum 2: 5 agree on 2, 5 say 1 for 2 */
	long t[] = { 9, 1, 0, 0, 0, 0, 5, 5 };
	double share[] = { 0.8, 0.2 };
	AgreeOptions o = { .intervals = 1, .boot = { 200, 3, 0.95 } };
	AgreeFigure f[METRICS_STAT_COUNT];
	/* p = [[0.72, 0.08], [0.1, 0.1]]: agreement 0.82; rows 0.8, 0.2; cols 0.82, 0.18;
	 * expected agreement 0.8 * 0.82 + 0.2 * 0.18 = 0.692; kappa = (0.82 - 0.692) / 0.308 */
	agreeaudit_figures(t, share, 2, 2, &o, f);
	CHECK_NEAR(f[METRICS_STAT_PERCENT].value.value, 0.82, 1e-10);
	CHECK_NEAR(f[METRICS_STAT_KAPPA].value.value, 0.128 / 0.308, 1e-10);
	CHECK_NEAR(f[METRICS_STAT_MAE].value.value, 0.18, 1e-10);
	CHECK_INT(f[METRICS_STAT_PERCENT].n, 20);
	CHECK(!f[METRICS_STAT_SPEARMAN].value.defined); /* ranks are not weighted */
	CHECK(f[METRICS_STAT_PERCENT].ci.defined);
	CHECK(f[METRICS_STAT_PERCENT].ci.lo <= 0.82 && 0.82 <= f[METRICS_STAT_PERCENT].ci.hi);
	/* a stratum with a share and no item: undefined, with the reason */
	t[4] = t[5] = t[6] = t[7] = 0;
	agreeaudit_figures(t, share, 2, 2, &o, f);
	CHECK(!f[METRICS_STAT_PERCENT].value.defined);
	CHECK(f[METRICS_STAT_PERCENT].value.why != NULL);
}

int main(void)
{
	RUN(test_draw_key);
	RUN(test_draw_order);
	RUN(test_draw_allocate);
	RUN(test_human_label);
	RUN(test_compute_uniform);
	RUN(test_compute_strata);
	RUN(test_audit_one_stratum);
	RUN(test_audit_weighted);
	return test_summary();
}
