/* cmd_export.c - gavel export: the gold set as JSONL, CSV or a Hugging Face
 * imagefolder, with splits and a manifest (src/export/export.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/database.h"
#include "db/prompts.h"
#include "src/base/strbuf.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/progress.h"
#include "src/cmd/settleopts.h"
#include "src/export/export.h"

enum { MAX_REVIEWERS = 64 };

typedef struct {
	const char *db, *out, *prompt, *split;
	int format, quiet, split_mode; /* split_mode: -1 until given */
	long long seed;
	SettleArgs settle;
	const char *reviewers[MAX_REVIEWERS];
	ExportOptions export;
} Args;

static const char *format_list(void)
{
	static char text[1024];
	size_t n = (size_t)snprintf(text, sizeof text, "formats (--format):\n");
	for (int i = 0; export_format_names[i] && n < sizeof text; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "  %-12s %s\n",
				      export_format_names[i],
				      export_format_find(export_format_names[i])->summary);
	if (n < sizeof text)
		snprintf(
			text + n, sizeof text - n,
			"\nThe columns, the imagefolder's rules and the manifest are described in\n"
			"docs/export.md.\n");
	return text;
}

/* Checks what the table cannot: the dates' order, the split, the target. */
static int check_args(Args *a, int argc, char **argv, int first)
{
	ExportOptions *e = &a->export;
	if (first < argc && !a->out)
		a->out = argv[first++];
	if (first < argc)
		return cli_usage_error("export", "unexpected argument '%s'", argv[first]);
	if (!a->out || !*a->out)
		return cli_usage_error("export", "give the folder to write: gavel export DIR");
	if (e->since && e->until && strcmp(e->since, e->until) > 0)
		return cli_usage_error("export", "--since %s is after --until %s", e->since,
				       e->until);
	if (a->split && split_parse(a->split, &e->split) != STATUS_OK)
		return cli_usage_error("export", "%s", status_detail());
	if (a->split_mode >= 0 && !a->split)
		return cli_usage_error("export", "--split-mode is for --split");
	e->split.mode = a->split_mode == SPLIT_EXACT ? SPLIT_EXACT : SPLIT_STABLE;
	if (e->run_id && a->prompt)
		return cli_usage_error("export", "give --run or --prompt, not both");
	if (e->link && export_format_find(export_format_names[a->format]) != &imagefolder_ops)
		return cli_usage_error("export", "--link is for --format imagefolder");
	return 0;
}

static int parse_args(int argc, char **argv, Args *a)
{
	ExportOptions *e = &a->export;
	CliList reviewers = { a->reviewers, 0, MAX_REVIEWERS };
	const CliOpt options[] = {
		CLIOPT_DB(&a->db),
		CLIOPT_ONE_OF("format", &a->format, "F", export_format_names,
			      "jsonl (default), csv or imagefolder (below)"),
		CLIOPT_TEXT("out", &a->out, "DIR",
			    "the folder to write (or give it as the argument)"),
		CLIOPT_SWITCH("force", 0, &e->force, "replace an earlier export in DIR"),
		CLIOPT_SWITCH("link", 0, &e->link, "imagefolder: hard-link the images, not copy"),
		CLIOPT_SWITCH("all", 0, &e->all, "unsettled items too (their label empty)"),
		CLIOPT_TEXT("category", &e->category, "C", "only items of category C"),
		CLIOPT_DATE("since", &e->since,
			    "only items last decided on or after DATE (YYYY-MM-DD, UTC)"),
		CLIOPT_DATE("until", &e->until, "only items last decided on or before DATE"),
		CLIOPT_REPEAT("reviewer", &reviewers, "NAME",
			      "only items NAME voted on (repeat for several)"),
		CLIOPT_TEXT("prompt", &a->prompt, "REF",
			    "the LLM's answer from this prompt version's runs (items\n"
			    "without one are left out)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "run", &e->run_id, "N", 1, 9e18,
			      "the LLM's answer from run N (items without one are left\n"
			      "out; default: each item's latest)"),
		CLIOPT_TEXT("split", &a->split, "P/P/P",
			    "train/validation/test percentages (80/10/10, 90/10, 100),\n"
			    "by content hash and seed"),
		CLIOPT_NUMBER(CLIOPT_LONG, "seed", &a->seed, "S", 0, 9e18,
			      "the split's seed (default 0)"),
		CLIOPT_ONE_OF("split-mode", &a->split_mode, "MODE", split_mode_names,
			      "stable (default): an item's split depends on its hash\n"
			      "and the seed alone, so adding items never moves one;\n"
			      "each label's counts are near its shares, not exact.\n"
			      "exact: each label cut at its largest-remainder counts;\n"
			      "an added item can move up to 3 others near the cuts"),
		SETTLEOPTS_ROWS(&a->settle),
		CLIOPT_SWITCH("quiet", 'q', &a->quiet, "no progress, no summary"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "export",
		.synopsis =
			"usage: gavel export [--db FILE] [--format F] [--force] [--link] [--all]\n"
			"                    [--category C] [--since DATE] [--until DATE]\n"
			"                    [--reviewer NAME]... [--prompt REF | --run N]\n"
			"                    [--split P/P/P [--seed S] [--split-mode MODE]]\n"
			"                    [settle options] DIR",
		.about =
			"Write the gold set into the folder DIR: every settled item (under the\n"
			"database's default rule, or the one given) with the full provenance of its\n"
			"label: the image and its hash, its metadata, every human vote with reviewer\n"
			"and time, the adjudication, the LLM's label, score, rationale, prompt version\n"
			"and model, and the Dawid-Skene posterior where used. manifest.json beside it\n"
			"records the command, the filter, the rule, the counts per label and split,\n"
			"the agreement figures, gavel's version and a hash of the database's content.\n"
			"The same database and options give the same bytes. An existing DIR needs\n"
			"--force; nothing is written outside DIR.",
		.options = options,
		.epilog = format_list(),
	};
	int first, rc = cliopt_parse(&spec, argc, argv, &first);
	if (rc)
		return rc;
	e->reviewers = a->reviewers;
	e->n_reviewers = reviewers.count;
	return check_args(a, argc, argv, first);
}

/* The command line as a shell would take it back, for the manifest. */
static char *command_line(int argc, char **argv)
{
	StrBuf b = { 0 };
	strbuf_adds(&b, "gavel");
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		int plain = *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "0123456789-_./=:,+@%") == strlen(s);
		strbuf_addc(&b, ' ');
		if (plain) {
			strbuf_adds(&b, s);
			continue;
		}
		strbuf_addc(&b, '\'');
		for (; *s; s++)
			strbuf_adds(&b, *s == '\'' ? "'\\''" : (char[]){ *s, 0 });
		strbuf_addc(&b, '\'');
	}
	return strbuf_take(&b);
}

static void on_progress(void *arg, long long done)
{
	progress_show(arg, done, 0, NULL, 0);
}

static void on_warning(void *arg, const char *message)
{
	progress_clear(arg);
	cli_warn("%s", message);
}

static void summary(const Args *a, const ExportSummary *s)
{
	char parts[128] = "";
	for (int i = 0; a->export.has_split && i < a->export.split.n; i++)
		snprintf(parts + strlen(parts), sizeof parts - strlen(parts), "%s%s %lld",
			 i ? ", " : " (", a->export.split.name[i], s->per_split[i]);
	if (*parts)
		strcat(parts, ")");
	cli_note("%s: %lld item%s written%s; left out: %lld unsettled, %lld by the filter, "
		 "%lld without an image file",
		 a->out, s->rows, s->rows == 1 ? "" : "s", parts, s->unsettled, s->filtered,
		 s->no_image);
}

static Status run(Args *a, Progress *progress, ExportSummary *s)
{
	DbPromptVersion version = { 0 };
	Db *db;
	Status st = db_open(cli_db_path(a->db), DB_OPEN_EXISTING, &db);
	if (st != STATUS_OK)
		return st;
	st = settleopts_config(db, &a->settle, &a->export.settle);
	if (st == STATUS_OK && a->prompt)
		st = db_prompt_version_find(db, a->prompt, &version);
	a->export.prompt_version_id = version.id;
	if (st == STATUS_OK) {
		progress_start(progress, "export", a->quiet);
		st = export_run(db, &a->export, s);
		progress_clear(progress);
	}
	db_prompt_version_clear(&version);
	db_close(db);
	return st;
}

int cmd_export(int argc, char **argv)
{
	Args a = { .settle = SETTLEOPTS_NONE, .split_mode = -1 };
	Progress progress = { 0 };
	ExportSummary s;
	Status st;
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	a.export.format = export_format_find(export_format_names[a.format]);
	a.export.out = a.out;
	a.export.prompt_ref = a.prompt;
	a.export.has_split = a.split != NULL;
	a.export.seed = (uint64_t)a.seed;
	a.export.version = cli_version();
	a.export.command_line = command_line(argc, argv);
	a.export.on_progress = on_progress;
	a.export.on_warning = on_warning;
	a.export.arg = &progress;
	st = run(&a, &progress, &s);
	if (st == STATUS_OK && !a.quiet)
		summary(&a, &s);
	free((char *)a.export.command_line);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}
