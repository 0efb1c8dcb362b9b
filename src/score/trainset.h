/* trainset.h - what the linear scorer is fitted on: the feature sources a
 * user names (`--features pixels-v1,emb,llm-score`), the target labels
 * (the scale 1..K, or two classes split at a level), and the rows
 * themselves (one per item: its features, its label, and the LLM's label
 * for the comparison `gavel train` prints), with a hash of exactly what a
 * model saw. Pure computation; src/score/trainer.c fills a set from the
 * database. */
#ifndef GAVEL_TRAINSET_H
#define GAVEL_TRAINSET_H

#include <stddef.h>

#include "src/base/status.h"

/* The feature set `gavel features` measures: src/img/features.h's 13
 * figures, version 1 of their formulas. */
#define TRAINSET_PIXELS "pixels-v1"
/* Not a stored set: the LLM's own score for the item (the latest answer
 * of a labeller other than the scorer), one feature named "llm_score". */
#define TRAINSET_LLM_SCORE "llm-score"

/* Where a block of columns comes from. */
typedef enum { TRAINSET_FROM_SET, TRAINSET_FROM_LLM_SCORE } TrainsetFrom;

typedef struct {
	TrainsetFrom from;
	char *name; /* the set's name, or TRAINSET_LLM_SCORE */
} TrainsetSource;

/* The sources of a model's columns, in order. Owned (trainset_sources_free). */
typedef struct {
	TrainsetSource *items;
	int count;
} TrainsetSources;

/* Parses a comma-separated list of sources. STATUS_ERR_USAGE with a detail
 * for an empty list or name, or a source named twice. */
Status trainset_sources_parse(const char *list, TrainsetSources *out);

/* The list as it was given ("pixels-v1,llm-score"), newly allocated. */
char *trainset_sources_text(const TrainsetSources *sources);

void trainset_sources_free(TrainsetSources *sources);

/* The classes a model is fitted to: the scale's levels 1..K as they are,
 * or (positive_from = L, 2 <= L <= K) two classes, 1 for the levels below
 * L and 2 for L and above (`--positive-from L`). */
typedef struct {
	int scale;          /* K, the levels of the database's scale */
	int positive_from;  /* 0: no split */
} TrainsetClasses;

/* How many classes there are: K, or 2 for a split. */
int trainset_class_count(const TrainsetClasses *c);

/* The class of a scale level (1..K): itself, or 1 / 2 across the split. */
int trainset_class_of(const TrainsetClasses *c, int level);

/* The scale level a predicted class stands for, so that a split model can
 * label items on the scale: the levels either side of the split (L - 1
 * below, L at or above); the class itself without a split. */
int trainset_level_of(const TrainsetClasses *c, int cls);

/* The rows a model is fitted on, in item id order. Arrays owned
 * (trainset_free); zero-initialise, then trainset_begin(). */
typedef struct {
	size_t rows, cols;
	double *x;          /* rows x cols, row-major */
	int *labels;        /* rows: the class, 1..classes */
	long long *items;   /* rows: the item ids */
	int *llm;           /* rows: the LLM's class for the comparison, 0: none */
	char **names;       /* cols: the columns' names */
	size_t capacity;
} Trainset;

/* Starts an empty set of cols columns named names (copied): a name that
 * two sources share becomes "SET/name" in both, so every column has one
 * name. sources gives, for each column, the source it came from. */
void trainset_begin(Trainset *t, size_t cols, const char *const *names,
		    const char *const *sources);

/* Appends a row (cols values copied); label and llm as above. */
void trainset_add(Trainset *t, long long item, const double *values, int label, int llm);

/* SHA-256, as 64 hex digits, of what a fit sees: the column names, and
 * each row's item id, class and values (IEEE bits, little-endian), in
 * order. The same rows give the same hash on every machine. */
void trainset_hash(const Trainset *t, char hex[65]);

void trainset_free(Trainset *t);

#endif
