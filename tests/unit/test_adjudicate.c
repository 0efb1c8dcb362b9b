/* test_adjudicate.c - adjudication (src/review/adjudicate.c over
 * db/adjudications.c and the conflicts queue) driven directly, two
 * adjudicators on one file: which items are in conflict (reviewers
 * disagree, one unsure, Dawid-Skene in doubt), no item handed to both, a
 * decision written to the log and withdrawn by undo, the queue state kept
 * in step, bulk acceptance and its undo, a lapsed claim taken by another,
 * and how each row says its item was chosen (reviews.queue_order).
 * SQLite itself (tests/unit/test_sql.h) is the witness. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/adjudications.h"
#include "db/database.h"
#include "db/items.h"
#include "db/votes.h"
#include "src/review/adjudicate.h"
#include "tests/unit/test_sql.h"

static char dir[] = "/tmp/gavel-test-adjudicate.XXXXXX";
static char path[256];

/* Items it1..it12: it1-it4 reviewers disagree, it5 one reviewer skipped,
 * it6-it8 unanimous (two reviewers), it9-it12 one review each. */
static void make_db(void)
{
	static int serial;
	Db *db;
	const char *names[] = { "bad", "ok", "good" };
	snprintf(path, sizeof path, "%s/a%d.db", dir, ++serial);
	CHECK_INT(db_open(path, DB_OPEN_CREATE, &db), STATUS_OK);
	CHECK_INT(db_scale_set(db, names, 3), STATUS_OK);
	db_close(db);
	sql_exec(
		path,
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)"
		" INSERT INTO items (external_id, path) SELECT printf('it%d', i), '/x/' || i || '.png' FROM n;"
		"INSERT INTO reviews (item_id, reviewer, decision, label) SELECT id, 'ann', 'override',"
		" 1 FROM items WHERE id <= 4;"
		"INSERT INTO reviews (item_id, reviewer, decision, label) SELECT id, 'bo', 'override',"
		" 2 FROM items WHERE id <= 4;"
		"INSERT INTO reviews (item_id, reviewer, decision, label) VALUES (5, 'ann', 'override', 3);"
		"INSERT INTO reviews (item_id, reviewer, decision) VALUES (5, 'bo', 'skip');"
		"INSERT INTO reviews (item_id, reviewer, decision, label) SELECT id, who, 'override', 3"
		" FROM items, (SELECT 'ann' who UNION ALL SELECT 'bo') WHERE id BETWEEN 6 AND 8;"
		"INSERT INTO reviews (item_id, reviewer, decision, label) SELECT id, 'ann', 'override',"
		" 2 FROM items WHERE id >= 9;");
}

static long long conflicts(void)
{
	return sql_int(path, "SELECT count(*) FROM item_queue WHERE conflict_key IS NOT NULL");
}

static void the_conflicts_queue(void)
{
	make_db();
	/* it1-it4 disagree, it5 unsure; posteriors are not known yet */
	CHECK_INT(conflicts(), 5);
	CHECK_INT(sql_int(path, "SELECT unsure FROM item_queue WHERE item_id = 5"), 1);
	/* a retracted skip is no longer unsure */
	sql_exec(
		path,
		"INSERT INTO reviews (item_id, reviewer, decision, retracts)"
		" SELECT 5, 'bo', 'retract', id FROM reviews WHERE item_id = 5 AND decision = 'skip'");
	CHECK_INT(sql_int(path, "SELECT unsure FROM item_queue WHERE item_id = 5"), 0);
	CHECK_INT(conflicts(), 4);
	/* a Dawid-Skene doubt puts an item in; an adjudication takes it out */
	sql_exec(path, "UPDATE item_queue SET ds_posterior = 0.6, ds_doubt = 1 WHERE item_id = 9");
	CHECK_INT(conflicts(), 5);
	sql_exec(path, "INSERT INTO reviews (item_id, reviewer, decision, label) VALUES (9, 'zed',"
		       " 'adjudicate', 2)");
	CHECK_INT(conflicts(), 4);
	CHECK_INT(sql_int(path, "SELECT adjudicated FROM item_queue WHERE item_id = 9"), 2);
	/* the review log still refuses changes, and adjudications need a label */
	sql_exec(path, "SELECT 1");
	{
		sqlite3 *h;
		sqlite3_open(path, &h);
		CHECK(sqlite3_exec(h, "UPDATE reviews SET label = 1 WHERE decision = 'adjudicate'",
				   NULL, NULL, NULL) != SQLITE_OK);
		CHECK(sqlite3_exec(h,
				   "INSERT INTO reviews (item_id, reviewer, decision) VALUES (1,"
				   " 'zed', 'adjudicate')",
				   NULL, NULL, NULL) != SQLITE_OK);
		sqlite3_close(h);
	}
}

static long long item_of(AdjudicateSession *s, int i)
{
	const AdjudicateEntry *e = adjudicate_peek(s, i);
	return e ? e->item_id : 0;
}

static void two_adjudicators(void)
{
	Db *da, *db;
	AdjudicateSession *a, *b;
	long long undone;
	make_db();
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &da), STATUS_OK);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_OK);
	CHECK_INT(adjudicate_open(da, "zed", 60, &a), STATUS_OK);
	CHECK_INT(adjudicate_open(db, "yan", 60, &b), STATUS_OK);
	/* opening fitted Dawid-Skene and recorded the posteriors */
	CHECK_INT(sql_int(path, "SELECT count(*) FROM item_queue WHERE ds_posterior IS NOT NULL"),
		  12);
	/* no item on both lists */
	for (int i = 0; i < adjudicate_count(a); i++)
		for (int j = 0; j < adjudicate_count(b); j++)
			CHECK(item_of(a, i) != item_of(b, j));
	CHECK(adjudicate_count(a) > 0);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM claims"),
		  adjudicate_count(a) + adjudicate_count(b));
	/* a decision: an adjudicate row with the reason; the claim given back */
	{
		long long item = item_of(a, 0);
		char q[256];
		CHECK_INT(adjudicate_decide(a, 2, "clear enough"), STATUS_OK);
		snprintf(
			q, sizeof q,
			"SELECT count(*) FROM reviews WHERE item_id = %lld AND reviewer ="
			" 'zed' AND decision = 'adjudicate' AND label = 2 AND note = 'clear enough'",
			item);
		CHECK_INT(sql_int(path, q), 1);
		/* chosen by the conflicts queue, and the row says so */
		snprintf(q, sizeof q,
			 "SELECT count(*) FROM reviews WHERE item_id = %lld AND decision ="
			 " 'adjudicate' AND queue_order = 'conflicts'",
			 item);
		CHECK_INT(sql_int(path, q), 1);
		snprintf(q, sizeof q, "SELECT adjudicated FROM item_queue WHERE item_id = %lld",
			 item);
		CHECK_INT(sql_int(path, q), 2);
		snprintf(q, sizeof q, "SELECT count(*) FROM claims WHERE item_id = %lld", item);
		CHECK_INT(sql_int(path, q), 0);
		CHECK_INT(adjudicate_cursor(a), 1);
		/* yan cannot decide it now */
		CHECK_INT(db_adjudication_decide(db, "yan", item, 3, NULL, 60, NULL),
			  STATUS_ERR_TAKEN);
		/* undo: a retract row, the item back in conflict and on zed's screen */
		CHECK_INT(adjudicate_undo(a, &undone), STATUS_OK);
		CHECK_INT(undone, 1);
		CHECK_INT(adjudicate_cursor(a), 0);
		snprintf(q, sizeof q,
			 "SELECT adjudicated IS NULL AND conflict_key IS NOT NULL FROM"
			 " item_queue WHERE item_id = %lld",
			 item);
		CHECK_INT(sql_int(path, q), 1);
		snprintf(q, sizeof q,
			 "SELECT count(*) FROM claims WHERE item_id = %lld AND reviewer ="
			 " 'zed'",
			 item);
		CHECK_INT(sql_int(path, q), 1);
		CHECK_INT(adjudicate_undo(a, &undone), STATUS_OK);
		CHECK_INT(undone, 0);
	}
	/* bulk: it6-it8 (two reviewers, agreeing, no one unsure) */
	{
		long long n;
		CHECK_INT(adjudicate_unanimous_count(a, &n), STATUS_OK);
		CHECK_INT(n, 3);
		CHECK_INT(adjudicate_accept_unanimous(a, &n), STATUS_OK);
		CHECK_INT(n, 3);
		CHECK_INT(sql_int(path, "SELECT count(*) FROM reviews WHERE decision = 'adjudicate'"
					" AND label = 3 AND item_id BETWEEN 6 AND 8"),
			  3);
		/* accepted as the unanimous items, not chosen one by one */
		CHECK_INT(sql_int(path,
				  "SELECT count(*) FROM reviews WHERE decision = 'adjudicate'"
				  " AND item_id BETWEEN 6 AND 8 AND queue_order = 'unanimous'"),
			  3);
		CHECK_INT(adjudicate_unanimous_count(a, &n), STATUS_OK);
		CHECK_INT(n, 0);
		CHECK_INT(adjudicate_undo(a, &undone), STATUS_OK);
		CHECK_INT(undone, 3);
		CHECK_INT(sql_int(path,
				  "SELECT count(*) FROM item_queue WHERE adjudicated IS NOT NULL"),
			  0);
	}
	/* no adjudication without its word; the retract rows have none, as a
	 * reviewer's undo has none */
	CHECK_INT(sql_int(path, "SELECT count(*) FROM reviews WHERE decision = 'adjudicate' AND"
				" queue_order IS NULL"),
		  0);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM reviews WHERE decision = 'retract' AND"
				" queue_order IS NOT NULL"),
		  0);
	/* closing gives every claim back */
	adjudicate_close(a);
	adjudicate_close(b);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM claims"), 0);
	db_close(da);
	db_close(db);
}

static void a_lapsed_claim(void)
{
	Db *da, *db;
	AdjudicateSession *a, *b;
	long long item;
	make_db();
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &da), STATUS_OK);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_OK);
	CHECK_INT(adjudicate_open(da, "zed", 0.2, &a), STATUS_OK);
	item = item_of(a, 0);
	usleep(300000);
	/* zed's claims lapsed: yan gets the same items, and decides the first */
	CHECK_INT(adjudicate_open(db, "yan", 60, &b), STATUS_OK);
	CHECK_INT(item_of(b, 0), item);
	CHECK_INT(adjudicate_decide(b, 1, NULL), STATUS_OK);
	/* zed's decision on it is refused, and the item leaves zed's list */
	CHECK_INT(adjudicate_decide(a, 3, NULL), STATUS_ERR_TAKEN);
	CHECK(strstr(adjudicate_notice(a), "taken by another adjudicator") != NULL);
	CHECK(item_of(a, 0) != item);
	adjudicate_close(a);
	adjudicate_close(b);
	db_close(da);
	db_close(db);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	the_conflicts_queue();
	two_adjudicators();
	a_lapsed_claim();
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed != 0;
}
