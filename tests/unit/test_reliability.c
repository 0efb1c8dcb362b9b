/* test_reliability.c - multi-rater agreement (src/reliability.c) against
 * published values (Krippendorff's own example, Gwet's irrCAC package),
 * hand arithmetic, and the degenerate cases. The reference file's Fleiss and
 * Krippendorff cases run in test_metrics.c. */
#include <stdint.h>
#include <stdlib.h>

#include "src/agree/metrics.h"
#include "src/agree/reliability.h"
#include "tests/unit/test.h"
#include "tests/unit/test_metric.h"

/* Krippendorff's example (K. Krippendorff, "Computing Krippendorff's
 * alpha-reliability", 2011; the same data are irrCAC's cac.raw4raters, from
 * Gwet's Handbook p. 120): 12 units, 4 observers, values 1..5, 0 = missing. */
static const int canonical[12][4] = {
	{ 1, 1, 0, 1 }, { 2, 2, 3, 2 }, { 3, 3, 3, 3 }, { 3, 3, 3, 3 },
	{ 2, 2, 2, 2 }, { 1, 2, 3, 4 }, { 4, 4, 4, 4 }, { 1, 1, 2, 1 },
	{ 2, 2, 2, 2 }, { 0, 5, 5, 5 }, { 0, 0, 1, 1 }, { 0, 0, 3, 0 },
};

static void test_krippendorff_canonical(void)
{
	const int *r = &canonical[0][0];

	/* irrCAC README: krippen.alpha.raw 0.74342; Krippendorff: 0.743 */
	check_value(reliability_krippendorff_alpha(r, 12, 4, 5, RELIABILITY_LEVEL_NOMINAL),
		    0.74342, 5e-6);
	/* Krippendorff (2011); the python krippendorff package's tests */
	check_value(reliability_krippendorff_alpha(r, 12, 4, 5, RELIABILITY_LEVEL_ORDINAL), 0.815,
		    5e-4);
	check_value(reliability_krippendorff_alpha(r, 12, 4, 5, RELIABILITY_LEVEL_INTERVAL),
		    0.849, 5e-4);
	check_value(reliability_krippendorff_alpha(r, 12, 4, 5, RELIABILITY_LEVEL_RATIO), 0.797,
		    5e-4);
	/* irrCAC README: gwet.ac1.raw(cac.raw4raters) 0.77544 (pa 0.8181818,
	 * pe 0.1903212) */
	check_value(reliability_gwet_ac1(r, 12, 4, 5), 0.77544, 5e-6);
	/* irrCAC's generalised Fleiss (0.76117) accepts missing ratings; the
	 * classic one here does not, and says so */
	check_undefined(reliability_fleiss_kappa(r, 12, 4, 5), "different numbers of ratings");
}

/* irrCAC's distrib.6raters: 15 subjects, 6 raters, counts per category
 * (README of kgwet/irrCAC): AC1 0.4448007, Fleiss 0.4139265, alpha
 * 0.4204384. */
static void test_irrcac_six_raters(void)
{
	static const int counts[15][5] = {
		{ 0, 0, 0, 6, 0 }, { 0, 3, 0, 0, 3 }, { 0, 1, 4, 0, 1 }, { 0, 0, 0, 0, 6 },
		{ 0, 3, 0, 3, 0 }, { 2, 0, 4, 0, 0 }, { 0, 0, 4, 0, 2 }, { 2, 0, 3, 1, 0 },
		{ 2, 0, 0, 4, 0 }, { 0, 0, 0, 0, 6 }, { 1, 0, 0, 5, 0 }, { 1, 1, 0, 4, 0 },
		{ 0, 3, 3, 0, 0 }, { 1, 0, 0, 5, 0 }, { 0, 2, 0, 3, 1 },
	};
	int r[15][6];

	for (int i = 0; i < 15; i++)
		for (int k = 0, j = 0; k < 5; k++)
			for (int c = 0; c < counts[i][k]; c++)
				r[i][j++] = k + 1;
	check_value(reliability_gwet_ac1(&r[0][0], 15, 6, 5), 0.4448007, 5e-8);
	check_value(reliability_fleiss_kappa(&r[0][0], 15, 6, 5), 0.4139265, 5e-8);
	check_value(reliability_krippendorff_alpha(&r[0][0], 15, 6, 5, RELIABILITY_LEVEL_NOMINAL),
		    0.4204384, 5e-8);
}

/* irrCAC's cont3x3abstractors [[13,0,0],[0,20,7],[0,4,56]] as 100 items of
 * two raters: krippen2.table 0.7972585, gwet.ac1.table 0.8493305. */
static void test_irrcac_two_raters(void)
{
	static const int table[3][3] = { { 13, 0, 0 }, { 0, 20, 7 }, { 0, 4, 56 } };
	int r[100][2], n = 0;

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			for (int c = 0; c < table[i][j]; c++, n++) {
				r[n][0] = i + 1;
				r[n][1] = j + 1;
			}
	check_value(reliability_krippendorff_alpha(&r[0][0], 100, 2, 3, RELIABILITY_LEVEL_NOMINAL),
		    0.7972585, 5e-8);
	check_value(reliability_gwet_ac1(&r[0][0], 100, 2, 3), 0.8493305, 5e-8);
}

/* Fleiss by hand: three items, three raters, two levels.
 *   item 1: 1 1 1 -> counts (3,0), agreeing pairs 3*2 = 6
 *   item 2: 1 1 2 -> (2,1), 2*1 = 2
 *   item 3: 2 2 2 -> (0,3), 6
 *   P = (6 + 2 + 6) / (3 * 3 * 2) = 7/9; shares (5/9, 4/9), Pe = 41/81;
 *   kappa = (63/81 - 41/81) / (40/81) = 22/40 = 0.55 */
static void test_fleiss_by_hand(void)
{
	int r[4][3] = { { 1, 1, 1 }, { 1, 2, 1 }, { 2, 2, 2 }, { 0, 0, 0 } };

	check_value(reliability_fleiss_kappa(&r[0][0], 3, 3, 2), 0.55, 1e-12);
	/* an item nobody rated is skipped */
	check_value(reliability_fleiss_kappa(&r[0][0], 4, 3, 2), 0.55, 1e-12);
}

/* Alpha by hand, two raters on 1..3 with units (1,1) (1,2) (3,3).
 * Coincidences: o11 = 2, o12 = o21 = 1, o33 = 2; n_1 = 3, n_2 = 1, n_3 = 2,
 * n = 6; alpha = 1 - (n - 1) sum o d / sum n_c n_k d.
 *   nominal:  sum o d = 2; sum n n d = 2(3 + 6 + 2) = 22; 1 - 10/22 = 6/11
 *   interval: sum o d = 2; 2(3*1*1 + 3*2*4 + 1*2*1) = 58; 1 - 10/58 = 24/29
 *   ordinal:  d12 = (3 + 1 - 2)^2 = 4, d13 = (6 - 2.5)^2 = 12.25,
 *             d23 = (3 - 1.5)^2 = 2.25; sum o d = 8;
 *             2(3*4 + 6*12.25 + 2*2.25) = 180; 1 - 40/180 = 7/9
 *   ratio:    d12 = (1/3)^2, d13 = (2/4)^2, d23 = (1/5)^2; sum o d = 2/9;
 *             2(3/9 + 6/4 + 2/25) = 287/75; 1 - (10/9)/(287/75) = 611/861 */
static void test_alpha_levels_by_hand(void)
{
	int r[3][2] = { { 1, 1 }, { 1, 2 }, { 3, 3 } };

	check_value(reliability_krippendorff_alpha(&r[0][0], 3, 2, 3, RELIABILITY_LEVEL_NOMINAL),
		    6.0 / 11, 1e-12);
	check_value(reliability_krippendorff_alpha(&r[0][0], 3, 2, 3, RELIABILITY_LEVEL_INTERVAL),
		    24.0 / 29, 1e-12);
	check_value(reliability_krippendorff_alpha(&r[0][0], 3, 2, 3, RELIABILITY_LEVEL_ORDINAL),
		    7.0 / 9, 1e-12);
	check_value(reliability_krippendorff_alpha(&r[0][0], 3, 2, 3, RELIABILITY_LEVEL_RATIO),
		    611.0 / 861, 1e-12);
}

/* Missing ratings, by hand: three raters, two levels.
 *   u1: 1 1 1   u2: 1 2 -   u3: 2 2 -   u4: 1 - -  (u4 has one rating)
 * Alpha: u4 is not pairable. o11 = 3*2/2 = 3, o12 = o21 = 1/1, o22 = 2*1/1;
 *   n_1 = 4, n_2 = 3, n = 7; alpha = 1 - 6 * 2 / (2 * 4 * 3) = 0.5.
 * AC1: pa over u1..u3 = (1 + 0 + 1) / 3 = 2/3; the shares use all four rated
 *   items: pi_1 = (1 + 1/2 + 0 + 1) / 4 = 5/8; pe = 2 (5/8)(3/8) / 1 = 15/32;
 *   AC1 = (2/3 - 15/32) / (17/32) = 19/51. */
static void test_missing_by_hand(void)
{
	int r[4][3] = { { 1, 1, 1 }, { 1, 2, 0 }, { 2, 0, 2 }, { 0, 1, 0 } };

	check_value(reliability_krippendorff_alpha(&r[0][0], 4, 3, 2, RELIABILITY_LEVEL_NOMINAL),
		    0.5, 1e-12);
	check_value(reliability_krippendorff_alpha(&r[0][0], 3, 3, 2, RELIABILITY_LEVEL_NOMINAL),
		    0.5, 1e-12);
	check_value(reliability_gwet_ac1(&r[0][0], 4, 3, 2), 19.0 / 51, 1e-12);
	/* without u4 the shares change: pi_1 = 1.5/3, pe = 0.5, AC1 = 1/3 */
	check_value(reliability_gwet_ac1(&r[0][0], 3, 3, 2), 1.0 / 3, 1e-12);
	check_undefined(reliability_fleiss_kappa(&r[0][0], 4, 3, 2), "different numbers");
}

static void test_perfect_agreement(void)
{
	int r[4][3] = { { 1, 1, 1 }, { 2, 2, 2 }, { 3, 0, 3 }, { 4, 4, 4 } };
	int full[3][3] = { { 1, 1, 1 }, { 2, 2, 2 }, { 4, 4, 4 } };

	for (int level = 0; level < 4; level++)
		check_value(reliability_krippendorff_alpha(&r[0][0], 4, 3, 4,
							   (ReliabilityLevel)level), 1, 1e-12);
	check_value(reliability_gwet_ac1(&r[0][0], 4, 3, 4), 1, 1e-12);
	check_value(reliability_fleiss_kappa(&full[0][0], 3, 3, 4), 1, 1e-12);
}

static void test_degenerate(void)
{
	int same[3][2] = { { 2, 2 }, { 2, 2 }, { 2, 0 } };
	int single[3][2] = { { 1, 0 }, { 0, 2 }, { 3, 0 } };
	int one_pair[3][2] = { { 1, 2 }, { 0, 2 }, { 3, 0 } };
	int bad[2][2] = { { 1, 2 }, { 6, 1 } }, negative[2][2] = { { 1, 2 }, { -1, 1 } };

	check_undefined(reliability_krippendorff_alpha(&same[0][0], 3, 2, 3,
						       RELIABILITY_LEVEL_NOMINAL),
			"same label");
	check_undefined(reliability_fleiss_kappa(&same[0][0], 2, 2, 3), "same label");
	/* AC1 of unanimous ratings is 1, not undefined: pe is 0 here */
	check_value(reliability_gwet_ac1(&same[0][0], 3, 2, 3), 1, 1e-12);
	check_undefined(reliability_krippendorff_alpha(&single[0][0], 3, 2, 3,
						       RELIABILITY_LEVEL_INTERVAL),
			"fewer than two items have two");
	check_undefined(reliability_gwet_ac1(&single[0][0], 3, 2, 3), "fewer than two items");
	check_undefined(reliability_fleiss_kappa(&single[0][0], 3, 2, 3), "single rating");
	check_undefined(reliability_krippendorff_alpha(&one_pair[0][0], 3, 2, 3,
						       RELIABILITY_LEVEL_NOMINAL),
			"fewer than two items have two");
	check_undefined(reliability_fleiss_kappa(&one_pair[0][0], 1, 2, 3), "fewer than two items");
	for (int s = 0; s < RELIABILITY_STAT_COUNT; s++) {
		ReliabilityStat stat = (ReliabilityStat)s;

		check_undefined(reliability_stat(&bad[0][0], 2, 2, 5, &stat), "outside");
		check_undefined(reliability_stat(&negative[0][0], 2, 2, 5, &stat), "outside");
		check_undefined(reliability_stat(&bad[0][0], 2, 2, 0, &stat), "scale");
		check_undefined(reliability_stat(&bad[0][0], 0, 2, 6, &stat), "fewer than two");
	}
	check_undefined(reliability_gwet_ac1(&same[0][0], 3, 2, 1), "one level");
}

/* Shuffling items or raters, or adding an item nobody rated, changes
 * nothing. */
static void test_invariance(void)
{
	int shuffled[13][4] = { { 0 } }, swapped[12][4];
	static const int order[12] = { 5, 11, 0, 7, 2, 9, 4, 1, 10, 3, 8, 6 };
	const int *r = &canonical[0][0];

	for (int i = 0; i < 12; i++)
		for (int j = 0; j < 4; j++) {
			shuffled[i + (i >= 6)][j] = canonical[order[i]][j];
			swapped[i][j] = canonical[i][3 - j];
		}
	for (int s = 0; s < RELIABILITY_STAT_COUNT; s++) {
		ReliabilityStat stat = (ReliabilityStat)s;
		MetricValue want = reliability_stat(r, 12, 4, 5, &stat);
		MetricValue got = reliability_stat(&shuffled[0][0], 13, 4, 5, &stat);
		MetricValue swap = reliability_stat(&swapped[0][0], 12, 4, 5, &stat);

		CHECK_INT(got.defined, want.defined);
		CHECK_INT(swap.defined, want.defined);
		CHECK_NEAR(got.value, want.value, 1e-12);
		CHECK_NEAR(swap.value, want.value, 1e-12);
	}
}

/* Two raters, nothing missing: the multi-rater AC1 is the two-rater one. */
static void test_ac1_two_raters_agree(void)
{
	uint64_t state = 99;
	int r[200][2], a[200], b[200];

	for (int i = 0; i < 200; i++) {
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		a[i] = r[i][0] = 1 + (int)((state >> 33) % 4);
		b[i] = r[i][1] = (state >> 20) % 3 ? a[i] : 1 + (int)((state >> 40) % 4);
	}
	check_value(reliability_gwet_ac1(&r[0][0], 200, 2, 4), metrics_gwet_ac1(a, b, 200, 4).value,
		    1e-12);
}

static void test_dispatch_and_names(void)
{
	const int *r = &canonical[0][0];
	ReliabilityStat s = RELIABILITY_STAT_ALPHA_ORDINAL, bogus = RELIABILITY_STAT_COUNT;

	CHECK_NEAR(reliability_stat(r, 12, 4, 5, &s).value,
		   reliability_krippendorff_alpha(r, 12, 4, 5, RELIABILITY_LEVEL_ORDINAL).value, 0);
	check_undefined(reliability_stat(r, 12, 4, 5, &bogus), "unknown");
	CHECK_STR(reliability_stat_name(RELIABILITY_STAT_AC1), "Gwet's AC1");
	CHECK_STR(reliability_stat_name(RELIABILITY_STAT_ALPHA_RATIO),
		  "Krippendorff's alpha, ratio");
}

int main(void)
{
	RUN(test_krippendorff_canonical);
	RUN(test_irrcac_six_raters);
	RUN(test_irrcac_two_raters);
	RUN(test_fleiss_by_hand);
	RUN(test_alpha_levels_by_hand);
	RUN(test_missing_by_hand);
	RUN(test_perfect_agreement);
	RUN(test_degenerate);
	RUN(test_invariance);
	RUN(test_ac1_two_raters_agree);
	RUN(test_dispatch_and_names);
	return test_summary();
}
