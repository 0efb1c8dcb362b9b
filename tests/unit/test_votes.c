/* test_votes.c - what settling reads from the log (db/votes.c): each
 * reviewer's standing votes (a changed mind is one vote, ratings made
 * again are more, a skip is none but unsure, a retract brings back what
 * stood before), the standing adjudication, the LLM's label of the latest
 * or of a given run, items without votes, and the default rule kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/database.h"
#include "db/items.h"
#include "db/votes.h"
#include "tests/unit/test_sql.h"

static char dir[] = "/tmp/gavel-test-votes.XXXXXX";
static char path[256];

static void make_db(void)
{
	Db *db;
	const char *names[] = { "bad", "ok", "good" };
	snprintf(path, sizeof path, "%s/v.db", dir);
	CHECK_INT(db_open(path, DB_OPEN_CREATE, &db), STATUS_OK);
	CHECK_INT(db_scale_set(db, names, 3), STATUS_OK);
	db_close(db);
	sql_exec(
		path,
		"INSERT INTO items (external_id) VALUES ('one'), ('two'), ('none');"
		"INSERT INTO reviews (item_id, reviewer, decision, label, again, created_at) VALUES"
		" (1, 'ann', 'override', 1, 0, 't1'), (1, 'ann', 'override', 2, 0, 't2'),"
		" (1, 'bo', 'override', 1, 0, 't3'), (1, 'bo', 'override', 2, 1, 't4'),"
		" (1, 'cy', 'override', 3, 0, 't5'), (1, 'cy', 'skip', NULL, 0, 't6'),"
		" (1, 'dee', 'override', 1, 0, 't7'), (1, 'dee', 'override', 2, 1, 't8'),"
		" (1, 'dee', 'override', 3, 1, 't9');"
		"INSERT INTO reviews (item_id, reviewer, decision, retracts) VALUES (1, 'dee', 'retract', 9);"
		"INSERT INTO reviews (item_id, reviewer, decision, label, note, created_at) VALUES"
		" (1, 'zed', 'adjudicate', 3, 'first', 'u1'), (1, 'yan', 'adjudicate', 1, 'second', 'u2');"
		"INSERT INTO reviews (item_id, reviewer, decision, retracts) VALUES (1, 'yan', 'retract', 12);"
		"INSERT INTO reviews (item_id, reviewer, decision, label) VALUES (2, 'ann', 'accept', 3);"
		"INSERT INTO runs (provider, model, status) VALUES ('t', 'm', 'done'), ('t', 'm', 'done');"
		"INSERT INTO predictions (run_id, item_id, status, label) VALUES (1, 1, 'ok', 1),"
		" (2, 1, 'ok', 2), (1, 2, 'ok', 3), (2, 2, 'failed', NULL);");
}

/* The votes as "reviewer:label" joined by spaces. */
static void votes_text(const DbVoteItem *it, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < it->n_votes && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%s:%d", i ? " " : "",
				      it->votes[i].reviewer, it->votes[i].label);
}

static void the_votes(void)
{
	Db *db;
	DbVoteCursor *c;
	const DbVoteItem *it;
	DbVoteQuery q = { .run_id = 0, .verdicts = 1 };
	char text[256];
	make_db();
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_OK);
	CHECK_INT(db_votes_open(db, &q, &c), STATUS_OK);
	CHECK_INT(db_votes_next(c, &it), STATUS_OK);
	CHECK(it && it->item_id == 1);
	votes_text(it, text, sizeof text);
	/* ann changed her mind: one vote; bo rated again: two; cy skipped last:
	 * none, unsure; dee's third rating was undone: two */
	CHECK_STR(text, "ann:2 bo:1 bo:2 dee:1 dee:2");
	CHECK_INT(it->unsure, 1);
	CHECK_STR(it->external_id, "one");
	CHECK_STR(it->votes[2].time, "t4");
	/* yan's adjudication was withdrawn: zed's stands */
	CHECK_INT(it->adjudicated, 3);
	CHECK_STR(it->adjudicator, "zed");
	CHECK_STR(it->reason, "first");
	CHECK_STR(it->adjudicated_at, "u1");
	CHECK_INT(it->llm_label, 2);
	CHECK_INT(it->llm_run, 2);
	CHECK_INT(db_votes_next(c, &it), STATUS_OK);
	CHECK(it && it->item_id == 2 && it->n_votes == 1 && it->adjudicated == 0);
	CHECK_INT(it->llm_label, 3); /* run 2 failed on it: run 1's answer */
	CHECK_INT(db_votes_next(c, &it), STATUS_OK);
	CHECK(it && it->item_id == 3 && it->n_votes == 0 && it->llm_label == 0 && !it->adjudicator);
	CHECK_INT(db_votes_next(c, &it), STATUS_OK);
	CHECK(it == NULL);
	db_votes_close(c);
	/* a given run's answers */
	q.run_id = 1;
	CHECK_INT(db_votes_open(db, &q, &c), STATUS_OK);
	CHECK_INT(db_votes_next(c, &it), STATUS_OK);
	CHECK_INT(it->llm_label, 1);
	db_votes_close(c);
	db_close(db);
}

static void the_default_rule(void)
{
	Db *db;
	char *json;
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_OK);
	CHECK_INT(db_votes_rule_get(db, &json), STATUS_OK);
	CHECK(json == NULL);
	CHECK_INT(db_votes_rule_set(db, "{\"rule\":\"majority\"}"), STATUS_OK);
	CHECK_INT(db_votes_rule_get(db, &json), STATUS_OK);
	CHECK_STR(json, "{\"rule\":\"majority\"}");
	free(json);
	{
		long long ids[] = { 1, 2 };
		double p[] = { 0.5, -1 };
		unsigned char doubt[] = { 1, 0 };
		CHECK_INT(db_votes_mark_posteriors(db, ids, p, doubt, 2), STATUS_OK);
	}
	db_close(db);
	CHECK_INT(sql_int(path, "SELECT ds_doubt FROM item_queue WHERE item_id = 1"), 1);
	CHECK_INT(sql_int(path, "SELECT ds_posterior IS NULL FROM item_queue WHERE item_id = 2"),
		  1);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	the_votes();
	the_default_rule();
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed != 0;
}
