/* cmd_audit.c - gavel audit: draw a random audit sample, grow one, list
 * and show them (src/estimate/audit.h, db/audits.h). */
#include <cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/audits.h"
#include "db/database.h"
#include "db/items.h"
#include "src/base/clock.h"
#include "src/base/out.h"
#include "src/base/xalloc.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/estimate/audit.h"

enum { MAX_STRATA = 64 };

typedef struct {
	const char *db, *name;
	const char *strata[MAX_STRATA];
	int n_strata, design, primed, list, items, json;
	long long size, seed, grow, show;
} Args;

static int parse_args(int argc, char **argv, Args *a)
{
	CliList strata = { a->strata, 0, MAX_STRATA };
	const CliOpt options[] = {
		CLIOPT_DB(&a->db),
		CLIOPT_NUMBER(CLIOPT_LONG, "size", &a->size, "N", 1, 9e18,
			      "draw N items (in all, shared among the strata in\n"
			      "proportion to their sizes unless --stratum sets them)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "seed", &a->seed, "S", 0, 9007199254740991.0,
			      "the draw's seed (default: from the clock; it is stored)"),
		CLIOPT_ONE_OF("stratify", &a->design, "HOW", db_audit_design_words,
			      "uniform (default): every item equally likely; llm: one\n"
			      "stratum per LLM label, each with its own size"),
		CLIOPT_REPEAT("stratum", &strata, "LABEL=N",
			      "with --stratify llm: draw N of the items the LLM gave\n"
			      "LABEL (a number or a name); repeat for each stratum"),
		CLIOPT_TEXT("name", &a->name, "NAME", "a name for the audit"),
		CLIOPT_SWITCH("primed", 0, &a->primed,
			      "show reviewers the LLM's answer on the audit's items\n"
			      "(default: blind, since the answer anchors people)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "grow", &a->grow, "ID", 1, 9e18,
			      "grow audit ID to --size (or the --stratum sizes),\n"
			      "keeping every item it holds"),
		CLIOPT_SWITCH("list", 0, &a->list, "list the audits"),
		CLIOPT_NUMBER(CLIOPT_LONG, "show", &a->show, "ID", 1, 9e18,
			      "show audit ID: its draw and strata"),
		CLIOPT_SWITCH("items", 0, &a->items, "with --show: every drawn item too"),
		CLIOPT_SWITCH("json", 0, &a->json, "print as JSON"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "audit",
		.synopsis =
			"usage: gavel audit [--db FILE] --size N [--seed S] [--name NAME] [--primed]\n"
			"                   [--stratify uniform|llm [--stratum LABEL=N]...]\n"
			"       gavel audit [--db FILE] --grow ID (--size N | --stratum LABEL=N...)\n"
			"       gavel audit [--db FILE] (--list | --show ID [--items]) [--json]",
		.about =
			"Draw a random audit sample of the items: reviewed (blind, in the review\n"
			"queue's audit order), it makes the agreement and the catalogue's label shares\n"
			"honest (gavel agree, gavel estimate; docs/estimates.md). The draw is a seeded\n"
			"hash rank: the same seed draws the same items, and growing an audit keeps\n"
			"what it holds and adds the next items in the draw. The seed, each stratum's\n"
			"population and size, and each item's inclusion probability are stored.\n"
			"Several audits may coexist; the review queue's audit order serves them all.",
		.options = options,
	};
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc;
	a->n_strata = strata.count;
	if (first < argc)
		return cli_usage_error("audit", "unexpected argument '%s'", argv[first]);
	if ((a->list || a->show) && (a->size || a->n_strata || a->grow))
		return cli_usage_error("audit", "--list and --show only read; draw without them");
	if (a->list && a->show)
		return cli_usage_error("audit", "give --list or --show, not both");
	if (a->items && !a->show)
		return cli_usage_error("audit", "--items goes with --show ID");
	if (!a->list && !a->show && !a->size && !a->n_strata)
		return cli_usage_error("audit",
				       "give --size N (or --stratum sizes), --list or --show ID");
	if (a->n_strata && a->design != DB_AUDIT_LLM && !a->grow)
		return cli_usage_error("audit", "--stratum needs --stratify llm");
	if (!a->list && !a->show && !a->size && !a->grow && a->design == DB_AUDIT_UNIFORM)
		return cli_usage_error("audit", "a uniform audit needs --size N");
	return 0;
}

/* The label a --stratum value names: its number, or a level's exact name. */
static int label_of(const DbScale *scale, const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (end != text && !*end)
		return v >= 1 && v <= scale->count ? (int)v : 0;
	for (int i = 0; i < scale->count; i++)
		if (!strcmp(scale->names[i], text))
			return i + 1;
	return 0;
}

/* The --stratum sizes, indexed by label (K + 1 entries, -1 unset). */
static Status stratum_sizes(Db *db, const Args *a, long long **out)
{
	DbScale scale;
	Status st = db_scale_get(db, &scale);
	long long *size;

	*out = NULL;
	if (st != STATUS_OK)
		return st;
	size = xmalloc(((size_t)scale.count + 1) * sizeof *size);
	for (int s = 0; s <= scale.count; s++)
		size[s] = -1;
	for (int i = 0; st == STATUS_OK && i < a->n_strata; i++) {
		const char *eq = strrchr(a->strata[i], '=');
		char *label = eq ? xstrndup(a->strata[i], (size_t)(eq - a->strata[i])) : NULL, *end;
		long long n = eq ? strtoll(eq + 1, &end, 10) : -1;
		int k = label ? label_of(&scale, label) : 0;

		if (!eq || end == eq + 1 || *end || n < 0)
			st = status_fail(STATUS_ERR_USAGE, "--stratum takes LABEL=N, not '%s'",
					 a->strata[i]);
		else if (!k)
			st = status_fail(STATUS_ERR_USAGE,
					 "--stratum %s: no label '%s' on the scale", a->strata[i],
					 label);
		else
			size[k] = n;
		free(label);
	}
	db_scale_free(&scale);
	if (st != STATUS_OK)
		free(size);
	else
		*out = size;
	return st;
}

static Status draw(Db *db, const Args *a)
{
	/* a seed nobody chose: from the clock, small enough to read and type */
	uint64_t seed =
		a->seed >= 0 ? (uint64_t)a->seed : (uint64_t)(clock_unix_s() * 1e6) % 1000000007ULL;
	AuditDrawOptions o = { .grow = a->grow,
			       .name = a->name,
			       .design = (DbAuditDesign)a->design,
			       .seed = seed,
			       .blind = !a->primed,
			       .size = a->size ? a->size : -1 };
	AuditDrawResult r;
	long long *sizes = NULL;
	Status st = a->n_strata ? stratum_sizes(db, a, &sizes) : STATUS_OK;

	o.stratum_size = sizes;
	if (st == STATUS_OK)
		st = audit_draw(db, &o, &r);
	free(sizes);
	if (st != STATUS_OK)
		return st;
	if (a->json)
		out_printf(stdout,
			   "{\"audit\": %lld, \"added\": %lld, \"size\": %lld, "
			   "\"population\": %lld}\n",
			   r.id, r.added, r.size, r.population);
	else
		out_printf(stdout, "%lld\n", r.id);
	if (a->grow)
		cli_note("audit %lld: added %lld item%s, %lld in all of %lld", r.id, r.added,
			 r.added == 1 ? "" : "s", r.size, r.population);
	else
		cli_note("audit %lld: drew %lld of %lld items with seed %llu; review them with "
			 "gavel review --order audit",
			 r.id, r.size, r.population, (unsigned long long)seed);
	if (r.moved)
		cli_warn("%lld of the audit's items have another LLM label than when they were "
			 "drawn; they stay in the stratum they were drawn from",
			 r.moved);
	return STATUS_OK;
}

/* ---- --list and --show ---- */

/* A line on stdout, cleaned of control characters (names and ids come
 * from the database). */
static void out_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void out_line(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	out_puts(stdout, buf);
	out_puts(stdout, "\n");
}

/* What --show adds to the audit: each stratum's reviewed items, and the
 * items themselves when asked for. */
typedef struct {
	const DbScale *scale;
	long long *reviewed; /* [K + 1] */
	cJSON *items;        /* NULL unless listed as JSON */
	int text;            /* list the items as text */
} Shown;

static const char *stratum_label(const DbScale *scale, const DbAudit *a, int s)
{
	if (a->design == DB_AUDIT_UNIFORM || s < 1 || s > scale->count)
		return "all items";
	return scale->names[s - 1];
}

static cJSON *item_json(const DbAuditItem *it)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "item", it->external_id ? it->external_id : "");
	cJSON_AddNumberToObject(o, "stratum", it->stratum);
	cJSON_AddNumberToObject(o, "rank", (double)it->rank);
	cJSON_AddNumberToObject(o, "draw_key", (double)it->draw_key);
	cJSON_AddNumberToObject(o, "probability", it->probability);
	if (it->human > 0)
		cJSON_AddNumberToObject(o, "human", it->human);
	else
		cJSON_AddNullToObject(o, "human");
	cJSON_AddBoolToObject(o, "reviewers_disagree", it->human < 0);
	return o;
}

static int on_item(void *arg, const DbAuditItem *it)
{
	Shown *sh = arg;
	char human[16];

	if (it->stratum >= 0 && it->stratum <= sh->scale->count && it->human != 0)
		sh->reviewed[it->stratum]++;
	if (sh->items) {
		cJSON_AddItemToArray(sh->items, item_json(it));
	} else if (sh->text) {
		snprintf(human, sizeof human,
			 it->human > 0   ? "%d"
			 : it->human < 0 ? "conflict"
					 : "-",
			 it->human);
		out_line("  %-30.200s %7d %7lld  %11.6f  %s",
			 it->external_id ? it->external_id : "", it->stratum, it->rank,
			 it->probability, human);
	}
	return 0;
}

static cJSON *audit_json(const DbAudit *a, const DbScale *scale, const long long *reviewed)
{
	cJSON *o = cJSON_CreateObject(), *strata;

	cJSON_AddNumberToObject(o, "id", (double)a->id);
	if (a->name)
		cJSON_AddStringToObject(o, "name", a->name);
	else
		cJSON_AddNullToObject(o, "name");
	cJSON_AddStringToObject(o, "design", db_audit_design_words[a->design]);
	cJSON_AddNumberToObject(o, "seed", (double)a->seed);
	cJSON_AddBoolToObject(o, "blind", a->blind);
	cJSON_AddStringToObject(o, "created_at", a->created_at ? a->created_at : "");
	cJSON_AddStringToObject(o, "drawn_at", a->drawn_at ? a->drawn_at : "");
	cJSON_AddNumberToObject(o, "draws", a->draws);
	cJSON_AddNumberToObject(o, "size", (double)a->size);
	cJSON_AddNumberToObject(o, "population", (double)a->population);
	cJSON_AddNumberToObject(o, "reviewed", (double)a->reviewed);
	strata = cJSON_AddArrayToObject(o, "strata");
	for (int i = 0; i < a->n_strata; i++) {
		const DbAuditStratum *s = &a->strata[i];
		cJSON *row = cJSON_CreateObject();

		cJSON_AddNumberToObject(row, "stratum", s->stratum);
		cJSON_AddStringToObject(row, "label", stratum_label(scale, a, s->stratum));
		cJSON_AddNumberToObject(row, "population", (double)s->population);
		cJSON_AddNumberToObject(row, "size", (double)s->size);
		cJSON_AddNumberToObject(row, "probability",
					s->population ? (double)s->size / (double)s->population
						      : 0);
		if (reviewed)
			cJSON_AddNumberToObject(row, "reviewed", (double)reviewed[s->stratum]);
		cJSON_AddItemToArray(strata, row);
	}
	return o;
}

static void print_json(cJSON *o)
{
	out_json(stdout, o, 1);
	cJSON_Delete(o);
}

static void list_text(const DbAudit *list, int n)
{
	if (!n) {
		cli_note("no audit yet: draw one with gavel audit --size N");
		return;
	}
	out_printf(stdout, "%4s  %-16s %-8s %12s %8s %10s %9s  %-6s %s\n", "id", "name", "design",
		   "seed", "size", "population", "reviewed", "shown", "last drawn");
	for (int i = 0; i < n; i++) {
		const DbAudit *a = &list[i];

		out_line("%4lld  %-16.16s %-8s %12llu %8lld %10lld %9lld  %-6s %.19s", a->id,
			 a->name ? a->name : "-", db_audit_design_words[a->design],
			 (unsigned long long)a->seed, a->size, a->population, a->reviewed,
			 a->blind ? "blind" : "primed", a->drawn_at ? a->drawn_at : "");
	}
}

static Status list(Db *db, const Args *a)
{
	DbScale scale;
	DbAudit *audits;
	int n;
	Status st = db_scale_get(db, &scale);

	if (st != STATUS_OK)
		return st;
	st = db_audit_list(db, &audits, &n);
	if (st == STATUS_OK && a->json) {
		cJSON *arr = cJSON_CreateArray();

		for (int i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, audit_json(&audits[i], &scale, NULL));
		print_json(arr);
	} else if (st == STATUS_OK) {
		list_text(audits, n);
	}
	for (int i = 0; st == STATUS_OK && i < n; i++)
		db_audit_free(&audits[i]);
	if (st == STATUS_OK)
		free(audits);
	db_scale_free(&scale);
	return st;
}

static void show_text(const DbAudit *a, const DbScale *scale, const long long *reviewed)
{
	out_line("audit %lld%s%s%s: %s, seed %llu, reviewed %s", a->id, a->name ? " (" : "",
		 a->name ? a->name : "", a->name ? ")" : "",
		 a->design == DB_AUDIT_UNIFORM ? "uniform" : "stratified by LLM label",
		 (unsigned long long)a->seed, a->blind ? "blind" : "with the LLM's answer shown");
	out_line("drawn %.19s, %d draw%s, the last %.19s", a->created_at ? a->created_at : "",
		 a->draws, a->draws == 1 ? "" : "s", a->drawn_at ? a->drawn_at : "");
	out_printf(stdout, "\n  %-20s %10s %8s %11s %9s\n", "stratum", "population", "size",
		   "probability", "reviewed");
	for (int i = 0; i < a->n_strata; i++) {
		const DbAuditStratum *s = &a->strata[i];

		out_line("  %-20.20s %10lld %8lld %11.6f %9lld",
			 stratum_label(scale, a, s->stratum), s->population, s->size,
			 s->population ? (double)s->size / (double)s->population : 0,
			 reviewed[s->stratum]);
	}
	out_line("  %-20s %10lld %8lld %11s %9lld", "in all", a->population, a->size, "",
		 a->reviewed);
}

static Status show(Db *db, const Args *a)
{
	DbScale scale;
	DbAudit audit;
	Shown sh = { 0 };
	Status st = db_scale_get(db, &scale);

	if (st != STATUS_OK)
		return st;
	st = db_audit_get(db, a->show, &audit);
	sh.scale = &scale;
	sh.reviewed = xcalloc((size_t)scale.count + 1, sizeof *sh.reviewed);
	sh.items = a->json && a->items ? cJSON_CreateArray() : NULL;
	if (st == STATUS_OK)
		st = db_audit_items(db, a->show, on_item, &sh);
	if (st == STATUS_OK && a->json) {
		cJSON *o = audit_json(&audit, &scale, sh.reviewed);

		if (sh.items)
			cJSON_AddItemToObject(o, "items", sh.items), sh.items = NULL;
		print_json(o);
	} else if (st == STATUS_OK) {
		show_text(&audit, &scale, sh.reviewed);
		if (a->items) {
			out_printf(stdout, "\n  %-30s %7s %7s  %11s  %s\n", "item", "stratum",
				   "rank", "probability", "human label");
			sh.text = 1;
			st = db_audit_items(db, a->show, on_item, &sh);
		}
	}
	cJSON_Delete(sh.items);
	free(sh.reviewed);
	db_audit_free(&audit);
	db_scale_free(&scale);
	return st;
}

int cmd_audit(int argc, char **argv)
{
	Args a = { .seed = -1 };
	Db *db;
	Status st;
	int rc = parse_args(argc, argv, &a);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	st = db_open(cli_db_path(a.db), DB_OPEN_EXISTING, &db);
	if (st != STATUS_OK)
		return cli_fail(st);
	st = a.list ? list(db, &a) : a.show ? show(db, &a) : draw(db, &a);
	db_close(db);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}
