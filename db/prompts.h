/* prompts.h - stored prompt versions: the exact text of every template that
 * was registered or run, keyed by the SHA-256 of that text. */
#ifndef GAVEL_DB_PROMPTS_H
#define GAVEL_DB_PROMPTS_H

#include "db/database.h"

/* One stored version. Strings are owned by the struct (see the free
 * functions below). */
typedef struct {
	long long id;
	char *hash;            /* 64 lower-case hex digits */
	char *name;            /* the template's file name when saved; may be NULL */
	char *text;            /* the whole template; NULL in list results */
	char *created_at;      /* ISO 8601, UTC: 2026-11-03T10:22:01.123Z */
	long long runs;        /* labelling runs that used this version */
	long long predictions; /* predictions made by those runs */
	long long parent_id;   /* the version it was edited from; 0 for none */
	char *note;            /* what the edit is meant to fix; may be NULL */
} DbPromptVersion;

/* Stores a version unless one with this hash exists, and gives its id in
 * *id; *created (may be NULL) says whether it was new. A stored version with
 * the same hash but another text is STATUS_ERR_CORRUPT. */
Status db_prompt_version_save(Db *db, const char *hash, const char *name, const char *text,
			      long long *id, int *created);

/* Records where version id came from: the version it was edited from
 * (parent_id > 0) and a one-line note of what the edit should fix (may be
 * NULL). Only a version without an origin takes one: the first account of
 * a text stands. */
Status db_prompt_version_set_origin(Db *db, long long id, long long parent_id, const char *note);

/* Every version, oldest first, without their texts, in a new array of
 * *count elements (free with db_prompt_version_list_free). */
Status db_prompt_version_list(Db *db, DbPromptVersion **versions, int *count);
void db_prompt_version_list_free(DbPromptVersion *versions, int count);

/* Finds the version ref names, with its text, into *version (free with
 * db_prompt_version_clear). ref is tried in turn as
 *   a number: the version id;
 *   4 to 64 hex digits: a hash prefix (any case), which must match only one
 *     version, else STATUS_ERR_INPUT listing the candidates;
 *   a name: the latest version saved under that name (".md" may be left off).
 * STATUS_ERR_NOT_FOUND when nothing matches. */
Status db_prompt_version_find(Db *db, const char *ref, DbPromptVersion *version);

/* Frees the strings of one version and zeroes it; a zeroed struct is fine. */
void db_prompt_version_clear(DbPromptVersion *version);

#endif
