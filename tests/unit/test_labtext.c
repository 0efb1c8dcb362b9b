/* test_labtext.c - the lab screen's words: the list's layout by screen
 * width, a line with its figures and marks, a version never run, and the
 * detail lines (runs, cost, the cache's savings, an unfinished run, fewer
 * items, self-consistency with an undefined AUC said, not made up). The
 * figures are given; the expected text is written from the formats. */
#include <string.h>

#include "src/lab/labtext.h"
#include "tests/unit/test.h"

static long long runs[] = { 3, 5 };

static LabLabeller labeller(void)
{
	return (LabLabeller){ .ref = "2",
			      .version_id = 2,
			      .provider = "openai",
			      .model = "gpt-x",
			      .runs = runs,
			      .n_runs = 2,
			      .calls = 40,
			      .cached = 10,
			      .parse_failed = 2,
			      .prompt_tokens = 12000,
			      .completion_tokens = 345 };
}

static LabRow row_of(const LabLabeller *l)
{
	return (LabRow){ .who = l,
			 .covered = 30,
			 .kappa_q = { .defined = 1, .value = 0.61234 },
			 .kappa_q_ci = { .defined = 1, .lo = 0.4049, .hi = 0.8 },
			 .agreement = { .defined = 1, .value = 0.5 },
			 .parse_failure_rate = { .defined = 1, .value = 0.05 },
			 .cost = 0.004,
			 .saved = 1.5,
			 .best = 1,
			 .current = 1 };
}

static void test_columns(void)
{
	LabColumns narrow = labtext_columns(100), wide = labtext_columns(130);
	LabColumns tiny = labtext_columns(80), huge = labtext_columns(300);
	CHECK(!narrow.wide);
	CHECK(wide.wide);
	CHECK_INT(narrow.name_w, 10); /* 100 - 70 others - 20 for the marks */
	CHECK_INT(wide.name_w, 19);   /* 130 - 91 - 20 */
	CHECK_INT(tiny.name_w, 10);   /* never below 10 */
	CHECK_INT(huge.name_w, 24);   /* nor above 24 */
	CHECK(!labtext_columns(120).wide && labtext_columns(121).wide);
}

static void test_head(void)
{
	LabColumns c = labtext_columns(100);
	char out[256];
	labtext_head(&c, out, sizeof out);
	CHECK_STR(out, "  REF      NAME       MODEL            COVERED KAPPA_Q 95% CI       EXACT "
		       "UNPARS");
	c = labtext_columns(130);
	labtext_head(&c, out, sizeof out);
	CHECK(strstr(out, " RUNS     COVERED ") != NULL);
	CHECK(strstr(out, "UNPARS  TOKENS    COST") != NULL);
}

static void test_line(void)
{
	LabLabeller l = labeller();
	LabRow r = row_of(&l);
	DbPromptVersion v = { .id = 2, .name = "a-very-long-template-name.md" };
	LabColumns c = labtext_columns(100);
	char out[512];
	labtext_line(&c, &r, &v, 36, 1, out, sizeof out);
	CHECK_STR(out,
		  "A 2        a-very-lon gpt-x           30/36      0.612 0.40..0.80   50.0%   5.0%"
		  " best current");
	c = labtext_columns(130);
	labtext_line(&c, &r, &v, 36, 0, out, sizeof out);
	/* runs after the model; tokens (12,345: "12.3k") and cost (<$0.01) after UNPARS */
	CHECK(strstr(out, "gpt-x           2    30/36 ") != NULL);
	CHECK(strstr(out, "5.0%   12.3k  <$0.01 best current") != NULL);
	r.best = r.current = 0, r.fewer = 1;
	r.kappa_q = (MetricValue){ .why = "x" }, r.kappa_q_ci = (MetricInterval){ .why = "x" };
	r.cost = -1;
	labtext_line(&c, &r, &v, 36, 0, out, sizeof out);
	CHECK(strstr(out, "30/36          - -            50.0%") != NULL);
	CHECK(strstr(out, "12.3k       - fewer items") != NULL);
}

static void test_never_run(void)
{
	DbPromptVersion v = { .id = 7, .name = "edit.md", .parent_id = 2 };
	LabColumns c = labtext_columns(100);
	char out[512];
	labtext_line(&c, NULL, &v, 36, 0, out, sizeof out);
	CHECK_STR(out,
		  "  7        edit.md    -                      -       -  not run yet (an edit: "
		  "r reruns it)");
}

static void test_detail(void)
{
	LabLabeller l = labeller();
	LabRow r = row_of(&l);
	LabTable t = { .max_covered = 36 };
	DbPromptVersion v = { .id = 2,
			      .hash = "0123456789abcdef",
			      .name = "a.md",
			      .parent_id = 1,
			      .note = "dim photos" };
	char lines[LABTEXT_DETAIL_MAX][LABTEXT_DETAIL_WIDTH];
	int n = labtext_detail(&t, &r, &v, lines);
	CHECK_INT(n, 3);
	CHECK_STR(lines[0], "version 2  0123456789ab  a.md  edit of 1");
	CHECK_STR(lines[1], "meant to fix: dim photos");
	CHECK_STR(lines[2],
		  "runs 3, 5 · 40 answers, 10 from the cache, 2 unparsed · 12345 tokens · "
		  "cost <$0.01, the cache saved $1.50");
	l.unfinished = 1, r.fewer = 1, r.cost = -1;
	l.repeats = 3, r.consistency = 1;
	r.consistency_summary = (ConsistencySummary){ .split = 4,
						      .answered = 30,
						      .auc_split = { .why = "no item is wrong" } };
	n = labtext_detail(&t, &r, &v, lines);
	CHECK_INT(n, 6);
	CHECK(strstr(lines[2], "cost unknown (no price), the cache saved $1.50") != NULL);
	CHECK_STR(lines[3], "run 5 stopped before its end: r resumes it");
	CHECK_STR(lines[4], "fewer items: measured on 30 of the 36 items the best-measured version "
			    "covers, so ranked after those");
	CHECK_STR(lines[5],
		  "split votes on 4 of 30 items; split vs wrong AUC undefined (no item is "
		  "wrong)");
	r.consistency_summary.split = 0, r.consistency_summary.all_unanimous = 1;
	n = labtext_detail(&t, &r, &v, lines);
	CHECK_STR(lines[n - 1], "warning: every item unanimous over 3 answers: the provider may "
				"ignore the temperature");
}

static void test_no_version(void)
{
	LabLabeller l = labeller();
	LabRow r = row_of(&l);
	LabTable t = { .max_covered = 30 };
	char lines[LABTEXT_DETAIL_MAX][LABTEXT_DETAIL_WIDTH];
	l.ref = "run:4", l.version_id = 0, l.provider = "import", l.model = "other";
	l.n_runs = 1, l.runs = runs + 1;
	CHECK_INT(labtext_detail(&t, &r, NULL, lines), 2);
	CHECK_STR(lines[0], "run:4  import other: no prompt version to edit or rerun (gavel label "
			    "--prompt FILE --settled makes one)");
	CHECK(strncmp(lines[1], "run 5 · 40 answers", 18) == 0);
}

int main(void)
{
	RUN(test_columns);
	RUN(test_head);
	RUN(test_line);
	RUN(test_never_run);
	RUN(test_detail);
	RUN(test_no_version);
	return test_summary();
}
