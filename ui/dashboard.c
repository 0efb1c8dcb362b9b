/* dashboard.c - agreement at a glance, inside the review UI. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/dashboard.h"

#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/agree/agree.h"
#include "src/agree/agreeload.h"
#include "src/agree/chart.h"
#include "src/base/xalloc.h"
#include "src/estimate/estimate.h"
#include "src/estimate/estimateload.h"
#include "src/settle/settlement.h"
#include "ui/draw.h"
#include "ui/gfx.h"
#include "ui/labview.h"
#include "ui/reviewapp.h"
#include "ui/screen.h"

/* The figures' rows: the title, three rows of figures, why one is
 * undefined, what was left out or why the figure over every review is not
 * the catalogue's, the catalogue's shares and the reviews they still need,
 * a blank. */
enum { FIGURE_ROWS = 9 };

/* The rater accuracy table: a title and a header above the raters' rows,
 * a blank (or which reviewers are shown) below; at most half the rows the
 * figures leave, and nothing when fewer than MIN_RATER_ROWS raters would
 * fit. Columns: the rater's name, their votes, then one per label, from
 * LABEL_COLS wide down to MIN_LABEL_COLS (" 0.93") when the scale is long. */
enum {
	ACCURACY_FRAME = 3,
	MIN_RATER_ROWS = 2,
	NAME_COLS = 16,
	VOTES_COLS = 9,
	LABEL_COLS = 8,
	MIN_LABEL_COLS = 5
};

/* The target the dashboard plans for: a share within 2.5 points. */
#define DASHBOARD_WIDTH 0.05

struct Dashboard {
	AgreeData *data;
	AgreeReport *report;
	char *shares, *plan; /* the estimate lines (gavel estimate), NULL without an audit */
	long long *versions; /* prompt version ids with runs; index 0 is "all" (0) */
	int n_versions, version;
	int rater;           /* -1: the settled label of everyone, else a reviewer index */
	char *me;
	AccuracyJob *job;    /* borrowed: the fit, on a worker */
	int fitting;         /* the fit has not arrived yet */
	Settlement *fit;     /* each rater's accuracy (Dawid-Skene); NULL until it arrives, or
			   * when it could not be made */
	GfxImage *charts[2]; /* the pictures last prepared, for the size they were made for */
};

static void forget_charts(Dashboard *d)
{
	for (int i = 0; i < 2; i++) {
		gfx_image_free(d->charts[i]);
		d->charts[i] = NULL;
	}
}

static void recompute(Dashboard *d)
{
	AgreeOptions o = {.by = AGREE_BY_NONE, .prompt_version_id = d->versions[d->version]};
	agree_report_free(d->report);
	d->report = agree_report(d->data, &o);
	forget_charts(d);
}

static void collect_versions(Dashboard *d)
{
	d->versions = xcalloc((size_t)d->data->n_runs + 1, sizeof *d->versions);
	d->n_versions = 1; /* "every prompt version" */
	for (int i = 0; i < d->data->n_runs; i++) {
		long long v = d->data->runs[i].prompt_version_id;
		int seen = 0;
		for (int j = 1; j < d->n_versions; j++)
			seen |= d->versions[j] == v;
		if (v && !seen)
			d->versions[d->n_versions++] = v;
	}
}

/* "bad 19.9% ±8.4 · ok 33.1% ±9.6 ..." for the ppi++ estimate. */
static char *shares_line(const EstimateReport *r, const EstimateSource *src)
{
	char *line = xstrdup("catalogue (ppi++):");
	for (int k = 0; k < r->K; k++) {
		const PpiEstimate *e = &r->all.r.label[k].est[PPI_METHOD_PPI_PLUS];
		char *more =
			e->defined ? xasprintf("%s%s %s %.1f%% ±%.1f", line, k ? " ·" : "",
					       src->names[k], 100 * e->point, 50 * (e->hi - e->lo))
				   : xasprintf("%s%s %s undefined", line, k ? " ·" : "",
					       src->names[k]);
		free(line);
		line = more;
	}
	return line;
}

/* The most further audit reviews any label's ppi++ needs for the target. */
static char *plan_line(const EstimateReport *r)
{
	long most = 0;
	int reachable = 1, defined = 1;
	for (int k = 0; k < r->K; k++) {
		const PpiEstimate *e = &r->all.r.label[k].est[PPI_METHOD_PPI_PLUS];
		defined &= e->defined;
		if (e->defined && e->more_reviews < 0)
			reachable = 0;
		else if (e->defined && e->more_reviews > most)
			most = e->more_reviews;
	}
	if (!defined)
		return xstrdup("for every share within ±2.5 points: review the audit first");
	if (!reachable)
		return xstrdup("for every share within ±2.5 points: out of reach by reviewing "
			       "(gavel estimate --width 0.05 says which)");
	return xasprintf("for every share within ±2.5 points: %ld more audit reviews "
			 "(gavel estimate --width 0.05)",
			 most);
}

/* The catalogue's label shares from the newest audit, as gavel estimate
 * gives them; nothing without an audit. */
static Status load_estimate(Dashboard *d, Db *db)
{
	EstimateLoadOptions load = { 0 };
	PpiOptions o = { PPI_ALPHA, NAN, DASHBOARD_WIDTH };
	EstimateReport r = { 0 };
	EstimateSource src;
	EstimateData *data = NULL;
	Status st = estimateload(db, &load, &data, &src);
	if (st == STATUS_OK && src.kind == ESTIMATE_SAMPLE_AUDIT &&
	    estimate_compute(data, &o, 0, &r) == STATUS_OK) {
		d->shares = shares_line(&r, &src);
		d->plan = plan_line(&r);
	}
	estimate_report_free(&r);
	estimate_data_free(data);
	estimate_source_free(&src);
	return st;
}

Status dashboard_open(Db *db, const char *reviewer, AccuracyJob *job, Dashboard **out)
{
	AgreeDataFilter filter = {0};
	Dashboard *d = xcalloc(1, sizeof *d);
	Status st = agreeload_data(db, &filter, &d->data);
	*out = NULL;
	if (st == STATUS_OK)
		st = load_estimate(d, db);
	if (st != STATUS_OK) {
		agreedata_free(d->data);
		free(d->shares), free(d->plan);
		free(d);
		return st;
	}
	d->me = xstrdup(reviewer);
	d->job = job;
	d->fitting = 1;
	collect_versions(d);
	recompute(d);
	d->rater = -1;
	/* with an audit the headline is the catalogue's agreement; else the
	 * reviewer's own figures first */
	for (int i = 0; !d->report->audit.id && i < d->report->reviewers_count; i++)
		if (!strcmp(d->report->reviewers[i], reviewer))
			d->rater = i;
	/* the fit `gavel agree` shows, in the background, once the figures are
	 * made: a worker reading beside them slowed the first frame by a sixth
	 * on 1,000,000 votes (bench_dashboard.sh), and the table came no sooner */
	accuracyjob_start(job);
	*out = d;
	return STATUS_OK;
}

void dashboard_free(Dashboard *d)
{
	if (!d)
		return;
	forget_charts(d);
	agree_report_free(d->report);
	agreedata_free(d->data);
	free(d->shares), free(d->plan);
	free(d->versions);
	free(d->me);
	if (d->fitting)
		accuracyjob_cancel(d->job);
	settlement_free(d->fit);
	free(d);
}

static int command(App *app, void *state, UiCommand command, int arg)
{
	Dashboard *d = state;
	(void)app, (void)arg;
	switch (command) {
	case UI_CMD_NEXT_PROMPT:
		d->version = (d->version + 1) % d->n_versions;
		recompute(d);
		return REACT_CLEAR; /* the old charts must go */
	case UI_CMD_NEXT_REVIEWER:
		/* everyone's settled label, then each reviewer in turn */
		d->rater = d->rater + 1 < (int)d->report->reviewers_count ? d->rater + 1 : -1;
		forget_charts(d);
		return REACT_CLEAR;
	case UI_CMD_REDRAW: return REACT_CLEAR;
	case UI_CMD_LAB: return labview_open(app);
	default: return REACT_CLOSE;
	}
}

static const AgreePair *pair_of(const Dashboard *d)
{
	return d->rater < 0 ? &d->report->settled_pair : &d->report->per_reviewer[d->rater];
}

/* Whether the headline is the audit's: the settled label of everyone, with
 * an audit (a reviewer's own figures are on the items they were handed). */
static int on_audit(const Dashboard *d)
{
	return d->rater < 0 && d->report->audit.id;
}

static const char *version_name(const Dashboard *d)
{
	static char name[96];
	if (!d->versions[d->version])
		return "every prompt version";
	for (int i = 0; i < d->data->n_runs; i++)
		if (d->data->runs[i].prompt_version_id == d->versions[d->version]) {
			snprintf(name, sizeof name, "prompt %s (%.8s)",
				 d->data->runs[i].name ? d->data->runs[i].name : "?",
				 d->data->runs[i].hash ? d->data->runs[i].hash : "");
			break;
		}
	return name;
}

/* One figure; an undefined one keeps its reason for the line below. With
 * an audit, the figure over every review follows it, starred. */
static void figure(char *out, size_t size, const char *label, const AgreeFigure *f,
		   const AgreeFigure *all, const char **why)
{
	char beside[32] = "";
	if (all && all->value.defined)
		snprintf(beside, sizeof beside, "  (all %.3f*)", all->value.value);
	else if (all)
		snprintf(beside, sizeof beside, "  (all undefined*)");
	if (f->value.defined) {
		snprintf(out, size, "%-26s %7.3f%s", label, f->value.value, beside);
	} else {
		snprintf(out, size, "%-26s undefined%s", label, beside);
		if (!*why)
			*why = f->value.why;
	}
}

/* The title: what is compared, on which items. */
static void draw_title(Dashboard *d, int top, const AgreePair *p)
{
	char line[256];
	if (on_audit(d))
		snprintf(line, sizeof line,
			 "LLM vs the settled human label · audit %lld, a random "
			 "sample%s · %s · n = %ld",
			 d->report->audit.id, d->report->audit.weighted ? ", design-weighted" : "",
			 version_name(d), d->report->audit.pair.n);
	else
		snprintf(line, sizeof line, "LLM vs %s · %s · n = %ld",
			 d->rater < 0 ? "the settled human label" : d->report->reviewers[d->rater],
			 version_name(d), p->n);
	attron(A_BOLD);
	draw_text(stdscr, top, 1, COLS - 2, line, 1);
	attroff(A_BOLD);
}

/* What the figures rest on, and what the catalogue's shares still need. */
static void draw_basis(Dashboard *d, int top, const AgreePair *p)
{
	char line[512];
	if (on_audit(d)) {
		snprintf(line, sizeof line,
			 "* all: every review (n = %ld), items chosen by the "
			 "review queues: not representative of the catalogue",
			 p->n);
		draw_text(stdscr, top + 5, 1, COLS - 2, line, 0);
	} else if (p->unsettled || p->no_llm || p->parse_failed || p->failed) {
		snprintf(line, sizeof line, "left out: %ld unsettled, %ld without an LLM label, %ld "
					    "unparsed, %ld failed", p->unsettled, p->no_llm,
			 p->parse_failed, p->failed);
		draw_text(stdscr, top + 5, 1, COLS - 2, line, 0);
	}
	if (d->rater < 0 && !d->report->audit.id)
		draw_text(stdscr, top + 6, 1, COLS - 2,
			  "every review: items chosen by the review "
			  "queues, not the catalogue's agreement; draw an audit (gavel audit)",
			  0);
	if (d->rater < 0 && d->shares) {
		draw_text(stdscr, top + 6, 1, COLS - 2, d->shares, 0);
		draw_text(stdscr, top + 7, 1, COLS - 2, d->plan, 0);
	}
}

static void draw_figures(Dashboard *d, int top)
{
	static const struct {
		MetricsStat stat;
		const char *name;
		int row, right;
	} shown[] = {
		{ METRICS_STAT_PERCENT, "percent agreement", 1, 0 },
		{ METRICS_STAT_KAPPA, "Cohen's kappa", 2, 0 },
		{ METRICS_STAT_KAPPA_QUADRATIC, "kappa, quadratic weights", 3, 0 },
		{ METRICS_STAT_AC1, "Gwet's AC1", 1, 1 },
		{ METRICS_STAT_SPEARMAN, "Spearman's rho", 2, 1 },
		{ METRICS_STAT_MAE, "mean absolute error", 3, 1 },
	};
	const AgreePair *p = pair_of(d);
	const char *why = NULL;
	char line[256];
	draw_title(d, top, p);
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
		MetricsStat s = shown[i].stat;
		if (on_audit(d))
			figure(line, sizeof line, shown[i].name, &d->report->audit.fig[s],
			       &p->fig[s], &why);
		else
			figure(line, sizeof line, shown[i].name, &p->fig[s], NULL, &why);
		draw_text(stdscr, top + shown[i].row, shown[i].right ? COLS / 2 : 1, COLS / 2 - 1,
			  line, 0);
	}
	if (why) {
		snprintf(line, sizeof line, "undefined: %s", why);
		draw_text(stdscr, top + 4, 1, COLS - 2, line, 0);
	}
	draw_basis(d, top, p);
}

/* ---- each rater's estimated accuracy per label ---- */

/* The rows the accuracy table takes below the figures (0: none). While it
 * is fitted, the rows it will most likely take (every reviewer and the
 * LLM), so that the charts stay where they are when it arrives. */
static int accuracy_rows(const Dashboard *d, const App *app)
{
	int room = (app->layout.rows - FIGURE_ROWS) / 2;
	size_t raters = d->fit ? settlement_raters(d->fit) : 0;
	int want;
	if (d->fitting)
		raters = d->report->reviewers_count + 1;
	want = ACCURACY_FRAME + (int)raters;
	if (!raters || room < ACCURACY_FRAME + MIN_RATER_ROWS)
		return 0;
	return want < room ? want : room;
}

/* The settlement's index of the reviewer chosen with v, or (size_t)-1. */
static size_t chosen_rater(const Dashboard *d)
{
	return d->rater < 0 ? (size_t)-1
			    : settlement_rater_find(d->fit, d->report->reviewers[d->rater]);
}

/* The first reviewer shown when not all fit in shown rows: the window
 * keeps the chosen one in view; the LLM's row is always the last. */
static size_t first_shown(const Dashboard *d, size_t shown)
{
	size_t reviewers = settlement_raters(d->fit) - 1, chosen = chosen_rater(d), first = 0;
	if (shown > reviewers || chosen == (size_t)-1 || chosen < shown - 1)
		return 0;
	first = chosen - (shown - 2);
	return first + shown - 1 > reviewers ? reviewers - (shown - 1) : first;
}

/* The width of a label's column: as wide as the screen allows them all. */
static int label_cols(const Dashboard *d)
{
	int w = (COLS - 2 - NAME_COLS - VOTES_COLS) / settlement_labels(d->fit);
	return w > LABEL_COLS ? LABEL_COLS : w < MIN_LABEL_COLS ? MIN_LABEL_COLS : w;
}

static void accuracy_header(const Dashboard *d, int y)
{
	char line[256];
	int x = 1 + NAME_COLS + VOTES_COLS, w = label_cols(d);
	const DsResult *ds = settlement_ds(d->fit);
	/* short enough for 80 columns even when it did not converge */
	snprintf(line, sizeof line,
		 "rater accuracy P(says j|truly j) · Dawid-Skene, %d iteration%s%s", ds->iterations,
		 ds->iterations == 1 ? "" : "s", ds->converged ? "" : ", not converged");
	attron(A_BOLD);
	draw_text(stdscr, y, 1, COLS - 2, line, 1);
	attroff(A_BOLD);
	snprintf(line, sizeof line, "%-*s%*s", NAME_COLS, "rater", VOTES_COLS - 1, "votes");
	draw_text(stdscr, y + 1, 1, NAME_COLS + VOTES_COLS, line, 1);
	for (int j = 1; j <= settlement_labels(d->fit) && x + w <= COLS - 1; j++) {
		snprintf(line, sizeof line, " %d %s", j, settlement_label_name(d->fit, j));
		draw_text(stdscr, y + 1, x, w, line, 1);
		x += w;
	}
}

static void accuracy_row(const Dashboard *d, int y, size_t k)
{
	char cell[32];
	int x = 1 + NAME_COLS + VOTES_COLS, w = label_cols(d),
	    bold = k == chosen_rater(d) ? A_BOLD : 0;
	attron(bold);
	draw_text(stdscr, y, 1, NAME_COLS - 1,
		  settlement_rater_is_llm(d->fit, k) ? "LLM" : settlement_rater_name(d->fit, k), 1);
	snprintf(cell, sizeof cell, "%*zu", VOTES_COLS - 1, settlement_rater_votes(d->fit, k));
	draw_text(stdscr, y, 1 + NAME_COLS, VOTES_COLS, cell, 1);
	for (int j = 1; j <= settlement_labels(d->fit) && x + w <= COLS - 1; j++) {
		snprintf(cell, sizeof cell, " %.2f",
			 dawidskene_confusion(settlement_ds(d->fit), k, j, j));
		draw_text(stdscr, y, x, w, cell, 1);
		x += w;
	}
	attroff(bold);
}

/* The table: rater rows (the LLM's last), label columns. */
static void draw_accuracy(Dashboard *d, int top, int rows)
{
	size_t raters, shown, first;
	if (!rows)
		return;
	if (d->fitting) {
		attron(A_BOLD);
		draw_text(stdscr, top, 1, COLS - 2, "rater accuracy: fitting Dawid-Skene…", 1);
		attroff(A_BOLD);
		return;
	}
	raters = settlement_raters(d->fit);
	shown = (size_t)(rows - ACCURACY_FRAME) < raters ? (size_t)(rows - ACCURACY_FRAME) : raters;
	first = shown < raters ? first_shown(d, shown) : 0;
	accuracy_header(d, top);
	for (size_t r = 0; r + 1 < shown; r++)
		accuracy_row(d, top + 2 + (int)r, first + r);
	accuracy_row(d, top + 1 + (int)shown, raters - 1);
	if (shown < raters) {
		char line[160];
		snprintf(line, sizeof line, "reviewers %zu-%zu of %zu shown; v moves through them",
			 first + 1, first + shown - 1, raters - 1);
		draw_text(stdscr, top + 2 + (int)shown, 1, COLS - 2, line, 1);
	}
}

/* Rasterises chart i (0: heat map, 1: LLM label by human label) for a
 * pane of cols x rows cells and prepares it for the terminal. */
static const GfxImage *chart(Dashboard *d, int i, const TtyCaps *caps, int cols, int rows)
{
	const AgreePair *p = pair_of(d);
	int K = d->report->K;
	ImgRGB rgb = {0};
	Status st;
	if (d->charts[i] && gfx_image_matches(d->charts[i], cols, rows, caps))
		return d->charts[i];
	gfx_image_free(d->charts[i]);
	d->charts[i] = NULL;
	{
		int w = cols * caps->cell_w, h = rows * caps->cell_h;
		if (caps->graphics == TTY_GRAPHICS_BLOCKS)
			w = cols, h = rows * 2;
		if (w < CHART_MIN_WIDTH || h < CHART_MIN_HEIGHT)
			return NULL;
		if (i == 0) {
			st = chart_confusion(p->table, K, (const char *const *)d->report->names, w, h,
					     &rgb);
		} else {
			/* one point per item: (human label, LLM label) */
			int *labels = xmalloc(sizeof *labels * (size_t)(p->n ? p->n : 1));
			double *scores = xmalloc(sizeof *scores * (size_t)(p->n ? p->n : 1));
			size_t n = 0;
			for (int a = 0; a < K; a++)
				for (int b = 0; b < K; b++)
					for (long c = 0; c < p->table[a * K + b]; c++, n++)
						labels[n] = a + 1, scores[n] = b + 1;
			st = chart_scatter(labels, scores, n, K, (const char *const *)d->report->names,
					   w, h, &rgb);
			free(labels);
			free(scores);
		}
	}
	if (st == STATUS_OK)
		st = gfx_prepare_rgb(&rgb, cols, rows, caps, 0xFFFFFF, &d->charts[i]);
	img_rgb_free(&rgb);
	return st == STATUS_OK ? d->charts[i] : NULL;
}

static void draw_text_matrix(Dashboard *d, int top, int rows)
{
	char buf[8192];
	const AgreePair *p = pair_of(d);
	char *line = buf;
	chart_confusion_text(p->table, d->report->K, (const char *const *)d->report->names, COLS - 2,
			     buf, sizeof buf);
	for (int r = 0; r < rows && line && *line; r++) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		draw_text(stdscr, top + r, 1, COLS - 2, line, 0);
		line = next;
	}
}

/* Where the charts go: below the figures and the accuracy table, side by
 * side. */
static int chart_top(const Dashboard *d, const App *app)
{
	return app->layout.top + FIGURE_ROWS + accuracy_rows(d, app);
}

static int chart_rows(const Dashboard *d, const App *app)
{
	return app->layout.rows - FIGURE_ROWS - accuracy_rows(d, app);
}

/* Whether both charts can be drawn as pictures here; else the text matrix. */
static int pictures_fit(Dashboard *d, const TtyCaps *caps, int rows)
{
	int half = COLS / 2 - 1;
	if (rows < 4 || (caps->graphics != TTY_GRAPHICS_SIXEL &&
			 !(caps->graphics == TTY_GRAPHICS_BLOCKS && screen_has_256_colours())))
		return 0;
	return chart(d, 0, caps, half, rows) && chart(d, 1, caps, half, rows);
}

static void draw(App *app, void *state)
{
	Dashboard *d = state;
	int top = chart_top(d, app), rows = chart_rows(d, app), half = COLS / 2 - 1;
	draw_figures(d, app->layout.top);
	draw_accuracy(d, app->layout.top + FIGURE_ROWS, accuracy_rows(d, app));
	if (rows < 4)
		return;
	if (!pictures_fit(d, &app->caps, rows)) {
		draw_text_matrix(d, top, rows);
		return;
	}
	if (app->caps.graphics == TTY_GRAPHICS_BLOCKS)
		for (int i = 0; i < 2; i++)
			draw_blocks(&d->charts[i]->blocks, top, 1 + i * (half + 1), rows, half);
}

static void draw_image(App *app, void *state)
{
	Dashboard *d = state;
	int top = chart_top(d, app), rows = chart_rows(d, app), half = COLS / 2 - 1;
	if (app->caps.graphics != TTY_GRAPHICS_SIXEL || !pictures_fit(d, &app->caps, rows))
		return;
	for (int i = 0; i < 2; i++) {
		GfxBuf placed = {0};
		if (d->charts[i]->mode != TTY_GRAPHICS_SIXEL)
			continue;
		gfx_sixel_place(&placed, top, 1 + i * (half + 1), &d->charts[i]->sixel);
		screen_write_raw(placed.data, placed.len);
		gfx_buf_free(&placed);
	}
}

int dashboard_background(App *app)
{
	Dashboard *d = app->view == &dashboard_view ? app->view_state : NULL;
	Settlement *fit;
	int before;
	if (!accuracyjob_poll(app->accuracy, &fit, NULL))
		return REACT_NONE;
	if (!d || !d->fitting) {
		settlement_free(fit); /* not asked for by the screen on top */
		return REACT_NONE;
	}
	before = accuracy_rows(d, app);
	d->fit = fit;
	d->fitting = 0;
	/* the pictures below stay valid unless the table pushed them */
	return accuracy_rows(d, app) == before ? REACT_TEXT : REACT_CLEAR;
}

static void close_view(void *state)
{
	dashboard_free(state);
}

const UiViewOps dashboard_view = {
	.title = "agreement dashboard",
	.keymap = KEYMAP_DASHBOARD,
	.command = command,
	.draw = draw,
	.draw_image = draw_image,
	.close = close_view,
};
