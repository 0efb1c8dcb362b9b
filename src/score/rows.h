/* rows.h - the feature rows of items, put together from the sources a
 * model names (stored feature sets, the LLM's score) as the database holds
 * them: for training (the labelled items) and for scoring (every item, a
 * block at a time). */
#ifndef GAVEL_ROWS_H
#define GAVEL_ROWS_H

#include <stddef.h>

#include "db/database.h"
#include "src/score/trainset.h"

/* The columns sources give, in order. Owned (rows_layout_free). */
typedef struct {
	size_t cols;
	char **names;   /* cols: each column's name within its source */
	char **origin;  /* cols: the source it comes from */
	int n_sources;
	int *offset;    /* n_sources: a source's first column */
	int *dim;       /* n_sources: its width */
} RowsLayout;

/* Reads the width and column names of each source (a set's columns;
 * llm-score is one column, "llm_score"). STATUS_ERR_NOT_FOUND with a
 * detail when a set does not exist. */
Status rows_layout(Db *db, const TrainsetSources *sources, RowsLayout *out);

void rows_layout_free(RowsLayout *layout);

/* Fills the rows of n items (ids ascending) into x (n x cols, row-major):
 * have[i] is 1 when every source had item i (else its row is partly
 * unset); missing[s] (n_sources values, may be NULL) counts the items
 * source s lacked. llm_run is the run llm-score reads (0: each item's
 * latest LLM answer). */
Status rows_fill(Db *db, const TrainsetSources *sources, const RowsLayout *layout,
		 long long llm_run, const long long *items, size_t n, double *x, unsigned char *have,
		 long long *missing);

#endif
