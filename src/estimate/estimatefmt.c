/* estimatefmt.c - the estimates as text or JSON (see estimatefmt.h). */
#include "src/estimate/estimatefmt.h"

#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/out.h"
#include "src/base/text.h"
#include "src/base/xalloc.h"

/* Text columns: a label (LABEL_W) and four estimates (COL_W each). */
enum { WIDTH = 80, LABEL_W = 16, COL_W = 15 };

static const char NOTE_REVIEWED[] =
	"every reviewed item is treated as a uniform random sample of the catalogue "
	"(--reviewed-as-sample): the intervals hold only if the reviewed items were chosen at "
	"random, not by a queue order";
static const char NOTE_NONE[] =
	"no audit: only the LLM's own share, which repeats the LLM's errors. Draw an audit "
	"(gavel audit --size N) and review it (gavel review --order audit), or pass "
	"--reviewed-as-sample for ratings from a study that sampled at random";
static const char NOTE_STRATIFIED[] =
	"stratified by LLM label: each item weighs by its stratum's inclusion probability "
	"(reviewed items / items)";

/* ---- words ---- */

static void wrap_line(void *arg, const char *line)
{
	FILE *out = arg;

	out_printf(out, "%s\n", line);
}

/* A paragraph wrapped at WIDTH, cleaned (names come from the database). */
static void para(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void para(FILE *out, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	text_wrap(buf, WIDTH, WIDTH, wrap_line, out);
}

static const char *design_word(const EstimateSource *src)
{
	return src->audit.design == DB_AUDIT_LLM ? "stratified by LLM label" : "uniform";
}

char *estimatefmt_sample(const EstimateReport *r, const EstimateSource *src)
{
	switch (src->kind) {
	case ESTIMATE_SAMPLE_AUDIT:
		return xasprintf(
			"audit %lld%s%s%s (%s, seed %llu): %lld of its %lld items reviewed",
			src->audit.id, src->audit.name ? " \"" : "",
			src->audit.name ? src->audit.name : "", src->audit.name ? "\"" : "",
			design_word(src), (unsigned long long)src->audit.seed, r->all.sampled,
			r->sample_items);
	case ESTIMATE_SAMPLE_REVIEWED:
		return xasprintf("every reviewed item, %lld of them, declared a random sample",
				 r->all.sampled);
	case ESTIMATE_SAMPLE_NONE: break;
	}
	return xstrdup("none (no audit)");
}

/* "12.3 ±1.4", "12.3" (no interval asked), or "undefined". */
static void cell_text(char *out, size_t size, const PpiEstimate *e)
{
	if (!e->defined)
		snprintf(out, size, "undefined");
	else
		snprintf(out, size, "%.1f ±%.1f", 100 * e->point, 100 * (e->hi - e->lo) / 2);
}

static void label_name(char *out, size_t size, const EstimateSource *src, int k)
{
	char *name = text_clean(src->names[k]), buf[64];

	snprintf(buf, sizeof buf, "%d %s", k + 1, name);
	free(name);
	if (text_display_width(buf) > LABEL_W - 1)
		strcpy(buf + text_cut(buf, LABEL_W - 2, NULL), "~");
	snprintf(out, size, "%s%*s", buf, LABEL_W - text_display_width(buf), "");
}

/* ---- text ---- */

static void table_head(FILE *out)
{
	out_printf(out, "%-*s", LABEL_W, "label");
	for (int m = 0; m < PPI_METHOD_COUNT; m++)
		out_printf(out, "%*s", COL_W, ppi_method_name((PpiMethod)m));
	out_puts(out, "\n");
}

/* Each distinct reason an estimate is undefined, once, after the table. */
static void reasons(FILE *out, const PpiResult *r)
{
	const char *seen[PPI_METHOD_COUNT * 2];
	int n = 0;

	for (int k = 0; k < r->K; k++)
		for (int m = 0; m < PPI_METHOD_COUNT; m++) {
			const char *why =
				r->label[k].est[m].defined ? NULL : r->label[k].est[m].why;
			int known = 0;

			for (int i = 0; why && i < n; i++)
				known |= seen[i] == why;
			if (!why || known || n == (int)(sizeof seen / sizeof *seen))
				continue;
			seen[n++] = why;
			para(out, "undefined: %s", why);
		}
}

static void shares(FILE *out, const EstimateSlice *s, const EstimateSource *src)
{
	char name[96], cell[48];

	table_head(out);
	for (int k = 0; k < s->r.K; k++) {
		label_name(name, sizeof name, src, k);
		out_puts(out, name);
		for (int m = 0; m < PPI_METHOD_COUNT; m++) {
			cell_text(cell, sizeof cell, &s->r.label[k].est[m]);
			out_printf(out, "%*s", COL_W + (int)strlen(cell) - text_display_width(cell),
				   cell);
		}
		out_puts(out, "\n");
	}
	reasons(out, &s->r);
}

static void worth(FILE *out, const EstimateSlice *s, const EstimateSource *src)
{
	char buf[1024] = "";
	size_t at = 0;

	if (isnan(s->r.effective_n))
		return;
	for (int k = 0; k < s->r.K && at < sizeof buf; k++) {
		char *name = text_clean(src->names[k]);

		if (!isnan(s->r.label[k].effective_n))
			at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s %.0f",
					       at ? ", " : "", name, s->r.label[k].effective_n);
		free(name);
	}
	para(out,
	     "ppi++ (lambda %.3f%s) is worth %.0f human labels; the sample has %lld. Per "
	     "label: %s.",
	     s->r.lambda, s->r.lambda_tuned ? ", tuned" : ", as given", s->r.effective_n,
	     s->sampled, buf);
}

static void plan(FILE *out, const EstimateSlice *s, const EstimateSource *src, double width)
{
	static const PpiMethod methods[] = { PPI_METHOD_AUDIT, PPI_METHOD_PPI,
					     PPI_METHOD_PPI_PLUS };
	char name[96];
	int unreachable = 0;

	out_puts(out, "\n");
	para(out,
	     "Further audit reviews for an interval %.1f points wide (--width %g), from "
	     "the variances measured now:",
	     100 * width, width);
	out_printf(out, "%-*s", LABEL_W, "label");
	for (size_t m = 0; m < 3; m++)
		out_printf(out, "%*s", COL_W, ppi_method_name(methods[m]));
	out_puts(out, "\n");
	for (int k = 0; k < s->r.K; k++) {
		label_name(name, sizeof name, src, k);
		out_puts(out, name);
		for (size_t m = 0; m < 3; m++) {
			const PpiEstimate *e = &s->r.label[k].est[methods[m]];

			if (!e->defined || !e->planned)
				out_printf(out, "%*s", COL_W, "-");
			else if (e->more_reviews < 0) {
				out_printf(out, "%*s", COL_W, "out of reach");
				unreachable = 1;
			} else
				out_printf(out, "%*ld", COL_W, e->more_reviews);
		}
		out_puts(out, "\n");
	}
	/* the footnote only where a cell needs it */
	if (unreachable)
		para(out,
		     "out of reach: the part of the interval that comes from the items "
		     "outside the audit is already wider, or the catalogue has too few items.");
	para(out, "The llm estimate never narrows with reviews.");
}

static void slice_text(FILE *out, const EstimateSlice *s, const EstimateReport *r,
		       const EstimateSource *src)
{
	shares(out, s, src);
	if (!isnan(s->r.effective_n))
		out_puts(out, "\n");
	worth(out, s, src);
	if (r->options.target_width > 0 && src->kind != ESTIMATE_SAMPLE_NONE)
		plan(out, s, src, r->options.target_width);
}

static void notes(FILE *out, const EstimateReport *r, const EstimateSource *src)
{
	if (src->kind == ESTIMATE_SAMPLE_REVIEWED)
		para(out, "note: %s.", NOTE_REVIEWED);
	if (src->kind == ESTIMATE_SAMPLE_NONE)
		para(out, "note: %s.", NOTE_NONE);
	if (r->stratified)
		para(out, "note: %s.", NOTE_STRATIFIED);
	if (src->kind == ESTIMATE_SAMPLE_AUDIT && r->unreviewed)
		para(out,
		     "note: %lld of the audit's items are not reviewed yet; until they are "
		     "they count with the items outside it.",
		     r->unreviewed);
	if (r->no_llm)
		para(out,
		     "note: %lld sampled items with a human label have no LLM label; left "
		     "out.",
		     r->no_llm);
	if (src->moved)
		para(out,
		     "warning: %lld of the audit's items now have another LLM label than "
		     "when they were drawn; they keep the stratum they were drawn in.",
		     src->moved);
	if (src->joined)
		para(out,
		     "warning: %lld items joined the catalogue the audit draws from after its "
		     "last draw; they could not have been drawn. Grow the audit (gavel audit "
		     "--grow %lld --size N) to take them in.",
		     src->joined, src->audit.id);
}

void estimatefmt_text(const EstimateReport *r, const EstimateSource *src, const char *database,
		      FILE *out)
{
	char *sample = estimatefmt_sample(r, src);

	para(out, "gavel estimate: %s", database);
	para(out, "sample: %s", sample);
	free(sample);
	para(out, "intervals: %.0f%% (alpha %g), normal; LLM label: the latest run's ok answer",
	     100 * (1 - r->options.alpha), r->options.alpha);
	notes(out, r, src);
	out_puts(out, "\n");
	para(out,
	     "Each label's share of the %lld items with an LLM label, in percent, plus or "
	     "minus half its interval's width:",
	     r->all.items);
	slice_text(out, &r->all, r, src);
	for (int i = 0; i < r->n_slices; i++) {
		const EstimateSlice *s = &r->slices[i];

		out_puts(out, "\n");
		para(out, "category %s: %lld items with an LLM label, %lld in the sample", s->key,
		     s->items, s->sampled);
		slice_text(out, s, r, src);
	}
}

/* ---- JSON ---- */

static void number_or_null(cJSON *o, const char *key, int defined, double v)
{
	if (defined && isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void string_or_null(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *estimate_json(const PpiEstimate *e)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddBoolToObject(o, "defined", e->defined);
	number_or_null(o, "point", e->defined, e->point);
	number_or_null(o, "se", e->defined, e->se);
	number_or_null(o, "lo", e->defined, e->lo);
	number_or_null(o, "hi", e->defined, e->hi);
	string_or_null(o, "reason", e->defined ? NULL : e->why);
	if (e->planned) {
		number_or_null(o, "more_reviews", e->more_reviews >= 0, (double)e->more_reviews);
		string_or_null(o, "more_reviews_reason", e->more_reviews < 0 ? e->plan_why : NULL);
	}
	return o;
}

/* Adds a slice's figures to o. */
static cJSON *slice_json(cJSON *o, const EstimateSlice *s, const EstimateSource *src)
{
	cJSON *labels;

	cJSON_AddNumberToObject(o, "items", (double)s->items);
	cJSON_AddNumberToObject(o, "in_sample", (double)s->sampled);
	cJSON_AddNumberToObject(o, "outside_sample", (double)(s->items - s->sampled));
	number_or_null(o, "lambda", 1, s->r.lambda);
	cJSON_AddBoolToObject(o, "lambda_tuned", s->r.lambda_tuned);
	number_or_null(o, "effective_n", 1, s->r.effective_n);
	cJSON_AddBoolToObject(o, "weighted", s->r.weighted);
	labels = cJSON_AddArrayToObject(o, "labels");
	for (int k = 0; k < s->r.K; k++) {
		cJSON *l = cJSON_CreateObject();

		cJSON_AddNumberToObject(l, "label", k + 1);
		cJSON_AddStringToObject(l, "name", src->names[k]);
		for (int m = 0; m < PPI_METHOD_COUNT; m++)
			cJSON_AddItemToObject(l, ppi_method_name((PpiMethod)m),
					      estimate_json(&s->r.label[k].est[m]));
		number_or_null(l, "effective_n", 1, s->r.label[k].effective_n);
		cJSON_AddItemToArray(labels, l);
	}
	return o;
}

static cJSON *sample_json(const EstimateReport *r, const EstimateSource *src)
{
	static const char *const kinds[] = { [ESTIMATE_SAMPLE_NONE] = "none",
					     [ESTIMATE_SAMPLE_AUDIT] = "audit",
					     [ESTIMATE_SAMPLE_REVIEWED] = "reviewed_as_sample" };
	static const char *const notes[] = { [ESTIMATE_SAMPLE_NONE] = NOTE_NONE,
					     [ESTIMATE_SAMPLE_AUDIT] = NULL,
					     [ESTIMATE_SAMPLE_REVIEWED] = NOTE_REVIEWED };
	cJSON *o = cJSON_CreateObject(), *a, *strata;

	cJSON_AddStringToObject(o, "kind", kinds[src->kind]);
	string_or_null(o, "note", r->stratified ? NOTE_STRATIFIED : notes[src->kind]);
	if (src->kind == ESTIMATE_SAMPLE_AUDIT) {
		a = cJSON_AddObjectToObject(o, "audit");
		cJSON_AddNumberToObject(a, "id", (double)src->audit.id);
		string_or_null(a, "name", src->audit.name);
		cJSON_AddStringToObject(a, "design", db_audit_design_words[src->audit.design]);
		cJSON_AddNumberToObject(a, "seed", (double)src->audit.seed);
		cJSON_AddNumberToObject(a, "size", (double)src->audit.size);
		cJSON_AddNumberToObject(a, "population", (double)src->audit.population);
		cJSON_AddBoolToObject(a, "blind", src->audit.blind);
	} else {
		cJSON_AddNullToObject(o, "audit");
	}
	cJSON_AddNumberToObject(o, "items", (double)r->sample_items);
	cJSON_AddNumberToObject(o, "reviewed", (double)r->all.sampled);
	cJSON_AddNumberToObject(o, "unreviewed", (double)r->unreviewed);
	cJSON_AddNumberToObject(o, "without_llm_label", (double)r->no_llm);
	cJSON_AddNumberToObject(o, "moved", (double)src->moved);
	cJSON_AddNumberToObject(o, "joined_after_draw", (double)src->joined);
	string_or_null(o, "undefined_because", r->why);
	strata = cJSON_AddArrayToObject(o, "strata");
	for (int i = 0; i < r->n_strata; i++) {
		cJSON *s = cJSON_CreateObject();

		cJSON_AddNumberToObject(s, "stratum", r->strata[i].stratum);
		cJSON_AddNumberToObject(s, "items", (double)r->strata[i].population);
		cJSON_AddNumberToObject(s, "reviewed", (double)r->strata[i].reviewed);
		cJSON_AddNumberToObject(s, "probability", r->strata[i].probability);
		cJSON_AddItemToArray(strata, s);
	}
	return o;
}

void estimatefmt_json(const EstimateReport *r, const EstimateSource *src, const char *database,
		      FILE *out)
{
	cJSON *o = cJSON_CreateObject(), *scale = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "database", database ? database : "");
	for (int k = 0; k < src->K; k++)
		cJSON_AddItemToArray(scale, cJSON_CreateString(src->names[k]));
	cJSON_AddItemToObject(o, "scale", scale);
	cJSON_AddItemToObject(o, "sample", sample_json(r, src));
	cJSON_AddNumberToObject(o, "alpha", r->options.alpha);
	cJSON_AddNumberToObject(o, "z", r->all.r.z);
	number_or_null(o, "target_width", r->options.target_width > 0, r->options.target_width);
	/* the whole catalogue's figures at the top level */
	slice_json(o, &r->all, src);
	if (r->by_category) {
		cJSON *list = cJSON_AddArrayToObject(o, "by_category");

		for (int i = 0; i < r->n_slices; i++) {
			cJSON *s = slice_json(cJSON_CreateObject(), &r->slices[i], src);

			cJSON_AddStringToObject(s, "category", r->slices[i].key);
			cJSON_AddItemToArray(list, s);
		}
	} else {
		cJSON_AddNullToObject(o, "by_category");
	}
	out_json(out, o, 1);
	cJSON_Delete(o);
}
