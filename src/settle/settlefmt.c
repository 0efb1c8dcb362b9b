/* settlefmt.c - the settlement report as JSON (streamed: a million items
 * never make a tree in memory) and as text (settlement.h). */
#include <stdlib.h>
#include <string.h>

#include "src/base/text.h"
#include "src/base/xalloc.h"
#include "src/settle/settlement.h"

/* ---- JSON pieces ---- */

/* The shortest %g form that reads back as x (JSON has no NaN or infinity:
 * those print as null). */
static void number(FILE *out, double x)
{
	char buf[40];
	if (x != x || x - x != 0) {
		fputs("null", out);
		return;
	}
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, sizeof buf, "%.*g", digits, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	fputs(buf, out);
}

/* A JSON string: quotes, backslashes and control characters escaped, the
 * rest (UTF-8) as it is. */
static void string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c < 0x20)
			fprintf(out, "\\u%04x", *c);
		else
			fputc(*c, out);
	}
	fputc('"', out);
}

static void numbers(FILE *out, const double *x, int n)
{
	fputc('[', out);
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		number(out, x[i]);
	}
	fputc(']', out);
}

static void label_or_null(FILE *out, int label)
{
	if (label)
		fprintf(out, "%d", label);
	else
		fputs("null", out);
}

/* ---- counts ---- */

typedef struct {
	size_t by_reason[SETTLE_REASON_COUNT];
	size_t *by_label; /* K + 1 */
	size_t settled;
} Counts;

static Counts count(const Settlement *s)
{
	Counts c = {.by_label = xcalloc((size_t)settlement_labels(s) + 1, sizeof *c.by_label)};
	for (size_t i = 0; i < settlement_items(s); i++) {
		SettleOutcome o = settlement_outcome(s, i);
		c.by_reason[o.reason]++;
		c.by_label[o.label]++;
		c.settled += o.label != 0;
	}
	return c;
}

static void json_counts(FILE *out, const Settlement *s)
{
	Counts c = count(s);
	fprintf(out, "\"counts\":{\"items\":%zu,\"settled\":%zu,\"by_reason\":{",
		settlement_items(s), c.settled);
	for (int r = 0; r < SETTLE_REASON_COUNT; r++) {
		fprintf(out, "%s", r ? "," : "");
		string(out, settle_reason_name((SettleReason)r));
		fprintf(out, ":%zu", c.by_reason[r]);
	}
	fputs("},\"by_label\":{", out);
	for (int j = 1; j <= settlement_labels(s); j++)
		fprintf(out, "%s\"%d\":%zu", j > 1 ? "," : "", j, c.by_label[j]);
	fputs("}}", out);
	free(c.by_label);
}

/* ---- Dawid-Skene ---- */

static void json_rater(FILE *out, const Settlement *s, size_t k)
{
	const DsResult *ds = settlement_ds(s);
	int K = settlement_labels(s);
	fputs("{\"rater\":", out);
	string(out, settlement_rater_name(s, k));
	fprintf(out, ",\"llm\":%s,\"votes\":%zu,\"matrix\":[",
		settlement_rater_is_llm(s, k) ? "true" : "false", settlement_rater_votes(s, k));
	for (int t = 1; t <= K; t++) {
		fputs(t > 1 ? ",[" : "[", out);
		for (int o = 1; o <= K; o++) {
			if (o > 1)
				fputc(',', out);
			number(out, dawidskene_confusion(ds, k, t, o));
		}
		fputc(']', out);
	}
	fputs("],\"accuracy\":[", out);
	for (int t = 1; t <= K; t++) {
		if (t > 1)
			fputc(',', out);
		number(out, dawidskene_confusion(ds, k, t, t));
	}
	fputs("]}", out);
}

static void json_ds(FILE *out, const Settlement *s)
{
	const DsResult *ds = settlement_ds(s);
	fputs("\"dawid_skene\":", out);
	if (!ds) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"iterations\":%d,\"converged\":%s,\"last_change\":", ds->iterations,
		ds->converged ? "true" : "false");
	number(out, ds->last_change);
	fputs(",\"log_likelihood\":", out);
	number(out, ds->log_likelihood);
	fprintf(out, ",\"items_modelled\":%zu,\"priors\":", ds->n_modelled);
	numbers(out, ds->priors, ds->n_labels);
	fputs(",\"raters\":[", out);
	for (size_t k = 0; k < settlement_raters(s); k++) {
		if (k)
			fputc(',', out);
		json_rater(out, s, k);
	}
	fputs("]}", out);
}

/* ---- items ---- */

static void json_item(FILE *out, const Settlement *s, size_t i)
{
	SettleOutcome o = settlement_outcome(s, i);
	const DsResult *ds = settlement_ds(s);
	int best = 0, tied = 0;
	double top = 0;
	fputs("{\"item\":", out);
	string(out, settlement_external_id(s, i));
	fputs(",\"label\":", out);
	label_or_null(out, o.label);
	fputs(",\"reason\":", out);
	string(out, settle_reason_name(o.reason));
	fputs(",\"support\":", out);
	number(out, o.support);
	fprintf(out, ",\"reviews\":%d,\"unsure\":%d,\"adjudicated\":", o.n_reviews,
		settlement_unsure(s, i));
	label_or_null(out, settlement_adjudicated(s, i));
	if (ds)
		best = dawidskene_best(ds, i, &top, &tied);
	fputs(",\"best\":", out);
	label_or_null(out, best);
	fprintf(out, ",\"tied\":%s,\"posterior\":", tied ? "true" : "false");
	if (best)
		numbers(out, dawidskene_posterior(ds, i), settlement_labels(s));
	else
		fputs("null", out);
	fputc('}', out);
}

Status settlement_write_json(const Settlement *s, FILE *out)
{
	char *config = settlement_config_json(settlement_config(s));
	fprintf(out, "{\"config\":%s,\"scale\":[", config);
	free(config);
	for (int j = 1; j <= settlement_labels(s); j++) {
		fprintf(out, "%s{\"label\":%d,\"name\":", j > 1 ? "," : "", j);
		string(out, settlement_label_name(s, j));
		fputc('}', out);
	}
	fputs("],", out);
	json_counts(out, s);
	fputc(',', out);
	json_ds(out, s);
	fputs(",\"items\":[", out);
	for (size_t i = 0; i < settlement_items(s); i++) {
		fputs(i ? ",\n" : "\n", out);
		json_item(out, s, i);
	}
	fputs("]}\n", out);
	return fflush(out) == 0 && !ferror(out) ? STATUS_OK
						: status_fail(STATUS_ERR_IO, "writing the report failed");
}

/* ---- text ---- */

static void accuracy_header(const Settlement *s, char *line, size_t size)
{
	int n = snprintf(line, size, "  %-16s %7s", "rater", "votes");
	for (int j = 1; j <= settlement_labels(s) && n > 0 && (size_t)n < size; j++)
		n += snprintf(line + n, size - (size_t)n, " %5d", j);
}

static void accuracy_row(const Settlement *s, size_t k, char *line, size_t size)
{
	/* names come from files and people: cleaned of control characters */
	char *clean = text_clean(settlement_rater_name(s, k)), name[64];
	int n;
	snprintf(name, sizeof name, "%s%s", clean, settlement_rater_is_llm(s, k) ? " (LLM)" : "");
	free(clean);
	n = snprintf(line, size, "  %-16.16s %7zu", name, settlement_rater_votes(s, k));
	for (int j = 1; j <= settlement_labels(s) && n > 0 && (size_t)n < size; j++)
		n += snprintf(line + n, size - (size_t)n, " %5.2f",
			      dawidskene_confusion(settlement_ds(s), k, j, j));
}

void settlement_accuracy_lines(const Settlement *s, void (*fn)(void *arg, const char *line),
			       void *arg)
{
	char line[512];
	if (!settlement_ds(s))
		return;
	fn(arg, "Estimated accuracy per label (Dawid-Skene: P(says j | truly j))");
	accuracy_header(s, line, sizeof line);
	fn(arg, line);
	for (size_t k = 0; k < settlement_raters(s); k++) {
		accuracy_row(s, k, line, sizeof line);
		fn(arg, line);
	}
}

static void print_line(void *arg, const char *line)
{
	fprintf(arg, "%s\n", line);
}

static void text_ds(const Settlement *s, FILE *out)
{
	const DsResult *ds = settlement_ds(s);
	fprintf(out, "Dawid-Skene: %d iteration%s, %s (largest posterior move %.3g), "
		"log-likelihood %.6f\n", ds->iterations, ds->iterations == 1 ? "" : "s",
		ds->converged ? "converged" : "not converged", ds->last_change, ds->log_likelihood);
	fputs("  priors:", out);
	for (int j = 0; j < ds->n_labels; j++)
		fprintf(out, " %d %.3f", j + 1, ds->priors[j]);
	fputc('\n', out);
	settlement_accuracy_lines(s, print_line, out);
}

Status settlement_write_text(const Settlement *s, FILE *out)
{
	char *config = settlement_config_json(settlement_config(s));
	Counts c = count(s);
	fprintf(out, "rule: %s\nitems: %zu, settled %zu\n", config, settlement_items(s), c.settled);
	free(config);
	for (int r = 0; r < SETTLE_REASON_COUNT; r++)
		if (c.by_reason[r])
			fprintf(out, "  %-16s %9zu  %s\n", settle_reason_name((SettleReason)r),
				c.by_reason[r], settle_reason_text((SettleReason)r));
	fputs("settled labels:\n", out);
	for (int j = 1; j <= settlement_labels(s); j++) {
		char *name = text_clean(settlement_label_name(s, j));
		fprintf(out, "  %d %-14s %9zu\n", j, name, c.by_label[j]);
		free(name);
	}
	free(c.by_label);
	if (settlement_ds(s))
		text_ds(s, out);
	return fflush(out) == 0 && !ferror(out) ? STATUS_OK
						: status_fail(STATUS_ERR_IO, "writing the report failed");
}
