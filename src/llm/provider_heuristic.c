/* provider_heuristic.c - the offline labeller as a row of the provider
 * table: it measures the image file (src/llm/heuristic.h) and answers in the
 * JSON a model is asked for. No network, no prompt. */
#include "src/llm/heuristic.h"
#include "src/llm/provider.h"

static Status answer(const ProviderItem *item, char **reply_json, const char **reason)
{
	Status st;
	*reply_json = NULL;
	if (!item->path) {
		*reason = "no local image";
		return status_fail(STATUS_ERR_INPUT, "the heuristic measures local files; this item "
				   "has only a URL");
	}
	st = heuristic_answer(item->path, item->scale_names, item->scale_count, reply_json);
	if (st != STATUS_OK)
		*reason = "image unreadable";
	return st;
}

const ProviderOps provider_heuristic = {
	.name = "heuristic",
	.summary = "no network: measures the image and says so (not a model)",
	.kind = PROVIDER_LOCAL,
	.model = "heuristic-v1",
	.answer = answer,
};
