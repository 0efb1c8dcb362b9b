/* adjudicateview.c - the adjudication screen: the items in conflict on the
 * left, the image in the middle, and on the right what the LLM said (with
 * its estimated accuracy), every reviewer's label and note (with theirs)
 * and the Dawid-Skene posterior of each label as a bar. A digit picks the
 * final label, a reason may follow; u undoes; A accepts the unanimous
 * items after asking; f filters. The session (src/review/adjudicate.c)
 * commits every decision before the next item shows. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/adjudicateview.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"
#include "src/review/adjudicate.h"
#include "ui/draw.h"
#include "ui/reviewapp.h"
#include "ui/screen.h"

enum { BAR_MAX = 20, UPCOMING = 3 };

typedef struct {
	AdjudicateSession *session;
	AdjudicateDetails details;
	long long detail_item;
	int scroll;
} View;

/* ---- the current item ---- */

static const AdjudicateEntry *current(const View *v)
{
	return adjudicate_peek(v->session, adjudicate_cursor(v->session));
}

/* Asks the image worker for the current and the next pictures. */
static void want_images(App *app, View *v)
{
	const char *paths[UPCOMING + 1];
	int n = 0, at = adjudicate_cursor(v->session);
	for (int i = at < 0 ? 0 : at; n <= UPCOMING && i < adjudicate_count(v->session); i++)
		if (adjudicate_peek(v->session, i)->path)
			paths[n++] = adjudicate_peek(v->session, i)->path;
	prefetch_want(app->prefetch, paths, n);
}

/* Loads the item under the cursor when it changed; returns the reaction. */
static int land(App *app, View *v)
{
	const AdjudicateEntry *e = current(v);
	long long id = e ? e->item_id : 0;
	if (id == v->detail_item)
		return REACT_NONE;
	adjudicate_details_free(&v->details);
	v->detail_item = id;
	v->scroll = 0;
	if (adjudicate_details(v->session, &v->details) != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	want_images(app, v);
	return REACT_TEXT | REACT_IMAGE;
}

static int after(App *app, View *v, Status st)
{
	if (st != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	else if (*adjudicate_notice(v->session))
		app_message(app, 1, "%s", adjudicate_notice(v->session));
	return REACT_TEXT | land(app, v);
}

/* ---- commands ---- */

static int decide(App *app, View *v, int label)
{
	const Settlement *fit = adjudicate_settlement(v->session);
	char prompt[128], reason[512];
	if (!current(v)) {
		app_message(app, 0, "nothing to adjudicate");
		return REACT_TEXT;
	}
	if (label > settlement_labels(fit)) {
		app_message(app, 1, "the scale has %d labels: 1-%d", settlement_labels(fit),
			    settlement_labels(fit));
		return REACT_TEXT;
	}
	snprintf(prompt, sizeof prompt,
		 "final label %d %s; reason (Enter: none, Esc: cancel): ", label,
		 settlement_label_name(fit, label));
	if (!app_prompt_line(app, prompt, reason, sizeof reason))
		return REACT_TEXT;
	app->message[0] = '\0';
	return after(app, v, adjudicate_decide(v->session, label, reason));
}

static int undo(App *app, View *v)
{
	long long n;
	Status st = adjudicate_undo(v->session, &n);
	if (st == STATUS_OK && !n)
		app_message(app, 0, "nothing to undo in this session");
	else if (st == STATUS_OK)
		app_message(app, 0, "undone: %lld adjudication%s withdrawn (still in the log)", n,
			    n == 1 ? "" : "s");
	v->detail_item = -1;
	return after(app, v, st) | REACT_TEXT;
}

static int bulk_accept(App *app, View *v)
{
	char question[160];
	long long n;
	Status st = adjudicate_unanimous_count(v->session, &n);
	if (st == STATUS_OK && !n) {
		app_message(app, 0, "no unanimous item waits for acceptance");
		return REACT_TEXT;
	}
	if (st != STATUS_OK)
		return after(app, v, st);
	snprintf(question, sizeof question,
		 "accept %lld unanimous item%s (two or more reviewers, "
		 "all agree) as adjudicated? y/n",
		 n, n == 1 ? "" : "s");
	if (app_read_choice(app, question) != 'y') {
		app_message(app, 0, "nothing accepted");
		return REACT_TEXT;
	}
	st = adjudicate_accept_unanimous(v->session, &n);
	if (st == STATUS_OK)
		app_message(app, 0, "%lld unanimous item%s accepted; u undoes it in one step", n,
			    n == 1 ? "" : "s");
	return st == STATUS_OK ? REACT_TEXT : after(app, v, st);
}

static int refilter(App *app, View *v)
{
	AdjudicateFilter f = *adjudicate_filter(v->session);
	char value[32], *end;
	double p;
	switch (app_read_choice(app, "filter: c only conflicts, 2 two or more human labels, "
				     "p posterior below P, x clear")) {
	case 'c': f.disagree_only = 1; break;
	case '2': f.min_humans = 2; break;
	case 'x': memset(&f, 0, sizeof f); break;
	case 'p':
		if (!app_prompt_line(app, "posterior below (0-1): ", value, sizeof value))
			return REACT_TEXT;
		p = strtod(value, &end);
		if (end == value || *end || !(p > 0 && p <= 1)) {
			app_message(app, 1, "'%s' is not a posterior between 0 and 1", value);
			return REACT_TEXT;
		}
		f.below_posterior = p;
		break;
	default: return REACT_TEXT;
	}
	v->detail_item = -1;
	return after(app, v, adjudicate_refilter(v->session, &f));
}

static int command(App *app, void *state, UiCommand command, int arg)
{
	View *v = state;
	switch (command) {
	case UI_CMD_FINAL: return decide(app, v, arg);
	case UI_CMD_UNDO: return undo(app, v);
	case UI_CMD_BULK_ACCEPT: return bulk_accept(app, v);
	case UI_CMD_FILTER: return refilter(app, v);
	case UI_CMD_NEXT: return after(app, v, adjudicate_move(v->session, 1));
	case UI_CMD_PREV: return after(app, v, adjudicate_move(v->session, -1));
	case UI_CMD_SCROLL_DOWN: v->scroll += app->layout.rows / 2; return REACT_TEXT;
	case UI_CMD_SCROLL_UP:
		v->scroll = v->scroll > app->layout.rows / 2 ? v->scroll - app->layout.rows / 2 : 0;
		return REACT_TEXT;
	case UI_CMD_REDRAW: return REACT_CLEAR;
	case UI_CMD_CLOSE:
		app->message[0] = '\0'; /* the review screen's status line comes back */
		return REACT_CLOSE;
	default: return REACT_NONE;
	}
}

/* ---- drawing ---- */

static void draw_list(App *app, View *v)
{
	const Layout *l = &app->layout;
	int count = adjudicate_count(v->session), cursor = adjudicate_cursor(v->session);
	int first = reviewdraw_list_first(app, cursor, count);
	for (int row = 0; row < l->rows; row++) {
		const AdjudicateEntry *e = adjudicate_peek(v->session, first + row);
		char state[32];
		int width;
		if (!e) {
			if (first + row == count)
				draw_text(stdscr, l->top + row, 0, l->queue_w,
					  cursor == count ? ">(end)" : " (end)", 0);
			continue;
		}
		if (e->decided)
			snprintf(state, sizeof state, "✓ %d", e->decided);
		else if (e->best)
			snprintf(state, sizeof state, "%.2f", e->posterior);
		else
			snprintf(state, sizeof state, "·");
		width = draw_width(state);
		if (first + row == cursor)
			attron(A_REVERSE);
		mvaddstr(l->top + row, 0, first + row == cursor ? ">" : " ");
		draw_text(stdscr, l->top + row, 1, l->queue_w - width - 2, e->external_id, 1);
		draw_text(stdscr, l->top + row, l->queue_w - width - 1, width + 1, state, 1);
		attroff(A_REVERSE);
	}
	reviewdraw_separators(app);
}

/* ---- the right pane ---- */

static void accuracy_text(char *out, size_t size, double accuracy)
{
	if (accuracy >= 0)
		snprintf(out, size, "  (acc %.2f)", accuracy);
	else
		out[0] = '\0';
}

static void pane_llm(PaneWriter *p, const View *v, const Settlement *fit)
{
	const DbPrediction *pr = &v->details.prediction;
	char line[512], acc[32];
	if (!pr->id || pr->status != DB_PREDICTION_OK) {
		reviewdraw_pane_text(p, A_BOLD, "LLM  no answer");
		return;
	}
	accuracy_text(acc, sizeof acc, v->details.llm_accuracy);
	snprintf(line, sizeof line, "LLM  %d %s%s", pr->label,
		 settlement_label_name(fit, pr->label), acc);
	reviewdraw_pane_text(p, A_BOLD, line);
	reviewdraw_pane_text(p, 0, pr->rationale ? pr->rationale : "(no rationale)");
}

static void pane_votes(PaneWriter *p, const View *v, const Settlement *fit)
{
	char line[1024], acc[32];
	reviewdraw_pane_text(p, A_BOLD, "reviewers");
	if (!v->details.n_votes)
		reviewdraw_pane_text(p, 0, "  (none)");
	for (int i = 0; i < v->details.n_votes; i++) {
		const AdjudicateVote *x = &v->details.votes[i];
		accuracy_text(acc, sizeof acc, x->accuracy);
		if (x->decision == DB_DECISION_SKIP)
			snprintf(line, sizeof line, "  %s: unsure (skipped)", x->reviewer);
		else
			snprintf(line, sizeof line, "  %s: %d %s%s%s", x->reviewer, x->label,
				 settlement_label_name(fit, x->label), acc,
				 x->verdict == DB_VERDICT_FLAWED ? ", rationale flawed" : "");
		reviewdraw_pane_text(p, 0, line);
		if (x->note) {
			snprintf(line, sizeof line, "    note: %s", x->note);
			reviewdraw_pane_text(p, 0, line);
		}
	}
}

/* Each label's posterior as a bar, as wide as the pane allows. */
static void pane_posterior(PaneWriter *p, const View *v, const Settlement *fit)
{
	int bar = p->app->layout.llm_w - 24;
	char line[256];
	bar = bar > BAR_MAX ? BAR_MAX : bar < 4 ? 4 : bar;
	reviewdraw_pane_text(p, A_BOLD, "Dawid-Skene posterior");
	if (!v->details.posterior) {
		reviewdraw_pane_text(p, 0, "  (not modelled: no votes)");
		return;
	}
	for (int j = 1; j <= settlement_labels(fit); j++) {
		double x = v->details.posterior[j - 1];
		int cells = (int)(x * bar + 0.5), n;
		n = snprintf(line, sizeof line, " %d %-10.10s ", j, settlement_label_name(fit, j));
		for (int c = 0; c < bar && n + 4 < (int)sizeof line; c++)
			n += snprintf(line + n, sizeof line - (size_t)n, "%s",
				      c < cells ? "█" : "░");
		snprintf(line + n, sizeof line - (size_t)n, " %.2f", x);
		reviewdraw_pane_text(p, 0, line);
	}
}

static void draw_details(App *app, View *v)
{
	const Settlement *fit = adjudicate_settlement(v->session);
	const DbItem *it = &v->details.item;
	PaneWriter p = reviewdraw_pane(app, v->scroll);
	char line[512];
	if (!current(v)) {
		reviewdraw_pane_text(&p, A_BOLD,
				     adjudicate_count(v->session)
					     ? "nothing left in conflict for now"
					     : "no item in conflict");
		reviewdraw_pane_text(
			&p, 0, "A accepts the unanimous items; q goes back to the review screen");
		return;
	}
	reviewdraw_pane_text(&p, A_BOLD, it->title ? it->title : "(untitled)");
	snprintf(line, sizeof line, "%s%s%s", it->external_id ? it->external_id : "",
		 it->category ? " · " : "", it->category ? it->category : "");
	reviewdraw_pane_text(&p, 0, line);
	if (v->details.adjudicated) {
		snprintf(line, sizeof line, "adjudicated: %d %s by %s%s%s", v->details.adjudicated,
			 settlement_label_name(fit, v->details.adjudicated),
			 v->details.adjudicator ? v->details.adjudicator : "?",
			 v->details.reason ? ": " : "", v->details.reason ? v->details.reason : "");
		reviewdraw_pane_text(&p, A_BOLD, line);
	}
	reviewdraw_pane_text(&p, 0, "");
	pane_votes(&p, v, fit);
	reviewdraw_pane_text(&p, 0, "");
	pane_posterior(&p, v, fit);
	reviewdraw_pane_text(&p, 0, "");
	pane_llm(&p, v, fit);
}

static void draw(App *app, void *state)
{
	View *v = state;
	land(app, v);
	draw_list(app, v);
	app->image_pending = 0;
	if (current(v))
		reviewdraw_picture(app, current(v)->path);
	draw_details(app, v);
}

static void draw_image(App *app, void *state)
{
	View *v = state;
	if (current(v))
		reviewdraw_sixel(app, current(v)->path);
}

static void close_view(void *state)
{
	View *v = state;
	if (!v)
		return;
	adjudicate_details_free(&v->details);
	adjudicate_close(v->session);
	free(v);
}

const UiViewOps adjudicate_view = {
	.title = "adjudication",
	.keymap = KEYMAP_ADJUDICATE,
	.command = command,
	.draw = draw,
	.draw_image = draw_image,
	.close = close_view,
};

int adjudicateview_open(App *app)
{
	View *v = xcalloc(1, sizeof *v);
	Status st;
	app_message(app, 0, "fitting Dawid-Skene over every vote…");
	reviewdraw_frame(app, 0);
	refresh();
	st = adjudicate_open(app->db, app->reviewer, REVIEW_RENEW_S * 5, &v->session);
	if (st != STATUS_OK) {
		app_message(app, 1, "%s", status_detail());
		free(v);
		return REACT_TEXT;
	}
	v->detail_item = -1;
	app_message(app, 0,
		    "adjudication: %d item%s in conflict claimed; a digit gives the final "
		    "label",
		    adjudicate_count(v->session), adjudicate_count(v->session) == 1 ? "" : "s");
	return app_open_view(app, &adjudicate_view, v);
}
