/* agreefmt.c - the agreement report as text or JSON (see agreefmt.h). */
#include "src/agree/agreefmt.h"

#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "src/agree/agreefmtaudit.h"
#include "src/agree/chart.h"
#include "src/base/text.h"
#include "src/base/xalloc.h"
#include "src/base/out.h"

/* Text columns: a figure line is "  NAME(18) VALUE(23) BAND(14) n=N". */
enum { WIDTH = 80, VALUE_COL = 21, VALUE_W = 23, BAND_W = 14, MAX_PAIRS_SHOWN = 20 };

typedef enum { BAND_NONE, BAND_KAPPA, BAND_ALPHA } Band;

/* The two-rater figures in the order the text shows them: weighted kappa,
 * the headline on an ordinal scale, first. */
static const MetricsStat pair_order[] = {
	METRICS_STAT_KAPPA_QUADRATIC, METRICS_STAT_KAPPA_LINEAR, METRICS_STAT_KAPPA,
	METRICS_STAT_AC1,	      METRICS_STAT_PERCENT,	 METRICS_STAT_SPEARMAN,
	METRICS_STAT_KENDALL_TAU_B,   METRICS_STAT_PEARSON,	 METRICS_STAT_MAE,
};

/* Per MetricsStat: text name, JSON key, band. */
static const struct {
	const char *name, *key;
	Band band;
} pair_stat[METRICS_STAT_COUNT] = {
	[METRICS_STAT_PERCENT] = { "percent agreement", "percent_agreement", BAND_NONE },
	[METRICS_STAT_KAPPA] = { "Cohen's kappa", "cohen_kappa", BAND_KAPPA },
	[METRICS_STAT_KAPPA_LINEAR] = { "kappa, linear", "cohen_kappa_linear", BAND_KAPPA },
	[METRICS_STAT_KAPPA_QUADRATIC] = { "kappa, quadratic", "cohen_kappa_quadratic",
					   BAND_KAPPA },
	[METRICS_STAT_AC1] = { "Gwet's AC1", "gwet_ac1", BAND_KAPPA },
	[METRICS_STAT_SPEARMAN] = { "Spearman's rho", "spearman", BAND_NONE },
	[METRICS_STAT_KENDALL_TAU_B] = { "Kendall's tau-b", "kendall_tau_b", BAND_NONE },
	[METRICS_STAT_PEARSON] = { "Pearson's r", "pearson", BAND_NONE },
	[METRICS_STAT_MAE] = { "MAE (steps)", "mae", BAND_NONE },
};

static const struct {
	const char *name, *key;
	Band band;
} group_stat[RELIABILITY_STAT_COUNT] = {
	[RELIABILITY_STAT_FLEISS] = { "Fleiss' kappa", "fleiss_kappa", BAND_KAPPA },
	[RELIABILITY_STAT_ALPHA_NOMINAL] = { "alpha, nominal", "krippendorff_alpha_nominal",
					     BAND_ALPHA },
	[RELIABILITY_STAT_ALPHA_ORDINAL] = { "alpha, ordinal", "krippendorff_alpha_ordinal",
					     BAND_ALPHA },
	[RELIABILITY_STAT_ALPHA_INTERVAL] = { "alpha, interval", "krippendorff_alpha_interval",
					      BAND_ALPHA },
	[RELIABILITY_STAT_ALPHA_RATIO] = { "alpha, ratio", "krippendorff_alpha_ratio",
					   BAND_ALPHA },
	[RELIABILITY_STAT_AC1] = { "Gwet's AC1", "gwet_ac1", BAND_KAPPA },
};

static const MetricsStat raw_stats[] = { METRICS_STAT_SPEARMAN, METRICS_STAT_KENDALL_TAU_B,
					 METRICS_STAT_PEARSON, METRICS_STAT_MAE };

/* ---- words and numbers ---- */

/* A cleaned copy of s cut to at most max columns, "~" marking a cut. */
static char *cut(const char *s, int max)
{
	char *clean = text_clean(s);

	if (text_display_width(clean) > max)
		strcpy(clean + text_cut(clean, max - 1, NULL), "~");
	return clean;
}

typedef struct {
	FILE *out;
	int indent;
	int lines;
} WrapOut;

static void wrap_line(void *arg, const char *line)
{
	WrapOut *w = arg;

	out_printf(w->out, "%*s%s\n", w->lines++ ? w->indent : 0, "", line);
}

/* Prints text from column col, breaking lines at spaces before column
 * WIDTH (inside a word only when it is longer than a line); continuation
 * lines start at column indent. Ends the line. */
static void wrap(FILE *out, int col, int indent, const char *text)
{
	WrapOut w = { out, indent, 0 };

	text_wrap(text, WIDTH - col, WIDTH - indent, wrap_line, &w);
}

static void wrapf(FILE *out, int col, int indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void wrapf(FILE *out, int col, int indent, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	wrap(out, col, indent, buf);
}

/* A coefficient to 3 decimals, a share as a percentage to 1, rounded half
 * away from zero on the decimal value: printf alone would round the binary
 * double, and 47/80 = 0.5875, stored as 0.58749999..., would show as 0.587.
 * Values within a relative 1e-9 of a tie count as the tie. Never "-0". */
static void number(char *out, size_t size, double v, int percent)
{
	int decimals = percent ? 1 : 3;
	double x = fabs(percent ? v * 100 : v) * (percent ? 10 : 1000);
	double r = floor(x + 0.5 + 1e-9 * (x > 1 ? x : 1));

	if (r == 0)
		v = 0;
	snprintf(out, size, percent ? "%s%.*f%%" : "%s%.*f", v < 0 ? "-" : "", decimals,
		 r / (percent ? 10 : 1000));
}

static const char *band_word(Band band, double v)
{
	if (band == BAND_KAPPA)
		return metrics_landis_koch(v);
	if (band == BAND_ALPHA)
		/* Krippendorff's 0.667 is two thirds, rounded */
		return v >= 0.800 ? "reliable" : v >= 2.0 / 3.0 ? "tentative" : "unreliable";
	return NULL;
}

/* The metrics modules say "the first rater"; name who that is. Owned. */
static char *reason(const char *why, const char *a, const char *b)
{
	static const char *const who[] = { "the first rater", "the second rater" };
	const char *names[] = { a, b };

	if (!why)
		return xstrdup("");
	for (int i = 0; i < 2; i++) {
		size_t n = strlen(who[i]);

		if (names[i] && !strncmp(why, who[i], n)) {
			char *clean = text_clean(names[i]);
			char *s = xasprintf("%s (%s)%s", who[i], clean, why + n);

			free(clean);
			return s;
		}
	}
	return xstrdup(why);
}

/* "0.712 [0.651, 0.770]", "0.712 [no interval]" or "0.712". */
static void figure_text(char *out, size_t size, const AgreeFigure *f, int percent)
{
	char v[24], lo[24], hi[24];

	number(v, sizeof v, f->value.value, percent);
	if (f->ci.defined) {
		number(lo, sizeof lo, f->ci.lo, percent);
		number(hi, sizeof hi, f->ci.hi, percent);
		snprintf(out, size, "%s [%s, %s]", v, lo, hi);
	} else {
		snprintf(out, size, "%s%s", v, f->ci.why ? " [no interval]" : "");
	}
}

/* ---- text ---- */

static void figure_line(FILE *out, const char *name, const AgreeFigure *f, int percent, Band band,
			const char *a, const char *b)
{
	char value[96];
	const char *word;
	char *why;

	out_printf(out, "  %-18s ", name);
	if (!f->value.defined) {
		why = reason(f->value.why, a, b);
		wrapf(out, VALUE_COL, VALUE_COL, "undefined (%s) n=%ld", why, f->n);
		free(why);
		return;
	}
	figure_text(value, sizeof value, f, percent);
	word = band_word(band, f->value.value);
	out_printf(out, "%-*s %-*s n=%ld\n", VALUE_W, value, BAND_W, word ? word : "", f->n);
	if (!f->ci.defined && f->ci.why) {
		why = reason(f->ci.why, a, b);
		out_printf(out, "%*s", VALUE_COL, "");
		wrapf(out, VALUE_COL, VALUE_COL, "no interval: %s", why);
		free(why);
	}
}

static void heading(FILE *out, const char *title)
{
	size_t n = strlen(title);

	out_printf(out, "\n%s\n", title);
	for (size_t i = 0; i < n; i++)
		out_puts(out, "-");
	out_puts(out, "\n");
}

/* "left out: 8 unsettled (...), 3 ..." when anything was. */
static void left_out(FILE *out, const AgreePair *p)
{
	char buf[512] = "";
	size_t at = 0;
	const struct {
		long n;
		const char *what;
	} parts[] = {
		{ p->unsettled, "unsettled (their reviewers disagree)" },
		{ p->no_llm, "not labelled by the LLM" },
		{ p->parse_failed, "whose LLM answer failed to parse" },
		{ p->failed, "whose LLM call failed" },
	};

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (parts[i].n && at < sizeof buf)
			at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%ld %s",
					       at ? ", " : "", parts[i].n, parts[i].what);
	}
	if (at)
		wrapf(out, 2, 4, "  left out: %s", buf);
}

static void pair_figures(FILE *out, const AgreePair *p)
{
	for (size_t i = 0; i < sizeof pair_order / sizeof pair_order[0]; i++) {
		MetricsStat s = pair_order[i];

		figure_line(out, pair_stat[s].name, &p->fig[s], s == METRICS_STAT_PERCENT,
			    pair_stat[s].band, p->a, p->b);
	}
}

static void confusion(FILE *out, const AgreeReport *r, const long *table)
{
	char **names = xcalloc((size_t)r->K, sizeof *names);
	size_t need;
	char *buf, *line, *save = NULL;

	for (int i = 0; i < r->K; i++)
		names[i] = cut(r->names[i], 12);
	need = chart_confusion_text(table, r->K, (const char *const *)names, WIDTH - 2, NULL, 0);
	buf = xmalloc(need + 1);
	chart_confusion_text(table, r->K, (const char *const *)names, WIDTH - 2, buf, need + 1);
	out_puts(out, "\n");
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		out_printf(out, "  %s\n", line);
	free(buf);
	for (int i = 0; i < r->K; i++)
		free(names[i]);
	free(names);
}

static void text_header(FILE *out, const AgreeReport *r, const AgreeFmtContext *c)
{
	char *db = cut(c->database ? c->database : "", WIDTH - 13);
	char scale[1024] = "";
	size_t at = 0;

	out_printf(out, "gavel agree: %s\n", db);
	free(db);
	for (int i = 0; i < r->K && at < sizeof scale; i++) {
		char *name = text_clean(r->names[i]);

		at += (size_t)snprintf(scale + at, sizeof scale - at, "%s%d %s", i ? ", " : "", i + 1,
				       name);
		free(name);
	}
	wrapf(out, 0, 7, "scale: %s", scale);
	if (c->run_id)
		wrapf(out, 0, 4, "LLM label: the ok prediction of run %lld", c->run_id);
	else if (c->prompt_version_id)
		wrapf(out, 0, 4, "LLM label: the latest ok prediction among the runs of prompt "
				 "version %lld (%.8s)", c->prompt_version_id,
		      c->prompt_hash ? c->prompt_hash : "");
	else
		wrapf(out, 0, 4, "LLM label: the latest run's ok prediction for the item");
	/* several runs may have given it: say which, and for how many items */
	for (int i = 0; r->n_llm_sources > 1 && i < r->n_llm_sources; i++) {
		const AgreeLlmSource *s = &r->llm_sources[i];
		wrapf(out, 0, 4, "  from run %lld (%s%s%s%s%.8s): %ld item%s", s->run_id,
		      s->provider ? s->provider : "?", s->model ? "/" : "", s->model ? s->model : "",
		      s->prompt_hash ? ", prompt " : "", s->prompt_hash ? s->prompt_hash : "", s->items,
		      s->items == 1 ? "" : "s");
	}
	if (c->since || c->until)
		wrapf(out, 0, 4, "reviews made: %s %s %s %s (UTC)", c->since ? "from" : "",
		      c->since ? c->since : "", c->until ? "to" : "", c->until ? c->until : "");
	for (int i = 0; i < c->n_reviewers; i++) {
		char *name = text_clean(c->reviewers[i]);

		wrapf(out, 0, 4, "reviewer: %s", name);
		free(name);
	}
	if (r->options.intervals)
		wrapf(out, 0, 4, "intervals: %.0f%% percentile bootstrap, %d resamples of the items, "
				 "seed %#llx", r->options.boot.confidence * 100,
		      r->options.boot.resamples, (unsigned long long)r->options.boot.seed);
	else
		out_puts(out, "intervals: none (--no-ci)\n");
}

static void text_summary(FILE *out, const AgreeReport *r)
{
	heading(out, "Summary");
	if (r->items_total)
		out_printf(out, "  items in the database     %10lld\n", r->items_total);
	out_printf(out, "  items with a human label  %10ld\n", r->items_human);
	out_printf(out, "  standing human labels     %10ld  from %ld reviewer%s\n", r->human_labels,
		r->reviewers_count, r->reviewers_count == 1 ? "" : "s");
	if (r->invalid_human)
		out_printf(out, "  labels off the scale      %10ld  left out\n", r->invalid_human);
	out_printf(out, "  settled items             %10ld  all their labels agree\n", r->settled);
	out_printf(out, "  unsettled items           %10ld  their reviewers disagree\n", r->unsettled);
	out_printf(out, "  with an LLM label         %10ld  of the items with a human label\n",
		r->items_llm);
}

static void text_llm(FILE *out, const AgreeReport *r)
{
	heading(out, "LLM vs the settled human label");
	wrapf(out, 0, 2, "  on %s", agreefmtaudit_basis(r));
	wrapf(out, 0, 2, "  %ld items whose reviewers all gave one label (or that one reviewer "
			 "labelled), against the LLM's label", r->settled_pair.n);
	left_out(out, &r->settled_pair);
	pair_figures(out, &r->settled_pair);
	confusion(out, r, r->settled_pair.table);
	heading(out, "LLM vs each reviewer");
	out_puts(out, "  on the items each reviewer labelled, not chosen at random\n");
	if (!r->reviewers_count)
		out_puts(out, "no human labels\n");
	for (int i = 0; i < (int)r->reviewers_count; i++) {
		char *name = cut(r->reviewers[i], 40);

		out_printf(out, "%s%s: %ld items\n", i ? "\n" : "", name, r->per_reviewer[i].n);
		free(name);
		left_out(out, &r->per_reviewer[i]);
		pair_figures(out, &r->per_reviewer[i]);
	}
}

static void text_reviewers(FILE *out, const AgreeReport *r)
{
	const AgreeGroup *g = &r->group;
	int shown = r->n_pairs < MAX_PAIRS_SHOWN ? r->n_pairs : MAX_PAIRS_SHOWN;

	heading(out, "Reviewer vs reviewer");
	out_puts(out, "  on the items both labelled, not chosen at random\n");
	if (!r->n_pairs)
		out_puts(out, "no two reviewers labelled the same item\n");
	for (int i = 0; i < shown; i++) {
		char *a = cut(r->pairs[i].a, 30), *b = cut(r->pairs[i].b, 30);

		out_printf(out, "%s%s vs %s: %ld shared items\n", i ? "\n" : "", a, b, r->pairs[i].n);
		free(a), free(b);
		pair_figures(out, &r->pairs[i]);
	}
	if (shown < r->n_pairs)
		out_printf(out, "\n... and %d more pairs (gavel agree --json lists them all)\n",
			r->n_pairs - shown);
	out_puts(out, "\n");
	wrapf(out, 0, 2, "All reviewers as a group: %d reviewer%s, %ld items rated, %ld of them "
			 "by two or more, %ld ratings (alpha: Krippendorff's alpha)",
	      g->raters, g->raters == 1 ? "" : "s", g->items, g->pairable, g->ratings);
	for (int s = 0; s < RELIABILITY_STAT_COUNT; s++)
		figure_line(out, group_stat[s].name, &g->fig[s], 0, group_stat[s].band, NULL, NULL);
}

static void text_scorer(FILE *out, const AgreeReport *r)
{
	const AgreeScorer *sc = &r->scorer;
	static const MetricsStat rounded[] = { METRICS_STAT_KAPPA_QUADRATIC,
					       METRICS_STAT_KAPPA_LINEAR, METRICS_STAT_KAPPA,
					       METRICS_STAT_AC1, METRICS_STAT_PERCENT };

	if (!sc->model_id)
		return;
	heading(out, "Scorer vs the settled human label");
	wrapf(out, 0, 2, "  scorer model %lld: %ld settled items with a score (%ld without); "
			 "scores rounded to the nearest label:",
	      sc->model_id, sc->rounded.n, sc->unscored);
	for (size_t i = 0; i < sizeof rounded / sizeof rounded[0]; i++)
		figure_line(out, pair_stat[rounded[i]].name, &sc->rounded.fig[rounded[i]],
			    rounded[i] == METRICS_STAT_PERCENT, pair_stat[rounded[i]].band, "human",
			    "scorer");
	out_puts(out, "  raw scores:\n");
	for (size_t i = 0; i < sizeof raw_stats / sizeof raw_stats[0]; i++)
		figure_line(out, pair_stat[raw_stats[i]].name, &sc->raw[raw_stats[i]], 0, BAND_NONE,
			    "human", "scorer");
}

/* ---- the --by table ---- */

enum { COL_KEY, COL_N, COL_KAPPA, COL_BAND, COL_AGREE, COL_RHO, COL_COST, COLS };

static const char *const col_title[COLS] = { "", "n", "kappa, quadratic", "band", "agree",
					     "rho", "cost" };

/* Tokens or money spent on a row's runs, short. */
static void cost_text(char *out, size_t size, const AgreeSlice *s)
{
	long long tokens = s->prompt_tokens + s->completion_tokens;

	if (!tokens)
		snprintf(out, size, "no tokens");
	else if (s->has_cost)
		snprintf(out, size, s->cost > 0 && s->cost < 0.005 ? "<$0.01" : "$%.2f", s->cost);
	else if (tokens < 100000)
		snprintf(out, size, "%lld tok", tokens);
	else
		snprintf(out, size, "%.2fM tok", (double)tokens / 1e6);
}

/* The cells of one row; cut at most to key width later. */
static void row_cells(const AgreeSlice *s, int dash, char cell[COLS][96])
{
	const AgreeFigure *k = &s->pair.fig[METRICS_STAT_KAPPA_QUADRATIC];
	const AgreeFigure *a = &s->pair.fig[METRICS_STAT_PERCENT];
	const AgreeFigure *rho = &s->pair.fig[METRICS_STAT_SPEARMAN];
	const char *undef = dash ? "-" : "undefined";
	const char *word = k->value.defined ? band_word(BAND_KAPPA, k->value.value) : NULL;

	snprintf(cell[COL_KEY], 96, "%s", s->key);
	snprintf(cell[COL_N], 96, "%ld", s->pair.n);
	if (k->value.defined)
		figure_text(cell[COL_KAPPA], 96, k, 0);
	else
		snprintf(cell[COL_KAPPA], 96, "undefined");
	snprintf(cell[COL_BAND], 96, "%s", word ? word : "");
	if (a->value.defined)
		number(cell[COL_AGREE], 96, a->value.value, 1);
	else
		snprintf(cell[COL_AGREE], 96, "%s", undef);
	if (rho->value.defined)
		number(cell[COL_RHO], 96, rho->value.value, 0);
	else
		snprintf(cell[COL_RHO], 96, "%s", undef);
	cost_text(cell[COL_COST], 96, s);
}

/* Column widths for the rows; returns the line width with 1-space gaps. */
static int table_widths(const AgreeReport *r, int dash, int ncols, int *w)
{
	char cell[COLS][96];
	int total = ncols - 1;

	for (int c = 0; c < ncols; c++)
		w[c] = (int)strlen(col_title[c]);
	for (int i = 0; i < r->n_slices; i++) {
		row_cells(&r->slices[i], dash, cell);
		for (int c = 0; c < ncols; c++) {
			int cw = text_display_width(cell[c]);

			w[c] = cw > w[c] ? cw : w[c];
		}
	}
	for (int c = 0; c < ncols; c++)
		total += w[c];
	return total;
}

static void table_footnotes(FILE *out, const AgreeReport *r)
{
	static const MetricsStat shown[] = { METRICS_STAT_KAPPA_QUADRATIC, METRICS_STAT_PERCENT,
					     METRICS_STAT_SPEARMAN };

	for (int i = 0; i < r->n_slices; i++) {
		const AgreeSlice *s = &r->slices[i];
		char *key = cut(s->key, 30);

		if (r->options.by == AGREE_BY_PROMPT || r->options.by == AGREE_BY_MODEL)
			wrapf(out, 0, 4, "%s: %s", key, s->detail ? s->detail : "");
		for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++) {
			const AgreeFigure *f = &s->pair.fig[shown[k]];
			const char *why = f->value.defined ? f->ci.why : f->value.why;
			char *text;

			if (!why || (f->value.defined && f->ci.defined))
				continue;
			text = reason(why, s->pair.a, s->pair.b);
			wrapf(out, 0, 4, "%s: %s %s (%s)", key, pair_stat[shown[k]].name,
			      f->value.defined ? "has no interval" : "undefined", text);
			free(text);
		}
		free(key);
	}
}

static void text_table(FILE *out, const AgreeReport *r)
{
	static const char *const titles[] = {
		[AGREE_BY_PROMPT] = "By prompt version: LLM vs the settled human label",
		[AGREE_BY_MODEL] = "By model: LLM vs the settled human label",
		[AGREE_BY_REVIEWER] = "By reviewer: LLM vs each reviewer's labels",
		[AGREE_BY_CATEGORY] = "By category: LLM vs the settled human label",
		[AGREE_BY_BLIND] = "Blind vs primed: LLM vs labels given without / after seeing it",
	};
	int costs = r->options.by == AGREE_BY_PROMPT || r->options.by == AGREE_BY_MODEL;
	int ncols = costs ? COLS : COL_COST, w[COLS], dash = 0, total, gap = 1;
	char cell[COLS][96];

	heading(out, titles[r->options.by]);
	wrapf(out, 0, 0, "on %s", agreefmtaudit_basis(r));
	wrapf(out, 0, 0, "kappa, quadratic: Cohen's kappa with quadratic weights and its "
			 "interval; band: Landis & Koch; agree: percent agreement; rho: Spearman%s",
	      costs ? "; cost: tokens of the row's runs at the given prices" : "");
	total = table_widths(r, dash, ncols, w);
	if (total > WIDTH)
		total = table_widths(r, dash = 1, ncols, w);
	if (total > WIDTH)
		w[COL_KEY] -= total - WIDTH;
	if (w[COL_KEY] < 4)
		w[COL_KEY] = 4;
	if (total + ncols - 1 <= WIDTH)
		gap = 2; /* room to breathe */
	out_puts(out, "\n");
	for (int c = 0; c < ncols; c++)
		out_printf(out, c == COL_KEY || c == COL_KAPPA || c == COL_BAND ? "%*s%-*s" : "%*s%*s",
			c ? gap : 0, "", w[c], col_title[c]);
	out_puts(out, "\n");
	for (int i = 0; i < r->n_slices; i++) {
		char *key;

		row_cells(&r->slices[i], dash, cell);
		key = cut(cell[COL_KEY], w[COL_KEY]);
		out_printf(out, "%s%*s", key, w[COL_KEY] - text_display_width(key), "");
		free(key);
		for (int c = 1; c < ncols; c++)
			out_printf(out, c == COL_KAPPA || c == COL_BAND ? "%*s%-*s" : "%*s%*s", gap, "",
				w[c], cell[c]);
		out_puts(out, "\n");
	}
	if (!r->n_slices)
		out_puts(out, "(no rows)\n");
	out_puts(out, "\n");
	table_footnotes(out, r);
}

void agreefmt_text(const AgreeReport *r, const AgreeFmtContext *c, FILE *out)
{
	text_header(out, r, c);
	text_summary(out, r);
	agreefmtaudit_text(r, out);
	if (r->options.by != AGREE_BY_NONE) {
		text_table(out, r);
		return;
	}
	text_llm(out, r);
	text_reviewers(out, r);
	text_scorer(out, r);
	out_puts(out, "\nbands: Landis & Koch (1977) for kappa and AC1; Krippendorff's 0.800 and 0.667\n"
		      "for alpha. docs/metrics.md says what each figure means and when to trust it.\n");
}

/* ---- JSON ---- */

static void add_number_or_null(cJSON *o, const char *key, int defined, double v)
{
	if (defined)
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_string_or_null(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *json_figure(const AgreeFigure *f, Band band, const char *a, const char *b)
{
	cJSON *o = cJSON_CreateObject();
	char *why = f->value.defined ? NULL : reason(f->value.why, a, b);
	char *ci_why = f->ci.defined || !f->ci.why ? NULL : reason(f->ci.why, a, b);
	const char *word = f->value.defined ? band_word(band, f->value.value) : NULL;

	add_number_or_null(o, "value", f->value.defined, f->value.value);
	cJSON_AddBoolToObject(o, "defined", f->value.defined);
	add_string_or_null(o, "reason", why);
	cJSON_AddNumberToObject(o, "n", (double)f->n);
	add_number_or_null(o, "ci_low", f->ci.defined, f->ci.lo);
	add_number_or_null(o, "ci_high", f->ci.defined, f->ci.hi);
	add_string_or_null(o, "ci_reason", ci_why);
	add_string_or_null(o, "band", word);
	free(why);
	free(ci_why);
	return o;
}

static cJSON *json_matrix(const long *table, int K)
{
	cJSON *rows = cJSON_CreateArray();

	for (int i = 0; i < K; i++) {
		cJSON *row = cJSON_CreateArray();

		for (int j = 0; j < K; j++)
			cJSON_AddItemToArray(row, cJSON_CreateNumber((double)table[i * K + j]));
		cJSON_AddItemToArray(rows, row);
	}
	return rows;
}

static cJSON *json_pair(const AgreePair *p, int K)
{
	cJSON *o = cJSON_CreateObject(), *m, *left = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "a", p->a);
	cJSON_AddStringToObject(o, "b", p->b);
	cJSON_AddNumberToObject(o, "n", (double)p->n);
	cJSON_AddNumberToObject(left, "unsettled", (double)p->unsettled);
	cJSON_AddNumberToObject(left, "no_llm_label", (double)p->no_llm);
	cJSON_AddNumberToObject(left, "parse_failed", (double)p->parse_failed);
	cJSON_AddNumberToObject(left, "failed", (double)p->failed);
	cJSON_AddItemToObject(o, "left_out", left);
	m = cJSON_AddObjectToObject(o, "metrics");
	for (int s = 0; s < METRICS_STAT_COUNT; s++)
		cJSON_AddItemToObject(m, pair_stat[s].key,
				      json_figure(&p->fig[s], pair_stat[s].band, p->a, p->b));
	cJSON_AddItemToObject(o, "confusion", json_matrix(p->table, K));
	return o;
}

/* The audit's headline: its figures, and those over every review beside. */
static cJSON *json_audit(const AgreeReport *r)
{
	cJSON *o = agreefmtaudit_json(r), *m, *all;

	if (!r->audit.id)
		return o;
	m = cJSON_AddObjectToObject(o, "metrics");
	all = cJSON_AddObjectToObject(cJSON_GetObjectItem(o, "every_review"), "metrics");
	for (int s = 0; s < METRICS_STAT_COUNT; s++) {
		cJSON_AddItemToObject(m, pair_stat[s].key,
				      json_figure(&r->audit.fig[s], pair_stat[s].band, "human",
						  "LLM"));
		cJSON_AddItemToObject(all, pair_stat[s].key,
				      json_figure(&r->settled_pair.fig[s], pair_stat[s].band,
						  "human", "LLM"));
	}
	cJSON_AddItemToObject(o, "confusion", json_matrix(r->audit.pair.table, r->K));
	return o;
}

static cJSON *json_group(const AgreeGroup *g)
{
	cJSON *o = cJSON_CreateObject(), *m;

	cJSON_AddNumberToObject(o, "reviewers", g->raters);
	cJSON_AddNumberToObject(o, "items", (double)g->items);
	cJSON_AddNumberToObject(o, "pairable_items", (double)g->pairable);
	cJSON_AddNumberToObject(o, "ratings", (double)g->ratings);
	m = cJSON_AddObjectToObject(o, "metrics");
	for (int s = 0; s < RELIABILITY_STAT_COUNT; s++)
		cJSON_AddItemToObject(m, group_stat[s].key,
				      json_figure(&g->fig[s], group_stat[s].band, NULL, NULL));
	return o;
}

static cJSON *json_scorer(const AgreeReport *r)
{
	const AgreeScorer *sc = &r->scorer;
	cJSON *o, *raw;

	if (!sc->model_id)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "model_id", (double)sc->model_id);
	cJSON_AddNumberToObject(o, "unscored", (double)sc->unscored);
	cJSON_AddItemToObject(o, "rounded", json_pair(&sc->rounded, r->K));
	raw = cJSON_AddObjectToObject(o, "raw");
	for (size_t i = 0; i < sizeof raw_stats / sizeof raw_stats[0]; i++)
		cJSON_AddItemToObject(raw, pair_stat[raw_stats[i]].key,
				      json_figure(&sc->raw[raw_stats[i]], BAND_NONE, "human",
						  "scorer"));
	return o;
}

static cJSON *json_slices(const AgreeReport *r)
{
	cJSON *o, *rows;
	int costs = r->options.by == AGREE_BY_PROMPT || r->options.by == AGREE_BY_MODEL;

	if (r->options.by == AGREE_BY_NONE)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "by", agree_by_name(r->options.by));
	rows = cJSON_AddArrayToObject(o, "rows");
	for (int i = 0; i < r->n_slices; i++) {
		const AgreeSlice *s = &r->slices[i];
		cJSON *row = json_pair(&s->pair, r->K);

		cJSON_AddStringToObject(row, "key", s->key);
		add_string_or_null(row, "detail", s->detail);
		if (r->options.by == AGREE_BY_PROMPT)
			add_number_or_null(row, "prompt_version_id", s->id != 0, (double)s->id);
		if (costs) {
			cJSON_AddNumberToObject(row, "runs", s->runs);
			cJSON_AddNumberToObject(row, "prompt_tokens", (double)s->prompt_tokens);
			cJSON_AddNumberToObject(row, "completion_tokens",
						(double)s->completion_tokens);
			add_number_or_null(row, "cost", s->has_cost, s->cost);
		}
		cJSON_AddItemToArray(rows, row);
	}
	return o;
}

static cJSON *json_context(const AgreeReport *r, const AgreeFmtContext *c)
{
	cJSON *o = cJSON_CreateObject(), *reviewers = cJSON_CreateArray();

	add_number_or_null(o, "run", c->run_id != 0, (double)c->run_id);
	add_number_or_null(o, "prompt_version_id", c->prompt_version_id != 0,
			   (double)c->prompt_version_id);
	add_string_or_null(o, "since", c->since);
	add_string_or_null(o, "until", c->until);
	for (int i = 0; i < c->n_reviewers; i++)
		cJSON_AddItemToArray(reviewers, cJSON_CreateString(c->reviewers[i]));
	cJSON_AddItemToObject(o, "reviewers", reviewers);
	add_string_or_null(o, "by", r->options.by ? agree_by_name(r->options.by) : NULL);
	return o;
}

static cJSON *json_summary(const AgreeReport *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "items", (double)r->items_total);
	cJSON_AddNumberToObject(o, "items_with_human_label", (double)r->items_human);
	cJSON_AddNumberToObject(o, "human_labels", (double)r->human_labels);
	cJSON_AddNumberToObject(o, "human_labels_off_scale", (double)r->invalid_human);
	cJSON_AddNumberToObject(o, "reviewers", (double)r->reviewers_count);
	cJSON_AddNumberToObject(o, "settled", (double)r->settled);
	cJSON_AddNumberToObject(o, "unsettled", (double)r->unsettled);
	cJSON_AddNumberToObject(o, "items_with_llm_label", (double)r->items_llm);
	{
		cJSON *sources = cJSON_AddArrayToObject(o, "llm_label_sources");
		for (int i = 0; i < r->n_llm_sources; i++) {
			const AgreeLlmSource *s = &r->llm_sources[i];
			cJSON *one = cJSON_CreateObject();
			cJSON_AddNumberToObject(one, "run", (double)s->run_id);
			add_string_or_null(one, "provider", s->provider);
			add_string_or_null(one, "model", s->model);
			add_string_or_null(one, "prompt_hash", s->prompt_hash);
			cJSON_AddNumberToObject(one, "items", (double)s->items);
			cJSON_AddItemToArray(sources, one);
		}
	}
	return o;
}

void agreefmt_json(const AgreeReport *r, const AgreeFmtContext *c, FILE *out)
{
	cJSON *o = cJSON_CreateObject(), *scale = cJSON_CreateArray(), *list;

	cJSON_AddStringToObject(o, "database", c->database ? c->database : "");
	for (int i = 0; i < r->K; i++)
		cJSON_AddItemToArray(scale, cJSON_CreateString(r->names[i]));
	cJSON_AddItemToObject(o, "scale", scale);
	cJSON_AddItemToObject(o, "filters", json_context(r, c));
	if (r->options.intervals) {
		cJSON *ci = cJSON_AddObjectToObject(o, "intervals");

		cJSON_AddStringToObject(ci, "method", "percentile bootstrap over items");
		cJSON_AddNumberToObject(ci, "resamples", r->options.boot.resamples);
		cJSON_AddNumberToObject(ci, "seed", (double)r->options.boot.seed);
		cJSON_AddNumberToObject(ci, "confidence", r->options.boot.confidence);
	} else {
		cJSON_AddNullToObject(o, "intervals");
	}
	cJSON_AddItemToObject(o, "summary", json_summary(r));
	cJSON_AddItemToObject(o, "items_chosen_by", agreefmtaudit_froms_json(r));
	cJSON_AddItemToObject(o, "audit", json_audit(r));
	list = json_pair(&r->settled_pair, r->K);
	cJSON_AddStringToObject(list, "computed_on", agreefmtaudit_basis(r));
	cJSON_AddBoolToObject(list, "representative", 0);
	cJSON_AddItemToObject(o, "llm_vs_settled", list);
	list = cJSON_AddArrayToObject(o, "llm_vs_reviewers");
	for (int i = 0; i < (int)r->reviewers_count; i++) {
		cJSON *p = json_pair(&r->per_reviewer[i], r->K);

		cJSON_AddStringToObject(p, "reviewer", r->reviewers[i]);
		cJSON_AddItemToArray(list, p);
	}
	list = cJSON_AddArrayToObject(o, "reviewer_pairs");
	for (int i = 0; i < r->n_pairs; i++)
		cJSON_AddItemToArray(list, json_pair(&r->pairs[i], r->K));
	cJSON_AddItemToObject(o, "reviewer_group", json_group(&r->group));
	cJSON_AddItemToObject(o, "scorer_vs_settled", json_scorer(r));
	cJSON_AddItemToObject(o, "slices", json_slices(r));
	out_json(out, o, 1);
	cJSON_Delete(o);
}
