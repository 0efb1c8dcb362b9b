/* settleopts.h - the settlement options that settle and export share:
 * their rows of a CliOpt table and how they change the database's default
 * rule (what is not given stays as the default has it). */
#ifndef GAVEL_SETTLEOPTS_H
#define GAVEL_SETTLEOPTS_H

#include "db/database.h"
#include "src/cmd/cliopt.h"
#include "src/settle/settlement.h"

/* What the command line gave; negative is "not given". */
typedef struct {
	int rule, with_llm, min_reviews, max_iterations;
	long long run;
	double quorum, min_posterior, tolerance;
} SettleArgs;

#define SETTLEOPTS_NONE                        \
	{                                      \
		-1, -1, -1, -1, -1, -1, -1, -1 \
	}

/* The rule names for --rule, NULL-terminated, from settle.h's table. */
const char *const *settleopts_rule_words(void);

/* The option rows; (a) is the SettleArgs. */
#define SETTLEOPTS_ROWS(a)                                                                      \
	CLIOPT_ONE_OF("rule", &(a)->rule, "RULE", settleopts_rule_words(),                      \
		      "unanimous, majority or dawid-skene (default: the database's,\n"          \
		      "else unanimous)"),                                                       \
		CLIOPT_NUMBER(CLIOPT_INT, "min-reviews", &(a)->min_reviews, "N", 0, 1000000,    \
			      "human reviews an item needs (default 1; dawid-skene: 0\n"        \
			      "lets the LLM alone settle it)"),                                 \
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "quorum", &(a)->quorum, "Q", 0.000001, 1,          \
			      "majority: the share the top label needs (default 0.5;\n"         \
			      "votes needed = ceil(Q x reviews))"),                             \
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "min-posterior", &(a)->min_posterior, "P", 0, 1,   \
			      "dawid-skene: the posterior the best label needs (default\n"      \
			      "0.9)"),                                                          \
		CLIOPT_SWITCH("with-llm", 0, &(a)->with_llm,                                    \
			      "dawid-skene: the LLM is one more rater (its latest answer\n"     \
			      "per item, or run --llm-run N's)"),                               \
		CLIOPT_SWITCH_OFF("no-llm", &(a)->with_llm, "dawid-skene: the reviewers only"), \
		CLIOPT_NUMBER(CLIOPT_LONG, "llm-run", &(a)->run, "N", 1, 9e18,                  \
			      "with --with-llm: the LLM's answers from run N"),                 \
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "tolerance", &(a)->tolerance, "T", 0, 1,           \
			      "dawid-skene: stop when no posterior moves more than T\n"         \
			      "(default 1e-10)"),                                               \
		CLIOPT_NUMBER(CLIOPT_INT, "max-iterations", &(a)->max_iterations, "N", 0,       \
			      100000000,                                                        \
			      "dawid-skene: at most N iterations (default 1000; 0 gives\n"      \
			      "the vote shares and the M-step on them)")

/* The database's default changed by args; STATUS_ERR_USAGE when a value
 * does not suit the rule. */
Status settleopts_config(Db *db, const SettleArgs *args, SettleConfig *config);

#endif
