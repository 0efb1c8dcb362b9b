/* cache.h - the call cache's rows (table call_cache): the reply of an LLM
 * call that gave a readable answer, under the hash of everything that
 * decides the answer (src/llm/callcache.h makes the key). */
#ifndef GAVEL_DB_CACHE_H
#define GAVEL_DB_CACHE_H

#include <stddef.h>

#include "db/database.h"

/* One cached reply; body owned (db_cache_entry_free). Tokens are -1 when the
 * provider did not report them. */
typedef struct {
	char *body;
	size_t body_len;
	long prompt_tokens, completion_tokens;
	long latency_ms;
} DbCacheEntry;

/* Looks key up: *found 1 with *entry filled, or 0 with *entry zeroed. */
Status db_cache_get(Db *db, const char *key, DbCacheEntry *entry, int *found);

/* What to store under a key; strings borrowed. */
typedef struct {
	const char *key, *provider, *model;
	const char *body;
	size_t body_len;
	long prompt_tokens, completion_tokens, latency_ms;
} DbCachePut;

/* Stores an entry, replacing one under the same key (--fresh answers
 * replace what they did not read). Committed at once unless the caller holds
 * a transaction. */
Status db_cache_put(Db *db, const DbCachePut *put);

/* How many entries the cache holds, and the bytes of their replies. */
Status db_cache_size(Db *db, long long *entries, long long *bytes);

void db_cache_entry_free(DbCacheEntry *entry);

#endif
