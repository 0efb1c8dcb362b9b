/* cmd_import.c - gavel import: add items from folders and manifests. */
#include <stdio.h>
#include <stdlib.h>

#include "db/database.h"
#include "src/base/xalloc.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/progress.h"
#include "src/import/import.h"

/* How many skipped files of each kind the summary names. */
enum { NAMES_SHOWN = 3 };

/* How the summary speaks of each kind of skipped file, by ImportSkip. */
static const struct {
	const char *what;   /* "N files WHAT" */
	const char *advice; /* after the names, or "" */
} skip_words[IMPORT_SKIP_COUNT] = {
    [IMPORT_SKIP_NOT_IMAGE] = {"that are not images", ""},
    [IMPORT_SKIP_UNSUPPORTED] = {"in formats gavel cannot label or show",
				 "; convert them to PNG or JPEG"},
};

/* One PATH's import as the command line sees it. */
typedef struct {
	Progress progress;
	int verbose;
	long names_count[IMPORT_SKIP_COUNT];
	char *names[IMPORT_SKIP_COUNT][NAMES_SHOWN]; /* owned */
} Session;

static void on_problem(void *arg, const char *message)
{
	Session *s = arg;
	progress_clear(&s->progress);
	cli_warn("%s", message);
}

/* --verbose names each skipped file as it comes; otherwise the summary
 * names the first few of each kind. */
static void on_skip(void *arg, ImportSkip why, const char *path, const char *detail)
{
	Session *s = arg;
	if (s->verbose) {
		progress_clear(&s->progress);
		cli_note("skipped %s", detail);
		return;
	}
	if (s->names_count[why] < NAMES_SHOWN)
		s->names[why][s->names_count[why]] = xstrdup(path);
	s->names_count[why]++;
}

static void on_progress(void *arg, long records)
{
	Session *s = arg;
	progress_show(&s->progress, records, 0, NULL, 0);
}

static void session_free(Session *s)
{
	for (int k = 0; k < IMPORT_SKIP_COUNT; k++)
		for (int i = 0; i < NAMES_SHOWN && i < s->names_count[k]; i++)
			free(s->names[k][i]);
}

/* "  skipped 2 files not images: a.txt, b.doc, and 5 more (--verbose ...)" */
static void print_skipped(const Session *s, const ImportReport *r)
{
	for (int k = 0; k < IMPORT_SKIP_COUNT; k++) {
		char line[1024];
		long count = r->skipped[k],
		     named = s->names_count[k] < NAMES_SHOWN ? s->names_count[k] : NAMES_SHOWN;
		int n;
		if (!count)
			continue;
		n = snprintf(line, sizeof line, "  skipped %ld file%s %s", count,
			     count == 1 ? "" : "s", skip_words[k].what);
		for (long i = 0; i < named && n < (int)sizeof line; i++)
			n += snprintf(line + n, sizeof line - (size_t)n, "%s%s", i ? ", " : ": ",
				      s->names[k][i]);
		if (count > named && n < (int)sizeof line)
			n += snprintf(line + n, sizeof line - (size_t)n,
				      "%s and %ld more (--verbose "
				      "names them all)",
				      named ? "," : ":", count - named);
		if (n < (int)sizeof line)
			snprintf(line + n, sizeof line - (size_t)n, "%s", skip_words[k].advice);
		cli_print("%s", line);
	}
}

static void print_report(const char *path, const ImportReport *r)
{
	long present = r->same_id + r->same_content;
	long skipped = r->skipped[IMPORT_SKIP_NOT_IMAGE] + r->skipped[IMPORT_SKIP_UNSUPPORTED];
	char line[512];
	int n = snprintf(line, sizeof line, "%s: %ld added, %ld already present", path, r->added,
			 present);
	if (present && n < (int)sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n, " (%ld same id, %ld same content)",
			      r->same_id, r->same_content);
	if (r->bad && n < (int)sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n, ", %ld bad skipped", r->bad);
	if (skipped && n < (int)sizeof line)
		snprintf(line + n, sizeof line - (size_t)n, ", %ld file%s skipped", skipped,
			 skipped == 1 ? "" : "s");
	cli_print("%s", line);
}

int cmd_import(int argc, char **argv)
{
	ImportOptions opt = {
	    .on_problem = on_problem, .on_skip = on_skip, .on_progress = on_progress};
	const char *db_flag = NULL;
	int quiet = 0, verbose = 0, failed = 0;
	const CliOpt options[] = {
	    CLIOPT_DB(&db_flag),
	    CLIOPT_SWITCH("skip-bad", 0, &opt.skip_bad,
			  "import the good records and list the bad ones"),
	    CLIOPT_SWITCH("no-probe", 0, &opt.no_probe,
			  "don't open the images; take \"sha256\", \"width\", \"height\",\n"
			  "\"bytes\" and \"format\" from the manifest when it has them"),
	    CLIOPT_TEXT("root", &opt.root, "DIR",
			"allow image paths anywhere inside DIR (default: the\n"
			"manifest's own folder)"),
	    CLIOPT_SWITCH("verbose", 'v', &verbose,
			  "name every file of a folder that is skipped, and why"),
	    CLIOPT_SWITCH("quiet", 'q', &quiet, "print only problems"),
	    CLIOPT_END,
	};
	const CliSpec spec = {
	    .command = "import",
	    .synopsis = "usage: gavel import [--db FILE] [--skip-bad] [--no-probe] [--root DIR]\n"
			"                    [--verbose] PATH...",
	    .about =
		"Add items from each PATH: a folder of images (searched recursively), a JSONL\n"
		"manifest (one JSON object a line) or a CSV manifest (with a header line),\n"
		"both UTF-8. Manifest fields: \"path\" (relative to the manifest) or \"url\";\n"
		"optional \"id\", \"title\", \"category\"; any other field is kept as metadata.\n"
		"Images already in the database (same id or same content) are not added twice.\n"
		"gavel labels and shows JPEG and PNG; a folder's other files are skipped and\n"
		"named in the summary.\n"
		"\n"
		"A bad record (invalid JSON or UTF-8, no path, a missing file, not an image,\n"
		"an unsupported format, an id given to two images, a path leaving the\n"
		"manifest's folder) is reported as FILE:LINE and nothing from that file is\n"
		"imported, unless --skip-bad is given.",
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
		Session session = {.verbose = verbose};
		ImportReport report;
		char what[512];
		snprintf(what, sizeof what, "importing %s", argv[i]);
		progress_start(&session.progress, what, quiet);
		opt.arg = &session;
		st = import_path(db, argv[i], &opt, &report);
		progress_clear(&session.progress);
		if (st != STATUS_OK) {
			cli_fail(st);
			failed = 1;
		} else if (!quiet) {
			print_report(argv[i], &report);
		}
		/* what was skipped matters most when nothing was imported */
		if (!verbose && (!quiet || st != STATUS_OK))
			print_skipped(&session, &report);
		session_free(&session);
	}
	db_close(db);
	return failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
