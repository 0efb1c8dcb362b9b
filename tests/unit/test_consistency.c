/* test_consistency.c - repeated answers: majority, split, entropy, levels
 * and the AUC on cases worked by hand. tests/cli/test_compare.sh checks the
 * AUC and the levels again against a Python implementation. */
#include <math.h>

#include "src/agree/consistency.h"
#include "tests/unit/test.h"

static void test_item(void)
{
	int a[5] = { 2, 2, 3, 0, 2 }, tie[4] = { 4, 1, 4, 1 }, none[3] = { 0, 9, -1 };
	ConsistencyItem it;

	consistency_item(a, 5, 4, &it);
	CHECK_INT(it.majority, 2);
	CHECK_INT(it.votes, 3);
	CHECK_INT(it.answers, 4); /* the 0 is no answer */
	CHECK_INT(it.labels, 2);
	CHECK_INT(it.tied, 0);
	/* shares 3/4 and 1/4 */
	CHECK_NEAR(it.entropy, -(0.75 * log2(0.75) + 0.25 * log2(0.25)), 1e-15);
	consistency_item(tie, 4, 4, &it);
	CHECK_INT(it.majority, 1); /* the lowest tied label */
	CHECK_INT(it.tied, 1);
	CHECK_NEAR(it.entropy, 1, 1e-15);
	consistency_item(none, 3, 4, &it);
	CHECK_INT(it.majority, 0);
	CHECK_INT(it.answers, 0);
	CHECK_NEAR(it.entropy, 0, 0);
}

/* AUC by pairs: positives scored 3, 2, 2; negatives 2, 1. Pairs: (3>2) 1,
 * (3>1) 1, (2=2) 0.5, (2>1) 1, (2=2) 0.5, (2>1) 1: 5 of 6. */
static void test_auc(void)
{
	double s[5] = { 3, 2, 2, 2, 1 };
	unsigned char pos[5] = { 1, 1, 1, 0, 0 }, all[5] = { 1, 1, 1, 1, 1 };
	MetricValue v = consistency_auc(s, pos, 5);

	CHECK(v.defined);
	CHECK_NEAR(v.value, 5.0 / 6, 1e-15);
	CHECK(!consistency_auc(s, all, 5).defined);
	s[0] = NAN;
	CHECK(!consistency_auc(s, pos, 5).defined);
}

/* Four items of three answers, human labels 1, 2, 3, 0 (unsettled):
 * item 1 unanimous and right; item 2 split 2-1 and wrong; item 3 split
 * 2-1 and right; item 4 unanimous, unsettled; item 5 one answer only. */
static void test_summary_hand(void)
{
	int answers[15] = { 1, 1, 1, 3, 3, 2, 3, 3, 1, 2, 2, 2, 4, 0, 0 };
	int human[5] = { 1, 2, 3, 0, 4 };
	ConsistencySummary s;

	CHECK_INT(consistency_summarize(answers, 5, 3, human, 4, &s), STATUS_OK);
	CHECK_INT(s.items, 5);
	CHECK_INT(s.answered, 4);
	CHECK_INT(s.split, 2);
	CHECK_NEAR(s.split_share.value, 0.5, 0);
	CHECK_INT(s.all_unanimous, 0);
	CHECK_INT(s.settled, 3);
	CHECK_INT(s.wrong, 1);
	CHECK_NEAR(s.agreement_unanimous.value, 1, 0);
	CHECK_NEAR(s.agreement_split.value, 0.5, 0);
	/* wrong: split (1); right: unanimous (0), split (1) -> (1 + 0.5) / 2 */
	CHECK_NEAR(s.auc_split.value, 0.75, 1e-15);
	CHECK_INT(s.n_levels, 2);
	CHECK_INT(s.levels[0].votes, 3);
	CHECK_INT(s.levels[0].items, 2);
	CHECK_INT(s.levels[0].settled, 1);
	CHECK_INT(s.levels[1].votes, 2);
	CHECK_NEAR(s.levels[1].agreement.value, 0.5, 0);
	consistency_summary_free(&s);
	/* every item unanimous: the provider ignored the temperature */
	for (int i = 0; i < 12; i++)
		answers[i] = 1 + i / 3;
	CHECK_INT(consistency_summarize(answers, 4, 3, NULL, 4, &s), STATUS_OK);
	CHECK_INT(s.all_unanimous, 1);
	CHECK(!s.auc_split.defined);
	CHECK(s.auc_split.why != NULL);
	consistency_summary_free(&s);
	human[0] = 7;
	CHECK_INT(consistency_summarize(answers, 5, 3, human, 4, &s), STATUS_ERR_INPUT);
	consistency_summary_free(&s);
}

int main(void)
{
	RUN(test_item);
	RUN(test_auc);
	RUN(test_summary_hand);
	return test_summary();
}
