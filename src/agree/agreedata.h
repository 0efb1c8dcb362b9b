/* agreedata.h - the rows the agreement report works on, in memory: each
 * reviewer's standing labels, the predictions with their runs, categories
 * and scorer scores. Filled by agreeload_data() (src/agree/agreeload.h) from
 * a database or by the adders below (the unit tests make data by hand). Plain data: src/agree.c
 * reads the arrays directly; only the adders write them. */
#ifndef GAVEL_AGREEDATA_H
#define GAVEL_AGREEDATA_H

#include <stddef.h>

#include "db/kinds.h"

/* One reviewer's standing label on an item. */
typedef struct {
	long long item;
	int reviewer; /* index into AgreeData.reviewers */
	int label;    /* 1..K */
	int blind;
	int from; /* how the item was chosen: index into AgreeData.froms */
} AgreeHuman;

/* One prediction. */
typedef struct {
	long long item;
	int run;    /* index into AgreeData.runs */
	DbPredictionState status;
	int label;  /* 0 when none */
} AgreePred;

/* A labelling run, its prompt version, tokens and price. Strings owned, may
 * be NULL. */
typedef struct {
	long long id, prompt_version_id; /* prompt_version_id 0: none */
	char *hash, *name, *provider, *model;
	long long prompt_tokens, completion_tokens;
	int has_price;
	double price_in, price_out; /* per million tokens */
} AgreeRun;

typedef struct {
	long long item;
	int category; /* index into AgreeData.categories */
} AgreeCategory;

typedef struct {
	long long item;
	double score;
} AgreeScore;

/* An item of the audit the report's headline rests on, and the stratum it
 * was drawn in (an index into AgreeAudit.population). */
typedef struct {
	long long item;
	int stratum;
} AgreeAuditItem;

/* That audit (id 0: none): its design and its items. A stratified audit's
 * figures weigh each stratum by its share of the population. */
typedef struct {
	long long id;
	char *name;     /* may be NULL */
	int stratified; /* strata by LLM label */
	int blind;
	unsigned long long seed;
	long long size; /* items drawn */
	int n_strata;
	long long *population; /* [n_strata]: items in each stratum at the draw */
	AgreeAuditItem *items;
	size_t n_items, items_cap;
} AgreeAudit;

/* Rows in any order (agree_report() sorts copies); the arrays grow through
 * the adders, which keep runs in ascending id order. */
typedef struct {
	int K;
	char **names;          /* [K]: names[0] names label 1 */
	long long items_total; /* items in the database, for the summary; 0 unknown */
	long invalid_human;    /* human labels outside 1..K, left out */
	char **reviewers;
	int n_reviewers, reviewer_hint;
	size_t reviewers_cap;
	AgreeHuman *h;
	size_t nh, h_cap;
	AgreePred *p;
	size_t np, p_cap;
	AgreeRun *runs;
	int n_runs;
	size_t runs_cap;
	char **categories;
	int n_categories, category_hint;
	size_t categories_cap;
	AgreeCategory *cats;
	size_t n_cats, cats_cap;
	long long scorer; /* the scorer model the scores come from; 0: none */
	AgreeScore *scores;
	size_t n_scores, scores_cap;
	/* how items were chosen: the queue order's word, "import", or
	 * "unrecorded" (decisions older than gavel keeping it) */
	char **froms;
	int n_froms, from_hint;
	size_t froms_cap;
	AgreeAudit audit;
} AgreeData;

/* An empty data set on the scale 1..K (names[0] names label 1; copied). */
AgreeData *agreedata_new(int K, const char *const *names);

/* Frees the data; NULL is fine. */
void agreedata_free(AgreeData *data);

/* Adds one reviewer's standing label on an item. A label outside 1..K is
 * counted (agreedata_invalid_human) and otherwise ignored. */
void agreedata_add_human(AgreeData *data, long long item_id, const char *reviewer, int label,
			 int blind);

/* agreedata_add_human() for a label whose item was chosen by from (a queue
 * order's word, "import"; NULL for unrecorded). */
void agreedata_add_human_from(AgreeData *data, long long item_id, const char *reviewer, int label,
			      int blind, const char *from);

/* Sets the audit (the name is copied; population has n_strata entries),
 * then adds its items one by one. */
void agreedata_set_audit(AgreeData *data, long long id, const char *name, int stratified, int blind,
			 unsigned long long seed, long long size, int n_strata,
			 const long long *population);
void agreedata_add_audit_item(AgreeData *data, long long item_id, int stratum);

/* Adds one prediction of run run_id (which must have been added with
 * agreedata_add_run, else the prediction is ignored). label is 0 when the
 * prediction has none. Tokens are counted for the run's cost whatever the
 * item; the prediction itself is kept only for items that have a human label
 * when the data came from agreeload_data(). */
void agreedata_add_prediction(AgreeData *data, long long item_id, long long run_id,
			      DbPredictionState status, int label);

/* Adds a labelling run. prompt_version_id is 0 when the run has no prompt
 * version; strings may be NULL and are copied. */
void agreedata_add_run(AgreeData *data, long long run_id, long long prompt_version_id,
		       const char *prompt_hash, const char *prompt_name, const char *provider,
		       const char *model);

/* Adds to a run's token counts (its cost). */
void agreedata_add_tokens(AgreeData *data, long long run_id, long long prompt_tokens,
			  long long completion_tokens);

/* Sets the price of a run's tokens, in currency units per million input and
 * output tokens; without one its cost is unknown. */
void agreedata_set_price(AgreeData *data, long long run_id, double price_in, double price_out);

/* Sets an item's category (copied). */
void agreedata_set_category(AgreeData *data, long long item_id, const char *category);

/* Says which scorer model the scores come from (0: none), and adds one. */
void agreedata_set_scorer(AgreeData *data, long long model_id);
void agreedata_add_score(AgreeData *data, long long item_id, double score);

#endif
