/* labelrun.c - the labelling loop: keep `concurrency` requests in flight,
 * retry what failed for a passing reason, record every answer at once. */
#include "src/llm/labelrun.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/runs.h"
#include "src/base/base64.h"
#include "src/base/clock.h"
#include "src/base/proc.h"
#include "src/base/rng.h"
#include "src/llm/http.h"
#include "src/img/img.h"
#include "src/img/imgenc.h"
#include "src/llm/reply.h"
#include "src/base/xalloc.h"

enum {
	PAGE = 256,               /* pending item ids read at a time */
	JPEG_QUALITY = 85,
	MAX_STORED_BODY = 65536,  /* of a reply that was not the protocol's JSON */
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
	char *item_ref;   /* external id, for messages */
	ProviderRequest request;
	int attempts;
	double due;       /* when to send (again), monotonic seconds */
	int json_mode;    /* the request asks for a JSON object */
	char last_error[256];
} Job;

typedef struct {
	Db *db;
	long long run_id;
	const Prompt *prompt;
	const DbScale *scale;
	LabelOptions opt;  /* a copy: json_mode may be turned off on the way */
	LabelSummary *sum;
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
	Status fatal;
	double start, last_progress;
} Run;

static void job_free(Job *job)
{
	if (!job)
		return;
	provider_request_free(&job->request);
	free(job->item_ref);
	free(job);
}

/* Counts a failure under a short reason, for the summary. */
static void tally(LabelSummary *sum, const char *reason)
{
	int i;
	for (i = 0; i < sum->reason_count; i++)
		if (!strcmp(sum->reasons[i], reason))
			break;
	if (i == sum->reason_count) {
		if (i == LABEL_MAX_REASONS)
			i = LABEL_MAX_REASONS - 1, reason = "other";
		else
			sum->reason_count++;
		snprintf(sum->reasons[i], sizeof sum->reasons[i], "%s", reason);
	}
	sum->reason_counts[i]++;
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

static Status record(Run *run, DbPredictionNew *p)
{
	Status st;
	p->run_id = run->run_id;
	st = db_prediction_add(run->db, p);
	if (st != STATUS_OK) {
		run->fatal = st;
		return st;
	}
	switch (p->status) {
	case DB_PREDICTION_OK: run->sum->ok++; break;
	case DB_PREDICTION_PARSE_FAILED: run->sum->parse_failed++; break;
	case DB_PREDICTION_FAILED: case DB_PREDICTION_STATE_COUNT: run->sum->failed++; break;
	}
	if (p->prompt_tokens > 0)
		run->sum->prompt_tokens += p->prompt_tokens;
	if (p->completion_tokens > 0)
		run->sum->completion_tokens += p->completion_tokens;
	return STATUS_OK;
}

/* A prediction of item_id with nothing known yet: tokens unknown. */
static DbPredictionNew prediction_of(long long item_id, DbPredictionState status, int attempts)
{
	return (DbPredictionNew){.item_id = item_id, .status = status, .attempts = attempts,
				 .prompt_tokens = -1, .completion_tokens = -1};
}

static void record_failure(Run *run, long long item_id, int attempts, const char *reason,
			   const char *error)
{
	DbPredictionNew p = prediction_of(item_id, DB_PREDICTION_FAILED, attempts);
	p.error = error;
	tally(run->sum, reason);
	record(run, &p);
}

/* Parses the model's text against the scale and records the verdict. */
static void record_answer(Run *run, long long item_id, const char *content, const char *reasoning,
			  const ProviderAnswer *answer, long latency_ms, int attempts)
{
	Reply reply;
	DbPredictionNew p = prediction_of(item_id, DB_PREDICTION_OK, attempts);
	const char *text = content ? content : "";
	p.raw_reply = content;
	p.latency_ms = latency_ms;
	if (answer) {
		p.prompt_tokens = answer->prompt_tokens;
		p.completion_tokens = answer->completion_tokens;
	}
	reply_parse(text, strlen(text), (const char *const *)run->scale->names, run->scale->count,
		    &reply);
	if (reply.ok && !(answer && answer->refused)) {
		p.score = reply.score;
		p.label = reply.label;
		p.inconsistent = reply.inconsistent;
		p.has_confidence = reply.has_confidence;
		p.confidence = reply.confidence;
		p.rationale = reply.rationale;
		p.aspects_json = reply.aspects_json;
	} else {
		p.status = DB_PREDICTION_PARSE_FAILED;
		p.error = answer && answer->refused ? "the model refused" : reply.failure;
		p.rationale = reply.rationale;
	}
	p.reasoning = reasoning ? reasoning : reply.reasoning;
	record(run, &p);
	reply_free(&reply);
}

/* ---- preparing an item ---- */

/* The image as base64 JPEG, downscaled to max_px on its long side. */
static Status encode_image(const char *path, int max_px, char **base64)
{
	ImgRGB rgb;
	unsigned char *jpeg;
	size_t len;
	Status st = img_decode_file(path, max_px, max_px, 0xFFFFFF, &rgb);
	if (st != STATUS_OK)
		return st;
	st = imgenc_jpeg(&rgb, JPEG_QUALITY, &jpeg, &len);
	img_rgb_free(&rgb);
	if (st != STATUS_OK)
		return st;
	*base64 = base64_encode(jpeg, len, NULL);
	free(jpeg);
	return STATUS_OK;
}

static Status render(Run *run, const DbItem *item, PromptRendered *out)
{
	PromptItem fields = {
		.id = item->external_id, .title = item->title, .category = item->category,
		.path = item->path, .metadata_json = item->metadata_json,
		.scale_names = (const char *const *)run->scale->names,
		.scale_count = run->scale->count,
	};
	Status st = prompt_render(run->prompt, prompt_item_lookup, &fields, item->external_id, out);
	prompt_item_clear(&fields);
	return st;
}

static void build_request(Run *run, Job *job, const PromptRendered *text, const char *image64,
			  const char *image_url)
{
	ProviderPrompt prompt = {
		.system = text->system, .user_before_image = text->user_before_image,
		.user_after_image = text->user_after_image, .image_base64 = image64,
		.image_url = image_url,
	};
	provider_request_free(&job->request);
	run->opt.ops->build(&run->opt.config, &prompt, &job->request);
	job->json_mode = run->opt.config.json_mode;
}

/* A local labeller answers at once; its answer is recorded like a reply. */
static void answer_here(Run *run, const DbItem *item)
{
	ProviderItem it = {.path = item->path, .url = item->url,
			   .scale_names = (const char *const *)run->scale->names,
			   .scale_count = run->scale->count};
	const char *reason = "failed";
	char *json = NULL;
	double t0 = clock_now_s();
	Status st = run->opt.ops->answer(&it, &json, &reason);
	if (st != STATUS_OK)
		record_failure(run, item->id, 1, reason, status_detail());
	else
		record_answer(run, item->id, json, NULL, NULL, (long)((clock_now_s() - t0) * 1000), 1);
	free(json);
}

/* Builds the job for item_id. An item answered here (a local labeller), or
 * that cannot be sent, is recorded at once and gives NULL. */
static Job *prepare(Run *run, long long item_id)
{
	DbItem item;
	PromptRendered text = {0};
	char *image64 = NULL;
	Job *job = NULL;
	Status st = db_item_get(run->db, item_id, &item);

	if (st != STATUS_OK) {
		run->fatal = st;
		return NULL;
	}
	if (run->opt.ops->kind == PROVIDER_LOCAL) {
		answer_here(run, &item);
		goto out;
	}
	st = render(run, &item, &text);
	if (st != STATUS_OK) {
		/* the template or the manifest needs fixing: stop before spending
		 * money on hundreds of broken prompts */
		run->fatal = st;
		goto out;
	}
	if (item.path) {
		st = encode_image(item.path, run->opt.max_image_px, &image64);
		if (st != STATUS_OK) {
			record_failure(run, item_id, 0, "image unreadable", status_detail());
			goto out;
		}
	}
	job = xcalloc(1, sizeof *job);
	job->item_id = item_id;
	job->item_ref = xstrdup(item.external_id);
	build_request(run, job, &text, image64, item.path ? NULL : item.url);
out:
	free(image64);
	prompt_rendered_free(&text);
	db_item_free(&item);
	return job;
}

/* ---- sending and hearing back ---- */

/* Puts job on the waiting list, to be sent when its time (job->due) comes. */
static void push_waiting(Run *run, Job *job)
{
	job->next = run->waiting;
	run->waiting = job;
	run->waiting_count++;
}

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
		snprintf(error, sizeof error, "%s after %d attempts: %s", reason, job->attempts,
			 job->last_error);
		record_failure(run, job->item_id, job->attempts, reason, error);
		job_free(job);
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
	Status st = run->opt.ops->parse(reply->body, reply->body_len, &answer);
	if (st != STATUS_OK) {
		snprintf(job->last_error, sizeof job->last_error, "%s", status_detail());
		if (job->attempts >= run->opt.max_attempts) {
			/* keep what the server said, for whoever audits the call */
			DbPredictionNew p = prediction_of(job->item_id, DB_PREDICTION_FAILED,
							  job->attempts);
			char *body = xstrndup(reply->body, reply->body_len < MAX_STORED_BODY
								   ? reply->body_len : MAX_STORED_BODY);
			char *error = xasprintf("%s after %d attempts", job->last_error, job->attempts);
			p.latency_ms = reply->elapsed_ms;
			p.raw_reply = body;
			p.error = error;
			tally(run->sum, job->last_error);
			record(run, &p);
			free(body), free(error);
			job_free(job);
		} else {
			wait_then_retry(run, job, "bad reply", -1);
		}
		return;
	}
	record_answer(run, job->item_id, answer.content, answer.reasoning, &answer,
		      reply->elapsed_ms, job->attempts);
	provider_answer_free(&answer);
	job_free(job);
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
	fresh = prepare(run, job->item_id);
	if (fresh) {
		fresh->attempts = job->attempts - 1;
		push_waiting(run, fresh);
	}
	job_free(job);
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
	run->fatal = status_fail(STATUS_ERR_NETWORK,
				 "%s %s: %s (%s); check the URL (--base-url, $%s or the settings "
				 "file) and that the server is up",
				 run->answered ? "the endpoint stopped answering at"
					       : "nothing answers at",
				 run->opt.config.base_url, http_outcome_text(reply->outcome),
				 reply->error, run->opt.ops->url_variable);
	job_free(job);
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
		snprintf(error, sizeof error, "%s: %s", http_outcome_text(reply->outcome),
			 job->last_error);
		record_failure(run, job->item_id, job->attempts, http_outcome_text(reply->outcome),
			       error);
		job_free(job);
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
	if (run->fatal != STATUS_OK) {
		job_free(job);
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
		run->fatal = status_fail(STATUS_ERR_NETWORK,
					 "the provider refused the credentials (HTTP %ld); check "
					 "the API key (%s or --api-key)",
					 reply->status, run->opt.ops->key_variable);
		job_free(job);
	} else if (reply->status == 400 && job->json_mode &&
		   run->opt.ops->rejects_json_mode(reply->body)) {
		drop_json_mode(run, job);
	} else if (retryable_status(reply->status)) {
		char reason[32];
		snprintf(reason, sizeof reason, "HTTP %ld", reply->status);
		wait_then_retry(run, job, reason, reply->retry_after_s);
	} else {
		char reason[32];
		snprintf(reason, sizeof reason, "HTTP %ld", reply->status);
		record_failure(run, job->item_id, job->attempts, reason, job->last_error);
		job_free(job);
	}
}

/* ---- the loop ---- */

/* The next planned item without a prediction, or 0 when there is none. */
static long long next_item(Run *run)
{
	if (run->id_next == run->id_count && !run->exhausted) {
		Status st = db_run_pending(run->db, run->run_id, run->last_id, run->ids, PAGE,
					   &run->id_count);
		run->id_next = 0;
		if (st != STATUS_OK)
			run->fatal = st;
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
			if (submit(run, job) != STATUS_OK) {
				run->in_flight--;
				record_failure(run, job->item_id, job->attempts, "could not send",
					       status_detail());
				job_free(job);
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
	run->sum->elapsed_s = now - run->start;
	run->opt.on_progress(run->opt.arg, run->sum);
}

static void drop_job(void *job)
{
	job_free(job);
}

/* Prepares items until every slot holds a job (see may_start); items a
 * local labeller answers take no slot, so for it this is the whole run. */
static void fill(Run *run)
{
	while (may_start(run) && !run->exhausted && run->fatal == STATUS_OK && !*run->opt.stop) {
		long long id = next_item(run);
		Job *job = id ? prepare(run, id) : NULL;
		if (job) {
			push_waiting(run, job);
		} else {
			progress(run, 0);
		}
	}
}

static void loop(Run *run)
{
	while (run->fatal == STATUS_OK && !*run->opt.stop) {
		double wait;
		int timeout_ms;
		fill(run);
		wait = send_due(run);
		if (!run->in_flight && !run->waiting) {
			if (run->exhausted)
				break;
			continue; /* the stop flag or a failure ended fill(): seen above */
		}
		/* wake at least every 100 ms: for the stop flag and the progress line */
		timeout_ms = run->in_flight || wait > 0.1 ? 100 : (int)(wait * 1000) + 1;
		if (http_poll(run->http, timeout_ms, on_reply, run) != STATUS_OK)
			run->fatal = STATUS_ERR_NETWORK;
		progress(run, 0);
	}
	if (run->http)
		http_cancel_all(run->http, drop_job);
	run->in_flight = 0;
	while (run->waiting) {
		Job *job = run->waiting;
		run->waiting = job->next;
		job_free(job);
	}
	run->waiting_count = 0;
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

/* Labels the rest of the plan; the run is ours. */
static void label_rest(Run *run)
{
	DbRunCounts counts;
	Status st = db_run_counts(run->db, run->run_id, &counts);
	if (st != STATUS_OK) {
		run->fatal = st;
		return;
	}
	run->sum->planned = counts.planned;
	run->sum->done_before = counts.ok + counts.parse_failed + counts.failed;
	run->start = clock_now_s();
	if (run->opt.ops->kind == PROVIDER_HTTP)
		run->http = http_new(run->opt.concurrency);
	loop(run);
	http_free(run->http);
	run->http = NULL;
}

/* How the run ended, as stored: the database failing under it is "failed";
 * anything else that stopped it can be resumed. */
static DbRunState end_state(const Run *run)
{
	if (run->fatal == STATUS_ERR_DB)
		return DB_RUN_FAILED;
	if (run->fatal != STATUS_OK || run->sum->stopped)
		return DB_RUN_INTERRUPTED;
	return DB_RUN_DONE;
}

Status labelrun_execute(Db *db, long long run_id, const Prompt *prompt, const DbScale *scale,
			const LabelOptions *options, LabelSummary *summary)
{
	static volatile sig_atomic_t never;
	Run run = {.db = db, .run_id = run_id, .prompt = prompt, .scale = scale, .opt = *options,
		   .sum = summary, .fatal = STATUS_OK};
	char *me = proc_self_id(), detail[512] = "";
	Status st;

	memset(summary, 0, sizeof *summary);
	rng_seed(&run.random, (unsigned long long)run_id);
	if (!run.opt.stop)
		run.opt.stop = &never;
	/* the answers are paid for: a commit waits for the lock as long as it takes */
	db_set_patience(db, DB_WAIT_FOREVER);
	st = claim(db, run_id, me);
	if (st != STATUS_OK)
		goto out;
	summary->started = 1;
	label_rest(&run);
	summary->stopped = *run.opt.stop && run.fatal == STATUS_OK;
	progress(&run, 1);
	if (run.fatal != STATUS_OK)
		snprintf(detail, sizeof detail, "%s", status_detail());
	st = db_run_release(db, run_id, me, end_state(&run));
	if (run.fatal != STATUS_OK)
		st = status_fail(run.fatal, "%s", detail);
out:
	free(me);
	return st;
}

/* ---- for batch files (src/llm/batchrun.c): the same requests and the same
 * records as the loop above, one item at a time ---- */

Status labelrun_request(Db *db, long long run_id, const Prompt *prompt, const DbScale *scale,
			const LabelOptions *options, long long item_id, LabelSummary *summary,
			ProviderRequest *request)
{
	Run run = { .db = db,
		    .run_id = run_id,
		    .prompt = prompt,
		    .scale = scale,
		    .opt = *options,
		    .sum = summary,
		    .fatal = STATUS_OK };
	Job *job = prepare(&run, item_id);
	memset(request, 0, sizeof *request);
	if (job) {
		*request = job->request;
		memset(&job->request, 0, sizeof job->request);
		job_free(job);
	}
	return run.fatal;
}

Status labelrun_record_reply(Db *db, long long run_id, const DbScale *scale,
			     const LabelOptions *options, long long item_id, const char *body,
			     const char *error, LabelSummary *summary)
{
	Run run = { .db = db,
		    .run_id = run_id,
		    .scale = scale,
		    .opt = *options,
		    .sum = summary,
		    .fatal = STATUS_OK };
	HttpReply reply = { .body = (char *)body, .body_len = body ? strlen(body) : 0 };
	Job *job;
	if (error) {
		record_failure(&run, item_id, 1, "batch error", error);
		return run.fatal;
	}
	/* one attempt, the batch service's: a reply we cannot read is final */
	run.opt.max_attempts = 1;
	job = xcalloc(1, sizeof *job);
	job->item_id = item_id;
	job->attempts = 1;
	on_success(&run, job, &reply);
	return run.fatal;
}
