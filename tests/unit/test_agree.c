/* test_agree.c - the agreement report on hand-made data: which labels are
 * compared (standing labels are the database's business, tested through the
 * CLI), the settled rule, the LLM label of a set of runs and why one is
 * missing, pairs, the group, the scorer, the --by rows and their costs.
 * Expected values are worked out by hand in the comments. */
#include <stdlib.h>

#include "src/agree/agree.h"
#include "tests/unit/test.h"

static const char *const names3[] = { "bad", "ok", "good" };

static AgreeOptions no_ci(void)
{
	return (AgreeOptions){ .boot = { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, BOOTSTRAP_CONFIDENCE } };
}

/* docs/metrics.md's worked example: ten items, table [[3,1,0],[0,2,1],[0,1,2]]
 * of (human, LLM), as ana's labels and run 1's predictions. */
static AgreeData *worked_example(void)
{
	static const int human[] = { 1, 1, 1, 1, 2, 2, 2, 3, 3, 3 };
	static const int llm[] = { 1, 1, 1, 2, 2, 2, 3, 2, 3, 3 };
	AgreeData *d = agreedata_new(3, names3);

	agreedata_add_run(d, 1, 0, NULL, NULL, "heuristic", NULL);
	for (int i = 0; i < 10; i++) {
		agreedata_add_human(d, 100 + i, "ana", human[i], 0);
		agreedata_add_prediction(d, 100 + i, 1, DB_PREDICTION_OK, llm[i]);
	}
	return d;
}

static void test_worked_example(void)
{
	AgreeData *d = worked_example();
	AgreeOptions o = no_ci();
	AgreeReport *r = agree_report(d, &o);
	const AgreeFigure *f = r->settled_pair.fig;

	CHECK_INT(r->settled_pair.n, 10);
	CHECK_INT(r->settled_pair.table[0 * 3 + 1], 1);
	CHECK_INT(r->settled_pair.table[2 * 3 + 1], 1);
	CHECK_NEAR(f[METRICS_STAT_PERCENT].value.value, 0.7, 1e-12);
	CHECK_NEAR(f[METRICS_STAT_KAPPA].value.value, 37.0 / 67, 1e-12);
	CHECK_NEAR(f[METRICS_STAT_KAPPA_LINEAR].value.value, 29.0 / 44, 1e-12);
	CHECK_NEAR(f[METRICS_STAT_KAPPA_QUADRATIC].value.value, 10.0 / 13, 1e-12);
	CHECK_NEAR(f[METRICS_STAT_AC1].value.value, 49.0 / 89, 1e-12);
	CHECK_NEAR(f[METRICS_STAT_MAE].value.value, 0.3, 1e-12);
	CHECK_INT(f[METRICS_STAT_KAPPA].n, 10);
	CHECK(!f[METRICS_STAT_KAPPA].ci.defined && !f[METRICS_STAT_KAPPA].ci.why);
	/* one reviewer: the same pair again, and no group */
	CHECK_INT(r->reviewers_count, 1);
	CHECK_NEAR(r->per_reviewer[0].fig[METRICS_STAT_KAPPA].value.value, 37.0 / 67, 1e-12);
	CHECK_INT(r->n_pairs, 0);
	CHECK(!r->group.fig[RELIABILITY_STAT_AC1].value.defined);
	CHECK_STR(r->group.fig[RELIABILITY_STAT_AC1].value.why, "fewer than two reviewers");
	agree_report_free(r);
	agreedata_free(d);
}

/* Intervals are bootstrap_table()'s on the same table and seed. */
static void test_intervals(void)
{
	AgreeData *d = worked_example();
	AgreeOptions o = no_ci();
	MetricInterval want[METRICS_STAT_COUNT];
	AgreeReport *r;

	o.intervals = 1;
	o.boot.resamples = 300;
	r = agree_report(d, &o);
	bootstrap_table(r->settled_pair.table, 3, &o.boot, want);
	for (int s = 0; s < METRICS_STAT_COUNT; s++) {
		CHECK_INT(r->settled_pair.fig[s].ci.defined, want[s].defined);
		CHECK_NEAR(r->settled_pair.fig[s].ci.lo, want[s].lo, 0);
		CHECK_NEAR(r->settled_pair.fig[s].ci.hi, want[s].hi, 0);
	}
	CHECK(r->settled_pair.fig[METRICS_STAT_KAPPA].ci.lo <= 37.0 / 67);
	agree_report_free(r);
	agreedata_free(d);
}

/* Settled: every reviewer gave one label. LLM label: the latest run with an
 * ok answer; else the latest failure says why. Added in a shuffled order. */
static void test_settled_and_llm(void)
{
	AgreeData *d = agreedata_new(3, names3);
	AgreeOptions o = no_ci();
	AgreeReport *r;

	agreedata_add_run(d, 7, 2, "bbbb", "v2.md", "openai", "m2");
	agreedata_add_run(d, 3, 1, "aaaa", "v1.md", "openai", "m1");
	/* item 1: ana 1, ben 1 (settled); run 3 says 1, run 7 failed to parse: 1 */
	agreedata_add_prediction(d, 1, 7, DB_PREDICTION_PARSE_FAILED, 0);
	agreedata_add_human(d, 1, "ben", 1, 0);
	agreedata_add_prediction(d, 1, 3, DB_PREDICTION_OK, 1);
	agreedata_add_human(d, 1, "ana", 1, 1);
	/* item 2: ana 2, ben 3: unsettled */
	agreedata_add_human(d, 2, "ana", 2, 0);
	agreedata_add_human(d, 2, "ben", 3, 0);
	agreedata_add_prediction(d, 2, 7, DB_PREDICTION_OK, 3);
	/* item 3: ana 3; run 3 failed, run 7 parse failure: the latest says why */
	agreedata_add_human(d, 3, "ana", 3, 0);
	agreedata_add_prediction(d, 3, 3, DB_PREDICTION_FAILED, 0);
	agreedata_add_prediction(d, 3, 7, DB_PREDICTION_PARSE_FAILED, 0);
	/* item 4: ana 2, no prediction; item 5: ana 3, run 7 says 3, run 3 says 1 */
	agreedata_add_human(d, 4, "ana", 2, 0);
	agreedata_add_human(d, 5, "ana", 3, 0);
	agreedata_add_prediction(d, 5, 7, DB_PREDICTION_OK, 3);
	agreedata_add_prediction(d, 5, 3, DB_PREDICTION_OK, 1);
	/* a label off the scale is counted and left out */
	agreedata_add_human(d, 6, "ana", 9, 0);

	r = agree_report(d, &o);
	CHECK_INT(r->items_human, 5);
	CHECK_INT(r->human_labels, 7);
	CHECK_INT(r->invalid_human, 1);
	CHECK_INT(r->settled, 4);
	CHECK_INT(r->unsettled, 1);
	CHECK_INT(r->settled_pair.n, 2); /* items 1 (1,1) and 5 (3,3) */
	CHECK_INT(r->settled_pair.table[0], 1);
	CHECK_INT(r->settled_pair.table[8], 1);
	CHECK_INT(r->settled_pair.unsettled, 1);
	CHECK_INT(r->settled_pair.parse_failed, 1);
	CHECK_INT(r->settled_pair.failed, 0);
	CHECK_INT(r->settled_pair.no_llm, 1);
	/* reviewers in name order; ana on 1 (1,1), 2 (2,3), 5 (3,3) */
	CHECK_STR(r->reviewers[0], "ana");
	CHECK_STR(r->reviewers[1], "ben");
	CHECK_INT(r->per_reviewer[0].n, 3);
	CHECK_INT(r->per_reviewer[0].table[1 * 3 + 2], 1);
	CHECK_INT(r->n_pairs, 1);
	CHECK_STR(r->pairs[0].a, "ana");
	CHECK_INT(r->pairs[0].n, 2);
	CHECK_INT(r->pairs[0].table[1 * 3 + 2], 1); /* ana 2, ben 3 */
	agree_report_free(r);

	/* run 3 alone: item 5 is now (3, 1); item 3's failure is a failure */
	o.run_id = 3;
	r = agree_report(d, &o);
	CHECK_INT(r->settled_pair.n, 2);
	CHECK_INT(r->settled_pair.table[2 * 3 + 0], 1);
	CHECK_INT(r->settled_pair.failed, 1);
	CHECK_INT(r->settled_pair.parse_failed, 0);
	agree_report_free(r);

	/* --by prompt: one row per version, each its own runs */
	o.run_id = 0;
	o.by = AGREE_BY_PROMPT;
	agreedata_add_tokens(d, 3, 1000, 100);
	agreedata_add_tokens(d, 7, 3000, 500);
	agreedata_set_price(d, 3, 2, 10);
	r = agree_report(d, &o);
	CHECK_INT(r->n_slices, 2);
	CHECK_STR(r->slices[0].key, "aaaa");
	CHECK_INT(r->slices[0].id, 1);
	CHECK_INT(r->slices[0].pair.n, 2);
	CHECK(r->slices[0].has_cost);
	CHECK_NEAR(r->slices[0].cost, (1000 * 2 + 100 * 10) / 1e6, 1e-15);
	CHECK_STR(r->slices[1].key, "bbbb");
	CHECK_INT(r->slices[1].prompt_tokens, 3000);
	CHECK(!r->slices[1].has_cost); /* no price for run 7 */
	CHECK_INT(r->slices[1].pair.n, 1); /* item 5 only; item 1 failed to parse */
	CHECK_INT(r->slices[1].pair.parse_failed, 2);
	CHECK_STR(r->slices[1].detail, "version 2 v2.md, run 7");
	agree_report_free(r);

	/* --by blind: ana's item 1 was blind */
	o.by = AGREE_BY_BLIND;
	r = agree_report(d, &o);
	CHECK_STR(r->slices[0].key, "blind");
	CHECK_INT(r->slices[0].pair.n, 1);
	CHECK_STR(r->slices[1].key, "primed");
	CHECK_INT(r->slices[1].pair.n, 4); /* ben 1, ana 2 and 5, ben 2 */
	agree_report_free(r);
	agreedata_free(d);
}

/* Group figures: Fleiss on the items rated twice, AC1 over every rated one. */
static void test_group(void)
{
	AgreeData *d = agreedata_new(3, names3);
	AgreeOptions o = no_ci();
	AgreeReport *r;

	/* three items rated by a and b: (1,1), (2,2), (1,2); one by a alone: 3 */
	agreedata_add_human(d, 1, "a", 1, 0), agreedata_add_human(d, 1, "b", 1, 0);
	agreedata_add_human(d, 2, "a", 2, 0), agreedata_add_human(d, 2, "b", 2, 0);
	agreedata_add_human(d, 3, "a", 1, 0), agreedata_add_human(d, 3, "b", 2, 0);
	agreedata_add_human(d, 4, "a", 3, 0);
	r = agree_report(d, &o);
	CHECK_INT(r->group.items, 4);
	CHECK_INT(r->group.pairable, 3);
	CHECK_INT(r->group.ratings, 7);
	/* Fleiss: P = 2/3; shares 3/6, 3/6: Pe = 1/2; kappa = (2/3 - 1/2) / (1/2) = 1/3 */
	CHECK_NEAR(r->group.fig[RELIABILITY_STAT_FLEISS].value.value, 1.0 / 3, 1e-12);
	CHECK_INT(r->group.fig[RELIABILITY_STAT_FLEISS].n, 3);
	/* AC1: pa = 2/3; pi = (1.5/4, 1.5/4, 1/4); pe = (2 * 0.375 * 0.625 + 0.25 * 0.75) / 2
	 * = 0.328125; AC1 = (2/3 - 0.328125) / 0.671875 */
	CHECK_NEAR(r->group.fig[RELIABILITY_STAT_AC1].value.value,
		   (2.0 / 3 - 0.328125) / 0.671875, 1e-12);
	CHECK_INT(r->group.fig[RELIABILITY_STAT_AC1].n, 4);
	agree_report_free(r);
	agreedata_free(d);
}

/* Intervals that resample items one by one stop at the work limit, saying so. */
static void test_budget(void)
{
	AgreeData *d = agreedata_new(3, names3);
	AgreeOptions o = no_ci();
	AgreeReport *r;

	for (int i = 0; i < 80000; i++) {
		agreedata_add_human(d, i, "a", 1 + i % 3, 0);
		agreedata_add_human(d, i, "b", 1 + (i / 2) % 3, 0);
	}
	o.intervals = 1;
	o.boot.resamples = 2000; /* 80,000 x 2 x 2,000 = 3.2e8 */
	r = agree_report(d, &o);
	CHECK(r->group.fig[RELIABILITY_STAT_ALPHA_NOMINAL].value.defined);
	CHECK(!r->group.fig[RELIABILITY_STAT_ALPHA_NOMINAL].ci.defined);
	CHECK(r->group.fig[RELIABILITY_STAT_ALPHA_NOMINAL].ci.why &&
	      strstr(r->group.fig[RELIABILITY_STAT_ALPHA_NOMINAL].ci.why, "too long"));
	CHECK(r->pairs[0].fig[METRICS_STAT_KAPPA].ci.defined); /* the table bootstrap is cheap */
	agree_report_free(r);
	agreedata_free(d);
}

/* The scorer: rounded half up to the nearest label, clamped to the scale. */
static void test_scorer(void)
{
	static const double scores[] = { 0.2, 1.5, 2.49, 2.5, 7 };
	static const int human[] = { 1, 2, 2, 3, 3 };
	AgreeData *d = agreedata_new(3, names3);
	AgreeOptions o = no_ci();
	AgreeReport *r;

	agreedata_set_scorer(d, 4);
	for (int i = 0; i < 5; i++) {
		agreedata_add_human(d, i + 1, "ana", human[i], 0);
		agreedata_add_score(d, i + 1, scores[i]);
	}
	agreedata_add_human(d, 9, "ana", 1, 0); /* settled, no score */
	r = agree_report(d, &o);
	CHECK_INT(r->scorer.model_id, 4);
	CHECK_INT(r->scorer.unscored, 1);
	CHECK_INT(r->scorer.rounded.n, 5);
	CHECK_INT(r->scorer.rounded.table[0 * 3 + 0], 1); /* 0.2 -> 1 */
	CHECK_INT(r->scorer.rounded.table[1 * 3 + 1], 2); /* 1.5 -> 2, 2.49 -> 2 */
	CHECK_INT(r->scorer.rounded.table[2 * 3 + 2], 2); /* 2.5 -> 3, 7 -> 3 */
	/* raw MAE: (0.8 + 0.5 + 0.49 + 0.5 + 4) / 5 */
	CHECK_NEAR(r->scorer.raw[METRICS_STAT_MAE].value.value, 6.29 / 5, 1e-12);
	CHECK_INT(r->scorer.raw[METRICS_STAT_MAE].n, 5);
	agree_report_free(r);
	agreedata_free(d);
}

static void test_by_parse(void)
{
	AgreeBy by = AGREE_BY_NONE;

	by = AGREE_BY_CATEGORY;
	CHECK_STR(agree_by_words[by], "category");
	CHECK_INT(by, AGREE_BY_CATEGORY);
	CHECK_STR(agree_by_words[AGREE_BY_NONE], "");
	CHECK(agree_by_words[AGREE_BY_COUNT] == NULL);
	CHECK_STR(agree_by_name(AGREE_BY_BLIND), "blind");
}

int main(void)
{
	RUN(test_worked_example);
	RUN(test_intervals);
	RUN(test_settled_and_llm);
	RUN(test_group);
	RUN(test_budget);
	RUN(test_scorer);
	RUN(test_by_parse);
	return test_summary();
}
