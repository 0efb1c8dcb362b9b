/* lab.h - what the prompt lab reads and writes beyond runs and prompts:
 * the settled items with their human label, every answer of a run with the
 * item's settled label beside it, the runs with their prompt versions, and
 * plans made of chosen items. An item's settled label is its standing
 * human labels' common label, as the review title bar and gavel agree count
 * it (db/queue.h): kept by the queue state, so reading it costs no review. */
#ifndef GAVEL_DB_LAB_H
#define GAVEL_DB_LAB_H

#include <stddef.h>

#include "db/database.h"
#include "db/kinds.h"

/* Streams (item id, settled label) of every settled item, in id order. fn
 * returning nonzero stops the stream (not an error). */
Status db_lab_settled(Db *db, int (*fn)(void *arg, long long item_id, int label), void *arg);

/* Adds ids[0..n-1] to run_id's plan (ids already in it are skipped), in the
 * caller's transaction or its own statements. */
Status db_lab_plan(Db *db, long long run_id, const long long *ids, size_t n);

/* One answer of a run. */
typedef struct {
	long long item_id;
	int sample;
	DbPredictionState status;
	int label; /* 0 when none */
	int human; /* the item's settled label, 0 when it has none */
	long long prompt_tokens, completion_tokens; /* 0 when unknown */
	int cached;
} DbLabAnswer;

/* Streams every answer of run_id in (item id, sample) order. */
Status db_lab_answers(Db *db, long long run_id, int (*fn)(void *arg, const DbLabAnswer *a),
		      void *arg);

/* A run as the lab lists it; strings borrowed for the callback. */
typedef struct {
	long long id, prompt_version_id; /* 0: the run has no prompt (imported, heuristic) */
	const char *provider, *model, *params_json, *started_at;
	const char *prompt_hash, *prompt_name, *prompt_note;
	long long prompt_parent; /* 0: none */
	DbRunState status;
	int repeats;
} DbLabRun;

/* Streams every run in id order. */
Status db_lab_runs(Db *db, int (*fn)(void *arg, const DbLabRun *run), void *arg);

/* An answer with its words, for the side-by-side view; strings owned. */
typedef struct {
	int found;
	long long run_id;
	DbPredictionState status;
	int label, sample, cached;
	char *rationale, *aspects_json, *raw_reply, *error;
} DbLabDetail;

/* The answer of run_id for item_id that stands for its label into *d (found
 * 0 when there is none): the first readable answer (lowest sample) of the
 * label most of its readable answers gave, a tie to the lower label (a
 * --repeat run); without a readable one, its first answer. Free with
 * db_lab_detail_free. */
Status db_lab_detail(Db *db, long long run_id, long long item_id, DbLabDetail *d);
void db_lab_detail_free(DbLabDetail *d);

/* The latest note a reviewer left on the item (reviews of kind note, or a
 * decision's note), newly allocated, or NULL. */
Status db_lab_item_note(Db *db, long long item_id, char **note);

/* Streams (item id, external id, category or NULL) of every item, in id
 * order; strings borrowed for the callback. */
Status db_lab_items(Db *db,
		    int (*fn)(void *arg, long long item_id, const char *external_id,
			      const char *category),
		    void *arg);

/* The labels of run_id's answers for item_id, in sample order (0 for an
 * answer without one), up to max into labels; *n gets how many. */
Status db_lab_votes(Db *db, long long run_id, long long item_id, int *labels, int max, int *n);

/* The stored split of gavel prompts suggest (table lab_splits): streams
 * (item id, part) in id order; parts 0 search, 1 select, 2 test. */
Status db_lab_split_read(Db *db, int (*fn)(void *arg, long long item_id, int part), void *arg);

/* Adds n items to the split: ids[i] in parts[i], with its settled label
 * and the seed it was drawn with, in one transaction. Items already in it
 * keep their part. */
Status db_lab_split_add(Db *db, const long long *ids, const int *parts, const int *labels, size_t n,
			unsigned long long seed);

#endif
