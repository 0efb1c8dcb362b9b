/* cli.c - command dispatch, the top-level help, and shared CLI helpers. */
#include "src/cmd/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/text.h"
#include "src/base/xalloc.h"
#include "src/base/out.h"

#ifndef GAVEL_VERSION
#define GAVEL_VERSION "0.1.0"
#endif

const char *cli_version(void)
{
	return GAVEL_VERSION;
}

typedef struct {
	const char *name;
	const char *help;
	int (*run)(int argc, char **argv);
} CliCommand;

static const CliCommand commands[] = {
#define CLI_ENTRY(fn, name, help) {name, help, cmd_##fn},
	CLI_COMMANDS(CLI_ENTRY)
#undef CLI_ENTRY
};

enum { COMMAND_COUNT = sizeof commands / sizeof commands[0] };

static const CliCommand *find_command(const char *name)
{
	for (int i = 0; i < COMMAND_COUNT; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static void print_help(FILE *out)
{
	out_puts(out, "usage: gavel COMMAND [options]   (gavel COMMAND --help for each)\n\n"
	      "Audit the labels an LLM puts on images: import, label, review, measure.\n\n"
	      "commands:\n");
	for (int i = 0; i < COMMAND_COUNT; i++)
		out_printf(out, "  %-14s %s\n", commands[i].name, commands[i].help);
	out_puts(out, "\noptions:\n"
	      "  --help, help [COMMAND]   this help, or a command's\n"
	      "  --version                gavel's version\n"
	      "\nThe database is --db FILE, else $GAVEL_DB, else ./gavel.db.\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

/* gavel help [COMMAND]: the top-level help, or COMMAND --help. */
static int help(int argc, char **argv)
{
	const CliCommand *command;
	char *args[] = {argv[1], "--help", NULL};
	if (argc < 2) {
		print_help(stdout);
		return CLI_EXIT_OK;
	}
	command = find_command(argv[1]);
	if (!command)
		return cli_usage_error(NULL, "'%s' is not a gavel command (see 'gavel --help')",
				       argv[1]);
	return command->run(2, args);
}

int cli_main(int argc, char **argv)
{
	const CliCommand *command;
	opterr = 0; /* commands word their own option errors */
	if (argc < 2) {
		print_help(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--commands")) {
		/* for shell completion: every command, one a line */
		for (int i = 0; i < COMMAND_COUNT; i++)
			out_printf(stdout, "%s\n", commands[i].name);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		out_printf(stdout, "gavel %s\n", GAVEL_VERSION);
		return CLI_EXIT_OK;
	}
	command = find_command(argv[1]);
	if (command)
		return command->run(argc - 1, argv + 1);
	return cli_usage_error(NULL, "'%s' is not a gavel command (see 'gavel --help')", argv[1]);
}

const char *cli_db_path(const char *flag_value)
{
	const char *env = getenv("GAVEL_DB");
	if (flag_value && *flag_value)
		return flag_value;
	if (env && *env)
		return env;
	return "gavel.db";
}

/* Writes a message built from fmt to stderr, cleaned (src/base/out.h). */
static void print_clean(const char *prefix, const char *fmt, va_list ap)
{
	char buf[2048];
	vsnprintf(buf, sizeof buf, fmt, ap);
	out_printf(stderr, "%s%s\n", prefix, buf);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	char prefix[64];
	va_list ap;
	snprintf(prefix, sizeof prefix, "gavel%s%s: ", command ? " " : "", command ? command : "");
	va_start(ap, fmt);
	print_clean(prefix, fmt, ap);
	va_end(ap);
	if (command)
		out_printf(stderr, "Try 'gavel %s --help'.\n", command);
	return CLI_EXIT_USAGE;
}

int cli_option_error(const char *command, int c, char **argv)
{
	const char *arg = argv[optind - 1];
	if (c == ':')
		return cli_usage_error(command, "option '%s' needs a value", arg);
	if (optopt && optopt != '?' && arg[0] == '-' && arg[1] != '-')
		return cli_usage_error(command, "unknown option '-%c'", optopt);
	return cli_usage_error(command, "unknown option '%s'", arg);
}

static void print_detail(const char *prefix, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_clean(prefix, fmt, ap);
	va_end(ap);
}

int cli_fail(Status status)
{
	const char *detail = status_detail();
	print_detail("gavel: ", "%s", *detail ? detail : status_message(status));
	return status == STATUS_ERR_USAGE ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
}

void cli_print(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_clean("", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_clean("gavel: ", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_clean("gavel: warning: ", fmt, ap);
	va_end(ap);
}
