/* reviewui.c - the review UI's loop: read a key, let the screen on top run
 * its command, redraw what the command says changed. Decisions are in the
 * database before the next item is drawn (src/review/review.c commits them). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/reviewui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "src/base/clock.h"
#include "src/base/text.h"
#include "src/base/xalloc.h"
#include "src/base/out.h"
#include "ui/dashboard.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/labjob.h"
#include "ui/labview.h"
#include "ui/reviewapp.h"
#include "ui/screen.h"

enum {
	INPUT_IMAGE = -2,      /* the worker finished an image */
	INPUT_END = -3,        /* the script ended or a signal asked us to stop */
	INPUT_QUEUE = -4,      /* the queue changed while the reviewer was away */
	INPUT_BACKGROUND = -5, /* a background refit of the scorer ended */
	INPUT_TICK = -6,       /* the background job moved: the status line changed */
	PUMP_MS = 50,          /* how often a background job is pumped while no key comes */
	LOOKAHEAD = 4,         /* items claimed and prefetched ahead */
};

void app_message(App *app, int error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(app->message, sizeof app->message, fmt, ap);
	va_end(ap);
	app->message_is_error = error;
}

/* ---- the current item ---- */

static const char *current_path(App *app)
{
	const ReviewEntry *e = review_peek(app->session, review_cursor(app->session));
	return e ? e->path : NULL;
}

void app_want_images(App *app)
{
	const char *paths[LOOKAHEAD + 1];
	int n = 0;
	if (current_path(app))
		paths[n++] = current_path(app);
	n += review_upcoming(app->session, paths + n, LOOKAHEAD);
	prefetch_want(app->prefetch, paths, n);
}

static void add_note(void *arg, const char *reviewer, const char *when, const char *note)
{
	App *app = arg;
	app->notes = xgrow(app->notes, &app->note_capacity, app->note_count + 1, sizeof *app->notes);
	app->notes[app->note_count++] = xasprintf("%s %s: %s", reviewer, when, note);
}

int app_land(App *app)
{
	const ReviewEntry *e = review_peek(app->session, review_cursor(app->session));
	long long id = e ? e->item_id : 0;
	if (id == app->detail_item)
		return REACT_NONE;
	db_item_free(&app->item);
	db_prediction_free(&app->prediction);
	app->detail_item = id;
	app->scroll = 0;
	app->image_error[0] = '\0';
	xfree_strings(app->notes, app->note_count);
	app->notes = NULL, app->note_count = app->note_capacity = 0;
	if (e && review_details(app->session, &app->item, &app->prediction) != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	memset(&app->scorer, 0, sizeof app->scorer);
	if (e && db_scorer_view(app->db, id, &app->scorer) != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	if (e && db_item_notes(app->db, id, add_note, app) != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	app_want_images(app);
	return REACT_TEXT | REACT_IMAGE;
}

/* ---- the background job ---- */

int app_pump(App *app)
{
	char status[sizeof app->lab_status];
	LabJobResult result;
	Status st;
	if (!app->lab_job)
		return 0;
	if (labjob_step(app->lab_job, 0)) {
		labjob_status(app->lab_job, status, sizeof status);
		if (!strcmp(status, app->lab_status))
			return 0;
		snprintf(app->lab_status, sizeof app->lab_status, "%s", status);
		return 1;
	}
	st = labjob_finish(app->lab_job, &result);
	app->lab_job = NULL;
	app->lab_status[0] = '\0';
	labview_refresh(app);
	app_message(app, st != STATUS_OK, "%s", result.summary);
	if (result.compare_a[0]) {
		snprintf(app->lab_test[0], sizeof app->lab_test[0], "%s", result.compare_a);
		snprintf(app->lab_test[1], sizeof app->lab_test[1], "%s", result.compare_b);
	}
	return 1;
}

/* ---- the dashboard's fit ---- */

static void frame(App *app, int react);

/* Takes in the dashboard's fit when it has ended, and shows it at once
 * (the loop's callers, a line being edited among them, never hear of it).
 * GAVEL_TIMING gets the time since the last key (the d that opened it, in
 * tests/bench/bench_dashboard.sh). */
static void take_fit(App *app)
{
	int react = dashboard_background(app);
	if (!react)
		return;
	frame(app, react);
	if (app->timing)
		out_printf(app->timing, "fit %lld\n", clock_now_us() - app->key_us);
}

/* ---- screens ---- */

static void close_view(App *app)
{
	if (app->view->close)
		app->view->close(app->view_state);
	app->view = &review_view;
	app->view_state = NULL;
}

int app_open_view(App *app, const UiViewOps *view, void *state)
{
	if (app->view != &review_view)
		close_view(app);
	app->view = view;
	app->view_state = state;
	return REACT_CLEAR; /* the review picture must go */
}

/* ---- input: the terminal, or a script ---- */

static void push_key(App *app, int key)
{
	app->pending_keys = xgrow(app->pending_keys, &app->pending_capacity, app->pending_count + 1,
				  sizeof *app->pending_keys);
	app->pending_keys[app->pending_count++] = key;
}

static int pop_key(App *app, int *key)
{
	if (app->pending_next >= app->pending_count) {
		app->pending_next = app->pending_count = 0;
		return 0;
	}
	*key = app->pending_keys[app->pending_next++];
	return 1;
}

/* The script language (docs/review.md): one command a line. */

/* "dump-now NAME": the screen as it is, the dashboard's fit perhaps still
 * under way */
static void script_dump_now(App *app, char *name)
{
	char *path = xasprintf("%s/%s.txt", app->dump_dir ? app->dump_dir : ".", name);
	FILE *f = fopen(path, "w");
	/* what a background job changed while the script slept shows too */
	if (app->lab_job || app->lab_status[0] || app->message[0])
		frame(app, REACT_TEXT);
	if (f) {
		screen_dump(f);
		fclose(f);
	} else {
		app_message(app, 1, "cannot write %s", path);
	}
	free(path);
}

/* "dump NAME": the dashboard's fit is waited for first, so that a dump
 * shows the same screen however fast the machine */
static void script_dump(App *app, char *name)
{
	accuracyjob_wait(app->accuracy);
	take_fit(app);
	script_dump_now(app, name);
}

/* "type TEXT": each character of TEXT as a key */
static void script_type(App *app, char *text)
{
	for (size_t i = 0, n = strlen(text); i < n;) {
		unsigned cp;
		size_t k = text_utf8_decode(text + i, n - i, &cp);
		push_key(app, (int)(k ? cp : '?'));
		i += k ? k : 1;
	}
}

/* "key a <Down> j*20": named keys, each repeated *N times */
static void script_key(App *app, char *keys)
{
	for (char *save, *t = strtok_r(keys, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *star = strrchr(t, '*');
		int times = 1, key;
		if (star && star != t && star[1]) {
			times = atoi(star + 1);
			*star = '\0';
		}
		key = keys_parse_name(t);
		for (int i = 0; key >= 0 && i < times; i++)
			push_key(app, key);
	}
}

/* "sleep MS": an idle reviewer (claims are kept alive as on a terminal), or
 * a known point for a test to kill us at */
static void script_sleep(App *app, char *ms)
{
	double until = clock_now_s() + atoi(ms) / 1000.0;
	while (!screen_should_quit()) {
		double left = until - clock_now_s();
		struct timespec ts;
		if (left <= 0)
			break;
		if (left > 0.1)
			left = 0.1;
		ts = (struct timespec){0, (long)(left * 1e9)};
		nanosleep(&ts, NULL);
		app_pump(app);
		take_fit(app);
		if (review_keepalive(app->session))
			app_land(app);
	}
}

/* "resize COLSxROWS" */
static void script_resize(App *app, char *size)
{
	int c, r;
	if (sscanf(size, "%dx%d", &c, &r) == 2) {
		resizeterm(r, c);
		push_key(app, KEY_RESIZE | KEYS_CODE);
	}
}

static const struct {
	const char *name;
	void (*run)(App *app, char *arg);
} script_commands[] = {
	{ "dump", script_dump }, { "dump-now", script_dump_now }, { "type", script_type },
	{ "key", script_key },   { "sleep", script_sleep },       { "resize", script_resize },
};

/* Reads script lines until one yields keys; 0 at the end of the script. */
static int script_step(App *app)
{
	char line[1024];
	while (fgets(line, sizeof line, app->script)) {
		char *s = line, *arg;
		line[strcspn(line, "\r\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#' || !(arg = strchr(s, ' ')))
			continue;
		*arg++ = '\0';
		for (size_t i = 0; i < sizeof script_commands / sizeof script_commands[0]; i++)
			if (!strcmp(s, script_commands[i].name))
				script_commands[i].run(app, arg);
		if (app->pending_count)
			return 1;
	}
	return 0;
}

static int read_terminal(App *app, int *key)
{
	struct pollfd fds[4] = { { .fd = screen_input_fd(), .events = POLLIN },
				 { .fd = prefetch_fd(app->prefetch), .events = POLLIN },
				 { .fd = retrain_fd(app->retrain), .events = POLLIN },
				 { .fd = accuracyjob_fd(app->accuracy), .events = POLLIN } };
	/* While the user answers, a refit or a fit that ends is taken in after
	 * the answer: taking it would redraw under the question, or change what
	 * the command asking is working on. */
	if (app->answering)
		fds[2].fd = fds[3].fd = -1;
	for (;;) {
		wint_t wc;
		int r;
		if (screen_should_quit())
			return INPUT_END;
		r = get_wch(&wc);
		if (r == KEY_CODE_YES) {
			*key = (int)wc | KEYS_CODE;
			return 1;
		}
		if (r == OK) {
			*key = (int)wc;
			return 1;
		}
		r = poll(fds, 4, app->lab_job ? PUMP_MS : app->renew_ms);
		if (r < 0 && errno != EINTR)
			return INPUT_END;
		if (app_pump(app))
			return INPUT_TICK;
		/* still looking: keep the claims; at the end of the queue, look again */
		if (r == 0 && review_keepalive(app->session))
			return INPUT_QUEUE;
		if (r > 0 && (fds[3].revents & POLLIN))
			take_fit(app);
		if (r > 0 && (fds[1].revents & POLLIN)) {
			prefetch_drain(app->prefetch);
			return INPUT_IMAGE;
		}
		if (r > 0 && (fds[2].revents & POLLIN))
			return INPUT_BACKGROUND;
	}
}

/* The next key: 1 with *key set, INPUT_IMAGE, or INPUT_END. */
static int next_key(App *app, int *key)
{
	if (pop_key(app, key))
		return 1;
	if (app->script) {
		if (screen_should_quit() || !script_step(app))
			return INPUT_END;
		return pop_key(app, key);
	}
	return read_terminal(app, key);
}

/* Appends code point cp to text (n bytes used of size) as UTF-8. */
static size_t append_utf8(char *text, size_t n, size_t size, unsigned cp)
{
	char u[4];
	size_t k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || n + k + 1 > size)
		return n;
	if (k == 1) {
		u[0] = (char)cp;
	} else {
		for (size_t b = k - 1; b > 0; b--, cp >>= 6)
			u[b] = (char)(0x80 | (cp & 0x3F));
		u[0] = (char)((0xF0 << (4 - k)) | cp);
	}
	memcpy(text + n, u, k);
	text[n + k] = '\0';
	return n + k;
}

/* The line as typed, its end in view: when it is wider than the screen,
 * whole clusters are dropped from its start. */
static void show_line(const char *label, const char *text)
{
	int room = COLS - 1 - draw_width(label);
	const char *start = text;
	char *shown;
	while (*start && draw_width(start) > room) {
		size_t end = text_cluster_end(start, strlen(start), 0);
		start += end ? end : 1;
	}
	shown = xasprintf("%s%s%s", label, start != text ? "…" : "", start);
	attron(A_BOLD);
	draw_text(stdscr, LINES - 2, 0, COLS, shown, 1);
	attroff(A_BOLD);
	free(shown);
	refresh();
}

int app_prompt_line(App *app, const char *label, char *out, size_t size)
{
	char text[1024] = "";
	size_t n = 0;
	int accepted = 0;
	app->answering = 1;
	for (;;) {
		int key, r, arg;
		UiCommand command;
		show_line(label, text);
		r = next_key(app, &key);
		if (r == INPUT_END)
			break;
		if (r != 1) /* a picture, the background job's progress, the queue renewed */
			continue;
		command = keys_lookup(KEYMAP_EDIT, key, &arg);
		if (command == UI_CMD_CLOSE)
			break;
		if (command == UI_CMD_ACCEPT) {
			accepted = 1;
			break;
		}
		if (command == UI_CMD_DELETE) {
			/* one grapheme cluster: a flag, an emoji family, e + accent */
			n = text_prev_cluster(text, n);
			text[n] = '\0';
		} else if (!(key & KEYS_CODE) && key >= 32) {
			n = append_utf8(text, n, size < sizeof text ? size : sizeof text, (unsigned)key);
		}
	}
	app->answering = 0;
	if (accepted)
		snprintf(out, size, "%s", text);
	return accepted;
}

int app_read_choice(App *app, const char *question)
{
	int key = 0, r;
	app_message(app, 0, "%s", question);
	app->asking = app->answering = 1;
	reviewdraw_frame(app, 0);
	refresh();
	while ((r = next_key(app, &key)) != 1 && r != INPUT_END)
		; /* a picture, the background job's progress, the queue renewed */
	if (r == INPUT_END)
		key = 0;
	app->asking = app->answering = 0;
	app->message[0] = '\0';
	return key;
}

/* ---- the loop ---- */

static int resize(App *app)
{
	tty_update_size(0, &app->caps);
	reviewdraw_layout(app);
	prefetch_set_pane(app->prefetch, app->layout.img_cols, app->layout.rows, &app->caps);
	app_want_images(app);
	return REACT_CLEAR; /* repaint everything: the old picture must go */
}

/* Runs the command key means on the screen on top; returns what changed. */
static int handle(App *app, int key)
{
	int arg, react;
	UiCommand command;
	if (key == (KEY_RESIZE | KEYS_CODE))
		return resize(app);
	command = keys_lookup(app->view->keymap, key, &arg);
	if (app->layout.too_small && command != UI_CMD_QUIT)
		return REACT_NONE;
	react = app->view->command(app, app->view_state, command, arg);
	if ((react & REACT_POP) && app->view != &review_view)
		close_view(app);
	return react;
}

static void frame(App *app, int react)
{
	int repaint = (react & REACT_IMAGE) != 0;
	/* the one place a picture is wiped: curses repaints every cell */
	if (react & REACT_WIPE)
		clearok(curscr, TRUE);
	reviewdraw_frame(app, repaint);
	wnoutrefresh(stdscr);
	doupdate();
	/* curses has drawn the text; now the picture, in one write */
	if (repaint && !app->layout.too_small && app->view->draw_image)
		app->view->draw_image(app, app->view_state);
}

/* Scripted runs wait for the current image, so every dump is the same. */
static void settle(App *app)
{
	const char *path = current_path(app);
	if (app->script && path && app->caps.graphics != TTY_GRAPHICS_NONE &&
	    prefetch_wait(app->prefetch, path, 10000))
		frame(app, REACT_TEXT | REACT_IMAGE);
}

static void loop(App *app)
{
	int react = REACT_TEXT | REACT_IMAGE | app_land(app);
	for (;;) {
		int key, r;
		long long start;
		react |= reviewview_background(app);
		if (react)
			frame(app, react);
		settle(app);
		r = next_key(app, &key);
		if (r == INPUT_END)
			break;
		if (r == INPUT_IMAGE) {
			/* redraw only when it is the picture we are waiting for */
			react = app->image_pending ? REACT_TEXT | REACT_IMAGE : REACT_NONE;
			continue;
		}
		if (r == INPUT_BACKGROUND) {
			react = REACT_NONE; /* the top of the loop takes the refit in */
			continue;
		}
		if (r == INPUT_QUEUE) {
			react = REACT_TEXT | app_land(app);
			continue;
		}
		if (r == INPUT_TICK) {
			react = REACT_TEXT;
			continue;
		}
		start = app->key_us = clock_now_us();
		react = handle(app, key);
		/* a busy reviewer keeps the claims of the items queued ahead, too */
		review_keepalive(app->session);
		if (*review_notice(app->session) && !app->message[0])
			app_message(app, 1, "%s", review_notice(app->session));
		if (react & REACT_QUIT)
			break;
		if (app->timing) {
			frame(app, react);
			react = REACT_NONE;
			out_printf(app->timing, "key %lld image %d\n", clock_now_us() - start,
				current_path(app) && !app->image_pending &&
					app->caps.graphics != TTY_GRAPHICS_NONE);
		}
	}
}

/* Leaving with a job running: its run stays interrupted, to resume. */
static void stop_lab_job(App *app)
{
	LabJobResult result;
	if (!app->lab_job)
		return;
	labjob_cancel(app->lab_job);
	labjob_finish(app->lab_job, &result);
	app->lab_job = NULL;
}

static TtyCaps headless_caps(const ReviewUiOptions *ui)
{
	TtyCaps caps = {.graphics = TTY_GRAPHICS_NONE, .rows = ui->rows, .cols = ui->cols,
			.cell_w = TTY_DEFAULT_CELL_W, .cell_h = TTY_DEFAULT_CELL_H,
			.max_sixel_w = TTY_DEFAULT_SIXEL_MAX, .max_sixel_h = TTY_DEFAULT_SIXEL_MAX,
			.sixel_colours = 256, .background_rgb = 0x000000};
	if (ui->graphics)
		tty_graphics_parse(ui->graphics, &caps.graphics);
	if (caps.graphics == TTY_GRAPHICS_AUTO)
		caps.graphics = TTY_GRAPHICS_NONE;
	return caps;
}

/* Opens the session and the screen; on failure nothing is left open. */
static Status start(App *app, Db *db, const ReviewOptions *options, const ReviewUiOptions *ui)
{
	int headless = ui->script != NULL;
	Status st = STATUS_OK;
	if (headless) {
		app->script = fopen(ui->script, "r");
		if (!app->script)
			return status_fail(STATUS_ERR_IO, "%s: %s", ui->script, strerror(errno));
		app->caps = headless_caps(ui);
	} else {
		st = tty_probe(-1, -1, ui->graphics, 0, &app->caps);
		if (st != STATUS_ERR_USAGE)
			st = STATUS_OK; /* a terminal that does not answer gets the defaults */
	}
	if (st == STATUS_OK)
		st = review_open(db, options, &app->session);
	if (st == STATUS_OK)
		st = screen_start(headless ? ui->cols : 0, headless ? ui->rows : 0);
	return st;
}

/* Another process holds the write lock: say so at once, on the status line
 * (the frame is not redrawn: only this line changes). */
static void on_db_wait(void *arg)
{
	App *app = arg;
	app_message(app, 1, "waiting for the database: another process is writing; your decision "
			    "is kept and saved when it is free");
	attron(A_BOLD);
	draw_text(stdscr, LINES - 2, 0, COLS, app->message, 1);
	attroff(A_BOLD);
	refresh();
}

/* A decision the reviewer made is waited for as long as it takes; only a
 * signal asking gavel to stop ends the wait. */
static int keep_waiting(void *arg)
{
	(void)arg;
	return !screen_should_quit();
}

Status reviewui_run(Db *db, const ReviewOptions *options, const ReviewUiOptions *ui,
		    ReviewUiResult *result)
{
	App app = {.db = db, .dump_dir = ui->dump_dir, .detail_item = -1,
		   .reviewer = options->reviewer, .view = &review_view};
	const char *slash = strrchr(db_path(db), '/');
	Status st;

	memset(result, 0, sizeof *result);
	app.db_name = slash ? slash + 1 : db_path(db);
	app.renew_ms = (int)(options->renew_s * 1000);
	app.retrain = retrain_new(db_path(db), options->reviewer);
	app.accuracy = accuracyjob_new(db_path(db));
	app.retrain_every = ui->retrain_every;
	app.lab_price = ui->price;
	db_scorer_summary(db, &app.model);
	if (getenv("GAVEL_TIMING"))
		app.timing = fopen(getenv("GAVEL_TIMING"), "w");
	st = start(&app, db, options, ui);
	if (st == STATUS_OK) {
		app.prefetch = prefetch_new(8, app.caps.has_background ? app.caps.background_rgb
									: 0x000000);
		reviewdraw_layout(&app);
		prefetch_set_pane(app.prefetch, app.layout.img_cols, app.layout.rows, &app.caps);
		db_set_patience(db, DB_WAIT_FOREVER);
		db_set_wait_notice(db, on_db_wait, &app);
		db_set_wait_check(db, keep_waiting);
		loop(&app);
		stop_lab_job(&app);
		db_set_wait_notice(db, NULL, NULL);
		db_set_wait_check(db, NULL);
		screen_stop();
		close_view(&app);
		result->mine = review_progress(app.session)->mine;
		result->items = review_progress(app.session)->items;
		result->signalled = screen_should_quit();
	}
	retrain_free(app.retrain); /* a refit under way ends first: it writes to the database */
	accuracyjob_free(app.accuracy); /* after the dashboard, which borrows it */
	prefetch_free(app.prefetch);
	review_close(app.session);
	db_item_free(&app.item);
	db_prediction_free(&app.prediction);
	xfree_strings(app.notes, app.note_count);
	if (app.script)
		fclose(app.script);
	free(app.pending_keys);
	if (app.timing)
		fclose(app.timing);
	return st;
}
