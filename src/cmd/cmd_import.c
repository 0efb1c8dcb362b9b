/* cmd_import.c - gavel import: add items from folders and manifests. */
#include <stdio.h>

#include "db/database.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/progress.h"
#include "src/import/import.h"

static void on_problem(void *arg, const char *message)
{
	progress_clear(arg);
	cli_warn("%s", message);
}

static void on_progress(void *arg, long records)
{
	progress_show(arg, records, 0, NULL, 0);
}

static void print_report(const char *path, const ImportReport *r)
{
	long present = r->same_id + r->same_content;
	char line[512];
	int n = snprintf(line, sizeof line, "%s: %ld added, %ld already present", path, r->added,
			 present);
	if (present && n < (int)sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n, " (%ld same id, %ld same content)",
			      r->same_id, r->same_content);
	if (r->bad && n < (int)sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n, ", %ld bad skipped", r->bad);
	if (r->not_images && n < (int)sizeof line)
		snprintf(line + n, sizeof line - (size_t)n, ", %ld files not images", r->not_images);
	cli_print("%s", line);
}

int cmd_import(int argc, char **argv)
{
	ImportOptions opt = {.on_problem = on_problem, .on_progress = on_progress};
	const char *db_flag = NULL;
	int quiet = 0, failed = 0;
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_SWITCH("skip-bad", 0, &opt.skip_bad, "import the good records and list the bad ones"),
		CLIOPT_SWITCH("no-probe", 0, &opt.no_probe,
			      "don't open the images; take \"sha256\", \"width\", \"height\",\n"
			      "\"bytes\" and \"format\" from the manifest when it has them"),
		CLIOPT_TEXT("root", &opt.root, "DIR",
			    "allow image paths anywhere inside DIR (default: the\n"
			    "manifest's own folder)"),
		CLIOPT_SWITCH("quiet", 'q', &quiet, "print only problems"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "import",
		.synopsis = "usage: gavel import [--db FILE] [--skip-bad] [--no-probe] [--root DIR] PATH...",
		.about = "Add items from each PATH: a folder of images (searched recursively), a JSONL\n"
			 "manifest (one JSON object a line) or a CSV manifest (with a header line).\n"
			 "Manifest fields: \"path\" (relative to the manifest) or \"url\"; optional \"id\",\n"
			 "\"title\", \"category\"; any other field is kept as metadata. Images already\n"
			 "in the database (same id or same content) are not added twice.\n"
			 "\n"
			 "A bad record (invalid JSON, no path, a missing file, not an image, a path\n"
			 "leaving the manifest's folder) is reported as FILE:LINE and nothing from that\n"
			 "file is imported, unless --skip-bad is given.",
		.options = options,
	};
	Db *db;
	Status st;
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	if (first >= argc)
		return cli_usage_error("import", "give a folder or a manifest to import");
	st = db_open(cli_db_path(db_flag), DB_OPEN_EXISTING, &db);
	if (st != STATUS_OK)
		return cli_fail(st);
	for (int i = first; i < argc; i++) {
		Progress progress;
		ImportReport report;
		char what[512];
		snprintf(what, sizeof what, "importing %s", argv[i]);
		progress_start(&progress, what, quiet);
		opt.arg = &progress;
		st = import_path(db, argv[i], &opt, &report);
		progress_clear(&progress);
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
