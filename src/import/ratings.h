/* ratings.h - loading existing annotations (src/import/ratingformats.h:
 * tables of item, rater, label and time; gavel's own exports; Label Studio
 * and Prodigy) as human reviews, LLM predictions of an imported run, or
 * adjudications. Labels are mapped onto the database's scale; items gavel
 * does not know are created without an image. A file goes in whole or not
 * at all. */
#ifndef GAVEL_RATINGS_H
#define GAVEL_RATINGS_H

#include "db/database.h"

/* A foreign label name and the scale value it means (--map NAME=N). */
typedef struct {
	const char *name;
	int label;
} RatingsMap;

typedef struct {
	const char *llm_rater;  /* this rater's ratings become LLM predictions; NULL: none */
	const char *format;     /* a ratingformats.h name; NULL: detected per file */
	const char *item_field; /* the field naming the item; NULL: the format's */
	const RatingsMap *maps; /* extra label names */
	int n_maps;
	int skip_bad; /* import the good rows and report the bad */
	/* Called for each bad row with "FILE:LINE: what is wrong". */
	void (*on_problem)(void *arg, const char *message);
	void *arg;
} RatingsOptions;

typedef struct {
	const char *format; /* the format read (static) */
	long rows;          /* ratings and records read */
	long bad;           /* records with a problem */
	long passed;        /* records that hold no rating on purpose (rejected, cancelled) */
	long added;         /* human ratings recorded as reviews */
	long present;       /* human ratings already there, skipped */
	long items_created; /* items created without an image */
	long llm;           /* LLM ratings read */
	long long llm_run;  /* the first run created for them; 0 when none was needed */
	int llm_runs;       /* runs created */
	long adjudications; /* adjudications recorded (not already standing) */
	int committed;      /* whether anything was written */
} RatingsReport;

/* Imports path into db. A rater's ratings of one item in the file are that
 * rater's votes on it, oldest first: the first is recorded as a blind
 * override and each further one as a rating made again (db/votes.h: one
 * more vote, as Dawid-Skene counts a rater who rated an item twice); when
 * the rater's votes on the item are already exactly those, nothing is
 * added, so importing a file twice adds nothing. An LLM rater's ratings
 * become a run (provider 'import', model = the rater's name) of ok
 * predictions, unless the latest such run already holds every one of them.
 * A label is a whole number on the scale, a level's name (any case), or a
 * name given in options->maps; a time is ISO 8601 or Unix seconds.
 * STATUS_ERR_INPUT when bad rows kept the file out (or no row was good),
 * other statuses for I/O and database failures; the database is unchanged
 * in all those cases. */
Status ratings_import(Db *db, const char *path, const RatingsOptions *options,
		      RatingsReport *report);

#endif
