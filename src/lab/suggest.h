/* suggest.h - an edit to a prompt, suggested by a model and tested
 * honestly (`gavel prompts suggest`, the lab screen's s key;
 * docs/prompt-lab.md).
 *
 * The settled items are split once, seeded and stratified by their human
 * label, into search, select and test parts (50/25/25 by default; the split
 * is stored, and items settled later are split among themselves and added,
 * so no item ever changes part). The proposer (the labeller's own provider
 * and model, or another model) sees the template and a seeded sample of the
 * search part's disagreements (human label, the model's answer and
 * rationale, the reviewer's note, the image), and proposes K edits, each
 * with a one-line hypothesis of what it should fix. Each candidate becomes
 * a prompt version (parent: the original; note: its hypothesis) and runs on
 * the select part; the one with the highest quadratic kappa there runs once
 * on the test part, where the caller compares it with the original (the
 * original runs on the test items it never labelled). Nothing is adopted:
 * that is the user's choice.
 *
 * Before anything runs, suggest_open() works out the plan: how many calls
 * at most, how many the call cache answers, and their cost; the caller
 * shows it and asks. The work then goes a step at a time (suggest_step),
 * so the review UI can pump it from its loop. */
#ifndef GAVEL_SUGGEST_H
#define GAVEL_SUGGEST_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "db/database.h"
#include "src/agree/metrics.h"
#include "src/lab/labdata.h"

typedef struct {
	unsigned percent[3];  /* search, select, test; summing to 100 */
	uint64_t split_seed;  /* of a new split */
	uint64_t sample_seed; /* which disagreements are shown */
	int candidates;       /* K */
	int examples;         /* disagreements shown, at most */
	int concurrency;
	const char *proposer_model; /* NULL: the labeller's model */
	const char *api_key;        /* NULL: the provider's environment variable */
	long long max_calls;        /* refuse a plan of more uncached calls; 0: no cap */
} SuggestOptions;

#define SUGGEST_DEFAULTS                                                                       \
	(SuggestOptions)                                                                       \
	{                                                                                      \
		.percent = { 50, 25, 25 }, .split_seed = 1, .sample_seed = 1, .candidates = 3, \
		.examples = 8, .concurrency = 8                                                \
	}

/* What the plan will cost, known before anything runs. */
typedef struct {
	long long parts[3];      /* settled items in search, select and test */
	long long newly_split;   /* of which split now (the others were split before) */
	long long disagreements; /* search items the labeller got wrong */
	int examples;            /* of which shown to the proposer */
	long long calls;  /* at most: proposer + K x select + test + the original's missing test */
	long long cached; /* of which the call cache answers now */
	long long original_missing; /* test items the original never labelled */
	double tokens_per_call;     /* the labeller's average so far; 0 when unknown */
	double cost;                /* of the calls the cache does not answer; < 0 unknown */
} SuggestPlan;

typedef struct {
	long long version_id;
	char *hypothesis;             /* owned */
	long long run_id;             /* its run on the select part */
	long covered;                 /* select items it labelled */
	MetricValue kappa, agreement; /* quadratic kappa and exact agreement on select */
} SuggestCandidate;

typedef enum {
	SUGGEST_READY,     /* planned, not started */
	SUGGEST_PROPOSING, /* the proposer call */
	SUGGEST_SELECTING, /* candidates on the select part */
	SUGGEST_TESTING,   /* the best, and the original where needed, on the test part */
	SUGGEST_DONE,
} SuggestStage;

typedef struct Suggest Suggest;

/* Plans a suggestion for labeller i of d (its answers are read here):
 * splits what needs splitting, picks the examples, counts the calls. Fails
 * with a detail when the labeller has no prompt to edit, too few settled
 * items, no disagreement to learn from, or a plan over opt->max_calls. *out
 * is the caller's (suggest_free). */
Status suggest_open(Db *db, LabData *d, int i, const SuggestOptions *opt, Suggest **out);

const SuggestPlan *suggest_plan(const Suggest *s);

/* Starts the work; stop (may be NULL) ends it early when set. */
Status suggest_start(Suggest *s, volatile sig_atomic_t *stop);

/* Does what is ready, waiting up to timeout_ms; 1 while work is left. */
int suggest_step(Suggest *s, int timeout_ms);

/* Where the work stands, one line ("candidate 2 of 3 on 25 select items: 14 done"). */
void suggest_status(const Suggest *s, char *out, size_t size);

SuggestStage suggest_stage(const Suggest *s);

/* How the work ended: STATUS_OK when it ran through, else the failure (the
 * proposer's reply unusable, a run failing, the stop flag). */
Status suggest_result(const Suggest *s);

/* The candidates (valid ones, in the proposer's order), the best of them
 * on select (-1: none had a kappa), the best's run on the test part (0:
 * none), and the reasons proposals were dropped ("" when none was). */
const SuggestCandidate *suggest_candidates(const Suggest *s, int *n);
int suggest_best(const Suggest *s);
long long suggest_test_run(const Suggest *s);
const char *suggest_dropped(const Suggest *s);

/* The original labeller's name (as labdata_find takes it). */
const char *suggest_original(const Suggest *s);

void suggest_free(Suggest *s);

#endif
