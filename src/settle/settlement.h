/* settlement.h - every item's settled label in a database, under a named
 * rule and its parameters (src/settle/settle.h), with Dawid-Skene fitted
 * over the reviewers (and, with with_llm, the LLM as one more rater) when
 * the rule needs it or the caller asks. The one file of src/settle/ that
 * reads the database (db/votes.h); what it computes is settle.c's and
 * dawidskene.c's.
 *
 * The votes: each reviewer's standing labels (db/votes.h: a rating made
 * `again` by import-ratings counts as one more vote), the LLM's answer of
 * the chosen run (or the latest with one) as the LLM rater's vote. The
 * adjudicated items are clamped to their label in the fit and keep it
 * under every rule. */
#ifndef GAVEL_SETTLEMENT_H
#define GAVEL_SETTLEMENT_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "db/database.h"
#include "src/base/status.h"
#include "src/settle/dawidskene.h"
#include "src/settle/settle.h"

/* A rule with everything it reads: what `gavel settle --set-default`
 * stores and every export records. */
typedef struct {
	const SettleRule *rule;
	SettleParams params;
	int with_llm;      /* the LLM is one more Dawid-Skene rater */
	long long llm_run; /* its answers from this run; 0: each item's latest */
	double tolerance;  /* Dawid-Skene: stop when no posterior moves more */
	int max_iterations;
} SettleConfig;

/* unanimous, the settle.h defaults, no LLM, the Dawid-Skene defaults. */
SettleConfig settlement_config_default(void);

/* The config as one JSON object (the rule's parameters, and for
 * dawid-skene with_llm, llm_run, tolerance and max_iterations), numbers
 * printed so they read back exactly. Newly allocated. */
char *settlement_config_json(const SettleConfig *config);

/* Reads what settlement_config_json() wrote over *config (fields it lacks
 * stay as they are). STATUS_ERR_INPUT when it is not such an object. */
Status settlement_config_parse(const char *json, SettleConfig *config);

/* The database's default (db/votes.h), or settlement_config_default() when
 * none was stored. */
Status settlement_config_of(Db *db, SettleConfig *config);

typedef struct Settlement Settlement;

/* Reads every item's votes and settles them under config; fits
 * Dawid-Skene when the rule is dawid-skene or fit_ds is set. Memory: about
 * 60 bytes an item and 16 a vote, plus the fit's (dawidskene.h). *out is
 * the caller's. Database errors as db/ reports them; STATUS_ERR_INPUT when
 * the database has no scale. */
Status settlement_load(Db *db, const SettleConfig *config, int fit_ds, Settlement **out);

void settlement_free(Settlement *settlement); /* NULL-safe */

/* The fit whose rater matrices `agree` and the review dashboard show as
 * each rater's estimated accuracy: the database's default config (or
 * settlement_config_default() when the stored one cannot be read) with the
 * LLM as one more rater, Dawid-Skene fitted. stop is NULL, or a flag another
 * thread sets to give up (looked at between items while reading, between
 * iterations while fitting: the dashboard's fit runs on a worker,
 * ui/accuracyjob.h). *out is the caller's; a status as settlement_load()
 * gives it, or STATUS_ERR_INTERRUPTED when stopped; *out NULL then. */
Status settlement_load_accuracy(Db *db, volatile sig_atomic_t *stop, Settlement **out);

/* The scale size K and the name of label 1..K (borrowed). */
int settlement_labels(const Settlement *s);
const char *settlement_label_name(const Settlement *s, int label);

/* Items, in id order. */
size_t settlement_items(const Settlement *s);
long long settlement_item_id(const Settlement *s, size_t i);
const char *settlement_external_id(const Settlement *s, size_t i);

/* The index of the item with id item_id, or (size_t)-1. Binary search. */
size_t settlement_find(const Settlement *s, long long item_id);

/* Item i's outcome under the config's rule. */
SettleOutcome settlement_outcome(const Settlement *s, size_t i);

/* Item i's human votes (labels, borrowed) and how many reviewers stand on a
 * skip; its adjudicated label (0: none). */
const int *settlement_human_labels(const Settlement *s, size_t i, size_t *n);
int settlement_unsure(const Settlement *s, size_t i);
int settlement_adjudicated(const Settlement *s, size_t i);

/* The Dawid-Skene fit, or NULL when none was made. Its items are the
 * settlement's items, its raters settlement_rater_*(). */
const DsResult *settlement_ds(const Settlement *s);

/* Raters: the reviewers in name order, then the LLM when with_llm. */
size_t settlement_raters(const Settlement *s);
const char *settlement_rater_name(const Settlement *s, size_t rater);
int settlement_rater_is_llm(const Settlement *s, size_t rater);
size_t settlement_rater_votes(const Settlement *s, size_t rater);
/* The rater called name (a reviewer's name; "llm" never names the LLM, see
 * settlement_rater_is_llm), or (size_t)-1. */
size_t settlement_rater_find(const Settlement *s, const char *name);

/* The config the settlement was made under (borrowed). */
const SettleConfig *settlement_config(const Settlement *s);

/* Writes the report as one JSON object (docs/export.md, "gavel settle"):
 * the config, the scale, the counts by reason and label, the Dawid-Skene
 * fit (iterations, converged, log-likelihood, priors, every rater's
 * matrix with rows = true label and columns = observed, and its accuracy
 * per label) and every item with its outcome, best label and posteriors.
 * Streams: memory does not grow with the items. STATUS_ERR_IO when
 * writing fails. */
Status settlement_write_json(const Settlement *s, FILE *out);

/* The same as text for people: counts, and for Dawid-Skene the fit and
 * each rater's estimated accuracy per label. */
Status settlement_write_text(const Settlement *s, FILE *out);

/* Each rater's estimated accuracy per label, P(says j | truly j), as lines
 * of at most 80 columns (for `agree`): fn gets each line. Nothing when no
 * fit was made. */
void settlement_accuracy_lines(const Settlement *s, void (*fn)(void *arg, const char *line),
			       void *arg);

/* Records the fit's posteriors for the adjudication queue (db/votes.h):
 * each item's best posterior and whether it is in doubt (below
 * min_posterior, or tied). Nothing when no fit was made. */
Status settlement_mark_posteriors(Db *db, const Settlement *s);

#endif
