/* cmd_score.c - gavel score: label items with a stored scorer model, as a
 * run of the scorer labeller (src/score/apply.h), with a progress bar. */
#include <signal.h>
#include <stdio.h>

#include "db/database.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/progress.h"
#include "src/score/apply.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = 1;
	signal(sig, SIG_DFL);
}

static void show(void *arg, long long done, long long total)
{
	progress_show(arg, done, total, NULL, 0);
}

int cmd_score(int argc, char **argv)
{
	const char *db_flag = NULL;
	long long model = 0;
	int unreviewed = 0, quiet = 0;
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_NUMBER(CLIOPT_LONG, "model", &model, "ID", 1, 9e18,
			      "the model to apply (default: the latest; 'gavel train\n"
			      "--list' lists them)"),
		CLIOPT_SWITCH("unreviewed", 0, &unreviewed,
			      "only items that still need a reviewer's decision"),
		CLIOPT_SWITCH("quiet", 'q', &quiet, "no progress bar"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "score",
		.synopsis = "usage: gavel score [--db FILE] [--model ID] [--unreviewed]",
		.about = "Label items with a trained scorer: every item that has the model's features\n"
			 "(or, with --unreviewed, those still needing a review). The answers are a run\n"
			 "of the 'scorer' labeller, like an LLM's: the predicted label, the expected\n"
			 "score, the probability of the label as its confidence, and every label's\n"
			 "probability in the reply. Review, agree --by model and the dashboard read\n"
			 "it as they read any run; the review queue's scorer orders follow the latest\n"
			 "scorer run.",
		.options = options,
	};
	ApplySpec as = {.unreviewed = 0, .origin = "gavel score", .progress = show,
			.stop = &interrupted};
	ApplyResult r;
	Progress progress;
	Db *db = NULL;
	Status st;
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	if (first < argc)
		return cli_usage_error("score", "unexpected argument '%s'", argv[first]);
	as.model_id = model;
	as.unreviewed = unreviewed;
	as.arg = &progress;
	st = db_open(cli_db_path(db_flag), DB_OPEN_EXISTING, &db);
	if (st == STATUS_OK) {
		progress_start(&progress, "score", quiet);
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		st = apply_model(db, &as, &r);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		progress_clear(&progress);
	}
	if (st == STATUS_OK && !quiet)
		cli_note("model %lld labelled %lld of %lld item%s as run %lld%s%s", r.model_id,
			 r.scored, r.items, r.items == 1 ? "" : "s", r.run_id,
			 r.scored < r.items ? " (the rest lack its features)" : "",
			 r.stopped ? "; interrupted" : "");
	db_close(db);
	if (st != STATUS_OK)
		return cli_fail(st);
	return r.stopped ? CLI_EXIT_INTERRUPTED : CLI_EXIT_OK;
}
