/* migrations.c - the schema, as numbered migrations applied in order.
 * PRAGMA user_version holds the number of the last one applied. Never edit a
 * migration that has shipped: add the next one. */
#include "db/migrations.h"

#include <stddef.h>

static const char *const migrations[] = {
	/* 1: the whole design, shaped now even where later work fills it. */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	");"
	/* The one fixed ordered label scale 1..K; agreement weights depend on it. */
	"CREATE TABLE scale ("
	"  value INTEGER PRIMARY KEY CHECK (value >= 1),"
	"  name TEXT NOT NULL UNIQUE CHECK (name <> '')"
	");"
	"CREATE TABLE items ("
	"  id INTEGER PRIMARY KEY,"
	"  external_id TEXT NOT NULL UNIQUE,"
	"  path TEXT," /* absolute path of the image file */
	"  url TEXT,"
	"  sha256 TEXT," /* content hash, hex */
	"  format TEXT," /* jpeg, png, gif, bmp, pnm */
	"  width INTEGER,"
	"  height INTEGER,"
	"  bytes INTEGER,"
	"  title TEXT,"
	"  category TEXT,"
	"  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),"
	"  has_image INTEGER NOT NULL DEFAULT 1 CHECK (has_image IN (0, 1)),"
	"  source TEXT," /* the manifest or folder it came from */
	"  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
	");"
	"CREATE UNIQUE INDEX items_by_sha256 ON items (sha256) WHERE sha256 IS NOT NULL;"
	"CREATE INDEX items_by_category ON items (category);"
	/* A prompt version is the hash of its template text. */
	"CREATE TABLE prompt_versions ("
	"  id INTEGER PRIMARY KEY,"
	"  hash TEXT NOT NULL UNIQUE,"
	"  name TEXT,"
	"  text TEXT NOT NULL,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
	");"
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  provider TEXT NOT NULL,"
	"  model TEXT,"
	"  params TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),"
	"  prompt_version_id INTEGER REFERENCES prompt_versions (id),"
	"  status TEXT NOT NULL DEFAULT 'running'"
	"    CHECK (status IN ('running', 'done', 'interrupted', 'failed')),"
	"  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
	"  finished_at TEXT"
	");"
	/* One answer of a run for one item, with all that is needed to audit the call. */
	"CREATE TABLE predictions ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs (id),"
	"  item_id INTEGER NOT NULL REFERENCES items (id),"
	"  status TEXT NOT NULL CHECK (status IN ('ok', 'parse_failed', 'failed')),"
	"  score REAL,"
	"  label INTEGER REFERENCES scale (value),"
	"  confidence REAL,"
	"  inconsistent INTEGER NOT NULL DEFAULT 0," /* label names another point than score */
	"  rationale TEXT,"
	"  aspects TEXT CHECK (aspects IS NULL OR json_valid(aspects)),"
	"  reasoning TEXT," /* a reasoning model's separate channel */
	"  raw_reply TEXT,"
	"  prompt_tokens INTEGER,"
	"  completion_tokens INTEGER,"
	"  latency_ms INTEGER,"
	"  attempts INTEGER NOT NULL DEFAULT 1,"
	"  error TEXT,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
	"  UNIQUE (run_id, item_id)"
	");"
	"CREATE INDEX predictions_by_item ON predictions (item_id);"
	/* Reviews are an append-only log: undo is a new row that retracts an earlier one. */
	"CREATE TABLE reviews ("
	"  id INTEGER PRIMARY KEY,"
	"  item_id INTEGER NOT NULL REFERENCES items (id),"
	"  reviewer TEXT NOT NULL CHECK (reviewer <> ''),"
	"  decision TEXT NOT NULL"
	"    CHECK (decision IN ('accept', 'override', 'skip', 'verdict', 'note', 'retract')),"
	"  label INTEGER REFERENCES scale (value),"
	"  rationale_verdict TEXT CHECK (rationale_verdict IN ('sound', 'flawed')),"
	"  note TEXT,"
	"  prediction_id INTEGER REFERENCES predictions (id)," /* what was shown; NULL if blind or none */
	"  blind INTEGER NOT NULL DEFAULT 0 CHECK (blind IN (0, 1)),"
	"  retracts INTEGER REFERENCES reviews (id),"
	"  time_spent_ms INTEGER,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
	"  CHECK ((decision = 'retract') = (retracts IS NOT NULL))"
	");"
	"CREATE INDEX reviews_by_item ON reviews (item_id);"
	"CREATE INDEX reviews_by_reviewer ON reviews (reviewer);"
	"CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews"
	"  BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;"
	"CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews"
	"  BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;"
	/* The bundled linear scorer: every trained model with its features and metrics. */
	"CREATE TABLE scorer_models ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('logistic', 'multinomial', 'ridge')),"
	"  target TEXT NOT NULL CHECK (target IN ('human', 'llm')),"
	"  features TEXT NOT NULL CHECK (json_valid(features)),"
	"  params TEXT NOT NULL CHECK (json_valid(params)),"
	"  metrics TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metrics)),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
	");"
	"CREATE TABLE scores ("
	"  model_id INTEGER NOT NULL REFERENCES scorer_models (id),"
	"  item_id INTEGER NOT NULL REFERENCES items (id),"
	"  score REAL NOT NULL,"
	"  probabilities TEXT CHECK (probabilities IS NULL OR json_valid(probabilities)),"
	"  PRIMARY KEY (model_id, item_id)"
	");"
	/* Per-item feature vectors: measured from pixels, or imported (embeddings). */
	"CREATE TABLE features ("
	"  item_id INTEGER NOT NULL REFERENCES items (id),"
	"  name TEXT NOT NULL," /* the feature set, e.g. 'pixels' */
	"  dim INTEGER NOT NULL CHECK (dim > 0),"
	"  vector BLOB NOT NULL," /* dim little-endian float32 values */
	"  PRIMARY KEY (item_id, name)"
	");",
	/* 2: a run's plan, fixed when it starts, so --resume finishes exactly the
	 * rest even when what "unlabelled" means has changed since. */
	"CREATE TABLE run_items ("
	"  run_id INTEGER NOT NULL REFERENCES runs (id),"
	"  item_id INTEGER NOT NULL REFERENCES items (id),"
	"  PRIMARY KEY (run_id, item_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX runs_by_prompt ON runs (prompt_version_id);",
	/* 3: several reviewers at once. A claim is a lease on an item for one
	 * reviewer; it expires, so a reviewer who walks away frees their items. */
	"CREATE TABLE claims ("
	"  item_id INTEGER NOT NULL REFERENCES items (id),"
	"  reviewer TEXT NOT NULL,"
	"  expires_at REAL NOT NULL," /* Unix time, seconds */
	"  PRIMARY KEY (item_id, reviewer)"
	") WITHOUT ROWID;"
	"CREATE INDEX claims_by_reviewer ON claims (reviewer);"
	"CREATE INDEX reviews_by_retracts ON reviews (retracts) WHERE retracts IS NOT NULL;"
	"CREATE INDEX reviews_by_item_reviewer ON reviews (item_id, reviewer);"
	"CREATE INDEX predictions_by_item_run ON predictions (item_id, run_id);",
	/* 4: gavel agree reads every standing label and every prediction in item
	 * order; covering indexes spare it a table lookup per row (a million
	 * items load in 0.7 s instead of 0.9 s). */
	"CREATE INDEX reviews_for_agreement ON reviews"
	"  (item_id, reviewer, id, decision, label, blind, created_at);"
	"CREATE INDEX predictions_for_agreement ON predictions"
	"  (item_id, run_id, status, label, prompt_tokens, completion_tokens);"
	/* their leading columns serve every lookup these did */
	"DROP INDEX reviews_by_item_reviewer;"
	"DROP INDEX predictions_by_item_run;"
	"DROP INDEX predictions_by_item;",
	/* 5: queue state kept, not recomputed. The review log stays the truth;
	 * these tables are derived from it (and from predictions, claims and
	 * scores) by the triggers of db/queue.c, in the transaction of the event
	 * that changes them, so taking the next items is an index range scan
	 * whatever the size of the database. No foreign keys: derived rows must
	 * never block a write to the tables they mirror. */
	/* Each reviewer's standing decision on an item: the latest of their
	 * accepts, overrides and skips that is not retracted. */
	"CREATE TABLE standing ("
	"  item_id INTEGER NOT NULL,"
	"  reviewer TEXT NOT NULL,"
	"  review_id INTEGER NOT NULL,"
	"  decision TEXT NOT NULL," /* accept, override, skip */
	"  label INTEGER,"
	"  verdict TEXT,"
	"  llm_label INTEGER," /* the LLM label shown with it, NULL when blind */
	"  PRIMARY KEY (item_id, reviewer)"
	") WITHOUT ROWID;"
	"CREATE INDEX standing_by_reviewer ON standing (reviewer, review_id);"
	/* Per item: whether it still needs a reviewer, and what each queue order
	 * sorts it by. need is 0 for an item without an image (never queued),
	 * 1, or 2 in the overlap share; an item is open while fewer reviewers
	 * have decided it or hold a claim on it than it needs. */
	"CREATE TABLE item_queue ("
	"  item_id INTEGER PRIMARY KEY,"
	"  need INTEGER NOT NULL,"
	"  deciders INTEGER NOT NULL DEFAULT 0,"
	"  claimers INTEGER NOT NULL DEFAULT 0,"
	"  human_min INTEGER, human_max INTEGER," /* the standing human labels' range */
	"  llm_run INTEGER, llm_label INTEGER, llm_confidence REAL," /* the latest ok answer */
	"  scorer_model INTEGER, scorer_score REAL,"
	"  open INTEGER GENERATED ALWAYS AS (deciders + claimers < need) VIRTUAL,"
	/* the keys of the orders (db/claims.h DB_ORDERS), ascending */
	"  disagreement_key REAL GENERATED ALWAYS AS"
	"    (ifnull(-max(abs(human_min - llm_label), abs(human_max - llm_label)), 9e99)) VIRTUAL,"
	"  random_key INTEGER GENERATED ALWAYS AS ((item_id * 2654435761) % 4294967291) VIRTUAL,"
	"  scorer_key REAL GENERATED ALWAYS AS (ifnull(scorer_score, 9e99)) VIRTUAL"
	");"
	"CREATE INDEX queue_unreviewed ON item_queue (item_id) WHERE open;"
	"CREATE INDEX queue_disagreement ON item_queue (disagreement_key, item_id) WHERE open;"
	"CREATE INDEX queue_confidence ON item_queue (llm_confidence, item_id) WHERE open;"
	"CREATE INDEX queue_random ON item_queue (random_key) WHERE open;"
	"CREATE INDEX queue_scorer ON item_queue (scorer_key, item_id) WHERE open;"
	"CREATE INDEX claims_by_expiry ON claims (expires_at);"
	/* Counts the title bar shows, kept instead of counted. */
	"CREATE TABLE queue_counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE reviewer_counts ("
	"  reviewer TEXT PRIMARY KEY,"
	"  decided INTEGER NOT NULL DEFAULT 0" /* items with their standing accept or override */
	") WITHOUT ROWID;"
	/* Each reviewer's standing labels against the LLM label they were shown,
	 * as a table: the running agreement, without reading every review. */
	"CREATE TABLE reviewer_pairs ("
	"  reviewer TEXT NOT NULL, llm INTEGER NOT NULL, human INTEGER NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY (reviewer, llm, human)"
	") WITHOUT ROWID;"
	"INSERT OR IGNORE INTO meta (key, value) VALUES ('overlap_permille', '0');",
	/* 6: who is labelling a run now: the process's id from src/base/proc.h
	 * (boot, pid, start time), NULL when nobody is. A run marked running
	 * whose owner is gone was killed: --list and --resume tell it from a
	 * live one, and a second live --resume is refused. */
	"ALTER TABLE runs ADD COLUMN owner TEXT;",
	/* 7: the linear scorer's data (docs/scorer.md). A feature set is named
	 * with its version ('pixels-v1'), has ordered named columns, and holds
	 * its vectors as float32 (measured: what features_to_vector gives) or
	 * float64 (imported: the file's decimals kept exactly, so a fit reaches
	 * the optimum of the values the user gave, not of their rounding). The
	 * index reads one set in item order without touching the others. */
	"CREATE TABLE feature_sets ("
	"  name TEXT PRIMARY KEY CHECK (name <> ''),"
	"  dim INTEGER NOT NULL CHECK (dim > 0),"
	"  columns TEXT NOT NULL CHECK (json_valid(columns)),"
	"  value_type TEXT NOT NULL CHECK (value_type IN ('f32', 'f64')),"
	"  origin TEXT NOT NULL CHECK (origin IN ('measured', 'imported')),"
	"  source TEXT,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
	");"
	"CREATE INDEX features_by_name ON features (name, item_id);"
	/* a model as it can be applied (model: the export-model JSON), the size
	 * and hash of the data it was fitted on, and whether its scores hold
	 * out-of-fold probabilities over the whole scale (the suspect order) */
	"ALTER TABLE scorer_models ADD COLUMN rows INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE scorer_models ADD COLUMN data_hash TEXT;"
	"ALTER TABLE scorer_models ADD COLUMN model TEXT CHECK (model IS NULL OR json_valid(model));"
	"ALTER TABLE scorer_models ADD COLUMN oof_labels INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX scorer_models_oof ON scorer_models (id) WHERE oof_labels;"
	/* scores are a model's out-of-fold predictions on its training rows:
	 * the label it was trained to, and the fold that held the row out */
	"ALTER TABLE scores ADD COLUMN label INTEGER;"
	"ALTER TABLE scores ADD COLUMN fold INTEGER;"
	/* the scorer's orders: the latest scorer run's answer, how unsure it
	 * is, and the out-of-fold probability of the settled human label */
	"ALTER TABLE item_queue ADD COLUMN scorer_run INTEGER;"
	"ALTER TABLE item_queue ADD COLUMN scorer_label INTEGER;"
	"ALTER TABLE item_queue ADD COLUMN scorer_entropy REAL;"
	"ALTER TABLE item_queue ADD COLUMN suspect_p REAL;"
	"ALTER TABLE item_queue ADD COLUMN uncertain_key REAL GENERATED ALWAYS AS"
	"  (ifnull(-scorer_entropy, 9e99)) VIRTUAL;"
	"ALTER TABLE item_queue ADD COLUMN split_key REAL GENERATED ALWAYS AS"
	"  (ifnull(-abs(scorer_score - llm_label), 9e99)) VIRTUAL;"
	"CREATE INDEX queue_uncertain ON item_queue (uncertain_key, item_id) WHERE open;"
	"CREATE INDEX queue_split ON item_queue (split_key, item_id) WHERE open;"
	"CREATE INDEX queue_suspect ON item_queue (suspect_p, item_id) WHERE suspect_p IS NOT NULL;"
	"CREATE INDEX runs_by_provider ON runs (provider, id);",
	/* 8: audits, random samples of the catalogue for honest estimates
	 * (docs/estimates.md), and the queue order each decision was made in.
	 * An audit is drawn by a seeded hash rank: the items of a stratum with
	 * the smallest draw keys, so growing it keeps what was drawn. Everything
	 * about the draw is kept: the seed, each stratum's population and size
	 * as the audit stands, each item's rank and inclusion probability, and
	 * every draw in audit_draws. */
	"CREATE TABLE audits ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT,"
	"  design TEXT NOT NULL CHECK (design IN ('uniform', 'llm'))," /* strata: none, LLM label */
	"  seed INTEGER NOT NULL,"
	"  blind INTEGER NOT NULL DEFAULT 1 CHECK (blind IN (0, 1))," /* hide the LLM's answer */
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
	");"
	/* stratum 0 is a uniform audit's only one; else the LLM label at the draw */
	"CREATE TABLE audit_strata ("
	"  audit_id INTEGER NOT NULL REFERENCES audits (id),"
	"  stratum INTEGER NOT NULL CHECK (stratum >= 0),"
	"  population INTEGER NOT NULL CHECK (population >= 0)," /* items in it at the last draw */
	"  size INTEGER NOT NULL CHECK (size >= 0 AND size <= population)," /* items drawn */
	"  PRIMARY KEY (audit_id, stratum)"
	") WITHOUT ROWID;"
	"CREATE TABLE audit_items ("
	"  audit_id INTEGER NOT NULL REFERENCES audits (id),"
	"  item_id INTEGER NOT NULL REFERENCES items (id),"
	"  stratum INTEGER NOT NULL,"
	"  rank INTEGER NOT NULL CHECK (rank >= 0)," /* 0-based place in the stratum's draw */
	"  draw_key INTEGER NOT NULL,"               /* the seeded hash, 53 bits */
	"  probability REAL NOT NULL CHECK (probability > 0 AND probability <= 1),"
	"  drawn_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
	"  PRIMARY KEY (audit_id, item_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX audit_items_by_item ON audit_items (item_id);"
	"CREATE TABLE audit_draws ("
	"  audit_id INTEGER NOT NULL REFERENCES audits (id),"
	"  size INTEGER NOT NULL,"       /* the audit's size after this draw */
	"  population INTEGER NOT NULL," /* the items it was drawn from */
	"  added INTEGER NOT NULL,"      /* items this draw added */
	"  drawn_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
	");"
	/* the audit order: an item's place in its stratum's draw as a share of
	 * the stratum's size (the smallest over audits), so that reviewing in
	 * this order keeps every stratum's reviewed part a prefix of its draw */
	"ALTER TABLE item_queue ADD COLUMN audit_key REAL;"
	"CREATE INDEX queue_audit ON item_queue (audit_key, item_id)"
	"  WHERE open AND audit_key IS NOT NULL;"
	/* how many items have each LLM label, kept by db/queue.c's triggers: the
	 * catalogue gavel estimate describes, counted without reading it */
	"CREATE TABLE llm_counts (label INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
	"INSERT INTO llm_counts (label, n) SELECT llm_label, count(*) FROM item_queue"
	"  WHERE llm_label IS NOT NULL GROUP BY llm_label;"
	/* 'audit', 'disagreement', ... (db/claims.h DB_ORDERS), 'mine' when
	 * browsing one's own decisions, 'import' for imported ratings; NULL for
	 * decisions recorded before this column */
	"ALTER TABLE reviews ADD COLUMN queue_order TEXT;"
	"DROP INDEX reviews_for_agreement;"
	"CREATE INDEX reviews_for_agreement ON reviews"
	"  (item_id, reviewer, id, decision, label, blind, created_at, queue_order);",
	/* 9: the prompt lab (docs/prompt-lab.md). Runs with foreign keys off
	 * (db/database.c), as SQLite's recipe for rebuilding a table asks. */
	/* an edited version remembers what it came from and what it should fix */
	"ALTER TABLE prompt_versions ADD COLUMN parent_id INTEGER REFERENCES prompt_versions (id);"
	"ALTER TABLE prompt_versions ADD COLUMN note TEXT;"
	/* --repeat N: every item is asked N times (sample 0 .. N-1) */
	"ALTER TABLE runs ADD COLUMN repeats INTEGER NOT NULL DEFAULT 1 CHECK (repeats >= 1);"
	/* The sample index joins a prediction's identity, and an answer taken
	 * from the call cache says so: the table is rebuilt, since a UNIQUE
	 * constraint cannot be changed in place. */
	"CREATE TABLE predictions_new ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs (id),"
	"  item_id INTEGER NOT NULL REFERENCES items (id),"
	"  sample INTEGER NOT NULL DEFAULT 0 CHECK (sample >= 0),"
	"  status TEXT NOT NULL CHECK (status IN ('ok', 'parse_failed', 'failed')),"
	"  score REAL,"
	"  label INTEGER REFERENCES scale (value),"
	"  confidence REAL,"
	"  inconsistent INTEGER NOT NULL DEFAULT 0,"
	"  rationale TEXT,"
	"  aspects TEXT CHECK (aspects IS NULL OR json_valid(aspects)),"
	"  reasoning TEXT,"
	"  raw_reply TEXT,"
	"  prompt_tokens INTEGER,"
	"  completion_tokens INTEGER,"
	"  latency_ms INTEGER,"
	"  attempts INTEGER NOT NULL DEFAULT 1,"
	"  error TEXT,"
	"  cached INTEGER NOT NULL DEFAULT 0 CHECK (cached IN (0, 1)),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
	"  UNIQUE (run_id, item_id, sample)"
	");"
	"INSERT INTO predictions_new (id, run_id, item_id, status, score, label, confidence,"
	"  inconsistent, rationale, aspects, reasoning, raw_reply, prompt_tokens, completion_tokens,"
	"  latency_ms, attempts, error, created_at)"
	" SELECT id, run_id, item_id, status, score, label, confidence, inconsistent, rationale,"
	"  aspects, reasoning, raw_reply, prompt_tokens, completion_tokens, latency_ms, attempts,"
	"  error, created_at FROM predictions;"
	"DROP TABLE predictions;"
	"ALTER TABLE predictions_new RENAME TO predictions;"
	"CREATE INDEX predictions_for_agreement ON predictions"
	"  (item_id, run_id, status, label, prompt_tokens, completion_tokens);"
	/* the queue's trigger on predictions went with the old table: forget
	 * the fingerprint so that db/queue.c makes them all again */
	"DELETE FROM meta WHERE key = 'triggers';"
	/* Answers of calls already made (src/llm/callcache.h), by the hash of
	 * everything that decides the answer; never the API key. Only replies
	 * that parsed are kept. */
	"CREATE TABLE call_cache ("
	"  key TEXT PRIMARY KEY," /* 64 hex digits */
	"  provider TEXT NOT NULL,"
	"  model TEXT,"
	"  body TEXT NOT NULL," /* the provider's 2xx reply, as received */
	"  prompt_tokens INTEGER,"
	"  completion_tokens INTEGER,"
	"  latency_ms INTEGER,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
	") WITHOUT ROWID;"
	/* The re-review queue: items a comparison sent back to people, with
	 * the settled label they had then; an item leaves the queue at the
	 * first accept or override after it was sent (db/queue.c). */
	"CREATE TABLE recheck ("
	"  id INTEGER PRIMARY KEY,"
	"  item_id INTEGER NOT NULL REFERENCES items (id),"
	"  after_review INTEGER NOT NULL DEFAULT 0," /* the review log's last id when sent */
	"  settled_label INTEGER,"
	"  reason TEXT NOT NULL," /* broken, disagrees, unanimous */
	"  source TEXT,"          /* the comparison: 'run:3 run:5' */
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
	");"
	"CREATE INDEX recheck_by_item ON recheck (item_id);"
	"CREATE INDEX recheck_by_source ON recheck (source);"
	"ALTER TABLE item_queue ADD COLUMN recheck_key INTEGER;"   /* the open request's id */
	"ALTER TABLE item_queue ADD COLUMN recheck_after INTEGER;" /* its after_review */
	"CREATE INDEX queue_recheck ON item_queue (recheck_key, item_id)"
	"  WHERE recheck_key IS NOT NULL;"
	/* gavel prompts suggest: the settled items split once into search (0),
	 * select (1) and test (2), stratified by the human label; kept so the
	 * test part is never searched on */
	"CREATE TABLE lab_splits ("
	"  item_id INTEGER PRIMARY KEY REFERENCES items (id),"
	"  part INTEGER NOT NULL CHECK (part IN (0, 1, 2)),"
	"  label INTEGER NOT NULL," /* the settled label when it was split */
	"  seed INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/* 10: gold sets. The review log is rebuilt (SQLite cannot change a CHECK
	 * in place) so that it takes two new kinds of row:
	 * - 'adjudicate': an adjudicator's final label for an item, with the
	 *   reason as its note; like every decision it is undone by a retract;
	 * - again = 1: one more rating of an item by the same rater, counted as
	 *   another vote beside the one before instead of replacing it (imported
	 *   data where a rater rated an item several times, as Dawid & Skene's
	 *   anaesthetist 1 did); only import-ratings writes it.
	 * The old table is renamed first, so its triggers and indexes go with it
	 * when it is dropped, and no foreign key ever points at a missing table;
	 * ids are kept, so the queue state stays true. db/queue.c creates the
	 * triggers again (and rebuilds the state: its version changed). */
	"ALTER TABLE reviews RENAME TO reviews_old;"
	"CREATE TABLE reviews ("
	"  id INTEGER PRIMARY KEY,"
	"  item_id INTEGER NOT NULL REFERENCES items (id),"
	"  reviewer TEXT NOT NULL CHECK (reviewer <> ''),"
	"  decision TEXT NOT NULL CHECK (decision IN"
	"    ('accept', 'override', 'skip', 'verdict', 'note', 'retract', 'adjudicate')),"
	"  label INTEGER REFERENCES scale (value),"
	"  rationale_verdict TEXT CHECK (rationale_verdict IN ('sound', 'flawed')),"
	"  note TEXT,"
	"  prediction_id INTEGER REFERENCES predictions (id),"
	"  blind INTEGER NOT NULL DEFAULT 0 CHECK (blind IN (0, 1)),"
	"  retracts INTEGER REFERENCES reviews (id),"
	"  time_spent_ms INTEGER,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
	"  queue_order TEXT," /* the audits' migration's column, kept */
	"  again INTEGER NOT NULL DEFAULT 0 CHECK (again IN (0, 1)),"
	"  CHECK ((decision = 'retract') = (retracts IS NOT NULL)),"
	"  CHECK (decision <> 'adjudicate' OR label IS NOT NULL),"
	"  CHECK (again = 0 OR decision IN ('accept', 'override'))"
	");"
	"INSERT INTO reviews (id, item_id, reviewer, decision, label, rationale_verdict, note,"
	"  prediction_id, blind, retracts, time_spent_ms, created_at, queue_order)"
	"  SELECT id, item_id, reviewer, decision, label, rationale_verdict, note, prediction_id,"
	"  blind, retracts, time_spent_ms, created_at, queue_order FROM reviews_old ORDER BY id;"
	"DROP TABLE reviews_old;"
	"CREATE INDEX reviews_by_item ON reviews (item_id);"
	"CREATE INDEX reviews_by_reviewer ON reviews (reviewer);"
	"CREATE INDEX reviews_by_retracts ON reviews (retracts) WHERE retracts IS NOT NULL;"
	/* agree's covering index, with again for settle's votes */
	"CREATE INDEX reviews_for_agreement ON reviews"
	"  (item_id, reviewer, id, decision, label, blind, created_at, queue_order, again);"
	"CREATE INDEX reviews_adjudications ON reviews (item_id, id) WHERE decision = 'adjudicate';"
	/* the guards, at once (db/queue.c keeps them from now on) */
	"CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews"
	"  BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;"
	"CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews"
	"  BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;"
	"CREATE TRIGGER reviews_no_replace BEFORE INSERT ON reviews"
	"  WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM reviews WHERE id = NEW.id)"
	"  BEGIN SELECT RAISE(ABORT, 'reviews are append-only: a row cannot be replaced'); END;"
	/* The adjudication queue (db/claims.h DB_ORDER_CONFLICTS), kept by
	 * db/queue.c: the standing adjudicated label, how many reviewers stand
	 * on a skip (unsure), and the Dawid-Skene posterior of the item's best
	 * label with whether it is below the threshold in force (written by
	 * settle and the adjudication screen). An item is in conflict while no
	 * adjudication stands and its reviewers disagree, one is unsure, or the
	 * posterior is in doubt; least certain first. It is open to an
	 * adjudicator while nobody holds a claim on it. */
	"ALTER TABLE item_queue ADD COLUMN unsure INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE item_queue ADD COLUMN adjudicated INTEGER;"
	"ALTER TABLE item_queue ADD COLUMN ds_posterior REAL;"
	"ALTER TABLE item_queue ADD COLUMN ds_doubt INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE item_queue ADD COLUMN conflict_key REAL GENERATED ALWAYS AS"
	"  (CASE WHEN adjudicated IS NULL AND (human_min < human_max OR unsure > 0 OR ds_doubt)"
	"   THEN ifnull(ds_posterior, 0) END) VIRTUAL;"
	"ALTER TABLE item_queue ADD COLUMN conflict_open INTEGER GENERATED ALWAYS AS"
	"  (conflict_key IS NOT NULL AND claimers = 0) VIRTUAL;"
	"CREATE INDEX queue_conflicts ON item_queue (conflict_key, item_id) WHERE conflict_open;"
	/* Bulk acceptance finds the unanimous items not yet adjudicated. */
	"CREATE INDEX queue_unanimous ON item_queue (item_id)"
	"  WHERE adjudicated IS NULL AND deciders >= 2 AND human_min = human_max;",
};

int migrations_count(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *migrations_sql(int number)
{
	if (number < 1 || number > migrations_count())
		return NULL;
	return migrations[number - 1];
}
