/* consistency.c - self-consistency of repeated answers (see consistency.h). */
#include "src/agree/consistency.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

static const char WHY_NO_ITEMS[] = "no item has two answers";
static const char WHY_NO_SETTLED[] = "no item with two answers has a human label";
static const char WHY_ONE_SIDE[] = "needs items the majority got wrong and items it got right";
static const char WHY_NAN[] = "a score is not a number";
static const char WHY_NONE_AT_LEVEL[] = "no settled item at this level";

static MetricValue value_undefined(const char *why)
{
	return (MetricValue){ .defined = 0, .value = 0, .why = why };
}

static MetricValue share(long part, long whole, const char *why)
{
	if (whole <= 0)
		return value_undefined(why);
	return (MetricValue){ .defined = 1, .value = (double)part / (double)whole };
}

void consistency_item(const int *answers, int n, int K, ConsistencyItem *out)
{
	int votes[METRICS_MAX_LEVELS + 1] = { 0 };

	memset(out, 0, sizeof *out);
	if (K > METRICS_MAX_LEVELS)
		K = METRICS_MAX_LEVELS;
	for (int r = 0; r < n; r++) {
		if (answers[r] >= 1 && answers[r] <= K) {
			votes[answers[r]]++;
			out->answers++;
		}
	}
	for (int k = 1; k <= K; k++) {
		double p = (double)votes[k] / out->answers;

		if (votes[k] == 0)
			continue;
		out->labels++;
		out->entropy -= p * log2(p);
		if (votes[k] > out->votes) {
			out->majority = k;
			out->votes = votes[k];
			out->tied = 0;
		} else if (votes[k] == out->votes) {
			out->tied = 1; /* the lower label, seen first, stays */
		}
	}
	if (out->labels <= 1)
		out->entropy = 0; /* not -0 */
}

typedef struct {
	double score;
	unsigned char positive;
} Scored;

static int scored_cmp(const void *pa, const void *pb)
{
	double a = ((const Scored *)pa)->score, b = ((const Scored *)pb)->score;

	return (a > b) - (a < b);
}

/* AUC = (R_pos - n_pos (n_pos + 1) / 2) / (n_pos n_neg), R_pos the sum of
 * the positives' mid-ranks: the Mann-Whitney U over its largest value. */
MetricValue consistency_auc(const double *score, const unsigned char *positive, size_t n)
{
	Scored *s = xmalloc((n ? n : 1) * sizeof *s);
	double n_pos = 0, rank_sum = 0;
	MetricValue v;

	for (size_t i = 0; i < n; i++) {
		if (isnan(score[i])) {
			free(s);
			return value_undefined(WHY_NAN);
		}
		s[i] = (Scored){ score[i], positive[i] != 0 };
		n_pos += s[i].positive;
	}
	if (n_pos == 0 || n_pos == (double)n) {
		free(s);
		return value_undefined(WHY_ONE_SIDE);
	}
	qsort(s, n, sizeof *s, scored_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		double pos = 0;

		for (j = i; j < n && s[j].score == s[i].score; j++)
			pos += s[j].positive;
		/* ranks i+1 .. j share their mean */
		rank_sum += pos * ((double)(i + 1) + (double)j) / 2;
	}
	free(s);
	v.defined = 1;
	v.why = NULL;
	v.value = (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * ((double)n - n_pos));
	return v;
}

static int level_cmp(const void *pa, const void *pb)
{
	const ConsistencyLevel *a = pa, *b = pb;
	long x = (long)a->votes * b->answers, y = (long)b->votes * a->answers;

	if (x != y)
		return x > y ? -1 : 1;
	return b->answers - a->answers;
}

/* The levels met, from a (n_repeats + 1)^2 grid indexed answers, votes. */
static void levels_collect(const ConsistencyLevel *grid, int side, ConsistencySummary *out)
{
	out->levels = xmalloc((size_t)side * (size_t)side * sizeof *out->levels);
	for (int i = 0; i < side * side; i++) {
		ConsistencyLevel l = grid[i];

		if (l.items == 0)
			continue;
		l.agreement = share(l.agree, l.settled, WHY_NONE_AT_LEVEL);
		out->levels[out->n_levels++] = l;
	}
	qsort(out->levels, (size_t)out->n_levels, sizeof *out->levels, level_cmp);
}

/* Counts per settled item whether it is split and whether it is right. */
typedef struct {
	long right_split, right_unanimous, settled_split, settled_unanimous;
	double *entropy;
	double *split;
	unsigned char *wrong;
} Settled;

static void settled_add(Settled *s, ConsistencySummary *out, const ConsistencyItem *it, int human)
{
	int split = it->labels > 1, right = it->majority == human;

	s->entropy[out->settled] = it->entropy;
	s->split[out->settled] = split;
	s->wrong[out->settled] = !right;
	out->settled++;
	out->wrong += !right;
	if (split)
		s->settled_split++, s->right_split += right;
	else
		s->settled_unanimous++, s->right_unanimous += right;
}

static Status input_check(size_t n_items, int n_repeats, const int *human, int K)
{
	if (K < 1 || K > METRICS_MAX_LEVELS)
		return status_fail(STATUS_ERR_INPUT, "the scale must have 1 to %d levels",
				   METRICS_MAX_LEVELS);
	if (n_repeats < 1 || n_repeats > 1000)
		return status_fail(STATUS_ERR_INPUT, "between 1 and 1000 answers per item");
	for (size_t i = 0; human && i < n_items; i++)
		if (human[i] < 0 || human[i] > K)
			return status_fail(STATUS_ERR_INPUT, "item %zu: human label %d outside 1..%d",
					   i + 1, human[i], K);
	return STATUS_OK;
}

Status consistency_summarize(const int *answers, size_t n_items, int n_repeats, const int *human,
			     int K, ConsistencySummary *out)
{
	int side = n_repeats + 1;
	ConsistencyLevel *grid;
	Settled s = { 0 };
	Status st;

	memset(out, 0, sizeof *out);
	if ((st = input_check(n_items, n_repeats, human, K)) != STATUS_OK)
		return st;
	out->items = (long)n_items;
	grid = xcalloc((size_t)side * (size_t)side, sizeof *grid);
	s.entropy = xmalloc(2 * (n_items ? n_items : 1) * sizeof *s.entropy);
	s.split = s.entropy + n_items;
	s.wrong = xmalloc(n_items ? n_items : 1);
	for (size_t i = 0; i < n_items; i++) {
		ConsistencyItem it;
		ConsistencyLevel *l;

		consistency_item(answers + i * (size_t)n_repeats, n_repeats, K, &it);
		if (it.answers < 2)
			continue;
		out->answered++;
		out->split += it.labels > 1;
		l = &grid[it.answers * side + it.votes];
		l->votes = it.votes, l->answers = it.answers, l->items++;
		if (human && human[i] > 0) {
			l->settled++;
			l->agree += it.majority == human[i];
			settled_add(&s, out, &it, human[i]);
		}
	}
	out->split_share = share(out->split, out->answered, WHY_NO_ITEMS);
	out->all_unanimous = out->answered > 0 && out->split == 0;
	out->agreement_split = share(s.right_split, s.settled_split, WHY_NO_SETTLED);
	out->agreement_unanimous = share(s.right_unanimous, s.settled_unanimous, WHY_NO_SETTLED);
	out->auc_split = consistency_auc(s.split, s.wrong, (size_t)out->settled);
	out->auc_entropy = consistency_auc(s.entropy, s.wrong, (size_t)out->settled);
	if (out->settled == 0)
		out->auc_split = out->auc_entropy = value_undefined(WHY_NO_SETTLED);
	levels_collect(grid, side, out);
	free(grid);
	free(s.entropy);
	free(s.wrong);
	return STATUS_OK;
}

void consistency_summary_free(ConsistencySummary *s)
{
	if (!s)
		return;
	free(s->levels);
	memset(s, 0, sizeof *s);
}
