/* test_settle.c - the settlement rules (src/settle/settle.c): every rule on
 * items worked out by hand, the adjudicator's override, ties that never
 * settle, the parameter checks and the rule's JSON. */
#include <stdlib.h>

#include "src/settle/dawidskene.h"
#include "src/settle/settle.h"
#include "tests/unit/test.h"

static SettleParams params(int min_reviews, double quorum, double min_posterior)
{
	return (SettleParams){min_reviews, quorum, min_posterior};
}

static SettleOutcome run(const char *rule, const int *labels, size_t n, int adjudicated,
			 const double *posterior, int n_scale, SettleParams p)
{
	SettleItem item = {labels, n, adjudicated, posterior, n_scale};

	return settle_item(settle_rule_find(rule), &item, &p);
}

#define EXPECT(out, want_label, want_reason)                                                       \
	do {                                                                                       \
		SettleOutcome o_ = (out);                                                          \
		CHECK_INT(o_.label, want_label);                                                   \
		CHECK_STR(settle_reason_name(o_.reason), settle_reason_name(want_reason));         \
	} while (0)

static void test_unanimous(void)
{
	const int two[] = {2, 2}, split[] = {2, 3}, three[] = {4, 4, 4};
	SettleOutcome o;

	EXPECT(run("unanimous", NULL, 0, 0, NULL, 5, params(1, 0.5, 0.9)), 0, SETTLE_NO_REVIEWS);
	EXPECT(run("unanimous", NULL, 0, 0, NULL, 5, params(0, 0.5, 0.9)), 0, SETTLE_NO_REVIEWS);
	o = run("unanimous", two, 1, 0, NULL, 5, params(2, 0.5, 0.9));
	EXPECT(o, 0, SETTLE_TOO_FEW);
	CHECK_INT(o.n_reviews, 1);
	o = run("unanimous", two, 2, 0, NULL, 5, params(2, 0.5, 0.9));
	EXPECT(o, 2, SETTLE_AGREED);
	CHECK_NEAR(o.support, 1, 0);
	CHECK_INT(o.top_count, 2);
	o = run("unanimous", split, 2, 0, NULL, 5, params(1, 0.5, 0.9));
	EXPECT(o, 0, SETTLE_CONFLICT);
	CHECK_NEAR(o.support, 0.5, 0);
	EXPECT(run("unanimous", three, 3, 0, NULL, 5, params(3, 0.5, 0.9)), 4, SETTLE_AGREED);
	EXPECT(run("unanimous", three, 3, 0, NULL, 5, params(4, 0.5, 0.9)), 0, SETTLE_TOO_FEW);
}

static void test_majority(void)
{
	const int a[] = {1, 1, 2}, b[] = {2, 1, 1}, tie2[] = {1, 2}, tie4[] = {2, 1, 1, 2},
		  tie3[] = {3, 1, 2}, half[] = {1, 1, 2, 3}, five[] = {1, 1, 3, 1, 2};
	SettleOutcome o;

	o = run("majority", a, 3, 0, NULL, 3, params(1, 0.5, 0.9));
	EXPECT(o, 1, SETTLE_AGREED);
	CHECK_NEAR(o.support, 2.0 / 3, 1e-15);
	CHECK_INT(o.top_count, 2);
	/* the order of the reviews never matters */
	EXPECT(run("majority", b, 3, 0, NULL, 3, params(1, 0.5, 0.9)), 1, SETTLE_AGREED);
	/* ties go to adjudication, at any quorum, whatever the order */
	EXPECT(run("majority", tie2, 2, 0, NULL, 3, params(1, 0.5, 0.9)), 0, SETTLE_TIE);
	EXPECT(run("majority", tie4, 4, 0, NULL, 3, params(1, 0.25, 0.9)), 0, SETTLE_TIE);
	o = run("majority", tie3, 3, 0, NULL, 3, params(1, 0.1, 0.9));
	EXPECT(o, 0, SETTLE_TIE);
	CHECK_NEAR(o.support, 1.0 / 3, 1e-15);
	/* a share of exactly the quorum settles: ceil(0.5 * 4) = 2 */
	EXPECT(run("majority", half, 4, 0, NULL, 3, params(1, 0.5, 0.9)), 1, SETTLE_AGREED);
	EXPECT(run("majority", half, 4, 0, NULL, 3, params(1, 0.51, 0.9)), 0, SETTLE_CONFLICT);
	/* 0.6 * 5 is 3.0000000000000004 in binary; 3 of 5 still meets it */
	EXPECT(run("majority", five, 5, 0, NULL, 3, params(1, 0.6, 0.9)), 1, SETTLE_AGREED);
	EXPECT(run("majority", five, 5, 0, NULL, 3, params(1, 0.61, 0.9)), 0, SETTLE_CONFLICT);
	EXPECT(run("majority", a, 3, 0, NULL, 3, params(1, 0.75, 0.9)), 0, SETTLE_CONFLICT);
	EXPECT(run("majority", a, 2, 0, NULL, 3, params(1, 1, 0.9)), 1, SETTLE_AGREED);
	EXPECT(run("majority", a, 3, 0, NULL, 3, params(4, 0.5, 0.9)), 0, SETTLE_TOO_FEW);
	EXPECT(run("majority", NULL, 0, 0, NULL, 3, params(0, 0.5, 0.9)), 0, SETTLE_NO_REVIEWS);
}

static void test_dawid_skene_rule(void)
{
	const double sure[] = {0.05, 0.9, 0.05}, even[] = {0.5, 0.5, 0}, none[] = {0, 0, 0};
	const int disagree[] = {1, 2}, one[] = {3};
	SettleOutcome o;

	o = run("dawid-skene", disagree, 2, 0, sure, 3, params(1, 0.5, 0.9));
	EXPECT(o, 2, SETTLE_AGREED);
	CHECK_NEAR(o.support, 0.9, 0);
	CHECK_INT(o.top_count, 1); /* one reviewer gave the settled label */
	o = run("dawid-skene", disagree, 2, 0, sure, 3, params(1, 0.5, 0.95));
	EXPECT(o, 0, SETTLE_LOW_POSTERIOR);
	CHECK_NEAR(o.support, 0.9, 0);
	EXPECT(run("dawid-skene", disagree, 2, 0, even, 3, params(1, 0.5, 0.4)), 0, SETTLE_TIE);
	EXPECT(run("dawid-skene", disagree, 2, 0, none, 3, params(1, 0.5, 0.4)), 0,
	       SETTLE_NO_REVIEWS);
	EXPECT(run("dawid-skene", disagree, 2, 0, NULL, 3, params(1, 0.5, 0.4)), 0,
	       SETTLE_NO_REVIEWS);
	EXPECT(run("dawid-skene", one, 1, 0, sure, 3, params(2, 0.5, 0.5)), 0, SETTLE_TOO_FEW);
	/* with --min-reviews 0 the LLM alone (a rater in the model) may settle */
	EXPECT(run("dawid-skene", NULL, 0, 0, sure, 3, params(0, 0.5, 0.5)), 2, SETTLE_AGREED);
	EXPECT(run("dawid-skene", NULL, 0, 0, sure, 3, params(1, 0.5, 0.5)), 0, SETTLE_NO_REVIEWS);
}

static void test_adjudicated_overrides(void)
{
	const int disagree[] = {1, 2, 2};
	const double sure[] = {0, 1, 0};
	size_t n;
	const SettleRule *rules = settle_rules(&n);

	CHECK_INT(n, 3);
	for (size_t i = 0; i < n; i++) {
		SettleItem item = {disagree, 3, 1, sure, 3};
		SettleParams p = params(5, 1, 1);
		SettleOutcome o = settle_item(&rules[i], &item, &p);
		EXPECT(o, 1, SETTLE_ADJUDICATED);
		CHECK_NEAR(o.support, 1, 0);
		CHECK_INT(o.top_count, 1);
		CHECK_INT(o.n_reviews, 3);
		item.n_labels = 0;
		EXPECT(settle_item(&rules[i], &item, &p), 1, SETTLE_ADJUDICATED);
	}
}

/* The dawid-skene rule on a real fit agrees with dawidskene_label(). */
static void test_rule_on_a_fit(void)
{
	const DsVote votes[] = {{0, 0, 1}, {0, 1, 1}, {0, 2, 2}, {1, 0, 2}, {1, 1, 2}, {1, 2, 2},
				{2, 0, 1}, {2, 1, 2}, {3, 0, 1}, {3, 1, 1}, {3, 2, 1}};
	DsInput in = { 4, 3, 2, votes, sizeof votes / sizeof votes[0], NULL, 100, 1e-10, NULL };
	DsResult r;

	CHECK_INT(dawidskene_fit(&in, &r), STATUS_OK);
	for (size_t i = 0; i < 4; i++) {
		int labels[3], n = 0;
		for (size_t v = 0; v < in.n_votes; v++)
			if (votes[v].item == i)
				labels[n++] = votes[v].label;
		for (double p = 0.5; p <= 1.0; p += 0.125) {
			SettleOutcome o = run("dawid-skene", labels, (size_t)n, 0,
					      dawidskene_posterior(&r, i), 2, params(1, 0.5, p));
			CHECK_INT(o.label, dawidskene_label(&r, i, p));
		}
	}
	dawidskene_result_free(&r);
}

static void test_params_and_names(void)
{
	const SettleRule *majority = settle_rule_find("majority");
	const SettleRule *ds = settle_rule_find("dawid-skene");
	const SettleRule *unanimous = settle_rule_find("unanimous");
	SettleParams d = settle_params_default();
	char *json;

	CHECK(majority && ds && unanimous);
	CHECK(settle_rule_find("Majority") == NULL && settle_rule_find(NULL) == NULL);
	CHECK_INT(settle_params_check(majority, &d), STATUS_OK);
	CHECK_INT(settle_params_check(ds, &d), STATUS_OK);
	CHECK_INT(settle_params_check(majority, &(SettleParams){1, 0, 0.9}), STATUS_ERR_USAGE);
	CHECK_STR(status_detail(), "--quorum 0: must be more than 0 and at most 1");
	CHECK_INT(settle_params_check(majority, &(SettleParams){1, 1.5, 0.9}), STATUS_ERR_USAGE);
	CHECK_INT(settle_params_check(majority, &(SettleParams){1, 1, 0.9}), STATUS_OK);
	CHECK_INT(settle_params_check(majority, &(SettleParams){-1, 1, 0.9}), STATUS_ERR_USAGE);
	CHECK_INT(settle_params_check(ds, &(SettleParams){1, 0.5, 1.01}), STATUS_ERR_USAGE);
	CHECK_INT(settle_params_check(ds, &(SettleParams){1, 0.5, -0.1}), STATUS_ERR_USAGE);
	/* a parameter the rule does not read is not checked */
	CHECK_INT(settle_params_check(unanimous, &(SettleParams){2, 7, 7}), STATUS_OK);

	json = settle_rule_json(majority, &(SettleParams){2, 0.6, 0.9});
	CHECK_STR(json, "{\"rule\":\"majority\",\"min_reviews\":2,\"quorum\":0.6}");
	free(json);
	json = settle_rule_json(ds, &(SettleParams){0, 0.6, 0.1 + 0.2});
	CHECK_STR(json, "{\"rule\":\"dawid-skene\",\"min_reviews\":0,"
			"\"min_posterior\":0.30000000000000004}");
	free(json);
	json = settle_rule_json(unanimous, &d);
	CHECK_STR(json, "{\"rule\":\"unanimous\",\"min_reviews\":1}");
	free(json);

	CHECK_STR(settle_reason_name(SETTLE_TOO_FEW), "too-few-reviews");
	CHECK_STR(settle_reason_name((SettleReason)99), "unknown");
	CHECK_STR(settle_reason_text(SETTLE_TIE), "two labels are tied");
	CHECK(settle_reason_settled(SETTLE_ADJUDICATED) && settle_reason_settled(SETTLE_AGREED));
	CHECK(!settle_reason_settled(SETTLE_TIE) && !settle_reason_settled(SETTLE_LOW_POSTERIOR));
	CHECK(!settle_reason_settled((SettleReason)-1));
}

int main(void)
{
	RUN(test_unanimous);
	RUN(test_majority);
	RUN(test_dawid_skene_rule);
	RUN(test_adjudicated_overrides);
	RUN(test_rule_on_a_fit);
	RUN(test_params_and_names);
	return test_summary();
}
