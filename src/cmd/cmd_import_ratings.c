/* cmd_import_ratings.c - gavel import-ratings: load existing annotations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/database.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/import/ratingformats.h"
#include "src/import/ratings.h"
#include "src/base/xalloc.h"

enum { MAX_MAPS = 256 };

static void on_problem(void *arg, const char *message)
{
	(void)arg;
	cli_warn("%s", message);
}

static void print_report(const char *path, const RatingsReport *r)
{
	char line[1024];
	size_t n =
		(size_t)snprintf(line, sizeof line,
				 "%s: %ld rating%s added, %ld already present, %ld item%s created "
				 "without an image",
				 path, r->added, r->added == 1 ? "" : "s", r->present,
				 r->items_created, r->items_created == 1 ? "" : "s");
	if (r->llm && r->llm_run && n < sizeof line)
		n += (size_t)snprintf(line + n, sizeof line - n, ", %ld LLM rating%s as run %lld%s",
				      r->llm, r->llm == 1 ? "" : "s", r->llm_run,
				      r->llm_runs > 1 ? " and after" : "");
	else if (r->llm && n < sizeof line)
		n += (size_t)snprintf(line + n, sizeof line - n,
				      ", %ld LLM rating%s already present", r->llm,
				      r->llm == 1 ? "" : "s");
	if (r->adjudications && n < sizeof line)
		n += (size_t)snprintf(line + n, sizeof line - n, ", %ld adjudication%s",
				      r->adjudications, r->adjudications == 1 ? "" : "s");
	if (r->passed && n < sizeof line)
		n += (size_t)snprintf(line + n, sizeof line - n,
				      ", %ld without a rating (rejected, "
				      "ignored or cancelled)",
				      r->passed);
	if (r->bad && n < sizeof line)
		snprintf(line + n, sizeof line - n, ", %ld bad row%s skipped", r->bad,
			 r->bad == 1 ? "" : "s");
	cli_print("%s", line);
}

/* "NAME=N": a foreign label name and the scale value it means. */
static int parse_maps(const CliList *list, RatingsMap *maps)
{
	for (int i = 0; i < list->count; i++) {
		const char *eq = strrchr(list->values[i], '=');
		char *end;
		long label = eq ? strtol(eq + 1, &end, 10) : 0;
		if (!eq || eq == list->values[i] || !eq[1] || *end || label < 1 || label > 1000)
			return cli_usage_error("import-ratings",
					       "--map takes NAME=N (a label on the "
					       "scale), not '%s'",
					       list->values[i]);
		maps[i].name = xstrndup(list->values[i], (size_t)(eq - list->values[i]));
		maps[i].label = (int)label;
	}
	return 0;
}

int cmd_import_ratings(int argc, char **argv)
{
	RatingsOptions opt = { .on_problem = on_problem };
	RatingsMap maps[MAX_MAPS];
	const char *map_values[MAX_MAPS], *db_flag = NULL;
	CliList map_list = { map_values, 0, MAX_MAPS };
	int quiet = 0, failed = 0, format = -1;
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_ONE_OF("format", &format, "F", ratingformats_names,
			      "table, gavel, label-studio or prodigy (default: told by the\n"
			      "file's start: a JSON array is Label Studio, a first record\n"
			      "with \"votes\" gavel's export, with \"answer\" Prodigy)"),
		CLIOPT_TEXT("llm", &opt.llm_rater, "RATER",
			    "load RATER's ratings as the predictions of an LLM run\n"
			    "(provider 'import', model RATER) instead of as reviews"),
		CLIOPT_REPEAT("map", &map_list, "NAME=N",
			      "the label name NAME means N on the scale (repeat for more)"),
		CLIOPT_TEXT("item-field", &opt.item_field, "FIELD",
			    "the field that names the item (Label Studio: in \"data\";\n"
			    "Prodigy: at the top or in \"meta\"; default item,\n"
			    "external_id or id)"),
		CLIOPT_SWITCH("skip-bad", 0, &opt.skip_bad,
			      "import the good rows and list the bad ones"),
		CLIOPT_SWITCH("quiet", 'q', &quiet, "print only problems"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "import-ratings",
		.synopsis = "usage: gavel import-ratings [--db FILE] [--format F] [--llm RATER]\n"
			    "                            [--map NAME=N]... [--skip-bad] FILE...",
		.about =
			"Load ratings made elsewhere from each FILE: a CSV with a header line naming\n"
			"the columns item, rater, label and optionally time (other columns are\n"
			"ignored), or JSONL with those fields; gavel's own export (its votes,\n"
			"adjudications and LLM answers); a Label Studio JSON export or Prodigy JSONL\n"
			"of an image classification task. item is the item's id (its external id, as\n"
			"'gavel import' gives it); an item gavel does not know is created without an\n"
			"image. label is a whole number on the database's scale, the name of a level\n"
			"(any case), or a name given with --map; a name that maps to nothing is an\n"
			"error naming the scale. time is ISO 8601 (UTC unless a zone is given) or\n"
			"Unix seconds.\n"
			"\n"
			"Each rating becomes a review by the rater: an override with that label, made\n"
			"blind (no LLM answer was shown). Several ratings of one item by one rater are\n"
			"all kept as votes (Dawid-Skene counts each; the last is the standing label).\n"
			"Ratings already there are skipped, so importing a file twice adds nothing. A\n"
			"bad row is reported as FILE:LINE and nothing from that file is imported,\n"
			"unless --skip-bad is given.",
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
	if ((rc = parse_maps(&map_list, maps)))
		return rc;
	opt.maps = maps;
	opt.n_maps = map_list.count;
	opt.format = format >= 0 ? ratingformats_names[format] : NULL;
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
	for (int i = 0; i < map_list.count; i++)
		free((char *)maps[i].name);
	return failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
