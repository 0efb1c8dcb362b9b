/* cmd_review.c - gavel review: the options, then the UI (ui/reviewui.h). */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/database.h"
#include "db/checkpoint.h"
#include "db/claims.h"
#include "db/runs.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/config.h"
#include "src/review/review.h"
#include "ui/reviewui.h"

int cmd_review(int argc, char **argv)
{
	const char *db_flag = NULL, *user = getenv("USER");
	ReviewOptions opt = {.reviewer = user && *user ? user : "reviewer", .seed = 1,
			     .overlap = -1, .lease_s = 15 * 60, .renew_s = REVIEW_RENEW_S,
			     .lookahead = 4};
	ReviewUiOptions ui = { .cols = 100, .rows = 30, .price = config_price };
	const char *size = NULL;
	int order = DB_ORDER_UNREVIEWED;
	long long seed = 1;
	double lease_min = 15;
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_TEXT("reviewer", &opt.reviewer, "NAME", "who is reviewing (default $USER)"),
		CLIOPT_ONE_OF("order", &order, "ORDER", db_order_words,
			      "unreviewed (default), disagreement, confidence, random,\n"
			      "scorer, uncertain, llm-vs-scorer, suspect, audit (the\n"
			      "audits' items, in draw order) or recheck (the items a\n"
			      "prompt comparison sent back to re-review)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "seed", &seed, "S", 0, 9e18,
			      "for --order random (default 1)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "blind", &opt.blind, "SHARE", 0, 1,
			      "hide the LLM's answer on this share of items (default 0;\n"
			      "an audit's items follow the audit: blind unless --primed)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "overlap", &opt.overlap, "SHARE", 0, 1,
			      "give this share of items to two reviewers: a setting of\n"
			      "the database, kept for every reviewer (default 0)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "run", &opt.run_id, "RUN", 1, 9e18,
			      "show the answers of this labelling run (default: the latest)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "lease", &lease_min, "MINUTES", 1e-3, 1e6,
			      "how long a reviewer holds an item they walked away from (15)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "renew", &opt.renew_s, "SECONDS", 0.05, 86400,
			      "how often a running session renews its claims (60); the\n"
			      "lease must be longer"),
		CLIOPT_NUMBER(CLIOPT_INT, "retrain-every", &ui.retrain_every, "N", 1, 1000000,
			      "refit the scorer in the background after every N labels\n"
			      "(R refits at any time)"),
		CLIOPT_TEXT("graphics", &ui.graphics, "MODE",
			    "sixel, blocks or none (default: detected; $GAVEL_GRAPHICS)"),
		CLIOPT_TEXT("script", &ui.script, "FILE",
			    "headless: read keys from FILE (see docs/review.md)"),
		CLIOPT_TEXT("dump-dir", &ui.dump_dir, "DIR",
			    "headless: where the script's 'dump NAME' writes NAME.txt"),
		CLIOPT_TEXT("size", &size, "COLSxROWS",
			    "headless: the screen size (default 100x30)"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "review",
		.synopsis = "usage: gavel review [--db FILE] [--reviewer NAME] [--order ORDER]\n"
			    "                    [--blind SHARE] [--overlap SHARE] [--run RUN]\n"
			    "                    [--retrain-every N] [--graphics sixel|blocks|none]",
		.about = "Review the LLM's labels: see the image, the rationale and the score; accept\n"
			 "with one key or give your own label with a digit. Every decision is saved\n"
			 "before the next item shows. Several reviewers can work on one database at once:\n"
			 "each item is handed to one of them (two for the --overlap share).",
		.options = options,
	};
	ReviewUiResult result;
	Db *db;
	Status st;
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	if (first < argc)
		return cli_usage_error("review", "unexpected argument '%s'", argv[first]);
	if (!*opt.reviewer)
		return cli_usage_error("review", "--reviewer needs a name");
	if (size && (sscanf(size, "%dx%d", &ui.cols, &ui.rows) != 2 || ui.cols < 10 || ui.rows < 5))
		return cli_usage_error("review", "--size takes COLSxROWS, like 100x30");
	opt.order = (DbOrder)order;
	opt.seed = (unsigned long long)seed;
	opt.lease_s = lease_min * 60;
	st = db_open(cli_db_path(db_flag), DB_OPEN_EXISTING, &db);
	if (st != STATUS_OK)
		return cli_fail(st);
	st = db_checkpoint_in_background(db); /* no key waits for a checkpoint */
	/* Each key borrows and frees about 170 KB (SQLite's scratch, the frame);
	 * glibc would hand it back to the kernel every time, and with the
	 * checkpoint thread each return is a TLB shootdown on every core:
	 * a third of a key's time at a million items. Keep it. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	/* an unknown run is an error, not a queue without answers */
	if (st == STATUS_OK && opt.run_id) {
		DbRun run;
		st = db_run_get(db, opt.run_id, &run);
		db_run_free(&run);
	}
	if (st == STATUS_OK)
		st = reviewui_run(db, &opt, &ui, &result);
	if (st == STATUS_OK)
		cli_note("%s has reviewed %lld of %lld items; every decision is saved in %s",
			 opt.reviewer, result.mine, result.items, db_path(db));
	db_close(db);
	if (st != STATUS_OK)
		return cli_fail(st);
	/* a session ended by a signal did not end as the reviewer asked */
	return result.signalled ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
