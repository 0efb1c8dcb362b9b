/* test_callcache.c - the call cache of a labelling run: identical calls in
 * flight are made once (waiters released with the leader's answer, or the
 * first of them sent in its place when the call failed), a stored reply is
 * a hit unless --fresh, and the cache itself never writes (the answer is
 * stored with its prediction). Read back through SQLite itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/cache.h"
#include "db/database.h"
#include "src/llm/callcache.h"
#include "tests/unit/test.h"
#include "tests/unit/test_sql.h"

static char dir[] = "/tmp/gavel-test-callcache.XXXXXX";
static char path[256];

typedef struct {
	void *released[8];
	int answered[8];
	int n;
} Releases;

static void on_release(void *arg, void *waiter, const DbCacheEntry *answer)
{
	Releases *r = arg;
	r->released[r->n] = waiter;
	r->answered[r->n++] = answer && answer->body && !strcmp(answer->body, "{\"ok\":1}");
}

static DbCachePut put_of(const char *key)
{
	return (DbCachePut){ .key = key,
			     .provider = "openai",
			     .model = "m",
			     .body = "{\"ok\":1}",
			     .body_len = 8,
			     .prompt_tokens = 10,
			     .completion_tokens = 5,
			     .latency_ms = 7 };
}

static void identical_calls_wait_on_the_first(Db *db)
{
	CallCache *c = callcache_new(db, 0);
	DbCacheEntry hit;
	CallCacheOutcome out;
	Releases r = { 0 };
	DbCachePut put = put_of("k1");
	int w1, w2;
	CHECK_INT(callcache_begin(c, "k1", &hit, &out), STATUS_OK);
	CHECK_INT(out, CALLCACHE_MISS);
	CHECK_INT(callcache_begin(c, "k1", &hit, &out), STATUS_OK);
	CHECK_INT(out, CALLCACHE_IN_FLIGHT);
	callcache_wait(c, "k1", &w1);
	callcache_wait(c, "k1", &w2);
	CHECK_INT(callcache_end(c, "k1", &put, on_release, &r), STATUS_OK);
	CHECK_INT(r.n, 2);
	CHECK(r.released[0] == &w1 && r.released[1] == &w2);
	CHECK(r.answered[0] && r.answered[1]);
	/* the cache did not store it: that is the prediction's transaction */
	CHECK_INT(sql_int(path, "SELECT count(*) FROM call_cache"), 0);
	/* once over, the key is free: a new call leads again */
	CHECK_INT(callcache_begin(c, "k1", &hit, &out), STATUS_OK);
	CHECK_INT(out, CALLCACHE_MISS);
	callcache_free(c, NULL);
}

static void a_failed_call_sends_the_first_waiter(Db *db)
{
	CallCache *c = callcache_new(db, 0);
	DbCacheEntry hit;
	CallCacheOutcome out;
	Releases r = { 0 };
	int w1, w2;
	callcache_begin(c, "k2", &hit, &out);
	callcache_begin(c, "k2", &hit, &out);
	callcache_wait(c, "k2", &w1);
	callcache_wait(c, "k2", &w2);
	callcache_end(c, "k2", NULL, on_release, &r);
	CHECK_INT(r.n, 1); /* w1 goes out as the new leader, w2 still waits */
	CHECK(r.released[0] == &w1 && !r.answered[0]);
	callcache_end(c, "k2", NULL, on_release, &r);
	CHECK_INT(r.n, 2);
	CHECK(r.released[1] == &w2 && !r.answered[1]);
	callcache_free(c, NULL);
}

static void a_stored_reply_is_a_hit_unless_fresh(Db *db)
{
	CallCache *c = callcache_new(db, 0), *fresh = callcache_new(db, 1);
	DbCachePut put = put_of("k3");
	DbCacheEntry hit;
	CallCacheOutcome out;
	CHECK_INT(db_cache_put(db, &put), STATUS_OK);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM call_cache WHERE key = 'k3'"), 1);
	CHECK_INT(callcache_begin(c, "k3", &hit, &out), STATUS_OK);
	CHECK_INT(out, CALLCACHE_HIT);
	CHECK(hit.body && !strcmp(hit.body, "{\"ok\":1}"));
	CHECK(hit.prompt_tokens == 10 && hit.completion_tokens == 5 && hit.latency_ms == 7);
	db_cache_entry_free(&hit);
	CHECK_INT(callcache_begin(fresh, "k3", &hit, &out), STATUS_OK);
	CHECK_INT(out, CALLCACHE_MISS);
	callcache_free(c, NULL);
	callcache_free(fresh, NULL);
}

int main(void)
{
	Db *db = NULL;
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/c.db", dir);
	CHECK_INT(db_open(path, DB_OPEN_CREATE, &db), STATUS_OK);
	if (db) {
		identical_calls_wait_on_the_first(db);
		a_failed_call_sends_the_first_waiter(db);
		a_stored_reply_is_a_hit_unless_fresh(db);
		db_close(db);
	}
	unlink(path);
	{
		char wal[300];
		snprintf(wal, sizeof wal, "%s-wal", path), unlink(wal);
		snprintf(wal, sizeof wal, "%s-shm", path), unlink(wal);
	}
	rmdir(dir);
	return test_summary();
}
