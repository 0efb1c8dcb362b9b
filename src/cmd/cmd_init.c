/* cmd_init.c - gavel init: create a database with a label scale. */
#include <stdio.h>

#include "db/database.h"
#include "db/items.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/scale.h"
#include "src/base/out.h"

static Status create(const char *path, const Scale *scale)
{
	Db *db;
	Status st = db_open(path, DB_OPEN_CREATE, &db);
	if (st != STATUS_OK)
		return st;
	st = db_begin(db);
	if (st == STATUS_OK)
		st = db_scale_set(db, (const char *const *)scale->names, scale->count);
	if (st == STATUS_OK)
		st = db_commit(db);
	else
		db_rollback(db);
	db_close(db);
	return st;
}

int cmd_init(int argc, char **argv)
{
	const char *db_flag = NULL, *scale_spec = NULL;
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_TEXT("scale", &scale_spec, "SCALE",
			    "the ordered labels, worst first: \"1:bad,2:ok,3:good\" or\n"
			    "\"bad,ok,good\" (2 to 9 levels). Default: 1 unusable, 2 poor,\n"
			    "3 acceptable, 4 good, 5 excellent (product-photo quality)"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "init",
		.synopsis = "usage: gavel init [--db FILE] [--scale SCALE]",
		.about = "Create a gavel database with its label scale. The scale is fixed for the\n"
			 "life of the database, since agreement figures are weighted over it.",
		.options = options,
	};
	Scale scale;
	Status st;
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	if (first < argc)
		return cli_usage_error("init", "unexpected argument '%s'", argv[first]);
	if (scale_spec) {
		st = scale_parse(scale_spec, &scale);
		if (st != STATUS_OK)
			return cli_usage_error("init", "%s", status_detail());
	} else {
		scale_default(&scale);
	}
	st = create(cli_db_path(db_flag), &scale);
	if (st == STATUS_OK) {
		out_printf(stderr, "gavel: created %s with the scale", cli_db_path(db_flag));
		for (int i = 0; i < scale.count; i++)
			out_printf(stderr, "%s %d %s", i ? "," : "", i + 1, scale.names[i]);
		out_puts(stderr, "\n");
	}
	scale_free(&scale);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}
