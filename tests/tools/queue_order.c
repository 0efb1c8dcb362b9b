/* queue_order - the review queue from outside, for tests/cli/queue_check.py:
 *   queue_order v4 DB          a database as the release before the kept queue
 *                              state made it (schema 4: migrations 1..4)
 *   queue_order claim DB REVIEWER ORDER SEED PERMILLE N
 *                              opens DB (migrating it), sets the overlap share
 *                              and claims up to N items in ORDER, one id a line
 *   queue_order commits DB REVIEWER N
 *                              times N decisions' commits alone (claim, then
 *                              db_review_decide), one line of microseconds each
 *   queue_order baseline DB N  times N reads of 64 ids with one indexed SELECT,
 *                              the cheapest read of a queue page SQLite allows */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/claims.h"
#include "db/database.h"
#include "db/migrations.h"
#include "db/queue.h"
#include "db/reviews.h"
#include "src/base/clock.h"

static int make_v4(const char *path)
{
	sqlite3 *h;
	if (sqlite3_open(path, &h) != SQLITE_OK)
		return 1;
	for (int n = 1; n <= 4; n++) {
		char sql[64];
		if (sqlite3_exec(h, migrations_sql(n), NULL, NULL, NULL) != SQLITE_OK) {
			fprintf(stderr, "migration %d: %s\n", n, sqlite3_errmsg(h));
			return 1;
		}
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", n);
		sqlite3_exec(h, sql, NULL, NULL, NULL);
	}
	sqlite3_exec(h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	sqlite3_close(h);
	return 0;
}

static int claim(char **argv)
{
	DbClaimQuery q = {.reviewer = argv[3], .lease_s = 600};
	long long after = 0, id;
	int n = atoi(argv[7]), order = -1;
	Db *db;
	for (int i = 0; db_order_words[i]; i++)
		if (!strcmp(db_order_words[i], argv[4]))
			order = i;
	if (order < 0 || db_open(argv[2], DB_OPEN_EXISTING, &db) != STATUS_OK) {
		fprintf(stderr, "queue_order: %s\n", status_detail());
		return 1;
	}
	q.order = (DbOrder)order;
	q.seed = strtoull(argv[5], NULL, 10);
	if (db_begin(db) != STATUS_OK || db_queue_set_overlap(db, atoi(argv[6])) != STATUS_OK ||
	    db_commit(db) != STATUS_OK)
		return 1;
	/* one at a time, as a session with no look-ahead would take them */
	for (int i = 0; i < n; i++) {
		int got;
		if (db_claim_next(db, &q, after, &id, 1, &got) != STATUS_OK) {
			fprintf(stderr, "queue_order: %s\n", status_detail());
			return 1;
		}
		if (!got)
			break;
		printf("%lld\n", id);
		if (q.order == DB_ORDER_UNREVIEWED)
			after = id;
	}
	db_close(db);
	return 0;
}

static int commits(char **argv)
{
	DbClaimQuery q = {.reviewer = argv[3], .lease_s = 600};
	int n = atoi(argv[4]);
	Db *db;
	if (db_open(argv[2], DB_OPEN_EXISTING, &db) != STATUS_OK)
		return 1;
	for (int i = 0; i < n; i++) {
		DbReviewNew row = {.reviewer = argv[3], .decision = DB_DECISION_OVERRIDE, .label = 3};
		long long id, review;
		int got;
		double t0;
		if (db_claim_next(db, &q, 0, &id, 1, &got) != STATUS_OK || !got)
			break;
		row.item_id = id;
		t0 = clock_now_s();
		if (db_review_decide(db, &row, 600, &review) != STATUS_OK)
			return 1;
		printf("%.1f\n", (clock_now_s() - t0) * 1e6);
	}
	db_close(db);
	return 0;
}

static int baseline(char **argv)
{
	sqlite3 *h;
	sqlite3_stmt *stmt;
	int n = atoi(argv[3]);
	if (sqlite3_open(argv[2], &h) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT id FROM items WHERE id > ?1 ORDER BY id LIMIT 64", -1,
			       &stmt, NULL) != SQLITE_OK)
		return 1;
	for (int i = 0; i < n; i++) {
		double t0 = clock_now_s();
		sqlite3_bind_int64(stmt, 1, (long long)i * 64);
		while (sqlite3_step(stmt) == SQLITE_ROW)
			;
		sqlite3_reset(stmt);
		printf("%.1f\n", (clock_now_s() - t0) * 1e6);
	}
	sqlite3_finalize(stmt);
	sqlite3_close(h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "commits"))
		return commits(argv);
	if (argc == 4 && !strcmp(argv[1], "baseline"))
		return baseline(argv);
	if (argc == 3 && !strcmp(argv[1], "v4"))
		return make_v4(argv[2]);
	if (argc == 8 && !strcmp(argv[1], "claim"))
		return claim(argv);
	fprintf(stderr, "usage: queue_order v4 DB | claim DB REVIEWER ORDER SEED PERMILLE N\n");
	return 2;
}
