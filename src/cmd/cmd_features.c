/* cmd_features.c - gavel features: measure the pixel feature set
 * (pixels-v1, src/img/features.h) of every item that lacks it, on all
 * cores. Worker threads decode and measure; this thread alone talks to the
 * database, committing the results in batches, so an interrupted run (Ctrl-C,
 * or kill -9) keeps every batch committed and the next run measures only
 * the rest. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/database.h"
#include "db/features.h"
#include "src/base/clock.h"
#include "src/base/out.h"
#include "src/base/xalloc.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"
#include "src/cmd/progress.h"
#include "src/img/features.h"
#include "src/score/trainset.h"

enum {
	FETCH = 256,          /* items read from the database at a time */
	SHOWN_FAILURES = 5,   /* unreadable images named one by one; the rest counted */
};

/* A batch is committed when it holds this many results or is this old. */
static const int BATCH_ROWS = 256;
static const double BATCH_S = 1.0;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = 1;
	signal(sig, SIG_DFL); /* a second Ctrl-C stops at once */
}

/* What a worker hands back for one item. */
typedef struct {
	long long id;
	int ok;
	double values[FEATURES_COUNT];
	char *error; /* owned, when not ok */
} Result;

/* The work between this thread and the workers: items to measure (a FIFO)
 * and results to commit, under one lock. */
typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	DbFeatureTodo *todo;
	size_t todo_head, todo_count, todo_cap;
	Result *results;
	size_t results_count, results_cap;
	int busy;    /* items a worker is measuring */
	int closing; /* no more items will come: workers leave when the FIFO is empty */
} Pipe;

static void measure(const DbFeatureTodo *item, Result *r)
{
	Features f;
	float vec[FEATURES_COUNT];
	Status st = features_measure_file(item->path, &f);
	memset(r, 0, sizeof *r);
	r->id = item->id;
	r->ok = st == STATUS_OK;
	if (!r->ok) {
		r->error = xstrdup(*status_detail() ? status_detail() : status_message(st));
		return;
	}
	features_to_vector(&f, vec);
	for (int i = 0; i < FEATURES_COUNT; i++)
		r->values[i] = vec[i];
}

static void *worker(void *arg)
{
	Pipe *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		DbFeatureTodo item;
		Result r;
		while (!p->todo_count && !p->closing)
			pthread_cond_wait(&p->work, &p->lock);
		if (!p->todo_count)
			break;
		item = p->todo[p->todo_head];
		p->todo_head = (p->todo_head + 1) % p->todo_cap;
		p->todo_count--;
		p->busy++;
		pthread_mutex_unlock(&p->lock);
		measure(&item, &r);
		free(item.path);
		pthread_mutex_lock(&p->lock);
		p->results = xgrow(p->results, &p->results_cap, p->results_count + 1,
				   sizeof *p->results);
		p->results[p->results_count++] = r;
		p->busy--;
		pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* ---- the writer: this thread ---- */

typedef struct {
	Db *db;
	Pipe pipe;
	long long after_id;  /* the last item handed out */
	int exhausted;       /* the database has no more items to hand out */
	long long measured, failed, total;
	Progress progress;
} Run;

/* Tops the FIFO up to want items (the caller holds the lock). */
static Status refill(Run *run, size_t want)
{
	Pipe *p = &run->pipe;
	DbFeatureTodo got[FETCH];
	int n;
	Status st;
	if (run->exhausted || p->todo_count >= want)
		return STATUS_OK;
	st = db_feature_todo(run->db, TRAINSET_PIXELS, run->after_id, got, FETCH, &n);
	if (st != STATUS_OK)
		return st;
	if (n < FETCH)
		run->exhausted = 1;
	for (int i = 0; i < n; i++) {
		if (p->todo_count == p->todo_cap) {
			/* grow the ring, unrolling it so it starts at 0 */
			size_t cap = p->todo_cap ? 2 * p->todo_cap : 2 * FETCH;
			DbFeatureTodo *ring = xmalloc(cap * sizeof *ring);
			for (size_t k = 0; k < p->todo_count; k++)
				ring[k] = p->todo[(p->todo_head + k) % p->todo_cap];
			free(p->todo);
			p->todo = ring, p->todo_cap = cap, p->todo_head = 0;
		}
		p->todo[(p->todo_head + p->todo_count++) % p->todo_cap] = got[i];
		run->after_id = got[i].id;
	}
	pthread_cond_broadcast(&p->work);
	return STATUS_OK;
}

static void report_failure(Run *run, const Result *r)
{
	if (++run->failed <= SHOWN_FAILURES) {
		progress_clear(&run->progress);
		cli_warn("item %lld: %s", r->id, r->error);
	}
}

/* Commits results (taken from the pipe) in one transaction. */
static Status commit(Run *run, Result *results, size_t n)
{
	Status st = n ? db_begin(run->db) : STATUS_OK;
	for (size_t i = 0; st == STATUS_OK && i < n; i++)
		if (results[i].ok)
			st = db_feature_put(run->db, TRAINSET_PIXELS, DB_FEATURE_F32, results[i].id,
					    results[i].values, FEATURES_COUNT);
	if (n && st == STATUS_OK)
		st = db_commit(run->db);
	else if (n)
		db_rollback(run->db);
	for (size_t i = 0; i < n; i++) {
		if (st == STATUS_OK && results[i].ok)
			run->measured++;
		else if (st == STATUS_OK)
			report_failure(run, &results[i]);
		free(results[i].error);
	}
	return st;
}

/* Waits until a batch is due (or nothing is left to wait for), with the
 * lock held; returns whether the work is finished. */
static int wait_batch(Run *run, double since)
{
	Pipe *p = &run->pipe;
	for (;;) {
		int idle = !p->todo_count && !p->busy && (run->exhausted || interrupted);
		struct timespec until;
		double left = since + BATCH_S - clock_now_s();
		if (idle || (int)p->results_count >= BATCH_ROWS || left <= 0)
			return idle;
		if (left > 0.2)
			left = 0.2; /* look at the signal flag and the bar now and then */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)(left * 1e9);
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&p->done, &p->lock, &until);
	}
}

/* Drops the items not yet handed to a worker (on an interrupt). */
static void drop_queued(Pipe *p)
{
	for (size_t k = 0; k < p->todo_count; k++)
		free(p->todo[(p->todo_head + k) % p->todo_cap].path);
	p->todo_count = 0;
}

static Status drive(Run *run, int jobs)
{
	Pipe *p = &run->pipe;
	Status st = STATUS_OK;
	int finished = 0;
	while (st == STATUS_OK && !finished) {
		double since = clock_now_s();
		Result *batch;
		size_t n;
		char extra[64] = "";
		pthread_mutex_lock(&p->lock);
		if (interrupted)
			drop_queued(p);
		else
			st = refill(run, (size_t)(4 * jobs + FETCH));
		finished = st == STATUS_OK && wait_batch(run, since);
		batch = p->results, n = p->results_count;
		p->results = NULL, p->results_count = p->results_cap = 0;
		pthread_mutex_unlock(&p->lock);
		if (st == STATUS_OK)
			st = commit(run, batch, n);
		free(batch);
		if (run->failed)
			snprintf(extra, sizeof extra, "unreadable %lld", run->failed);
		progress_show(&run->progress, run->measured + run->failed, run->total,
			      *extra ? extra : NULL, 0);
	}
	return st;
}

static Status run_workers(Run *run, int jobs)
{
	Pipe *p = &run->pipe;
	pthread_t *threads = xcalloc((size_t)jobs, sizeof *threads);
	int started = 0;
	Status st;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	while (started < jobs && !pthread_create(&threads[started], NULL, worker, p))
		started++;
	st = started ? drive(run, started)
		     : status_fail(STATUS_ERR_IO, "cannot start a worker thread");
	pthread_mutex_lock(&p->lock);
	p->closing = 1;
	drop_queued(p);
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	/* what finished after the last batch is measured work: keep it */
	if (st == STATUS_OK)
		st = commit(run, p->results, p->results_count);
	else
		for (size_t i = 0; i < p->results_count; i++)
			free(p->results[i].error);
	free(p->results);
	free(p->todo);
	free(threads);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	return st;
}

/* The set's row in feature_sets: pixels-v1's column names. */
static Status declare_set(Db *db)
{
	DbFeatureSet set = {.name = TRAINSET_PIXELS, .dim = FEATURES_COUNT,
			    .columns = (char **)features_names(), .type = DB_FEATURE_F32,
			    .origin = DB_FEATURE_MEASURED};
	return db_feature_set_put(db, &set);
}

static void print_set(void *arg, const DbFeatureSet *set)
{
	(void)arg;
	out_printf(stdout, "%-24s %5d %s %-8s %10lld items", set->name, set->dim,
	       set->type == DB_FEATURE_F32 ? "float32" : "float64",
	       set->origin == DB_FEATURE_MEASURED ? "measured" : "imported", set->items);
	out_printf(stdout, "%s%s\n", set->source ? "  from " : "", set->source ? set->source : "");
}

static void summary(const Run *run, const DbFeatureCounts *c, double seconds)
{
	cli_note("%s: measured %lld item%s in %.1f s (%.1f images/s)%s", TRAINSET_PIXELS,
		 run->measured, run->measured == 1 ? "" : "s", seconds,
		 seconds > 0 ? run->measured / seconds : 0.0, interrupted ? "; interrupted" : "");
	if (run->failed)
		cli_note("%lld image%s could not be read (left without features; tried again next "
			 "time)", run->failed, run->failed == 1 ? "" : "s");
	if (c->no_image || c->url_only)
		cli_note("skipped %lld item%s without an image and %lld with only a URL",
			 c->no_image, c->no_image == 1 ? "" : "s", c->url_only);
}

int cmd_features(int argc, char **argv)
{
	const char *db_flag = NULL;
	int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN), quiet = 0, list = 0;
	const CliOpt options[] = {
		CLIOPT_DB(&db_flag),
		CLIOPT_NUMBER(CLIOPT_INT, "jobs", &jobs, "N", 1, 256,
			      "measure N images at once (default: the number of cores)"),
		CLIOPT_SWITCH("list", 0, &list, "list the feature sets in the database and stop"),
		CLIOPT_SWITCH("quiet", 'q', &quiet, "no progress bar, only problems"),
		CLIOPT_END,
	};
	const CliSpec spec = {
		.command = "features",
		.synopsis = "usage: gavel features [--db FILE] [--jobs N] [--list] [--quiet]",
		.about = "Measure the pixel features (feature set " TRAINSET_PIXELS ": exposure,\n"
			 "contrast, saturation, colourfulness, sharpness, edge density, border\n"
			 "plainness, clipping, noise, centring, resolution, aspect; docs/scorer.md) of\n"
			 "every item with a local image that does not have them yet. Each image is\n"
			 "measured once: results are committed in batches, so a run that is\n"
			 "interrupted (Ctrl-C, or killed) keeps what it measured and the next run\n"
			 "does only the rest. Items without an image are skipped and counted.",
		.options = options,
	};
	Run run = {0};
	DbFeatureCounts counts;
	double started = clock_now_s();
	Status st;
	int first, rc = cliopt_parse(&spec, argc, argv, &first);

	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	if (first < argc)
		return cli_usage_error("features", "unexpected argument '%s'", argv[first]);
	if (jobs < 1)
		jobs = 1;
	st = db_open(cli_db_path(db_flag), DB_OPEN_EXISTING, &run.db);
	if (st != STATUS_OK)
		return cli_fail(st);
	if (list) {
		st = db_feature_sets(run.db, print_set, NULL);
		db_close(run.db);
		return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
	}
	st = declare_set(run.db);
	if (st == STATUS_OK)
		st = db_feature_counts(run.db, TRAINSET_PIXELS, &counts);
	if (st == STATUS_OK) {
		run.total = counts.pending;
		progress_start(&run.progress, "features: " TRAINSET_PIXELS, quiet);
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		st = run_workers(&run, jobs);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		progress_clear(&run.progress);
	}
	if (st == STATUS_OK && !quiet)
		summary(&run, &counts, clock_now_s() - started);
	db_close(run.db);
	if (st != STATUS_OK)
		return cli_fail(st);
	return interrupted ? CLI_EXIT_INTERRUPTED : CLI_EXIT_OK;
}
