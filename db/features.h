/* features.h - per-item feature vectors, in named sets: measured from the
 * pixels ('pixels-v1', `gavel features`) or imported (`gavel
 * import-features`, embeddings computed elsewhere). A set has ordered named
 * columns; each item has at most one vector in it. docs/scorer.md says what
 * the linear scorer does with them. */
#ifndef GAVEL_DB_FEATURES_H
#define GAVEL_DB_FEATURES_H

#include "db/database.h"

/* How a set's values are stored: float32 (measured figures, as
 * features_to_vector() gives them) or float64 (imported values, kept as
 * the file's decimals read). */
typedef enum { DB_FEATURE_F32, DB_FEATURE_F64 } DbFeatureType;

typedef enum { DB_FEATURE_MEASURED, DB_FEATURE_IMPORTED } DbFeatureOrigin;

/* A feature set. Strings and columns owned (db_feature_set_free). */
typedef struct {
	char *name;
	int dim;
	char **columns; /* dim names, in vector order */
	DbFeatureType type;
	DbFeatureOrigin origin;
	char *source;   /* the file it was imported from, or NULL */
	long long items; /* vectors stored (filled by db_feature_set_get) */
} DbFeatureSet;

/* Reads the set called name, with its number of vectors.
 * STATUS_ERR_NOT_FOUND (with a detail naming the sets there are) when
 * there is none. */
Status db_feature_set_get(Db *db, const char *name, DbFeatureSet *set);

/* Creates the set unless it exists. When it does with the same columns and
 * type, nothing changes; with others, STATUS_ERR_EXISTS with a detail.
 * Runs in the caller's transaction, if any. */
Status db_feature_set_put(Db *db, const DbFeatureSet *set);

/* Deletes the set and every vector in it (in the caller's transaction). */
Status db_feature_set_delete(Db *db, const char *name);

/* Frees what a set owns and zeroes it; safe on a zeroed one. */
void db_feature_set_free(DbFeatureSet *set);

/* Every set in name order, to fn (borrowed for the call; items filled). */
Status db_feature_sets(Db *db, void (*fn)(void *arg, const DbFeatureSet *set), void *arg);

/* Stores item_id's vector of set (dim values, written as the set's type),
 * replacing one it had. In the caller's transaction, if any. */
Status db_feature_put(Db *db, const char *set, DbFeatureType type, long long item_id,
		      const double *values, int dim);

/* The id of the item whose external id is external_id, into *id;
 * STATUS_ERR_NOT_FOUND (no detail) when there is none. */
Status db_feature_item_id(Db *db, const char *external_id, long long *id);

/* An item to measure: its id and image file (owned). */
typedef struct {
	long long id;
	char *path;
} DbFeatureTodo;

/* Up to max items above after_id, in id order, that have a local image
 * and no vector in set; *count gets how many. The caller frees each path. */
Status db_feature_todo(Db *db, const char *set, long long after_id, DbFeatureTodo *todo, int max,
		       int *count);

/* What `gavel features` has before it: items with a local image and no
 * vector in set yet, items without an image, items with only a URL. */
typedef struct {
	long long pending, no_image, url_only;
} DbFeatureCounts;

Status db_feature_counts(Db *db, const char *set, DbFeatureCounts *counts);

/* Reads one set's vectors in item id order (its own statement: several
 * cursors, over several sets, may be open at once on one Db). */
typedef struct DbFeatureCursor DbFeatureCursor;

/* Opens a cursor over set, from item ids above after_id; *dim gets the
 * set's width. STATUS_ERR_NOT_FOUND when there is no such set. The caller
 * closes it (db_feature_cursor_close). */
Status db_feature_cursor_open(Db *db, const char *set, long long after_id, DbFeatureCursor **out,
			      int *dim);

/* The next vector: *item_id and dim values; *more is 0 at the end.
 * STATUS_ERR_CORRUPT when a stored vector does not have the set's width. */
Status db_feature_cursor_next(DbFeatureCursor *cursor, long long *item_id, double *values,
			      int *more);

/* Closes it; NULL is fine. */
void db_feature_cursor_close(DbFeatureCursor *cursor);

#endif
