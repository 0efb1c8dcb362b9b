/* test_seen.c - the keys one pass has seen: first lines, same or other
 * values, a new pass forgetting, and a pass rolled back. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/database.h"
#include "db/seen.h"
#include "tests/unit/test.h"

static void first_lines_and_values(Db *db)
{
	long first;
	int same;
	CHECK_INT(db_seen_reset(db), STATUS_OK);
	CHECK_INT(db_seen_add(db, "画像-1", 2, "aaa", &first, &same), STATUS_OK);
	CHECK_INT(first, 0);
	CHECK_INT(db_seen_add(db, "b", 3, NULL, &first, &same), STATUS_OK);
	CHECK_INT(first, 0);
	CHECK_INT(db_seen_add(db, "画像-1", 5, "bbb", &first, &same), STATUS_OK);
	CHECK_INT(first, 2);
	CHECK_INT(same, 0);
	CHECK_INT(db_seen_add(db, "画像-1", 9, "aaa", &first, &same), STATUS_OK);
	CHECK_INT(first, 2); /* the first line stays the first */
	CHECK_INT(same, 1);
	CHECK_INT(db_seen_add(db, "b", 4, NULL, &first, &same), STATUS_OK);
	CHECK_INT(first, 3);
	CHECK_INT(same, 1); /* NULLs are the same */
	CHECK_INT(db_seen_add(db, "B", 6, NULL, &first, &same), STATUS_OK);
	CHECK_INT(first, 0); /* keys are compared byte for byte */
	CHECK_INT(db_seen_reset(db), STATUS_OK);
	CHECK_INT(db_seen_add(db, "画像-1", 7, "zzz", &first, &same), STATUS_OK);
	CHECK_INT(first, 0);
}

/* Import runs in a transaction that may roll back, taking the temporary
 * table with it; the next pass must still work. */
static void after_a_rollback(Db *db)
{
	long first;
	int same;
	CHECK_INT(db_begin(db), STATUS_OK);
	CHECK_INT(db_seen_reset(db), STATUS_OK);
	CHECK_INT(db_seen_add(db, "x", 1, "v", &first, &same), STATUS_OK);
	db_rollback(db);
	CHECK_INT(db_begin(db), STATUS_OK);
	CHECK_INT(db_seen_reset(db), STATUS_OK);
	CHECK_INT(db_seen_add(db, "x", 2, "v", &first, &same), STATUS_OK);
	CHECK_INT(first, 0);
	CHECK_INT(db_seen_add(db, "x", 3, "w", &first, &same), STATUS_OK);
	CHECK_INT(first, 2);
	CHECK_INT(db_commit(db), STATUS_OK);
}

int main(void)
{
	char dir[] = "/tmp/gavel-test-seen.XXXXXX", path[128], cmd[160];
	Db *db;
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/g.db", dir);
	if (db_open(path, DB_OPEN_CREATE, &db) != STATUS_OK)
		return 1;
	after_a_rollback(db); /* first: the table does not exist yet */
	db_close(db);
	if (db_open(path, DB_OPEN_EXISTING, &db) != STATUS_OK)
		return 1;
	first_lines_and_values(db);
	db_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return test_summary();
}
