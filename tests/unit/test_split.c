/* test_split.c - export splits (src/export/split.c): parsing --split, the
 * largest-remainder targets worked by hand, the hash derivation against a
 * digest computed by hand with sha256sum, the per-label report, and exact
 * mode on hashes given by hand. The proportions and stability on large
 * sets are tests/cli/test_split.sh. */
#include <stdlib.h>

#include "src/export/split.h"
#include "tests/unit/test.h"

static void test_parse(void)
{
	SplitSpec s;
	const char *bad[] = {"",     "80/10/5", "80/10/10/0", "a/b",	"80//20", "80/20/",
			     "/100", "-10/110", "0100",	      "80 /20", "1000"};

	CHECK_INT(split_parse("80/10/10", &s), STATUS_OK);
	CHECK_INT(s.n, 3);
	CHECK_STR(s.name[1], "validation");
	CHECK_INT(s.percent[2], 10);
	CHECK_INT(split_parse("90/10", &s), STATUS_OK);
	CHECK_STR(s.name[1], "test");
	CHECK_INT(split_parse("100", &s), STATUS_OK);
	CHECK_STR(s.name[0], "train");
	CHECK_INT(split_parse("80/0/20", &s), STATUS_OK);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(split_parse(bad[i], &s), STATUS_ERR_USAGE);
	split_parse("80/10/5", &s);
	CHECK_INT(split_parse("80/10/5", &s), STATUS_ERR_USAGE);
	CHECK_STR(status_detail(), "--split 80/10/5: the parts must add up to 100");
}

static void test_targets(void)
{
	SplitSpec s;
	size_t t[SPLIT_MAX];

	split_parse("80/10/10", &s);
	split_targets(&s, 10, t); /* 8, 1, 1 exactly */
	CHECK(t[0] == 8 && t[1] == 1 && t[2] == 1);
	split_targets(&s, 7, t); /* 5.6, 0.7, 0.7: floors 5, 0, 0; two left */
	CHECK(t[0] == 5 && t[1] == 1 && t[2] == 1);
	split_targets(&s, 5, t); /* 4, 0.5, 0.5: one left, the tie to validation */
	CHECK(t[0] == 4 && t[1] == 1 && t[2] == 0);
	split_targets(&s, 3, t); /* 2.4, 0.3, 0.3: the .4 wins */
	CHECK(t[0] == 3 && t[1] == 0 && t[2] == 0);
	split_targets(&s, 0, t);
	CHECK(t[0] == 0 && t[1] == 0 && t[2] == 0);
	split_parse("34/33/33", &s);
	split_targets(&s, 2, t); /* 0.68, 0.66, 0.66 */
	CHECK(t[0] == 1 && t[1] == 1 && t[2] == 0);
	split_parse("80/0/20", &s);
	split_targets(&s, 9, t); /* 7.2, 0, 1.8 */
	CHECK(t[0] == 7 && t[1] == 0 && t[2] == 2);
}

/* printf 'gavel-split-v1\0\0\0\0\0\0\0\0\x2aabc' | sha256sum
 * = 5474189e336d335f..., so the hash is 0x5474189e336d335f; its top 40
 * bits times 100 over 2^40 is bucket 32 (0x5474189e33 * 100 >> 40): the
 * last bucket of 33/67's first part, the first of 32/68's second. */
static void test_hash(void)
{
	SplitSpec s;

	CHECK(split_hash(42, "abc") == 0x5474189e336d335fULL);
	split_parse("32/68", &s);
	CHECK_INT(split_of(&s, 42, "abc"), 1);
	split_parse("33/67", &s);
	CHECK_INT(split_of(&s, 42, "abc"), 0);
	split_parse("100", &s);
	CHECK_INT(split_of(&s, 42, "abc"), 0);
	CHECK(split_hash(43, "abc") != split_hash(42, "abc"));
}

static void test_tally(void)
{
	SplitSpec s;
	SplitTally *t;
	const SplitLabel *l;
	size_t n;

	split_parse("80/10/10", &s);
	t = split_tally_new(&s);
	for (int i = 0; i < 10; i++)
		split_tally_add(t, 3, i < 9 ? 0 : 2); /* 9/0/1 against 8/1/1 */
	split_tally_add(t, 1, 0);		      /* 1 item: 1/0/0 by target */
	for (int i = 0; i < 7; i++)
		split_tally_add(t, 2, i % 3); /* 3/2/2 against 5/1/1 */
	l = split_tally_labels(t, &n);
	CHECK_INT(n, 3);
	CHECK(l[0].label == 1 && l[1].label == 2 && l[2].label == 3);
	CHECK(l[0].too_few && !l[0].missing && l[0].off == 0);
	CHECK(!l[1].too_few && !l[1].missing && l[1].off == 2);
	CHECK(!l[2].too_few && l[2].missing && l[2].off == 1);
	CHECK(l[2].count[0] == 9 && l[2].target[1] == 1 && l[2].n == 10);
	split_tally_free(t);
	split_tally_free(NULL);
}

/* Worked by hand, with the hashes given. Label 1: seven items, targets
 * 5/1/1 (5.6, 0.7, 0.7: floors 5/0/0, the two largest remainders .7 and
 * .7); in hash order 10 20 30 60 70 train, 80 validation, 90 test. Items 8
 * and 11 share hash 50: one group, under label 2 (item 8's, the first), so
 * label 2 has five items, targets 4/1/0 (4, .5, .5: the tie to the earlier
 * part); in hash order 15 40 45 train, and the group at position 3 goes
 * whole to train though its second item lies past the cut. */
static void test_exact(void)
{
	SplitSpec s;
	static const SplitItem items[] = {
		{ 70, 1 }, { 10, 1 }, { 30, 1 }, { 60, 1 }, { 20, 1 }, { 90, 1 },
		{ 80, 1 }, { 40, 2 }, { 50, 2 }, { 15, 2 }, { 45, 2 }, { 50, 1 },
	};
	static const unsigned char want[] = { 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0 };
	unsigned char part[sizeof items / sizeof items[0]];
	split_parse("80/10/10", &s);
	split_exact(&s, items, sizeof items / sizeof items[0], part);
	for (size_t i = 0; i < sizeof want; i++)
		CHECK_INT(part[i], want[i]);
	split_exact(&s, items, 0, part); /* no items: nothing to do */
}

int main(void)
{
	RUN(test_parse);
	RUN(test_targets);
	RUN(test_hash);
	RUN(test_tally);
	RUN(test_exact);
	return test_summary();
}
