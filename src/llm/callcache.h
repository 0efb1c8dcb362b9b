/* callcache.h - the call cache of the labelling run: an answer the model
 * gave once is not paid for twice. docs/prompt-lab.md explains it to users.
 *
 * The key is the SHA-256 of everything that decides the answer: the
 * labeller, its URL, and the request body the provider builds (the model,
 * every sampling parameter it sends, the fully rendered messages), with the
 * image standing as its identity instead of its bytes (see
 * callcache_image_id), plus the sample index of --repeat, so that asking
 * an item five times makes five entries, not one answer five times. The API
 * key is never part of it (it travels in a header, and headers are left
 * out). Only replies that gave a readable answer are stored: errors,
 * refusals and unparsable replies are asked again next time.
 *
 * Identical calls in flight at once are made once: the first is the
 * leader, later ones wait on it and take its answer; when the leader fails,
 * the next waiter is sent in its place. */
#ifndef GAVEL_CALLCACHE_H
#define GAVEL_CALLCACHE_H

#include <stddef.h>

#include "db/cache.h"
#include "db/database.h"
#include "src/llm/provider.h"

/* What a key is made of; everything borrowed. */
typedef struct {
	const ProviderOps *ops;
	const ProviderConfig *config; /* api_key is never read */
	const ProviderPrompt *prompt; /* image_base64 is never read: image_id stands for it */
	const char *image_id;         /* callcache_image_id(); NULL when the request has none */
	int sample;                   /* 0 .. repeats-1 */
} CallKey;

enum { CALLCACHE_KEY = 65, CALLCACHE_IMAGE_ID = 160 };

/* The key of a call as 64 lower-case hex digits and a NUL. */
void callcache_key(const CallKey *key, char out[CALLCACHE_KEY]);

/* The identity of an image as it will be sent: the SHA-256 of the file
 * gavel imported (sha256_hex), the box it is fitted into, the exact size
 * that gives (src_w x src_h fitted into max_px x max_px) and the JPEG
 * quality, so the key is known without decoding the image. The encoding
 * is deterministic, so the same identity means the same bytes sent. */
void callcache_image_id(const char *sha256_hex, int src_w, int src_h, int max_px, int quality,
			char out[CALLCACHE_IMAGE_ID]);

/* The identity of an image from the bytes sent (base64 text), for images
 * gavel holds no trusted hash and size of. */
void callcache_image_bytes_id(const char *base64, char out[CALLCACHE_IMAGE_ID]);

typedef struct CallCache CallCache;

/* A cache over db's call_cache table. fresh: never read it (--fresh), but
 * store what comes back. Free with callcache_free. */
CallCache *callcache_new(Db *db, int fresh);

typedef enum {
	CALLCACHE_MISS,      /* make the call: it is now in flight under the key */
	CALLCACHE_HIT,       /* the stored reply is in *hit */
	CALLCACHE_IN_FLIGHT, /* an identical call is under way: wait on it (callcache_wait) */
} CallCacheOutcome;

/* Looks key up. On a hit fills *hit (free with db_cache_entry_free).
 * Database failures are returned; *outcome is then MISS. */
Status callcache_begin(CallCache *cache, const char *key, DbCacheEntry *hit,
		       CallCacheOutcome *outcome);

/* Parks waiter (the caller's, never touched) on the call in flight under
 * key, to be given back when it ends. */
void callcache_wait(CallCache *cache, const char *key, void *waiter);

/* Puts key in flight after a hit the caller could not use (a stored reply
 * the provider no longer reads): the call is made after all. */
void callcache_lead(CallCache *cache, const char *key);

/* Gives a waiter back when the call it waited on ended: answer is the
 * reply to take as its own, or NULL when the call failed and the waiter
 * must make it itself (it is then the leader under the key). */
typedef void (*CallCacheRelease)(void *arg, void *waiter, const DbCacheEntry *answer);

/* The call in flight under key ended. put (NULL when it failed or gave no
 * readable answer; the caller stored it, with its prediction) is given to
 * every waiter; without it only the first waiter is released, to be sent
 * as the new leader. Returns STATUS_OK. */
Status callcache_end(CallCache *cache, const char *key, const DbCachePut *put,
		     CallCacheRelease release, void *arg);

/* Frees the cache; waiters still parked go to drop (may be NULL). */
void callcache_free(CallCache *cache, void (*drop)(void *waiter));

#endif
