/* cmd_export_model.c - gavel export-model: a stored scorer model as JSON,
 * to apply outside gavel (the formula is in the file and in
 * docs/scorer.md, "Applying an exported model"). */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/database.h"
#include "db/scorer.h"
#include "src/base/out.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/score/scorermodel.h"

int cmd_export_model(int argc, char **argv)
{
	const char *db_flag = NULL, *out_path = NULL;
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_TEXT("output", &out_path, "FILE", "write to FILE (default: standard output)"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "export-model",
		.synopsis = "usage: gavel export-model [--db FILE] [--output FILE] ID",
		.about = "Write scorer model ID (see 'gavel train --list') as JSON: the features in\n"
			 "order with the mean and scale that standardise them, the labels and their\n"
			 "names, one row of coefficients and an intercept per output, the fit's\n"
			 "figures, and the formula that turns a row of raw features into\n"
			 "probabilities (docs/scorer.md). Numbers are written so that they read back\n"
			 "to the same doubles.",
		.options = options,
	};
	DbScorerModel row;
	ScorerModel model;
	cJSON *json;
	Db *db = NULL;
	FILE *out = stdout;
	char *end;
	long long id;
	Status st;
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	if (first + 1 != argc)
		return cli_usage_error("export-model", "give one model id");
	id = strtoll(argv[first], &end, 10);
	if (end == argv[first] || *end || id < 1)
		return cli_usage_error("export-model", "'%s' is not a model id", argv[first]);
	st = db_open(cli_db_path(db_flag), DB_OPEN_EXISTING, &db);
	if (st == STATUS_OK)
		st = db_scorer_model_get(db, id, &row);
	db_close(db);
	if (st != STATUS_OK)
		return cli_fail(st);
	/* through the model, not the stored text: cJSON would print a number
	 * it parsed with 15 digits when that comes within rounding */
	st = scorermodel_from_json(row.model_json ? row.model_json : "", &model);
	if (st != STATUS_OK) {
		db_scorer_model_free(&row);
		return cli_fail(st);
	}
	json = scorermodel_to_json(&model);
	scorermodel_free(&model);
	cJSON_AddNumberToObject(json, "id", (double)row.id);
	cJSON_AddStringToObject(json, "created_at", row.created_at ? row.created_at : "");
	cJSON_AddStringToObject(json, "data_sha256", row.data_hash ? row.data_hash : "");
	if (out_path && !(out = fopen(out_path, "w")))
		st = status_fail(STATUS_ERR_IO, "%s: cannot write", out_path);
	if (st == STATUS_OK) {
		out_json(out, json, 1);
		if (out != stdout && fclose(out) != 0)
			st = status_fail(STATUS_ERR_IO, "%s: cannot write", out_path);
	}
	cJSON_Delete(json);
	db_scorer_model_free(&row);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}
