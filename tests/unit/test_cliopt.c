/* test_cliopt.c - option tables (src/cmd/cliopt.c): a date option takes
 * YYYY-MM-DD with a month 1-12 and a day 1-31, and anything else is a usage
 * error naming the option, before the command sees it. */
#include <stdio.h>

#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "tests/unit/test.h"

/* Parses "--since TEXT" against a table with one date; the exit status. */
static int parse_since(const char *text, const char **since)
{
	const CliOpt options[] = {
		CLIOPT_DATE("since", since, "only after DATE"),
		CLIOPT_END,
	};
	const CliSpec spec = { .command = "test", .synopsis = "", .about = "", .options = options };
	char *argv[] = { "test", "--since", (char *)text, NULL };
	int first;
	*since = NULL;
	return cliopt_parse(&spec, 3, argv, &first);
}

static void test_dates(void)
{
	static const char *const good[] = { "2024-01-01", "1999-12-31", "2024-02-31" };
	static const char *const bad[] = { "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32",
					   "2024-1-01",  "24-01-01",   "2024/01/01", "2024-01-01T",
					   "",           "x",          "2024-01-0a" };
	const char *since;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		CHECK_INT(parse_since(good[i], &since), 0);
		CHECK_STR(since, good[i]);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(parse_since(bad[i], &since), CLI_EXIT_USAGE);
		CHECK(since == NULL);
	}
}

int main(void)
{
	RUN(test_dates);
	return test_summary();
}
