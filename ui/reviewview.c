/* reviewview.c - the review screen: its commands (decide, undo, move, note,
 * search, filter, order) and the screens it opens. Decisions are committed
 * by src/review/review.c before the next item is drawn. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "db/claims.h"
#include "src/base/xalloc.h"
#include "ui/adjudicateview.h"
#include "ui/dashboard.h"
#include "ui/draw.h"
#include "ui/linesview.h"
#include "ui/labview.h"
#include "ui/reviewapp.h"

/* ---- decisions ---- */

/* What a decision did, in words, for the status line. */
static void say_decided(App *app, ReviewAction action, int label, const char *item)
{
	const DbScale *scale = review_scale(app->session);
	const char *name = label >= 1 && label <= scale->count ? scale->names[label - 1] : "";
	switch (action) {
	case REVIEW_ACCEPT: app_message(app, 0, "accepted %d %s on %s", label, name, item); break;
	case REVIEW_OVERRIDE: app_message(app, 0, "labelled %d %s: %s", label, name, item); break;
	case REVIEW_SKIP: app_message(app, 0, "skipped %s", item); break;
	}
}

static int decide(App *app, ReviewAction action, int label)
{
	const ReviewEntry *e = review_peek(app->session, review_cursor(app->session));
	const DbScale *scale = review_scale(app->session);
	char item[128];
	Status st;
	if (!e) {
		app_message(app, 1, "nothing to review");
		return REACT_TEXT;
	}
	if (action == REVIEW_OVERRIDE && label > scale->count) {
		app_message(app, 1, "the scale has %d labels: 1-%d", scale->count, scale->count);
		return REACT_TEXT;
	}
	/* a digit equal to the LLM's label, seen, is agreement */
	if (action == REVIEW_OVERRIDE && !e->blind && e->prediction_id && label == e->llm_label)
		action = REVIEW_ACCEPT;
	if (action == REVIEW_ACCEPT)
		label = e->llm_label;
	snprintf(item, sizeof item, "%s", e->external_id);
	st = review_decide(app->session, action, label, review_verdict(app->session));
	if (st != STATUS_OK) {
		app_message(app, 1, "%s", status_detail());
		return REACT_TEXT | app_land(app);
	}
	say_decided(app, action, label, item);
	if (action != REVIEW_SKIP && app->retrain_every &&
	    ++app->labels_given % app->retrain_every == 0)
		retrain_request(app->retrain);
	return REACT_TEXT | app_land(app);
}

static int undo(App *app)
{
	int undone;
	Status st = review_undo(app->session, &undone);
	const ReviewEntry *e = review_peek(app->session, review_cursor(app->session));
	if (st != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	else if (!undone)
		app_message(app, 0, "nothing to undo in this session");
	else
		app_message(app, 0, "undone on %s: the decision is withdrawn (still in the log)%s",
			    e ? e->external_id : "?",
			    e && e->mine.decision != DB_DECISION_NONE ? "; your earlier one stands" : "");
	return REACT_TEXT | app_land(app);
}

static int go(App *app, int delta)
{
	Status st = review_move(app->session, delta);
	if (st != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	else
		app->message[0] = '\0';
	return REACT_TEXT | app_land(app);
}

static int note(App *app)
{
	char text[1024];
	if (!review_peek(app->session, review_cursor(app->session)))
		return REACT_TEXT;
	if (app_prompt_line(app, "note: ", text, sizeof text) && text[0]) {
		Status st = review_note(app->session, text);
		if (st == STATUS_OK)
			app_message(app, 0, "note saved on %s",
				    review_peek(app->session, review_cursor(app->session))->external_id);
		else
			app_message(app, 1, "%s", status_detail());
		app->detail_item = -1; /* show it with the item */
		return REACT_TEXT | app_land(app);
	}
	app->message[0] = '\0';
	return REACT_TEXT;
}

/* unmarked, then flawed (the usual reason to mark), then sound */
static int mark_verdict(App *app)
{
	static const DbVerdict next[] = {[DB_VERDICT_NONE] = DB_VERDICT_FLAWED,
					 [DB_VERDICT_FLAWED] = DB_VERDICT_SOUND,
					 [DB_VERDICT_SOUND] = DB_VERDICT_NONE};
	const ReviewEntry *e = review_peek(app->session, review_cursor(app->session));
	DbVerdict v = next[review_verdict(app->session)];
	Status st = review_set_verdict(app->session, v);
	if (st != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	else if (e->mine.decision != DB_DECISION_NONE)
		app_message(app, 0, "rationale %s%s: saved", v ? "marked " : "unmarked",
			    v ? db_verdict_word(v) : "");
	else
		app_message(app, 0, "rationale %s%s: saved with your decision, or when you move on",
			    v ? "marked " : "unmarked", v ? db_verdict_word(v) : "");
	return REACT_TEXT;
}

/* ---- the queue: search, filter, order ---- */

static int requeue(App *app, DbOrder order, const ReviewFilter *filter)
{
	Status st = review_requeue(app->session, order, filter);
	app->detail_item = -1;
	if (st != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	else if (review_cursor(app->session) < 0)
		app_message(app, 0, "no items match");
	else
		app->message[0] = '\0';
	return REACT_TEXT | app_land(app);
}

static int search(App *app)
{
	char text[256];
	ReviewFilter f = *review_filter(app->session);
	if (!app_prompt_line(app, "search (title, id, metadata; empty clears): ", text, sizeof text))
		return REACT_TEXT;
	f.search = text[0] ? text : NULL;
	return requeue(app, review_order(app->session), &f);
}

/* Asks for a label on the scale; 0 when cancelled or not a label. */
static int ask_label(App *app, const char *question)
{
	char value[32], *end;
	long label;
	if (!app_prompt_line(app, question, value, sizeof value))
		return 0;
	label = strtol(value, &end, 10);
	if (end == value || *end || label < 1 || label > review_scale(app->session)->count) {
		app_message(app, 1, "'%s' is not a label: 1-%d", value, review_scale(app->session)->count);
		return 0;
	}
	return (int)label;
}

/* One entry of the filter menu: changes the filter (and the order, for
 * browsing what I decided); 0 when the user cancelled. */
typedef int (*FilterFn)(App *app, ReviewFilter *f, DbOrder *order, char *buf, size_t size);

static int by_category(App *app, ReviewFilter *f, DbOrder *order, char *buf, size_t size)
{
	(void)order;
	if (!app_prompt_line(app, "category: ", buf, size))
		return 0;
	f->category = buf[0] ? buf : NULL;
	return 1;
}

static int by_llm_label(App *app, ReviewFilter *f, DbOrder *order, char *buf, size_t size)
{
	(void)order, (void)buf, (void)size;
	return (f->llm_label = ask_label(app, "LLM label (a number): ")) != 0;
}

/* browsing what I labelled with one label */
static int by_my_label(App *app, ReviewFilter *f, DbOrder *order, char *buf, size_t size)
{
	(void)buf, (void)size;
	*order = DB_ORDER_MINE;
	return (f->mine_label = ask_label(app, "your label (a number): ")) != 0;
}

static int browse(ReviewFilter *f, DbOrder *order, DbDecision decision)
{
	f->mine_decision = decision;
	*order = DB_ORDER_MINE;
	return 1;
}

static int by_accepts(App *app, ReviewFilter *f, DbOrder *order, char *buf, size_t size)
{
	(void)app, (void)buf, (void)size;
	return browse(f, order, DB_DECISION_ACCEPT);
}

static int by_overrides(App *app, ReviewFilter *f, DbOrder *order, char *buf, size_t size)
{
	(void)app, (void)buf, (void)size;
	return browse(f, order, DB_DECISION_OVERRIDE);
}

static int by_skips(App *app, ReviewFilter *f, DbOrder *order, char *buf, size_t size)
{
	(void)app, (void)buf, (void)size;
	return browse(f, order, DB_DECISION_SKIP);
}

static int clear_all(App *app, ReviewFilter *f, DbOrder *order, char *buf, size_t size)
{
	(void)app, (void)buf, (void)size;
	memset(f, 0, sizeof *f);
	if (*order == DB_ORDER_MINE)
		*order = DB_ORDER_UNREVIEWED;
	return 1;
}

static const struct {
	char key;
	const char *label;
	FilterFn apply;
} filter_menu[] = {
	{'c', "category", by_category},   {'l', "LLM label", by_llm_label},
	{'m', "my label", by_my_label},   {'a', "accepted", by_accepts},
	{'o', "overridden", by_overrides}, {'s', "skipped", by_skips},
	{'x', "clear all", clear_all},
};

static int choose_filter(App *app)
{
	ReviewFilter f = *review_filter(app->session);
	DbOrder order = review_order(app->session);
	char question[256] = "filter:", value[256];
	int key;
	for (size_t i = 0; i < sizeof filter_menu / sizeof filter_menu[0]; i++)
		snprintf(question + strlen(question), sizeof question - strlen(question), "%s %c %s",
			 i ? "," : "", filter_menu[i].key, filter_menu[i].label);
	key = app_read_choice(app, question);
	for (size_t i = 0; i < sizeof filter_menu / sizeof filter_menu[0]; i++)
		if (key == filter_menu[i].key) {
			if (!filter_menu[i].apply(app, &f, &order, value, sizeof value))
				return REACT_TEXT;
			return requeue(app, order, &f);
		}
	return REACT_TEXT;
}

static int choose_order(App *app)
{
	ReviewFilter f = *review_filter(app->session);
	char question[256] = "order:";
	int key;
	/* the --order words: short enough for eight orders on one line */
	for (int i = 0; i < DB_ORDER_COUNT; i++)
		if (db_order_keys[i])
			snprintf(question + strlen(question), sizeof question - strlen(question),
				 "%s %c %s", i ? "," : "", db_order_keys[i], db_order_words[i]);
	key = app_read_choice(app, question);
	for (int i = 0; i < DB_ORDER_COUNT; i++)
		if (db_order_keys[i] && key == db_order_keys[i]) {
			f.mine_decision = DB_DECISION_NONE; /* an order is a queue, not a browse */
			return requeue(app, (DbOrder)i, &f);
		}
	return REACT_TEXT;
}

/* ---- the screens it opens ---- */

static int show_help(App *app)
{
	LinesView *help = linesview_new(" help (any other key closes) ");
	keys_help(KEYMAP_REVIEW, review_scale(app->session)->count, linesview_add, help);
	linesview_add(help, "");
	linesview_add(help, "Every decision is saved before the next item shows; undo adds a row "
			    "that withdraws it.");
	linesview_add(help, "");
	linesview_add(help, "On the dashboard:");
	keys_help(KEYMAP_DASHBOARD, review_scale(app->session)->count, linesview_add, help);
	linesview_add(help, "");
	linesview_add(help, "In the prompt lab (L from any screen):");
	keys_help(KEYMAP_LAB, review_scale(app->session)->count, linesview_add, help);
	linesview_add(help, "On the adjudication screen (c):");
	keys_help(KEYMAP_ADJUDICATE, review_scale(app->session)->count, linesview_add, help);
	return app_open_view(app, &lines_view, help);
}

static int show_history(App *app)
{
	LinesView *history = linesview_new(" item history (any other key closes; j/k scroll) ");
	if (app->detail_item > 0)
		db_item_history(app->db, app->detail_item, linesview_add, history);
	if (!linesview_count(history))
		linesview_add(history, "(nothing yet)");
	return app_open_view(app, &lines_view, history);
}

/* Every line of text, wrapped to the screen, into a list. */
static void add_wrapped(LinesView *list, const char *prefix, const char *text)
{
	char *line = xasprintf("%s%s", prefix, text ? text : "");
	draw_wrap(line, COLS - 4, linesview_add, list);
	free(line);
}

static int show_item(App *app)
{
	LinesView *v = linesview_new(" the whole item (any other key closes; j/k scroll) ");
	const DbItem *it = &app->item;
	const DbPrediction *p = &app->prediction;
	if (!review_peek(app->session, review_cursor(app->session))) {
		linesview_free(v);
		return REACT_NONE;
	}
	add_wrapped(v, "title: ", it->title ? it->title : "(untitled)");
	add_wrapped(v, "id: ", it->external_id);
	add_wrapped(v, "category: ", it->category);
	add_wrapped(v, "image: ", it->path ? it->path : it->url);
	add_wrapped(v, "metadata: ", it->metadata_json);
	for (size_t i = 0; i < app->note_count; i++)
		add_wrapped(v, "note: ", app->notes[i]);
	if (p->id && p->status == DB_PREDICTION_OK) {
		linesview_add(v, "");
		add_wrapped(v, "LLM rationale: ", p->rationale);
	}
	return app_open_view(app, &lines_view, v);
}

static int show_dashboard(App *app)
{
	Dashboard *dashboard;
	Status st;
	app_message(app, 0, "reading every review and prediction…");
	reviewdraw_frame(app, 0);
	refresh();
	st = dashboard_open(app->db, app->reviewer, app->accuracy, &dashboard);
	if (st != STATUS_OK) {
		app_message(app, 1, "%s", status_detail());
		return REACT_TEXT;
	}
	app->message[0] = '\0';
	return app_open_view(app, &dashboard_view, dashboard);
}

/* ---- the scorer refitted in the background ---- */

static int refit(App *app)
{
	int busy = retrain_busy(app->retrain);
	retrain_request(app->retrain);
	app_message(app, 0, busy ? "a refit is under way: another follows it"
				 : "refitting the scorer on the settled labels, in the background");
	return REACT_TEXT;
}

int reviewview_background(App *app)
{
	RetrainOutcome out;
	char kappa[32] = "undefined";
	if (!retrain_poll(app->retrain, &out))
		return REACT_NONE;
	if (out.status != STATUS_OK) {
		app_message(app, 1, "scorer refit failed: %s", out.message);
		return REACT_TEXT;
	}
	db_scorer_summary(app->db, &app->model);
	if (app->detail_item > 0)
		db_scorer_view(app->db, app->detail_item, &app->scorer);
	if (out.has_kappa)
		snprintf(kappa, sizeof kappa, "%.2f", out.kappa);
	app_message(app, 0, "scorer refitted: model %lld on %lld labels, cross-validated κw %s; "
		    "%lld items re-scored in %.1f s", out.model_id, out.rows, kappa, out.scored,
		    out.seconds);
	return REACT_TEXT;
}

/* ---- the view ---- */

static int scroll_pane(App *app, int pages)
{
	int half = app->layout.rows / 2;
	app->scroll += pages * half;
	if (app->scroll < 0)
		app->scroll = 0;
	return REACT_TEXT;
}

static int command(App *app, void *state, UiCommand command, int arg)
{
	(void)state;
	switch (command) {
	case UI_CMD_ACCEPT: return decide(app, REVIEW_ACCEPT, 0);
	case UI_CMD_LABEL: return decide(app, REVIEW_OVERRIDE, arg);
	case UI_CMD_SKIP: return decide(app, REVIEW_SKIP, 0);
	case UI_CMD_VERDICT: return mark_verdict(app);
	case UI_CMD_UNDO: return undo(app);
	case UI_CMD_NOTE: return note(app);
	case UI_CMD_NEXT: return go(app, 1);
	case UI_CMD_PREV: return go(app, -1);
	case UI_CMD_SCROLL_DOWN: return scroll_pane(app, 1);
	case UI_CMD_SCROLL_UP: return scroll_pane(app, -1);
	case UI_CMD_SEARCH: return search(app);
	case UI_CMD_FILTER: return choose_filter(app);
	case UI_CMD_ORDER: return choose_order(app);
	case UI_CMD_HISTORY: return show_history(app);
	case UI_CMD_RETRAIN: return refit(app);
	case UI_CMD_ITEM: return show_item(app);
	case UI_CMD_DASHBOARD: return show_dashboard(app);
	case UI_CMD_LAB: return labview_open(app);
	case UI_CMD_ADJUDICATION: return adjudicateview_open(app);
	case UI_CMD_HELP: return show_help(app);
	case UI_CMD_REDRAW: return REACT_CLEAR;
	case UI_CMD_QUIT: return REACT_QUIT;
	default: return REACT_NONE;
	}
}

static void draw(App *app, void *state)
{
	(void)state;
	reviewdraw_review(app);
}

static void draw_image(App *app, void *state)
{
	(void)state;
	reviewdraw_image(app);
}

const UiViewOps review_view = {
	.title = "",
	.keymap = KEYMAP_REVIEW,
	.command = command,
	.draw = draw,
	.draw_image = draw_image,
};
