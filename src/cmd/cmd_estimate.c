/* cmd_estimate.c - gavel estimate: each label's share of the catalogue,
 * four ways, with valid intervals (src/estimate/, docs/estimates.md). */
#include <math.h>
#include <stdio.h>

#include "db/database.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/estimate/estimate.h"
#include "src/estimate/estimatefmt.h"
#include "src/estimate/estimateload.h"

static const char *const by_words[] = { "", "category", NULL };

typedef struct {
	const char *db;
	long long audit;
	int reviewed_as_sample, by, json;
	double alpha, lambda, width;
} Args;

static int parse_args(int argc, char **argv, Args *a)
{
	const CliOpt options[] = {
		CLIOPT_DB(&a->db),
		CLIOPT_NUMBER(CLIOPT_LONG, "audit", &a->audit, "ID", 1, 9e18,
			      "the audit the estimates rest on (default: the newest)"),
		CLIOPT_SWITCH("reviewed-as-sample", 0, &a->reviewed_as_sample,
			      "treat every reviewed item as a uniform random sample\n"
			      "(ratings from a study that sampled at random), no audit"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "alpha", &a->alpha, "A", 1e-9, 0.999999999,
			      "intervals at confidence 1 - A (default 0.05: 95%)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "lambda", &a->lambda, "L", 0, 1,
			      "the ppi++ column's lambda (default: tuned as PPI++ does;\n"
			      "1 is plain PPI, 0 the audit alone)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "width", &a->width, "W", 1e-9, 2,
			      "plan: the further audit reviews each estimate needs for\n"
			      "an interval W wide (0.04 = a share within 2 points)"),
		CLIOPT_ONE_OF("by", &a->by, "WHAT", by_words,
			      "category: the estimates per category too"),
		CLIOPT_SWITCH("json", 0, &a->json, "every figure, by name, as one JSON object"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "estimate",
		.synopsis =
			"usage: gavel estimate [--db FILE] [--audit ID | --reviewed-as-sample]\n"
			"                      [--alpha A] [--lambda L] [--width W] [--by category]\n"
			"                      [--json]",
		.about =
			"Each label's share among all items with an LLM label, four ways side by side:\n"
			"the LLM's own share (biased by its errors), the audit alone (classical\n"
			"interval), prediction-powered inference (PPI, lambda 1) and PPI++ (lambda\n"
			"tuned), each with its interval, and how many human labels PPI++ is worth.\n"
			"The estimates rest on an audit, a random sample drawn by gavel audit and\n"
			"reviewed (blind) in the review queue's audit order; a stratified audit is\n"
			"weighted by its inclusion probabilities. docs/estimates.md explains them.",
		.options = options,
	};
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc;
	if (first < argc)
		return cli_usage_error("estimate", "unexpected argument '%s'", argv[first]);
	if (a->audit && a->reviewed_as_sample)
		return cli_usage_error("estimate",
				       "give --audit or --reviewed-as-sample, not both");
	return 0;
}

int cmd_estimate(int argc, char **argv)
{
	Args a = { .alpha = PPI_ALPHA, .lambda = NAN };
	EstimateLoadOptions load;
	EstimateSource src;
	EstimateReport report = { 0 };
	EstimateData *data = NULL;
	PpiOptions ppi;
	Db *db;
	Status st;
	int rc = parse_args(argc, argv, &a);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	st = db_open(cli_db_path(a.db), DB_OPEN_EXISTING, &db);
	if (st != STATUS_OK)
		return cli_fail(st);
	load = (EstimateLoadOptions){ a.audit, a.reviewed_as_sample, a.by != 0 };
	st = estimateload(db, &load, &data, &src);
	db_close(db);
	ppi = (PpiOptions){ a.alpha, a.lambda, a.width };
	if (st == STATUS_OK)
		st = estimate_compute(data, &ppi, a.by != 0, &report);
	if (st == STATUS_OK && a.json)
		estimatefmt_json(&report, &src, cli_db_path(a.db), stdout);
	else if (st == STATUS_OK)
		estimatefmt_text(&report, &src, cli_db_path(a.db), stdout);
	estimate_report_free(&report);
	estimate_data_free(data);
	estimate_source_free(&src);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}
