/* provider_scorer.c - the bundled linear scorer as a row of the labeller
 * table. Its runs are made by `gavel score` (src/score/apply.h), which
 * applies a trained model to stored features; they are recorded like any
 * labeller's, under this name (db/kinds.h DB_PROVIDER_SCORER), so review,
 * agree and the dashboard read them as runs. It has no answer() of its
 * own: a model and the database's features are what it answers from, and
 * `gavel label` has neither to give it, so `gavel label --provider scorer`
 * is refused with the summary below. */
#include "db/kinds.h"
#include "src/llm/provider.h"

const ProviderOps provider_scorer = {
	.name = DB_PROVIDER_SCORER,
	.summary = "the bundled linear scorer: labels through 'gavel score --model ID'",
	.kind = PROVIDER_LOCAL,
	.model = NULL,
	.answer = NULL,
};
