/* labsuggest.c - gavel prompts suggest. */
#include "src/cmd/labsuggest.h"

#include "src/cmd/cli.h"

int labsuggest_run(const char *db_path, const char *ref, const LabSuggestOptions *opt, int json)
{
	(void)db_path, (void)ref, (void)opt, (void)json;
	return cli_usage_error("prompts", "suggest is not ready");
}
