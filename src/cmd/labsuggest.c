/* labsuggest.c - gavel prompts suggest: plan, confirm, run, report. */
#include "src/cmd/labsuggest.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "db/database.h"
#include "src/base/out.h"
#include "src/base/xalloc.h"
#include "src/cmd/cli.h"
#include "src/cmd/config.h"
#include "src/cmd/labreport.h"
#include "src/cmd/progress.h"
#include "src/export/split.h"
#include "src/lab/labcompare.h"
#include "src/lab/labdata.h"
#include "src/lab/suggest.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static Status options_of(const LabSuggestOptions *o, SuggestOptions *s)
{
	SplitSpec spec;
	Status st = split_parse(o->split, &spec);
	if (st == STATUS_OK && spec.n != 3)
		st = status_fail(STATUS_ERR_USAGE,
				 "--split %s: give three parts, search/select/test", o->split);
	if (st == STATUS_OK && (!spec.percent[1] || !spec.percent[2]))
		st = status_fail(STATUS_ERR_USAGE, "--split %s: select and test need a share",
				 o->split);
	if (st != STATUS_OK)
		return st;
	*s = SUGGEST_DEFAULTS;
	for (int i = 0; i < 3; i++)
		s->percent[i] = spec.percent[i];
	s->split_seed = (uint64_t)o->split_seed;
	s->sample_seed = (uint64_t)o->sample_seed;
	s->candidates = o->candidates;
	s->examples = o->examples;
	s->concurrency = o->concurrency;
	s->proposer_model = o->proposer_model;
	s->api_key = o->api_key;
	s->max_calls = o->max_calls;
	return STATUS_OK;
}

static void print_plan(const Suggest *s, const LabSuggestOptions *o)
{
	const SuggestPlan *p = suggest_plan(s);
	out_printf(stderr, "gavel: suggest edits of %s\n", suggest_original(s));
	out_printf(stderr,
		   "  settled items: %lld search, %lld select, %lld test (split %s, %lld "
		   "split now, the rest kept)\n",
		   p->parts[0], p->parts[1], p->parts[2], o->split, p->newly_split);
	out_printf(stderr, "  %lld disagreements in the search part; %d shown to the proposer\n",
		   p->disagreements, p->examples);
	out_printf(stderr,
		   "  calls: at most %lld (1 proposer, %d edits x %lld select items, the best "
		   "on %lld test items, the original on %lld test items it never labelled)\n",
		   p->calls, o->candidates, p->parts[1], p->parts[2], p->original_missing);
	out_printf(stderr, "  the cache answers %lld of them; %lld to make", p->cached,
		   p->calls - p->cached);
	if (p->cost >= 0)
		out_printf(stderr, "; about $%.4f (%.0f tokens a call so far)\n", p->cost,
			   p->tokens_per_call);
	else if (p->tokens_per_call > 0)
		out_printf(stderr,
			   "; about %.0f tokens (no price: --price-in in gavel label, or the "
			   "settings file)\n",
			   p->tokens_per_call * (double)(p->calls - p->cached));
	else
		out_puts(stderr, "; cost unknown (no calls of this labeller yet)\n");
}

/* Yes from the user, or --yes; no terminal and no --yes is a no. */
static int confirmed(const LabSuggestOptions *o)
{
	char answer[16] = "";
	if (o->yes)
		return 1;
	if (!isatty(STDIN_FILENO)) {
		out_puts(stderr,
			 "gavel: not on a terminal: give --yes to go ahead with this plan\n");
		return 0;
	}
	out_puts(stderr, "go ahead? [y/N] ");
	if (!fgets(answer, sizeof answer, stdin))
		return 0;
	return answer[0] == 'y' || answer[0] == 'Y';
}

static Status work(Suggest *s)
{
	Progress progress;
	char line[160];
	Status st;
	progress_start(&progress, "suggest", 0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	st = suggest_start(s, &stop_requested);
	while (st == STATUS_OK && suggest_step(s, 100)) {
		suggest_status(s, line, sizeof line);
		progress_show(&progress, 0, 0, line, 0);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	progress_clear(&progress);
	return st == STATUS_OK ? suggest_result(s) : st;
}

static void print_candidates(const Suggest *s, LabData *d)
{
	int n, best = suggest_best(s);
	const SuggestCandidate *c = suggest_candidates(s, &n);
	(void)d;
	out_printf(stdout,
		   "edits, measured on the select part (quadratic kappa, exact agreement):\n");
	for (int i = 0; i < n; i++) {
		char kq[16] = "-", ex[16] = "-";
		if (c[i].kappa.defined)
			snprintf(kq, sizeof kq, "%.3f", c[i].kappa.value);
		if (c[i].agreement.defined)
			snprintf(ex, sizeof ex, "%.1f%%", 100 * c[i].agreement.value);
		out_printf(stdout,
			   "  %s version %lld  run %lld  n %ld  kappa_q %s  exact %s\n      %s\n",
			   i == best ? "*" : " ", c[i].version_id, c[i].run_id, c[i].covered, kq,
			   ex, c[i].hypothesis);
	}
	if (*suggest_dropped(s))
		out_printf(stdout, "dropped: %s\n", suggest_dropped(s));
}

/* The best edit's test run against the original, as gavel prompts compare. */
static Status compare_on_test(const char *db_path, const Suggest *s, LabComparison **c,
			      LabData **data, Db **db)
{
	char ref[64];
	int ia, ib;
	Status st = db_open(db_path, DB_OPEN_EXISTING, db);
	if (st == STATUS_OK)
		st = labdata_open(*db, data);
	snprintf(ref, sizeof ref, "run:%lld", suggest_test_run(s));
	if (st == STATUS_OK)
		st = labdata_find(*db, *data, suggest_original(s), &ia);
	if (st == STATUS_OK)
		st = labdata_find(*db, *data, ref, &ib);
	if (st == STATUS_OK)
		st = labcompare_run(*db, *data, ia, ib, NULL, c);
	return st;
}

static cJSON *candidates_json(const Suggest *s)
{
	int n;
	const SuggestCandidate *c = suggest_candidates(s, &n);
	cJSON *array = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "version", (double)c[i].version_id);
		cJSON_AddStringToObject(o, "hypothesis", c[i].hypothesis);
		cJSON_AddNumberToObject(o, "run", (double)c[i].run_id);
		cJSON_AddNumberToObject(o, "covered", (double)c[i].covered);
		if (c[i].kappa.defined)
			cJSON_AddNumberToObject(o, "kappa_quadratic", c[i].kappa.value);
		else
			cJSON_AddNullToObject(o, "kappa_quadratic");
		cJSON_AddBoolToObject(o, "best", i == suggest_best(s));
		cJSON_AddItemToArray(array, o);
	}
	return array;
}

static cJSON *plan_json(const SuggestPlan *p)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "search", (double)p->parts[0]);
	cJSON_AddNumberToObject(o, "select", (double)p->parts[1]);
	cJSON_AddNumberToObject(o, "test", (double)p->parts[2]);
	cJSON_AddNumberToObject(o, "disagreements", (double)p->disagreements);
	cJSON_AddNumberToObject(o, "examples", p->examples);
	cJSON_AddNumberToObject(o, "calls", (double)p->calls);
	cJSON_AddNumberToObject(o, "cached", (double)p->cached);
	if (p->cost >= 0)
		cJSON_AddNumberToObject(o, "cost_usd", p->cost);
	return o;
}

static void report(const char *db_path, const Suggest *s, int json)
{
	LabComparison *c = NULL;
	LabData *data = NULL;
	Db *db = NULL;
	Status st = suggest_test_run(s) ? compare_on_test(db_path, s, &c, &data, &db) : STATUS_OK;
	if (json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "plan", plan_json(suggest_plan(s)));
		cJSON_AddItemToObject(o, "candidates", candidates_json(s));
		cJSON_AddStringToObject(o, "dropped", suggest_dropped(s));
		if (c)
			cJSON_AddItemToObject(o, "test", labreport_compare_json(c, 1));
		out_json(stdout, o, 0);
		cJSON_Delete(o);
	} else {
		print_candidates(s, data);
		if (c) {
			out_printf(stdout,
				   "\nthe best edit on the test part, against the original:\n");
			labreport_compare_text(stdout, c);
		}
	}
	if (st != STATUS_OK)
		cli_fail(st);
	else if (suggest_best(s) >= 0)
		cli_note("nothing is adopted: run version %lld yourself if the test convinces you "
			 "(gavel prompts show %lld > edit.md)",
			 suggest_candidates(s, &(int){ 0 })[suggest_best(s)].version_id,
			 suggest_candidates(s, &(int){ 0 })[suggest_best(s)].version_id);
	labcompare_free(c);
	labdata_free(data);
	db_close(db);
}

int labsuggest_run(const char *db_path, const char *ref, const LabSuggestOptions *o, int json)
{
	SuggestOptions so;
	Suggest *s = NULL;
	LabData *data = NULL;
	Db *db = NULL;
	int index, rc = CLI_EXIT_OK;
	Status st = options_of(o, &so);
	if (st == STATUS_OK)
		st = db_open(db_path, DB_OPEN_EXISTING, &db);
	if (st == STATUS_OK)
		st = labdata_open(db, &data);
	if (st == STATUS_OK)
		st = labdata_find(db, data, ref, &index);
	if (st == STATUS_OK) {
		labdata_price_fallback(data, config_price, NULL);
		st = suggest_open(db, data, index, &so, &s);
	}
	if (st == STATUS_OK) {
		print_plan(s, o);
		if (!confirmed(o))
			rc = CLI_EXIT_FAILURE;
		else
			st = work(s);
	}
	if (st == STATUS_OK && rc == CLI_EXIT_OK)
		report(db_path, s, json);
	if (st == STATUS_ERR_INTERRUPTED)
		rc = CLI_EXIT_INTERRUPTED, cli_fail(st);
	else if (st != STATUS_OK)
		rc = cli_fail(st);
	suggest_free(s);
	labdata_free(data);
	db_close(db);
	return rc;
}
