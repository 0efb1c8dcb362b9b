/* settleopts.c - the shared settlement options (see settleopts.h). */
#include "src/cmd/settleopts.h"

enum { MAX_RULES = 8 };

const char *const *settleopts_rule_words(void)
{
	static const char *words[MAX_RULES + 1];
	size_t n;
	const SettleRule *rules = settle_rules(&n);
	for (size_t i = 0; i < n && i < MAX_RULES; i++)
		words[i] = rules[i].name;
	return words;
}

Status settleopts_config(Db *db, const SettleArgs *a, SettleConfig *c)
{
	Status st = settlement_config_of(db, c);
	if (st != STATUS_OK)
		return st;
	if (a->rule >= 0)
		c->rule = settle_rule_find(settleopts_rule_words()[a->rule]);
	if (a->min_reviews >= 0)
		c->params.min_reviews = a->min_reviews;
	if (a->quorum >= 0)
		c->params.quorum = a->quorum;
	if (a->min_posterior >= 0)
		c->params.min_posterior = a->min_posterior;
	if (a->with_llm >= 0)
		c->with_llm = a->with_llm;
	if (a->run > 0)
		c->llm_run = a->run, c->with_llm = 1;
	if (a->tolerance >= 0)
		c->tolerance = a->tolerance;
	if (a->max_iterations >= 0)
		c->max_iterations = a->max_iterations;
	return settle_params_check(c->rule, &c->params);
}
