/* agreeload.h - the agreement data read from a database: the one way into
 * db/ from src/agree/ (the statistics themselves take plain data). */
#ifndef GAVEL_AGREELOAD_H
#define GAVEL_AGREELOAD_H

#include "db/database.h"
#include "src/agree/agreedata.h"

/* What agreeload_data() reads. */
typedef struct {
	const char *since, *until;     /* YYYY-MM-DD, UTC, inclusive; NULL for none */
	const char *const *reviewers;  /* keep only these reviewers' labels; NULL for all */
	int n_reviewers;
	int categories;                /* read item categories (for --by category) */
	long long audit_id;            /* the audit of the headline: 0 the newest, -1 none */
} AgreeDataFilter;

/* Reads the scale, the standing human labels (with how their items were
 * chosen), the predictions, runs, scores and the audit of db into a new
 * *out (free with agreedata_free). STATUS_ERR_NOT_FOUND for an audit asked
 * for by id that does not exist. Predictions of
 * items no human labelled are counted for their run's tokens and not kept.
 * STATUS_ERR_INPUT when the database has no scale; database errors as
 * db_*() report them. */
Status agreeload_data(Db *db, const AgreeDataFilter *filter, AgreeData **out);

#endif
