/* provenance.c - the export's manifest (see provenance.h). */
#include "src/export/provenance.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/agree/metrics.h"
#include "src/base/xalloc.h"

struct Provenance {
	const ExportOptions *opt;
	int K;
	long *llm_table;     /* K x K: settled label (row) by LLM label (column) */
	double *coincidence; /* K x K: Krippendorff's o_ck over the rows' votes */
	long long *by_label; /* K + 1 */
	long long pairable;  /* votes in rows with at least two */
	int *count;          /* K: one row's votes per label, reused */
	SplitTally *tally;
};

Provenance *provenance_new(const ExportOptions *options, int K)
{
	Provenance *p = xcalloc(1, sizeof *p);
	p->opt = options;
	p->K = K;
	p->llm_table = xcalloc((size_t)K * (size_t)K, sizeof *p->llm_table);
	p->coincidence = xcalloc((size_t)K * (size_t)K, sizeof *p->coincidence);
	p->by_label = xcalloc((size_t)K + 1, sizeof *p->by_label);
	p->count = xcalloc((size_t)K, sizeof *p->count);
	if (options->has_split)
		p->tally = split_tally_new(&options->split);
	return p;
}

void provenance_free(Provenance *p)
{
	if (!p)
		return;
	free(p->llm_table), free(p->coincidence), free(p->by_label), free(p->count);
	split_tally_free(p->tally);
	free(p);
}

/* Krippendorff's coincidences of one row: each ordered pair of its m votes
 * (from different positions) adds 1 / (m - 1) to o[c][k]. */
static void add_coincidences(Provenance *p, const DbVoteItem *v)
{
	int K = p->K, *count = p->count, m = 0;
	memset(count, 0, (size_t)K * sizeof *count);
	for (size_t i = 0; i < v->n_votes; i++)
		if (v->votes[i].label >= 1 && v->votes[i].label <= K)
			count[v->votes[i].label - 1]++, m++;
	if (m >= 2) {
		p->pairable += m;
		for (int c = 0; c < K; c++)
			for (int k = 0; k < K; k++)
				p->coincidence[c * K + k] +=
					(double)count[c] * (count[k] - (c == k)) / (m - 1);
	}
}

void provenance_add(Provenance *p, const ExportRow *r)
{
	int label = r->outcome.label, llm = r->item->llm_label;
	p->by_label[label >= 1 && label <= p->K ? label : 0]++;
	if (label >= 1 && label <= p->K && r->item->run_id && llm >= 1 && llm <= p->K)
		p->llm_table[(label - 1) * p->K + (llm - 1)]++;
	add_coincidences(p, r->votes);
	if (p->tally && r->part >= 0)
		split_tally_add(p->tally, label, r->part);
}

const SplitLabel *provenance_split_labels(Provenance *p, size_t *count)
{
	*count = 0;
	return p->tally ? split_tally_labels(p->tally, count) : NULL;
}

MetricValue provenance_alpha(const Provenance *p)
{
	int K = p->K;
	double n = 0, observed = 0, expected = 0, *marginal = xcalloc((size_t)K, sizeof *marginal);
	MetricValue v;
	for (int c = 0; c < K; c++)
		for (int k = 0; k < K; k++)
			marginal[c] += p->coincidence[c * K + k];
	for (int c = 0; c < K; c++)
		n += marginal[c];
	for (int c = 0; c < K; c++)
		for (int k = 0; k < K; k++)
			if (c != k) {
				observed += p->coincidence[c * K + k];
				expected += marginal[c] * marginal[k];
			}
	free(marginal);
	if (n <= 1)
		return metrics_undefined("no item has two or more votes");
	if (expected == 0)
		return metrics_undefined("every vote has the same label");
	v = (MetricValue){ .defined = 1, .value = 1 - (n - 1) * observed / expected };
	return v;
}

/* ---- the JSON ---- */

static void add_text_or_null(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *metric(MetricValue v)
{
	cJSON *o = cJSON_CreateObject();
	if (v.defined)
		cJSON_AddNumberToObject(o, "value", v.value);
	else
		cJSON_AddNullToObject(o, "value");
	add_text_or_null(o, "undefined_because", v.defined ? NULL : v.why);
	return o;
}

static cJSON *filter_json(const ExportOptions *o)
{
	cJSON *f = cJSON_CreateObject(), *reviewers = cJSON_CreateArray();
	cJSON_AddBoolToObject(f, "settled_only", !o->all);
	add_text_or_null(f, "category", o->category);
	add_text_or_null(f, "since", o->since);
	add_text_or_null(f, "until", o->until);
	for (int i = 0; i < o->n_reviewers; i++)
		cJSON_AddItemToArray(reviewers, cJSON_CreateString(o->reviewers[i]));
	cJSON_AddItemToObject(f, "reviewers", reviewers);
	add_text_or_null(f, "prompt", o->prompt_ref);
	if (o->run_id)
		cJSON_AddNumberToObject(f, "run", (double)o->run_id);
	else
		cJSON_AddNullToObject(f, "run");
	return f;
}

static cJSON *split_json(Provenance *p)
{
	const ExportOptions *o = p->opt;
	cJSON *s, *parts = cJSON_CreateArray(), *labels = cJSON_CreateArray();
	char spec[32] = "";
	size_t n;
	const SplitLabel *l = provenance_split_labels(p, &n);
	if (!o->has_split) {
		cJSON_Delete(parts), cJSON_Delete(labels);
		return cJSON_CreateNull();
	}
	s = cJSON_CreateObject();
	for (int i = 0; i < o->split.n; i++) {
		snprintf(spec + strlen(spec), sizeof spec - strlen(spec), "%s%u", i ? "/" : "",
			 o->split.percent[i]);
		cJSON_AddItemToArray(parts, cJSON_CreateString(o->split.name[i]));
	}
	cJSON_AddStringToObject(s, "spec", spec);
	cJSON_AddItemToObject(s, "parts", parts);
	cJSON_AddNumberToObject(s, "seed", (double)o->seed);
	cJSON_AddStringToObject(s, "mode", split_mode_names[o->split.mode]);
	cJSON_AddStringToObject(s, "key", "image_sha256 (else item)");
	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject(), *count = cJSON_CreateArray(),
		      *target = cJSON_CreateArray();
		cJSON_AddNumberToObject(e, "label", l[i].label);
		cJSON_AddNumberToObject(e, "items", (double)l[i].n);
		for (int j = 0; j < o->split.n; j++) {
			cJSON_AddItemToArray(count, cJSON_CreateNumber((double)l[i].count[j]));
			cJSON_AddItemToArray(target, cJSON_CreateNumber((double)l[i].target[j]));
		}
		cJSON_AddItemToObject(e, "count", count);
		cJSON_AddItemToObject(e, "target", target);
		cJSON_AddBoolToObject(e, "too_few", l[i].too_few);
		cJSON_AddBoolToObject(e, "missing_in_a_part", l[i].missing);
		cJSON_AddItemToArray(labels, e);
	}
	cJSON_AddItemToObject(s, "labels", labels);
	return s;
}

static cJSON *counts_json(Provenance *p, const ExportSummary *sum, const char *const *names)
{
	cJSON *c = cJSON_CreateObject(), *out = cJSON_CreateObject(), *by = cJSON_CreateObject();
	cJSON *parts = cJSON_CreateObject();
	char key[16];
	cJSON_AddNumberToObject(c, "items", (double)sum->items);
	cJSON_AddNumberToObject(c, "rows", (double)sum->rows);
	cJSON_AddNumberToObject(out, "unsettled", (double)sum->unsettled);
	cJSON_AddNumberToObject(out, "filtered", (double)sum->filtered);
	cJSON_AddNumberToObject(out, "no_image", (double)sum->no_image);
	cJSON_AddItemToObject(c, "left_out", out);
	for (int j = 1; j <= p->K; j++) {
		snprintf(key, sizeof key, "%d", j);
		cJSON_AddNumberToObject(by, key, (double)p->by_label[j]);
	}
	if (p->by_label[0])
		cJSON_AddNumberToObject(by, "unsettled", (double)p->by_label[0]);
	cJSON_AddItemToObject(c, "by_label", by);
	for (int i = 0; p->opt->has_split && i < p->opt->split.n; i++)
		cJSON_AddNumberToObject(parts, p->opt->split.name[i], (double)sum->per_split[i]);
	cJSON_AddItemToObject(c, "by_split", parts);
	(void)names;
	return c;
}

static cJSON *agreement_json(const Provenance *p)
{
	cJSON *a = cJSON_CreateObject(), *llm = cJSON_CreateObject(), *rev = cJSON_CreateObject();
	long n = 0;
	for (int i = 0; i < p->K * p->K; i++)
		n += p->llm_table[i];
	cJSON_AddNumberToObject(llm, "n", (double)n);
	for (int s = 0; s < METRICS_STAT_COUNT; s++)
		cJSON_AddItemToObject(llm, metrics_stat_name((MetricsStat)s),
				      metric(metrics_table_stat(p->llm_table, p->K,
								(MetricsStat)s)));
	cJSON_AddItemToObject(a, "llm_vs_settled", llm);
	cJSON_AddNumberToObject(rev, "pairable_votes", (double)p->pairable);
	cJSON_AddItemToObject(rev, "Krippendorff's alpha, nominal", metric(provenance_alpha(p)));
	cJSON_AddItemToObject(a, "reviewers", rev);
	return a;
}

char *provenance_json(Provenance *p, const ExportSummary *sum, const char *content_hash,
		      const char *const *names, const char *const *files, int n_files)
{
	const ExportOptions *o = p->opt;
	cJSON *m = cJSON_CreateObject(), *scale = cJSON_CreateArray(), *list = cJSON_CreateArray();
	char *rule = settlement_config_json(&o->settle), *text;
	cJSON_AddStringToObject(m, "gavel_version", o->version ? o->version : "");
	add_text_or_null(m, "command", o->command_line);
	cJSON_AddStringToObject(m, "format", o->format->name);
	cJSON_AddStringToObject(m, "database_content_sha256", content_hash);
	for (int j = 0; j < p->K; j++)
		cJSON_AddItemToArray(scale, cJSON_CreateString(names[j]));
	cJSON_AddItemToObject(m, "scale", scale);
	cJSON_AddItemToObject(m, "filter", filter_json(o));
	cJSON_AddItemToObject(m, "settle", cJSON_Parse(rule));
	cJSON_AddItemToObject(m, "split", split_json(p));
	cJSON_AddItemToObject(m, "counts", counts_json(p, sum, names));
	cJSON_AddItemToObject(m, "agreement", agreement_json(p));
	for (int i = 0; i < n_files; i++)
		cJSON_AddItemToArray(list, cJSON_CreateString(files[i]));
	cJSON_AddItemToObject(m, "files", list);
	text = cJSON_Print(m);
	cJSON_Delete(m);
	free(rule);
	return text;
}
