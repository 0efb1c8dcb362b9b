/* kinds.h - the words of the schema, declared once: review decisions,
 * rationale verdicts, prediction and run states. Each list gives the C name
 * and the word stored in the database; the enums, the words and the parsers
 * all come from it (tig's request.h). Code outside db/ uses the enums only;
 * the words are read and written where SQL binds or reads them (db/kinds.c).
 * A pure header: any folder may include it, since it is the vocabulary the
 * layers share, not a way into the database. */
#ifndef GAVEL_DB_KINDS_H
#define GAVEL_DB_KINDS_H

/* A row of the review log (reviews.decision). A retract row withdraws an
 * earlier row of the same reviewer (undo). An adjudicate row is an
 * adjudicator's final label for the item (with the reason in the note): not
 * a vote, it overrides every settlement rule until it is retracted. */
#define DB_DECISIONS(X)                                                                    \
	X(ACCEPT, "accept")     /* the LLM's label, seen, is right */                      \
	X(OVERRIDE, "override") /* the reviewer's own label */                             \
	X(SKIP, "skip")         /* looked at, no label */                                  \
	X(NOTE, "note")         /* a note on the item, no decision */                      \
	X(VERDICT, "verdict")   /* a verdict on the rationale of an item decided before */ \
	X(RETRACT, "retract")                                                              \
	X(ADJUDICATE, "adjudicate") /* the final label, settling a conflict */

typedef enum {
	DB_DECISION_NONE, /* no standing decision; never stored */
#define DB_KIND_ENUM(name, word) DB_DECISION_##name,
	DB_DECISIONS(DB_KIND_ENUM)
#undef DB_KIND_ENUM
} DbDecision;

/* What the reviewer thought of the LLM's rationale, whatever its label
 * (reviews.rationale_verdict; NULL when unmarked). */
#define DB_VERDICTS(X)                                                               \
	X(SOUND, "sound")                                                             \
	X(FLAWED, "flawed")

typedef enum {
	DB_VERDICT_NONE, /* unmarked: stored as NULL */
#define DB_KIND_ENUM(name, word) DB_VERDICT_##name,
	DB_VERDICTS(DB_KIND_ENUM)
#undef DB_KIND_ENUM
} DbVerdict;

/* How a call for one item ended (predictions.status). */
#define DB_PREDICTION_STATES(X)                                                      \
	X(OK, "ok")                     /* an answer with a label */                  \
	X(PARSE_FAILED, "parse_failed") /* an answer we could not read */             \
	X(FAILED, "failed")             /* no answer: the call or the image failed */

typedef enum {
#define DB_KIND_ENUM(name, word) DB_PREDICTION_##name,
	DB_PREDICTION_STATES(DB_KIND_ENUM)
#undef DB_KIND_ENUM
	DB_PREDICTION_STATE_COUNT
} DbPredictionState;

/* Where a labelling run stands (runs.status). */
#define DB_RUN_STATES(X)                                                             \
	X(RUNNING, "running")                                                         \
	X(DONE, "done")                                                               \
	X(INTERRUPTED, "interrupted") /* stopped before the end: --resume finishes it */ \
	X(FAILED, "failed")           /* the database failed under it */

typedef enum {
#define DB_KIND_ENUM(name, word) DB_RUN_##name,
	DB_RUN_STATES(DB_KIND_ENUM)
#undef DB_KIND_ENUM
	DB_RUN_STATE_COUNT
} DbRunState;

/* The labeller whose runs are the linear scorer's predictions
 * (runs.provider; src/llm/provider_scorer.c). Its runs are runs like any
 * other, but "the LLM" of an item (the answer a reviewer is shown, the
 * queue's LLM label, agree's headline) is the latest run of any other
 * labeller unless a scorer run is asked for by its id. */
#define DB_PROVIDER_SCORER "scorer"

/* The word of each kind, as stored and as messages show it ("accept",
 * "parse_failed"); "" for DB_DECISION_NONE and DB_VERDICT_NONE, "?" out of
 * range. Static strings. */
const char *db_decision_word(DbDecision decision);
const char *db_verdict_word(DbVerdict verdict);
const char *db_prediction_state_word(DbPredictionState state);
const char *db_run_state_word(DbRunState state);

/* Whether a decision gives the item a human label (accept or override). */
static inline int db_decision_labels(DbDecision decision)
{
	return decision == DB_DECISION_ACCEPT || decision == DB_DECISION_OVERRIDE;
}

#endif
