/* test_sql.h - reading and writing a database file with SQLite itself, an
 * independent witness of what gavel stored. */
#ifndef GAVEL_TEST_SQL_H
#define GAVEL_TEST_SQL_H

#include <sqlite3.h>

#include "tests/unit/test.h"

/* The first column of the first row of query on the file at path, or -1. */
static inline long long sql_int(const char *path, const char *query)
{
	sqlite3 *h;
	sqlite3_stmt *stmt;
	long long v = -1;
	if (sqlite3_open(path, &h) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, query, -1, &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			v = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	sqlite3_close(h);
	return v;
}

/* Runs query on the file at path, checking it succeeds. */
static inline void sql_exec(const char *path, const char *query)
{
	sqlite3 *h;
	sqlite3_open(path, &h);
	CHECK_INT(sqlite3_exec(h, query, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

#endif
