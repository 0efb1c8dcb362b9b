/* cmd_agree.c - gavel agree: the agreement report. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/database.h"
#include "db/prompts.h"
#include "src/agree/agree.h"
#include "src/agree/agreefmt.h"
#include "src/cmd/cli.h"
#include "src/cmd/config.h"
#include "src/base/xalloc.h"

static const char usage[] =
	"usage: gavel agree [--db FILE] [--by prompt|model|reviewer|category|blind]\n"
	"                   [--run N | --prompt REF] [--since DATE] [--until DATE]\n"
	"                   [--reviewer NAME]... [--no-ci | --resamples N] [--seed S]\n"
	"                   [--price-in USD] [--price-out USD] [--json]\n"
	"\n"
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
	"  --by WHAT        a table with one row per prompt version (with tokens and\n"
	"                   cost), model, reviewer, item category, or blind/primed review\n"
	"  --run N          take the LLM label from run N only\n"
	"  --prompt REF     ... from the runs of one prompt version (its id, a prefix of\n"
	"                   its hash, or its name)\n"
	"  --since DATE     only reviews made on or after DATE (YYYY-MM-DD, UTC)\n"
	"  --until DATE     only reviews made on or before DATE\n"
	"  --reviewer NAME  only this reviewer's labels (repeat for several)\n"
	"  --no-ci          no confidence intervals (faster)\n"
	"  --resamples N    bootstrap resamples (default 1000)\n"
	"  --seed S         bootstrap seed (default 0x676176656c: \"gavel\" in ASCII)\n"
	"  --price-in USD   --price-out USD   prices per million input/output tokens for\n"
	"                   the cost column (else the config file's [openai] or\n"
	"                   [anthropic] price_in and price_out, by the run's provider)\n"
	"  --json           the same figures as one JSON object\n"
	"  --db FILE        the database (default $GAVEL_DB, else ./gavel.db)\n"
	"  -h, --help       show this help\n";

enum { MAX_REVIEWERS = 64 };

typedef struct {
	const char *db, *prompt, *since, *until;
	const char *reviewers[MAX_REVIEWERS];
	int n_reviewers, json;
	long long run;
	double price_in, price_out; /* < 0: not given */
	AgreeOptions report;
} Args;

/* A whole number in [min, max] from text, or -1 on failure. */
static int parse_count(const char *text, long long min, long long max, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(text, &end, 10);
	return errno || end == text || *end || *out < min || *out > max ? -1 : 0;
}

static int valid_date(const char *s)
{
	int y, m, d;
	char tail;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return 0;
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int parse_price(const char *text, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(text, &end);
	return errno || end == text || *end || !(*out >= 0) ? -1 : 0;
}

static int parse_args(int argc, char **argv, Args *a)
{
	static const struct option options[] = {
		{"db", required_argument, NULL, 'd'},	{"by", required_argument, NULL, 'b'},
		{"run", required_argument, NULL, 'r'},	{"prompt", required_argument, NULL, 'p'},
		{"since", required_argument, NULL, 's'}, {"until", required_argument, NULL, 'u'},
		{"reviewer", required_argument, NULL, 'w'}, {"no-ci", no_argument, NULL, 'n'},
		{"resamples", required_argument, NULL, 'R'}, {"seed", required_argument, NULL, 'S'},
		{"json", no_argument, NULL, 'j'},	{"price-in", required_argument, NULL, 'I'},
		{"price-out", required_argument, NULL, 'O'}, {"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	long long n;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'd': a->db = optarg; break;
		case 'b':
			if (agree_by_parse(optarg, &a->report.by))
				return cli_usage_error("agree", "--by takes prompt, model, reviewer, "
								"category or blind, not '%s'", optarg);
			break;
		case 'r':
			if (parse_count(optarg, 1, (long long)1 << 62, &a->run))
				return cli_usage_error("agree", "--run takes a run id, not '%s'", optarg);
			break;
		case 'p': a->prompt = optarg; break;
		case 's': a->since = optarg; break;
		case 'u': a->until = optarg; break;
		case 'w':
			if (a->n_reviewers == MAX_REVIEWERS)
				return cli_usage_error("agree", "at most %d --reviewer options",
						       MAX_REVIEWERS);
			a->reviewers[a->n_reviewers++] = optarg;
			break;
		case 'n': a->report.intervals = 0; break;
		case 'R':
			if (parse_count(optarg, 1, 1000000, &n))
				return cli_usage_error("agree", "--resamples takes 1 to 1000000, not "
								"'%s'", optarg);
			a->report.boot.resamples = (int)n;
			break;
		case 'S':
			errno = 0;
			a->report.boot.seed = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || *optarg == '-')
				return cli_usage_error("agree", "--seed takes a whole number, not '%s'",
						       optarg);
			break;
		case 'j': a->json = 1; break;
		case 'I':
		case 'O':
			if (parse_price(optarg, c == 'I' ? &a->price_in : &a->price_out))
				return cli_usage_error("agree", "--price-%s takes a price per million "
								"tokens, not '%s'",
						       c == 'I' ? "in" : "out", optarg);
			break;
		case 'h': fputs(usage, stdout); return -1;
		default: return cli_option_error("agree", c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("agree", "unexpected argument '%s'", argv[optind]);
	if (a->run && a->prompt)
		return cli_usage_error("agree", "give --run or --prompt, not both");
	for (int i = 0; i < 2; i++) {
		const char *date = i ? a->until : a->since;

		if (date && !valid_date(date))
			return cli_usage_error("agree", "--%s takes a date YYYY-MM-DD, not '%s'",
					       i ? "until" : "since", date);
	}
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

/* Loads, computes and prints; the database stays open only while loading. */
static Status report(Args *a, AgreeFmtContext *ctx)
{
	AgreeDataFilter filter = { a->since, a->until, a->n_reviewers ? a->reviewers : NULL,
				   a->n_reviewers, a->report.by == AGREE_BY_CATEGORY };
	DbPromptVersion version = { 0 };
	AgreeData *data = NULL;
	AgreeReport *r;
	Db *db;
	Status st = db_open(cli_db_path(a->db), DB_OPEN_EXISTING, &db);

	if (st != STATUS_OK)
		return st;
	if (a->prompt)
		st = db_prompt_version_find(db, a->prompt, &version);
	if (st == STATUS_OK)
		st = agreedata_load(db, &filter, &data);
	db_close(db);
	if (st == STATUS_OK && a->run && !run_exists(data, a->run))
		st = status_fail(STATUS_ERR_NOT_FOUND, "there is no run %lld", a->run);
	if (st != STATUS_OK)
		goto out;
	a->report.run_id = a->run;
	a->report.prompt_version_id = version.id;
	ctx->run_id = a->run;
	ctx->prompt_version_id = version.id;
	ctx->prompt_hash = version.hash;
	set_prices(data, a);
	r = agree_report(data, &a->report);
	if (a->json)
		agreefmt_json(r, ctx, stdout);
	else
		agreefmt_text(r, ctx, stdout);
	agree_report_free(r);
out:
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
