/* cmd_settle.c - gavel settle: every item's settled label under a rule, the
 * Dawid-Skene fit, and the database's default rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/database.h"
#include "db/votes.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/settleopts.h"
#include "src/settle/settlement.h"

typedef struct {
	const char *db;
	SettleArgs settle;
	int json, set_default;
} Args;

static const char *rule_list(void)
{
	static char text[1024];
	size_t n, len = (size_t)snprintf(text, sizeof text, "rules (--rule):\n");
	const SettleRule *rules = settle_rules(&n);
	for (size_t i = 0; i < n && len < sizeof text; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "  %-12s %s\n",
					rules[i].name, rules[i].summary);
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
		SETTLEOPTS_ROWS(&a->settle),
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
			    "                    [--quorum Q] [--min-posterior P]\n"
			    "                    [--with-llm [--llm-run N]] [--tolerance T]\n"
			    "                    [--max-iterations N] [--json]\n"
			    "       gavel settle [--db FILE] --set-default [--rule RULE] [options]",
		.about =
			"The settled label of every item, derived from its votes under a named rule;\n"
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
	if (a->settle.run > 0 && a->settle.with_llm == 0)
		return cli_usage_error("settle",
				       "--llm-run names the LLM's run: leave --no-llm out");
	return 0;
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
	Args a = { .settle = SETTLEOPTS_NONE };
	SettleConfig config;
	Db *db;
	Status st;
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	st = db_open(cli_db_path(a.db), DB_OPEN_EXISTING, &db);
	if (st != STATUS_OK)
		return cli_fail(st);
	st = settleopts_config(db, &a.settle, &config);
	if (st == STATUS_OK)
		st = a.set_default ? set_default(db, &config) : report(db, &a, &config);
	db_close(db);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}
