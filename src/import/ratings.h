/* ratings.h - loading existing annotations: a CSV (or JSONL) table with one
 * rating a row, columns item, rater and label, as human reviews (or, for one
 * rater, as the predictions of an imported LLM run). Items gavel does not
 * know are created without an image. The file goes in whole or not at all. */
#ifndef GAVEL_RATINGS_H
#define GAVEL_RATINGS_H

#include "db/database.h"

typedef struct {
	const char *llm_rater; /* this rater's ratings become LLM predictions; NULL: none */
	int skip_bad;          /* import the good rows and report the bad */
	/* Called for each bad row with "FILE:LINE: what is wrong". */
	void (*on_problem)(void *arg, const char *message);
	void *arg;
} RatingsOptions;

typedef struct {
	long rows;          /* rows read */
	long bad;           /* rows with a problem */
	long added;         /* human ratings recorded as reviews */
	long present;       /* human ratings equal to the rater's standing label, skipped */
	long items_created; /* items created without an image */
	long llm;           /* ratings of the LLM rater read */
	long long llm_run;  /* the run created for them; 0 when none was needed */
	int committed;      /* whether anything was written */
} RatingsReport;

/* Imports path into db. Each rating of a human rater becomes a review row
 * (decision 'override', label, blind, no prediction shown) unless it equals
 * that rater's standing label on the item. The LLM rater's ratings become a
 * run (provider 'import', model = the rater's name) of ok predictions, unless
 * the latest such run already holds every one of them. A label is a whole
 * number on the scale, or a level's name. STATUS_ERR_INPUT when bad rows kept
 * the file out (or no row was good), other statuses for I/O and database
 * failures; the database is unchanged in all those cases. */
Status ratings_import(Db *db, const char *path, const RatingsOptions *options,
		      RatingsReport *report);

#endif
