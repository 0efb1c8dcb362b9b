/* cli.h - the command table and what every command shares: --db, exit codes,
 * error messages. Every command is declared once, in CLI_COMMANDS. */
#ifndef GAVEL_CLI_H
#define GAVEL_CLI_H

#include "src/base/status.h"

/* name, one-line help. Each is implemented by cmd_NAME() in src/cmd_NAME.c.
 * A command whose name is not a C identifier is declared with
 * S(name, "spelled-name", help): cmd_name() implements "spelled-name". */
#define CLI_COMMANDS(X, S)                                                   \
	X(init, "create a database with a label scale")                      \
	X(import, "add images from a folder or a JSONL/CSV manifest")        \
	S(import_ratings, "import-ratings", "add existing ratings from a CSV of item,rater,label") \
	X(label, "run a prompt over items through an LLM provider")                \
	X(review, "the review UI: see the image and the rationale, decide with one key") \
	X(stats, "count items, runs, predictions, reviews and reviewers")    \
	X(prompts, "list, show and diff prompt versions")                    \
	X(agree, "agreement of the LLM, the reviewers and the scorer")

#define CLI_DECLARE(name, help) int cmd_##name(int argc, char **argv);
#define CLI_DECLARE_SPELLED(name, text, help) CLI_DECLARE(name, help)
CLI_COMMANDS(CLI_DECLARE, CLI_DECLARE_SPELLED)
#undef CLI_DECLARE_SPELLED
#undef CLI_DECLARE

/* Exit statuses, as docs/gavel.1 gives them. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAILURE = 1, CLI_EXIT_USAGE = 2 };

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

/* Prints a line "gavel: ..." to stderr, cleaned: what a command says when it
 * is done (not an error). */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a warning line "gavel: warning: ..." to stderr, cleaned. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
