/* settle.h - an item's final label, derived from its votes under a named
 * rule; the votes themselves never change. Pure computation, no I/O.
 *
 * Rules, declared once in a table (name, the parameters it reads, function):
 *   unanimous    every reviewer of the item gave the same label, and there
 *                are at least min_reviews reviews;
 *   majority     one label has a share of at least quorum of at least
 *                min_reviews reviews (votes needed = ceil(quorum * n), as
 *                CVAT rounds); a shared top count is a tie, never broken by
 *                chance: the item goes to adjudication;
 *   dawid-skene  the item's best Dawid-Skene label (src/settle/dawidskene.h)
 *                has a posterior of at least min_posterior, with at least
 *                min_reviews human reviews (0 lets the LLM alone settle).
 * An adjudicator's decision overrides every rule for its item. Every
 * outcome says why an item did not settle, so the adjudication queue and
 * the export read the same answer. */
#ifndef GAVEL_SETTLE_H
#define GAVEL_SETTLE_H

#include <stddef.h>

#include "src/base/status.h"

/* Why an item has, or has not, a settled label: name (for JSON and the
 * export), whether it is settled, and a sentence for people. */
#define SETTLE_REASON_LIST(X)                                                                      \
	X(ADJUDICATED, "adjudicated", 1, "an adjudicator decided")                                 \
	X(AGREED, "rule", 1, "settled by the rule")                                                \
	X(NO_REVIEWS, "no-reviews", 0, "nobody reviewed it")                                       \
	X(TOO_FEW, "too-few-reviews", 0, "fewer reviews than the rule needs")                      \
	X(CONFLICT, "conflict", 0, "reviewers disagree")                                           \
	X(TIE, "tie", 0, "two labels are tied")                                                    \
	X(LOW_POSTERIOR, "low-posterior", 0, "the best label's posterior is below the threshold")

typedef enum {
#define SETTLE_REASON_ENUM(id, name, settled, text) SETTLE_##id,
	SETTLE_REASON_LIST(SETTLE_REASON_ENUM)
#undef SETTLE_REASON_ENUM
	SETTLE_REASON_COUNT
} SettleReason;

/* The parameters a rule may read, as bits (for the help and the manifest). */
enum {
	SETTLE_PARAM_MIN_REVIEWS = 1 << 0,
	SETTLE_PARAM_QUORUM = 1 << 1,
	SETTLE_PARAM_MIN_POSTERIOR = 1 << 2,
};

typedef struct {
	int min_reviews;      /* >= 0 */
	double quorum;	      /* (0, 1] */
	double min_posterior; /* [0, 1] */
} SettleParams;

#define SETTLE_DEFAULT_MIN_REVIEWS   1
#define SETTLE_DEFAULT_QUORUM	     0.5
#define SETTLE_DEFAULT_MIN_POSTERIOR 0.9

/* One item as the rules see it; everything borrowed. labels are the
 * standing human reviews' labels (any positive numbers, in any order);
 * adjudicated is the adjudicator's label or 0; posterior is the item's
 * Dawid-Skene row (n_scale values for labels 1..n_scale) or NULL. */
typedef struct {
	const int *labels;
	size_t n_labels;
	int adjudicated;
	const double *posterior;
	int n_scale;
} SettleItem;

/* The answer for one item. label is 0 unless settled. support is the top
 * label's share of the reviews (count rules), its posterior (dawid-skene),
 * or 1 (adjudicated); 0 when there is nothing to measure. */
typedef struct {
	int label;
	SettleReason reason;
	int n_reviews;
	int top_count;
	double support;
} SettleOutcome;

typedef struct {
	const char *name;
	unsigned params;     /* SETTLE_PARAM_* bits it reads */
	const char *summary; /* one line for the help */
	SettleOutcome (*settle)(const SettleItem *item, const SettleParams *params);
} SettleRule;

/* The rules, in the order help lists them; *count is set. Static. */
const SettleRule *settle_rules(size_t *count);

/* The rule called name ("unanimous", "majority", "dawid-skene"), or NULL. */
const SettleRule *settle_rule_find(const char *name);

/* The defaults above, as a struct. */
SettleParams settle_params_default(void);

/* Whether params are valid for rule; STATUS_ERR_USAGE with a detail
 * ("--quorum 1.5: must be more than 0 and at most 1") when not. */
Status settle_params_check(const SettleRule *rule, const SettleParams *params);

/* The outcome of item under rule: the adjudicator's label when there is
 * one, the rule's answer otherwise. */
SettleOutcome settle_item(const SettleRule *rule, const SettleItem *item,
			  const SettleParams *params);

/* The rule and the parameters it reads as one JSON object, for exports and
 * manifests: {"rule":"majority","min_reviews":2,"quorum":0.5}. Newly
 * allocated; numbers printed so they read back exactly. */
char *settle_rule_json(const SettleRule *rule, const SettleParams *params);

/* The reason's name ("too-few-reviews"), sentence, and whether it settles.
 * Static strings; an unknown value gives "unknown". */
const char *settle_reason_name(SettleReason reason);
const char *settle_reason_text(SettleReason reason);
int settle_reason_settled(SettleReason reason);

#endif
