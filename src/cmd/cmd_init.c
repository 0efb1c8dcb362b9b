/* cmd_init.c - gavel init: create a database with a label scale. */
#include <getopt.h>
#include <stdio.h>

#include "db/database.h"
#include "db/items.h"
#include "src/cmd/cli.h"
#include "src/cmd/scale.h"

static const char usage[] =
	"usage: gavel init [--db FILE] [--scale SCALE]\n"
	"\n"
	"Create a gavel database with its label scale. The scale is fixed for the\n"
	"life of the database, since agreement figures are weighted over it.\n"
	"\n"
	"  --db FILE      the database (default $GAVEL_DB, else ./gavel.db)\n"
	"  --scale SCALE  the ordered labels, worst first: \"1:bad,2:ok,3:good\" or\n"
	"                 \"bad,ok,good\" (2 to 9 levels). Default: 1 unusable, 2 poor,\n"
	"                 3 acceptable, 4 good, 5 excellent (product-photo quality)\n"
	"  -h, --help     show this help\n";

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
	static const struct option options[] = {
		{"db", required_argument, NULL, 'd'},
		{"scale", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	const char *db_flag = NULL, *scale_spec = NULL;
	Scale scale;
	Status st;
	int c;

	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'd': db_flag = optarg; break;
		case 's': scale_spec = optarg; break;
		case 'h': fputs(usage, stdout); return CLI_EXIT_OK;
		default: return cli_option_error("init", c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
	if (scale_spec) {
		st = scale_parse(scale_spec, &scale);
		if (st != STATUS_OK)
			return cli_usage_error("init", "%s", status_detail());
	} else {
		scale_default(&scale);
	}
	st = create(cli_db_path(db_flag), &scale);
	if (st == STATUS_OK) {
		fprintf(stderr, "gavel: created %s with the scale", cli_db_path(db_flag));
		for (int i = 0; i < scale.count; i++)
			fprintf(stderr, "%s %d %s", i ? "," : "", i + 1, scale.names[i]);
		fputc('\n', stderr);
	}
	scale_free(&scale);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}
