/* cmd_stats.c - gavel stats: how much is in the database. */
#include <stdio.h>

#include "db/database.h"
#include "db/items.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/base/out.h"

static void print_stats(const DbStats *s, int json)
{
	if (json) {
		out_printf(stdout, "{\"items\":%lld,\"runs\":%lld,\"predictions\":%lld,\"reviews\":%lld,"
		       "\"reviewers\":%lld}\n",
		       s->items, s->runs, s->predictions, s->reviews, s->reviewers);
		return;
	}
	out_printf(stdout, "items        %lld\n"
	       "runs         %lld\n"
	       "predictions  %lld\n"
	       "reviews      %lld\n"
	       "reviewers    %lld\n",
	       s->items, s->runs, s->predictions, s->reviews, s->reviewers);
}

int cmd_stats(int argc, char **argv)
{
	const char *db_flag = NULL;
	int json = 0;
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_SWITCH("json", 0, &json,
			      "one JSON object: items, runs, predictions, reviews,\n"
			      "reviewers"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "stats",
		.synopsis = "usage: gavel stats [--db FILE] [--json]",
		.about = "Count the items, labelling runs, predictions, standing reviews (accepts and\n"
			 "overrides not undone) and reviewers in the database.",
		.options = options,
	};
	DbStats stats;
	Db *db;
	Status st;
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	if (first < argc)
		return cli_usage_error("stats", "unexpected argument '%s'", argv[first]);
	st = db_open(cli_db_path(db_flag), DB_OPEN_EXISTING, &db);
	if (st != STATUS_OK)
		return cli_fail(st);
	st = db_stats(db, &stats);
	db_close(db);
	if (st != STATUS_OK)
		return cli_fail(st);
	print_stats(&stats, json);
	return CLI_EXIT_OK;
}
