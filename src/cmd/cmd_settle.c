/* cmd_settle.c - gavel settle: every item's settled label under a rule, the
 * Dawid-Skene fit, and the database's default rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/database.h"
#include "db/votes.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/settle/settlement.h"

enum { MAX_RULES = 8 };

/* What the command line gave; a negative number (or rule) was not given and
 * leaves the database's default as it is. */
typedef struct {
	const char *db;
	int rule, with_llm, min_reviews, max_iterations, json, set_default;
	long long run;
	double quorum, min_posterior, tolerance;
} Args;

static const char *rule_words[MAX_RULES + 1];

static const char *rule_list(void)
{
	static char text[1024];
	size_t n, len = (size_t)snprintf(text, sizeof text, "rules (--rule):\n");
	const SettleRule *rules = settle_rules(&n);
	for (size_t i = 0; i < n && i < MAX_RULES && len < sizeof text; i++) {
		rule_words[i] = rules[i].name;
		len += (size_t)snprintf(text + len, sizeof text - len, "  %-12s %s\n",
					rules[i].name, rules[i].summary);
	}
	if (len < sizeof text)
		snprintf(text + len, sizeof text - len,
			 "\nAn adjudicator's decision (the adjudication screen of gavel review)\n"
			 "overrides every rule. docs/export.md describes the rules, the\n"
			 "Dawid-Skene conventions and the JSON report.\n");
	return text;
}

static int parse_args(int argc, char **argv, Args *a)
{
	const CliOpt options[] = {
		CLIOPT_DB(&a->db),
		CLIOPT_ONE_OF("rule", &a->rule, "RULE", rule_words,
			      "the rule (listed below; default: the database's, else\n"
			      "unanimous)"),
		CLIOPT_NUMBER(CLIOPT_INT, "min-reviews", &a->min_reviews, "N", 0, 1000000,
			      "human reviews an item needs (default 1; dawid-skene: 0\n"
			      "lets the LLM alone settle it)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "quorum", &a->quorum, "Q", 0.000001, 1,
			      "majority: the share the top label needs (default 0.5;\n"
			      "votes needed = ceil(Q x reviews))"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "min-posterior", &a->min_posterior, "P", 0, 1,
			      "dawid-skene: the posterior the best label needs (default\n"
			      "0.9)"),
		CLIOPT_SWITCH("with-llm", 0, &a->with_llm,
			      "dawid-skene: the LLM is one more rater (its latest answer\n"
			      "per item, or run --run N's)"),
		CLIOPT_SWITCH_OFF("no-llm", &a->with_llm, "dawid-skene: the reviewers only"),
		CLIOPT_NUMBER(CLIOPT_LONG, "run", &a->run, "N", 1, 9e18,
			      "with --with-llm: the LLM's answers from run N"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "tolerance", &a->tolerance, "T", 0, 1,
			      "dawid-skene: stop when no posterior moves more than T\n"
			      "(default 1e-10)"),
		CLIOPT_NUMBER(CLIOPT_INT, "max-iterations", &a->max_iterations, "N", 0, 100000000,
			      "dawid-skene: at most N iterations (default 1000; 0 gives\n"
			      "the vote shares and the M-step on them)"),
		CLIOPT_SWITCH("json", 0, &a->json,
			      "the whole report as one JSON object: the fit, every\n"
			      "rater's matrix and every item"),
		CLIOPT_SWITCH("set-default", 0, &a->set_default,
			      "store the rule and parameters as the database's default\n"
			      "(used by settle, export and the adjudication screen)"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "settle",
		.synopsis = "usage: gavel settle [--db FILE] [--rule RULE] [--min-reviews N]\n"
			    "                    [--quorum Q] [--min-posterior P] [--with-llm [--run N]]\n"
			    "                    [--tolerance T] [--max-iterations N] [--json]\n"
			    "       gavel settle [--db FILE] --set-default [--rule RULE] [options]",
		.about = "The settled label of every item, derived from its votes under a named rule;\n"
			 "the votes themselves never change. A vote is a reviewer's standing label (an\n"
			 "accept or override not undone); an imported rater who rated an item several\n"
			 "times has several. The report counts the items by outcome and label; with\n"
			 "dawid-skene it gives the fit (priors, each rater's confusion matrix and\n"
			 "estimated accuracy per label, the log-likelihood), and --json every item's\n"
			 "posteriors. Options not given take the database's default (--set-default).",
		.options = options,
		.epilog = rule_list(),
	};
	int first, rc = cliopt_parse(&spec, argc, argv, &first);
	if (rc)
		return rc;
	if (first < argc)
		return cli_usage_error("settle", "unexpected argument '%s'", argv[first]);
	if (a->run > 0 && a->with_llm == 0)
		return cli_usage_error("settle", "--run names the LLM's run: give it with --with-llm");
	return 0;
}

/* The database's default with what the command line changed. */
static Status config_of(Db *db, const Args *a, SettleConfig *c)
{
	Status st = settlement_config_of(db, c);
	if (st != STATUS_OK)
		return st;
	if (a->rule >= 0)
		c->rule = settle_rule_find(rule_words[a->rule]);
	if (a->min_reviews >= 0)
		c->params.min_reviews = a->min_reviews;
	if (a->quorum >= 0)
		c->params.quorum = a->quorum;
	if (a->min_posterior >= 0)
		c->params.min_posterior = a->min_posterior;
	if (a->with_llm >= 0)
		c->with_llm = a->with_llm;
	if (a->run > 0)
		c->llm_run = a->run;
	if (a->tolerance >= 0)
		c->tolerance = a->tolerance;
	if (a->max_iterations >= 0)
		c->max_iterations = a->max_iterations;
	return settle_params_check(c->rule, &c->params);
}

static Status set_default(Db *db, const SettleConfig *c)
{
	char *json = settlement_config_json(c);
	Status st = db_begin(db);
	if (st == STATUS_OK)
		st = db_votes_rule_set(db, json);
	if (st == STATUS_OK)
		st = db_commit(db);
	else
		db_rollback(db);
	if (st == STATUS_OK)
		cli_note("the default rule of %s is now %s", db_path(db), json);
	free(json);
	return st;
}

static Status report(Db *db, const Args *a, const SettleConfig *c)
{
	Settlement *s;
	Status st = settlement_load(db, c, 0, &s);
	if (st != STATUS_OK)
		return st;
	st = a->json ? settlement_write_json(s, stdout) : settlement_write_text(s, stdout);
	/* keep the adjudication queue's posteriors current; a file we may not
	 * write to only misses that */
	if (st == STATUS_OK && settlement_mark_posteriors(db, s) != STATUS_OK)
		cli_warn("the posteriors were not recorded for the adjudication queue: %s",
			 status_detail());
	settlement_free(s);
	return st;
}

int cmd_settle(int argc, char **argv)
{
	Args a = {.rule = -1, .with_llm = -1, .min_reviews = -1, .max_iterations = -1,
		  .run = -1, .quorum = -1, .min_posterior = -1, .tolerance = -1};
	SettleConfig config;
	Db *db;
	Status st;
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	st = db_open(cli_db_path(a.db), DB_OPEN_EXISTING, &db);
	if (st != STATUS_OK)
		return cli_fail(st);
	st = config_of(db, &a, &config);
	if (st == STATUS_OK)
		st = a.set_default ? set_default(db, &config) : report(db, &a, &config);
	db_close(db);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}
