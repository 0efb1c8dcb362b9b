/* cmd_import_ratings.c - gavel import-ratings: load existing annotations. */
#include <getopt.h>
#include <stdio.h>

#include "db/database.h"
#include "src/cmd/cli.h"
#include "src/import/ratings.h"

static const char usage[] =
	"usage: gavel import-ratings [--db FILE] [--llm RATER] [--skip-bad] FILE...\n"
	"\n"
	"Load ratings made elsewhere from each FILE: a CSV with a header line naming\n"
	"the columns item, rater and label (other columns are ignored), or JSONL with\n"
	"those fields. item is the item's id (its external id, as 'gavel import' gives\n"
	"it); an item gavel does not know is created without an image. label is a\n"
	"whole number on the database's scale (or the exact name of a level).\n"
	"\n"
	"Each rating becomes a review by the rater: an override with that label, made\n"
	"blind (no LLM answer was shown). A rating equal to the rater's standing label\n"
	"on the item is already there and is skipped, so importing a file twice adds\n"
	"nothing. A bad row is reported as FILE:LINE and nothing from that file is\n"
	"imported, unless --skip-bad is given.\n"
	"\n"
	"  --llm RATER   load RATER's ratings as the predictions of an LLM run\n"
	"                (provider 'import', model RATER) instead of as reviews\n"
	"  --skip-bad    import the good rows and list the bad ones\n"
	"  --db FILE     the database (default $GAVEL_DB, else ./gavel.db)\n"
	"  -q, --quiet   print only problems\n"
	"  -h, --help    show this help\n";

static void on_problem(void *arg, const char *message)
{
	(void)arg;
	cli_warn("%s", message);
}

static void print_report(const char *path, const RatingsReport *r)
{
	fprintf(stderr, "%s: %ld rating%s added, %ld already present", path, r->added,
		r->added == 1 ? "" : "s", r->present);
	fprintf(stderr, ", %ld item%s created without an image", r->items_created,
		r->items_created == 1 ? "" : "s");
	if (r->llm && r->llm_run)
		fprintf(stderr, ", %ld LLM rating%s as run %lld", r->llm, r->llm == 1 ? "" : "s",
			r->llm_run);
	else if (r->llm)
		fprintf(stderr, ", %ld LLM rating%s already present", r->llm, r->llm == 1 ? "" : "s");
	if (r->bad)
		fprintf(stderr, ", %ld bad row%s skipped", r->bad, r->bad == 1 ? "" : "s");
	fputc('\n', stderr);
}

int cmd_import_ratings(int argc, char **argv)
{
	static const struct option options[] = {
		{"db", required_argument, NULL, 'd'},
		{"llm", required_argument, NULL, 'l'},
		{"skip-bad", no_argument, NULL, 's'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	RatingsOptions opt = { .on_problem = on_problem };
	const char *db_flag = NULL;
	int quiet = 0, failed = 0, c;
	Db *db;
	Status st;

	while ((c = getopt_long(argc, argv, ":hq", options, NULL)) != -1) {
		switch (c) {
		case 'd': db_flag = optarg; break;
		case 'l': opt.llm_rater = optarg; break;
		case 's': opt.skip_bad = 1; break;
		case 'q': quiet = 1; break;
		case 'h': fputs(usage, stdout); return CLI_EXIT_OK;
		default: return cli_option_error("import-ratings", c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error("import-ratings", "give a CSV file of item,rater,label");
	if (opt.llm_rater && !*opt.llm_rater)
		return cli_usage_error("import-ratings", "--llm needs a rater's name");
	st = db_open(cli_db_path(db_flag), DB_OPEN_EXISTING, &db);
	if (st != STATUS_OK)
		return cli_fail(st);
	for (int i = optind; i < argc; i++) {
		RatingsReport report;

		st = ratings_import(db, argv[i], &opt, &report);
		if (st != STATUS_OK) {
			cli_fail(st);
			failed = 1;
		} else if (!quiet) {
			print_report(argv[i], &report);
		}
	}
	db_close(db);
	return failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
