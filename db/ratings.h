/* ratings.h - what gavel import-ratings needs beyond the review log and the
 * runs: items known only by their external id (no image), and the runs that
 * hold a rater's labels imported as LLM predictions. */
#ifndef GAVEL_DB_RATINGS_H
#define GAVEL_DB_RATINGS_H

#include "db/database.h"

/* The id of the item with this external id into *item_id. When there is
 * none, creates one without an image (has_image = 0, path NULL, source as
 * given) and sets *created to 1, else to 0. Call inside a transaction. */
Status db_ratings_item(Db *db, const char *external_id, const char *source,
		       long long *item_id, int *created);

/* The latest run that imported rater's labels as LLM predictions (provider
 * 'import', model = rater) into *run_id, 0 when there is none. */
Status db_ratings_import_run(Db *db, const char *rater, long long *run_id);

/* The label of run_id's ok prediction for item_id into *label, 0 when it has
 * none. */
Status db_ratings_prediction_label(Db *db, long long run_id, long long item_id, int *label);

/* The time text as the review log stores it (ISO 8601 UTC with
 * milliseconds, "2024-05-01T10:20:30.000Z") into out (32 bytes): text is a
 * date, a date and time (a 'T' or a space between, an optional zone
 * "Z" or "+02:00"), or Unix seconds. 0 when it is none of those. */
int db_ratings_time(Db *db, const char *text, char out[32]);

/* The rater's votes on an item as db/votes.h counts them (their standing
 * label and the ratings made `again` before it), oldest first, up to max
 * labels into labels; *n gets how many (0: no standing label). */
Status db_ratings_chain(Db *db, long long item_id, const char *rater, int *labels, int max, int *n);

/* Appends one imported rating: a blind override by rater, marked again
 * when it joins the rater's previous rating as one more vote; time NULL
 * means now. Call inside a transaction. */
Status db_ratings_add(Db *db, long long item_id, const char *rater, int label, int again,
		      const char *time);

/* The item's standing adjudication (db/votes.h) into *label (0: none). */
Status db_ratings_adjudicated(Db *db, long long item_id, int *label);

/* Appends an adjudication of item_id by adjudicator; time NULL: now. */
Status db_ratings_adjudicate(Db *db, long long item_id, const char *adjudicator, int label,
			     const char *reason, const char *time);

#endif
