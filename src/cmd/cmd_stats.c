/* cmd_stats.c - gavel stats: how much is in the database. */
#include <getopt.h>
#include <stdio.h>

#include "db/database.h"
#include "db/items.h"
#include "src/cmd/cli.h"

static const char usage[] =
	"usage: gavel stats [--db FILE] [--json]\n"
	"\n"
	"Count the items, labelling runs, predictions, standing reviews (accepts and\n"
	"overrides not undone) and reviewers in the database.\n"
	"\n"
	"  --db FILE   the database (default $GAVEL_DB, else ./gavel.db)\n"
	"  --json      print one JSON object: items, runs, predictions, reviews, reviewers\n"
	"  -h, --help  show this help\n";

static void print_stats(const DbStats *s, int json)
{
	if (json) {
		printf("{\"items\":%lld,\"runs\":%lld,\"predictions\":%lld,\"reviews\":%lld,"
		       "\"reviewers\":%lld}\n",
		       s->items, s->runs, s->predictions, s->reviews, s->reviewers);
		return;
	}
	printf("items        %lld\n"
	       "runs         %lld\n"
	       "predictions  %lld\n"
	       "reviews      %lld\n"
	       "reviewers    %lld\n",
	       s->items, s->runs, s->predictions, s->reviews, s->reviewers);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option options[] = {
		{"db", required_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	const char *db_flag = NULL;
	int json = 0, c;
	DbStats stats;
	Db *db;
	Status st;

	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'd': db_flag = optarg; break;
		case 'j': json = 1; break;
		case 'h': fputs(usage, stdout); return CLI_EXIT_OK;
		default: return cli_option_error("stats", c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
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
