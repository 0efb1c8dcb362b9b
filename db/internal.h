/* internal.h - what the db/ files share and nothing outside db/ may include:
 * the Db struct and its cache of prepared statements. */
#ifndef GAVEL_DB_INTERNAL_H
#define GAVEL_DB_INTERNAL_H

#include <sqlite3.h>

#include "db/database.h"

/* Every prepared statement gavel uses, by name and SQL, declared once. */
#define DB_STATEMENTS(X)                                                                   \
	X(SCALE_INSERT, "INSERT INTO scale (value, name) VALUES (?1, ?2)")                 \
	X(SCALE_SELECT, "SELECT value, name FROM scale ORDER BY value")                    \
	X(ITEM_INSERT,                                                                     \
	  "INSERT INTO items (external_id, path, url, sha256, format, width, height, bytes," \
	  " title, category, metadata, has_image, source)"                                 \
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"               \
	  " ON CONFLICT DO NOTHING")                                                       \
	X(ITEM_ID_EXISTS, "SELECT 1 FROM items WHERE external_id = ?1")                   \
	X(ITEM_SHA_EXISTS, "SELECT 1 FROM items WHERE sha256 = ?1")                       \
	X(STATS,                                                                           \
	  "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM runs),"              \
	  " (SELECT count(*) FROM predictions),"                                           \
	  " (SELECT count(*) FROM reviews r WHERE r.decision IN ('accept', 'override')"    \
	  "   AND NOT EXISTS (SELECT 1 FROM reviews x WHERE x.retracts = r.id)),"          \
	  " (SELECT count(DISTINCT reviewer) FROM reviews)")

typedef enum {
#define DB_STMT_ENUM(name, sql) DB_STMT_##name,
	DB_STATEMENTS(DB_STMT_ENUM)
#undef DB_STMT_ENUM
	DB_STMT_COUNT
} DbStatement;

struct Db {
	sqlite3 *handle;
	char *path;
	sqlite3_stmt *statements[DB_STMT_COUNT];
};

/* The prepared statement WHICH, reset and unbound, ready to bind. Borrowed.
 * NULL (with status_detail set) only if SQLite refuses to prepare it. */
sqlite3_stmt *db_statement(Db *db, DbStatement which);

/* Turns the handle's last error into a Status with "WHAT: sqlite message". */
Status db_fail(Db *db, const char *what);

/* Binds TEXT or NULL when s is NULL. */
int db_bind_text_or_null(sqlite3_stmt *stmt, int index, const char *s);

#endif
