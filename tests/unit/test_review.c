/* test_review.c - a reviewer's session (src/review/review.c) driven directly,
 * two reviewers on one database file: one reviewer per item whatever the
 * timing (claims that lapse while queued, going back to an item someone
 * else took), the kept queue state against the log, and counts. SQLite
 * itself (tests/unit/test_sql.h) is the witness of what was stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/database.h"
#include "db/items.h"
#include "src/review/review.h"
#include "tests/unit/test_sql.h"

static char dir[] = "/tmp/gavel-test-review.XXXXXX";
static char path[256];

static void nap(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

/* A fresh database of n items with images, each labelled 2 by an LLM run. */
static void make_db(int n)
{
	static int serial;
	Db *db;
	const char *names[] = {"bad", "poor", "ok", "good", "great"};
	snprintf(path, sizeof path, "%s/r%d.db", dir, ++serial);
	CHECK_INT(db_open(path, DB_OPEN_CREATE, &db), STATUS_OK);
	CHECK_INT(db_scale_set(db, names, 5), STATUS_OK);
	db_close(db);
	{
		char sql[1024];
		snprintf(sql, sizeof sql,
			 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
			 " INSERT INTO items (external_id, path) SELECT printf('it%%03d', i),"
			 " '/nonexistent/' || i || '.png' FROM n;"
			 "INSERT INTO runs (provider, model, status) VALUES ('test', 'm', 'done');"
			 "INSERT INTO predictions (run_id, item_id, status, score, label, confidence)"
			 " SELECT 1, id, 'ok', 2, 2, (id %% 7) / 10.0 FROM items;", n);
		sql_exec(path, sql);
	}
}

static ReviewOptions options(const char *reviewer, double lease_s, double renew_s)
{
	return (ReviewOptions){.reviewer = reviewer, .seed = 1, .overlap = 0, .lease_s = lease_s,
			       .renew_s = renew_s, .lookahead = 4};
}

static long long current(ReviewSession *s)
{
	const ReviewEntry *e = review_peek(s, review_cursor(s));
	return e ? e->item_id : 0;
}

/* (a) the items queued ahead of the one on screen keep their claims while
 * the reviewer is idle, so nobody else is handed them */
static void queued_claims_are_renewed(void)
{
	Db *da, *db;
	ReviewSession *a, *b;
	ReviewOptions oa = options("ana", 0.6, 0.2), ob = options("ben", 0.6, 0.2);
	make_db(20);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &da), STATUS_OK);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_OK);
	CHECK_INT(review_open(da, &oa, &a), STATUS_OK);
	CHECK_INT(review_count(a), 8); /* the current item and up to twice the look-ahead */
	/* ana idles for three leases, renewing as a terminal would */
	for (int i = 0; i < 9; i++) {
		nap(0.2);
		review_keepalive(a);
	}
	CHECK_INT(review_open(db, &ob, &b), STATUS_OK);
	/* ben starts after ana's eight */
	CHECK_INT(current(b), 9);
	for (int i = 0; i < 8; i++)
		CHECK_INT(review_decide(a, REVIEW_ACCEPT, 0, DB_VERDICT_NONE), STATUS_OK);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM (SELECT item_id FROM reviews WHERE decision"
			  " IN ('accept', 'override') GROUP BY item_id HAVING count(DISTINCT reviewer)"
			  " > 1)"), 0);
	review_close(a), review_close(b);
	db_close(da), db_close(db);
}

/* Without renewal (a session that stopped renewing), a queued item whose
 * claim lapsed and that another reviewer took is refused at decision time
 * and leaves the queue with a message; nothing is written for it. */
static void lapsed_and_taken_is_refused(void)
{
	Db *da, *db;
	ReviewSession *a, *b;
	ReviewOptions oa = options("ana", 0.3, 0.1), ob = options("ben", 60, 1);
	long long taken;
	make_db(20);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &da), STATUS_OK);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_OK);
	CHECK_INT(review_open(da, &oa, &a), STATUS_OK);
	taken = current(a);
	nap(0.5); /* ana's claims lapse: she does not renew them */
	CHECK_INT(review_open(db, &ob, &b), STATUS_OK);
	CHECK_INT(current(b), taken); /* the lapsed claims are free again */
	CHECK_INT(review_decide(b, REVIEW_OVERRIDE, 4, DB_VERDICT_NONE), STATUS_OK);
	/* ana comes back and decides the item on her screen */
	CHECK_INT(review_decide(a, REVIEW_ACCEPT, 0, DB_VERDICT_NONE), STATUS_ERR_TAKEN);
	CHECK(strstr(review_notice(a), "it001") != NULL);
	CHECK(strstr(review_notice(a), "8 items in all") != NULL); /* and the seven queued */
	CHECK(current(a) != taken);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM reviews WHERE item_id = 1"), 1);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM reviews WHERE reviewer = 'ana'"), 0);
	review_close(a), review_close(b);
	db_close(da), db_close(db);
}

/* (b) a reviewer skips an item (which frees it), another takes it, the first
 * goes back with k and decides: refused, one reviewer per item */
static void back_to_a_skipped_item_someone_took(void)
{
	Db *da, *db;
	ReviewSession *a, *b;
	ReviewOptions oa = options("ana", 60, 1), ob = options("ben", 60, 1);
	long long skipped;
	make_db(20);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &da), STATUS_OK);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_OK);
	oa.lookahead = ob.lookahead = 1;
	CHECK_INT(review_open(da, &oa, &a), STATUS_OK);
	skipped = current(a);
	CHECK_INT(review_decide(a, REVIEW_SKIP, 0, DB_VERDICT_NONE), STATUS_OK);
	CHECK_INT(review_open(db, &ob, &b), STATUS_OK);
	CHECK_INT(current(b), skipped); /* a skip frees the item for others */
	CHECK_INT(review_move(a, -1), STATUS_OK);
	CHECK(current(a) != skipped); /* ben holds it now: it left ana's list */
	CHECK(strstr(review_notice(a), "taken by another reviewer") != NULL);
	CHECK_INT(review_decide(b, REVIEW_ACCEPT, 0, DB_VERDICT_NONE), STATUS_OK);
	CHECK_INT(sql_int(path, "SELECT count(DISTINCT reviewer) FROM reviews WHERE item_id = 1"
			  " AND decision IN ('accept', 'override')"), 1);
	review_close(a), review_close(b);
	db_close(da), db_close(db);
}

/* Changing one's own decision needs no claim; undo brings the item back
 * under the reviewer's claim; the kept counts follow the log. */
static void own_decisions_and_counts(void)
{
	Db *d;
	ReviewSession *a;
	ReviewOptions oa = options("ana", 60, 1);
	int undone;
	make_db(10);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &d), STATUS_OK);
	CHECK_INT(review_open(d, &oa, &a), STATUS_OK);
	CHECK_INT(review_decide(a, REVIEW_ACCEPT, 0, DB_VERDICT_NONE), STATUS_OK);
	CHECK_INT(review_decide(a, REVIEW_OVERRIDE, 4, DB_VERDICT_FLAWED), STATUS_OK);
	CHECK_INT(review_progress(a)->mine, 2);
	CHECK_INT(review_progress(a)->reviewed, 2);
	CHECK_INT(review_progress(a)->items, 10);
	CHECK_INT(review_move(a, -2), STATUS_OK); /* back to the first, decided */
	CHECK_INT(review_decide(a, REVIEW_OVERRIDE, 5, DB_VERDICT_NONE), STATUS_OK);
	CHECK_INT(review_undo(a, &undone), STATUS_OK);
	CHECK_INT(undone, 1);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM claims WHERE reviewer = 'ana' AND item_id = 1"),
		  0); /* item 1 still has ana's accept: held by her decision */
	CHECK_INT(review_undo(a, &undone), STATUS_OK); /* the override of item 2 */
	CHECK_INT(sql_int(path, "SELECT count(*) FROM claims WHERE reviewer = 'ana' AND item_id = 2"),
		  1);
	CHECK_INT(review_progress(a)->mine, 1);
	/* the kept state against the log, recomputed by SQLite */
	CHECK_INT(sql_int(path, "SELECT n FROM queue_counts WHERE name = 'reviewed'"), 1);
	CHECK_INT(sql_int(path, "SELECT decided FROM reviewer_counts WHERE reviewer = 'ana'"), 1);
	CHECK_INT(sql_int(path, "SELECT label FROM standing WHERE item_id = 1"), 2);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM standing"), 1);
	review_close(a);
	db_close(d);
}

/* A lease not longer than the renewal interval is refused. */
static void short_lease_is_refused(void)
{
	Db *d;
	ReviewSession *a;
	ReviewOptions oa = options("ana", 1, 1);
	make_db(3);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &d), STATUS_OK);
	CHECK_INT(review_open(d, &oa, &a), STATUS_ERR_USAGE);
	CHECK(strstr(status_detail(), "renewal") != NULL);
	db_close(d);
}

/* The log is append-only against every SQL path, and dropped guards are
 * noticed and restored on the next open. */
static void log_guards(void)
{
	Db *d;
	ReviewSession *a;
	ReviewOptions oa = options("ana", 60, 1);
	make_db(5);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &d), STATUS_OK);
	CHECK_INT(review_open(d, &oa, &a), STATUS_OK);
	CHECK_INT(review_decide(a, REVIEW_OVERRIDE, 3, DB_VERDICT_NONE), STATUS_OK);
	review_close(a);
	db_close(d);
	{
		sqlite3 *h;
		sqlite3_open(path, &h);
		CHECK(sqlite3_exec(h, "INSERT OR REPLACE INTO reviews (id, item_id, reviewer, decision,"
				   " label) VALUES (1, 1, 'ana', 'override', 5)", 0, 0, 0) != SQLITE_OK);
		CHECK(sqlite3_exec(h, "REPLACE INTO reviews (id, item_id, reviewer, decision, label)"
				   " VALUES (1, 1, 'ana', 'override', 5)", 0, 0, 0) != SQLITE_OK);
		CHECK(sqlite3_exec(h, "UPDATE reviews SET label = 5", 0, 0, 0) != SQLITE_OK);
		CHECK(sqlite3_exec(h, "DELETE FROM reviews", 0, 0, 0) != SQLITE_OK);
		/* someone drops the guards and edits the log behind gavel's back */
		CHECK_INT(sqlite3_exec(h, "DROP TRIGGER reviews_no_update; DROP TRIGGER"
				       " standing_on_decision; UPDATE reviews SET label = 1", 0, 0, 0),
			  SQLITE_OK);
		sqlite3_close(h);
	}
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &d), STATUS_OK);
	db_close(d);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name IN"
			  " ('reviews_no_update', 'standing_on_decision')"), 2);
	CHECK_INT(sql_int(path, "SELECT label FROM standing WHERE item_id = 1"), 1);
	{
		sqlite3 *h;
		sqlite3_open(path, &h);
		CHECK(sqlite3_exec(h, "UPDATE reviews SET label = 5", 0, 0, 0) != SQLITE_OK);
		sqlite3_close(h);
	}
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(queued_claims_are_renewed);
	RUN(lapsed_and_taken_is_refused);
	RUN(back_to_a_skipped_item_someone_took);
	RUN(own_decisions_and_counts);
	RUN(short_lease_is_refused);
	RUN(log_guards);
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return test_summary();
}
