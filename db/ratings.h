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

#endif
