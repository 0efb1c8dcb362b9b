/* kinds.c - the words of the schema's kinds (db/kinds.h), for the db/ files
 * that bind and read them, and for messages. */
#include "db/kinds.h"

#include <string.h>

#include "db/internal.h"

#define DB_KIND_WORD(name, word) word,
static const char *const decision_words[] = {"", DB_DECISIONS(DB_KIND_WORD)};
static const char *const verdict_words[] = {"", DB_VERDICTS(DB_KIND_WORD)};
static const char *const prediction_words[] = {DB_PREDICTION_STATES(DB_KIND_WORD)};
static const char *const run_words[] = {DB_RUN_STATES(DB_KIND_WORD)};
#undef DB_KIND_WORD

#define COUNT(a) ((int)(sizeof a / sizeof a[0]))

static const char *word_of(const char *const *words, int count, int value)
{
	return value >= 0 && value < count ? words[value] : "?";
}

/* The index of word in words, or -1. */
static int index_of(const char *const *words, int count, const char *word)
{
	for (int i = 0; word && i < count; i++)
		if (!strcmp(words[i], word))
			return i;
	return -1;
}

const char *db_decision_word(DbDecision d)
{
	return word_of(decision_words, COUNT(decision_words), d);
}

const char *db_verdict_word(DbVerdict v)
{
	return word_of(verdict_words, COUNT(verdict_words), v);
}

const char *db_prediction_state_word(DbPredictionState s)
{
	return word_of(prediction_words, COUNT(prediction_words), s);
}

const char *db_run_state_word(DbRunState s)
{
	return word_of(run_words, COUNT(run_words), s);
}

DbDecision db_decision_parse(const char *word)
{
	int i = index_of(decision_words, COUNT(decision_words), word);
	return i > 0 ? (DbDecision)i : DB_DECISION_NONE;
}

DbVerdict db_verdict_parse(const char *word)
{
	int i = index_of(verdict_words, COUNT(verdict_words), word);
	return i > 0 ? (DbVerdict)i : DB_VERDICT_NONE;
}

DbPredictionState db_prediction_state_parse(const char *word)
{
	int i = index_of(prediction_words, COUNT(prediction_words), word);
	return i >= 0 ? (DbPredictionState)i : DB_PREDICTION_FAILED;
}

DbRunState db_run_state_parse(const char *word)
{
	int i = index_of(run_words, COUNT(run_words), word);
	return i >= 0 ? (DbRunState)i : DB_RUN_FAILED;
}

const char *db_verdict_sql(DbVerdict v)
{
	return v == DB_VERDICT_NONE ? NULL : db_verdict_word(v);
}
