/* cli.h - the command table and what every command shares: --db, exit codes,
 * error messages. Every command is declared once, in CLI_COMMANDS. */
#ifndef GAVEL_CLI_H
#define GAVEL_CLI_H

#include "src/base/status.h"

/* Every command, declared once: the function (cmd_FN in src/cmd/cmd_FN.c),
 * the name typed, one line of help. The dispatch table, the top-level help
 * and `gavel help COMMAND` come from it (git's commands[]). */
#define CLI_COMMANDS(X)                                                                      \
	X(init, "init", "create a database with a label scale")                              \
	X(import, "import", "add images from a folder or a JSONL/CSV manifest")              \
	X(import_ratings, "import-ratings", "add existing ratings (item,rater,label)")       \
	X(label, "label", "run a prompt over items through an LLM provider")                 \
	X(review, "review", "the review UI: see the image and the rationale, decide")        \
	X(stats, "stats", "count items, runs, predictions, reviews and reviewers")           \
	X(prompts, "prompts", "list, show and diff prompt versions")                         \
	X(agree, "agree", "agreement of the LLM, the reviewers and the scorer")              \
	X(settle, "settle", "settled labels: unanimous, majority or Dawid-Skene")            \
	X(export, "export", "write the gold set: JSONL, CSV or a Hugging Face imagefolder")  \
	X(audit, "audit", "draw, grow, list and show random audit samples")                  \
	X(estimate, "estimate", "each label's share of the catalogue, with valid intervals") \
	X(completion, "completion", "the shell completion script for bash or zsh")           \
	X(features, "features", "measure the pixel features of every image (pixels-v1)")     \
	X(import_features, "import-features", "load feature vectors computed elsewhere")     \
	X(train, "train", "fit the linear scorer on the human (or LLM) labels")              \
	X(score, "score", "label items with a trained scorer, as a run")                     \
	X(export_model, "export-model", "write a scorer model as JSON")

#define CLI_DECLARE(fn, name, help) int cmd_##fn(int argc, char **argv);
CLI_COMMANDS(CLI_DECLARE)
#undef CLI_DECLARE

/* Exit statuses, as docs/gavel.1 gives them; 130 is the shell's code for a
 * command stopped by Ctrl-C (128 + SIGINT), which a resumable run keeps. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAILURE = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_INTERRUPTED = 130 };

/* gavel's version ("0.1.0"), as `gavel --version` prints it. Static. */
const char *cli_version(void);

/* Runs the command named by argv[1]; returns the exit status. */
int cli_main(int argc, char **argv);

/* The database path: the --db value when given, else $GAVEL_DB, else ./gavel.db. */
const char *cli_db_path(const char *flag_value);

/* Prints "gavel COMMAND: MESSAGE" and a pointer to --help; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reports a getopt_long() failure: C is what it returned (':' for a missing
 * value, '?' for an unknown option; the optstring must start with ':').
 * Returns CLI_EXIT_USAGE. */
int cli_option_error(const char *command, int c, char **argv);

/* Prints "gavel: DETAIL" (or the status message when there is no detail),
 * cleaned of control characters; returns CLI_EXIT_FAILURE, or
 * CLI_EXIT_USAGE for STATUS_ERR_USAGE. */
int cli_fail(Status status);

/* Prints a line to stderr, cleaned of control characters: a command's
 * report on what it did. */
void cli_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a line "gavel: ..." to stderr, cleaned: what a command says when it
 * is done (not an error). */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a warning line "gavel: warning: ..." to stderr, cleaned. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
