/* cliopt.c - option tables: parsing through getopt_long, and --help. */
#include "src/cmd/cliopt.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/base/xalloc.h"
#include "src/cmd/cli.h"
#include "src/base/out.h"

enum { HELP_COLUMN = 20, LONG_BASE = 256 };

static int count_options(const CliOpt *o)
{
	int n = 0;
	while (o[n].name)
		n++;
	return n;
}

static int takes_value(const CliOpt *o)
{
	return o->kind != CLIOPT_FLAG && o->kind != CLIOPT_FLAG_OFF;
}

/* The words of a choice as "a, b or c". */
static void list_words(const char *const *words, char *out, size_t size)
{
	out[0] = '\0';
	int shown = 0;
	for (int i = 0; words[i]; i++) {
		if (!*words[i])
			continue;
		snprintf(out + strlen(out), size - strlen(out), "%s%s",
			 !shown ? "" : words[i + 1] ? ", " : " or ", words[i]);
		shown++;
	}
}

/* Bounds this large are "no bound" to a user. */
enum { UNBOUNDED_EXPONENT = 15 };

static int bad_number(const CliSpec *spec, const CliOpt *o, const char *text, const char *what)
{
	if (o->min > -HUGE_VAL && o->max < pow(10, UNBOUNDED_EXPONENT))
		return cli_usage_error(spec->command, "--%s: '%s' is not %s from %g to %g", o->name,
				       text, what, o->min, o->max);
	if (o->min > -HUGE_VAL)
		return cli_usage_error(spec->command, "--%s: '%s' is not %s of at least %g", o->name,
				       text, what, o->min);
	return cli_usage_error(spec->command, "--%s: '%s' is not %s", o->name, text, what);
}

/* Whether s is a date YYYY-MM-DD (a month 1-12, a day 1-31). */
static int is_date(const char *s)
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

/* Stores text into o's destination; 0, or a usage error's exit status. */
static int store(const CliSpec *spec, const CliOpt *given, const char *text)
{
	CliOpt o_ = *given, *o = &o_;
	char *end = NULL, words[512];
	double d;
	long long n;
	if (o->min == 0 && o->max == 0)
		o->min = -HUGE_VAL, o->max = HUGE_VAL;
	switch (o->kind) {
	case CLIOPT_FLAG: *(int *)o->dest = 1; return 0;
	case CLIOPT_FLAG_OFF: *(int *)o->dest = 0; return 0;
	case CLIOPT_STRING: *(const char **)o->dest = text; return 0;
	case CLIOPT_ISODATE:
		if (!is_date(text))
			return cli_usage_error(spec->command,
					       "--%s takes a date YYYY-MM-DD, not '%s'", o->name,
					       text);
		*(const char **)o->dest = text;
		return 0;
	case CLIOPT_INT:
	case CLIOPT_LONG:
		errno = 0;
		/* decimal, or hexadecimal after 0x (seeds); never octal */
		n = strtoll(text, &end, strncasecmp(text, "0x", 2) ? 10 : 16);
		if (!*text || *end || errno || (double)n < o->min || (double)n > o->max)
			return bad_number(spec, o, text, "a whole number");
		if (o->kind == CLIOPT_INT)
			*(int *)o->dest = (int)n;
		else
			*(long long *)o->dest = n;
		return 0;
	case CLIOPT_DOUBLE:
		errno = 0;
		d = strtod(text, &end);
		if (!*text || *end || errno || !isfinite(d) || d < o->min || d > o->max)
			return bad_number(spec, o, text, "a number");
		*(double *)o->dest = d;
		return 0;
	case CLIOPT_CHOICE:
		for (int i = 0; o->words[i]; i++)
			if (*o->words[i] && !strcmp(o->words[i], text)) {
				*(int *)o->dest = i;
				return 0;
			}
		list_words(o->words, words, sizeof words);
		return cli_usage_error(spec->command, "--%s: '%s' is not %s", o->name, text, words);
	case CLIOPT_LIST: {
		CliList *list = o->dest;
		if (list->count == list->max)
			return cli_usage_error(spec->command, "--%s: at most %d of them", o->name,
					       list->max);
		list->values[list->count++] = text;
		return 0;
	}
	}
	return 0;
}

void cliopt_help(const CliSpec *spec, FILE *out)
{
	out_printf(out, "%s\n\n%s\n", spec->synopsis, spec->about);
	if (spec->options[0].name)
		out_puts(out, "\n");
	for (const CliOpt *o = spec->options; o->name; o++) {
		const char *help = o->help;
		int n = o->letter ? out_printf(out, "  -%c, --%s", o->letter, o->name)
				  : out_printf(out, "  --%s", o->name);
		if (takes_value(o))
			n += out_printf(out, " %s", o->value);
		while (help) {
			const char *nl = strchr(help, '\n');
			int len = nl ? (int)(nl - help) : (int)strlen(help);
			if (n >= HELP_COLUMN - 1)
				out_printf(out, "\n%*s", HELP_COLUMN, ""), n = HELP_COLUMN;
			out_printf(out, "%*s%.*s\n", HELP_COLUMN - n, "", len, help);
			n = 0;
			help = nl ? nl + 1 : NULL;
		}
	}
	out_puts(out, "  -h, --help        show this help\n");
	if (spec->epilog)
		out_printf(out, "\n%s", spec->epilog);
}

/* For shell completion (gavel completion): every option, one a line, with
 * its words after a tab for a choice ("--by\tprompt model ..."), and a
 * value's name for the others ("--db\tFILE"). */
static void list_options(const CliSpec *spec)
{
	for (const CliOpt *o = spec->options; o->name; o++) {
		out_printf(stdout, "--%s", o->name);
		if (o->kind == CLIOPT_CHOICE) {
			out_puts(stdout, "\t");
			for (int i = 0; o->words[i]; i++)
				if (*o->words[i])
					out_printf(stdout, "%s ", o->words[i]);
		} else if (takes_value(o)) {
			out_printf(stdout, "\t%s", o->value);
		}
		out_puts(stdout, "\n");
		if (o->letter)
			out_printf(stdout, "-%c\n", o->letter);
	}
	out_puts(stdout, "--help\n");
}

int cliopt_parse(const CliSpec *spec, int argc, char **argv, int *first_arg)
{
	int count = count_options(spec->options), c, rc = 0;
	struct option *longs = xcalloc((size_t)count + 2, sizeof *longs);
	char shorts[2 * 64 + 4] = ":h";
	for (int i = 0; i < count; i++) {
		const CliOpt *o = &spec->options[i];
		longs[i] = (struct option){o->name, takes_value(o) ? required_argument : no_argument,
					   NULL, LONG_BASE + i};
		if (o->letter && strlen(shorts) + 3 < sizeof shorts) {
			size_t at = strlen(shorts);
			shorts[at++] = o->letter;
			if (takes_value(o))
				shorts[at++] = ':';
			shorts[at] = '\0';
		}
	}
	longs[count] = (struct option){"help", no_argument, NULL, 'h'};
	if (argc == 2 && !strcmp(argv[1], "--list-options")) {
		free(longs);
		list_options(spec);
		return CLIOPT_HELP;
	}
	optind = 1;
	while (!rc && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == 'h') {
			cliopt_help(spec, stdout);
			rc = CLIOPT_HELP;
		} else if (c >= LONG_BASE) {
			rc = store(spec, &spec->options[c - LONG_BASE], optarg);
		} else if (c != ':' && c != '?') {
			for (int i = 0; i < count; i++)
				if (spec->options[i].letter == c)
					rc = store(spec, &spec->options[i], optarg);
		} else {
			rc = cli_option_error(spec->command, c, argv);
		}
	}
	free(longs);
	*first_arg = optind;
	return rc;
}
