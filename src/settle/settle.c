/* settle.c - the settlement rules (see settle.h). Each rule is a function
 * of one item's tally; the table at the bottom is the only place that knows
 * which rules exist. */
#include "src/settle/settle.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

/* A share at quorum must count even when q * n rounds up a hair (0.6 * 5 is
 * 3.0000000000000004 in binary). */
#define QUORUM_SLACK 1e-9

static const struct {
	const char *name;
	int settled;
	const char *text;
} reasons[] = {
#define SETTLE_REASON_ROW(id, name, settled, text) {name, settled, text},
    SETTLE_REASON_LIST(SETTLE_REASON_ROW)
#undef SETTLE_REASON_ROW
};

/* An item's reviews counted per label: the most frequent label (the lowest
 * of equals), its count, how many labels share that count, and how many
 * distinct labels there are. */
typedef struct {
	int top, top_count, n_top, distinct, n;
} Tally;

static int count_of(const int *labels, size_t n, int label)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += labels[i] == label;
	return c;
}

/* Quadratic in the reviews of one item, which are a handful; no scale size
 * or allocation needed. */
static Tally tally(const SettleItem *item)
{
	Tally t = {0, 0, 0, 0, (int)item->n_labels};

	for (size_t i = 0; i < item->n_labels; i++) {
		int label = item->labels[i];
		if (count_of(item->labels, i, label))
			continue; /* counted at its first appearance */
		int c = count_of(item->labels, item->n_labels, label);
		t.distinct++;
		if (c > t.top_count) {
			t.top = label, t.top_count = c, t.n_top = 1;
		} else if (c == t.top_count) {
			t.n_top++;
			if (label < t.top)
				t.top = label;
		}
	}
	return t;
}

static SettleOutcome outcome(const Tally *t, int label, SettleReason reason, double support)
{
	return (SettleOutcome){.label = label,
			       .reason = reason,
			       .n_reviews = t->n,
			       .top_count = t->top_count,
			       .support = support};
}

static double share(const Tally *t)
{
	return t->n ? (double)t->top_count / t->n : 0;
}

/* The checks every rule starts with; 1 when one of them decided. */
static int too_few(const Tally *t, const SettleParams *p, SettleOutcome *out)
{
	if (t->n == 0 && p->min_reviews > 0) {
		*out = outcome(t, 0, SETTLE_NO_REVIEWS, 0);
		return 1;
	}
	if (t->n < p->min_reviews) {
		*out = outcome(t, 0, SETTLE_TOO_FEW, share(t));
		return 1;
	}
	return 0;
}

static SettleOutcome rule_unanimous(const SettleItem *item, const SettleParams *p)
{
	Tally t = tally(item);
	SettleOutcome out;

	if (too_few(&t, p, &out))
		return out;
	if (t.n == 0)
		return outcome(&t, 0, SETTLE_NO_REVIEWS, 0);
	if (t.distinct > 1)
		return outcome(&t, 0, SETTLE_CONFLICT, share(&t));
	return outcome(&t, t.top, SETTLE_AGREED, 1);
}

static SettleOutcome rule_majority(const SettleItem *item, const SettleParams *p)
{
	Tally t = tally(item);
	SettleOutcome out;

	if (too_few(&t, p, &out))
		return out;
	if (t.n == 0)
		return outcome(&t, 0, SETTLE_NO_REVIEWS, 0);
	if (t.n_top > 1)
		return outcome(&t, 0, SETTLE_TIE, share(&t));
	if (t.top_count < ceil(p->quorum * t.n - QUORUM_SLACK))
		return outcome(&t, 0, SETTLE_CONFLICT, share(&t));
	return outcome(&t, t.top, SETTLE_AGREED, share(&t));
}

static SettleOutcome rule_dawid_skene(const SettleItem *item, const SettleParams *p)
{
	Tally t = tally(item);
	SettleOutcome out;
	int best = 0, tied = 0;
	double top = 0;

	if (too_few(&t, p, &out))
		return out;
	for (int j = 0; item->posterior && j < item->n_scale; j++) {
		if (item->posterior[j] > top)
			top = item->posterior[j], best = j + 1, tied = 0;
		else if (item->posterior[j] == top && best)
			tied = 1;
	}
	if (!best)
		return outcome(&t, 0, SETTLE_NO_REVIEWS, 0);
	if (tied)
		return outcome(&t, 0, SETTLE_TIE, top);
	if (top < p->min_posterior)
		return outcome(&t, 0, SETTLE_LOW_POSTERIOR, top);
	out = outcome(&t, best, SETTLE_AGREED, top);
	out.top_count = count_of(item->labels, item->n_labels, best);
	return out;
}

static const SettleRule rules[] = {
	{ "unanimous", SETTLE_PARAM_MIN_REVIEWS,
	  "all reviewers gave one label, and at least --min-reviews did", rule_unanimous },
	{ "majority", SETTLE_PARAM_MIN_REVIEWS | SETTLE_PARAM_QUORUM,
	  "a label has at least a --quorum share; ties go to adjudication", rule_majority },
	{ "dawid-skene", SETTLE_PARAM_MIN_REVIEWS | SETTLE_PARAM_MIN_POSTERIOR,
	  "the best label's Dawid-Skene posterior is >= --min-posterior", rule_dawid_skene },
};

const SettleRule *settle_rules(size_t *count)
{
	*count = sizeof rules / sizeof rules[0];
	return rules;
}

const SettleRule *settle_rule_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof rules / sizeof rules[0]; i++)
		if (strcmp(rules[i].name, name) == 0)
			return &rules[i];
	return NULL;
}

SettleParams settle_params_default(void)
{
	return (SettleParams){SETTLE_DEFAULT_MIN_REVIEWS, SETTLE_DEFAULT_QUORUM,
			      SETTLE_DEFAULT_MIN_POSTERIOR};
}

Status settle_params_check(const SettleRule *rule, const SettleParams *p)
{
	if ((rule->params & SETTLE_PARAM_MIN_REVIEWS) && p->min_reviews < 0)
		return status_fail(STATUS_ERR_USAGE, "--min-reviews %d: must be 0 or more",
				   p->min_reviews);
	if ((rule->params & SETTLE_PARAM_QUORUM) && !(p->quorum > 0 && p->quorum <= 1))
		return status_fail(STATUS_ERR_USAGE,
				   "--quorum %g: must be more than 0 and at most 1", p->quorum);
	if ((rule->params & SETTLE_PARAM_MIN_POSTERIOR) &&
	    !(p->min_posterior >= 0 && p->min_posterior <= 1))
		return status_fail(STATUS_ERR_USAGE, "--min-posterior %g: must be between 0 and 1",
				   p->min_posterior);
	return STATUS_OK;
}

SettleOutcome settle_item(const SettleRule *rule, const SettleItem *item,
			  const SettleParams *params)
{
	if (item->adjudicated > 0) {
		Tally t = tally(item);
		SettleOutcome out = outcome(&t, item->adjudicated, SETTLE_ADJUDICATED, 1);
		out.top_count = count_of(item->labels, item->n_labels, item->adjudicated);
		return out;
	}
	return rule->settle(item, params);
}

/* The shortest %g form of x that reads back as x. */
static void exact_number(char *buf, size_t size, double x)
{
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, size, "%.*g", digits, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}

char *settle_rule_json(const SettleRule *rule, const SettleParams *p)
{
	char quorum[32], posterior[32], text[256];
	size_t len;

	exact_number(quorum, sizeof quorum, p->quorum);
	exact_number(posterior, sizeof posterior, p->min_posterior);
	len = (size_t)snprintf(text, sizeof text, "{\"rule\":\"%s\"", rule->name);
	if (rule->params & SETTLE_PARAM_MIN_REVIEWS)
		len += (size_t)snprintf(text + len, sizeof text - len, ",\"min_reviews\":%d",
					p->min_reviews);
	if (rule->params & SETTLE_PARAM_QUORUM)
		len += (size_t)snprintf(text + len, sizeof text - len, ",\"quorum\":%s", quorum);
	if (rule->params & SETTLE_PARAM_MIN_POSTERIOR)
		len += (size_t)snprintf(text + len, sizeof text - len, ",\"min_posterior\":%s",
					posterior);
	snprintf(text + len, sizeof text - len, "}");
	return xstrdup(text);
}

const char *settle_reason_name(SettleReason reason)
{
	return (unsigned)reason < SETTLE_REASON_COUNT ? reasons[reason].name : "unknown";
}

const char *settle_reason_text(SettleReason reason)
{
	return (unsigned)reason < SETTLE_REASON_COUNT ? reasons[reason].text : "unknown";
}

int settle_reason_settled(SettleReason reason)
{
	return (unsigned)reason < SETTLE_REASON_COUNT && reasons[reason].settled;
}
