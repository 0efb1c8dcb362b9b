/* seen.h - the keys one pass over a file has seen, with the line each was
 * first seen on: how import finds an id given twice in one manifest however
 * long the file, without holding the ids in memory (a temporary table,
 * private to this connection, on disk when it grows). */
#ifndef GAVEL_DB_SEEN_H
#define GAVEL_DB_SEEN_H

#include "db/database.h"

/* Starts a new pass: forgets the keys of the last one. */
Status db_seen_reset(Db *db);

/* Records that key was seen on line for value (what the key stood for). When
 * the key was seen before in this pass, *first_line is the line it was first
 * seen on and *same_value whether value was the same (NULLs equal); else
 * *first_line is 0 and the key is stored. */
Status db_seen_add(Db *db, const char *key, long line, const char *value, long *first_line,
		   int *same_value);

#endif
