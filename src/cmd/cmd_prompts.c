/* cmd_prompts.c - gavel prompts: list, show, diff and add prompt versions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "db/database.h"
#include "db/prompts.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/llm/linediff.h"
#include "src/llm/prompt.h"
#include "src/base/sha256.h"
#include "src/base/text.h"
#include "src/base/xalloc.h"
#include "src/base/out.h"

enum { SHORT_HASH = 12, DIFF_CONTEXT = 3 };

typedef struct {
	const char *db_path;
	int json;
} Options;

/* One subcommand: its operands and what runs it (git's commands[] table). */
typedef struct {
	const char *name;
	int operands;
	const char *operand_names;
	int takes_json;
	int (*run)(const Options *opts, char **operands);
} Action;

static int open_db(const Options *opts, Db **db)
{
	Status st = db_open(opts->db_path, DB_OPEN_EXISTING, db);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* ---- list ---- */

/* "2026-11-03 10:22" from "2026-11-03T10:22:01.123Z". */
static void short_time(const char *iso, char out[17])
{
	snprintf(out, 17, "%s", iso ? iso : "");
	if (out[10] == 'T')
		out[10] = ' ';
}

static void print_table(const DbPromptVersion *v, int count)
{
	out_printf(stdout, "%4s  %-*s  %-16s  %5s  %11s  %s\n", "ID", SHORT_HASH, "HASH", "CREATED", "RUNS",
	       "PREDICTIONS", "NAME");
	for (int i = 0; i < count; i++) {
		char when[17];
		char *name = text_clean(v[i].name ? v[i].name : "-");
		short_time(v[i].created_at, when);
		/* The agreement of each version with the human labels goes in a
		 * column here once the agreement report lands (DbPromptVersion). */
		out_printf(stdout, "%4lld  %.*s  %-16s  %5lld  %11lld  %s\n", v[i].id, SHORT_HASH, v[i].hash,
		       when, v[i].runs, v[i].predictions, name);
		free(name);
	}
}

static void print_json(const DbPromptVersion *v, int count)
{
	cJSON *array = cJSON_CreateArray();
	for (int i = 0; i < count; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)v[i].id);
		cJSON_AddStringToObject(o, "hash", v[i].hash);
		if (v[i].name)
			cJSON_AddStringToObject(o, "name", v[i].name);
		else
			cJSON_AddNullToObject(o, "name");
		cJSON_AddStringToObject(o, "created_at", v[i].created_at);
		cJSON_AddNumberToObject(o, "runs", (double)v[i].runs);
		cJSON_AddNumberToObject(o, "predictions", (double)v[i].predictions);
		cJSON_AddItemToArray(array, o);
	}
	out_json(stdout, array, 0);
	cJSON_Delete(array);
}

static int run_list(const Options *opts, char **operands)
{
	DbPromptVersion *versions;
	int count, rc;
	Status st;
	Db *db;

	(void)operands;
	if ((rc = open_db(opts, &db)) != CLI_EXIT_OK)
		return rc;
	st = db_prompt_version_list(db, &versions, &count);
	db_close(db);
	if (st != STATUS_OK)
		return cli_fail(st);
	if (opts->json)
		print_json(versions, count);
	else
		print_table(versions, count);
	if (!count && !opts->json)
		out_puts(stderr, "gavel: no prompt versions yet: 'gavel prompts add FILE' stores one\n");
	db_prompt_version_list_free(versions, count);
	return CLI_EXIT_OK;
}

/* ---- show ---- */

static int run_show(const Options *opts, char **operands)
{
	DbPromptVersion v;
	Status st;
	Db *db;
	int rc;

	if ((rc = open_db(opts, &db)) != CLI_EXIT_OK)
		return rc;
	st = db_prompt_version_find(db, operands[0], &v);
	db_close(db);
	if (st != STATUS_OK)
		return cli_fail(st);
	/* byte for byte into a pipe or a file; cleaned on a terminal */
	out_data(stdout, v.text, strlen(v.text));
	db_prompt_version_clear(&v);
	return CLI_EXIT_OK;
}

/* ---- diff ---- */

typedef struct {
	char *label;
	char *text;
	char hash[65];
} DiffSide;

static void hash_text(const char *text, char hex[65])
{
	Sha256 sha;
	uint8_t digest[32];
	sha256_init(&sha);
	sha256_update(&sha, text, strlen(text));
	sha256_final(&sha, digest);
	sha256_hex(digest, hex);
}

static int is_file(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* A stored version named by ref, from the database opened on first use. */
static Status stored_side(const Options *opts, Db **db, const char *ref, DiffSide *side)
{
	DbPromptVersion v;
	Status st = *db ? STATUS_OK : db_open(opts->db_path, DB_OPEN_EXISTING, db);
	if (st == STATUS_OK)
		st = db_prompt_version_find(*db, ref, &v);
	if (st != STATUS_OK)
		return st;
	side->text = v.text;
	v.text = NULL;
	snprintf(side->hash, sizeof side->hash, "%s", v.hash);
	side->label = xasprintf("%s (version %lld, %.12s)", v.name ? v.name : "-", v.id, v.hash);
	db_prompt_version_clear(&v);
	return STATUS_OK;
}

/* A diff operand: an existing file, else a stored version. */
static Status diff_side(const Options *opts, Db **db, const char *arg, DiffSide *side)
{
	Status st;
	if (is_file(arg)) {
		st = prompt_read(arg, &side->text);
		if (st != STATUS_OK)
			return st;
		hash_text(side->text, side->hash);
		side->label = xasprintf("%s (file, %.12s)", arg, side->hash);
		return STATUS_OK;
	}
	st = stored_side(opts, db, arg, side);
	if (st != STATUS_ERR_NOT_FOUND)
		return st;
	if (*db)
		return status_fail(st, "%s: no such file, nor a prompt version in %s (see 'gavel "
				   "prompts list')", arg, opts->db_path);
	if (access(opts->db_path, F_OK) != 0)
		return status_fail(st, "%s: no such file (nor a database %s to find it in)", arg,
				   opts->db_path);
	return st;
}

static int run_diff(const Options *opts, char **operands)
{
	DiffSide sides[2] = {{0}};
	Db *db = NULL;
	Status st = STATUS_OK;
	int tty = isatty(STDOUT_FILENO);

	for (int i = 0; i < 2 && st == STATUS_OK; i++)
		st = diff_side(opts, &db, operands[i], &sides[i]);
	db_close(db);
	if (st == STATUS_OK && !strcmp(sides[0].hash, sides[1].hash)) {
		out_printf(stderr, "gavel: the two texts are the same (%.12s)\n", sides[0].hash);
	} else if (st == STATUS_OK) {
		unsigned flags = tty ? LINEDIFF_CLEAN : 0;
		char *diff;
		if (out_colour(stdout))
			flags |= LINEDIFF_COLOR;
		diff = linediff_unified(sides[0].text, sides[1].text, sides[0].label,
					sides[1].label, DIFF_CONTEXT, flags);
		/* on a terminal linediff has cleaned the texts and added its own
		 * colours; into a pipe the diff is exact */
		if (tty)
			out_control(stdout, diff);
		else
			out_data(stdout, diff, strlen(diff));
		free(diff);
	}
	for (int i = 0; i < 2; i++) {
		free(sides[i].label);
		free(sides[i].text);
	}
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* ---- add ---- */

static void report_added(const Options *opts, const Prompt *prompt, long long id, int created)
{
	const char *hash = prompt_peek_hash(prompt);
	char *name = text_clean(prompt_peek_name(prompt));
	if (opts->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)id);
		cJSON_AddStringToObject(o, "hash", hash);
		cJSON_AddStringToObject(o, "name", prompt_peek_name(prompt));
		cJSON_AddBoolToObject(o, "created", created);
		out_json(stdout, o, 0);
		cJSON_Delete(o);
	} else {
		out_printf(stdout, "%lld %s\n", id, hash);
	}
	if (created)
		out_printf(stderr, "gavel: added %s as prompt version %lld (%.12s)\n", name, id, hash);
	else
		out_printf(stderr, "gavel: %s is already prompt version %lld (%.12s): nothing added\n",
			name, id, hash);
	free(name);
}

static int run_add(const Options *opts, char **operands)
{
	Prompt *prompt;
	long long id;
	int created, rc;
	Status st = prompt_load(operands[0], &prompt);
	Db *db;

	if (st != STATUS_OK)
		return cli_fail(st);
	if ((rc = open_db(opts, &db)) != CLI_EXIT_OK) {
		prompt_free(prompt);
		return rc;
	}
	st = db_prompt_version_save(db, prompt_peek_hash(prompt), prompt_peek_name(prompt),
				    prompt_peek_text(prompt), &id, &created);
	db_close(db);
	if (st == STATUS_OK)
		report_added(opts, prompt, id, created);
	prompt_free(prompt);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const Action actions[] = {
	{"list", 0, "", 1, run_list},
	{"show", 1, " REF", 0, run_show},
	{"diff", 2, " A B", 0, run_diff},
	{"add", 1, " FILE", 1, run_add},
};

static int dispatch(const Options *opts, int argc, char **argv)
{
	const char *name = argc > 0 ? argv[0] : "list";
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
		const Action *a = &actions[i];
		if (strcmp(name, a->name) != 0)
			continue;
		if (argc > 0 && argc - 1 != a->operands)
			return cli_usage_error("prompts", "usage: gavel prompts %s%s", a->name,
					       a->operand_names);
		if (opts->json && !a->takes_json)
			return cli_usage_error("prompts", "'%s' has no --json", a->name);
		return a->run(opts, argv + 1);
	}
	return cli_usage_error("prompts", "'%s' is not a prompts command (list, show, diff, add)",
			       name);
}

int cmd_prompts(int argc, char **argv)
{
	const char *db_flag = NULL;
	Options opts = {0};
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_SWITCH("json", 0, &opts.json, "list, add: print JSON"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "prompts",
		.synopsis = "usage: gavel prompts [--db FILE] [list] [--json]\n"
			    "       gavel prompts [--db FILE] show REF\n"
			    "       gavel prompts [--db FILE] diff A B\n"
			    "       gavel prompts [--db FILE] add [--json] FILE",
		.about = "List, show and compare the prompt versions in the database. A version is the\n"
			 "SHA-256 of a template's whole text, so any edit makes a new one.\n"
			 "\n"
			 "  list       every version: id, hash, created, runs, predictions, name\n"
			 "             (the default)\n"
			 "  show REF   the stored text of a version, byte for byte\n"
			 "  diff A B   a unified diff from A to B, each a template file or a stored\n"
			 "             version (an existing file wins: give the id to mean the stored one)\n"
			 "  add FILE   check a template and store it as a version without running it\n"
			 "\n"
			 "REF is a version id, 4 or more hex digits of its hash, or a template name\n"
			 "(its latest version; \".md\" may be left off). prompts/README.md describes\n"
			 "the template format.",
		.options = options,
	};
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	opts.db_path = cli_db_path(db_flag);
	return dispatch(&opts, argc - first, argv + first);
}
