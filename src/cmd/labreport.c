/* labreport.c - the lab table and comparisons, printed. */
#include "src/cmd/labreport.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/base/out.h"
#include "src/base/strbuf.h"
#include "src/base/text.h"
#include "src/base/xalloc.h"

/* ---- small pieces ---- */

static char *clean(const char *s)
{
	return text_clean(s ? s : "-");
}

char *labreport_labeller_line(const LabLabeller *l)
{
	StrBuf b = { 0 };
	char *runs, *line, *cleaned;
	for (int i = 0; i < l->n_runs; i++)
		strbuf_addf(&b, "%s%lld", i ? ", " : "", l->runs[i]);
	runs = strbuf_take(&b);
	if (l->version_id)
		line = xasprintf("%s (%s, %.8s, %s %s; run%s %s)", l->ref, l->name ? l->name : "-",
				 l->hash ? l->hash : "", l->provider ? l->provider : "",
				 l->model ? l->model : "", l->n_runs > 1 ? "s" : "", runs);
	else
		line = xasprintf("%s (%s %s, no prompt)", l->ref, l->provider ? l->provider : "",
				 l->model ? l->model : "");
	cleaned = text_clean(line);
	free(line);
	free(runs);
	return cleaned;
}

static void value_text(MetricValue v, const char *fmt, char *out, size_t size)
{
	if (v.defined)
		snprintf(out, size, fmt, v.value);
	else
		snprintf(out, size, "-");
}

static const DbPromptVersion *version_of(const DbPromptVersion *v, int count, long long id)
{
	for (int i = 0; i < count; i++)
		if (v[i].id == id)
			return &v[i];
	return NULL;
}

/* ---- the table ---- */

static void marks_text(const LabRow *r, const LabTable *t, char *out, size_t size)
{
	snprintf(out, size, "%s%s", r->best ? " best" : "", r->current ? " current" : "");
	if (r->fewer)
		snprintf(out + strlen(out), size - strlen(out), " fewer items (%ld of %ld)",
			 r->covered, t->max_covered);
}

static void consistency_line(FILE *out, const LabRow *r)
{
	const ConsistencySummary *s = &r->consistency_summary;
	char auc[32];
	if (!r->consistency)
		return;
	if (s->all_unanimous) {
		out_printf(out,
			   "      warning: every one of %ld items had %d identical answers: the "
			   "provider may ignore the temperature\n",
			   s->answered, r->who->repeats);
		return;
	}
	value_text(s->auc_split, "%.2f", auc, sizeof auc);
	out_printf(out,
		   "      self-consistency over %d answers: %ld of %ld items split (%.1f%%); "
		   "split vs wrong AUC %s\n",
		   r->who->repeats, s->split, s->answered,
		   s->split_share.defined ? 100 * s->split_share.value : 0.0, auc);
}

static void row_text(FILE *out, const LabRow *r, const LabTable *t, const LabData *d,
		     const DbPromptVersion *versions, int count)
{
	const LabLabeller *l = r->who;
	const DbPromptVersion *v = version_of(versions, count, l->version_id);
	char kq[24], ci[48], exact[24], unparsed[24], tokens[24], cost[24], marks[96];
	char *ref = clean(l->ref), *model = clean(l->model),
	     *name = clean(v ? v->name : l->provider);
	value_text(r->kappa_q, "%.3f", kq, sizeof kq);
	if (r->kappa_q_ci.defined)
		snprintf(ci, sizeof ci, "%.3f..%.3f", r->kappa_q_ci.lo, r->kappa_q_ci.hi);
	else
		snprintf(ci, sizeof ci, "-");
	value_text((MetricValue){ r->agreement.defined, 100 * r->agreement.value, NULL }, "%.1f%%",
		   exact, sizeof exact);
	value_text((MetricValue){ r->parse_failure_rate.defined, 100 * r->parse_failure_rate.value,
				  NULL },
		   "%.1f%%", unparsed, sizeof unparsed);
	labtable_tokens_text(l->prompt_tokens + l->completion_tokens, tokens, sizeof tokens);
	labtable_money_text(r->cost, cost, sizeof cost);
	marks_text(r, t, marks, sizeof marks);
	out_printf(out,
		   "%4d  %-9s %-8.8s  %-14.14s %4d  %5ld/%-5lld %7s  %-13s %6s %8s %8s %7s  %s%s\n",
		   r->rank, ref, l->hash ? l->hash : "-", model, l->n_runs, r->covered,
		   (long long)d->settled, kq, ci, exact, unparsed, tokens, cost, name, marks);
	if (l->note) {
		char *note = clean(l->note);
		out_printf(out, "      edit of %lld: %s\n", l->parent_id, note);
		free(note);
	}
	consistency_line(out, r);
	free(ref), free(model), free(name);
}

static int ran(const LabData *d, long long version_id)
{
	for (int i = 0; i < d->n; i++)
		if (d->labellers[i].version_id == version_id)
			return 1;
	return 0;
}

void labreport_table_text(FILE *out, const LabTable *t, const LabData *d,
			  const DbPromptVersion *versions, int count)
{
	out_printf(out, "%4s  %-9s %-8s  %-14s %4s  %11s %7s  %-13s %6s %8s %8s %7s  %s\n", "RANK",
		   "REF", "HASH", "MODEL", "RUNS", "COVERED", "KAPPA_Q", "95% CI", "EXACT",
		   "UNPARSED", "TOKENS", "COST", "NAME");
	for (int i = 0; i < t->n_rows; i++)
		row_text(out, &t->rows[i], t, d, versions, count);
	for (int i = 0; i < count; i++) {
		char *name;
		if (ran(d, versions[i].id))
			continue;
		name = clean(versions[i].name);
		out_printf(
			out,
			"%4s  %-9lld %-8.8s  %-14s %4d  %5s/%-5lld %7s  %-13s %6s %8s %8s %7s  %s"
			" (not run yet)\n",
			"-", versions[i].id, versions[i].hash, "-", 0, "-", (long long)d->settled,
			"-", "-", "-", "-", "-", "-", name);
		free(name);
	}
}

/* ---- JSON ---- */

static void add_value(cJSON *o, const char *key, MetricValue v)
{
	if (v.defined)
		cJSON_AddNumberToObject(o, key, v.value);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_interval(cJSON *o, const char *key, MetricInterval iv)
{
	if (iv.defined) {
		double pair[2] = { iv.lo, iv.hi };
		cJSON_AddItemToObject(o, key, cJSON_CreateDoubleArray(pair, 2));
	} else {
		cJSON_AddNullToObject(o, key);
	}
}

static void add_text(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_id(cJSON *o, const char *key, long long id)
{
	if (id > 0)
		cJSON_AddNumberToObject(o, key, (double)id);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *labeller_json(const LabLabeller *l)
{
	cJSON *o = cJSON_CreateObject(), *runs = cJSON_CreateArray();
	cJSON_AddStringToObject(o, "ref", l->ref);
	add_id(o, "id", l->version_id);
	add_text(o, "hash", l->hash);
	add_text(o, "name", l->name);
	add_id(o, "parent", l->parent_id);
	add_text(o, "note", l->note);
	add_text(o, "provider", l->provider);
	add_text(o, "model", l->model);
	for (int i = 0; i < l->n_runs; i++)
		cJSON_AddItemToArray(runs, cJSON_CreateNumber((double)l->runs[i]));
	cJSON_AddItemToObject(o, "run_ids", runs);
	cJSON_AddNumberToObject(o, "repeats", l->repeats);
	return o;
}

static cJSON *consistency_json(const ConsistencySummary *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "answered", (double)s->answered);
	cJSON_AddNumberToObject(o, "split", (double)s->split);
	add_value(o, "split_share", s->split_share);
	cJSON_AddBoolToObject(o, "all_unanimous", s->all_unanimous);
	add_value(o, "agreement_unanimous", s->agreement_unanimous);
	add_value(o, "agreement_split", s->agreement_split);
	add_value(o, "auc_split", s->auc_split);
	add_value(o, "auc_entropy", s->auc_entropy);
	return o;
}

static cJSON *row_json(const LabRow *r, const LabData *d, const DbPromptVersion *v)
{
	const LabLabeller *l = r->who;
	cJSON *o = labeller_json(l);
	cJSON_AddNumberToObject(o, "rank", r->rank);
	cJSON_AddBoolToObject(o, "best", r->best);
	cJSON_AddBoolToObject(o, "current", r->current);
	cJSON_AddBoolToObject(o, "fewer_items", r->fewer);
	add_text(o, "created_at", v ? v->created_at : NULL);
	cJSON_AddNumberToObject(o, "runs", l->n_runs);
	cJSON_AddNumberToObject(o, "predictions", (double)l->calls);
	cJSON_AddNumberToObject(o, "settled", (double)d->settled);
	cJSON_AddNumberToObject(o, "covered", (double)r->covered);
	add_value(o, "kappa_quadratic", r->kappa_q);
	add_interval(o, "kappa_quadratic_ci", r->kappa_q_ci);
	add_value(o, "agreement", r->agreement);
	add_value(o, "parse_failure_rate", r->parse_failure_rate);
	cJSON_AddNumberToObject(o, "parse_failed", (double)l->parse_failed);
	cJSON_AddNumberToObject(o, "failed", (double)l->failed);
	cJSON_AddNumberToObject(o, "cached", (double)l->cached);
	cJSON_AddNumberToObject(o, "prompt_tokens", (double)l->prompt_tokens);
	cJSON_AddNumberToObject(o, "completion_tokens", (double)l->completion_tokens);
	add_value(o, "cost_usd", (MetricValue){ r->cost >= 0, r->cost, NULL });
	add_value(o, "saved_usd", (MetricValue){ r->saved >= 0, r->saved, NULL });
	if (r->consistency)
		cJSON_AddItemToObject(o, "consistency", consistency_json(&r->consistency_summary));
	return o;
}

cJSON *labreport_table_json(const LabTable *t, const LabData *d, const DbPromptVersion *versions,
			    int count)
{
	cJSON *array = cJSON_CreateArray();
	for (int i = 0; i < t->n_rows; i++)
		cJSON_AddItemToArray(array, row_json(&t->rows[i], d,
						     version_of(versions, count,
								t->rows[i].who->version_id)));
	for (int i = 0; i < count; i++) {
		cJSON *o;
		char ref[32];
		if (ran(d, versions[i].id))
			continue;
		o = cJSON_CreateObject();
		snprintf(ref, sizeof ref, "%lld", versions[i].id);
		cJSON_AddStringToObject(o, "ref", ref);
		cJSON_AddNumberToObject(o, "id", (double)versions[i].id);
		cJSON_AddStringToObject(o, "hash", versions[i].hash);
		add_text(o, "name", versions[i].name);
		add_id(o, "parent", versions[i].parent_id);
		add_text(o, "note", versions[i].note);
		add_text(o, "created_at", versions[i].created_at);
		cJSON_AddNumberToObject(o, "runs", (double)versions[i].runs);
		cJSON_AddNumberToObject(o, "predictions", (double)versions[i].predictions);
		cJSON_AddNumberToObject(o, "settled", (double)d->settled);
		cJSON_AddNumberToObject(o, "covered", 0);
		cJSON_AddNullToObject(o, "rank");
		cJSON_AddItemToArray(array, o);
	}
	return array;
}

/* ---- a comparison ---- */

static const char *const figure_keys[COMPARE_FIGURE_COUNT] = {
	"kappa",
	"kappa_linear",
	"kappa_quadratic",
	"agreement",
};

static void p_text(double p, char *out, size_t size)
{
	if (isnan(p))
		snprintf(out, size, "-");
	else if (p < 0.0001)
		snprintf(out, size, "<0.0001");
	else
		snprintf(out, size, "%.4f", p);
}

/* A figure's value: agreement as a percentage, kappa as is. */
static void fig_text(int f, MetricValue v, int sign, char *out, size_t size)
{
	double scale = f == COMPARE_FIGURE_AGREEMENT ? 100 : 1;
	if (!v.defined)
		snprintf(out, size, "-");
	else if (f == COMPARE_FIGURE_AGREEMENT)
		snprintf(out, size, sign ? "%+.1f%%" : "%.1f%%", scale * v.value);
	else
		snprintf(out, size, sign ? "%+.3f" : "%.3f", v.value);
}

static void figure_line(FILE *out, int f, const CompareFigure *g)
{
	char a[16], b[16], diff[16], lo[16], hi[16], se[16], mdd[16], p[16], ci[40];
	fig_text(f, g->a, 0, a, sizeof a);
	fig_text(f, g->b, 0, b, sizeof b);
	fig_text(f, g->diff, 1, diff, sizeof diff);
	fig_text(f, g->se_diff, 0, se, sizeof se);
	fig_text(f, g->mdd, 0, mdd, sizeof mdd);
	p_text(g->p_diff, p, sizeof p);
	if (g->ci_diff.defined) {
		fig_text(f, (MetricValue){ 1, g->ci_diff.lo, NULL }, 1, lo, sizeof lo);
		fig_text(f, (MetricValue){ 1, g->ci_diff.hi, NULL }, 1, hi, sizeof hi);
		snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
	} else {
		snprintf(ci, sizeof ci, "-");
	}
	out_printf(out, "  %-24s %8s %8s %8s  %-20s %9s %8s %8s\n",
		   compare_figure_name((CompareFigureId)f), a, b, diff, ci, se, p, mdd);
}

static void summary_text(FILE *out, const CompareSummary *s)
{
	char p[16], pc[16];
	out_printf(out, " ");
	for (int k = 0; k < COMPARE_CLASS_COUNT; k++)
		out_printf(out, " %s %ld", compare_class_name((CompareClass)k), s->classes[k]);
	out_printf(out, "\n\n  %-24s %8s %8s %8s  %-20s %9s %8s %8s\n", "", "A", "B", "B - A",
		   "95% CI (paired)", "SE (jack)", "p", "MDD");
	for (int f = 0; f < COMPARE_FIGURE_COUNT; f++)
		figure_line(out, f, &s->figure[f]);
	p_text(s->mcnemar.p_exact, p, sizeof p);
	out_printf(
		out,
		"\n  McNemar (exact agreement): %ld broken (A right, B wrong), %ld fixed; exact p %s",
		s->mcnemar.b, s->mcnemar.c, p);
	if (s->mcnemar.chi2_defined) {
		p_text(s->mcnemar.p_chi2, pc, sizeof pc);
		out_printf(out, "; chi-square %.3f (continuity corrected), p %s", s->mcnemar.chi2,
			   pc);
	}
	p_text(s->sign_p, p, sizeof p);
	out_printf(out, "\n  sign test (distance to the human label): %ld toward, %ld away; p %s\n",
		   s->toward, s->away, p);
}

static void categories_text(FILE *out, const LabComparison *c)
{
	const CompareResult *r = &c->result;
	if (!r->n_categories)
		return;
	out_printf(out, "\nper category (p adjusted by Holm across the categories):\n");
	for (int k = 0; k < r->n_categories; k++) {
		const CompareSummary *s = &r->category[k];
		const CompareFigure *g = &s->figure[COMPARE_FIGURE_KAPPA_QUADRATIC];
		char *name = clean(c->categories[k]), a[16], b[16], d[16], p[16], ps[16];
		fig_text(COMPARE_FIGURE_KAPPA_QUADRATIC, g->a, 0, a, sizeof a);
		fig_text(COMPARE_FIGURE_KAPPA_QUADRATIC, g->b, 0, b, sizeof b);
		fig_text(COMPARE_FIGURE_KAPPA_QUADRATIC, g->diff, 1, d, sizeof d);
		p_text(s->mcnemar_p_holm, p, sizeof p);
		p_text(s->sign_p_holm, ps, sizeof ps);
		out_printf(
			out,
			"  %-20.20s n %5zu  kappa_q %s -> %s (%s)  fixed %ld broken %ld (McNemar p "
			"%s)  toward %ld away %ld (p %s)\n",
			name, s->n, a, b, d, s->mcnemar.c, s->mcnemar.b, p, s->toward, s->away, ps);
		free(name);
	}
}

void labreport_compare_text(FILE *out, const LabComparison *c)
{
	const CompareSummary *s = &c->result.all;
	char *a = labreport_labeller_line(c->a), *b = labreport_labeller_line(c->b);
	out_printf(out, "A = %s\nB = %s\n", a, b);
	out_printf(out,
		   "%zu settled items labelled by both (left out: %ld labelled only by A, %ld only "
		   "by B)\n\n",
		   c->n, c->only_a, c->only_b);
	summary_text(out, s);
	out_printf(
		out,
		"  bootstrap: %d paired resamples, seed %llu, resampled by %s; MDD: the smallest "
		"difference\n  these items could show at %.0f%% power and the %.0f%% level\n",
		s->resamples, (unsigned long long)s->seed,
		s->resampled_by == COMPARE_RESAMPLE_ITEMS ? "items" : "triples", 100 * s->power,
		100 * (1 - s->confidence));
	categories_text(out, c);
	if (c->recheck.sent)
		out_printf(
			out,
			"\nre-review: %lld items this comparison sent back; %lld reviewed again, "
			"%lld waiting; %lld settled label%s changed\n",
			c->recheck.sent, c->recheck.reviewed, c->recheck.waiting,
			c->recheck.changed, c->recheck.changed == 1 ? "" : "s");
	free(a), free(b);
}

static cJSON *figure_json(const CompareFigure *g)
{
	cJSON *o = cJSON_CreateObject();
	add_value(o, "a", g->a), add_value(o, "b", g->b), add_value(o, "diff", g->diff);
	add_value(o, "se_a", g->se_a), add_value(o, "se_b", g->se_b);
	add_value(o, "se_diff", g->se_diff);
	add_interval(o, "ci_a", g->ci_a), add_interval(o, "ci_b", g->ci_b);
	add_interval(o, "ci_diff", g->ci_diff);
	add_value(o, "mdd", g->mdd);
	add_value(o, "p_diff", (MetricValue){ !isnan(g->p_diff), g->p_diff, NULL });
	add_value(o, "p_diff_holm", (MetricValue){ !isnan(g->p_diff_holm), g->p_diff_holm, NULL });
	return o;
}

static void summary_json(cJSON *o, const CompareSummary *s)
{
	cJSON *classes = cJSON_CreateObject(), *m = cJSON_CreateObject(),
	      *sign = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "n", (double)s->n);
	for (int k = 0; k < COMPARE_CLASS_COUNT; k++)
		cJSON_AddNumberToObject(classes, compare_class_name((CompareClass)k),
					(double)s->classes[k]);
	cJSON_AddItemToObject(o, "classes", classes);
	for (int f = 0; f < COMPARE_FIGURE_COUNT; f++)
		cJSON_AddItemToObject(o, figure_keys[f], figure_json(&s->figure[f]));
	cJSON_AddNumberToObject(m, "b", (double)s->mcnemar.b);
	cJSON_AddNumberToObject(m, "c", (double)s->mcnemar.c);
	add_value(m, "p_exact",
		  (MetricValue){ !isnan(s->mcnemar.p_exact), s->mcnemar.p_exact, NULL });
	add_value(m, "chi2", (MetricValue){ s->mcnemar.chi2_defined, s->mcnemar.chi2, NULL });
	add_value(m, "p_chi2", (MetricValue){ s->mcnemar.chi2_defined, s->mcnemar.p_chi2, NULL });
	add_value(m, "p_exact_holm",
		  (MetricValue){ !isnan(s->mcnemar_p_holm), s->mcnemar_p_holm, NULL });
	cJSON_AddItemToObject(o, "mcnemar", m);
	cJSON_AddNumberToObject(sign, "toward", (double)s->toward);
	cJSON_AddNumberToObject(sign, "away", (double)s->away);
	add_value(sign, "p", (MetricValue){ !isnan(s->sign_p), s->sign_p, NULL });
	add_value(sign, "p_holm", (MetricValue){ !isnan(s->sign_p_holm), s->sign_p_holm, NULL });
	cJSON_AddItemToObject(o, "sign_test", sign);
}

static cJSON *items_json(const LabComparison *c)
{
	cJSON *array = cJSON_CreateArray();
	for (size_t i = 0; i < c->n; i++) {
		const LabPair *p = &c->items[i];
		cJSON *o = cJSON_CreateObject();
		add_text(o, "item", p->external_id);
		cJSON_AddNumberToObject(o, "human", p->human);
		cJSON_AddNumberToObject(o, "a", p->a);
		cJSON_AddNumberToObject(o, "b", p->b);
		cJSON_AddStringToObject(o, "class", compare_class_name(p->cls));
		add_text(o, "category", p->category >= 0 ? c->categories[p->category] : NULL);
		cJSON_AddNumberToObject(o, "b_answers", p->b_answers);
		cJSON_AddNumberToObject(o, "b_votes", p->b_votes);
		cJSON_AddItemToArray(array, o);
	}
	return array;
}

cJSON *labreport_compare_json(const LabComparison *c, int items)
{
	const CompareSummary *s = &c->result.all;
	cJSON *o = cJSON_CreateObject(), *boot = cJSON_CreateObject(), *cats = cJSON_CreateArray();
	cJSON *re = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "a", labeller_json(c->a));
	cJSON_AddItemToObject(o, "b", labeller_json(c->b));
	cJSON_AddNumberToObject(o, "only_a", (double)c->only_a);
	cJSON_AddNumberToObject(o, "only_b", (double)c->only_b);
	summary_json(o, s);
	cJSON_AddNumberToObject(boot, "resamples", s->resamples);
	cJSON_AddNumberToObject(boot, "seed", (double)s->seed);
	cJSON_AddNumberToObject(boot, "confidence", s->confidence);
	cJSON_AddNumberToObject(boot, "power", s->power);
	cJSON_AddStringToObject(boot, "resampled_by",
				s->resampled_by == COMPARE_RESAMPLE_ITEMS ? "items" : "triples");
	cJSON_AddItemToObject(o, "bootstrap", boot);
	for (int k = 0; k < c->result.n_categories; k++) {
		cJSON *cat = cJSON_CreateObject();
		cJSON_AddStringToObject(cat, "category", c->categories[k]);
		summary_json(cat, &c->result.category[k]);
		cJSON_AddItemToArray(cats, cat);
	}
	cJSON_AddItemToObject(o, "categories", cats);
	cJSON_AddNumberToObject(re, "sent", (double)c->recheck.sent);
	cJSON_AddNumberToObject(re, "waiting", (double)c->recheck.waiting);
	cJSON_AddNumberToObject(re, "reviewed", (double)c->recheck.reviewed);
	cJSON_AddNumberToObject(re, "settled_changed", (double)c->recheck.changed);
	cJSON_AddItemToObject(o, "recheck", re);
	if (items)
		cJSON_AddItemToObject(o, "items", items_json(c));
	return o;
}
