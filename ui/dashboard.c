/* dashboard.c - agreement at a glance, inside the review UI. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/dashboard.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "src/agree/agree.h"
#include "src/agree/agreeload.h"
#include "src/agree/chart.h"
#include "src/base/xalloc.h"
#include "ui/draw.h"
#include "ui/gfx.h"
#include "ui/labview.h"
#include "ui/reviewapp.h"
#include "ui/screen.h"

enum { FIGURE_ROWS = 7 };

struct Dashboard {
	AgreeData *data;
	AgreeReport *report;
	long long *versions; /* prompt version ids with runs; index 0 is "all" (0) */
	int n_versions, version;
	int rater;           /* -1: the settled label of everyone, else a reviewer index */
	char *me;
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

Status dashboard_open(Db *db, const char *reviewer, Dashboard **out)
{
	AgreeDataFilter filter = {0};
	Dashboard *d = xcalloc(1, sizeof *d);
	Status st = agreeload_data(db, &filter, &d->data);
	*out = NULL;
	if (st != STATUS_OK) {
		free(d);
		return st;
	}
	d->me = xstrdup(reviewer);
	collect_versions(d);
	recompute(d);
	d->rater = -1;
	for (int i = 0; i < d->report->reviewers_count; i++)
		if (!strcmp(d->report->reviewers[i], reviewer))
			d->rater = i;
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
	free(d->versions);
	free(d->me);
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

/* One figure; an undefined one keeps its reason for the line below. */
static void figure(char *out, size_t size, const char *label, const AgreeFigure *f,
		   const char **why)
{
	if (f->value.defined) {
		snprintf(out, size, "%-28s %7.3f", label, f->value.value);
	} else {
		snprintf(out, size, "%-28s undefined", label);
		if (!*why)
			*why = f->value.why;
	}
}

static void draw_figures(Dashboard *d, int top)
{
	const AgreePair *p = pair_of(d);
	const char *why = NULL;
	char line[256];
	snprintf(line, sizeof line, "LLM vs %s · %s · n = %ld",
		 d->rater < 0 ? "the settled human label" : d->report->reviewers[d->rater],
		 version_name(d), p->n);
	attron(A_BOLD);
	draw_text(stdscr, top, 1, COLS - 2, line, 1);
	attroff(A_BOLD);
	figure(line, sizeof line, "percent agreement", &p->fig[METRICS_STAT_PERCENT], &why);
	draw_text(stdscr, top + 1, 1, COLS / 2 - 1, line, 0);
	figure(line, sizeof line, "Cohen's kappa", &p->fig[METRICS_STAT_KAPPA], &why);
	draw_text(stdscr, top + 2, 1, COLS / 2 - 1, line, 0);
	figure(line, sizeof line, "kappa, quadratic weights", &p->fig[METRICS_STAT_KAPPA_QUADRATIC], &why);
	draw_text(stdscr, top + 3, 1, COLS / 2 - 1, line, 0);
	figure(line, sizeof line, "Gwet's AC1", &p->fig[METRICS_STAT_AC1], &why);
	draw_text(stdscr, top + 1, COLS / 2, COLS / 2 - 1, line, 0);
	figure(line, sizeof line, "Spearman's rho", &p->fig[METRICS_STAT_SPEARMAN], &why);
	draw_text(stdscr, top + 2, COLS / 2, COLS / 2 - 1, line, 0);
	figure(line, sizeof line, "mean absolute error", &p->fig[METRICS_STAT_MAE], &why);
	draw_text(stdscr, top + 3, COLS / 2, COLS / 2 - 1, line, 0);
	if (why) {
		snprintf(line, sizeof line, "undefined: %s", why);
		draw_text(stdscr, top + 4, 1, COLS - 2, line, 0);
	}
	if (p->unsettled || p->no_llm || p->parse_failed || p->failed) {
		snprintf(line, sizeof line, "left out: %ld unsettled, %ld without an LLM label, %ld "
					    "unparsed, %ld failed", p->unsettled, p->no_llm,
			 p->parse_failed, p->failed);
		draw_text(stdscr, top + 5, 1, COLS - 2, line, 0);
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

/* Where the charts go: below the figures, side by side. */
static int chart_rows(const App *app)
{
	return app->layout.rows - FIGURE_ROWS;
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
	int top = app->layout.top + FIGURE_ROWS, rows = chart_rows(app), half = COLS / 2 - 1;
	draw_figures(d, app->layout.top);
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
	int top = app->layout.top + FIGURE_ROWS, rows = chart_rows(app), half = COLS / 2 - 1;
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
