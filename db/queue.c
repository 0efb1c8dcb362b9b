/* queue.c - the triggers that keep the queue state (db/queue.h) and guard
 * the review log, their check on every open, and the rebuild of the state
 * from the log. */
#include "db/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"

/* Bump when what the state means changes: every database then rebuilds it.
 * 3: the scorer's columns (2 on main) and the adjudication columns (2 on
 * the gold branch) together. 4: the LLM label of a --repeat run is its
 * majority, no longer its last answer. */
enum { QUEUE_STATE_VERSION = 4 };

/* ---- the triggers ---- */

/* The reviewers an item needs: none without an image, two in the overlap
 * share (the same items as before this state was kept), else one. */
#define NEED(i)                                                                          \
	"CASE WHEN " i ".has_image THEN 1 + ((" i ".id * 2654435761) % 1000 <"              \
	" (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'overlap_permille')) ELSE 0 END"
/* An item's standing human labels, counted and spanned; and its reviewers
 * who stand on a skip (unsure: the adjudication queue takes the item). */
#define REFRESH(item)                                                                              \
	"UPDATE item_queue SET (deciders, human_min, human_max) = (SELECT count(*), min(label),"   \
	" max(label) FROM standing WHERE item_id = " item                                          \
	" AND decision IN ('accept', 'override')),"                                                \
	" unsure = (SELECT count(*) FROM standing WHERE item_id = " item " AND decision = 'skip')" \
	" WHERE item_id = " item ";"
/* A standing row's share of the reviewer's counts, added (sign +1) or taken (-1). */
#define COUNT_REVIEWER(s, sign)                                                          \
	"INSERT INTO reviewer_counts (reviewer, decided) SELECT " s ".reviewer, " sign          \
	" WHERE " s ".decision IN ('accept', 'override')"                                       \
	" ON CONFLICT (reviewer) DO UPDATE SET decided = decided + excluded.decided;"            \
	"INSERT INTO reviewer_pairs (reviewer, llm, human, n) SELECT " s ".reviewer, "          \
	s ".llm_label, " s ".label, " sign " WHERE " s ".decision IN ('accept', 'override')"    \
	" AND " s ".llm_label IS NOT NULL AND " s ".label IS NOT NULL"                          \
	" ON CONFLICT (reviewer, llm, human) DO UPDATE SET n = n + excluded.n;"
#define NOT_RETRACTED(r) "NOT EXISTS (SELECT 1 FROM reviews x WHERE x.retracts = " r ".id)"
/* The standing row of a review row r: the LLM label shown goes with it. */
#define STANDING_OF(r)                                                                   \
	r ".item_id, " r ".reviewer, " r ".id, " r ".decision, " r ".label, " VERDICT_OF(r)    \
	", CASE WHEN " r ".blind = 0 THEN"                                                      \
	" (SELECT p.label FROM predictions p WHERE p.id = " r ".prediction_id) END"
/* The verdict on the rationale that stands with decision row r: the latest
 * verdict row after it (a mark made once the item was decided), else its own. */
#define LATER_VERDICT(r)                                                                 \
	" FROM reviews v WHERE v.item_id = " r ".item_id AND v.reviewer = " r ".reviewer"       \
	" AND v.decision = 'verdict' AND v.id > " r ".id AND " NOT_RETRACTED("v")
#define VERDICT_OF(r)                                                                    \
	"CASE WHEN EXISTS (SELECT 1" LATER_VERDICT(r) ") THEN (SELECT v.rationale_verdict"     \
	LATER_VERDICT(r) " ORDER BY v.id DESC LIMIT 1) ELSE " r ".rationale_verdict END"
#define STANDING_COLUMNS "item_id, reviewer, review_id, decision, label, verdict, llm_label"
#define SETTLED(q) "(" q ".deciders > 0 AND " q ".human_min = " q ".human_max)"
/* The label of the item's latest adjudication not retracted, or NULL. */
#define ADJUDICATED(item)                                                                         \
	"(SELECT r.label FROM reviews r WHERE r.item_id = " item " AND r.decision = 'adjudicate'" \
	" AND " NOT_RETRACTED("r") " ORDER BY r.id DESC LIMIT 1)"
/* An item's place in the audit order (the audits' migration): its rank in its
 * stratum's draw as a share of the stratum's size, the smallest over the
 * audits that hold it; NULL outside every audit. */
#define AUDIT_KEY(item)                                                               \
	"(SELECT min((a.rank + 0.5) / s.size) FROM audit_items a JOIN audit_strata s" \
	" ON s.audit_id = a.audit_id AND s.stratum = a.stratum WHERE a.item_id = " item ")"
/* A run of the scorer labeller (db/kinds.h): its answers are the scorer's,
 * never the item's LLM label. */
#define SCORER_RUN(run_id)                                                               \
	"(SELECT provider FROM runs WHERE id = " run_id ") = '" DB_PROVIDER_SCORER "'"
/* An item's answer in a run (label, confidence): with --repeat, the label
 * most of its readable answers gave, a tie to the lower label, as the review
 * pane shows it (db/reviews.c); the confidence of its first such answer.
 * Worked out when an answer arrives, never when an item is claimed; the
 * vote reads predictions_for_agreement alone. */
#define MAJORITY_ANSWER(run, item)                                                             \
	"SELECT p.label, p.confidence FROM predictions p WHERE p.run_id = " run                \
	" AND p.item_id = " item " AND p.status = 'ok' AND p.label IS (SELECT v.label FROM"    \
	" predictions v WHERE v.item_id = " item " AND v.run_id = " run " AND v.status = 'ok'" \
	" GROUP BY v.label ORDER BY count(v.label) DESC, v.label LIMIT 1)"                     \
	" ORDER BY p.sample LIMIT 1"
/* (clang-format cannot lay out strings joined around a macro call) */
/* clang-format off */
/* An answer arrived (NEW, readable): the item's LLM label is its run's
 * majority, unless a later run has answered it already. */
#define LLM_ANSWER_ARRIVED                                                               \
	"UPDATE item_queue SET llm_run = NEW.run_id, (llm_label, llm_confidence) = ("    \
	MAJORITY_ANSWER("NEW.run_id", "NEW.item_id") ")"                                 \
	" WHERE item_id = NEW.item_id AND ifnull(llm_run, 0) <= NEW.run_id;"
/* The LLM labels rebuilt: each item's latest run that answered it readably,
 * and that run's majority. */
#define LLM_LABELS_REBUILT                                                               \
	"UPDATE item_queue SET llm_run = (SELECT max(p.run_id) FROM predictions p"       \
	" WHERE p.item_id = item_queue.item_id AND p.status = 'ok'"                      \
	" AND NOT " SCORER_RUN("p.run_id") ")"                                           \
	" WHERE item_id IN (SELECT item_id FROM predictions p WHERE status = 'ok'"       \
	" AND NOT " SCORER_RUN("p.run_id") ");"                                          \
	"UPDATE item_queue SET (llm_label, llm_confidence) = ("                          \
	MAJORITY_ANSWER("item_queue.llm_run", "item_queue.item_id") ")"                  \
	" WHERE llm_run IS NOT NULL"
/* clang-format on */
/* The model whose out-of-fold probabilities the suspect order reads. */
#define LATEST_OOF "(SELECT max(id) FROM scorer_models WHERE oof_labels)"
/* Some reviewer has decided the item more than once (accept or override,
 * undone or not): a label looked at again is not flagged again. */
#define REDECIDED(item)                                                                  \
	"EXISTS (SELECT 1 FROM reviews r1 JOIN reviews r2 ON r2.item_id = r1.item_id"         \
	" AND r2.reviewer = r1.reviewer AND r2.id > r1.id WHERE r1.item_id = " item           \
	" AND r1.decision IN ('accept', 'override') AND r2.decision IN ('accept', 'override'))"
/* The suspect key of item_queue row q: the latest out-of-fold model's
 * probability of the settled human label, for settled items decided once. */
#define SUSPECT_P(q)                                                                     \
	"CASE WHEN " SETTLED(q) " AND NOT " REDECIDED(q ".item_id") " THEN (SELECT"           \
	" json_extract(s.probabilities, '$[' || (" q ".human_min - 1) || ']') FROM scores s"    \
	" WHERE s.model_id = " LATEST_OOF " AND s.item_id = " q ".item_id) END"
#define SUSPECT(item)                                                                    \
	"UPDATE item_queue SET suspect_p = " SUSPECT_P("item_queue") " WHERE item_id = " item ";"

typedef struct {
	const char *name, *sql;
} Trigger;

static const Trigger triggers[] = {
	/* the log is append-only against every SQL path: UPDATE, DELETE, and
	 * INSERT OR REPLACE (which deletes without firing a delete trigger) */
	{ "reviews_no_update", "CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews"
			       " BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END" },
	{ "reviews_no_delete", "CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews"
			       " BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END" },
	{ "reviews_no_replace",
	  "CREATE TRIGGER reviews_no_replace BEFORE INSERT ON reviews"
	  " WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM reviews WHERE id = NEW.id)"
	  " BEGIN SELECT RAISE(ABORT, 'reviews are append-only: a row cannot be"
	  " replaced'); END" },
	/* every item has its queue row */
	{ "queue_on_item",
	  "CREATE TRIGGER queue_on_item AFTER INSERT ON items BEGIN"
	  " INSERT INTO item_queue (item_id, need) VALUES (NEW.id, " NEED("NEW") "); END" },
	/* a decision stands until the reviewer's next one; a retract brings back
	 * the one before */
	{ "standing_on_decision",
	  "CREATE TRIGGER standing_on_decision AFTER INSERT ON reviews"
	  " WHEN NEW.decision IN ('accept', 'override', 'skip') BEGIN"
	  " INSERT INTO standing (" STANDING_COLUMNS ") SELECT " STANDING_OF(
		  "NEW") " WHERE true ON CONFLICT (item_id, reviewer) DO UPDATE SET"
			 " review_id = excluded.review_id, decision = excluded.decision,"
			 " label = excluded.label, verdict = excluded.verdict,"
			 " llm_label = excluded.llm_label; END" },
	{ "standing_on_verdict",
	  "CREATE TRIGGER standing_on_verdict AFTER INSERT ON reviews"
	  " WHEN NEW.decision = 'verdict' BEGIN UPDATE standing SET verdict ="
	  " NEW.rationale_verdict WHERE item_id = NEW.item_id AND reviewer ="
	  " NEW.reviewer; END" },
	{ "standing_on_retract",
	  "CREATE TRIGGER standing_on_retract AFTER INSERT ON reviews"
	  " WHEN NEW.decision = 'retract' BEGIN"
	  " DELETE FROM standing WHERE item_id = NEW.item_id AND reviewer = NEW.reviewer;"
	  " INSERT INTO standing (" STANDING_COLUMNS ") SELECT " STANDING_OF(
		  "r") " FROM reviews r WHERE r.item_id = NEW.item_id AND r.reviewer = NEW.reviewer"
		       " AND r.decision IN ('accept', 'override', 'skip') AND " NOT_RETRACTED(
			       "r") " ORDER BY r.id DESC LIMIT 1; END" },
	/* standing decisions make the item's count and span, and the reviewer's */
	{ "queue_on_standing_insert", "CREATE TRIGGER queue_on_standing_insert AFTER INSERT ON"
				      " standing BEGIN " REFRESH("NEW.item_id") SUSPECT(
					      "NEW.item_id") COUNT_REVIEWER("NEW", "1") " END" },
	{ "queue_on_standing_update",
	  "CREATE TRIGGER queue_on_standing_update AFTER UPDATE ON"
	  " standing BEGIN " REFRESH("NEW.item_id") SUSPECT("NEW.item_id")
		  COUNT_REVIEWER("OLD", "-1") COUNT_REVIEWER("NEW", "1") " END" },
	{ "queue_on_standing_delete", "CREATE TRIGGER queue_on_standing_delete AFTER DELETE ON"
				      " standing BEGIN " REFRESH("OLD.item_id") SUSPECT(
					      "OLD.item_id") COUNT_REVIEWER("OLD", "-1") " END" },
	/* the title bar's counts */
	{ "counts_on_queue_insert",
	  "CREATE TRIGGER counts_on_queue_insert AFTER INSERT ON item_queue"
	  " BEGIN UPDATE queue_counts SET n = n + 1 WHERE name = 'items';"
	  " UPDATE queue_counts SET n = n + (NEW.deciders > 0) WHERE name ="
	  " 'reviewed'; UPDATE queue_counts SET n = n + " SETTLED(
		  "NEW") " WHERE name = 'settled'; END" },
	{ "counts_on_queue_update",
	  "CREATE TRIGGER counts_on_queue_update AFTER UPDATE OF deciders,"
	  " human_min, human_max ON item_queue BEGIN UPDATE queue_counts"
	  " SET n = n + (NEW.deciders > 0) - (OLD.deciders > 0) WHERE name ="
	  " 'reviewed'; UPDATE queue_counts SET n = n + " SETTLED("NEW") " - " SETTLED(
		  "OLD") " WHERE name = 'settled'; END" },
	/* the adjudicated label: the latest adjudication that stands */
	{ "queue_on_adjudication", "CREATE TRIGGER queue_on_adjudication AFTER INSERT ON reviews"
				   " WHEN NEW.decision = 'adjudicate' BEGIN UPDATE item_queue SET"
				   " adjudicated = NEW.label WHERE item_id = NEW.item_id; END" },
	{ "queue_on_adjudication_retract",
	  "CREATE TRIGGER queue_on_adjudication_retract AFTER"
	  " INSERT ON reviews WHEN NEW.decision = 'retract' AND"
	  " (SELECT decision FROM reviews WHERE id = NEW.retracts) ="
	  " 'adjudicate' BEGIN UPDATE item_queue SET adjudicated = " ADJUDICATED(
		  "NEW.item_id") " WHERE item_id = NEW.item_id; END" },
	/* the LLM label of the latest run that gave one (its majority) */
	{ "queue_on_prediction",
	  "CREATE TRIGGER queue_on_prediction AFTER INSERT ON predictions WHEN NEW.status = 'ok'"
	  " AND NOT " SCORER_RUN("NEW.run_id") " BEGIN " LLM_ANSWER_ARRIVED " END" },
	/* the latest scorer run's answer, and how unsure it is */
	{ "queue_on_scorer_answer",
	  "CREATE TRIGGER queue_on_scorer_answer AFTER INSERT ON"
	  " predictions WHEN NEW.status = 'ok' AND " SCORER_RUN(
		  "NEW.run_id") " BEGIN UPDATE item_queue SET scorer_run = NEW.run_id, scorer_model ="
				" (SELECT json_extract(params, '$.model_id') FROM runs WHERE id ="
				" NEW.run_id), scorer_score = NEW.score, scorer_label = NEW.label,"
				" scorer_entropy = json_extract(NEW.raw_reply, '$.entropy')"
				" WHERE item_id = NEW.item_id AND ifnull(scorer_run, 0) <= NEW.run_id;"
				" END" },
	/* a model's out-of-fold probabilities make the suspect order; a new
	 * such model starts it afresh */
	{ "queue_on_oof_model", "CREATE TRIGGER queue_on_oof_model AFTER INSERT ON scorer_models"
				" WHEN NEW.oof_labels BEGIN UPDATE item_queue SET suspect_p = NULL"
				" WHERE suspect_p IS NOT NULL; END" },
	{ "queue_on_oof_score",
	  "CREATE TRIGGER queue_on_oof_score AFTER INSERT ON scores"
	  " WHEN NEW.model_id = " LATEST_OOF " BEGIN " SUSPECT("NEW.item_id") " END" },
	/* the re-review queue (db/recheck.h): an item sent back waits until
	 * someone accepts or overrides it after it was sent */
	{ "queue_on_recheck",
	  "CREATE TRIGGER queue_on_recheck AFTER INSERT ON recheck BEGIN"
	  " UPDATE item_queue SET recheck_key = NEW.id, recheck_after ="
	  " NEW.after_review WHERE item_id = NEW.item_id AND recheck_key IS NULL;"
	  " END" },
	{ "queue_on_recheck_done", "CREATE TRIGGER queue_on_recheck_done AFTER INSERT ON reviews"
				   " WHEN NEW.decision IN ('accept', 'override') BEGIN"
				   " UPDATE item_queue SET recheck_key = NULL, recheck_after = NULL"
				   " WHERE item_id = NEW.item_id AND recheck_key IS NOT NULL"
				   " AND NEW.id > recheck_after; END" },
	/* a claim holds an item; expired claims are swept before anyone claims */
	{ "queue_on_claim",
	  "CREATE TRIGGER queue_on_claim AFTER INSERT ON claims BEGIN"
	  " UPDATE item_queue SET claimers = claimers + 1 WHERE item_id = NEW.item_id; END" },
	{ "queue_on_unclaim",
	  "CREATE TRIGGER queue_on_unclaim AFTER DELETE ON claims BEGIN"
	  " UPDATE item_queue SET claimers = claimers - 1 WHERE item_id = OLD.item_id;"
	  " END" },
	/* the catalogue's LLM labels counted (llm_counts, the audits' migration) */
	{ "llm_counts_on_queue", "CREATE TRIGGER llm_counts_on_queue AFTER UPDATE OF llm_label ON"
				 " item_queue WHEN OLD.llm_label IS NOT NEW.llm_label BEGIN"
				 " UPDATE llm_counts SET n = n - 1 WHERE label = OLD.llm_label;"
				 " INSERT INTO llm_counts (label, n) SELECT NEW.llm_label, 1"
				 " WHERE NEW.llm_label IS NOT NULL"
				 " ON CONFLICT (label) DO UPDATE SET n = n + 1; END" },
	/* an item drawn into an audit joins the audit order; a stratum that
	 * grows moves its items' places (db/audits.c updates the stratum
	 * before it adds the items) */
	{ "queue_on_audit_item", "CREATE TRIGGER queue_on_audit_item AFTER INSERT ON audit_items"
				 " BEGIN UPDATE item_queue SET audit_key = " AUDIT_KEY(
					 "NEW.item_id") " WHERE item_id = NEW.item_id; END" },
	{ "queue_on_audit_stratum",
	  "CREATE TRIGGER queue_on_audit_stratum AFTER UPDATE OF size ON"
	  " audit_strata BEGIN UPDATE item_queue SET audit_key = " AUDIT_KEY(
		  "item_queue.item_id") " WHERE item_id IN (SELECT item_id"
					" FROM audit_items WHERE audit_id = NEW.audit_id"
					" AND stratum = NEW.stratum); END" },
};

enum { TRIGGER_COUNT = sizeof triggers / sizeof triggers[0] };

/* ---- building the state from the log ---- */

static const struct {
	const char *what, *sql;
} rebuild_steps[] = {
	{ "clearing", "DELETE FROM standing; DELETE FROM item_queue; DELETE FROM queue_counts;"
		      " DELETE FROM reviewer_counts; DELETE FROM reviewer_pairs;"
		      " DELETE FROM llm_counts;" },
	{ "standing decisions",
	  "INSERT INTO standing (" STANDING_COLUMNS ") SELECT " STANDING_OF(
		  "r") " FROM ("
		       "  SELECT r.*, row_number() OVER (PARTITION BY r.item_id, r.reviewer ORDER BY r.id DESC) k"
		       "  FROM reviews r WHERE r.decision IN ('accept', 'override', 'skip')"
		       "  AND " NOT_RETRACTED("r") ") r WHERE r.k = 1" },
	{ "items",
	  "INSERT INTO item_queue (item_id, need, deciders, claimers, human_min, human_max, unsure)"
	  " SELECT i.id, " NEED(
		  "i") ", ifnull(s.n, 0), ifnull(c.n, 0), s.lo, s.hi, ifnull(u.n, 0)"
		       " FROM items i"
		       " LEFT JOIN (SELECT item_id, count(*) n, min(label) lo, max(label) hi FROM standing"
		       "  WHERE decision IN ('accept', 'override') GROUP BY item_id) s ON s.item_id = i.id"
		       " LEFT JOIN (SELECT item_id, count(*) n FROM standing WHERE decision = 'skip'"
		       "  GROUP BY item_id) u ON u.item_id = i.id"
		       " LEFT JOIN (SELECT item_id, count(*) n FROM claims GROUP BY item_id) c ON c.item_id = i.id" },
	{ "re-review requests",
	  "UPDATE item_queue SET (recheck_key, recheck_after) = (SELECT r.id, r.after_review"
	  " FROM recheck r WHERE r.item_id = item_queue.item_id AND NOT EXISTS (SELECT 1 FROM"
	  " reviews v WHERE v.item_id = r.item_id AND v.id > r.after_review"
	  " AND v.decision IN ('accept', 'override')) ORDER BY r.id LIMIT 1)"
	  " WHERE item_id IN (SELECT item_id FROM recheck)" },
	{ "adjudications",
	  "UPDATE item_queue SET adjudicated = " ADJUDICATED(
		  "item_queue.item_id") " WHERE item_id IN (SELECT item_id FROM reviews WHERE decision = 'adjudicate')" },
	{ "LLM labels", LLM_LABELS_REBUILT },
	{ "scorer answers",
	  "UPDATE item_queue SET (scorer_run, scorer_model, scorer_score, scorer_label,"
	  " scorer_entropy) = (SELECT p.run_id, json_extract(r.params, '$.model_id'), p.score,"
	  " p.label, json_extract(p.raw_reply, '$.entropy') FROM predictions p JOIN runs r ON"
	  " r.id = p.run_id WHERE p.item_id = item_queue.item_id AND p.status = 'ok' AND"
	  " r.provider = '" DB_PROVIDER_SCORER "' ORDER BY p.run_id DESC LIMIT 1)"
	  " WHERE item_id IN (SELECT p.item_id FROM predictions p JOIN runs r ON r.id = p.run_id"
	  " WHERE p.status = 'ok' AND r.provider = '" DB_PROVIDER_SCORER "')" },
	{ "suspect labels",
	  "UPDATE item_queue SET suspect_p = " SUSPECT_P(
		  "item_queue") " WHERE item_id IN (SELECT item_id FROM scores WHERE model_id = " LATEST_OOF
				")" },
	{ "audits",
	  "UPDATE item_queue SET audit_key = " AUDIT_KEY(
		  "item_queue.item_id") " WHERE item_id IN (SELECT item_id FROM audit_items)" },
	{ "counts",
	  "INSERT INTO queue_counts (name, n) SELECT 'items', count(*) FROM item_queue"
	  " UNION ALL SELECT 'reviewed', count(*) FROM item_queue WHERE deciders > 0"
	  " UNION ALL SELECT 'settled', count(*) FROM item_queue q WHERE " SETTLED(
		  "q") ";"
		       "INSERT INTO reviewer_counts (reviewer, decided) SELECT reviewer, count(*) FROM standing"
		       " WHERE decision IN ('accept', 'override') GROUP BY reviewer;"
		       "INSERT INTO reviewer_pairs (reviewer, llm, human, n) SELECT reviewer, llm_label, label,"
		       " count(*) FROM standing WHERE decision IN ('accept', 'override')"
		       " AND llm_label IS NOT NULL AND label IS NOT NULL GROUP BY reviewer, llm_label, label;"
		       "INSERT INTO llm_counts (label, n) SELECT llm_label, count(*) FROM item_queue"
		       " WHERE llm_label IS NOT NULL GROUP BY llm_label" },
};

static int atoi_or_zero(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

static Status exec_sql(Db *db, const char *sql, const char *what)
{
	if (sqlite3_exec(db->handle, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, what);
	return STATUS_OK;
}

/* A fingerprint of the trigger code (FNV-1a), so a gavel whose triggers
 * differ replaces them, and one whose triggers were dropped notices. */
static unsigned long long triggers_hash(void)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	for (int i = 0; i < TRIGGER_COUNT; i++)
		for (const char *c = triggers[i].sql; *c; c++)
			h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
	return h;
}

static Status meta_get(Db *db, const char *key, char *out, size_t size)
{
	static const char SQL[] = "SELECT value FROM meta WHERE key = ?1";
	sqlite3_stmt *stmt = db_statement(db, SQL);
	int rc;
	out[0] = '\0';
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "reading meta");
}

static Status meta_set(Db *db, const char *key, const char *value)
{
	static const char SQL[] = "INSERT INTO meta (key, value) VALUES (?1, ?2)"
				  " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt *stmt = db_statement(db, SQL);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, value, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return db_fail(db, "writing meta");
	return STATUS_OK;
}

/* How many of our triggers the file has. */
static Status count_present(Db *db, int *present)
{
	static const char SQL[] = "SELECT name FROM sqlite_master WHERE type = 'trigger'";
	sqlite3_stmt *stmt = db_statement(db, SQL);
	int rc;
	*present = 0;
	if (!stmt)
		return STATUS_ERR_DB;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		for (int i = 0; i < TRIGGER_COUNT; i++)
			*present += !strcmp((const char *)sqlite3_column_text(stmt, 0), triggers[i].name);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? STATUS_OK : db_fail(db, "reading the schema");
}

/* Drops the triggers, rebuilds the state from the log, creates them again:
 * with the triggers gone the rebuild does not count anything twice. */
static Status rebuild(Db *db)
{
	char sql[128];
	Status st = STATUS_OK;
	for (int i = 0; st == STATUS_OK && i < TRIGGER_COUNT; i++) {
		snprintf(sql, sizeof sql, "DROP TRIGGER IF EXISTS %s", triggers[i].name);
		st = exec_sql(db, sql, "replacing the triggers");
	}
	for (size_t i = 0; st == STATUS_OK && i < sizeof rebuild_steps / sizeof rebuild_steps[0];
	     i++) {
		db_report("building the review queue state: %s", rebuild_steps[i].what);
		st = exec_sql(db, rebuild_steps[i].sql, "building the review queue state");
	}
	return st;
}

static Status create_triggers(Db *db)
{
	char sql[128], hash[32];
	Status st = STATUS_OK;
	for (int i = 0; st == STATUS_OK && i < TRIGGER_COUNT; i++) {
		snprintf(sql, sizeof sql, "DROP TRIGGER IF EXISTS %s", triggers[i].name);
		st = exec_sql(db, sql, "replacing the triggers");
		if (st == STATUS_OK)
			st = exec_sql(db, triggers[i].sql, "creating the triggers");
	}
	snprintf(hash, sizeof hash, "%016llx", triggers_hash());
	if (st == STATUS_OK)
		st = meta_set(db, "triggers", hash);
	snprintf(sql, sizeof sql, "%d", QUEUE_STATE_VERSION);
	if (st == STATUS_OK)
		st = meta_set(db, "queue_state", sql);
	return st;
}

Status queue_ensure(Db *db)
{
	char hash[32], want[32], state[32];
	int present, tampered, stale;
	Status st = meta_get(db, "triggers", hash, sizeof hash);
	if (st == STATUS_OK)
		st = meta_get(db, "queue_state", state, sizeof state);
	if (st == STATUS_OK)
		st = count_present(db, &present);
	if (st != STATUS_OK)
		return st;
	snprintf(want, sizeof want, "%016llx", triggers_hash());
	/* our own triggers, all there: the state is as the log says */
	tampered = !strcmp(hash, want) && present < TRIGGER_COUNT;
	stale = atoi_or_zero(state) != QUEUE_STATE_VERSION;
	if (!tampered && !stale && !strcmp(hash, want))
		return STATUS_OK;
	if (db->read_only) {
		snprintf(db->refusal, sizeof db->refusal,
			 "%s: the review log's guards need %s, which a read-only file cannot take",
			 db->path, tampered ? "restoring (some were dropped)" : "updating");
		return STATUS_OK;
	}
	st = db_begin(db);
	if (st != STATUS_OK)
		return st;
	if (tampered)
		db_report("%s: %d of the review log's %d triggers were missing (dropped by hand?): "
			  "restored, and the queue state rebuilt from the log", db->path,
			  TRIGGER_COUNT - present, TRIGGER_COUNT);
	if (tampered || stale)
		st = rebuild(db);
	if (st == STATUS_OK)
		st = create_triggers(db);
	if (st != STATUS_OK) {
		db_rollback(db);
		return st;
	}
	return db_commit(db);
}

/* ---- reading the state ---- */

Status db_queue_counts(Db *db, const char *reviewer, DbQueueCounts *c)
{
	static const char SQL[] =
		"SELECT (SELECT n FROM queue_counts WHERE name = 'items'),"
		" (SELECT n FROM queue_counts WHERE name = 'reviewed'),"
		" (SELECT n FROM queue_counts WHERE name = 'settled'),"
		" (SELECT decided FROM reviewer_counts WHERE reviewer = ?1)";
	sqlite3_stmt *stmt = db_statement(db, SQL);
	memset(c, 0, sizeof *c);
	if (!stmt)
		return STATUS_ERR_DB;
	sqlite3_bind_text(stmt, 1, reviewer ? reviewer : "", -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return db_fail(db, "reading the counts");
	c->items = sqlite3_column_int64(stmt, 0);
	c->reviewed = sqlite3_column_int64(stmt, 1);
	c->settled = sqlite3_column_int64(stmt, 2);
	c->mine = sqlite3_column_int64(stmt, 3);
	sqlite3_reset(stmt);
	return STATUS_OK;
}

Status db_queue_overlap(Db *db, int *permille)
{
	char value[32];
	Status st = meta_get(db, "overlap_permille", value, sizeof value);
	*permille = atoi_or_zero(value);
	return st;
}

Status db_queue_set_overlap(Db *db, int permille)
{
	static const char NEEDS[] = "UPDATE item_queue SET need = (SELECT " NEED("i")
				    " FROM items i WHERE i.id = item_queue.item_id)";
	char value[32];
	Status st;
	snprintf(value, sizeof value, "%d", permille);
	st = meta_set(db, "overlap_permille", value);
	if (st == STATUS_OK)
		st = exec_sql(db, NEEDS, "setting the overlap share");
	return st;
}
