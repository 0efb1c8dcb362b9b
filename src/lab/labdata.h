/* labdata.h - the prompt lab's labellers read from a database: runs grouped
 * by prompt version and model (a run without a prompt version, such as
 * imported ratings, is a labeller of its own), each with its answers on the
 * settled items. The one way from src/lab/ into the database's rows that the
 * tables and comparisons read (db/lab.h).
 *
 * An item's label for a labeller is the majority of the answers of its
 * latest run that gave the item a readable answer; with --repeat every
 * answer of that run is kept for the consistency figures. */
#ifndef GAVEL_LABDATA_H
#define GAVEL_LABDATA_H

#include "db/database.h"
#include "src/lab/labtable.h"

typedef struct {
	int K;
	char **names;           /* [K]: names[0] names label 1 */
	LabLabeller *labellers; /* grouped, in order of their first run */
	int n;
	long long latest_run;  /* 0: no run */
	long long settled;     /* settled items in the database */
	unsigned char *filled; /* [n]: the answers are read */
} LabData;

/* Reads the scale and the runs into a new *out (answers not read yet: see
 * labdata_fill). STATUS_ERR_INPUT when the database has no usable scale. */
Status labdata_open(Db *db, LabData **out);

/* Reads the answers of labeller i once (later calls do nothing). */
Status labdata_fill(Db *db, LabData *d, int i);

/* labdata_fill for every labeller. */
Status labdata_fill_all(Db *db, LabData *d);

/* Finds the labeller a user names: "run:N" (that run alone; added when it
 * is not a labeller by itself already), a prompt version (an id, a hash
 * prefix or a template name, as `gavel prompts show` takes them) with
 * "@MODEL" to choose among the models it ran with (else the model of its
 * latest run). *index gets its place. STATUS_ERR_NOT_FOUND naming what is
 * missing: no such run or version, or a version that never ran. */
Status labdata_find(Db *db, LabData *d, const char *ref, int *index);

/* Gives labellers whose runs stored no price one from price(), called with
 * the provider name (1 when it knows one). */
void labdata_price_fallback(LabData *d,
			    int (*price)(void *arg, const char *provider, double *in, double *out),
			    void *arg);

/* Frees everything; NULL is fine. */
void labdata_free(LabData *d);

#endif
