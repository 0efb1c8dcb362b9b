/* estimate.h - each label's share of the catalogue (every item with an LLM
 * label) from the LLM's labels and a random sample of human labels: the
 * four estimates of src/agree/ppi.h for the whole catalogue and per
 * category, with the design weights of a stratified audit. Pure
 * computation on plain data; src/estimate/estimateload.h fills the data
 * from a database and docs/estimates.md explains the figures.
 *
 * The sample L is the sampled items (an audit's items, or with
 * --reviewed-as-sample every reviewed item) that have a human label and an
 * LLM label; every other item with an LLM label is outside it (U),
 * including an audit's items nobody has reviewed yet. For an audit by LLM
 * label, stratum s holds N_s items with an LLM label (the audit's items in
 * the stratum they were drawn in, the others by their LLM label) of which
 * m_s are in L: an item of L weighs 1 / p_s and one of U 1 / (1 - p_s),
 * p_s = m_s / N_s, the inclusion probability of the audit as reviewed so
 * far. Reviewing in the audit order keeps each stratum's reviewed items a
 * prefix of its draw, so they are a uniform sample of the stratum. */
#ifndef GAVEL_ESTIMATE_H
#define GAVEL_ESTIMATE_H

#include <stddef.h>

#include "src/agree/ppi.h"
#include "src/base/intmap.h"
#include "src/base/status.h"

/* A sampled item: its human label (0: none yet), LLM label (0: none),
 * stratum (0 in a uniform sample, else the LLM label it was drawn under),
 * category (an index into EstimateData.categories, -1 for none). */
typedef struct {
	int human, llm, stratum, category;
} EstimateItem;

/* The catalogue counted and the sample itemised. The catalogue counts are
 * per (category, LLM label) and include the sampled items. */
typedef struct {
	int K;
	int stratified;    /* an audit by LLM label: strata 1..K, weighted */
	char **categories; /* owned */
	int n_categories;
	size_t categories_cap;
	IntMap *category_index; /* a name's hash -> its index */
	long long *catalogue;   /* row r = category r - 1 (row 0: none), K counts each */
	size_t catalogue_cap;   /* rows allocated */
	EstimateItem *items;
	size_t n_items, items_cap;
} EstimateData;

/* An empty data set on the scale 1..K. */
EstimateData *estimate_data_new(int K, int stratified);
void estimate_data_free(EstimateData *data);

/* The index of a category (added when new; NULL is -1, no category). */
int estimate_data_category(EstimateData *data, const char *category);

/* Adds n items of the category index with LLM label llm to the catalogue
 * (labels outside 1..K are ignored). */
void estimate_data_count(EstimateData *data, int category, int llm, long long n);

/* Adds a sampled item. */
void estimate_data_add_item(EstimateData *data, const EstimateItem *item);

/* The human label of an item from its standing labels in the order they
 * were given: the most common one, a tie going to the earliest given. 0
 * when n is 0. */
int estimate_human_label(const int *labels, int n);

/* One set of estimates: the whole catalogue (key NULL) or a category (key
 * its name, "(none)" for items without one). */
typedef struct {
	char *key;
	long long items;   /* items with an LLM label */
	long long sampled; /* of which in L */
	PpiResult r;
} EstimateSlice;

/* A stratum of an audit by LLM label, as the weights see it. */
typedef struct {
	int stratum;
	long long population, reviewed; /* N_s, m_s */
	double probability;             /* m_s / N_s */
} EstimateStratum;

typedef struct {
	int K;
	PpiOptions options;
	int by_category;
	EstimateSlice all;
	EstimateSlice *slices; /* by category, in the data's category order; none last */
	int n_slices;
	int stratified;
	EstimateStratum *strata; /* stratified: the strata with items */
	int n_strata;
	long long sample_items; /* sampled items */
	long long no_llm;       /* ... with a human label but no LLM label: left out */
	long long unreviewed;   /* ... without a human label yet: counted outside the sample */
	const char *why;        /* set when the sample estimates are undefined for the
				  * whole report (a stratum without a reviewed item) */
} EstimateReport;

/* Computes the estimates (ppi_estimate() per slice). Fills *report (free
 * with estimate_report_free whatever the status). STATUS_ERR_INPUT when
 * no item has an LLM label, or for options ppi_estimate() refuses. */
Status estimate_compute(const EstimateData *data, const PpiOptions *options, int by_category,
			EstimateReport *report);

void estimate_report_free(EstimateReport *report);

#endif
