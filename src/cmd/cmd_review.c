/* cmd_review.c - gavel review: the options, then the UI. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/database.h"
#include "src/cmd/cli.h"
#include "src/review/review.h"
#include "ui/reviewui.h"

static const char usage[] =
	"usage: gavel review [--db FILE] [--reviewer NAME] [--order ORDER] [--blind SHARE]\n"
	"                    [--overlap SHARE] [--run RUN] [--graphics sixel|blocks|none]\n"
	"\n"
	"Review the LLM's labels: see the image, the rationale and the score; accept\n"
	"with one key or give your own label with a digit. Every decision is saved\n"
	"before the next item shows. Several reviewers can work on one database at once:\n"
	"each item is handed to one of them (two for the --overlap share).\n"
	"\n"
	"  --reviewer NAME   who is reviewing (default $USER)\n"
	"  --order ORDER     unreviewed (default), disagreement, confidence, random, scorer\n"
	"  --seed S          for --order random (default 1)\n"
	"  --blind SHARE     hide the LLM's answer on this share of items, 0..1 (default 0)\n"
	"  --overlap SHARE   give this share of items to two reviewers, 0..1 (default 0)\n"
	"  --run RUN         show the answers of this labelling run (default: the latest)\n"
	"  --lease MINUTES   how long a reviewer holds an item they walked away from (15)\n"
	"  --graphics MODE   sixel, blocks or none (default: detected; $GAVEL_GRAPHICS)\n"
	"  --script FILE     headless: read keys from FILE (see docs/review.md)\n"
	"  --dump-dir DIR    headless: where the script's 'dump NAME' writes NAME.txt\n"
	"  --size COLSxROWS  headless: the screen size (default 100x30)\n"
	"  -h, --help        show this help\n";

static int parse_order(const char *name, DbOrder *order)
{
	static const char *const names[] = {"unreviewed", "disagreement", "confidence", "random",
					    "scorer"};
	for (int i = 0; i < 5; i++)
		if (!strcmp(name, names[i])) {
			*order = (DbOrder)i;
			return 1;
		}
	return 0;
}

static int parse_share(const char *text, double *share)
{
	char *end;
	*share = strtod(text, &end);
	return !*end && *share >= 0 && *share <= 1;
}

int cmd_review(int argc, char **argv)
{
	enum { O_DB = 256, O_REVIEWER, O_ORDER, O_SEED, O_BLIND, O_OVERLAP, O_RUN, O_LEASE,
	       O_GRAPHICS, O_SCRIPT, O_DUMP, O_SIZE };
	static const struct option options[] = {
		{"db", required_argument, NULL, O_DB},
		{"reviewer", required_argument, NULL, O_REVIEWER},
		{"order", required_argument, NULL, O_ORDER},
		{"seed", required_argument, NULL, O_SEED},
		{"blind", required_argument, NULL, O_BLIND},
		{"overlap", required_argument, NULL, O_OVERLAP},
		{"run", required_argument, NULL, O_RUN},
		{"lease", required_argument, NULL, O_LEASE},
		{"graphics", required_argument, NULL, O_GRAPHICS},
		{"script", required_argument, NULL, O_SCRIPT},
		{"dump-dir", required_argument, NULL, O_DUMP},
		{"size", required_argument, NULL, O_SIZE},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	const char *db_flag = NULL, *user = getenv("USER");
	ReviewOptions opt = {.reviewer = user && *user ? user : "reviewer", .seed = 1,
			     .lease_s = 15 * 60, .lookahead = 4};
	ReviewUiOptions ui = {.cols = 100, .rows = 30};
	Db *db;
	Status st;
	int c, rc;

	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case O_DB: db_flag = optarg; break;
		case O_REVIEWER: opt.reviewer = optarg; break;
		case O_ORDER:
			if (!parse_order(optarg, &opt.order))
				return cli_usage_error("review", "--order: '%s' is not unreviewed, "
						       "disagreement, confidence, random or scorer", optarg);
			break;
		case O_SEED: opt.seed = strtoull(optarg, NULL, 10); break;
		case O_BLIND:
			if (!parse_share(optarg, &opt.blind))
				return cli_usage_error("review", "--blind takes a share from 0 to 1");
			break;
		case O_OVERLAP:
			if (!parse_share(optarg, &opt.overlap))
				return cli_usage_error("review", "--overlap takes a share from 0 to 1");
			break;
		case O_RUN: opt.run_id = atoll(optarg); break;
		case O_LEASE: opt.lease_s = atof(optarg) * 60; break;
		case O_GRAPHICS: ui.graphics = optarg; break;
		case O_SCRIPT: ui.script = optarg; break;
		case O_DUMP: ui.dump_dir = optarg; break;
		case O_SIZE:
			if (sscanf(optarg, "%dx%d", &ui.cols, &ui.rows) != 2 || ui.cols < 10 || ui.rows < 5)
				return cli_usage_error("review", "--size takes COLSxROWS, like 100x30");
			break;
		case 'h': fputs(usage, stdout); return CLI_EXIT_OK;
		default: return cli_option_error("review", c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("review", "unexpected argument '%s'", argv[optind]);
	if (!*opt.reviewer)
		return cli_usage_error("review", "--reviewer needs a name");
	if (opt.lease_s <= 0)
		return cli_usage_error("review", "--lease takes a positive number of minutes");
	st = db_open(cli_db_path(db_flag), DB_OPEN_EXISTING, &db);
	if (st != STATUS_OK)
		return cli_fail(st);
	rc = reviewui_run(db, &opt, &ui);
	db_close(db);
	return rc;
}
