/* audits.h - audits: random samples of the catalogue, drawn by a seeded
 * hash rank so that growing one keeps what was drawn (src/estimate/audit.h
 * draws them; docs/estimates.md says why they matter). An audit has one
 * stratum (a uniform sample) or one per LLM label; each stratum keeps its
 * population and size as of the last draw, each item its rank in its
 * stratum's draw, its draw key and its inclusion probability, and every
 * draw is logged. The audit order of the review queue serves their items
 * (db/queue.c keeps item_queue.audit_key). */
#ifndef GAVEL_DB_AUDITS_H
#define GAVEL_DB_AUDITS_H

#include <stdint.h>

#include "db/database.h"

/* How an audit is stratified, declared once: the C name and the word
 * stored in audits.design. */
#define DB_AUDIT_DESIGNS(X)                                                \
	X(UNIFORM, "uniform") /* one stratum: every item equally likely */ \
	X(LLM, "llm")         /* one stratum per LLM label, sizes set apart */

typedef enum {
#define DB_AUDIT_DESIGN_ENUM(name, word) DB_AUDIT_##name,
	DB_AUDIT_DESIGNS(DB_AUDIT_DESIGN_ENUM)
#undef DB_AUDIT_DESIGN_ENUM
		DB_AUDIT_DESIGN_COUNT
} DbAuditDesign;

/* The --stratify words, indexed by DbAuditDesign, NULL-terminated. */
extern const char *const db_audit_design_words[];

typedef struct {
	int stratum;          /* 0 for a uniform audit's one stratum, else an LLM label */
	long long population; /* items in the stratum at the last draw */
	long long size;       /* items drawn from it */
} DbAuditStratum;

/* An audit as stored. Strings and strata owned (db_audit_free). */
typedef struct {
	long long id;
	char *name; /* NULL when none was given */
	DbAuditDesign design;
	uint64_t seed;
	int blind;                   /* reviewed without the LLM's answer */
	char *created_at, *drawn_at; /* the first and the last draw (UTC, ISO 8601) */
	int draws;
	DbAuditStratum *strata; /* by stratum, ascending */
	int n_strata;
	long long size, population; /* summed over the strata */
	long long reviewed;         /* items with a standing human label */
} DbAudit;

/* Every audit, in id order, into a new array *audits (free each with
 * db_audit_free, then the array). */
Status db_audit_list(Db *db, DbAudit **audits, int *count);

/* Audit id into *audit; STATUS_ERR_NOT_FOUND when there is none. */
Status db_audit_get(Db *db, long long id, DbAudit *audit);

/* The newest audit's id into *id, 0 when there is none. */
Status db_audit_latest(Db *db, long long *id);

/* Frees what an audit owns; NULL is fine. */
void db_audit_free(DbAudit *audit);

/* Streams the population an audit of this design is drawn from, in item
 * order: every item (stratum 0) for a uniform audit, every item with an
 * LLM label on 1..K (stratum = that label) for one by LLM label. The LLM
 * label is the latest run's ok answer, as the queue keeps it. fn returning
 * nonzero stops the stream. */
Status db_audit_frame(Db *db, DbAuditDesign design, int K,
		      int (*fn)(void *arg, long long item_id, int stratum), void *arg);

/* One drawn item. external_id is borrowed for the callback (NULL when
 * writing). human is the item's standing human label when one reviewer
 * gave it or all agree, 0 when it has none, -1 when reviewers disagree. */
typedef struct {
	long long item_id;
	const char *external_id;
	int stratum;
	long long rank;     /* 0-based place in the stratum's draw */
	int64_t draw_key;   /* the seeded hash (53 bits) */
	double probability; /* inclusion probability as the audit stands */
	int human;
} DbAuditItem;

/* Streams an audit's items by stratum, then rank. */
Status db_audit_items(Db *db, long long audit_id, int (*fn)(void *arg, const DbAuditItem *item),
		      void *arg);

/* The writes of a draw, inside the caller's transaction (db_begin): a new
 * audit (*id gets its id); a stratum's population and size, every item of
 * it then taking the probability size / population (call before adding
 * the stratum's new items: the audit order is kept from both); one drawn
 * item; and the draw's line in the log. */
Status db_audit_create(Db *db, const char *name, DbAuditDesign design, uint64_t seed, int blind,
		       long long *id);
Status db_audit_set_stratum(Db *db, long long audit_id, const DbAuditStratum *stratum);
Status db_audit_add_item(Db *db, long long audit_id, const DbAuditItem *item);
Status db_audit_log_draw(Db *db, long long audit_id, long long size, long long population,
			 long long added);

/* Whether an item is to be reviewed blind by the audit rule: 1 when an
 * audit reviewed blind holds it, 0 when only audits reviewed with the
 * LLM's answer (--primed) do, -1 when no audit does. */
Status db_audit_blind(Db *db, long long item_id, int *blind);

#endif
