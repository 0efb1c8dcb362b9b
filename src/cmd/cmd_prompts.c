/* cmd_prompts.c - gavel prompts: the prompt lab on the command line: list
 * the versions with their agreement, show, diff and add them, compare two,
 * suggest an edit (docs/prompt-lab.md). */
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
#include "src/cmd/config.h"
#include "src/cmd/labreport.h"
#include "src/cmd/labsuggest.h"
#include "src/lab/labcompare.h"
#include "src/lab/labdata.h"
#include "src/lab/labtable.h"
#include "src/llm/linediff.h"
#include "src/llm/prompt.h"
#include "src/base/sha256.h"
#include "src/base/text.h"
#include "src/base/xalloc.h"
#include "src/base/out.h"

enum { DIFF_CONTEXT = 3 };

typedef struct {
	const char *db_path;
	int json;
	long long resamples, seed;
	double confidence;
	int send; /* an index into labcompare_send_words, -1: none */
	LabSuggestOptions suggest;
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

static BootstrapOptions boot_of(const Options *opts)
{
	return (BootstrapOptions){ (int)opts->resamples, (uint64_t)opts->seed, opts->confidence };
}

static void print_json(cJSON *json)
{
	out_json(stdout, json, 0);
	cJSON_Delete(json);
}

static int run_list(const Options *opts, char **operands)
{
	DbPromptVersion *versions = NULL;
	BootstrapOptions boot = boot_of(opts);
	LabData *data = NULL;
	LabTable *table = NULL;
	int count = 0, rc;
	Status st;
	Db *db;

	(void)operands;
	if ((rc = open_db(opts, &db)) != CLI_EXIT_OK)
		return rc;
	st = db_prompt_version_list(db, &versions, &count);
	if (st == STATUS_OK)
		st = labdata_open(db, &data);
	if (st == STATUS_OK)
		st = labdata_fill_all(db, data);
	db_close(db);
	if (st == STATUS_OK) {
		labdata_price_fallback(data, config_price, NULL);
		table = labtable_build(data->labellers, data->n, data->K, data->latest_run, &boot);
		if (opts->json)
			print_json(labreport_table_json(table, data, versions, count));
		else
			labreport_table_text(stdout, table, data, versions, count);
		if (!count && !data->n && !opts->json)
			out_puts(stderr, "gavel: no prompt versions yet: 'gavel prompts add FILE' "
					 "stores one\n");
	}
	labtable_free(table);
	labdata_free(data);
	db_prompt_version_list_free(versions, count);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

/* ---- compare ---- */

static int run_compare(const Options *opts, char **operands)
{
	CompareOptions copt = { (int)opts->resamples, (uint64_t)opts->seed, opts->confidence,
				COMPARE_POWER, COMPARE_RESAMPLE_AUTO };
	LabComparison *c = NULL;
	LabData *data = NULL;
	int ia = -1, ib = -1, rc;
	long sent = 0;
	Status st;
	Db *db;

	if ((rc = open_db(opts, &db)) != CLI_EXIT_OK)
		return rc;
	st = labdata_open(db, &data);
	if (st == STATUS_OK)
		st = labdata_find(db, data, operands[0], &ia);
	if (st == STATUS_OK)
		st = labdata_find(db, data, operands[1], &ib);
	if (st == STATUS_OK && ia == ib)
		st = status_fail(STATUS_ERR_USAGE, "'%s' and '%s' are the same labeller",
				 operands[0], operands[1]);
	if (st == STATUS_OK)
		st = labcompare_run(db, data, ia, ib, &copt, &c);
	if (st == STATUS_OK && opts->send >= 0)
		st = labcompare_send(db, c, (LabSend)opts->send, &sent);
	if (st == STATUS_OK && opts->send >= 0)
		st = db_recheck_summary(db, c->source, &c->recheck);
	db_close(db);
	if (st == STATUS_OK) {
		if (opts->json)
			print_json(labreport_compare_json(c, 1));
		else
			labreport_compare_text(stdout, c);
		if (opts->send >= 0)
			cli_note(
				"sent %ld item%s (%s) to the re-review queue: gavel review --order "
				"recheck",
				sent, sent == 1 ? "" : "s", labcompare_send_words[opts->send]);
	}
	labcompare_free(c);
	labdata_free(data);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int run_suggest(const Options *opts, char **operands)
{
	return labsuggest_run(opts->db_path, operands[0], &opts->suggest, opts->json);
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
	{ "list", 0, "", 1, run_list },           { "show", 1, " REF", 0, run_show },
	{ "diff", 2, " A B", 0, run_diff },       { "add", 1, " FILE", 1, run_add },
	{ "compare", 2, " A B", 1, run_compare }, { "suggest", 1, " REF", 1, run_suggest },
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
	return cli_usage_error("prompts",
			       "'%s' is not a prompts command (list, show, diff, add, "
			       "compare, suggest)",
			       name);
}

int cmd_prompts(int argc, char **argv)
{
	const char *db_flag = NULL;
	Options opts = { .resamples = BOOTSTRAP_RESAMPLES,
			 .seed = (long long)BOOTSTRAP_SEED,
			 .confidence = BOOTSTRAP_CONFIDENCE,
			 .send = -1,
			 .suggest = LABSUGGEST_DEFAULTS };
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_SWITCH("json", 0, &opts.json, "list, add, compare, suggest: print JSON"),
		CLIOPT_NUMBER(CLIOPT_LONG, "resamples", &opts.resamples, "N", 0, 1000000,
			      "bootstrap resamples of intervals (default 1000)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "seed", &opts.seed, "S", 0, 9e18,
			      "the bootstrap's seed (default 444016780652)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "confidence", &opts.confidence, "C", 0.5, 0.999,
			      "of the intervals (default 0.95)"),
		CLIOPT_ONE_OF("send", &opts.send, "WHICH", labcompare_send_words,
			      "compare: send items to the re-review queue: broken (A\n"
			      "right, B wrong), disagrees (B is not the settled label,\n"
			      "unanimous repeats first) or unanimous (only those)"),
		LABSUGGEST_OPTIONS(opts.suggest),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "prompts",
		.synopsis = "usage: gavel prompts [--db FILE] [list] [--json]\n"
			    "       gavel prompts [--db FILE] show REF\n"
			    "       gavel prompts [--db FILE] diff A B\n"
			    "       gavel prompts [--db FILE] add [--json] FILE\n"
			    "       gavel prompts [--db FILE] compare [--json] [--send WHICH] A B\n"
			    "       gavel prompts [--db FILE] suggest [options] REF",
		.about =
			"The prompt lab (docs/prompt-lab.md). A version is the SHA-256 of a\n"
			"template's whole text, so any edit makes a new one.\n"
			"\n"
			"  list       every version (with each model it ran with) and every run\n"
			"             without a prompt, ranked by quadratic kappa against the\n"
			"             settled human label: items covered, interval, exact\n"
			"             agreement, unparsed share, tokens, cost (the default)\n"
			"  show REF   the stored text of a version, byte for byte\n"
			"  diff A B   a unified diff from A to B, each a template file or a stored\n"
			"             version (an existing file wins: give the id to mean the stored one)\n"
			"  add FILE   check a template and store it as a version without running it\n"
			"  compare A B  A and B on the settled items both labelled: each item's\n"
			"             class against the human label, paired statistics\n"
			"  suggest REF  ask the model for edits from its disagreements, test them\n"
			"             on held-out items, compare the best with REF\n"
			"\n"
			"REF is a version id, 4 or more hex digits of its hash, or a template name\n"
			"(its latest version; \".md\" may be left off), with @MODEL to pick one\n"
			"of the models it ran with; compare also takes run:N for one run (runs\n"
			"loaded by import-ratings --llm too). prompts/README.md describes the\n"
			"template format.",
		.options = options,
	};
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	opts.db_path = cli_db_path(db_flag);
	return dispatch(&opts, argc - first, argv + first);
}
