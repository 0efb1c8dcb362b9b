/* callcache.c - keys of calls, and the calls in flight under them. */
#include "src/llm/callcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/base/sha256.h"
#include "src/base/xalloc.h"
#include "src/img/imgscale.h"

/* Bump when what a key covers changes: old entries then simply miss. */
enum { KEY_FORMAT = 1 };

/* A call in flight and the identical calls waiting on it. */
typedef struct {
	char key[CALLCACHE_KEY];
	void **waiters;
	size_t count, capacity;
} Flight;

struct CallCache {
	Db *db;
	int fresh;
	Flight *flights;
	size_t count, capacity;
};

static void hash_hex(const char *text, size_t len, char out[CALLCACHE_KEY])
{
	Sha256 sha;
	uint8_t digest[32];
	sha256_init(&sha);
	sha256_update(&sha, text, len);
	sha256_final(&sha, digest);
	sha256_hex(digest, out);
}

void callcache_key(const CallKey *k, char out[CALLCACHE_KEY])
{
	ProviderConfig config = *k->config;
	ProviderPrompt prompt = *k->prompt;
	ProviderRequest request = { 0 };
	cJSON *json = cJSON_CreateObject();
	char *text;

	/* the body as the provider builds it, with the image's identity where
	 * its bytes would go: every parameter it sends is in it, and a
	 * provider that adds one later changes the key by itself */
	config.api_key = "";
	prompt.image_base64 = k->image_id && !prompt.image_url ? k->image_id : NULL;
	k->ops->build(&config, &prompt, &request);
	cJSON_AddNumberToObject(json, "format", KEY_FORMAT);
	cJSON_AddStringToObject(json, "provider", k->ops->name);
	cJSON_AddStringToObject(json, "url", request.url ? request.url : "");
	cJSON_AddStringToObject(json, "body", request.body ? request.body : "");
	cJSON_AddNumberToObject(json, "sample", k->sample);
	text = cJSON_PrintUnformatted(json);
	if (!text)
		xdie("out of memory (JSON)");
	hash_hex(text, strlen(text), out);
	free(text);
	cJSON_Delete(json);
	provider_request_free(&request);
}

void callcache_image_id(const char *sha256_hex, int src_w, int src_h, int max_px, int quality,
			char out[CALLCACHE_IMAGE_ID])
{
	int w, h;
	imgscale_fit(src_w, src_h, max_px, max_px, &w, &h);
	snprintf(out, CALLCACHE_IMAGE_ID, "sha256:%.64s box:%d sent:%dx%d jpeg:%d", sha256_hex,
		 max_px, w, h, quality);
}

void callcache_image_bytes_id(const char *base64, char out[CALLCACHE_IMAGE_ID])
{
	char hex[CALLCACHE_KEY];
	hash_hex(base64, strlen(base64), hex);
	snprintf(out, CALLCACHE_IMAGE_ID, "sent-base64-sha256:%s", hex);
}

CallCache *callcache_new(Db *db, int fresh)
{
	CallCache *c = xcalloc(1, sizeof *c);
	c->db = db;
	c->fresh = fresh;
	return c;
}

/* The flight under key, or NULL; at most `concurrency` of them, so a scan. */
static Flight *flight_of(CallCache *c, const char *key)
{
	for (size_t i = 0; i < c->count; i++)
		if (!strcmp(c->flights[i].key, key))
			return &c->flights[i];
	return NULL;
}

static void flight_start(CallCache *c, const char *key)
{
	Flight *f;
	c->flights = xgrow(c->flights, &c->capacity, c->count + 1, sizeof *c->flights);
	f = &c->flights[c->count++];
	memset(f, 0, sizeof *f);
	snprintf(f->key, sizeof f->key, "%s", key);
}

static void flight_remove(CallCache *c, Flight *f)
{
	free(f->waiters);
	*f = c->flights[--c->count];
}

Status callcache_begin(CallCache *c, const char *key, DbCacheEntry *hit, CallCacheOutcome *outcome)
{
	int found = 0;
	Status st = STATUS_OK;

	memset(hit, 0, sizeof *hit);
	*outcome = CALLCACHE_MISS;
	if (flight_of(c, key)) {
		*outcome = CALLCACHE_IN_FLIGHT;
		return STATUS_OK;
	}
	if (!c->fresh)
		st = db_cache_get(c->db, key, hit, &found);
	if (st == STATUS_OK && found) {
		*outcome = CALLCACHE_HIT;
		return STATUS_OK;
	}
	flight_start(c, key);
	return st;
}

void callcache_wait(CallCache *c, const char *key, void *waiter)
{
	Flight *f = flight_of(c, key);
	if (!f)
		xdie("callcache_wait: no call in flight under %.12s", key);
	f->waiters = xgrow(f->waiters, &f->capacity, f->count + 1, sizeof *f->waiters);
	f->waiters[f->count++] = waiter;
}

void callcache_lead(CallCache *c, const char *key)
{
	if (!flight_of(c, key))
		flight_start(c, key);
}

Status callcache_end(CallCache *c, const char *key, const DbCachePut *put, CallCacheRelease release,
		     void *arg)
{
	Flight *f = flight_of(c, key);
	DbCacheEntry answer = { 0 };
	Status st = STATUS_OK;
	void **waiters;
	size_t n;

	if (put) {
		answer = (DbCacheEntry){ .body = (char *)put->body,
					 .body_len = put->body_len,
					 .prompt_tokens = put->prompt_tokens,
					 .completion_tokens = put->completion_tokens,
					 .latency_ms = put->latency_ms };
	}
	if (!f)
		return st;
	if (!put && f->count) {
		/* the first waiter goes out in the leader's place; the rest wait on */
		void *next = f->waiters[0];
		memmove(f->waiters, f->waiters + 1, --f->count * sizeof *f->waiters);
		release(arg, next, NULL);
		return st;
	}
	/* taken out before the releases: they may start flights of their own */
	waiters = f->waiters, n = f->count;
	f->waiters = NULL;
	flight_remove(c, f);
	for (size_t i = 0; i < n; i++)
		release(arg, waiters[i], put ? &answer : NULL);
	free(waiters);
	return st;
}

void callcache_free(CallCache *c, void (*drop)(void *waiter))
{
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++) {
		for (size_t j = 0; drop && j < c->flights[i].count; j++)
			drop(c->flights[i].waiters[j]);
		free(c->flights[i].waiters);
	}
	free(c->flights);
	free(c);
}
