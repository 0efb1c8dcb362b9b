/* reviewui.c - the review UI's loop: read a key, run its command, redraw
 * what the command says changed. Decisions are in the database before the
 * next item is drawn (src/review.c commits them). */
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

#include "src/cmd/cli.h"
#include "src/base/text.h"
#include "src/base/xalloc.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/reviewapp.h"
#include "ui/screen.h"

enum {
	KEY_FLAG_CODE = 1 << 24, /* a curses function key, not a character */
	INPUT_IMAGE = -2,    /* the worker finished an image */
	INPUT_END = -3,            /* the script ended or a signal asked us to stop */
	LOOKAHEAD = 4,           /* items claimed and prefetched ahead */
	CLAIM_RENEW_MS = 60000,
};

static void set_message(App *app, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_message(App *app, int error, const char *fmt, ...)
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

static void want_images(App *app)
{
	const char *paths[LOOKAHEAD + 1];
	int n = 0;
	if (current_path(app))
		paths[n++] = current_path(app);
	n += review_upcoming(app->session, paths + n, LOOKAHEAD);
	prefetch_want(app->prefetch, paths, n);
}

/* Loads the details of the item under the cursor when it changed. */
static int land(App *app)
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
	snprintf(app->verdict, sizeof app->verdict, "%s", e ? e->mine.verdict : "");
	if (e && review_details(app->session, &app->item, &app->prediction) != STATUS_OK)
		set_message(app, 1, "%s", status_detail());
	want_images(app);
	return REACT_TEXT | REACT_IMAGE;
}

/* ---- input ---- */

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

static void dump_screen(App *app, const char *name)
{
	char *path = xasprintf("%s/%s.txt", app->dump_dir ? app->dump_dir : ".", name);
	FILE *f = fopen(path, "w");
	if (f) {
		screen_dump(f);
		fclose(f);
	} else {
		set_message(app, 1, "cannot write %s", path);
	}
	free(path);
}

/* "a", "<Down>", "j*20": one token of a `key` line. */
static void push_token(App *app, char *token)
{
	char *star = strrchr(token, '*');
	int times = 1, key;
	if (star && star != token && star[1]) {
		times = atoi(star + 1);
		*star = '\0';
	}
	key = keys_parse_name(token);
	if (key < 0)
		return;
	if (key > 255 || key == 27)
		key = key == 27 || key == '\n' || key == ' ' ? key : key | KEY_FLAG_CODE;
	for (int i = 0; i < times; i++)
		push_key(app, key);
}

/* Reads script lines until one yields keys; 0 at the end of the script. */
static int script_step(App *app)
{
	char line[1024];
	while (fgets(line, sizeof line, app->script)) {
		char *s = line, *arg;
		line[strcspn(line, "\r\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		arg = strchr(s, ' ');
		if (arg)
			*arg++ = '\0';
		if (!strcmp(s, "dump") && arg) {
			dump_screen(app, arg);
		} else if (!strcmp(s, "type") && arg) {
			for (size_t i = 0, n = strlen(arg); i < n;) {
				unsigned cp;
				size_t k = text_utf8_decode(arg + i, n - i, &cp);
				push_key(app, (int)(k ? cp : '?'));
				i += k ? k : 1;
			}
		} else if (!strcmp(s, "key") && arg) {
			for (char *save, *t = strtok_r(arg, " ", &save); t; t = strtok_r(NULL, " ", &save))
				push_token(app, t);
		} else if (!strcmp(s, "sleep") && arg) {
			/* lets a test kill us at a known point */
			struct timespec ts = {atoi(arg) / 1000, (long)(atoi(arg) % 1000) * 1000000L};
			while (nanosleep(&ts, &ts) != 0 && !screen_should_quit())
				;
		} else if (!strcmp(s, "resize") && arg) {
			int c, r;
			if (sscanf(arg, "%dx%d", &c, &r) == 2) {
				resizeterm(r, c);
				push_key(app, KEY_RESIZE | KEY_FLAG_CODE);
			}
		}
		if (app->pending_count)
			return 1;
	}
	return 0;
}

static int read_terminal(App *app, int *key)
{
	struct pollfd fds[2] = {{.fd = 0, .events = POLLIN},
				{.fd = prefetch_fd(app->prefetch), .events = POLLIN}};
	for (;;) {
		wint_t wc;
		int r;
		if (screen_should_quit())
			return INPUT_END;
		r = get_wch(&wc);
		if (r == KEY_CODE_YES) {
			*key = (int)wc | KEY_FLAG_CODE;
			return 1;
		}
		if (r == OK) {
			*key = (int)wc;
			return 1;
		}
		r = poll(fds, 2, CLAIM_RENEW_MS);
		if (r < 0 && errno != EINTR)
			return INPUT_END;
		if (r == 0)
			review_keepalive(app->session); /* still looking: keep the claim */
		if (r > 0 && (fds[1].revents & POLLIN)) {
			prefetch_drain(app->prefetch);
			return INPUT_IMAGE;
		}
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

/* A one-line editor on the status line; 1 when Enter gave a value. */
static int prompt_line(App *app, const char *label, char *out, size_t size)
{
	wchar_t text[256];
	size_t n = 0;
	for (;;) {
		char shown[1024];
		int key, r;
		text[n] = L'\0';
		snprintf(shown, sizeof shown, "%s%.900ls", label, text);
		attron(A_BOLD);
		draw_text(stdscr, LINES - 2, 0, COLS, shown, 1);
		attroff(A_BOLD);
		refresh();
		r = next_key(app, &key);
		if (r == INPUT_IMAGE)
			continue;
		if (r != 1 || key == 27)
			return 0;
		if (key == '\n' || key == '\r' || key == (KEY_ENTER | KEY_FLAG_CODE))
			break;
		if (key == (KEY_BACKSPACE | KEY_FLAG_CODE) || key == 127 || key == 8) {
			if (n)
				n--;
		} else if (!(key & KEY_FLAG_CODE) && key >= 32 && n + 1 < sizeof text / sizeof text[0]) {
			text[n++] = (wchar_t)key;
		}
	}
	text[n] = L'\0';
	if (wcstombs(out, text, size) == (size_t)-1)
		out[0] = '\0';
	out[size - 1] = '\0';
	return 1;
}

/* ---- commands ---- */

static int decide(App *app, ReviewAction action, int label)
{
	const ReviewEntry *e = review_peek(app->session, review_cursor(app->session));
	const DbScale *scale = review_scale(app->session);
	Status st;
	if (!e) {
		set_message(app, 1, "nothing to review");
		return REACT_TEXT;
	}
	if (action == REVIEW_OVERRIDE && label > scale->count) {
		set_message(app, 1, "the scale has %d labels: 1-%d", scale->count, scale->count);
		return REACT_TEXT;
	}
	/* a digit equal to the LLM's label, seen, is agreement */
	if (action == REVIEW_OVERRIDE && !e->blind && e->prediction_id && label == e->llm_label)
		action = REVIEW_ACCEPT;
	st = review_decide(app->session, action, label, app->verdict[0] ? app->verdict : NULL);
	if (st != STATUS_OK) {
		set_message(app, 1, "%s", status_detail());
		return REACT_TEXT;
	}
	app->message[0] = '\0';
	return REACT_TEXT | land(app);
}

static int undo(App *app)
{
	int undone;
	Status st = review_undo(app->session, &undone);
	if (st != STATUS_OK)
		set_message(app, 1, "%s", status_detail());
	else if (!undone)
		set_message(app, 0, "nothing to undo in this session");
	else
		set_message(app, 0, "undone: the decision is withdrawn (still in the log)");
	return REACT_TEXT | land(app);
}

static int go(App *app, int delta)
{
	Status st = review_move(app->session, delta);
	if (st != STATUS_OK)
		set_message(app, 1, "%s", status_detail());
	else
		app->message[0] = '\0';
	return REACT_TEXT | land(app);
}

static int note(App *app)
{
	char text[1024];
	if (!review_peek(app->session, review_cursor(app->session)))
		return REACT_TEXT;
	if (prompt_line(app, "note: ", text, sizeof text) && text[0]) {
		Status st = review_note(app->session, text);
		set_message(app, st != STATUS_OK, "%s", st == STATUS_OK ? "note saved" : status_detail());
	} else {
		app->message[0] = '\0';
	}
	return REACT_TEXT;
}

static int requeue(App *app, DbOrder order, const ReviewFilter *filter)
{
	Status st = review_requeue(app->session, order, filter);
	app->detail_item = -1;
	if (st != STATUS_OK)
		set_message(app, 1, "%s", status_detail());
	else if (review_cursor(app->session) < 0)
		set_message(app, 0, "no items match");
	else
		app->message[0] = '\0';
	return REACT_TEXT | land(app);
}

static int search(App *app)
{
	char text[256];
	ReviewFilter f = *review_filter(app->session);
	if (!prompt_line(app, "search (title, id, metadata; empty clears): ", text, sizeof text))
		return REACT_TEXT;
	f.search = text[0] ? text : NULL;
	return requeue(app, review_order(app->session), &f);
}

static int read_choice(App *app, const char *question)
{
	int key;
	set_message(app, 0, "%s", question);
	reviewdraw_all(app, 0);
	refresh();
	while (next_key(app, &key) == INPUT_IMAGE)
		;
	app->message[0] = '\0';
	return key;
}

static int choose_filter(App *app)
{
	ReviewFilter f = *review_filter(app->session);
	char value[256];
	DbOrder order = review_order(app->session);
	int key = read_choice(app, "filter: c category, l LLM label, m my label, a accepted, "
				   "o overridden, s skipped, x clear all");
	switch (key) {
	case 'c':
		if (!prompt_line(app, "category: ", value, sizeof value))
			return REACT_TEXT;
		f.category = value[0] ? value : NULL;
		break;
	case 'l':
		if (!prompt_line(app, "LLM label (a number): ", value, sizeof value))
			return REACT_TEXT;
		f.llm_label = atoi(value);
		break;
	case 'm':
		/* browsing what I labelled with one label */
		if (!prompt_line(app, "your label (a number): ", value, sizeof value))
			return REACT_TEXT;
		f.mine_label = atoi(value);
		order = DB_ORDER_MINE;
		break;
	case 'a': case 'o': case 's':
		/* browsing what I decided */
		f.mine_decision = key == 'a' ? "accept" : key == 'o' ? "override" : "skip";
		order = DB_ORDER_MINE;
		break;
	case 'x':
		memset(&f, 0, sizeof f);
		if (order == DB_ORDER_MINE)
			order = DB_ORDER_UNREVIEWED;
		break;
	default:
		return REACT_TEXT;
	}
	return requeue(app, order, &f);
}

static int choose_order(App *app)
{
	static const char keys[] = "udcrs";
	int key = read_choice(app, "order: u unreviewed first, d disagreement, c lowest confidence, "
				   "r random, s scorer");
	const char *at = key > 0 && key < 256 ? strchr(keys, key) : NULL;
	ReviewFilter f = *review_filter(app->session);
	if (!at || !key)
		return REACT_TEXT;
	f.mine_decision = NULL; /* an order is a queue to work through, not a browse */
	return requeue(app, (DbOrder)(at - keys), &f);
}

/* ---- overlays ---- */

static void add_line(void *arg, const char *line)
{
	reviewdraw_lines_add(arg, line);
}

static int show_help(App *app)
{
	reviewdraw_lines_clear(app);
	for (int c = 1; c < UI_CMD_COUNT; c++) {
		char line[256];
		snprintf(line, sizeof line, "%-12s %s", keys_help_keys((UiCommand)c),
			 keys_help_text((UiCommand)c));
		reviewdraw_lines_add(app, line);
	}
	reviewdraw_lines_add(app, "");
	reviewdraw_lines_add(app, "Every decision is saved before the next item shows; undo adds a row "
				  "that withdraws it.");
	app->view = VIEW_HELP;
	clearok(curscr, TRUE); /* a sixel image under the overlay must go */
	return REACT_TEXT | REACT_IMAGE;
}

static int show_history(App *app)
{
	reviewdraw_lines_clear(app);
	if (app->detail_item > 0)
		db_item_history(app->db, app->detail_item, add_line, app);
	if (!app->line_count)
		reviewdraw_lines_add(app, "(nothing yet)");
	app->view = VIEW_HISTORY;
	clearok(curscr, TRUE);
	return REACT_TEXT | REACT_IMAGE;
}

static int show_dashboard(App *app)
{
	Status st;
	set_message(app, 0, "reading every review and prediction…");
	reviewdraw_all(app, 0);
	refresh();
	st = dashboard_open(app->db, app->reviewer, &app->dashboard);
	if (st != STATUS_OK) {
		set_message(app, 1, "%s", status_detail());
		return REACT_TEXT;
	}
	app->message[0] = '\0';
	app->view = VIEW_DASHBOARD;
	clearok(curscr, TRUE); /* the review image must go */
	return REACT_TEXT | REACT_IMAGE;
}

static int overlay_key(App *app, int key)
{
	if (app->view == VIEW_DASHBOARD) {
		if (!(key & KEY_FLAG_CODE) && dashboard_key(app->dashboard, key)) {
			clearok(curscr, TRUE); /* the old charts must go */
			return REACT_TEXT | REACT_IMAGE;
		}
		dashboard_free(app->dashboard);
		app->dashboard = NULL;
		app->view = VIEW_REVIEW;
		clearok(curscr, TRUE);
		return REACT_TEXT | REACT_IMAGE;
	}
	if (key == 'j' || key == (KEY_DOWN | KEY_FLAG_CODE)) {
		if (app->line_scroll + 1 < app->line_count)
			app->line_scroll++;
		return REACT_TEXT;
	}
	if (key == 'k' || key == (KEY_UP | KEY_FLAG_CODE)) {
		if (app->line_scroll > 0)
			app->line_scroll--;
		return REACT_TEXT;
	}
	app->view = VIEW_REVIEW;
	reviewdraw_lines_clear(app);
	clearok(curscr, TRUE); /* the overlay covered the picture: repaint it all */
	return REACT_TEXT | REACT_IMAGE;
}

static int resize(App *app)
{
	tty_update_size(0, &app->caps);
	reviewdraw_layout(app);
	prefetch_set_pane(app->prefetch, app->layout.img_cols, app->layout.rows, &app->caps);
	want_images(app);
	clearok(curscr, TRUE); /* repaint everything: the old picture must go */
	return REACT_TEXT | REACT_IMAGE;
}

/* Runs the command for key; returns what changed. */
static int handle(App *app, int key)
{
	int arg = 0, code = key & ~KEY_FLAG_CODE;
	UiCommand command;
	if (key == (KEY_RESIZE | KEY_FLAG_CODE))
		return resize(app);
	if (app->view != VIEW_REVIEW)
		return overlay_key(app, key);
	command = (key & KEY_FLAG_CODE) || code < 256 ? keys_lookup(code, &arg) : UI_CMD_NONE;
	if (app->layout.too_small && command != UI_CMD_QUIT)
		return REACT_NONE;
	switch (command) {
	case UI_CMD_ACCEPT: return decide(app, REVIEW_ACCEPT, 0);
	case UI_CMD_LABEL: return decide(app, REVIEW_OVERRIDE, arg);
	case UI_CMD_SKIP: return decide(app, REVIEW_SKIP, 0);
	case UI_CMD_VERDICT:
		snprintf(app->verdict, sizeof app->verdict, "%s",
			 !app->verdict[0] ? "flawed" : !strcmp(app->verdict, "flawed") ? "sound" : "");
		return REACT_TEXT;
	case UI_CMD_UNDO: return undo(app);
	case UI_CMD_NOTE: return note(app);
	case UI_CMD_NEXT: return go(app, 1);
	case UI_CMD_PREV: return go(app, -1);
	case UI_CMD_SCROLL_DOWN: app->scroll += app->layout.rows / 2; return REACT_TEXT;
	case UI_CMD_SCROLL_UP:
		app->scroll = app->scroll > app->layout.rows / 2 ? app->scroll - app->layout.rows / 2 : 0;
		return REACT_TEXT;
	case UI_CMD_SEARCH: return search(app);
	case UI_CMD_FILTER: return choose_filter(app);
	case UI_CMD_ORDER: return choose_order(app);
	case UI_CMD_HISTORY: return show_history(app);
	case UI_CMD_DASHBOARD: return show_dashboard(app);
	case UI_CMD_HELP: return show_help(app);
	case UI_CMD_REDRAW: clearok(curscr, TRUE); return REACT_TEXT | REACT_IMAGE;
	case UI_CMD_QUIT: return REACT_QUIT;
	case UI_CMD_NONE: case UI_CMD_COUNT: break;
	}
	return REACT_NONE;
}

/* ---- the loop ---- */

static void frame(App *app, int react)
{
	int repaint = (react & REACT_IMAGE) != 0;
	reviewdraw_all(app, repaint);
	wnoutrefresh(stdscr);
	doupdate();
	/* curses has drawn the text; now the picture, in one write */
	reviewdraw_image(app, repaint);
}

/* Scripted runs wait for the current image, so every dump is the same. */
static void settle(App *app)
{
	const char *path = current_path(app);
	if (app->script && path && app->caps.graphics != TTY_GRAPHICS_NONE &&
	    prefetch_wait(app->prefetch, path, 10000))
		frame(app, REACT_TEXT | REACT_IMAGE);
}

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void loop(App *app)
{
	int react = REACT_TEXT | REACT_IMAGE | land(app);
	long long start;
	for (;;) {
		int key, r;
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
		start = now_us();
		react = handle(app, key);
		if (react & REACT_QUIT)
			break;
		if (app->timing) {
			frame(app, react);
			react = REACT_NONE;
			fprintf(app->timing, "key %lld image %d\n", now_us() - start,
				current_path(app) && !app->image_pending &&
					app->caps.graphics != TTY_GRAPHICS_NONE);
		}
	}
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

int reviewui_run(Db *db, const ReviewOptions *options, const ReviewUiOptions *ui)
{
	App app = {.db = db, .dump_dir = ui->dump_dir, .detail_item = -1,
		   .reviewer = options->reviewer};
	const char *slash = strrchr(db_path(db), '/');
	Status st;
	int headless = ui->script != NULL;

	app.db_name = slash ? slash + 1 : db_path(db);
	if (getenv("GAVEL_TIMING"))
		app.timing = fopen(getenv("GAVEL_TIMING"), "w");
	if (headless) {
		app.script = fopen(ui->script, "r");
		if (!app.script)
			return cli_fail(status_fail(STATUS_ERR_IO, "%s: %s", ui->script, strerror(errno)));
		app.caps = headless_caps(ui);
	} else if ((st = tty_probe(-1, -1, ui->graphics, 0, &app.caps)) == STATUS_ERR_USAGE) {
		return cli_fail(st);
	}
	st = review_open(db, options, &app.session);
	if (st == STATUS_OK)
		st = screen_start(headless ? ui->cols : 0, headless ? ui->rows : 0);
	if (st != STATUS_OK) {
		review_close(app.session);
		if (app.script)
			fclose(app.script);
		return cli_fail(st);
	}
	app.prefetch = prefetch_new(8, app.caps.has_background ? app.caps.background_rgb : 0x000000);
	reviewdraw_layout(&app);
	prefetch_set_pane(app.prefetch, app.layout.img_cols, app.layout.rows, &app.caps);
	loop(&app);
	screen_stop();
	prefetch_free(app.prefetch);
	{
		long long mine, any, items;
		review_progress(app.session, &mine, &any, &items);
		fprintf(stderr, "gavel: %s has reviewed %lld of %lld items; every decision is saved in "
				"%s\n", options->reviewer, mine, items, db_path(db));
	}
	review_close(app.session);
	dashboard_free(app.dashboard);
	db_item_free(&app.item);
	db_prediction_free(&app.prediction);
	reviewdraw_lines_clear(&app);
	if (app.script)
		fclose(app.script);
	free(app.pending_keys);
	if (app.timing)
		fclose(app.timing);
	return CLI_EXIT_OK;
}
