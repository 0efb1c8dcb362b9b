/* compare_json.c - a test driver: reads a comparison of two labellers from
 * stdin, runs compare_run() (and consistency_summarize() when repeated
 * answers are given), prints every figure as JSON. For tests/cli/
 * compare_check.py, which recomputes each figure independently.
 *
 * Input, whitespace-separated:
 *   compare K n_categories resamples seed confidence power method n
 *     then n lines: human a b category    (method: auto, items, triples)
 *   consistency K repeats n
 *     then n lines: human answer_1 .. answer_repeats   (0 = none)
 *   sign k m | holm m p_1 .. p_m | mcnemar b c | quantile p
 * Several requests may follow each other; each prints one JSON line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/agree/compare.h"
#include "src/agree/consistency.h"
#include "src/agree/stattest.h"
#include "src/base/xalloc.h"

static void num(const char *key, double v, int comma)
{
	if (isnan(v) || isinf(v))
		printf("\"%s\":null", key);
	else
		printf("\"%s\":%.17g", key, v);
	if (comma)
		putchar(',');
}

static void value(const char *key, MetricValue v, int comma)
{
	num(key, v.defined ? v.value : NAN, comma);
}

static void interval(const char *key, MetricInterval iv, int comma)
{
	if (iv.defined)
		printf("\"%s\":[%.17g,%.17g]", key, iv.lo, iv.hi);
	else
		printf("\"%s\":null", key);
	if (comma)
		putchar(',');
}

static void print_summary(const CompareSummary *s)
{
	printf("{\"n\":%zu,\"classes\":{", s->n);
	for (int c = 0; c < COMPARE_CLASS_COUNT; c++)
		printf("%s\"%s\":%ld", c ? "," : "", compare_class_name((CompareClass)c), s->classes[c]);
	printf("},\"figures\":{");
	for (int f = 0; f < COMPARE_FIGURE_COUNT; f++) {
		const CompareFigure *g = &s->figure[f];

		printf("%s\"%s\":{", f ? "," : "", compare_figure_name((CompareFigureId)f));
		value("a", g->a, 1), value("b", g->b, 1), value("diff", g->diff, 1);
		value("se_a", g->se_a, 1), value("se_b", g->se_b, 1), value("se_diff", g->se_diff, 1);
		interval("ci_a", g->ci_a, 1), interval("ci_b", g->ci_b, 1);
		interval("ci_diff", g->ci_diff, 1);
		value("mdd", g->mdd, 1);
		num("p_diff", g->p_diff, 1), num("p_diff_holm", g->p_diff_holm, 0);
		putchar('}');
	}
	printf("},\"mcnemar\":{\"b\":%ld,\"c\":%ld,", s->mcnemar.b, s->mcnemar.c);
	num("p_exact", s->mcnemar.p_exact, 1);
	num("chi2", s->mcnemar.chi2_defined ? s->mcnemar.chi2 : NAN, 1);
	num("p_chi2", s->mcnemar.chi2_defined ? s->mcnemar.p_chi2 : NAN, 1);
	num("p_holm", s->mcnemar_p_holm, 0);
	printf("},\"toward\":%ld,\"away\":%ld,", s->toward, s->away);
	num("sign_p", s->sign_p, 1), num("sign_p_holm", s->sign_p_holm, 1);
	printf("\"resamples\":%d,\"seed\":%llu,\"resampled_by\":\"%s\"}", s->resamples,
	       (unsigned long long)s->seed,
	       s->resampled_by == COMPARE_RESAMPLE_ITEMS ? "items" : "triples");
}

static int read_compare(void)
{
	static const char *const methods[] = { "auto", "items", "triples" };
	int K, C, R, *h, *a, *b, *cat, m = -1;
	double conf, power;
	unsigned long long seed;
	char method[16];
	size_t n;
	CompareResult r;
	CompareOptions o;

	if (scanf("%d %d %d %llu %lf %lf %15s %zu", &K, &C, &R, &seed, &conf, &power, method,
		  &n) != 8)
		return 1;
	for (int i = 0; i < 3; i++)
		if (strcmp(method, methods[i]) == 0)
			m = i;
	h = xmalloc(4 * (n ? n : 1) * sizeof *h);
	a = h + n, b = a + n, cat = b + n;
	for (size_t i = 0; i < n; i++)
		if (scanf("%d %d %d %d", &h[i], &a[i], &b[i], &cat[i]) != 4)
			return 1;
	o = (CompareOptions){ R, seed, conf, power, (CompareResampling)m };
	if (compare_run(h, a, b, C ? cat : NULL, n, K, C, &o, &r) != STATUS_OK) {
		printf("{\"error\":\"%s\"}\n", status_detail());
	} else {
		printf("{\"all\":");
		print_summary(&r.all);
		printf(",\"categories\":[");
		for (int c = 0; c < r.n_categories; c++) {
			printf(c ? "," : "");
			print_summary(&r.category[c]);
		}
		printf("],\"item_class\":[");
		for (size_t i = 0; i < n; i++)
			printf("%s\"%s\"", i ? "," : "", compare_class_name((CompareClass)r.item_class[i]));
		printf("]}\n");
	}
	compare_result_free(&r);
	free(h);
	return 0;
}

static int read_consistency(void)
{
	int K, reps, *ans, *human;
	size_t n;
	ConsistencySummary s;

	if (scanf("%d %d %zu", &K, &reps, &n) != 3)
		return 1;
	ans = xmalloc((n ? n : 1) * (size_t)reps * sizeof *ans);
	human = xmalloc((n ? n : 1) * sizeof *human);
	for (size_t i = 0; i < n; i++) {
		if (scanf("%d", &human[i]) != 1)
			return 1;
		for (int r = 0; r < reps; r++)
			if (scanf("%d", &ans[i * (size_t)reps + (size_t)r]) != 1)
				return 1;
	}
	printf("{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		ConsistencyItem it;

		consistency_item(ans + i * (size_t)reps, reps, K, &it);
		printf("%s{\"majority\":%d,\"votes\":%d,\"answers\":%d,\"tied\":%d,", i ? "," : "",
		       it.majority, it.votes, it.answers, it.tied);
		num("entropy", it.entropy, 0);
		putchar('}');
	}
	consistency_summarize(ans, n, reps, human, K, &s);
	printf("],\"answered\":%ld,\"split\":%ld,\"all_unanimous\":%d,\"settled\":%ld,"
	       "\"wrong\":%ld,",
	       s.answered, s.split, s.all_unanimous, s.settled, s.wrong);
	value("split_share", s.split_share, 1);
	value("agreement_split", s.agreement_split, 1);
	value("agreement_unanimous", s.agreement_unanimous, 1);
	value("auc_split", s.auc_split, 1);
	value("auc_entropy", s.auc_entropy, 1);
	printf("\"levels\":[");
	for (int l = 0; l < s.n_levels; l++) {
		printf("%s{\"votes\":%d,\"answers\":%d,\"items\":%ld,\"settled\":%ld,\"agree\":%ld}",
		       l ? "," : "", s.levels[l].votes, s.levels[l].answers, s.levels[l].items,
		       s.levels[l].settled, s.levels[l].agree);
	}
	printf("]}\n");
	consistency_summary_free(&s);
	free(ans);
	free(human);
	return 0;
}

static int read_small(const char *what)
{
	long k, m;
	double p;

	if (strcmp(what, "sign") == 0 && scanf("%ld %ld", &k, &m) == 2) {
		printf("{\"p\":%.17g}\n", stattest_sign_p(k, m));
	} else if (strcmp(what, "mcnemar") == 0 && scanf("%ld %ld", &k, &m) == 2) {
		StattestMcnemar t = stattest_mcnemar(k, m);

		printf("{\"p_exact\":%.17g,", t.p_exact);
		num("chi2", t.chi2_defined ? t.chi2 : NAN, 1);
		num("p_chi2", t.chi2_defined ? t.p_chi2 : NAN, 0);
		printf("}\n");
	} else if (strcmp(what, "quantile") == 0 && scanf("%lf", &p) == 1) {
		printf("{\"z\":%.17g}\n", stattest_normal_quantile(p));
	} else if (strcmp(what, "holm") == 0 && scanf("%ld", &m) == 1) {
		double *v = xmalloc((size_t)(m ? m : 1) * sizeof *v);

		for (long i = 0; i < m; i++)
			if (scanf("%lf", &v[i]) != 1)
				v[i] = NAN;
		stattest_holm(v, (size_t)m, v);
		printf("{\"adjusted\":[");
		for (long i = 0; i < m; i++)
			printf("%s%.17g", i ? "," : "", v[i]);
		printf("]}\n");
		free(v);
	} else {
		return 1;
	}
	return 0;
}

int main(void)
{
	char what[32];

	while (scanf("%31s", what) == 1) {
		int bad;

		if (strcmp(what, "compare") == 0)
			bad = read_compare();
		else if (strcmp(what, "consistency") == 0)
			bad = read_consistency();
		else
			bad = read_small(what);
		if (bad) {
			fprintf(stderr, "compare_json: cannot read a \"%s\" request\n", what);
			return 2;
		}
		fflush(stdout);
	}
	return 0;
}
