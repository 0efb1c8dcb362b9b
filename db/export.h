/* export.h - what `gavel export` reads besides the votes (db/votes.h): each
 * item's stored fields and the LLM answer its row shows, streamed in item
 * order; and a hash of the database's content for the export's manifest. */
#ifndef GAVEL_DB_EXPORT_H
#define GAVEL_DB_EXPORT_H

#include "db/database.h"

/* Which items, and which LLM answer each row shows. */
typedef struct {
	const char *category;        /* only this category; NULL: any */
	long long run_id;            /* the ok answer of this run ... */
	long long prompt_version_id; /* ... or the latest ok answer of this prompt's runs ... */
				     /* ... or, when both are 0, the latest ok answer of any run */
} DbExportQuery;

/* One item; strings borrowed until the next db_export_next(), NULL when
 * absent. run_id is 0 when the item has no such answer. */
typedef struct {
	long long item_id;
	const char *external_id, *path, *sha256, *format, *title, *category, *metadata_json;
	int has_image;
	long long run_id;
	int llm_label, has_score, has_confidence;
	double llm_score, llm_confidence;
	const char *rationale, *model, *provider, *prompt_hash, *prompt_name;
} DbExportItem;

typedef struct DbExportCursor DbExportCursor;

/* Starts a pass over the items the query picks, in id order. */
Status db_export_open(Db *db, const DbExportQuery *query, DbExportCursor **out);

/* The next item into *item, or NULL after the last. */
Status db_export_next(DbExportCursor *cursor, const DbExportItem **item);

void db_export_close(DbExportCursor *cursor); /* NULL-safe */

/* SHA-256 of the content an export is made from: the scale, items, prompt
 * versions, runs, predictions and the review log, every row of each in key
 * order, each value with its type; independent of how SQLite lays the file
 * out (as SQLite's dbhash does it). The queue state, claims and settings
 * are left out: they are derived or passing. */
typedef struct DbExportHash DbExportHash;

/* Starts a read snapshot around an export: every pass after it sees the
 * same committed state, whatever other processes write meanwhile. The
 * content hash of that same state is computed meanwhile on a thread with a
 * connection of its own (or, when no second connection can start its
 * snapshot together with this one, here and now). *hash is the caller's
 * (db_export_hash_free), also on failure. */
Status db_export_snapshot_begin(Db *db, DbExportHash **hash);

/* Waits for the hash and puts it (hex) into out. Database errors as db/
 * reports them. */
Status db_export_hash_wait(DbExportHash *hash, char out[65]);

/* Stops the hash if it is still running (an export that failed) and frees
 * it; NULL-safe. Before db_close(). */
void db_export_hash_free(DbExportHash *hash);

void db_export_snapshot_end(Db *db);

#endif
