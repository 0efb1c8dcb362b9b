/* cliopt.h - a command's options as one table: getopt_long's list, the
 * checked parsing of every value (`--limit abc` is a usage error, not "no
 * limit") and the --help text all come from it (git's parse-options, as
 * data). */
#ifndef GAVEL_CLIOPT_H
#define GAVEL_CLIOPT_H

#include <stdio.h>

typedef enum {
	CLIOPT_FLAG,     /* no value: *(int *)dest = 1 */
	CLIOPT_FLAG_OFF, /* no value: *(int *)dest = 0 (--no-json-mode) */
	CLIOPT_STRING,   /* *(const char **)dest = the value (borrowed from argv) */
	CLIOPT_INT,      /* *(int *)dest: a whole number in [min, max] */
	CLIOPT_LONG,     /* *(long long *)dest: a whole number in [min, max] */
	CLIOPT_DOUBLE,   /* *(double *)dest: a finite number in [min, max] */
	CLIOPT_CHOICE,   /* *(int *)dest: the index of the value among words (an empty
			  * word is a placeholder: never matched or listed) */
	CLIOPT_LIST,     /* (CliList *)dest: each use appends its value */
	CLIOPT_ISODATE,  /* *(const char **)dest = the value, a date YYYY-MM-DD */
} CliOptKind;

/* Where a repeatable option's values go (borrowed from argv). */
typedef struct {
	const char **values;
	int count, max;
} CliList;

/* One option. A table of them ends with an entry whose name is NULL. */
typedef struct {
	const char *name;  /* "limit" for --limit */
	char letter;       /* 'q' for -q too, or 0 */
	CliOptKind kind;
	void *dest;
	const char *value; /* the value's name in --help ("N", "FILE"); NULL for flags */
	const char *help;  /* what it does; a '\n' continues on the next line */
	double min, max;   /* INT, LONG, DOUBLE: the values allowed; both 0: any */
	const char *const *words; /* CHOICE: the values allowed, NULL-terminated */
} CliOpt;

/* Table rows, so every field is given (and -Wextra stays quiet):
 *   CLIOPT_TEXT("db", &db, "FILE", "the database")
 *   CLIOPT_NUMBER(CLIOPT_INT, "concurrency", &n, "N", 1, 512, "requests in flight")
 *   CLIOPT_ONE_OF("items", &which, "WHICH", words, "which items")
 *   CLIOPT_DATE("since", &since, "only reviews made on or after DATE")
 *   CLIOPT_SWITCH("quiet", 'q', &quiet, "no progress")  (CLIOPT_SWITCH_OFF stores 0) */
#define CLIOPT_TEXT(name, dest, value, help) {name, 0, CLIOPT_STRING, dest, value, help, 0, 0, NULL}
#define CLIOPT_NUMBER(kind, name, dest, value, min, max, help)                           \
	{name, 0, kind, dest, value, help, min, max, NULL}
#define CLIOPT_ONE_OF(name, dest, value, words, help)                                    \
	{name, 0, CLIOPT_CHOICE, dest, value, help, 0, 0, words}
/* clang-format off */
#define CLIOPT_DATE(name, dest, help) {name, 0, CLIOPT_ISODATE, dest, "DATE", help, 0, 0, NULL}
/* clang-format on */
#define CLIOPT_REPEAT(name, list, value, help) {name, 0, CLIOPT_LIST, list, value, help, 0, 0, NULL}
#define CLIOPT_SWITCH(name, letter, dest, help) {name, letter, CLIOPT_FLAG, dest, NULL, help, 0, 0, NULL}
#define CLIOPT_SWITCH_OFF(name, dest, help) {name, 0, CLIOPT_FLAG_OFF, dest, NULL, help, 0, 0, NULL}
/* The --db row every command that opens a database has. */
#define CLIOPT_DB(dest) CLIOPT_TEXT("db", dest, "FILE", "the database (else $GAVEL_DB, else ./gavel.db)")
#define CLIOPT_END {NULL, 0, CLIOPT_FLAG, NULL, NULL, NULL, 0, 0, NULL}

/* A command's command line: what --help prints around the option list. */
typedef struct {
	const char *command;  /* "label" */
	const char *synopsis; /* "usage: gavel label [options] ...", may span lines */
	const char *about;    /* what the command does, a paragraph or more */
	const CliOpt *options;
	const char *epilog;   /* printed after the options, or NULL */
} CliSpec;

enum { CLIOPT_HELP = -1 };

/* Parses argv (argv[0] is the command's name) against spec. Returns 0 with
 * *first_arg at the first argument that is not an option; CLIOPT_HELP after
 * printing the help to stdout (the command then exits 0; also for the
 * hidden --list-options, alone, which lists the options for shell
 * completion, one a line: "--by<TAB>word word", "--db<TAB>FILE"); or CLI_EXIT_USAGE
 * after printing what was wrong and a pointer to --help. Values out of range
 * or not numbers are usage errors naming the option. */
int cliopt_parse(const CliSpec *spec, int argc, char **argv, int *first_arg);

/* Prints the help text generated from spec. */
void cliopt_help(const CliSpec *spec, FILE *out);

#endif
