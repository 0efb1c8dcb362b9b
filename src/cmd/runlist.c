/* runlist.c - runs listed with their true state and resume commands. */
#include "src/cmd/runlist.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "db/runs.h"
#include "src/base/out.h"
#include "src/base/proc.h"
#include "src/base/xalloc.h"

/* A run's state as shown: the stored state, but a run marked running whose
 * owner is gone has died, and is as unfinished as an interrupted one. */
typedef enum { SHOWN_RUNNING, SHOWN_DONE, SHOWN_INTERRUPTED, SHOWN_FAILED, SHOWN_DIED } Shown;

static const struct {
	const char *word;
	int unfinished;
	const char *why; /* after the resume command: what happened */
} shown_states[] = {
	[SHOWN_RUNNING] = {"running", 0, NULL},
	[SHOWN_DONE] = {"done", 0, NULL},
	[SHOWN_INTERRUPTED] = {"interrupted", 1, "stopped before the end"},
	[SHOWN_FAILED] = {"failed", 1, "the database failed under it"},
	[SHOWN_DIED] = {"died", 1, "marked running, but its process is gone"},
};

static Shown shown_of(const DbRunInfo *r)
{
	switch (r->status) {
	case DB_RUN_RUNNING: return proc_id_alive(r->owner) ? SHOWN_RUNNING : SHOWN_DIED;
	case DB_RUN_DONE: return SHOWN_DONE;
	case DB_RUN_INTERRUPTED: return SHOWN_INTERRUPTED;
	case DB_RUN_FAILED: case DB_RUN_STATE_COUNT: return SHOWN_FAILED;
	}
	return SHOWN_FAILED;
}

/* s quoted for a POSIX shell when it holds anything but safe characters. */
static char *shell_quote(const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_-.,/:@%+=";
	size_t n = 0;
	char *out, *o;
	if (*s && strspn(s, safe) == strlen(s))
		return xstrdup(s);
	for (const char *p = s; *p; p++)
		n += *p == '\'' ? 4 : 1;
	o = out = xmalloc(n + 3);
	*o++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			memcpy(o, "'\\''", 4), o += 4;
		else
			*o++ = *p;
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

char *runlist_resume_command(const char *db_path, long long run_id)
{
	char absolute[PATH_MAX];
	const char *path = realpath(db_path, absolute) ? absolute : db_path;
	char *quoted = shell_quote(path);
	char *command = xasprintf("gavel label --db %s --resume %lld", quoted, run_id);
	free(quoted);
	return command;
}

/* One row's text (out_printf cleans it when it is written). */
typedef struct {
	char *who, *prompt, *started; /* owned */
	char state[48], done[48];
} Row;

static void row_make(Row *row, const DbRunInfo *r, Shown shown)
{
	row->who = xasprintf("%s/%s", r->provider ? r->provider : "-", r->model ? r->model : "-");
	row->prompt = xstrdup(r->prompt_name ? r->prompt_name : "-");
	row->started = xstrdup(r->started_at ? r->started_at : "-");
	if (strlen(row->started) > 16) /* 2026-12-06T15:20: to the minute, as a person reads it */
		row->started[10] = ' ', row->started[16] = '\0';
	snprintf(row->done, sizeof row->done, "%lld/%lld", r->done, r->planned);
	if (shown == SHOWN_RUNNING)
		snprintf(row->state, sizeof row->state, "running (pid %ld)", proc_id_pid(r->owner));
	else
		snprintf(row->state, sizeof row->state, "%s", shown_states[shown].word);
}

static void row_free(Row *row)
{
	free(row->who), free(row->prompt), free(row->started);
}

static int widest(int width, const char *s)
{
	int n = (int)strlen(s);
	return n > width ? n : width;
}

/* Every run, one line each, columns as wide as their widest entry. */
static void print_table(FILE *out, const DbRunInfo *runs, size_t count)
{
	Row *rows = xcalloc(count ? count : 1, sizeof *rows);
	int w_state = 5, w_done = 4, w_who = 14, w_prompt = 6;
	for (size_t i = 0; i < count; i++) {
		row_make(&rows[i], &runs[i], shown_of(&runs[i]));
		w_state = widest(w_state, rows[i].state), w_done = widest(w_done, rows[i].done);
		w_who = widest(w_who, rows[i].who), w_prompt = widest(w_prompt, rows[i].prompt);
	}
	out_printf(out, "%5s  %-*s  %*s  %-*s  %-*s  %s\n", "run", w_state, "state", w_done, "done",
		w_who, "labeller/model", w_prompt, "prompt", "started");
	for (size_t i = 0; i < count; i++) {
		out_printf(out, "%5lld  %-*s  %*s  %-*s  %-*s  %s\n", runs[i].id, w_state, rows[i].state,
			w_done, rows[i].done, w_who, rows[i].who, w_prompt, rows[i].prompt,
			rows[i].started);
		row_free(&rows[i]);
	}
	free(rows);
}

/* The unfinished runs, each with what happened and its resume command. */
static void print_unfinished(FILE *out, const char *db_path, const DbRunInfo *runs, size_t count,
			     int blank_first)
{
	int first = 1;
	for (size_t i = 0; i < count; i++) {
		Shown shown = shown_of(&runs[i]);
		char *command;
		if (!shown_states[shown].unfinished)
			continue;
		if (first)
			out_printf(out, "%sunfinished runs: finish each with its command\n",
				blank_first ? "\n" : "");
		first = 0;
		command = runlist_resume_command(db_path, runs[i].id);
		out_printf(out, "  run %lld (%s, %lld of %lld done; %s):\n    %s\n", runs[i].id,
			   shown_states[shown].word, runs[i].done, runs[i].planned,
			   shown_states[shown].why, command);
		free(command);
	}
}

Status runlist_print(Db *db, const char *db_path, int unfinished_only, FILE *out)
{
	DbRunInfo *runs;
	size_t count;
	Status st = db_run_list(db, unfinished_only, &runs, &count);
	if (st != STATUS_OK)
		return st;
	if (!unfinished_only && !count)
		out_printf(out, "no labelling runs yet\n");
	else if (!unfinished_only)
		print_table(out, runs, count);
	print_unfinished(out, db_path, runs, count, 1);
	db_run_list_free(runs, count);
	return STATUS_OK;
}

static void add_string(cJSON *o, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(o, key, value);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *run_json(const char *db_path, const DbRunInfo *r, Shown shown)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "state", shown_states[shown].word);
	cJSON_AddBoolToObject(o, "alive", shown == SHOWN_RUNNING);
	if (r->owner)
		cJSON_AddNumberToObject(o, "pid", (double)proc_id_pid(r->owner));
	add_string(o, "provider", r->provider);
	add_string(o, "model", r->model);
	add_string(o, "prompt", r->prompt_name);
	cJSON_AddNumberToObject(o, "planned", (double)r->planned);
	cJSON_AddNumberToObject(o, "done", (double)r->done);
	add_string(o, "started_at", r->started_at);
	add_string(o, "finished_at", r->finished_at);
	if (shown_states[shown].unfinished) {
		char *command = runlist_resume_command(db_path, r->id);
		cJSON_AddStringToObject(o, "resume", command);
		free(command);
	}
	return o;
}

Status runlist_json(Db *db, const char *db_path, int unfinished_only, cJSON **out)
{
	DbRunInfo *runs;
	size_t count;
	Status st = db_run_list(db, unfinished_only, &runs, &count);
	*out = NULL;
	if (st != STATUS_OK)
		return st;
	*out = cJSON_CreateArray();
	for (size_t i = 0; i < count; i++) {
		Shown shown = shown_of(&runs[i]);
		if (!unfinished_only || shown_states[shown].unfinished)
			cJSON_AddItemToArray(*out, run_json(db_path, &runs[i], shown));
	}
	db_run_list_free(runs, count);
	return STATUS_OK;
}
