/* labsuggest.h - gavel prompts suggest on the command line: the preview of
 * calls and cost, the confirmation, the progress, the report
 * (src/lab/suggest.h does the work). */
#ifndef GAVEL_LABSUGGEST_H
#define GAVEL_LABSUGGEST_H

#include "src/cmd/cliopt.h"

typedef struct {
	const char *split; /* "50/25/25" */
	long long split_seed, sample_seed, max_calls;
	int candidates, examples, yes, concurrency;
	const char *proposer_model, *api_key;
} LabSuggestOptions;

#define LABSUGGEST_DEFAULTS                                                              \
	(LabSuggestOptions)                                                              \
	{                                                                                \
		.split = "50/25/25", .split_seed = 1, .sample_seed = 1, .candidates = 3, \
		.examples = 8, .concurrency = 8                                          \
	}

/* The suggest options' rows of a CliOpt table (o is a LabSuggestOptions). */
#define LABSUGGEST_OPTIONS(o)                                                              \
	CLIOPT_NUMBER(CLIOPT_INT, "candidates", &(o).candidates, "K", 1, 20,               \
		      "suggest: edits to ask for (default 3)"),                            \
		CLIOPT_NUMBER(CLIOPT_INT, "examples", &(o).examples, "N", 1, 50,           \
			      "suggest: disagreements shown to the proposer (default 8)"), \
		CLIOPT_TEXT("split", &(o).split, "S/S/T",                                  \
			    "suggest: search/select/test percentages, made once and\n"     \
			    "kept (default 50/25/25)"),                                    \
		CLIOPT_NUMBER(CLIOPT_LONG, "split-seed", &(o).split_seed, "S", 0, 9e18,    \
			      "suggest: the seed of a new split (default 1)"),             \
		CLIOPT_NUMBER(CLIOPT_LONG, "sample-seed", &(o).sample_seed, "S", 0, 9e18,  \
			      "suggest: which disagreements are shown (default 1)"),       \
		CLIOPT_TEXT("proposer-model", &(o).proposer_model, "M",                    \
			    "suggest: the model that proposes (default: the run's)"),      \
		CLIOPT_NUMBER(CLIOPT_LONG, "max-calls", &(o).max_calls, "N", 1, 1e12,      \
			      "suggest: refuse a plan of more calls the cache does not\n"  \
			      "cover"),                                                    \
		CLIOPT_NUMBER(CLIOPT_INT, "concurrency", &(o).concurrency, "N", 1, 512,    \
			      "suggest: requests in flight (default 8)"),                  \
		CLIOPT_TEXT("api-key", &(o).api_key, "KEY",                                \
			    "suggest: else the labeller's key variable; never stored"),    \
		CLIOPT_SWITCH("yes", 'y', &(o).yes, "suggest: go ahead without asking")

/* Runs gavel prompts suggest REF on the database at db_path; returns the
 * exit status. */
int labsuggest_run(const char *db_path, const char *ref, const LabSuggestOptions *opt, int json);

#endif
