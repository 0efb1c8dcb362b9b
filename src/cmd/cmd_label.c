/* cmd_label.c - gavel label: run a prompt over items through a provider. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "db/database.h"
#include "db/items.h"
#include "db/prompts.h"
#include "db/lab.h"
#include "db/runs.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/progress.h"
#include "src/cmd/config.h"
#include "src/cmd/runlist.h"
#include "src/cmd/runparams.h"
#include "src/base/proc.h"
#include "src/llm/http.h"
#include "src/lab/labrerun.h"
#include "src/llm/batchrun.h"
#include "src/llm/labelrun.h"
#include "src/base/xalloc.h"
#include "src/base/out.h"

/* --items, in DbItemSelection order */
static const char *const item_words[] = { "unlabelled", "all", "reviewed", "settled", NULL };

typedef struct {
	const char *db, *provider, *model, *prompt, *base_url, *api_key;
	int items; /* an index into item_words */
	long long limit, sample, resume, seed;
	RunParams p; /* stored with the run (src/cmd/runparams.h) */
	int json, quiet, list;
	int settled, repeat, fresh; /* the prompt lab (docs/prompt-lab.md) */
	double price_in, price_out;
	const char *batch_out; /* write batch request files instead of calling */
	int batch_in;          /* the arguments are batch result files */
	char **files;
	int n_files;
} Args;

/* Settings found along the way, owned; freed together. */
typedef struct {
	char **strings;
	size_t count, capacity;
} Owned;

static const char *keep(Owned *owned, char *s)
{
	if (!s)
		return NULL;
	owned->strings = xgrow(owned->strings, &owned->capacity, owned->count + 1,
			       sizeof *owned->strings);
	owned->strings[owned->count++] = s;
	return s;
}

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	if (stop_requested) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	stop_requested = 1;
}

/* ---- progress and summary ---- */

static void on_progress(void *arg, const LabelSummary *s)
{
	char extra[128];
	long long done = s->ok + s->parse_failed + s->failed;
	snprintf(extra, sizeof extra, "ok %lld  unparsed %lld  failed %lld", s->ok, s->parse_failed,
		 s->failed);
	progress_show(arg, done, s->planned - s->done_before, extra, 0);
}

static void on_notice(void *arg, const char *message)
{
	progress_clear(arg);
	cli_warn("%s", message);
}

static double cost_of(const Args *a, const LabelSummary *s)
{
	if (a->price_in < 0 && a->price_out < 0)
		return -1;
	return ((double)s->prompt_tokens * (a->price_in > 0 ? a->price_in : 0) +
		(double)s->completion_tokens * (a->price_out > 0 ? a->price_out : 0)) / 1e6;
}

/* What the saved tokens would have cost. */
static double saved_of(const Args *a, const LabelSummary *s)
{
	LabelSummary saved = { .prompt_tokens = s->saved_prompt_tokens,
			       .completion_tokens = s->saved_completion_tokens };
	return cost_of(a, &saved);
}

static void print_cache_text(const Args *a, const LabelSummary *s)
{
	double saved = saved_of(a, s);
	if (!s->cache_hits && !s->cache_misses)
		return;
	out_printf(stderr, "  cache: %lld hits, %lld misses (calls made)", s->cache_hits,
		   s->cache_misses);
	if (s->cache_hits)
		out_printf(stderr, "; the hits saved %lld tokens in, %lld out",
			   s->saved_prompt_tokens, s->saved_completion_tokens);
	if (s->cache_hits && saved >= 0)
		out_printf(stderr, " ($%.4f)", saved);
	out_puts(stderr, "\n");
}

static void print_summary_text(const Args *a, long long run_id, const LabelSummary *s)
{
	long long done = s->ok + s->parse_failed + s->failed;
	double cost = cost_of(a, s);
	out_printf(stderr, "run %lld: %lld labelled in %.1f s (%.1f/s): %lld ok, %lld unparsed, %lld "
			"failed",
		run_id, done, s->elapsed_s, s->elapsed_s > 0 ? (double)done / s->elapsed_s : 0, s->ok,
		s->parse_failed, s->failed);
	for (int i = 0; i < s->reason_count; i++)
		out_printf(stderr, "%s%s %lld", i ? ", " : " (", s->reasons[i], s->reason_counts[i]);
	out_puts(stderr, s->reason_count ? ")\n" : "\n");
	if (s->done_before)
		out_printf(stderr, "  %lld were done before this session\n", s->done_before);
	out_printf(stderr, "  tokens: %lld in, %lld out", s->prompt_tokens, s->completion_tokens);
	if (cost >= 0)
		out_printf(stderr, "; cost $%.4f", cost);
	out_puts(stderr, "\n");
	print_cache_text(a, s);
}

static void print_summary_json(const Args *a, long long run_id, const LabelSummary *s)
{
	cJSON *json = cJSON_CreateObject(), *reasons = cJSON_CreateObject();
	double cost = cost_of(a, s);
	cJSON_AddNumberToObject(json, "run", (double)run_id);
	cJSON_AddNumberToObject(json, "planned", (double)s->planned);
	cJSON_AddNumberToObject(json, "done_before", (double)s->done_before);
	cJSON_AddNumberToObject(json, "ok", (double)s->ok);
	cJSON_AddNumberToObject(json, "parse_failed", (double)s->parse_failed);
	cJSON_AddNumberToObject(json, "failed", (double)s->failed);
	for (int i = 0; i < s->reason_count; i++)
		cJSON_AddNumberToObject(reasons, s->reasons[i], (double)s->reason_counts[i]);
	cJSON_AddItemToObject(json, "failed_by_reason", reasons);
	cJSON_AddNumberToObject(json, "prompt_tokens", (double)s->prompt_tokens);
	cJSON_AddNumberToObject(json, "completion_tokens", (double)s->completion_tokens);
	if (cost >= 0)
		cJSON_AddNumberToObject(json, "cost_usd", cost);
	cJSON_AddNumberToObject(json, "cache_hits", (double)s->cache_hits);
	cJSON_AddNumberToObject(json, "cache_misses", (double)s->cache_misses);
	cJSON_AddNumberToObject(json, "saved_prompt_tokens", (double)s->saved_prompt_tokens);
	cJSON_AddNumberToObject(json, "saved_completion_tokens",
				(double)s->saved_completion_tokens);
	if (saved_of(a, s) >= 0)
		cJSON_AddNumberToObject(json, "saved_usd", saved_of(a, s));
	cJSON_AddNumberToObject(json, "elapsed_s", s->elapsed_s);
	cJSON_AddBoolToObject(json, "stopped", s->stopped);
	out_json(stdout, json, 0);
	cJSON_Delete(json);
}

/* ---- settings ---- */

/* flag, else the environment variable, else [section] key in the config
 * file; *from (when not NULL) names where the value came from, for messages. */
static const char *setting(Owned *owned, const char *flag, const char *env, const char *section,
			   const char *key, const char **from)
{
	const char *value = env ? getenv(env) : NULL;
	const char *found = flag && *flag ? flag : NULL;
	const char *where = "the option";
	if (!found && value && *value)
		found = value, where = keep(owned, xasprintf("$%s", env));
	if (!found) {
		found = keep(owned, config_get(section, key));
		where = keep(owned, xasprintf("the settings file ([%s] %s)", section, key));
	}
	if (from)
		*from = where;
	return found;
}

/* The base URL is checked before any item is sent: a typo is a usage error
 * naming where the URL came from, not 150 failed requests. */
static Status check_base_url(const Args *a, const char *url, const char *from)
{
	char why[512];
	if (http_url_check(url) == STATUS_OK)
		return STATUS_OK;
	snprintf(why, sizeof why, "%s", status_detail());
	if (a->base_url && url == a->base_url)
		from = a->resume ? "the run's stored base_url" : "--base-url";
	return status_fail(STATUS_ERR_USAGE, "%s: %s", from, why);
}

static double price_setting(double flag, const char *section, const char *key)
{
	char *value;
	double price = -1;
	if (flag >= 0)
		return flag;
	value = config_get(section, key);
	if (value)
		price = atof(value);
	free(value);
	return price;
}

/* Fills the provider's configuration; STATUS_ERR_USAGE says what is missing. */
static Status resolve_provider(Args *a, Owned *owned, LabelOptions *opt)
{
	const ProviderOps *ops = provider_find(a->provider);
	const char *from = NULL;
	Status st;
	if (!ops)
		return status_fail(STATUS_ERR_USAGE, "--provider: '%s' is not %s", a->provider,
				   provider_names());
	opt->ops = ops;
	if (ops->kind == PROVIDER_LOCAL && !ops->answer)
		return status_fail(STATUS_ERR_USAGE, "--provider %s: %s", ops->name, ops->summary);
	if (ops->kind == PROVIDER_LOCAL) {
		a->model = ops->model;
		return STATUS_OK;
	}
	st = config_check(); /* a misspelt base_url must not go unseen */
	if (st != STATUS_OK)
		return st;
	opt->config.base_url = setting(owned, a->base_url, ops->url_variable, ops->name, "base_url",
				       &from);
	if (!opt->config.base_url)
		opt->config.base_url = ops->default_base_url;
	st = check_base_url(a, opt->config.base_url, from);
	if (st != STATUS_OK)
		return st;
	a->model = setting(owned, a->model, "GAVEL_MODEL", ops->name, "model", NULL);
	if (!a->model)
		return status_fail(STATUS_ERR_USAGE, "give the model with --model (or $GAVEL_MODEL)");
	opt->config.model = a->model;
	opt->config.api_key = setting(owned, a->api_key, ops->key_variable, ops->name, "api_key",
				      NULL);
	opt->config.temperature = a->p.temperature;
	opt->config.max_tokens = a->p.max_tokens;
	opt->config.json_mode = a->p.json_mode;
	a->price_in = price_setting(a->price_in, ops->name, "price_in");
	a->price_out = price_setting(a->price_out, ops->name, "price_out");
	return STATUS_OK;
}

/* The run's parameters as stored: everything but the key. */
static char *params_json(const Args *a, const LabelOptions *opt)
{
	cJSON *json = cJSON_CreateObject();
	char *text;
	if (opt->ops->kind == PROVIDER_HTTP)
		cJSON_AddStringToObject(json, "base_url", opt->config.base_url);
	runparams_store(&a->p, json);
	cJSON_AddStringToObject(json, "items", item_words[a->items]);
	if (a->limit > 0)
		cJSON_AddNumberToObject(json, "limit", (double)a->limit);
	if (a->sample > 0) {
		cJSON_AddNumberToObject(json, "sample", (double)a->sample);
		cJSON_AddNumberToObject(json, "seed", (double)a->seed);
	}
	if (a->repeat > 1)
		cJSON_AddNumberToObject(json, "repeat", a->repeat);
	/* kept so the lab can put a cost on the run later */
	if (a->price_in >= 0)
		cJSON_AddNumberToObject(json, "price_in", a->price_in);
	if (a->price_out >= 0)
		cJSON_AddNumberToObject(json, "price_out", a->price_out);
	text = cJSON_PrintUnformatted(json);
	cJSON_Delete(json);
	return text;
}

/* Takes back, for --resume, what the run was started with (flags given
 * now override how it is driven: runparams_resume). */
static void read_params(Args *a, Owned *owned, const char *params)
{
	cJSON *json = cJSON_Parse(params ? params : "{}");
	const cJSON *v;
	runparams_resume(&a->p, json, a->resume);
	if ((v = cJSON_GetObjectItemCaseSensitive(json, "base_url")) && cJSON_IsString(v) &&
	    !a->base_url)
		a->base_url = keep(owned, xstrdup(v->valuestring));
	cJSON_Delete(json);
}

/* --settled --sample N: N settled items stratified by their label. */
static Status plan_settled_sample(Db *db, const Args *a, long long run_id, long long *planned)
{
	long long *ids;
	int *labels;
	size_t n;
	Status st = labrerun_settled(db, (size_t)a->sample, (uint64_t)a->seed, &ids, &labels, &n);
	if (st == STATUS_OK)
		st = db_lab_plan(db, run_id, ids, n);
	*planned = st == STATUS_OK ? (long long)n : 0;
	free(ids), free(labels);
	return st;
}

/* Saves the prompt version, creates the run and fixes its plan, in one go. */
static Status start_run(Db *db, Args *a, const Prompt *prompt, const LabelOptions *opt,
			long long *run_id, long long *planned)
{
	DbRunPlanSpec spec = {.selection = (DbItemSelection)a->items, .limit = a->limit,
			      .sample = a->sample, .seed = (unsigned long long)a->seed};
	/* owned from the start, so that --list never sees it as died */
	char *owner = proc_self_id();
	DbRunNew run = {
		.provider = a->provider, .model = a->model, .owner = owner, .repeats = a->repeat
	};
	char *params = params_json(a, opt);
	Status st = db_begin(db);
	if (st != STATUS_OK)
		goto out;
	if (prompt)
		st = db_prompt_version_save(db, prompt_peek_hash(prompt), prompt_peek_name(prompt),
					    prompt_peek_text(prompt), &run.prompt_version_id, NULL);
	run.params_json = params;
	if (st == STATUS_OK)
		st = db_run_create(db, &run, run_id);
	if (st == STATUS_OK && spec.selection == DB_SELECT_SETTLED && spec.sample > 0)
		st = plan_settled_sample(db, a, *run_id, planned);
	else if (st == STATUS_OK)
		st = db_run_plan(db, *run_id, a->model, &spec, planned);
	if (st == STATUS_OK && *planned == 0) {
		db_rollback(db); /* nothing to do: leave no empty run behind */
		*run_id = 0;
	} else if (st == STATUS_OK) {
		st = db_commit(db);
	} else {
		db_rollback(db);
	}
out:
	free(params);
	free(owner);
	return st;
}

/* Loads run a->resume: its provider, model, parameters and stored prompt. */
static Status load_run(Db *db, Args *a, Owned *owned, Prompt **prompt)
{
	DbRun run;
	Status st = db_run_get(db, a->resume, &run);
	if (st != STATUS_OK)
		return st;
	a->provider = keep(owned, xstrdup(run.provider));
	a->model = run.model ? keep(owned, xstrdup(run.model)) : NULL;
	read_params(a, owned, run.params_json);
	if (run.prompt_text)
		st = prompt_parse(run.prompt_name ? run.prompt_name : "prompt", run.prompt_text, prompt);
	db_run_free(&run);
	return st;
}

/* ---- the command ---- */

/* The labellers, their environment variables included, from the registry. */
static const char *labeller_list(void)
{
	static char text[2048];
	const ProviderOps *ops;
	size_t n = (size_t)snprintf(text, sizeof text, "labellers (--provider):\n");
	for (int i = 0; (ops = provider_at(i)) && n < sizeof text; i++) {
		n += (size_t)snprintf(text + n, sizeof text - n, "  %-11s %s\n", ops->name,
				      ops->summary);
		if (ops->kind == PROVIDER_HTTP && n < sizeof text)
			n += (size_t)snprintf(text + n, sizeof text - n,
					      "              $%s, $%s\n              default %s\n",
					      ops->key_variable, ops->url_variable,
					      ops->default_base_url);
	}
	if (n < sizeof text)
		snprintf(text + n, sizeof text - n,
			 "\nSettings file: $XDG_CONFIG_HOME/gavel/config, one [section] per labeller\n"
			 "with base_url, model, api_key, price_in, price_out.\n");
	return text;
}

/* --batch-in and --batch-out (src/llm/batchrun.h): the files, and what
 * goes together. */
static int check_batch(Args *a, int n, char **files)
{
	const ProviderOps *ops = a->provider ? provider_find(a->provider) : NULL;
	a->files = files;
	a->n_files = n;
	if (a->batch_in && (!n || a->batch_out))
		return cli_usage_error(
			"label",
			a->batch_out
				? "--batch-in and --batch-out go apart"
				: "--batch-in needs the result files: gavel label --batch-in FILE...");
	if (a->batch_out && ops && ops->kind != PROVIDER_HTTP)
		return cli_usage_error("label",
				       "--batch-out: the labeller '%s' answers at once; "
				       "batch files are for openai or anthropic",
				       a->provider);
	return 0;
}

static int parse_args(int argc, char **argv, Args *a)
{
	int provider = -1;
	const CliOpt options[] = {
		CLIOPT_TEXT("db", &a->db, "FILE", "the database (else $GAVEL_DB, else ./gavel.db)"),
		CLIOPT_ONE_OF("provider", &provider, "P", provider_words(),
			      "the labeller (listed below)"),
		CLIOPT_TEXT("model", &a->model, "M",
			    "the model name (else $GAVEL_MODEL, else the config file)"),
		CLIOPT_TEXT("prompt", &a->prompt, "FILE",
			    "the template (see prompts/README.md); LLM labellers only"),
		CLIOPT_TEXT("base-url", &a->base_url, "URL",
			    "else the labeller's URL variable (below), else the config\n"
			    "file, else its public endpoint"),
		CLIOPT_TEXT("api-key", &a->api_key, "KEY",
			    "else the labeller's key variable (below), else the config\n"
			    "file; never stored or printed"),
		CLIOPT_ONE_OF("items", &a->items, "WHICH", item_words,
			      "unlabelled (default: no good answer yet from this prompt and\n"
			      "model), all, reviewed (items with a human review), or\n"
			      "settled (their human labels agree)"),
		CLIOPT_SWITCH("settled", 0, &a->settled,
			      "--items settled; with --sample, stratified by the label"),
		CLIOPT_NUMBER(CLIOPT_INT, "repeat", &a->repeat, "N", 1, 1000,
			      "ask each item N times, every answer kept (default 1)"),
		CLIOPT_SWITCH("fresh", 0, &a->fresh, "ask again what the call cache already holds"),
		CLIOPT_NUMBER(CLIOPT_LONG, "limit", &a->limit, "N", 1, 1e18,
			      "the first N of them, by import order"),
		CLIOPT_NUMBER(CLIOPT_LONG, "sample", &a->sample, "N", 1, 1e18,
			      "N of them drawn at random (see --seed)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "seed", &a->seed, "S", 0, 9e18,
			      "the seed of --sample (default 1)"),
		CLIOPT_NUMBER(CLIOPT_INT, "concurrency", &a->p.concurrency, "N", 1, 512,
			      "requests in flight (default 8)"),
		CLIOPT_NUMBER(CLIOPT_INT, "max-attempts", &a->p.max_attempts, "N", 1, 100,
			      "tries per item on 429, 5xx, timeouts and broken connections\n"
			      "(default 5; exponential backoff with jitter, Retry-After\n"
			      "honoured)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "backoff", &a->p.backoff_s, "SEC", 0, 3600,
			      "the first retry's delay, doubled each time (default 1)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "timeout", &a->p.timeout_s, "SEC", 0.001, 86400,
			      "per request (default 120)"),
		CLIOPT_NUMBER(CLIOPT_INT, "max-image-px", &a->p.max_image_px, "N", 16, 65535,
			      "long side of the image sent (default 1024)"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "temperature", &a->p.temperature, "T", 0, 100,
			      "passed to the model when given"),
		CLIOPT_NUMBER(CLIOPT_INT, "max-tokens", &a->p.max_tokens, "N", 1, 10000000,
			      "passed to the model when given"),
		CLIOPT_SWITCH_OFF("no-json-mode", &a->p.json_mode,
				  "don't ask an OpenAI-style endpoint for a JSON object"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "price-in", &a->price_in, "USD", 0, 1e9,
			      "price per million input tokens, for the summary's cost"),
		CLIOPT_NUMBER(CLIOPT_DOUBLE, "price-out", &a->price_out, "USD", 0, 1e9,
			      "price per million output tokens (else the config file)"),
		CLIOPT_NUMBER(CLIOPT_LONG, "resume", &a->resume, "RUN", 1, 9e18,
			      "finish run RUN with its own prompt, labeller, model and\n"
			      "settings (--concurrency, --max-attempts, --timeout and\n"
			      "--backoff given now override its own for this session)"),
		CLIOPT_TEXT("batch-out", &a->batch_out, "DIR",
			    "write the run's requests as batch files in DIR (OpenAI\n"
			    "Batch / vLLM run-batch; Anthropic Message Batches) instead\n"
			    "of calling the labeller"),
		CLIOPT_SWITCH("batch-in", 0, &a->batch_in,
			      "read the batch result files given as arguments into\n"
			      "their run (FILE...; --resume RUN names the run)"),
		CLIOPT_SWITCH("list", 0, &a->list,
			      "list the runs, and the command that finishes each\n"
			      "unfinished one (with --json: as JSON)"),
		CLIOPT_SWITCH("json", 0, &a->json, "print the summary as JSON on stdout"),
		CLIOPT_SWITCH("quiet", 'q', &a->quiet, "no progress display"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "label",
		.synopsis = "usage: gavel label [--db FILE] --provider P [--model M] [--prompt FILE]\n"
			    "                   [--items WHICH] [--limit N] [--sample N [--seed S]]\n"
			    "                   [--concurrency N] [--resume RUN] ...\n"
			    "       gavel label [--db FILE] --list [--json]",
		.about = "Run a prompt template over items through an LLM and record, for every item,\n"
			 "the rationale, per-aspect notes, score and label with the raw reply, tokens and\n"
			 "latency. Results are committed as they arrive: an interrupted run (Ctrl-C, a\n"
			 "crash, a kill) is finished with --resume RUN, with no item twice and none lost.",
		.options = options,
		.epilog = labeller_list(),
	};
	int first, rc = cliopt_parse(&spec, argc, argv, &first);
	if (rc)
		return rc;
	if (provider >= 0)
		a->provider = provider_words()[provider];
	if (first < argc && !a->batch_in)
		return cli_usage_error("label", "unexpected argument '%s'", argv[first]);
	if (a->list)
		return 0;
	if ((rc = check_batch(a, argc - first, argv + first)) || a->batch_in)
		return rc;
	if (!a->resume && !a->provider)
		return cli_usage_error("label", "choose a labeller: --provider %s", provider_names());
	if (a->settled)
		a->items = DB_SELECT_SETTLED;
	return 0;
}

static Status setup(Db *db, Args *a, Owned *owned, Prompt **prompt, LabelOptions *opt,
		    long long *run_id)
{
	long long planned = 0;
	Status st = STATUS_OK;
	if (a->resume) {
		st = load_run(db, a, owned, prompt);
		*run_id = a->resume;
	} else {
		runparams_default(&a->p);
		if (a->prompt)
			st = prompt_load(a->prompt, prompt);
	}
	if (st == STATUS_OK)
		st = resolve_provider(a, owned, opt);
	if (st == STATUS_OK && opt->ops->kind == PROVIDER_HTTP && !*prompt)
		st = status_fail(STATUS_ERR_USAGE, "give the prompt template with --prompt FILE "
				 "(prompts/image-quality.md is the shipped one)");
	if (st == STATUS_OK && !a->resume) {
		st = start_run(db, a, *prompt, opt, run_id, &planned);
		if (st == STATUS_OK && planned == 0 && !a->quiet)
			cli_warn("no items to label (--items %s); nothing to do", item_words[a->items]);
	}
	opt->concurrency = a->p.concurrency;
	opt->max_attempts = a->p.max_attempts;
	opt->timeout_ms = (long)(a->p.timeout_s * 1000);
	opt->max_image_px = a->p.max_image_px;
	opt->backoff_s = a->p.backoff_s;
	opt->backoff_max_s = 60;
	opt->cache = a->fresh ? LABEL_CACHE_FRESH : LABEL_CACHE_USE;
	return st;
}

/* Said once, the moment a commit has to wait for another process. */
static void on_db_wait(void *arg)
{
	static int told;
	if (told++)
		return;
	progress_clear(arg);
	cli_note("waiting for the database: another process is writing");
}

/* How the session ended, on stderr, with the command that finishes the run
 * whenever it was left unfinished. Returns the exit status. */
static int report(const Args *a, long long run_id, const LabelSummary *summary, Status st)
{
	char *resume = runlist_resume_command(cli_db_path(a->db), run_id);
	int rc = CLI_EXIT_OK;
	if (!summary->started) {
		rc = cli_fail(st); /* refused before anything was sent */
	} else if (st == STATUS_OK && summary->stopped) {
		cli_note("interrupted; finish it with: %s", resume);
		rc = CLI_EXIT_INTERRUPTED;
	} else if (st != STATUS_OK) {
		cli_fail(st);
		cli_note("run %lld stopped; when fixed, finish it with: %s", run_id, resume);
		rc = CLI_EXIT_FAILURE;
	}
	free(resume);
	return rc;
}

/* Labels run_id, with the progress display and Ctrl-C stopping it cleanly. */
static int label_run(Db *db, const Args *a, long long run_id, const Prompt *prompt,
		     const DbScale *scale, LabelOptions *opt)
{
	Progress *progress = opt->arg;
	LabelSummary summary;
	char what[64];
	Status st;
	snprintf(what, sizeof what, "label: run %lld", run_id);
	progress_start(progress, what, a->quiet);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	st = labelrun_execute(db, run_id, prompt, scale, opt, &summary);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	progress_clear(progress);
	if (summary.started && a->json)
		print_summary_json(a, run_id, &summary);
	if (summary.started && !a->quiet)
		print_summary_text(a, run_id, &summary);
	return report(a, run_id, &summary, st);
}

/* ---- batch files (src/llm/batchrun.h) ---- */

static void batch_summary(const Args *a, const BatchRunSummary *s, int out)
{
	if (a->quiet)
		return;
	if (out) {
		cli_note("run %lld: %lld request%s in %zu file%s:", s->run_id, s->requests,
			 s->requests == 1 ? "" : "s", s->n_files, s->n_files == 1 ? "" : "s");
		for (size_t i = 0; i < s->n_files; i++)
			cli_print("  %s", s->files[i]);
		cli_note("send them to the batch service; then: gavel label --db %s --batch-in "
			 "RESULTS...",
			 cli_db_path(a->db));
		return;
	}
	cli_note("run %lld: %lld result%s recorded: %lld ok, %lld unparsed, %lld failed; %lld "
		 "item%s still without an answer",
		 s->run_id, s->results, s->results == 1 ? "" : "s", s->labels.ok,
		 s->labels.parse_failed, s->labels.failed, s->pending, s->pending == 1 ? "" : "s");
}

static int batch_in(Args *a)
{
	BatchRunSummary sum;
	DbScale scale = { 0 };
	Db *db;
	Status st = db_open(cli_db_path(a->db), DB_OPEN_EXISTING, &db);
	if (st == STATUS_OK)
		st = db_scale_get(db, &scale);
	if (st == STATUS_OK)
		st = batchrun_read(db, a->resume, (const char *const *)a->files, a->n_files, &scale,
				   &sum);
	if (st == STATUS_OK)
		batch_summary(a, &sum, 0);
	db_scale_free(&scale);
	db_close(db);
	return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static Status batch_out(Db *db, Args *a, const Prompt *prompt, const DbScale *scale,
			const LabelOptions *opt, long long run_id)
{
	BatchRunSummary sum;
	Status st = batchrun_write(db, run_id, prompt, scale, opt, a->batch_out, &sum);
	if (st == STATUS_OK)
		batch_summary(a, &sum, 1);
	batchrun_summary_free(&sum);
	return st;
}

/* --list: every run, and how to finish the unfinished ones. */
static Status list_runs(Db *db, const Args *a)
{
	cJSON *json;
	Status st;
	if (!a->json)
		return runlist_print(db, cli_db_path(a->db), 0, stdout);
	st = runlist_json(db, cli_db_path(a->db), 0, &json);
	if (st != STATUS_OK)
		return st;
	out_json(stdout, json, 0);
	cJSON_Delete(json);
	return STATUS_OK;
}

int cmd_label(int argc, char **argv)
{
	Args a = { .seed = 1, .price_in = -1, .price_out = -1, .repeat = 1 };
	Progress progress = {0};
	LabelOptions opt = {.on_progress = on_progress, .on_notice = on_notice, .arg = &progress,
			    .stop = &stop_requested};
	Owned owned = {0};
	Prompt *prompt = NULL;
	DbScale scale = {0};
	long long run_id = 0;
	Db *db = NULL;
	Status st;
	int rc;

	runparams_unset(&a.p);
	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (a.batch_in)
		return batch_in(&a);
	st = db_open(cli_db_path(a.db), DB_OPEN_EXISTING, &db);
	if (st == STATUS_OK && a.list) {
		st = list_runs(db, &a);
		goto out;
	}
	if (st == STATUS_OK) {
		db_set_wait_notice(db, on_db_wait, &progress);
		st = db_scale_get(db, &scale);
	}
	if (st == STATUS_OK)
		st = setup(db, &a, &owned, &prompt, &opt, &run_id);
	if (st == STATUS_OK && run_id && a.batch_out)
		st = batch_out(db, &a, prompt, &scale, &opt, run_id);
	else if (st == STATUS_OK && run_id)
		rc = label_run(db, &a, run_id, prompt, &scale, &opt);
out:
	if (st != STATUS_OK && !rc)
		rc = cli_fail(st);
	prompt_free(prompt);
	db_scale_free(&scale);
	db_close(db);
	xfree_strings(owned.strings, owned.count);
	return rc;
}
