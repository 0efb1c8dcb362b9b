/* labview.c - the prompt lab screen: versions ranked by agreement, and the
 * work on them (edit, rerun, diff, compare, suggest). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/labview.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/prompts.h"
#include "src/base/out.h"
#include "src/base/xalloc.h"
#include "src/lab/labcompare.h"
#include "src/lab/labdata.h"
#include "src/lab/labtable.h"
#include "src/lab/labtext.h"
#include "src/lab/suggest.h"
#include "src/llm/linediff.h"
#include "src/llm/prompt.h"
#include "ui/compareview.h"
#include "ui/draw.h"
#include "ui/labjob.h"
#include "ui/reviewapp.h"
#include "ui/screen.h"

enum { DETAIL_ROWS = 5, DIFF_CONTEXT = 3 };

/* A line of the list: a labeller of the table, or a version never run. */
typedef struct {
	const LabRow *row;              /* NULL for a version never run */
	const DbPromptVersion *version; /* NULL for a labeller without a prompt */
} Line;

typedef struct {
	LabData *data;
	LabTable *table;
	DbPromptVersion *versions;
	int n_versions;
	Line *lines;
	int n_lines, cursor, top, marked;
	/* a text over the list (a diff, the help); NULL: the list */
	char **text;
	size_t n_text;
	int text_scroll;
	int text_is_diff; /* colour its lines as a diff's */
	long long select; /* a version the next reload puts the cursor on (a new edit), 0: none */
	int in_command;   /* a command is running: a reread waits for its end */
	int stale;        /* a background run ended meanwhile: reread */
} Lab;

static int go(App *app, Lab *lab, int delta);

/* ---- loading ---- */

static const DbPromptVersion *version_by_id(const Lab *lab, long long id)
{
	for (int i = 0; i < lab->n_versions; i++)
		if (lab->versions[i].id == id)
			return &lab->versions[i];
	return NULL;
}

static int ran(const Lab *lab, long long id)
{
	for (int i = 0; i < lab->data->n; i++)
		if (lab->data->labellers[i].version_id == id)
			return 1;
	return 0;
}

static void make_lines(Lab *lab)
{
	lab->lines = xcalloc((size_t)lab->table->n_rows + (size_t)lab->n_versions + 1,
			     sizeof *lab->lines);
	for (int i = 0; i < lab->table->n_rows; i++)
		lab->lines[lab->n_lines++] =
			(Line){ &lab->table->rows[i],
				version_by_id(lab, lab->table->rows[i].who->version_id) };
	for (int i = 0; i < lab->n_versions; i++)
		if (!ran(lab, lab->versions[i].id))
			lab->lines[lab->n_lines++] = (Line){ NULL, &lab->versions[i] };
}

static void lab_free(Lab *lab)
{
	if (!lab)
		return;
	labtable_free(lab->table);
	labdata_free(lab->data);
	db_prompt_version_list_free(lab->versions, lab->n_versions);
	free(lab->lines);
	xfree_strings(lab->text, lab->n_text);
	free(lab);
}

static Status lab_load(const App *app, Lab **out)
{
	Db *db = app->db;
	Lab *lab = xcalloc(1, sizeof *lab);
	Status st = db_prompt_version_list(db, &lab->versions, &lab->n_versions);
	*out = NULL;
	lab->marked = -1;
	if (st == STATUS_OK)
		st = labdata_open(db, &lab->data);
	if (st == STATUS_OK)
		st = labdata_fill_all(db, lab->data);
	if (st != STATUS_OK) {
		lab_free(lab);
		return st;
	}
	if (app->lab_price)
		labdata_price_fallback(lab->data, app->lab_price, NULL);
	lab->table = labtable_build(lab->data->labellers, lab->data->n, lab->data->K,
				    lab->data->latest_run, NULL);
	make_lines(lab);
	*out = lab;
	return STATUS_OK;
}

/* How a line is named across reloads: its labeller's ref, else "v" and
 * the id of the version never run. */
static void line_name(const Line *line, char *out, size_t size)
{
	if (line->row)
		snprintf(out, size, "%s", line->row->who->ref);
	else
		snprintf(out, size, "v%lld", line->version->id);
}

static int named_line(const Lab *lab, const char *name)
{
	char here[64];
	for (int i = 0; *name && i < lab->n_lines; i++) {
		line_name(&lab->lines[i], here, sizeof here);
		if (!strcmp(here, name))
			return i;
	}
	return -1;
}

/* Keeps the selected and the marked line while a comparison is on top:
 * closing it comes back to them. */
static void remember(App *app, const Lab *lab)
{
	app->lab_at[0][0] = app->lab_at[1][0] = '\0';
	if (lab->n_lines)
		line_name(&lab->lines[lab->cursor], app->lab_at[0], sizeof app->lab_at[0]);
	if (lab->marked >= 0)
		line_name(&lab->lines[lab->marked], app->lab_at[1], sizeof app->lab_at[1]);
}

int labview_open(App *app)
{
	Lab *lab;
	Status st;
	int at;
	app_message(app, 0, "reading every version's answers…");
	reviewdraw_frame(app, 0);
	refresh();
	st = lab_load(app, &lab);
	if (st != STATUS_OK) {
		app_message(app, 1, "%s", status_detail());
		return REACT_TEXT;
	}
	if ((at = named_line(lab, app->lab_at[0])) >= 0) {
		lab->cursor = at;
		go(app, lab, 0);
	}
	lab->marked = named_line(lab, app->lab_at[1]);
	app->lab_at[0][0] = app->lab_at[1][0] = '\0';
	app->message[0] = '\0';
	return app_open_view(app, &lab_view, lab);
}

/* ---- the text over the list ---- */

static void text_add(Lab *lab, const char *line)
{
	lab->text = xrealloc(lab->text, (lab->n_text + 1) * sizeof *lab->text);
	lab->text[lab->n_text++] = xstrdup(line);
}

static void text_close(Lab *lab)
{
	xfree_strings(lab->text, lab->n_text);
	lab->text = NULL, lab->n_text = 0, lab->text_scroll = 0, lab->text_is_diff = 0;
}

static void text_lines(Lab *lab, const char *text)
{
	const char *at = text;
	text_close(lab);
	while (*at) {
		size_t len = strcspn(at, "\n");
		char *line = xstrndup(at, len);
		text_add(lab, line);
		free(line);
		at += len + (at[len] == '\n');
	}
}

static void help_line(void *arg, const char *text)
{
	text_add(arg, text);
}

/* ---- which versions ---- */

static int index_of(const Lab *lab, const LabLabeller *l)
{
	return (int)(l - lab->data->labellers);
}

/* The labeller of a line: its own, or for a version never run none. */
static const LabLabeller *labeller_of(const Line *line)
{
	return line && line->row ? line->row->who : NULL;
}

/* The labeller whose run a version takes its settings from: its own, else
 * its parent's (an edit never run yet). */
static const LabLabeller *settings_of(const Lab *lab, const Line *line)
{
	long long parent = line->version ? line->version->parent_id : 0;
	if (labeller_of(line))
		return labeller_of(line);
	for (int i = 0; parent && i < lab->data->n; i++)
		if (lab->data->labellers[i].version_id == parent)
			return &lab->data->labellers[i];
	return NULL;
}

/* A: the marked line, else the line of the version's parent. */
static const Line *other(const Lab *lab, const Line *line)
{
	long long parent = line->version ? line->version->parent_id : 0;
	if (lab->marked >= 0 && &lab->lines[lab->marked] != line)
		return &lab->lines[lab->marked];
	for (int i = 0; parent && i < lab->n_lines; i++)
		if (lab->lines[i].version && lab->lines[i].version->id == parent)
			return &lab->lines[i];
	return NULL;
}

static const Line *current(const Lab *lab)
{
	return lab->n_lines ? &lab->lines[lab->cursor] : NULL;
}

static char *text_of(Db *db, long long version_id)
{
	DbPromptVersion v;
	char ref[32];
	char *text;
	snprintf(ref, sizeof ref, "%lld", version_id);
	if (db_prompt_version_find(db, ref, &v) != STATUS_OK)
		return NULL;
	text = v.text;
	v.text = NULL;
	db_prompt_version_clear(&v);
	return text;
}

/* ---- edit ---- */

/* What to do on a line without a prompt (the heuristic's run, imported
 * answers): the lab edits and reruns prompt versions, made by a run with a
 * template. */
static void no_prompt(App *app, const Line *line)
{
	const LabLabeller *l = labeller_of(line);
	app_message(app, 1,
		    "%s has no prompt: gavel label --prompt FILE --settled (such as "
		    "prompts/image-quality.md) makes one",
		    l ? l->ref : "this line");
}

static char *write_temp(const char *text, char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	int fd;
	FILE *f;
	snprintf(path, size, "%s/gavel-prompt-XXXXXX.md", dir && *dir ? dir : "/tmp");
	fd = mkstemps(path, 3);
	if (fd < 0 || !(f = fdopen(fd, "w")))
		return NULL;
	out_data(f, text, strlen(text));
	fclose(f);
	return path;
}

/* Saves an edited text as a new version with its parent and note. */
static int save_edit(App *app, Lab *lab, const DbPromptVersion *parent, const char *text)
{
	char note[512];
	Prompt *prompt;
	long long id;
	int created;
	Status st = prompt_parse(parent->name ? parent->name : "prompt.md", text, &prompt);
	if (st != STATUS_OK) {
		app_message(app, 1, "not saved: %s", status_detail());
		return REACT_CLEAR;
	}
	if (!app_prompt_line(app, "what should this edit fix? ", note, sizeof note))
		note[0] = '\0';
	st = db_prompt_version_save(app->db, prompt_peek_hash(prompt), prompt_peek_name(prompt),
				    text, &id, &created);
	if (st == STATUS_OK && created)
		st = db_prompt_version_set_origin(app->db, id, parent->id, note[0] ? note : NULL);
	prompt_free(prompt);
	if (st != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	else if (!created)
		app_message(app, 0, "that text is version %lld already", id);
	else
		app_message(app, 0,
			    "saved as version %lld (edit of %lld): r reruns it on the settled "
			    "items",
			    id, parent->id);
	if (st == STATUS_OK)
		lab->select = id; /* r and d act on the new version */
	return REACT_CLEAR;
}

static int reload(App *app, Lab *lab);

static int edit(App *app, Lab *lab)
{
	const Line *line = current(lab);
	const char *editor = getenv("VISUAL");
	char path[256], *text, *after = NULL, *command;
	int status, react;
	if (!line || !line->version) {
		no_prompt(app, line);
		return REACT_TEXT;
	}
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (!editor || !*editor)
		editor = "vi";
	text = text_of(app->db, line->version->id);
	if (!text || !write_temp(text, path, sizeof path)) {
		app_message(app, 1, "cannot write the version to a temporary file");
		free(text);
		return REACT_TEXT;
	}
	command = xasprintf("%s \"$1\"", editor);
	if (screen_run(command, path, &status) != STATUS_OK || status != 0)
		app_message(app, 1, "%s exited with status %d: nothing saved", editor, status);
	else if (prompt_read(path, &after) != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	else if (!strcmp(after, text))
		app_message(app, 0, "unchanged: nothing saved");
	react = after && strcmp(after, text) && status == 0
			? save_edit(app, lab, line->version, after)
			: REACT_CLEAR;
	unlink(path);
	free(command), free(text), free(after);
	/* the terminal was another program's: every cell and picture again */
	return reload(app, lab) | react;
}

/* ---- reruns and the background job ---- */

static int busy(App *app)
{
	if (!app->lab_job)
		return 0;
	app_message(app, 1, "a run is going on in the background (x stops it)");
	return 1;
}

static int rerun(App *app, Lab *lab, int sample)
{
	const Line *line = current(lab);
	const LabLabeller *like = line ? settings_of(lab, line) : NULL;
	char value[32];
	size_t n = 0;
	Status st;
	if (busy(app))
		return REACT_TEXT;
	if (line && !line->version) {
		no_prompt(app, line);
		return REACT_TEXT;
	}
	if (!like || !like->version_id) {
		app_message(app, 1,
			    "version %lld has no run (nor its parent) to take the labeller, model "
			    "and settings from: run it once with gavel label --settled --prompt",
			    line ? line->version->id : 0);
		return REACT_TEXT;
	}
	if (labeller_of(line) && like->unfinished && !sample) {
		st = labjob_resume(app->db, like->runs[like->n_runs - 1], &app->lab_job);
		if (st != STATUS_OK)
			app_message(app, 1, "%s", status_detail());
		else
			app_message(app, 0, "resuming run %lld in the background (x stops it)",
				    like->runs[like->n_runs - 1]);
		return REACT_TEXT;
	}
	if (sample) {
		if (!app_prompt_line(app, "how many settled items (stratified by label)? ", value,
				     sizeof value))
			return REACT_TEXT;
		n = (size_t)strtoull(value, NULL, 10);
		if (!n) {
			app_message(app, 1, "'%s' is not a number of items", value);
			return REACT_TEXT;
		}
	}
	st = labjob_rerun(app->db, like->runs[like->n_runs - 1], line->version->id, n, 1,
			  &app->lab_job);
	if (st != STATUS_OK)
		app_message(app, 1, "%s", status_detail());
	else
		app_message(app, 0, "rerunning version %lld in the background (x stops it)",
			    line->version->id);
	return REACT_TEXT;
}

static int suggest(App *app, Lab *lab)
{
	const Line *line = current(lab);
	SuggestOptions o = SUGGEST_DEFAULTS;
	Suggest *s;
	char question[256];
	const SuggestPlan *p;
	Status st;
	if (busy(app))
		return REACT_TEXT;
	if (!labeller_of(line)) {
		app_message(app, 1,
			    "run this version first: its disagreements are what the proposer "
			    "learns from");
		return REACT_TEXT;
	}
	st = suggest_open(app->db, lab->data, index_of(lab, labeller_of(line)), &o, &s);
	if (st != STATUS_OK) {
		app_message(app, 1, "%s", status_detail());
		return REACT_TEXT;
	}
	p = suggest_plan(s);
	if (p->cost >= 0)
		snprintf(question, sizeof question,
			 "suggest: at most %lld calls, %lld answered by the "
			 "cache, the rest about $%.2f; y goes ahead",
			 p->calls, p->cached, p->cost);
	else
		snprintf(question, sizeof question,
			 "suggest: at most %lld calls, %lld answered by the "
			 "cache; y goes ahead",
			 p->calls, p->cached);
	if (app_read_choice(app, question) != 'y') {
		suggest_free(s);
		app_message(app, 0, "no suggestion asked");
		return REACT_TEXT;
	}
	st = labjob_suggest(s, &app->lab_job);
	app_message(app, st != STATUS_OK, "%s",
		    st == STATUS_OK ? "suggesting in the background" : status_detail());
	return REACT_TEXT;
}

/* ---- diff and compare ---- */

static int diff(App *app, Lab *lab)
{
	const Line *b = current(lab), *a = b ? other(lab, b) : NULL;
	char *ta, *tb, *d, la[64], lb[64];
	if (!a || !a->version || !b->version) {
		app_message(app, 1,
			    "mark a version with m first (or diff an edit with its parent)");
		return REACT_TEXT;
	}
	ta = text_of(app->db, a->version->id), tb = text_of(app->db, b->version->id);
	snprintf(la, sizeof la, "version %lld", a->version->id);
	snprintf(lb, sizeof lb, "version %lld", b->version->id);
	d = ta && tb ? linediff_unified(ta, tb, la, lb, DIFF_CONTEXT, LINEDIFF_CLEAN) : NULL;
	text_lines(lab, d && *d ? d : "the two texts are the same");
	lab->text_is_diff = d && *d;
	free(ta), free(tb), free(d);
	return REACT_CLEAR;
}

static int compare(App *app, Lab *lab)
{
	const Line *b = current(lab), *a = b ? other(lab, b) : NULL;
	if (!a || !labeller_of(a) || !labeller_of(b)) {
		app_message(app, 1,
			    "compare needs two versions that ran: mark A with m, then pick B");
		return REACT_TEXT;
	}
	remember(app, lab);
	return labview_compare(app, labeller_of(a)->ref, labeller_of(b)->ref);
}

int labview_compare(App *app, const char *a, const char *b)
{
	Compare *c;
	Status st;
	app_message(app, 0, "comparing %s with %s…", a, b);
	reviewdraw_frame(app, 0);
	refresh();
	st = compareview_new(app->db, a, b, &c);
	if (st != STATUS_OK) {
		app_message(app, 1, "%s", status_detail());
		return REACT_TEXT;
	}
	app->message[0] = '\0';
	return app_open_view(app, &compare_view, c);
}

/* ---- the view ---- */

static int same_line(const Line *a, const Line *b)
{
	if (a->row || b->row)
		return a->row && b->row && !strcmp(a->row->who->ref, b->row->who->ref);
	return a->version->id == b->version->id;
}

/* The line of fresh showing what line i of old showed: the same labeller,
 * else the same version (a version's first run turns its line into a
 * labeller's); -1 for none. */
static int find_line(const Lab *fresh, const Lab *old, int i)
{
	const Line *was = i >= 0 && i < old->n_lines ? &old->lines[i] : NULL;
	for (int j = 0; was && j < fresh->n_lines; j++)
		if (same_line(&fresh->lines[j], was))
			return j;
	for (int j = 0; was && was->version && j < fresh->n_lines; j++)
		if (fresh->lines[j].version && fresh->lines[j].version->id == was->version->id)
			return j;
	return -1;
}

static int version_line(const Lab *lab, long long id)
{
	for (int j = 0; j < lab->n_lines; j++)
		if (lab->lines[j].version && lab->lines[j].version->id == id)
			return j;
	return -1;
}

static int reload(App *app, Lab *lab)
{
	Lab *fresh;
	if (lab_load(app, &fresh) != STATUS_OK) {
		app_message(app, 1, "%s", status_detail());
		return REACT_TEXT;
	}
	/* the cursor and the mark stay on their versions, wherever the new
	 * ranking puts them; swap the contents: the view keeps its pointer */
	fresh->cursor =
		lab->select ? version_line(fresh, lab->select) : find_line(fresh, lab, lab->cursor);
	fresh->marked = lab->marked >= 0 ? find_line(fresh, lab, lab->marked) : -1;
	if (fresh->cursor < 0)
		fresh->cursor = 0;
	fresh->top = lab->top;
	go(app, fresh, 0);
	/* a text shown over the list stays */
	fresh->text = lab->text, fresh->n_text = lab->n_text;
	fresh->text_scroll = lab->text_scroll, fresh->text_is_diff = lab->text_is_diff;
	lab->text = NULL, lab->n_text = 0;
	{
		Lab old = *lab;
		*lab = *fresh;
		*fresh = old;
	}
	lab_free(fresh);
	return REACT_CLEAR;
}

int labview_refresh(App *app)
{
	Lab *lab = app->view == &lab_view ? app->view_state : NULL;
	if (lab && lab->in_command) {
		lab->stale = 1;
		return REACT_NONE;
	}
	return lab ? reload(app, lab) : REACT_NONE;
}

static int rows(const App *app)
{
	return app->layout.rows - DETAIL_ROWS - 1;
}

static int go(App *app, Lab *lab, int delta)
{
	int page = rows(app);
	if (lab->text) {
		lab->text_scroll += delta;
		if (lab->text_scroll > (int)lab->n_text - 1)
			lab->text_scroll = (int)lab->n_text - 1;
		if (lab->text_scroll < 0)
			lab->text_scroll = 0;
		return REACT_TEXT;
	}
	lab->cursor += delta;
	if (lab->cursor >= lab->n_lines)
		lab->cursor = lab->n_lines - 1;
	if (lab->cursor < 0)
		lab->cursor = 0;
	if (lab->cursor < lab->top)
		lab->top = lab->cursor;
	if (lab->cursor >= lab->top + page)
		lab->top = lab->cursor - page + 1;
	return REACT_TEXT;
}

static int help(App *app, Lab *lab)
{
	text_close(lab);
	text_add(lab, "The prompt lab: versions ranked by quadratic kappa against the settled "
		      "label (docs/prompt-lab.md)");
	text_add(lab, "");
	keys_help(KEYMAP_LAB, 0, help_line, lab);
	text_add(lab, "");
	text_add(lab, "On a comparison:");
	keys_help(KEYMAP_COMPARE, 0, help_line, lab);
	(void)app;
	return REACT_CLEAR;
}

static int dispatch(App *app, Lab *lab, UiCommand command)
{
	switch (command) {
	case UI_CMD_NEXT: return go(app, lab, 1);
	case UI_CMD_PREV: return go(app, lab, -1);
	case UI_CMD_SCROLL_DOWN: return go(app, lab, rows(app));
	case UI_CMD_SCROLL_UP: return go(app, lab, -rows(app));
	case UI_CMD_EDIT: return edit(app, lab);
	case UI_CMD_RERUN: return rerun(app, lab, 0);
	case UI_CMD_RERUN_SAMPLE: return rerun(app, lab, 1);
	case UI_CMD_MARK:
		lab->marked = lab->marked == lab->cursor ? -1 : lab->cursor;
		return REACT_TEXT;
	case UI_CMD_COMPARE: return compare(app, lab);
	case UI_CMD_DIFF: return diff(app, lab);
	case UI_CMD_SUGGEST: return suggest(app, lab);
	case UI_CMD_TEST:
		if (!app->lab_test[0][0]) {
			app_message(app, 1, "no suggestion has been tested yet (s asks for one)");
			return REACT_TEXT;
		}
		remember(app, lab);
		return labview_compare(app, app->lab_test[0], app->lab_test[1]);
	case UI_CMD_CANCEL:
		if (app->lab_job)
			labjob_cancel(app->lab_job);
		return REACT_TEXT;
	case UI_CMD_LAB: text_close(lab); return reload(app, lab);
	case UI_CMD_HELP: return help(app, lab);
	case UI_CMD_REDRAW: return REACT_CLEAR;
	case UI_CMD_CLOSE:
		if (lab->text) {
			text_close(lab);
			return REACT_CLEAR;
		}
		return REACT_CLOSE;
	default: return REACT_NONE;
	}
}

/* A command may wait for the user (the note of an edit) while a background
 * run ends: the lab is reread after the command, never under it, which
 * still holds pointers into the lines. */
static int command(App *app, void *state, UiCommand command, int arg)
{
	Lab *lab = state;
	int react;
	(void)arg;
	lab->in_command = 1;
	react = dispatch(app, lab, command);
	if (app->view_state != state)
		return react; /* a comparison opened over it, which closed the lab */
	lab->in_command = 0;
	if (lab->stale)
		react |= reload(app, lab);
	return react;
}

/* ---- drawing ---- */

static void draw_line(const Lab *lab, const LabColumns *c, int i, int y)
{
	const Line *line = &lab->lines[i];
	char text[512];
	labtext_line(c, line->row, line->version, lab->data->settled, lab->marked == i, text,
		     sizeof text);
	if (i == lab->cursor)
		attron(A_REVERSE);
	draw_text(stdscr, y, 0, COLS, text, 1);
	attroff(A_REVERSE);
}

/* The selected line in words, under the list. */
static void detail(const Lab *lab, int y, int end)
{
	const Line *line = current(lab);
	char lines[LABTEXT_DETAIL_MAX][LABTEXT_DETAIL_WIDTH];
	int n = line ? labtext_detail(lab->table, line->row, line->version, lines) : 0;
	for (int i = 0; i < n && y < end; i++)
		draw_text(stdscr, y++, 1, COLS - 2, lines[i], 0);
}

/* A diff's line in git's colours: the two file headers bold, removed
 * lines red, added green, hunk heads cyan. */
static int diff_attr(const char *line, size_t index)
{
	if (index < 2)
		return A_BOLD;
	switch (line[0]) {
	case '-': return COLOR_PAIR(screen_pair(COLOR_RED, -1));
	case '+': return COLOR_PAIR(screen_pair(COLOR_GREEN, -1));
	case '@': return COLOR_PAIR(screen_pair(COLOR_CYAN, -1));
	default: return 0;
	}
}

static void draw_text_mode(const App *app, const Lab *lab)
{
	for (int i = 0; i < app->layout.rows && lab->text_scroll + i < (int)lab->n_text; i++) {
		size_t index = (size_t)(lab->text_scroll + i);
		int attr = lab->text_is_diff ? diff_attr(lab->text[index], index) : 0;
		attron(attr);
		draw_text(stdscr, app->layout.top + i, 1, COLS - 2, lab->text[index], 0);
		attroff(attr);
	}
}

static void draw(App *app, void *state)
{
	Lab *lab = state;
	int y = app->layout.top;
	LabColumns c = labtext_columns(COLS);
	char head[256];
	if (lab->text) {
		draw_text_mode(app, lab);
		return;
	}
	labtext_head(&c, head, sizeof head);
	attron(A_BOLD);
	draw_text(stdscr, y++, 0, COLS, head, 1);
	attroff(A_BOLD);
	if (!lab->n_lines)
		draw_text(stdscr, y, 2, COLS - 4,
			  "no prompt version yet: gavel label --prompt FILE "
			  "runs one",
			  0);
	for (int i = lab->top; i < lab->n_lines && y < app->layout.top + rows(app); i++)
		draw_line(lab, &c, i, y++);
	detail(lab, app->layout.top + rows(app) + 1, app->layout.top + app->layout.rows);
}

static void close_view(void *state)
{
	lab_free(state);
}

const UiViewOps lab_view = {
	.title = "prompt lab",
	.keymap = KEYMAP_LAB,
	.command = command,
	.draw = draw,
	.close = close_view,
};
