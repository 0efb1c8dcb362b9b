/* cmd_agree.c - gavel agree: the agreement report. */
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/agreement.h"
#include "db/database.h"
#include "db/prompts.h"
#include "src/agree/agree.h"
#include "src/agree/agreefmt.h"
#include "src/agree/agreeload.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/config.h"
#include "src/base/out.h"
#include "src/base/xalloc.h"
#include "src/settle/settlement.h"

enum { MAX_REVIEWERS = 64 };

typedef struct {
	const char *db, *prompt, *since, *until;
	const char *reviewers[MAX_REVIEWERS];
	int n_reviewers, json;
	long long run, audit;
	double price_in, price_out; /* < 0: not given */
	AgreeOptions report;
} Args;

static int parse_args(int argc, char **argv, Args *a)
{
	int by = AGREE_BY_NONE, no_ci = 0;
	long long seed = (long long)a->report.boot.seed;
	CliList reviewers = {a->reviewers, 0, MAX_REVIEWERS};
	const CliOpt options[] = {
		CLIOPT_DB(&a->db),
		CLIOPT_ONE_OF("by", &by, "WHAT", agree_by_words,
			      "a table with one row per prompt version (with tokens and\n"
			      "cost), model, reviewer, item category, or blind/primed\n"
			      "review"),
		CLIOPT_NUMBER(CLIOPT_LONG, "run", &a->run, "N", 1, 9e18,
			      "take the LLM label from run N only"),
		CLIOPT_TEXT("prompt", &a->prompt, "REF",
			    "... from the runs of one prompt version (its id, a prefix of\n"
			    "its hash, or its name)"),
		CLIOPT_DATE("since", &a->since,
			    "only reviews made on or after DATE (YYYY-MM-DD, UTC)"),
		CLIOPT_DATE("until", &a->until, "only reviews made on or before DATE"),
		CLIOPT_REPEAT("reviewer", &reviewers, "NAME",
			      "only this reviewer's labels (repeat for several)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "audit", &a->audit, "ID", 1, 9e18,
			      "the audit whose agreement is the headline (default: the\n"
			      "newest; docs/estimates.md)"),
		CLIOPT_SWITCH("no-ci", 0, &no_ci, "no confidence intervals (faster)"),
		CLIOPT_NUMBER(CLIOPT_INT, "resamples", &a->report.boot.resamples, "N", 1, 1000000,
			      "bootstrap resamples (default 1000)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "seed", &seed, "S", 0, 9e18,
			      "bootstrap seed (default 0x676176656c: \"gavel\" in ASCII)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "price-in", &a->price_in, "USD", 0, 1e9,
			      "price per million input tokens for the cost column (else the\n"
			      "config file's price_in in the section of the run's provider)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "price-out", &a->price_out, "USD", 0, 1e9,
			      "the same for output tokens (price_out)"),
		CLIOPT_SWITCH("json", 0, &a->json, "the same figures as one JSON object"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "agree",
		.synopsis =
			"usage: gavel agree [--db FILE] [--by prompt|model|reviewer|category|blind]\n"
			"                   [--run N | --prompt REF] [--since DATE] [--until DATE]\n"
			"                   [--reviewer NAME]... [--no-ci | --resamples N] [--seed S]\n"
			"                   [--price-in USD] [--price-out USD] [--audit ID] [--json]",
		.about =
			"How far the LLM agrees with the reviewers, the reviewers with each other and\n"
			"the scorer with both: the LLM against each reviewer and against the settled\n"
			"human label (every reviewer of the item gave the same label), each pair of\n"
			"reviewers on the items they share, all reviewers as a group (Fleiss' kappa,\n"
			"Krippendorff's alpha, Gwet's AC1), and the latest scorer. Each figure comes\n"
			"with a 95% bootstrap interval over items, its Landis & Koch band and its n;\n"
			"one that cannot be computed says why. docs/metrics.md explains them all.\n"
			"\n"
			"A human label is a reviewer's standing accept or override (not undone, not\n"
			"replaced by a later decision). The LLM label is the item's ok prediction from\n"
			"the latest run that gave one; failed and unparsable answers are counted and\n"
			"left out.\n"
			"\n"
			"Items reviewed from a queue order (disagreement first, ...) are not a random\n"
			"sample: the report says how they were chosen, and when an audit exists (gavel\n"
			"audit) its headline is the agreement on the audit, the catalogue's, beside the\n"
			"figure over every review.",
		.options = options,
	};
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc;
	a->report.by = (AgreeBy)by;
	a->report.intervals = !no_ci;
	a->report.boot.seed = (uint64_t)seed;
	a->n_reviewers = reviewers.count;
	if (first < argc)
		return cli_usage_error("agree", "unexpected argument '%s'", argv[first]);
	if (a->run && a->prompt)
		return cli_usage_error("agree", "give --run or --prompt, not both");
	if (a->since && a->until && strcmp(a->since, a->until) > 0)
		return cli_usage_error("agree", "--since %s is after --until %s", a->since, a->until);
	return 0;
}

/* A price from the flag, else the config file's section for the provider. */
static int price(double flag, const char *provider, const char *key, double *out)
{
	char *text, *end;

	if (flag >= 0) {
		*out = flag;
		return 1;
	}
	if (!provider || !(text = config_get(provider, key)))
		return 0;
	*out = strtod(text, &end);
	if (end == text || *out < 0)
		*out = -1;
	free(text);
	return *out >= 0;
}

static void set_prices(AgreeData *d, const Args *a)
{
	for (int i = 0; i < d->n_runs; i++) {
		double in, out;

		if (price(a->price_in, d->runs[i].provider, "price_in", &in) &&
		    price(a->price_out, d->runs[i].provider, "price_out", &out))
			agreedata_set_price(d, d->runs[i].id, in, out);
	}
}

static int run_exists(const AgreeData *d, long long id)
{
	for (int i = 0; i < d->n_runs; i++)
		if (d->runs[i].id == id)
			return 1;
	return 0;
}

/* ---- each rater's estimated accuracy per label (Dawid-Skene) ---- */

/* The fit settlement_load_accuracy() makes: NULL (and nothing shown) when
 * it cannot be made. */
static Settlement *accuracy_fit(Db *db)
{
	Settlement *s = NULL;
	return settlement_load_accuracy(db, NULL, &s) == STATUS_OK ? s : NULL;
}

static void print_line(void *arg, const char *line)
{
	out_printf(arg, "%s\n", line);
}

static cJSON *accuracy_json(const Settlement *s)
{
	cJSON *o = cJSON_CreateObject(), *raters = cJSON_CreateArray();
	const DsResult *ds = settlement_ds(s);
	cJSON_AddStringToObject(o, "method", "dawid-skene");
	cJSON_AddNumberToObject(o, "iterations", ds->iterations);
	cJSON_AddBoolToObject(o, "converged", ds->converged);
	for (size_t k = 0; k < settlement_raters(s); k++) {
		cJSON *r = cJSON_CreateObject(), *acc = cJSON_CreateArray();
		cJSON_AddStringToObject(r, "rater", settlement_rater_name(s, k));
		cJSON_AddBoolToObject(r, "llm", settlement_rater_is_llm(s, k));
		cJSON_AddNumberToObject(r, "votes", (double)settlement_rater_votes(s, k));
		for (int j = 1; j <= settlement_labels(s); j++)
			cJSON_AddItemToArray(acc,
					     cJSON_CreateNumber(dawidskene_confusion(ds, k, j, j)));
		cJSON_AddItemToObject(r, "accuracy", acc);
		cJSON_AddItemToArray(raters, r);
	}
	cJSON_AddItemToObject(o, "raters", raters);
	return o;
}

/* The report's JSON with "rater_accuracy" added (the report is one object). */
static void json_with_accuracy(const AgreeReport *r, AgreeFmtContext *ctx, const Settlement *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	cJSON *json;
	agreefmt_json(r, ctx, mem);
	fclose(mem);
	json = cJSON_Parse(text);
	if (json && s)
		cJSON_AddItemToObject(json, "rater_accuracy", accuracy_json(s));
	if (json)
		out_json(stdout, json, 0);
	else
		out_data(stdout, text, len);
	free(text);
	cJSON_Delete(json);
}

enum { REVIEWERS_NAMED = 6 };

/* Who has standing labels at all, for --reviewer: whether each wanted name
 * has any, and the first few names to suggest (owned). */
typedef struct {
	const Args *a;
	int seen[MAX_REVIEWERS];
	char *names[REVIEWERS_NAMED];
	int named;
} ReviewerScan;

static int scan_reviewer(void *arg, const DbHumanLabel *label)
{
	ReviewerScan *s = arg;
	int known = 0;
	for (int i = 0; i < s->a->n_reviewers; i++)
		s->seen[i] |= !strcmp(s->a->reviewers[i], label->reviewer);
	for (int i = 0; i < s->named && !known; i++)
		known = !strcmp(s->names[i], label->reviewer);
	if (!known && s->named < REVIEWERS_NAMED)
		s->names[s->named++] = xstrdup(label->reviewer);
	return 0;
}

/* A --reviewer with no standing label anywhere in the database is a typo or
 * the wrong database, not an empty report; one whose labels all fall outside
 * --since/--until is only an empty report. */
static Status check_reviewers(Db *db, const Args *a, const AgreeData *d)
{
	ReviewerScan scan = {.a = a};
	char names[512] = "";
	size_t len = 0;
	int missing = 0;
	Status st;
	for (int i = 0; i < a->n_reviewers; i++) {
		int found = 0;
		for (int k = 0; k < d->n_reviewers && !found; k++)
			found = !strcmp(d->reviewers[k], a->reviewers[i]);
		missing |= !found;
	}
	if (!missing)
		return STATUS_OK;
	st = db_agreement_human_labels(db, NULL, NULL, scan_reviewer, &scan);
	for (int i = 0; i < scan.named; i++) {
		if (len < sizeof names)
			len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "",
						scan.names[i]);
		free(scan.names[i]);
	}
	for (int i = 0; st == STATUS_OK && i < a->n_reviewers; i++)
		if (!scan.seen[i])
			st = status_fail(STATUS_ERR_NOT_FOUND, "%s: no labels by reviewer \"%s\" (%s%s)",
					 db_path(db), a->reviewers[i],
					 scan.named ? "reviewers with labels: " : "no reviewer has labels yet",
					 names);
	return st;
}

/* Loads, computes and prints; the database stays open only while loading. */
static Status report(Args *a, AgreeFmtContext *ctx)
{
	AgreeDataFilter filter = { a->since,
				   a->until,
				   a->n_reviewers ? a->reviewers : NULL,
				   a->n_reviewers,
				   a->report.by == AGREE_BY_CATEGORY,
				   a->audit };
	DbPromptVersion version = { 0 };
	AgreeData *data = NULL;
	Settlement *fit = NULL;
	AgreeReport *r;
	Db *db;
	Status st = db_open(cli_db_path(a->db), DB_OPEN_READ, &db);

	if (st != STATUS_OK)
		return st;
	if (a->prompt)
		st = db_prompt_version_find(db, a->prompt, &version);
	if (st == STATUS_OK)
		st = agreeload_data(db, &filter, &data);
	if (st == STATUS_OK)
		fit = accuracy_fit(db);
	if (st == STATUS_OK && a->n_reviewers)
		st = check_reviewers(db, a, data);
	db_close(db);
	if (st == STATUS_OK && a->run && !run_exists(data, a->run))
		st = status_fail(STATUS_ERR_NOT_FOUND, "there is no run %lld", a->run);
	if (st == STATUS_OK)
		st = config_check(); /* prices may come from it */
	if (st != STATUS_OK)
		goto out;
	a->report.run_id = a->run;
	a->report.prompt_version_id = version.id;
	ctx->run_id = a->run;
	ctx->prompt_version_id = version.id;
	ctx->prompt_hash = version.hash;
	set_prices(data, a);
	r = agree_report(data, &a->report);
	if (a->json) {
		json_with_accuracy(r, ctx, fit);
	} else {
		agreefmt_text(r, ctx, stdout);
		if (fit) {
			out_puts(stdout, "\n");
			settlement_accuracy_lines(fit, print_line, stdout);
		}
	}
	agree_report_free(r);
out:
	settlement_free(fit);
	agreedata_free(data);
	db_prompt_version_clear(&version);
	return st;
}

int cmd_agree(int argc, char **argv)
{
	Args a = { .price_in = -1, .price_out = -1,
		   .report = { .intervals = 1,
			       .boot = { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED,
					 BOOTSTRAP_CONFIDENCE } } };
	AgreeFmtContext ctx;
	Status st;
	int rc = parse_args(argc, argv, &a);

	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	ctx = (AgreeFmtContext){ .database = cli_db_path(a.db), .since = a.since,
				 .until = a.until, .reviewers = a.reviewers,
				 .n_reviewers = a.n_reviewers };
	st = report(&a, &ctx);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}
