/* agreefmtaudit.c - the audit headline and the items' provenance, as text
 * and JSON (see agreefmtaudit.h). */
#include "src/agree/agreefmtaudit.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/out.h"
#include "src/base/text.h"
#include "src/base/xalloc.h"

enum { WIDTH = 80, NAME_W = 19, AUDIT_W = 26 };

/* The headline's figures, weighted kappa first as in the rest of the report. */
static const struct {
	MetricsStat stat;
	const char *name;
	int percent;
} shown[] = {
	{ METRICS_STAT_KAPPA_QUADRATIC, "kappa, quadratic", 0 },
	{ METRICS_STAT_KAPPA_LINEAR, "kappa, linear", 0 },
	{ METRICS_STAT_KAPPA, "Cohen's kappa", 0 },
	{ METRICS_STAT_AC1, "Gwet's AC1", 0 },
	{ METRICS_STAT_PERCENT, "percent agreement", 1 },
	{ METRICS_STAT_MAE, "MAE (steps)", 0 },
};

static const char BASIS_AUDIT[] =
	"every reviewed item, not chosen at random: not representative of the catalogue (the "
	"audit's figures above are)";
static const char BASIS_NONE[] =
	"every reviewed item, not chosen at random: not representative of the catalogue (no "
	"audit yet)";

static void wrap_line(void *arg, const char *line)
{
	out_printf(arg, "  %s\n", line);
}

/* A paragraph indented by two columns, wrapped within WIDTH. */
static void para(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void para(FILE *out, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	text_wrap(buf, WIDTH - 2, WIDTH - 2, wrap_line, out);
}

static void heading(FILE *out, const char *title)
{
	out_printf(out, "\n%s\n", title);
	for (size_t i = 0; i < strlen(title); i++)
		out_puts(out, "-");
	out_puts(out, "\n");
}

/* A value as the report shows it: 3 decimals, or a percentage to 1. */
static void number(char *out, size_t size, double v, int percent)
{
	snprintf(out, size, percent ? "%.1f%%" : "%.3f", percent ? 100 * v : v);
}

static void figure(char *out, size_t size, const AgreeFigure *f, int percent, int interval)
{
	char v[24], lo[24], hi[24];

	if (!f->value.defined) {
		snprintf(out, size, "undefined");
		return;
	}
	number(v, sizeof v, f->value.value, percent);
	if (!interval || !f->ci.defined) {
		snprintf(out, size, "%s", v);
		return;
	}
	number(lo, sizeof lo, f->ci.lo, percent);
	number(hi, sizeof hi, f->ci.hi, percent);
	snprintf(out, size, "%s [%s, %s]", v, lo, hi);
}

/* "disagreement 600, audit 380, import 100" */
static void froms_text(const AgreeReport *r, char *out, size_t size)
{
	size_t at = 0;

	out[0] = '\0';
	for (int i = 0; i < r->n_froms && at < size; i++) {
		char *word = text_clean(r->froms[i].from);

		at += (size_t)snprintf(out + at, size - at, "%s%s %ld", i ? ", " : "", word,
				       r->froms[i].labels);
		free(word);
	}
}

const char *agreefmtaudit_basis(const AgreeReport *r)
{
	return r->audit.id ? BASIS_AUDIT : BASIS_NONE;
}

/* The reasons the headline's figures are undefined, each once. */
static void undefined_reasons(FILE *out, const AgreeAuditReport *a)
{
	const char *seen[sizeof shown / sizeof shown[0]];
	int n = 0;

	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
		const char *why = a->fig[shown[i].stat].value.why;
		int known = 0;

		for (int j = 0; why && j < n; j++)
			known |= seen[j] == why;
		if (why && !known) {
			seen[n++] = why;
			para(out, "undefined: %s", why);
		}
	}
}

static void headline(FILE *out, const AgreeReport *r)
{
	const AgreeAuditReport *a = &r->audit;
	char head[64], left[96], right[96];

	out_printf(out, "  %-*s%-*s%s\n", NAME_W, "", AUDIT_W, "on the audit", "every review*");
	snprintf(head, sizeof head, "(n=%ld)", a->pair.n);
	out_printf(out, "  %-*s%-*s(n=%ld)\n", NAME_W, "", AUDIT_W, head, r->settled_pair.n);
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
		figure(left, sizeof left, &a->fig[shown[i].stat], shown[i].percent, 1);
		figure(right, sizeof right, &r->settled_pair.fig[shown[i].stat], shown[i].percent,
		       0);
		out_printf(out, "  %-*s%-*s%s\n", NAME_W, shown[i].name, AUDIT_W, left, right);
	}
	undefined_reasons(out, a);
}

void agreefmtaudit_text(const AgreeReport *r, FILE *out)
{
	char froms[1024];

	froms_text(r, froms, sizeof froms);
	if (!r->audit.id) {
		heading(out, "How the reviewed items were chosen");
		para(out,
		     "%ld standing labels, by the way their items came: %s. They are not a "
		     "random sample, so the figures below describe these items, not the "
		     "catalogue. For the catalogue's agreement draw an audit (gavel audit --size "
		     "N) and review it (gavel review --order audit).",
		     r->human_labels, *froms ? froms : "none");
		return;
	}
	heading(out, "Agreement on the audit: the catalogue's (a random sample)");
	para(out,
	     "audit %lld: %ld of its %ld items reviewed, %ld of them settled with an LLM "
	     "label; the settled human label against the LLM's%s.",
	     r->audit.id, r->audit.labelled, r->audit.drawn, r->audit.pair.n,
	     r->audit.weighted ? ", design-weighted: each stratum counts by its share of the "
				 "items (docs/estimates.md)"
			       : "");
	headline(out, r);
	para(out,
	     "* not representative: the reviewed items were not chosen at random (how "
	     "the standing labels' items came: %s).",
	     froms);
}

cJSON *agreefmtaudit_json(const AgreeReport *r)
{
	const AgreeAuditReport *a = &r->audit;
	cJSON *o, *all;

	if (!a->id)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddNumberToObject(o, "items", (double)a->drawn);
	cJSON_AddNumberToObject(o, "reviewed", (double)a->labelled);
	cJSON_AddNumberToObject(o, "n", (double)a->pair.n);
	cJSON_AddNumberToObject(o, "strata", a->n_strata);
	cJSON_AddBoolToObject(o, "design_weighted", a->weighted);
	cJSON_AddStringToObject(o, "computed_on", "the audit's reviewed items: a random sample");
	all = cJSON_AddObjectToObject(o, "every_review");
	cJSON_AddStringToObject(all, "computed_on", BASIS_AUDIT);
	cJSON_AddBoolToObject(all, "representative", 0);
	cJSON_AddNumberToObject(all, "n", (double)r->settled_pair.n);
	return o;
}

cJSON *agreefmtaudit_froms_json(const AgreeReport *r)
{
	cJSON *o = cJSON_CreateObject();

	for (int i = 0; i < r->n_froms; i++)
		cJSON_AddNumberToObject(o, r->froms[i].from, (double)r->froms[i].labels);
	return o;
}
