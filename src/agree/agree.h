/* agree.h - the agreement report behind gavel agree: the LLM against each
 * reviewer and against the settled human label, reviewers against each other
 * (each pair, and all of them as a group), the scorer against the humans,
 * and one table per prompt version, model, reviewer, category or blind/primed.
 * Every figure comes from src/metrics.c or src/reliability.c with its n and
 * a bootstrap interval (src/bootstrap.c); docs/metrics.md defines them all.
 *
 * The data are plain in-memory rows (src/agreedata.h), read from a database
 * or made by hand (the unit tests); agree_report() turns them into an
 * AgreeReport, which src/agreefmt.c prints as text or JSON. */
#ifndef GAVEL_AGREE_H
#define GAVEL_AGREE_H

#include <stddef.h>

#include "src/agree/agreedata.h"
#include "src/agree/bootstrap.h"
#include "src/agree/metrics.h"
#include "src/agree/reliability.h"

/* The slices of --by, declared once: the enum and the names come from here. */
#define AGREE_BY_LIST(X)   \
	X(NONE, "")        \
	X(PROMPT, "prompt") \
	X(MODEL, "model")   \
	X(REVIEWER, "reviewer") \
	X(CATEGORY, "category") \
	X(BLIND, "blind")

typedef enum {
#define AGREE_BY_ENUM(name, text) AGREE_BY_##name,
	AGREE_BY_LIST(AGREE_BY_ENUM)
#undef AGREE_BY_ENUM
	AGREE_BY_COUNT
} AgreeBy;

/* The --by names, indexed by AgreeBy ("" for NONE), NULL-terminated. */
extern const char *const agree_by_words[];

/* The --by name of a slice kind; static, "" for NONE. */
const char *agree_by_name(AgreeBy by);

/* How to build the report. */
typedef struct {
	AgreeBy by;
	long long run_id;            /* the LLM label comes from this run only; 0: any */
	long long prompt_version_id; /* ... from runs of this prompt version only; 0: any */
	int intervals;               /* compute bootstrap intervals */
	BootstrapOptions boot;
} AgreeOptions;

/* A figure with its interval and the number of items behind it. When no
 * interval was asked for, ci.defined is 0 and ci.why is NULL. */
typedef struct {
	MetricValue value;
	MetricInterval ci;
	long n;
} AgreeFigure;

/* Two raters on the items both labelled: a (rows of table) against b. */
typedef struct {
	char *a, *b;  /* display names, owned */
	long n;       /* items compared */
	long *table;  /* K*K counts, owned; row = a's label - 1 */
	AgreeFigure fig[METRICS_STAT_COUNT];
	/* For comparisons with the LLM: items with a human label that were left
	 * out, and why (0 elsewhere). */
	long unsettled;    /* the human labels disagree */
	long no_llm;       /* no prediction from the runs in question */
	long parse_failed; /* their predictions all failed to parse */
	long failed;       /* their predictions all failed (network, refusal) */
} AgreePair;

/* All reviewers as a group: a ratings table of every item one of them
 * labelled. Fleiss' kappa uses the items with two or more ratings and needs
 * the same count on each; alpha ignores single ratings by definition; AC1
 * uses every rated item (a single rating moves its chance term). */
typedef struct {
	int raters;
	long items, pairable, ratings;
	AgreeFigure fig[RELIABILITY_STAT_COUNT];
} AgreeGroup;

/* The latest scorer model against the settled human label. */
typedef struct {
	long long model_id; /* 0: the database has no scores */
	AgreePair rounded;  /* scores rounded half up to the nearest label, clamped to 1..K */
	AgreeFigure raw[METRICS_STAT_COUNT]; /* SPEARMAN, KENDALL_TAU_B, PEARSON, MAE filled */
	long unscored;      /* settled items without a score */
} AgreeScorer;

/* A run the LLM label of some items came from (the latest run that labelled
 * each item), and for how many human-labelled items. Strings borrowed from
 * the report's data. */
typedef struct {
	long long run_id;
	const char *provider, *model, *prompt_hash;
	long items;
} AgreeLlmSource;

/* One row of a --by table. */
typedef struct {
	char *key;    /* what the row is: hash prefix, model, reviewer, category, blind/primed */
	char *detail; /* more about it (prompt name and runs); may be NULL */
	long long id; /* the prompt version id for --by prompt, else 0 */
	AgreePair pair;
	int runs;                           /* --by prompt/model: runs in the row */
	long long prompt_tokens, completion_tokens;
	int has_cost;                       /* when every run with tokens has a price */
	double cost;
} AgreeSlice;

/* The LLM against the settled human label on the items of an audit (a
 * random sample): the catalogue's agreement, the report's headline. With
 * several strata (an audit by LLM label) the figures are design-weighted:
 * each stratum's table counts by its share of the population
 * (src/agree/agreeaudit.h). */
typedef struct {
	long long id;   /* 0: no audit */
	long drawn;     /* items the audit holds */
	long labelled;  /* ... with a human label */
	AgreePair pair; /* their pooled table (human rows) and what was left out */
	long *strata;   /* [n_strata * K * K]: each stratum's table */
	int n_strata;
	int weighted; /* figures design-weighted */
	AgreeFigure fig[METRICS_STAT_COUNT];
} AgreeAuditReport;

/* How many standing human labels were given on items each way chose: a
 * queue order ("audit", "disagreement", ...), "import", "unrecorded". */
typedef struct {
	const char *from; /* borrowed from the data */
	long labels;
} AgreeFrom;

typedef struct {
	int K;
	char **names; /* owned */
	AgreeOptions options;
	long long items_total;
	long human_labels, items_human, reviewers_count, settled, unsettled, invalid_human;
	long items_llm; /* items with a human label and an LLM label */
	AgreeLlmSource *llm_sources; /* the runs those LLM labels came from, latest first */
	int n_llm_sources;
	char **reviewers; /* owned, sorted */
	AgreePair settled_pair;   /* human (settled) against the LLM */
	AgreePair *per_reviewer;  /* [reviewers_count]: the reviewer against the LLM */
	AgreePair *pairs;         /* reviewer against reviewer, on shared items */
	int n_pairs;
	AgreeGroup group;
	AgreeScorer scorer;
	AgreeSlice *slices;
	int n_slices;
	AgreeAuditReport audit;
	AgreeFrom *froms; /* most labels first */
	int n_froms;
} AgreeReport;

/* Computes the report (owned by the caller: agree_report_free). */
AgreeReport *agree_report(const AgreeData *data, const AgreeOptions *options);

void agree_report_free(AgreeReport *report);

/* The work limit on intervals that resample items one by one (the
 * reviewer group, the scorer's raw scores): items x ratings x resamples.
 * Past it the interval is left out with a reason saying so. */
#define AGREE_RESAMPLE_BUDGET 300000000.0

#endif
