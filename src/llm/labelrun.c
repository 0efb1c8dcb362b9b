/* labelrun.c - the labelling loop: keep `concurrency` requests in flight,
 * retry what failed for a passing reason, record every answer at once. */
#include "src/llm/labelrun.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/cache.h"
#include "db/runs.h"
#include "src/base/clock.h"
#include "src/base/proc.h"
#include "src/base/rng.h"
#include "src/llm/callcache.h"
#include "src/llm/http.h"
#include "src/llm/labelitem.h"
#include "src/llm/labelrecord.h"
#include "src/base/xalloc.h"

#define FILL_BUDGET_S 0.05

enum {
	PAGE = 256,              /* pending item ids read at a time */
	MAX_REPEATS = 1000,      /* answers per item (--repeat) */
	MAX_STORED_BODY = 65536, /* of a reply that was not the protocol's JSON */
	/* Unreachable attempts in a row, before anything answered this session,
	 * that stop the run: a wrong URL is known after the first few items. */
	UNREACHABLE_LIMIT = 3,
	/* Jobs held (in flight or waiting out a backoff) per concurrency slot:
	 * a retry's wait holds no slot, but the requests kept for retries (each
	 * with its image) stay bounded when every item is refused for a while. */
	BACKLOG_PER_SLOT = 4,
};

/* One item on its way: its request is kept to be sent again on a retry. */
typedef struct Job {
	struct Job *next; /* in the waiting list */
	long long item_id;
	int sample;       /* which of the item's repeated answers */
	char *item_ref;   /* external id, for messages */
	ProviderRequest request;
	int attempts;
	double due;       /* when to send (again), monotonic seconds */
	int json_mode;    /* the request asks for a JSON object */
	int leads;        /* the cache has the call in flight under key */
	char key[CALLCACHE_KEY];
	char last_error[256];
} Job;

typedef struct LabelRun Run;

struct LabelRun {
	LabelRecorder rec; /* the database, run, scale, summary and first fatal failure */
	const Prompt *prompt;
	LabelOptions opt;  /* a copy: json_mode may be turned off on the way */
	Http *http;
	long long ids[PAGE];
	int id_count, id_next, exhausted;
	long long last_id;
	Job *waiting;      /* jobs not yet sent, or waiting out a backoff */
	int waiting_count;
	int in_flight;
	int answered;      /* a server replied this session: the URL is right */
	int unreachable;   /* attempts in a row that reached no server */
	Rng random;       /* the backoff jitter */
	double start, last_progress;
	int repeats;      /* answers per item */
	CallCache *cache; /* NULL: off */
	int filling;      /* inside fill(): cache hits may share a transaction */
	int batch_open;   /* fill() holds a transaction for its cache hits */
	char *me;         /* this process, the run's owner while it labels */
};

static void job_free(Job *job)
{
	if (!job)
		return;
	provider_request_free(&job->request);
	free(job->item_ref);
	free(job);
}

/* Replaces every copy of the API key in text with "[key]" (servers may echo it). */
static void redact(char *text, const char *key)
{
	size_t n = key ? strlen(key) : 0;
	char *at;
	if (n < 4)
		return;
	while ((at = strstr(text, key))) {
		memcpy(at, "[key]", 5);
		memmove(at + 5, at + n, strlen(at + n) + 1);
	}
}

static LabelAsked asked_of(const Job *job)
{
	return (LabelAsked){ .item_id = job->item_id,
			     .sample = job->sample,
			     .attempts = job->attempts };
}

/* ---- preparing an item ---- */

/* A local labeller answers at once; its answer is recorded like a reply. */
static void answer_here(Run *run, const DbItem *item, int sample)
{
	ProviderItem it = { .path = item->path,
			    .url = item->url,
			    .scale_names = (const char *const *)run->rec.scale->names,
			    .scale_count = run->rec.scale->count };
	const char *reason = "failed";
	char *json = NULL;
	double t0 = clock_now_s();
	Status st = run->opt.ops->answer(&it, &json, &reason);
	LabelAsked who = { .item_id = item->id, .sample = sample, .attempts = 1 };
	if (st != STATUS_OK) {
		labelrecord_failure(&run->rec, &who, reason, status_detail(), NULL);
	} else {
		who.latency_ms = (long)((clock_now_s() - t0) * 1000);
		labelrecord_answer(&run->rec, &who, json, NULL, NULL, NULL);
	}
	free(json);
}

/* The sample indexes of item_id still to ask, ascending; 0 alone for a
 * run that asks once (the plan says the item has no answer yet). */
static int missing_samples(Run *run, long long item_id, int *samples)
{
	int count = 1;
	samples[0] = 0;
	if (run->repeats > 1) {
		Status st = db_run_missing_samples(run->rec.db, run->rec.run_id, item_id,
						   run->repeats, samples, MAX_REPEATS, &count);
		if (st != STATUS_OK) {
			run->rec.fatal = st;
			return 0;
		}
	}
	return count;
}

/* A job for one sample, with its request (the image encoded now if not yet);
 * NULL, with the failure recorded, when the image cannot be read. */
static Job *job_new(Run *run, LabelItem *li, int sample)
{
	ProviderPrompt prompt;
	Job *job;
	if (labelitem_image(li) != STATUS_OK) {
		LabelAsked who = { .item_id = li->item->id, .sample = sample };
		labelrecord_failure(&run->rec, &who, "image unreadable", status_detail(), NULL);
		return NULL;
	}
	job = xcalloc(1, sizeof *job);
	job->item_id = li->item->id;
	job->sample = sample;
	job->item_ref = xstrdup(li->item->external_id);
	prompt = labelitem_prompt(li);
	run->opt.ops->build(&run->opt.config, &prompt, &job->request);
	job->json_mode = run->opt.config.json_mode;
	return job;
}

/* Puts job on the waiting list, to be sent when its time (job->due) comes. */
static void push_waiting(Run *run, Job *job)
{
	job->next = run->waiting;
	run->waiting = job;
	run->waiting_count++;
}

/* ---- the call cache ---- */

/* A stored reply, recorded as the answer of who (marked cached). 0 when
 * it no longer reads as the protocol's JSON: then the call is made. */
static int answer_from(Run *run, LabelAsked who, const DbCacheEntry *entry)
{
	ProviderAnswer answer;
	if (run->opt.ops->parse(entry->body, entry->body_len, &answer) != STATUS_OK)
		return 0;
	who.cached = 1;
	who.latency_ms = entry->latency_ms;
	if (run->filling && !run->batch_open)
		run->batch_open = db_begin(run->rec.db) == STATUS_OK;
	labelrecord_answer(&run->rec, &who, answer.content, answer.reasoning, &answer, NULL);
	provider_answer_free(&answer);
	return 1;
}

/* A job that waited on an identical call: its answer, or it goes out itself. */
static void on_release(void *arg, void *waiter, const DbCacheEntry *answer)
{
	Run *run = arg;
	Job *job = waiter;
	if (answer && answer_from(run, asked_of(job), answer)) {
		job_free(job);
		return;
	}
	job->leads = 1;
	push_waiting(run, job);
}

/* A job's last word: the call under its key ended, with a reply worth
 * keeping (put) or not (NULL); the job is freed. */
static void job_end(Run *run, Job *job, const DbCachePut *put)
{
	if (job->leads) {
		Status st = callcache_end(run->cache, job->key, put, on_release, run);
		if (st != STATUS_OK)
			run->rec.fatal = st;
	}
	job_free(job);
}

/* Whether the cache answers one sample (then recorded); otherwise
 * *outcome says if the call is now ours to make (MISS) or identical to one
 * under way (IN_FLIGHT). No cache: always MISS. */
static int from_cache(Run *run, LabelItem *li, int sample, char key[CALLCACHE_KEY],
		      CallCacheOutcome *outcome)
{
	LabelAsked who = { .item_id = li->item->id, .sample = sample };
	DbCacheEntry hit;
	int done;

	*outcome = CALLCACHE_MISS;
	if (!run->cache || li->image_failed)
		return 0;
	labelitem_key(li, run->opt.ops, &run->opt.config, sample, key);
	if (callcache_begin(run->cache, key, &hit, outcome) != STATUS_OK) {
		run->rec.fatal = STATUS_ERR_DB;
		return 1;
	}
	if (*outcome != CALLCACHE_HIT)
		return 0;
	done = answer_from(run, who, &hit);
	db_cache_entry_free(&hit);
	if (!done) {
		*outcome = CALLCACHE_MISS;
		callcache_lead(run->cache, key);
	}
	return done;
}

/* One sample of an item: answered from the cache, or waiting on an
 * identical call, or a new job to send; returns the job, if any. The key
 * is made before the image is encoded, so a hit never decodes it. */
static Job *prepare_sample(Run *run, LabelItem *li, int sample)
{
	CallCacheOutcome outcome;
	char key[CALLCACHE_KEY];
	Job *job;

	if (from_cache(run, li, sample, key, &outcome))
		return NULL;
	job = job_new(run, li, sample);
	if (!job) {
		if (run->cache && outcome == CALLCACHE_MISS)
			callcache_end(run->cache, key, NULL, on_release, run);
		return NULL;
	}
	if (!run->cache) {
		push_waiting(run, job);
		return job;
	}
	snprintf(job->key, sizeof job->key, "%s", key);
	if (outcome == CALLCACHE_IN_FLIGHT) {
		callcache_wait(run->cache, key, job);
		return job;
	}
	job->leads = 1;
	push_waiting(run, job);
	return job;
}

/* Prepares every sample item_id still needs (only sample `only` when it is
 * >= 0): answered here (a local labeller, the cache) or queued to be sent;
 * returns the last job queued or parked, or NULL. A broken template stops
 * the run before money is spent on hundreds of broken prompts. */
static Job *prepare(Run *run, long long item_id, int only)
{
	int samples[MAX_REPEATS], n;
	LabelItem li;
	Job *job = NULL;
	DbItem item;
	Status st = db_item_get(run->rec.db, item_id, &item);

	if (st != STATUS_OK) {
		run->rec.fatal = st;
		return NULL;
	}
	n = only >= 0 ? (samples[0] = only, 1) : missing_samples(run, item_id, samples);
	if (run->opt.ops->kind == PROVIDER_LOCAL) {
		for (int i = 0; i < n; i++)
			answer_here(run, &item, samples[i]);
	} else if ((st = labelitem_open(&li, &item, run->prompt, run->rec.scale,
					run->opt.max_image_px)) != STATUS_OK) {
		run->rec.fatal = st;
	} else {
		for (int i = 0; i < n && run->rec.fatal == STATUS_OK; i++)
			job = prepare_sample(run, &li, samples[i]);
		labelitem_close(&li);
	}
	db_item_free(&item);
	return job;
}

/* ---- sending and hearing back ---- */

static Status submit(Run *run, Job *job)
{
	const char *headers[7] = {0};
	HttpRequest request;
	for (int i = 0; i < 6 && job->request.headers[i]; i++)
		headers[i] = job->request.headers[i];
	request = (HttpRequest){.url = job->request.url, .headers = headers,
				.body = job->request.body, .body_len = strlen(job->request.body),
				.timeout_ms = run->opt.timeout_ms, .user = job};
	job->attempts++;
	run->in_flight++;
	return http_submit(run->http, &request);
}

static void wait_then_retry(Run *run, Job *job, const char *reason, double retry_after_s)
{
	double delay;
	if (job->attempts >= run->opt.max_attempts) {
		char error[400];
		LabelAsked who = asked_of(job);
		snprintf(error, sizeof error, "%s after %d attempts: %s", reason, job->attempts,
			 job->last_error);
		labelrecord_failure(&run->rec, &who, reason, error, NULL);
		job_end(run, job, NULL);
		return;
	}
	delay = run->opt.backoff_s * pow(2, job->attempts - 1);
	if (delay > run->opt.backoff_max_s)
		delay = run->opt.backoff_max_s;
	delay *= 0.5 + rng_uniform(&run->random);
	if (retry_after_s > delay)
		delay = retry_after_s;
	job->due = clock_now_s() + delay;
	push_waiting(run, job);
}

/* A 2xx reply: read the protocol, then the model's answer. */
static void on_success(Run *run, Job *job, HttpReply *reply)
{
	ProviderAnswer answer;
	LabelAsked who = asked_of(job);
	DbCachePut put;
	int readable;
	Status st = run->opt.ops->parse(reply->body, reply->body_len, &answer);
	if (st != STATUS_OK) {
		snprintf(job->last_error, sizeof job->last_error, "%s", status_detail());
		if (job->attempts >= run->opt.max_attempts) {
			/* keep what the server said, for whoever audits the call */
			char *body = xstrndup(reply->body, reply->body_len < MAX_STORED_BODY
								   ? reply->body_len : MAX_STORED_BODY);
			char *error = xasprintf("%s after %d attempts", job->last_error, job->attempts);
			who.latency_ms = reply->elapsed_ms;
			labelrecord_failure(&run->rec, &who, job->last_error, error, body);
			free(body), free(error);
			job_end(run, job, NULL);
		} else {
			wait_then_retry(run, job, "bad reply", -1);
		}
		return;
	}
	who.latency_ms = reply->elapsed_ms;
	put = (DbCachePut){ .key = job->key,
			    .provider = run->opt.ops->name,
			    .model = run->opt.config.model,
			    .body = reply->body,
			    .body_len = reply->body_len,
			    .prompt_tokens = answer.prompt_tokens,
			    .completion_tokens = answer.completion_tokens,
			    .latency_ms = reply->elapsed_ms };
	readable = labelrecord_answer(&run->rec, &who, answer.content, answer.reasoning, &answer,
				      job->leads && run->cache ? &put : NULL);
	provider_answer_free(&answer);
	job_end(run, job, readable && job->leads ? &put : NULL);
}

static int retryable_status(long status)
{
	return status == 408 || status == 409 || status == 429 || status >= 500;
}

/* The endpoint does not take response_format: go on without it, and send
 * this item again (rebuilt from the item; it was not the item's fault). */
static void drop_json_mode(Run *run, Job *job)
{
	Job *fresh;
	if (run->opt.config.json_mode) {
		run->opt.config.json_mode = 0;
		if (run->opt.on_notice)
			run->opt.on_notice(run->opt.arg, "the endpoint refused response_format; "
							 "going on without JSON mode");
	}
	/* its key ends first: the rebuilt request is another call */
	{
		long long item_id = job->item_id;
		int sample = job->sample, attempts = job->attempts;
		job_end(run, job, NULL);
		fresh = prepare(run, item_id, sample);
		if (fresh)
			fresh->attempts = attempts - 1;
	}
}

/* Nothing answers at the URL. That is no item's fault, so nothing is
 * recorded: the run stops once the address looks wrong (the first few
 * attempts of a session all failed) or stayed down through an item's every
 * retry, and --resume sends the items again. Until then new items wait. */
static void unreachable(Run *run, Job *job, const HttpReply *reply)
{
	run->unreachable++;
	if ((run->answered || run->unreachable < UNREACHABLE_LIMIT) &&
	    job->attempts < run->opt.max_attempts) {
		wait_then_retry(run, job, http_outcome_text(reply->outcome), -1);
		return;
	}
	run->rec.fatal =
		status_fail(STATUS_ERR_NETWORK,
			    "%s %s: %s (%s); check the URL (--base-url, $%s or the settings "
			    "file) and that the server is up",
			    run->answered ? "the endpoint stopped answering at"
					  : "nothing answers at",
			    run->opt.config.base_url, http_outcome_text(reply->outcome),
			    reply->error, run->opt.ops->url_variable);
	job_end(run, job, NULL);
}

/* A transfer that ended without a whole reply. */
static void on_no_reply(Run *run, Job *job, const HttpReply *reply)
{
	snprintf(job->last_error, sizeof job->last_error, "%s", reply->error);
	if (!http_outcome_reached(reply->outcome)) {
		unreachable(run, job, reply);
	} else if (reply->outcome == HTTP_TOO_LARGE) {
		/* asking again would bring the same flood: recorded at once */
		char error[320];
		LabelAsked who = asked_of(job);
		snprintf(error, sizeof error, "%s: %s", http_outcome_text(reply->outcome),
			 job->last_error);
		labelrecord_failure(&run->rec, &who, http_outcome_text(reply->outcome), error,
				    NULL);
		job_end(run, job, NULL);
	} else {
		wait_then_retry(run, job, http_outcome_text(reply->outcome), -1);
	}
}

static void on_reply(void *arg, HttpReply *reply)
{
	Run *run = arg;
	Job *job = reply->user;
	char *message;
	run->in_flight--;
	if (run->rec.fatal != STATUS_OK) {
		job_end(run, job, NULL);
		return;
	}
	if (http_outcome_reached(reply->outcome))
		run->answered = 1, run->unreachable = 0;
	if (reply->outcome != HTTP_DONE) {
		on_no_reply(run, job, reply);
		return;
	}
	if (reply->status >= 200 && reply->status < 300) {
		on_success(run, job, reply);
		return;
	}
	message = provider_error_message(reply->body, reply->body_len);
	snprintf(job->last_error, sizeof job->last_error, "HTTP %ld: %s", reply->status,
		 message ? message : "no message");
	free(message);
	redact(job->last_error, run->opt.config.api_key);
	if (reply->status == 401 || reply->status == 403) {
		run->rec.fatal =
			status_fail(STATUS_ERR_NETWORK,
				    "the provider refused the credentials (HTTP %ld); check "
				    "the API key (%s or --api-key)",
				    reply->status, run->opt.ops->key_variable);
		job_end(run, job, NULL);
	} else if (reply->status == 400 && job->json_mode &&
		   run->opt.ops->rejects_json_mode(reply->body)) {
		drop_json_mode(run, job);
	} else if (retryable_status(reply->status)) {
		char reason[32];
		snprintf(reason, sizeof reason, "HTTP %ld", reply->status);
		wait_then_retry(run, job, reason, reply->retry_after_s);
	} else {
		char reason[32];
		LabelAsked who = asked_of(job);
		snprintf(reason, sizeof reason, "HTTP %ld", reply->status);
		labelrecord_failure(&run->rec, &who, reason, job->last_error, NULL);
		job_end(run, job, NULL);
	}
}

/* ---- the loop ---- */

/* The next planned item without a prediction, or 0 when there is none. */
static long long next_item(Run *run)
{
	if (run->id_next == run->id_count && !run->exhausted) {
		Status st = db_run_pending(run->rec.db, run->rec.run_id, run->last_id, run->ids,
					   PAGE, &run->id_count);
		run->id_next = 0;
		if (st != STATUS_OK)
			run->rec.fatal = st;
		if (st != STATUS_OK || run->id_count == 0)
			run->exhausted = 1;
	}
	if (run->id_next == run->id_count)
		return 0;
	run->last_id = run->ids[run->id_next++];
	return run->last_id;
}

/* Waiting jobs whose time has come: they want a slot now. */
static int ready_count(const Run *run, double now)
{
	int n = 0;
	for (const Job *j = run->waiting; j; j = j->next)
		n += j->due <= now;
	return n;
}

/* Whether a new item may be taken: a slot is free (a retry waiting out its
 * backoff holds none), the jobs held stay within the backlog, and the
 * endpoint is not failing to answer (then only retries probe it). */
static int may_start(const Run *run)
{
	int slots = run->opt.concurrency;
	if (run->unreachable || run->in_flight + run->waiting_count >= BACKLOG_PER_SLOT * slots)
		return 0;
	return run->in_flight + ready_count(run, clock_now_s()) < slots;
}

/* Sends the waiting jobs whose time has come; returns seconds until the next. */
static double send_due(Run *run)
{
	double now = clock_now_s(), next = 1e9;
	Job **link = &run->waiting;
	while (*link) {
		Job *job = *link;
		if (job->due <= now && run->in_flight < run->opt.concurrency) {
			*link = job->next;
			run->waiting_count--;
			if (job->leads && !job->attempts)
				run->rec.sum->cache_misses++;
			if (submit(run, job) != STATUS_OK) {
				LabelAsked who = asked_of(job);
				run->in_flight--;
				labelrecord_failure(&run->rec, &who, "could not send",
						    status_detail(), NULL);
				job_end(run, job, NULL);
			}
			continue;
		}
		if (job->due - now < next)
			next = job->due - now;
		link = &job->next;
	}
	return next;
}

static void progress(Run *run, int force)
{
	double now = clock_now_s();
	if (!run->opt.on_progress || (!force && now - run->last_progress < 0.2))
		return;
	run->last_progress = now;
	run->rec.sum->elapsed_s = now - run->start;
	run->opt.on_progress(run->opt.arg, run->rec.sum);
}

static void drop_job(void *job)
{
	job_free(job);
}

/* Prepares items until every slot holds a job. Items answered here (a
 * local labeller, the cache) take no slot, so a step stops after a share of
 * a second to let its caller's loop breathe. */
static void fill(Run *run)
{
	double until = clock_now_s() + FILL_BUDGET_S;
	/* Answers from the call cache arrive as fast as they are read: a
	 * commit each would write the same pages again and again (a cached
	 * rerun of 10,000 items took 5 s, nearly all of it WAL writes). The
	 * first hit of a fill opens one transaction for them all, held for
	 * FILL_BUDGET_S at most; a fill without hits takes no lock. */
	run->filling = 1;
	while (may_start(run) && !run->exhausted && run->rec.fatal == STATUS_OK &&
	       !*run->opt.stop && clock_now_s() < until) {
		long long id = next_item(run);
		if (id)
			prepare(run, id, -1);
		progress(run, 0);
	}
	run->filling = 0;
	if (run->batch_open && db_commit(run->rec.db) != STATUS_OK) {
		db_rollback(run->rec.db);
		if (run->rec.fatal == STATUS_OK)
			run->rec.fatal = STATUS_ERR_DB;
	}
	run->batch_open = 0;
}

/* Work left: items to prepare, jobs waiting or in flight. */
static int busy(const Run *run)
{
	return run->rec.fatal == STATUS_OK && !*run->opt.stop &&
	       (!run->exhausted || run->in_flight || run->waiting);
}

int labelrun_step(Run *run, int timeout_ms)
{
	double wait;
	int t;
	if (!busy(run))
		return 0;
	fill(run);
	wait = send_due(run);
	if (run->in_flight || run->waiting) {
		/* wake at least every 100 ms: for the stop flag and the progress line */
		t = run->in_flight || wait > 0.1 ? 100 : (int)(wait * 1000) + 1;
		if (http_poll(run->http, t < timeout_ms ? t : timeout_ms, on_reply, run) !=
		    STATUS_OK)
			run->rec.fatal = STATUS_ERR_NETWORK;
	}
	progress(run, 0);
	return busy(run);
}

/* Takes run_id for this process (me). Refused while another live process
 * labels it: two would ask for every item twice. A run whose owner died
 * (kill -9, a crash, a reboot) is taken over; the take is a compare-and-swap,
 * so of two resumes racing for a dead run one wins and one is refused. */
static Status claim(Db *db, long long run_id, const char *me)
{
	DbRun run;
	int taken = 0;
	long pid;
	Status st = db_run_get(db, run_id, &run);
	if (st == STATUS_OK && (!run.owner || !strcmp(run.owner, me) || !proc_id_alive(run.owner))) {
		st = db_run_take(db, run_id, run.owner, me, &taken);
		if (st == STATUS_OK && !taken) { /* another resume won the race: name it */
			db_run_free(&run);
			st = db_run_get(db, run_id, &run);
		}
	}
	pid = proc_id_pid(run.owner);
	db_run_free(&run);
	if (st != STATUS_OK || taken)
		return st;
	return status_fail(STATUS_ERR_EXISTS,
			   "run %lld is being labelled right now by another process (pid %ld): a "
			   "second one would ask for its items twice; wait for it to finish, or "
			   "stop it (kill %ld) and resume then",
			   run_id, pid, pid);
}

/* How the run ended, as stored: the database failing under it is "failed";
 * anything else that stopped it can be resumed. */
static DbRunState end_state(Status fatal, int stopped)
{
	if (fatal == STATUS_ERR_DB)
		return DB_RUN_FAILED;
	if (fatal != STATUS_OK || stopped)
		return DB_RUN_INTERRUPTED;
	return DB_RUN_DONE;
}

/* What labelling needs to know of the run before it starts: its repeat
 * count and how much of its plan is done. */
static Status read_run(Run *run)
{
	DbRunCounts counts;
	DbRun stored;
	Status st = db_run_get(run->rec.db, run->rec.run_id, &stored);
	run->repeats = stored.repeats > 0 ? stored.repeats : 1;
	db_run_free(&stored);
	if (st == STATUS_OK && run->repeats > MAX_REPEATS)
		st = status_fail(STATUS_ERR_INPUT, "run %lld asks each item %d times; %d at most",
				 run->rec.run_id, run->repeats, MAX_REPEATS);
	if (st == STATUS_OK)
		st = db_run_counts(run->rec.db, run->rec.run_id, &counts);
	if (st != STATUS_OK)
		return st;
	/* progress counts answers: each planned item is asked `repeats` times */
	run->rec.sum->planned = counts.planned * run->repeats;
	run->rec.sum->done_before = counts.ok + counts.parse_failed + counts.failed;
	return STATUS_OK;
}

Status labelrun_start(Db *db, long long run_id, const Prompt *prompt, const DbScale *scale,
		      const LabelOptions *options, LabelSummary *summary, Run **out)
{
	static volatile sig_atomic_t never;
	Run *run = xcalloc(1, sizeof *run);
	Status st;

	*run = (Run){ .rec = { db, run_id, scale, summary, STATUS_OK },
		      .prompt = prompt,
		      .opt = *options,
		      .me = proc_self_id() };
	*out = NULL;
	memset(summary, 0, sizeof *summary);
	rng_seed(&run->random, (unsigned long long)run_id);
	if (!run->opt.stop)
		run->opt.stop = &never;
	/* the answers are paid for: a commit waits for the lock as long as it takes */
	db_set_patience(db, DB_WAIT_FOREVER);
	st = claim(db, run_id, run->me);
	if (st == STATUS_OK) {
		summary->started = 1;
		st = read_run(run);
		if (st != STATUS_OK)
			db_run_release(db, run_id, run->me, end_state(st, 0));
	}
	if (st != STATUS_OK) {
		free(run->me);
		free(run);
		return st;
	}
	run->start = clock_now_s();
	if (run->opt.ops->kind == PROVIDER_HTTP) {
		run->http = http_new(run->opt.concurrency);
		if (run->opt.cache != LABEL_CACHE_OFF)
			run->cache = callcache_new(db, run->opt.cache == LABEL_CACHE_FRESH);
	}
	*out = run;
	return STATUS_OK;
}

Status labelrun_finish(Run *run)
{
	LabelSummary *summary = run->rec.sum;
	Status fatal = run->rec.fatal, st;
	char detail[512] = "";

	if (run->http)
		http_cancel_all(run->http, drop_job);
	run->in_flight = 0;
	while (run->waiting) {
		Job *job = run->waiting;
		run->waiting = job->next;
		job_free(job);
	}
	run->waiting_count = 0;
	callcache_free(run->cache, drop_job);
	http_free(run->http);
	summary->stopped = *run->opt.stop && fatal == STATUS_OK;
	progress(run, 1);
	if (fatal != STATUS_OK)
		snprintf(detail, sizeof detail, "%s", status_detail());
	st = db_run_release(run->rec.db, run->rec.run_id, run->me,
			    end_state(fatal, summary->stopped));
	if (fatal != STATUS_OK)
		st = status_fail(fatal, "%s", detail);
	free(run->me);
	free(run);
	return st;
}

Status labelrun_execute(Db *db, long long run_id, const Prompt *prompt, const DbScale *scale,
			const LabelOptions *options, LabelSummary *summary)
{
	Run *run;
	Status st = labelrun_start(db, run_id, prompt, scale, options, summary, &run);
	if (st != STATUS_OK)
		return st;
	while (labelrun_step(run, 100))
		;
	return labelrun_finish(run);
}

/* ---- for batch files (src/llm/batchrun.c): the same requests and the same
 * records as the loop above, one item at a time ---- */

Status labelrun_request(Db *db, long long run_id, const Prompt *prompt, const DbScale *scale,
			const LabelOptions *options, long long item_id, LabelSummary *summary,
			ProviderRequest *request)
{
	Run run = { .rec = { db, run_id, scale, summary, STATUS_OK },
		    .prompt = prompt,
		    .opt = *options };
	Job *job = prepare(&run, item_id, 0); /* a batch asks each item once: sample 0 */
	memset(request, 0, sizeof *request);
	if (job) {
		*request = job->request;
		memset(&job->request, 0, sizeof job->request);
		job_free(job);
	}
	return run.rec.fatal;
}

Status labelrun_record_reply(Db *db, long long run_id, const DbScale *scale,
			     const LabelOptions *options, long long item_id, const char *body,
			     const char *error, LabelSummary *summary)
{
	Run run = { .rec = { db, run_id, scale, summary, STATUS_OK }, .opt = *options };
	HttpReply reply = { .body = (char *)body, .body_len = body ? strlen(body) : 0 };
	Job *job;
	if (error) {
		LabelAsked who = { .item_id = item_id, .attempts = 1 };
		labelrecord_failure(&run.rec, &who, "batch error", error, NULL);
		return run.rec.fatal;
	}
	/* one attempt, the batch service's: a reply we cannot read is final */
	run.opt.max_attempts = 1;
	job = xcalloc(1, sizeof *job);
	job->item_id = item_id;
	job->attempts = 1;
	on_success(&run, job, &reply);
	return run.rec.fatal;
}
