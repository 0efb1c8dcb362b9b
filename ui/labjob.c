/* labjob.c - a rerun or a suggestion, a step at a time. */
#include "ui/labjob.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"
#include "src/lab/labrerun.h"
#include "src/llm/labelrun.h"

struct LabJob {
	Db *db;
	LabRunSetup setup;
	LabelRun *run;
	LabelSummary sum;
	Suggest *suggest;
	volatile sig_atomic_t stop;
};

static Status start(Db *db, long long run_id, LabJob **out)
{
	LabJob *job = xcalloc(1, sizeof *job);
	LabelOptions o;
	Status st = labrerun_setup(db, run_id, NULL, &job->setup);
	*out = NULL;
	if (st == STATUS_OK) {
		job->db = db;
		o = labrerun_options(&job->setup);
		o.stop = &job->stop;
		st = labelrun_start(db, run_id, job->setup.prompt, &job->setup.scale, &o, &job->sum,
				    &job->run);
	}
	if (st != STATUS_OK) {
		labrerun_setup_free(&job->setup);
		free(job);
		return st;
	}
	*out = job;
	return STATUS_OK;
}

Status labjob_rerun(Db *db, long long like_run, long long version_id, size_t sample, uint64_t seed,
		    LabJob **out)
{
	long long *ids, run_id;
	int *labels;
	size_t n;
	Status st = labrerun_settled(db, sample, seed, &ids, &labels, &n);
	*out = NULL;
	if (st == STATUS_OK && !n)
		st = status_fail(STATUS_ERR_INPUT, "no settled items yet: review some first");
	if (st == STATUS_OK)
		st = labrerun_create(db, like_run, version_id, ids, n, 0, &run_id);
	free(ids), free(labels);
	if (st == STATUS_OK)
		st = start(db, run_id, out);
	return st;
}

Status labjob_resume(Db *db, long long run_id, LabJob **out)
{
	return start(db, run_id, out);
}

Status labjob_suggest(Suggest *suggestion, LabJob **out)
{
	LabJob *job = xcalloc(1, sizeof *job);
	Status st;
	job->suggest = suggestion;
	st = suggest_start(suggestion, &job->stop);
	*out = job;
	return st;
}

int labjob_step(LabJob *job, int timeout_ms)
{
	if (job->suggest)
		return suggest_step(job->suggest, timeout_ms);
	return job->run && labelrun_step(job->run, timeout_ms);
}

void labjob_status(const LabJob *job, char *out, size_t size)
{
	const LabelSummary *s = &job->sum;
	if (job->suggest) {
		suggest_status(job->suggest, out, size);
		return;
	}
	/* short: it shares the status line with the last message */
	snprintf(out, size, "run %lld: %lld/%lld answered (%lld from the cache", job->setup.run_id,
		 s->done_before + s->ok + s->parse_failed + s->failed, s->planned, s->cache_hits);
	if (s->parse_failed)
		snprintf(out + strlen(out), size - strlen(out), ", %lld unparsed", s->parse_failed);
	if (s->failed)
		snprintf(out + strlen(out), size - strlen(out), ", %lld failed", s->failed);
	snprintf(out + strlen(out), size - strlen(out), ")%s", job->stop ? " stopping" : "");
}

void labjob_cancel(LabJob *job)
{
	job->stop = 1;
}

static Status finish_suggest(LabJob *job, LabJobResult *r)
{
	Suggest *s = job->suggest;
	Status st = suggest_result(s);
	int n, best = suggest_best(s);
	const SuggestCandidate *c = suggest_candidates(s, &n);
	if (st != STATUS_OK)
		snprintf(r->summary, sizeof r->summary, "suggest: %s", status_detail());
	else if (best < 0)
		snprintf(r->summary, sizeof r->summary,
			 "suggest: no edit had a kappa on the select "
			 "items (%d tried)",
			 n);
	else {
		snprintf(r->summary, sizeof r->summary,
			 "suggest: version %lld was best of %d on select "
			 "(kappa_q %.3f): t compares it with %s on the test items",
			 c[best].version_id, n, c[best].kappa.value, suggest_original(s));
		snprintf(r->compare_a, sizeof r->compare_a, "%s", suggest_original(s));
		snprintf(r->compare_b, sizeof r->compare_b, "run:%lld", suggest_test_run(s));
	}
	suggest_free(s);
	return st;
}

Status labjob_finish(LabJob *job, LabJobResult *r)
{
	Status st;
	memset(r, 0, sizeof *r);
	if (job->suggest) {
		st = finish_suggest(job, r);
		free(job);
		return st;
	}
	st = labelrun_finish(job->run);
	if (st != STATUS_OK)
		snprintf(r->summary, sizeof r->summary, "run %lld stopped: %s (r resumes it)",
			 job->setup.run_id, status_detail());
	else if (job->sum.stopped)
		snprintf(r->summary, sizeof r->summary,
			 "run %lld stopped by you at %lld of %lld "
			 "(r resumes it)",
			 job->setup.run_id,
			 job->sum.done_before + job->sum.ok + job->sum.parse_failed +
				 job->sum.failed,
			 job->sum.planned);
	else
		snprintf(r->summary, sizeof r->summary,
			 "run %lld done: %lld ok, %lld unparsed, %lld "
			 "failed; %lld from the cache, %lld calls made",
			 job->setup.run_id, job->sum.ok, job->sum.parse_failed, job->sum.failed,
			 job->sum.cache_hits, job->sum.cache_misses);
	labrerun_setup_free(&job->setup);
	free(job);
	return st;
}
