/* cmd_import_features.c - gavel import-features: feature vectors computed
 * elsewhere (embeddings, measurements), stored as a named set. The file is
 * read a row at a time (src/score/featurefile.h) and written in one
 * transaction: all of it, or (unless --skip-bad) nothing when a row is bad. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/database.h"
#include "db/features.h"
#include "src/base/intmap.h"
#include "src/base/xalloc.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/progress.h"
#include "src/score/featurefile.h"
#include "src/score/trainset.h"

enum { SHOWN_PROBLEMS = 20 };

typedef struct {
	const char *path, *set;
	int skip_bad, replace, quiet;
	Db *db;
	FeatureFile *file;
	IntMap *seen;        /* item id -> the line it was first given on */
	long rows, stored, bad;
	Progress progress;
} Import;

/* Names a user may give a set: letters, digits, '.', '_', '-'; not the
 * measured set's family, not a source --features spells otherwise. */
static int valid_set_name(const char *name)
{
	if (!*name || !strncmp(name, "pixels-", 7) || !strcmp(name, TRAINSET_LLM_SCORE))
		return 0;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
			return 0;
	return 1;
}

static void problem(Import *im, const char *message)
{
	im->bad++;
	if (im->bad <= SHOWN_PROBLEMS) {
		progress_clear(&im->progress);
		cli_print("%s", message);
	}
}

/* Checks one good row's item and stores its vector (while nothing is
 * wrong, or always with --skip-bad). */
static Status take_row(Import *im, const char *id, const double *values, long line)
{
	long long item;
	int added, first;
	char message[512];
	Status st = db_feature_item_id(im->db, id, &item);
	if (st == STATUS_ERR_NOT_FOUND) {
		snprintf(message, sizeof message, "%s:%ld: no item '%.200s' in the database (ids are "
			 "those 'gavel import' or 'gavel import-ratings' gave)", im->path, line, id);
		problem(im, message);
		return STATUS_OK;
	}
	if (st != STATUS_OK)
		return st;
	first = intmap_get_or_add(im->seen, (uint64_t)item, (int)line, &added);
	if (!added) {
		snprintf(message, sizeof message, "%s:%ld: item '%.200s' appears twice (first on line "
			 "%d)", im->path, line, id, first);
		problem(im, message);
		return STATUS_OK;
	}
	if (im->bad && !im->skip_bad)
		return STATUS_OK; /* nothing will be stored: only look for more problems */
	st = db_feature_put(im->db, im->set, DB_FEATURE_F64, item, values,
			    featurefile_dim(im->file));
	im->stored += st == STATUS_OK;
	return st;
}

static Status read_rows(Import *im)
{
	double *values = xcalloc((size_t)featurefile_dim(im->file) + 1, sizeof *values);
	Status st = STATUS_OK;
	for (;;) {
		const char *id;
		long line;
		int more;
		st = featurefile_next(im->file, &id, values, &line, &more);
		if (!more || st == STATUS_ERR_IO)
			break;
		im->rows++;
		if (st == STATUS_ERR_INPUT)
			problem(im, status_detail()), st = STATUS_OK;
		else if (st == STATUS_OK)
			st = take_row(im, id, values, line);
		if (st != STATUS_OK)
			break;
		progress_show(&im->progress, im->rows, 0, NULL, 0);
	}
	free(values);
	return st;
}

/* Creates (or with --replace, recreates) the set the rows go into. */
static Status declare_set(Import *im)
{
	DbFeatureSet set = {.name = (char *)im->set, .dim = featurefile_dim(im->file),
			    .columns = (char **)featurefile_columns(im->file),
			    .type = DB_FEATURE_F64, .origin = DB_FEATURE_IMPORTED,
			    .source = (char *)im->path};
	Status st = im->replace ? db_feature_set_delete(im->db, im->set) : STATUS_OK;
	if (st == STATUS_OK)
		st = db_feature_set_put(im->db, &set);
	if (st == STATUS_ERR_EXISTS) {
		char *why = xstrdup(status_detail()); /* status_fail() rewrites the detail */
		st = status_fail(STATUS_ERR_EXISTS, "%s; --replace drops its vectors and takes this "
				 "file's columns", why);
		free(why);
	}
	return st;
}

static Status import(Import *im)
{
	Status st = featurefile_open(im->path, &im->file);
	if (st != STATUS_OK)
		return st;
	im->seen = intmap_new();
	progress_start(&im->progress, "import-features", im->quiet);
	st = db_begin(im->db);
	if (st == STATUS_OK)
		st = declare_set(im);
	if (st == STATUS_OK)
		st = read_rows(im);
	progress_clear(&im->progress);
	if (st == STATUS_OK && im->bad > SHOWN_PROBLEMS)
		cli_print("%s: %ld more bad rows not shown", im->path, im->bad - SHOWN_PROBLEMS);
	if (st == STATUS_OK && im->bad && !im->skip_bad)
		st = status_fail(STATUS_ERR_INPUT, "%s: %ld bad row%s: nothing stored (--skip-bad "
				 "stores the good ones)", im->path, im->bad, im->bad == 1 ? "" : "s");
	else if (st == STATUS_OK && !im->stored)
		st = status_fail(STATUS_ERR_INPUT, "%s: no good rows: nothing stored", im->path);
	if (st == STATUS_OK)
		st = db_commit(im->db);
	else
		db_rollback(im->db);
	return st;
}

int cmd_import_features(int argc, char **argv)
{
	Import im = {0};
	const char *db_flag = NULL;
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_TEXT("set", &im.set, "NAME", "the feature set's name (required): letters,\n"
						      "digits, '.', '_' and '-'"),
		CLIOPT_SWITCH("skip-bad", 0, &im.skip_bad, "store the good rows and list the bad ones"),
		CLIOPT_SWITCH("replace", 0, &im.replace,
			      "drop the set's vectors first (needed when its\n"
			      "columns change)"),
		CLIOPT_SWITCH("quiet", 'q', &im.quiet, "print only problems"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "import-features",
		.synopsis = "usage: gavel import-features [--db FILE] --set NAME [--skip-bad] [--replace]\n"
			    "                             FILE",
		.about = "Store feature vectors computed elsewhere (embeddings, measurements) as the\n"
			 "feature set NAME, for 'gavel train --features NAME'. FILE is a CSV with a\n"
			 "header line (a column item, id or item_id, else the first, holds the item's\n"
			 "id; every other column is one value) or JSONL (\"item\" and numeric fields,\n"
			 "or \"item\" and one array of numbers). Ids are the items' ids in gavel.\n"
			 "\n"
			 "Every value must be a finite number and every row must have every column.\n"
			 "Unknown ids, missing or non-numeric values, NaN or infinity, a changing\n"
			 "number of columns, an item given twice: reported as FILE:LINE, and nothing\n"
			 "is stored unless --skip-bad is given. Values are kept exactly (float64).\n"
			 "Importing into an existing set replaces the vectors of the items given.",
		.options = options,
	};
	Status st;
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	if (first >= argc)
		return cli_usage_error("import-features", "give a CSV or JSONL file of vectors");
	if (first + 1 < argc)
		return cli_usage_error("import-features", "give one file (unexpected '%s')",
				       argv[first + 1]);
	if (!im.set)
		return cli_usage_error("import-features", "--set NAME names the feature set");
	if (!valid_set_name(im.set))
		return cli_usage_error("import-features", "'%s' cannot name a feature set: use "
				       "letters, digits, '.', '_' and '-', not pixels-* or %s",
				       im.set, TRAINSET_LLM_SCORE);
	im.path = argv[first];
	st = db_open(cli_db_path(db_flag), DB_OPEN_EXISTING, &im.db);
	if (st == STATUS_OK)
		st = import(&im);
	if (st == STATUS_OK && !im.quiet)
		cli_note("%s: %ld vector%s of %d values stored in feature set %s%s", im.path, im.stored,
			 im.stored == 1 ? "" : "s", featurefile_dim(im.file), im.set,
			 im.bad ? " (bad rows skipped)" : "");
	featurefile_close(im.file);
	intmap_free(im.seen);
	db_close(im.db);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}
