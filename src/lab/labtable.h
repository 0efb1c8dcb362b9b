/* labtable.h - the prompt lab's table: every labeller (a prompt version
 * with a model, or a run with no prompt, such as imported ratings) measured
 * against the settled human label, ranked by agreement. What `gavel prompts
 * list` prints and the lab screen shows. Pure computation on plain data
 * (src/lab/labdata.h fills it from a database); docs/prompt-lab.md.
 *
 * Per labeller: the settled items it answered (covered), quadratic-weighted
 * kappa with its percentile bootstrap interval, exact agreement, the share
 * of its answers that did not parse, tokens and cost, and with --repeat the
 * self-consistency figures (src/agree/consistency.h).
 *
 * Ranking. A figure measured on fewer items is not comparable with one
 * measured on more: a version rerun on a sample of 30 items can show a
 * kappa of 0.9 by luck. So labellers covering at least LABTABLE_FULL_SHARE
 * of the best-covered one's items are ranked first, by quadratic kappa; the
 * others follow, by kappa too, each marked as measured on fewer items; a
 * labeller whose kappa is undefined comes last. The best is the first of
 * the ranking when its kappa is defined; the current is the labeller of the
 * latest run. */
#ifndef GAVEL_LABTABLE_H
#define GAVEL_LABTABLE_H

#include <stddef.h>

#include "src/agree/bootstrap.h"
#include "src/agree/consistency.h"
#include "src/agree/metrics.h"

#define LABTABLE_FULL_SHARE 0.9

/* A settled item as one labeller answered it. */
typedef struct {
	long long item; /* item id */
	int human;      /* the settled label, 1..K */
	int label;      /* the labeller's label (the majority of its answers), 0 when none parsed */
} LabItem;

/* One labeller and everything it answered; strings and arrays owned
 * (labtable_labeller_clear). */
typedef struct {
	char *ref;            /* how to name it: a version id ("3") or "run:7" */
	long long version_id; /* 0: runs without a prompt version */
	long long parent_id;  /* the version it was edited from, 0 for none */
	char *hash, *name, *note, *provider, *model;
	long long *runs; /* its runs, ascending */
	int n_runs;
	int repeats;    /* the most answers per item of any of its runs */
	LabItem *items; /* settled items it answered, ascending id */
	size_t n_items;
	int *answers; /* n_items x repeats answers (0: none), for consistency */
	long long calls, parse_failed, failed, cached;          /* every answer of its runs */
	long long prompt_tokens, completion_tokens;             /* of the calls made */
	long long saved_prompt_tokens, saved_completion_tokens; /* of the cached answers */
	int has_price;
	double price_in, price_out; /* per million tokens */
	int unfinished;             /* its latest run stopped before the end (resumable) */
} LabLabeller;

void labtable_labeller_clear(LabLabeller *l);

/* One row of the table: the labeller's figures. */
typedef struct {
	const LabLabeller *who; /* borrowed */
	long covered;           /* settled items with a label */
	MetricValue kappa_q, agreement, parse_failure_rate;
	MetricInterval kappa_q_ci;
	double cost, saved;       /* of the calls made / the cached answers; < 0 unknown */
	int rank;                 /* 1 = first */
	int best, current, fewer; /* fewer: ranked after the better-measured ones */
	int consistency;          /* the figures below are filled (a run with --repeat) */
	ConsistencySummary consistency_summary;
} LabRow;

typedef struct {
	LabRow *rows; /* ranked */
	int n_rows;
	long max_covered;
	BootstrapOptions boot;
} LabTable;

/* Measures and ranks n labellers on the scale 1..K; current_run is the
 * latest run's id (0: none). boot may be NULL (the defaults). The table
 * borrows the labellers; free it with labtable_free. */
LabTable *labtable_build(const LabLabeller *labellers, int n, int K, long long current_run,
			 const BootstrapOptions *boot);
void labtable_free(LabTable *table);

/* A token count as the lab shows it: exact below 10,000, then "12.3k",
 * then "12M". */
void labtable_tokens_text(long long n, char *out, size_t size);

/* Dollars as the lab shows them: "$0.42", "<$0.01" for a cost below a
 * cent, "-" when unknown (usd < 0: no price). */
void labtable_money_text(double usd, char *out, size_t size);

/* The majority label of an item's n answers (0 when none is on 1..K). */
int labtable_majority(const int *answers, int n, int K);

#endif
