/* items.h - the label scale, the items to label, and the database's counts. */
#ifndef GAVEL_DB_ITEMS_H
#define GAVEL_DB_ITEMS_H

#include "db/database.h"

/* The fixed ordered label scale: names[0] is the name of value 1. */
typedef struct {
	int count;
	char **names; /* owned */
} DbScale;

/* Stores the scale (values 1..count); fails with STATUS_ERR_EXISTS when the
 * database already has one, since agreement figures depend on it. */
Status db_scale_set(Db *db, const char *const *names, int count);

/* Reads the scale into *scale (free with db_scale_free). An empty scale
 * (count 0) is not an error here. */
Status db_scale_get(Db *db, DbScale *scale);
void db_scale_free(DbScale *scale);

/* One item to add. Strings are borrowed; NULL means absent. width, height
 * and bytes are 0 when unknown. metadata_json must be a JSON object or NULL. */
typedef struct {
	const char *external_id;
	const char *path;
	const char *url;
	const char *sha256;
	const char *format;
	int width, height;
	long long bytes;
	const char *title;
	const char *category;
	const char *metadata_json;
	int has_image;
	const char *source;
} DbItemNew;

typedef enum {
	DB_ITEM_ADDED,
	DB_ITEM_SAME_ID,      /* an item with this external id is there already */
	DB_ITEM_SAME_CONTENT, /* an item with this content hash is there already */
} DbItemOutcome;

/* Adds ITEM unless its external id or content hash is already present, and
 * says which in *outcome. Call inside db_begin/db_commit for speed. */
Status db_item_add(Db *db, const DbItemNew *item, DbItemOutcome *outcome);

/* Whether an item with this external id / content hash exists (1 or 0). */
int db_item_id_exists(Db *db, const char *external_id);
int db_item_sha256_exists(Db *db, const char *sha256);

/* An item as stored; every string owned. */
typedef struct {
	long long id;
	char *external_id, *path, *url, *title, *category, *metadata_json;
	int has_image;
	char *sha256;      /* the imported file's content hash, or NULL */
	int width, height; /* 0 when unknown */
	long long bytes;   /* the imported file's size, 0 when unknown */
} DbItem;

/* Reads item id; STATUS_ERR_NOT_FOUND when there is none. */
Status db_item_get(Db *db, long long id, DbItem *item);
void db_item_free(DbItem *item);

typedef struct {
	long long items, runs, predictions, reviews, reviewers;
} DbStats;

/* Counts: reviews are the standing decisions (accept or override, not
 * retracted); reviewers are the distinct names in the review log. */
Status db_stats(Db *db, DbStats *stats);

#endif
