/* cmd_import_ratings.c - gavel import-ratings: load existing annotations. */
#include <stdio.h>

#include "db/database.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/import/ratings.h"
#include "src/base/out.h"

static void on_problem(void *arg, const char *message)
{
	(void)arg;
	cli_warn("%s", message);
}

static void print_report(const char *path, const RatingsReport *r)
{
	out_printf(stderr, "%s: %ld rating%s added, %ld already present", path, r->added,
		r->added == 1 ? "" : "s", r->present);
	out_printf(stderr, ", %ld item%s created without an image", r->items_created,
		r->items_created == 1 ? "" : "s");
	if (r->llm && r->llm_run)
		out_printf(stderr, ", %ld LLM rating%s as run %lld", r->llm, r->llm == 1 ? "" : "s",
			r->llm_run);
	else if (r->llm)
		out_printf(stderr, ", %ld LLM rating%s already present", r->llm, r->llm == 1 ? "" : "s");
	if (r->bad)
		out_printf(stderr, ", %ld bad row%s skipped", r->bad, r->bad == 1 ? "" : "s");
	out_puts(stderr, "\n");
}

int cmd_import_ratings(int argc, char **argv)
{
	RatingsOptions opt = { .on_problem = on_problem };
	const char *db_flag = NULL;
	int quiet = 0, failed = 0;
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_TEXT("llm", &opt.llm_rater, "RATER",
			    "load RATER's ratings as the predictions of an LLM run\n"
			    "(provider 'import', model RATER) instead of as reviews"),
		CLIOPT_SWITCH("skip-bad", 0, &opt.skip_bad, "import the good rows and list the bad ones"),
		CLIOPT_SWITCH("quiet", 'q', &quiet, "print only problems"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "import-ratings",
		.synopsis = "usage: gavel import-ratings [--db FILE] [--llm RATER] [--skip-bad] FILE...",
		.about = "Load ratings made elsewhere from each FILE: a CSV with a header line naming\n"
			 "the columns item, rater and label (other columns are ignored), or JSONL with\n"
			 "those fields. item is the item's id (its external id, as 'gavel import' gives\n"
			 "it); an item gavel does not know is created without an image. label is a\n"
			 "whole number on the database's scale (or the exact name of a level).\n"
			 "\n"
			 "Each rating becomes a review by the rater: an override with that label, made\n"
			 "blind (no LLM answer was shown). A rating equal to the rater's standing label\n"
			 "on the item is already there and is skipped, so importing a file twice adds\n"
			 "nothing. A bad row is reported as FILE:LINE and nothing from that file is\n"
			 "imported, unless --skip-bad is given.",
		.options = options,
	};
	Db *db;
	Status st;
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	if (first >= argc)
		return cli_usage_error("import-ratings", "give a CSV file of item,rater,label");
	if (opt.llm_rater && !*opt.llm_rater)
		return cli_usage_error("import-ratings", "--llm needs a rater's name");
	st = db_open(cli_db_path(db_flag), DB_OPEN_EXISTING, &db);
	if (st != STATUS_OK)
		return cli_fail(st);
	for (int i = first; i < argc; i++) {
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
