/* settlefmt.c - the settlement report as JSON (streamed: a million items
 * never make a tree in memory) and as text (settlement.h). */
#include <stdlib.h>
#include <string.h>

#include "src/base/out.h"
#include "src/base/strbuf.h"
#include "src/base/xalloc.h"
#include "src/settle/settlement.h"

/* The JSON is built a piece at a time and written in blocks of this size
 * (exact bytes to a file or a pipe; cleaned on a terminal, by out_data). */
enum { FLUSH_AT = 1 << 16 };

/* ---- JSON pieces ---- */

/* The shortest %g form that reads back as x (JSON has no NaN or infinity:
 * those print as null). */
static void number(StrBuf *out, double x)
{
	char buf[40];
	if (x != x || x - x != 0) {
		strbuf_adds(out, "null");
		return;
	}
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, sizeof buf, "%.*g", digits, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	strbuf_adds(out, buf);
}

/* A JSON string: quotes, backslashes and control characters escaped, the
 * rest (UTF-8) as it is. */
static void string(StrBuf *out, const char *s)
{
	strbuf_addc(out, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			strbuf_addf(out, "\\%c", *c);
		else if (*c < 0x20)
			strbuf_addf(out, "\\u%04x", *c);
		else
			strbuf_addc(out, (char)*c);
	}
	strbuf_addc(out, '"');
}

static void numbers(StrBuf *out, const double *x, int n)
{
	strbuf_addc(out, '[');
	for (int i = 0; i < n; i++) {
		if (i)
			strbuf_addc(out, ',');
		number(out, x[i]);
	}
	strbuf_addc(out, ']');
}

static void label_or_null(StrBuf *out, int label)
{
	if (label)
		strbuf_addf(out, "%d", label);
	else
		strbuf_adds(out, "null");
}

/* ---- counts ---- */

typedef struct {
	size_t by_reason[SETTLE_REASON_COUNT];
	size_t *by_label; /* K + 1 */
	size_t settled;
} Counts;

static Counts count(const Settlement *s)
{
	Counts c = { .by_label = xcalloc((size_t)settlement_labels(s) + 1, sizeof *c.by_label) };
	for (size_t i = 0; i < settlement_items(s); i++) {
		SettleOutcome o = settlement_outcome(s, i);
		c.by_reason[o.reason]++;
		c.by_label[o.label]++;
		c.settled += o.label != 0;
	}
	return c;
}

static void json_counts(StrBuf *out, const Settlement *s)
{
	Counts c = count(s);
	strbuf_addf(out, "\"counts\":{\"items\":%zu,\"settled\":%zu,\"by_reason\":{",
		    settlement_items(s), c.settled);
	for (int r = 0; r < SETTLE_REASON_COUNT; r++) {
		strbuf_addf(out, "%s", r ? "," : "");
		string(out, settle_reason_name((SettleReason)r));
		strbuf_addf(out, ":%zu", c.by_reason[r]);
	}
	strbuf_adds(out, "},\"by_label\":{");
	for (int j = 1; j <= settlement_labels(s); j++)
		strbuf_addf(out, "%s\"%d\":%zu", j > 1 ? "," : "", j, c.by_label[j]);
	strbuf_adds(out, "}}");
	free(c.by_label);
}

/* ---- Dawid-Skene ---- */

static void json_rater(StrBuf *out, const Settlement *s, size_t k)
{
	const DsResult *ds = settlement_ds(s);
	int K = settlement_labels(s);
	strbuf_adds(out, "{\"rater\":");
	string(out, settlement_rater_name(s, k));
	strbuf_addf(out, ",\"llm\":%s,\"votes\":%zu,\"matrix\":[",
		    settlement_rater_is_llm(s, k) ? "true" : "false", settlement_rater_votes(s, k));
	for (int t = 1; t <= K; t++) {
		strbuf_adds(out, t > 1 ? ",[" : "[");
		for (int o = 1; o <= K; o++) {
			if (o > 1)
				strbuf_addc(out, ',');
			number(out, dawidskene_confusion(ds, k, t, o));
		}
		strbuf_addc(out, ']');
	}
	strbuf_adds(out, "],\"accuracy\":[");
	for (int t = 1; t <= K; t++) {
		if (t > 1)
			strbuf_addc(out, ',');
		number(out, dawidskene_confusion(ds, k, t, t));
	}
	strbuf_adds(out, "]}");
}

static void json_ds(StrBuf *out, const Settlement *s)
{
	const DsResult *ds = settlement_ds(s);
	strbuf_adds(out, "\"dawid_skene\":");
	if (!ds) {
		strbuf_adds(out, "null");
		return;
	}
	strbuf_addf(out, "{\"iterations\":%d,\"converged\":%s,\"last_change\":", ds->iterations,
		    ds->converged ? "true" : "false");
	number(out, ds->last_change);
	strbuf_adds(out, ",\"log_likelihood\":");
	number(out, ds->log_likelihood);
	strbuf_addf(out, ",\"items_modelled\":%zu,\"priors\":", ds->n_modelled);
	numbers(out, ds->priors, ds->n_labels);
	strbuf_adds(out, ",\"raters\":[");
	for (size_t k = 0; k < settlement_raters(s); k++) {
		if (k)
			strbuf_addc(out, ',');
		json_rater(out, s, k);
	}
	strbuf_adds(out, "]}");
}

/* ---- items ---- */

static void json_item(StrBuf *out, const Settlement *s, size_t i)
{
	SettleOutcome o = settlement_outcome(s, i);
	const DsResult *ds = settlement_ds(s);
	int best = 0, tied = 0;
	double top = 0;
	strbuf_adds(out, "{\"item\":");
	string(out, settlement_external_id(s, i));
	strbuf_adds(out, ",\"label\":");
	label_or_null(out, o.label);
	strbuf_adds(out, ",\"reason\":");
	string(out, settle_reason_name(o.reason));
	strbuf_adds(out, ",\"support\":");
	number(out, o.support);
	strbuf_addf(out, ",\"reviews\":%d,\"unsure\":%d,\"adjudicated\":", o.n_reviews,
		    settlement_unsure(s, i));
	label_or_null(out, settlement_adjudicated(s, i));
	if (ds)
		best = dawidskene_best(ds, i, &top, &tied);
	strbuf_adds(out, ",\"best\":");
	label_or_null(out, best);
	strbuf_addf(out, ",\"tied\":%s,\"posterior\":", tied ? "true" : "false");
	if (best)
		numbers(out, dawidskene_posterior(ds, i), settlement_labels(s));
	else
		strbuf_adds(out, "null");
	strbuf_addc(out, '}');
}

/* Writes what b holds and empties it. */
static void flush(StrBuf *b, FILE *f)
{
	if (b->len)
		out_data(f, b->data, b->len);
	strbuf_reset(b);
}

Status settlement_write_json(const Settlement *s, FILE *f)
{
	StrBuf buf = { 0 }, *out = &buf;
	char *config = settlement_config_json(settlement_config(s));
	strbuf_addf(out, "{\"config\":%s,\"scale\":[", config);
	free(config);
	for (int j = 1; j <= settlement_labels(s); j++) {
		strbuf_addf(out, "%s{\"label\":%d,\"name\":", j > 1 ? "," : "", j);
		string(out, settlement_label_name(s, j));
		strbuf_addc(out, '}');
	}
	strbuf_adds(out, "],");
	json_counts(out, s);
	strbuf_addc(out, ',');
	json_ds(out, s);
	strbuf_adds(out, ",\"items\":[");
	for (size_t i = 0; i < settlement_items(s); i++) {
		strbuf_adds(out, i ? ",\n" : "\n");
		json_item(out, s, i);
		if (buf.len >= FLUSH_AT)
			flush(out, f);
	}
	strbuf_adds(out, "]}\n");
	flush(out, f);
	strbuf_free(out);
	return fflush(f) == 0 && !ferror(f)
		       ? STATUS_OK
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
	/* the line is cleaned where it is printed (out_printf) */
	char name[64];
	int n;
	snprintf(name, sizeof name, "%s%s", settlement_rater_name(s, k),
		 settlement_rater_is_llm(s, k) ? " (LLM)" : "");
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
	out_printf(arg, "%s\n", line);
}

static void text_ds(const Settlement *s, FILE *out)
{
	const DsResult *ds = settlement_ds(s);
	out_printf(out,
		   "Dawid-Skene: %d iteration%s, %s (largest posterior move %.3g), "
		   "log-likelihood %.6f\n",
		   ds->iterations, ds->iterations == 1 ? "" : "s",
		   ds->converged ? "converged" : "not converged", ds->last_change,
		   ds->log_likelihood);
	out_puts(out, "  priors:");
	for (int j = 0; j < ds->n_labels; j++)
		out_printf(out, " %d %.3f", j + 1, ds->priors[j]);
	out_puts(out, "\n");
	settlement_accuracy_lines(s, print_line, out);
}

Status settlement_write_text(const Settlement *s, FILE *out)
{
	char *config = settlement_config_json(settlement_config(s));
	Counts c = count(s);
	out_printf(out, "rule: %s\nitems: %zu, settled %zu\n", config, settlement_items(s),
		   c.settled);
	free(config);
	for (int r = 0; r < SETTLE_REASON_COUNT; r++)
		if (c.by_reason[r])
			out_printf(out, "  %-16s %9zu  %s\n", settle_reason_name((SettleReason)r),
				   c.by_reason[r], settle_reason_text((SettleReason)r));
	out_puts(out, "settled labels:\n");
	for (int j = 1; j <= settlement_labels(s); j++)
		out_printf(out, "  %d %-14s %9zu\n", j, settlement_label_name(s, j), c.by_label[j]);
	free(c.by_label);
	if (settlement_ds(s))
		text_ds(s, out);
	return fflush(out) == 0 && !ferror(out)
		       ? STATUS_OK
		       : status_fail(STATUS_ERR_IO, "writing the report failed");
}
