/* labtable.c - each labeller's figures against the settled label, ranked. */
#include "src/lab/labtable.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

void labtable_labeller_clear(LabLabeller *l)
{
	free(l->ref), free(l->hash), free(l->name), free(l->note);
	free(l->provider), free(l->model);
	free(l->runs), free(l->items), free(l->answers);
	memset(l, 0, sizeof *l);
}

void labtable_tokens_text(long long n, char *out, size_t size)
{
	if (n >= 10000000)
		snprintf(out, size, "%.0fM", (double)n / 1e6);
	else if (n >= 10000)
		snprintf(out, size, "%.1fk", (double)n / 1e3);
	else
		snprintf(out, size, "%lld", n);
}

void labtable_money_text(double usd, char *out, size_t size)
{
	if (usd < 0)
		snprintf(out, size, "-");
	else if (usd > 0 && usd < 0.005)
		snprintf(out, size, "<$0.01");
	else
		snprintf(out, size, "$%.2f", usd);
}

int labtable_majority(const int *answers, int n, int K)
{
	ConsistencyItem it;
	consistency_item(answers, n, K, &it);
	return it.majority;
}

static double money(long long in, long long out, const LabLabeller *l)
{
	if (!l->has_price)
		return in || out ? -1 : 0;
	return ((double)in * l->price_in + (double)out * l->price_out) / 1e6;
}

static void measure(LabRow *row, const LabLabeller *l, int K, const BootstrapOptions *boot)
{
	long *table = xcalloc((size_t)K * (size_t)K, sizeof *table);
	MetricInterval ci[METRICS_STAT_COUNT];

	row->who = l;
	for (size_t i = 0; i < l->n_items; i++) {
		const LabItem *it = &l->items[i];
		/* the labeller's items are its readable answers on settled items */
		if (it->label >= 1 && it->label <= K && it->human >= 1 && it->human <= K) {
			table[(it->human - 1) * K + it->label - 1]++;
			row->covered++;
		}
	}
	row->kappa_q = metrics_table_stat(table, K, METRICS_STAT_KAPPA_QUADRATIC);
	row->agreement = metrics_table_stat(table, K, METRICS_STAT_PERCENT);
	if (row->kappa_q.defined) {
		bootstrap_table(table, K, boot, ci);
		row->kappa_q_ci = ci[METRICS_STAT_KAPPA_QUADRATIC];
	} else {
		row->kappa_q_ci = (MetricInterval){ .why = row->kappa_q.why };
	}
	row->parse_failure_rate =
		l->calls ? (MetricValue){ .defined = 1,
					  .value = (double)l->parse_failed / (double)l->calls }
			 : (MetricValue){ .why = "no answers" };
	row->cost = money(l->prompt_tokens, l->completion_tokens, l);
	row->saved = money(l->saved_prompt_tokens, l->saved_completion_tokens, l);
	free(table);
}

static void measure_consistency(LabRow *row, const LabLabeller *l, int K)
{
	int *human;
	if (l->repeats < 2 || !l->answers)
		return;
	human = xmalloc((l->n_items + 1) * sizeof *human);
	for (size_t i = 0; i < l->n_items; i++)
		human[i] = l->items[i].human;
	row->consistency = consistency_summarize(l->answers, l->n_items, l->repeats, human, K,
						 &row->consistency_summary) == STATUS_OK;
	free(human);
}

/* Ranking order: full coverage first, then defined kappa, then kappa
 * descending, then the later labeller (the newer version) first. */
static int tier(const LabRow *r)
{
	return (r->fewer ? 1 : 0) + (r->kappa_q.defined ? 0 : 2);
}

static int rank_order(const void *pa, const void *pb)
{
	const LabRow *a = pa, *b = pb;
	if (tier(a) != tier(b))
		return tier(a) - tier(b);
	if (a->kappa_q.defined && a->kappa_q.value != b->kappa_q.value)
		return a->kappa_q.value > b->kappa_q.value ? -1 : 1;
	if (a->covered != b->covered)
		return a->covered > b->covered ? -1 : 1;
	return strcmp(b->who->ref, a->who->ref);
}

static int has_run(const LabLabeller *l, long long run)
{
	for (int i = 0; i < l->n_runs; i++)
		if (l->runs[i] == run)
			return 1;
	return 0;
}

LabTable *labtable_build(const LabLabeller *labellers, int n, int K, long long current_run,
			 const BootstrapOptions *boot)
{
	LabTable *t = xcalloc(1, sizeof *t);
	t->boot = boot ? *boot
		       : (BootstrapOptions){ BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED,
					     BOOTSTRAP_CONFIDENCE };
	t->rows = xcalloc((size_t)n + 1, sizeof *t->rows);
	t->n_rows = n;
	for (int i = 0; i < n; i++) {
		measure(&t->rows[i], &labellers[i], K, &t->boot);
		measure_consistency(&t->rows[i], &labellers[i], K);
		t->rows[i].current = current_run > 0 && has_run(&labellers[i], current_run);
		if (t->rows[i].covered > t->max_covered)
			t->max_covered = t->rows[i].covered;
	}
	for (int i = 0; i < n; i++)
		t->rows[i].fewer =
			(double)t->rows[i].covered < LABTABLE_FULL_SHARE * (double)t->max_covered;
	qsort(t->rows, (size_t)n, sizeof *t->rows, rank_order);
	for (int i = 0; i < n; i++)
		t->rows[i].rank = i + 1;
	if (n && t->rows[0].kappa_q.defined)
		t->rows[0].best = 1;
	return t;
}

void labtable_free(LabTable *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->n_rows; i++)
		if (t->rows[i].consistency)
			consistency_summary_free(&t->rows[i].consistency_summary);
	free(t->rows);
	free(t);
}
