/* consistency.h - self-consistency of a labeller asked the same item N
 * times (`gavel label --repeat N`): per item the majority label, the vote
 * split and its entropy; per prompt version the share of split items, a
 * flag when every item is unanimous (a provider that ignores the
 * temperature answers the same every time), and, on items people settled,
 * whether split votes predict disagreement with them. Pure computation: no
 * I/O, no global state.
 *
 * Answers are labels on 1..K; any other value (0 for a failed or
 * unparsable answer) is no answer and is skipped. An item needs two answers
 * to be split or unanimous; items with fewer are counted apart.
 *
 * Formulas:
 * - majority: the label with the most answers; on a tie, the lowest of the
 *   tied labels, and the item says it was tied;
 * - entropy: H = -sum_k p_k log2 p_k over the shares p_k of the answers, in
 *   bits (0 when unanimous, log2 N at most);
 * - area under the ROC curve of a score s against wrong (majority label !=
 *   human label) versus right, as the Mann-Whitney statistic computes it:
 *   AUC = P(s_wrong > s_right) + P(s_wrong = s_right) / 2 over all pairs of
 *   a wrong and a right item [Hanley & McNeil, Radiology 143:29-36, 1982]:
 *   1 when every split item is wrong and every unanimous one right, 0.5 when
 *   the split says nothing. With the split (1 or 0) as the score most pairs
 *   tie, which the half counts. */
#ifndef GAVEL_CONSISTENCY_H
#define GAVEL_CONSISTENCY_H

#include <stddef.h>

#include "src/agree/metrics.h"
#include "src/base/status.h"

/* One item's answers. */
typedef struct {
	int majority;   /* the majority label, 0 when there is no answer */
	int votes;      /* answers that gave it */
	int answers;    /* answers on the scale */
	int labels;     /* distinct labels among them */
	int tied;       /* 1 when another label had as many votes */
	double entropy; /* of the vote shares, in bits */
} ConsistencyItem;

/* Agreement with people at one consistency level: items whose majority had
 * votes of answers answers. */
typedef struct {
	int votes, answers;
	long items;            /* items at this level */
	long settled, agree;   /* of which settled, and those whose majority is the human label */
	MetricValue agreement; /* agree / settled */
} ConsistencyLevel;

/* A labeller's consistency over many items. Owns levels; free with
 * consistency_summary_free(). */
typedef struct {
	long items;            /* items given */
	long answered;         /* with at least two answers: the base of what follows */
	long split;            /* of which not unanimous */
	MetricValue split_share;
	int all_unanimous;     /* answered > 0 and split == 0 */
	long settled, wrong;   /* answered items with a human label; majority != human */
	MetricValue agreement_unanimous, agreement_split; /* on settled items */
	MetricValue auc_split;   /* split or not, against wrong or right */
	MetricValue auc_entropy; /* the entropy as a graded score, same */
	ConsistencyLevel *levels; /* most consistent first: by votes / answers, then answers */
	int n_levels;
} ConsistencySummary;

/* Fills *out for one item's n answers on 1..K (K at most METRICS_MAX_LEVELS;
 * answers outside 1..K are skipped). */
void consistency_item(const int *answers, int n, int K, ConsistencyItem *out);

/* Summarizes n_items items of n_repeats answers each (row-major: item i's
 * answers are answers[i * n_repeats ...]); human[i] is the settled human
 * label of item i on 1..K, or 0 when none; human may be NULL. Fills *out
 * (free it with consistency_summary_free() whatever the status). Returns
 * STATUS_OK, or STATUS_ERR_INPUT for K or n_repeats out of range or a human
 * label outside 0..K. */
Status consistency_summarize(const int *answers, size_t n_items, int n_repeats, const int *human,
			     int K, ConsistencySummary *out);

/* Frees what consistency_summarize() allocated; NULL-safe. */
void consistency_summary_free(ConsistencySummary *s);

/* The area under the ROC curve of score against positive (nonzero = a
 * positive) over n items, ties counted half (Mann-Whitney, mid-ranks),
 * O(n log n). Undefined without at least one positive and one negative, or
 * with a score that is NaN. */
MetricValue consistency_auc(const double *score, const unsigned char *positive, size_t n);

#endif
