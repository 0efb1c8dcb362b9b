/* test_db.c - the database layer: migrations on fresh and existing files,
 * newer files refused, the scale, item dedupe and the counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db/checkpoint.h"
#include "db/database.h"
#include "db/items.h"
#include "tests/unit/test.h"
#include "tests/unit/test_sql.h"

static char dir[] = "/tmp/gavel-test-db.XXXXXX";

static char *path_in_dir(const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void fresh_file_gets_every_migration(void)
{
	Db *db;
	const char *path = path_in_dir("fresh.db");
	CHECK_INT(db_open(path, DB_OPEN_CREATE, &db), STATUS_OK);
	CHECK_INT(db_schema_version(db), db_schema_latest());
	CHECK(db_schema_latest() >= 1);
	db_close(db);
	CHECK_INT(sql_int(path, "PRAGMA user_version"), db_schema_latest());
	CHECK_INT(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'reviews'"), 1);
}

static void existing_file_keeps_data(void)
{
	Db *db;
	DbItemOutcome outcome;
	DbItemNew item = {.external_id = "a", .path = "/a.jpg", .has_image = 1};
	const char *path = path_in_dir("existing.db");
	CHECK_INT(db_open(path, DB_OPEN_CREATE, &db), STATUS_OK);
	CHECK_INT(db_item_add(db, &item, &outcome), STATUS_OK);
	db_close(db);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_OK);
	CHECK_INT(db_schema_version(db), db_schema_latest());
	db_close(db);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM items"), 1);
}

static void foreign_file_is_refused(void)
{
	/* A file at version 0 with another program's table is not ours: opening
	 * it for creation is refused, and it is left as it was (issue 9.5; gavel
	 * used to add its tables beside the other program's). */
	Db *db = (Db *)1;
	const char *path = path_in_dir("other.db");
	sql_exec(path, "CREATE TABLE keep (x); INSERT INTO keep VALUES (42);");
	CHECK_INT(db_open(path, DB_OPEN_CREATE, &db), STATUS_ERR_DB);
	CHECK(db == NULL);
	CHECK(strstr(status_detail(), "another program's SQLite database") != NULL);
	CHECK_INT(sql_int(path, "PRAGMA user_version"), 0);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'items'"), 0);
	CHECK_INT(sql_int(path, "SELECT x FROM keep"), 42);
}

static void newer_file_is_refused(void)
{
	Db *db = (Db *)1;
	const char *path = path_in_dir("newer.db");
	char query[64];
	snprintf(query, sizeof query, "PRAGMA user_version = %d", db_schema_latest() + 1);
	sql_exec(path, query);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_ERR_DB_NEWER);
	CHECK(db == NULL);
	CHECK(strstr(status_detail(), "newer gavel") != NULL);
	CHECK_INT(sql_int(path, "PRAGMA user_version"), db_schema_latest() + 1);
}

static void missing_file_is_not_created(void)
{
	Db *db;
	const char *path = path_in_dir("missing.db");
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_ERR_NOT_FOUND);
	CHECK(access(path, F_OK) != 0);
}

static void scale_is_set_once(void)
{
	Db *db;
	DbScale scale;
	const char *names[] = {"bad", "ok", "good"};
	CHECK_INT(db_open(path_in_dir("scale.db"), DB_OPEN_CREATE, &db), STATUS_OK);
	CHECK_INT(db_scale_set(db, names, 3), STATUS_OK);
	CHECK_INT(db_scale_set(db, names, 2), STATUS_ERR_EXISTS);
	CHECK_INT(db_scale_get(db, &scale), STATUS_OK);
	CHECK_INT(scale.count, 3);
	if (scale.count == 3) {
		CHECK_STR(scale.names[0], "bad");
		CHECK_STR(scale.names[2], "good");
	}
	db_scale_free(&scale);
	db_close(db);
}

static void items_dedupe_on_id_and_content(void)
{
	Db *db;
	DbItemOutcome outcome = DB_ITEM_ADDED;
	DbStats stats;
	DbItemNew a = {.external_id = "a", .path = "/a", .sha256 = "aa", .has_image = 1};
	DbItemNew same_id = {.external_id = "a", .path = "/b", .sha256 = "bb", .has_image = 1};
	DbItemNew same_sha = {.external_id = "c", .path = "/c", .sha256 = "aa", .has_image = 1};
	DbItemNew other = {.external_id = "d", .path = "/d", .has_image = 1, .metadata_json = "{\"k\":1}"};
	CHECK_INT(db_open(path_in_dir("items.db"), DB_OPEN_CREATE, &db), STATUS_OK);
	CHECK_INT(db_item_add(db, &a, &outcome), STATUS_OK);
	CHECK_INT(outcome, DB_ITEM_ADDED);
	CHECK_INT(db_item_add(db, &same_id, &outcome), STATUS_OK);
	CHECK_INT(outcome, DB_ITEM_SAME_ID);
	CHECK_INT(db_item_add(db, &same_sha, &outcome), STATUS_OK);
	CHECK_INT(outcome, DB_ITEM_SAME_CONTENT);
	CHECK_INT(db_item_add(db, &other, &outcome), STATUS_OK);
	CHECK_INT(outcome, DB_ITEM_ADDED);
	CHECK(db_item_id_exists(db, "d"));
	CHECK(!db_item_id_exists(db, "zz"));
	CHECK(db_item_sha256_exists(db, "aa"));
	CHECK_INT(db_stats(db, &stats), STATUS_OK);
	CHECK_INT(stats.items, 2);
	CHECK_INT(stats.reviews, 0);
	db_close(db);
}

static void transactions_roll_back(void)
{
	Db *db;
	DbItemOutcome outcome;
	DbItemNew a = {.external_id = "a", .path = "/a", .has_image = 1};
	const char *path = path_in_dir("tx.db");
	CHECK_INT(db_open(path, DB_OPEN_CREATE, &db), STATUS_OK);
	CHECK_INT(db_begin(db), STATUS_OK);
	CHECK_INT(db_item_add(db, &a, &outcome), STATUS_OK);
	db_rollback(db);
	db_rollback(db); /* harmless when no transaction is open */
	db_close(db);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM items"), 0);
}

static void bad_metadata_is_refused(void)
{
	Db *db;
	DbItemOutcome outcome;
	DbItemNew a = {.external_id = "a", .path = "/a", .has_image = 1, .metadata_json = "{oops"};
	CHECK_INT(db_open(path_in_dir("meta.db"), DB_OPEN_CREATE, &db), STATUS_OK);
	CHECK_INT(db_item_add(db, &a, &outcome), STATUS_ERR_DB);
	db_close(db);
}

/* With checkpoints on their own thread, SQLite's automatic ones are off: the
 * thread must still keep the log small, and lose nothing. 6,000 commits of
 * a 3 KB item each would leave a log of at least 24,000 pages (100 MB) with
 * no checkpoint at all. */
static void checkpoints_keep_the_log_small(void)
{
	Db *db;
	DbItemOutcome outcome;
	char id[32], meta[3100], wal[300];
	struct stat sb;
	const char *path = path_in_dir("ckpt.db");
	memset(meta, 'x', sizeof meta);
	memcpy(meta, "{\"pad\":\"", 8);
	memcpy(meta + sizeof meta - 3, "\"}", 3);
	CHECK_INT(db_open(path, DB_OPEN_CREATE, &db), STATUS_OK);
	CHECK_INT(db_checkpoint_in_background(db), STATUS_OK);
	for (int i = 0; i < 6000; i++) {
		DbItemNew item = { .external_id = id, .path = id, .metadata_json = meta };
		snprintf(id, sizeof id, "item-%d", i);
		CHECK_INT(db_begin(db), STATUS_OK);
		CHECK_INT(db_item_add(db, &item, &outcome), STATUS_OK);
		CHECK_INT(db_commit(db), STATUS_OK);
	}
	snprintf(wal, sizeof wal, "%s-wal", path);
	CHECK_INT(stat(wal, &sb), 0);
	CHECK(sb.st_size < 40LL * 1024 * 1024);
	if (sb.st_size >= 40LL * 1024 * 1024)
		fprintf(stderr, "  the log grew to %lld bytes\n", (long long)sb.st_size);
	db_close(db);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM items"), 6000);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(fresh_file_gets_every_migration);
	RUN(existing_file_keeps_data);
	RUN(foreign_file_is_refused);
	RUN(newer_file_is_refused);
	RUN(missing_file_is_not_created);
	RUN(scale_is_set_once);
	RUN(items_dedupe_on_id_and_content);
	RUN(transactions_roll_back);
	RUN(bad_metadata_is_refused);
	RUN(checkpoints_keep_the_log_small);
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return test_summary();
}
