/* cmd_stats.c - gavel stats: how much is in the database. */
#include <stdio.h>
#include <stdlib.h>

#include <cJSON.h>

#include "db/database.h"
#include "db/items.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/runlist.h"
#include "src/base/out.h"

/* The counts, then the runs left unfinished (a kill, a failure, Ctrl-C) with
 * the command that finishes each: stats is where one looks after a crash. */
static Status print_stats(Db *db, const char *path, const DbStats *s, int json)
{
	cJSON *unfinished, *o;
	Status st;
	if (!json) {
		out_printf(stdout, "items        %lld\n"
		       "runs         %lld\n"
		       "predictions  %lld\n"
		       "reviews      %lld\n"
		       "reviewers    %lld\n",
		       s->items, s->runs, s->predictions, s->reviews, s->reviewers);
		return runlist_print(db, path, 1, stdout);
	}
	st = runlist_json(db, path, 1, &unfinished);
	if (st != STATUS_OK)
		return st;
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "items", (double)s->items);
	cJSON_AddNumberToObject(o, "runs", (double)s->runs);
	cJSON_AddNumberToObject(o, "predictions", (double)s->predictions);
	cJSON_AddNumberToObject(o, "reviews", (double)s->reviews);
	cJSON_AddNumberToObject(o, "reviewers", (double)s->reviewers);
	cJSON_AddItemToObject(o, "unfinished_runs", unfinished);
	out_json(stdout, o, 0);
	cJSON_Delete(o);
	return STATUS_OK;
}

int cmd_stats(int argc, char **argv)
{
	const char *db_flag = NULL;
	int json = 0;
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_SWITCH("json", 0, &json,
			      "one JSON object: items, runs, predictions, reviews,\n"
			      "reviewers, unfinished_runs"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "stats",
		.synopsis = "usage: gavel stats [--db FILE] [--json]",
		.about = "Count the items, labelling runs, predictions, standing reviews (accepts and\n"
			 "overrides not undone) and reviewers in the database, and list the labelling\n"
			 "runs left unfinished (interrupted, failed, or whose process died) with the\n"
			 "command that finishes each.",
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
	st = db_open(cli_db_path(db_flag), DB_OPEN_READ, &db);
	if (st != STATUS_OK)
		return cli_fail(st);
	st = db_stats(db, &stats);
	if (st == STATUS_OK)
		st = print_stats(db, cli_db_path(db_flag), &stats, json);
	db_close(db);
	if (st != STATUS_OK)
		return cli_fail(st);
	return CLI_EXIT_OK;
}
