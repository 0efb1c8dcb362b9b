/* test_search.c - the review queue's '/' search (db/claims.c): the text is
 * found as typed, '%' and '_' included, in titles, ids and metadata. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/claims.h"
#include "db/database.h"
#include "db/items.h"
#include "tests/unit/test.h"

/* The ids of every item the search finds, in order, as "a b c". */
static void found(Db *db, const char *search, char *out, size_t cap)
{
	DbClaimQuery q = {.reviewer = "ana", .order = DB_ORDER_UNREVIEWED, .lease_s = 60,
			  .search = search};
	long long ids[32];
	int count = 0;
	size_t len = 0;
	out[0] = '\0';
	if (db_claim_next(db, &q, 0, ids, 32, &count) != STATUS_OK)
		count = 0;
	for (int i = 0; i < count; i++) {
		DbItem item;
		if (db_item_get(db, ids[i], &item) == STATUS_OK)
			len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "",
						item.external_id);
		db_item_free(&item);
	}
	db_claim_release(db, "ana", 0);
}

int main(void)
{
	static const struct {
		const char *id, *title, *metadata;
	} items[] = {
	    {"pct", "100% cotton shirt", NULL}, {"plain", "100 cotton shirt", NULL},
	    {"under", "mug_blue", NULL},	{"nounder", "mugXblue", NULL},
	    {"slash", "back\\slash", NULL},	{"meta", "plain", "{\"sku\": \"AB_12%\"}"},
	    {"日本_1", "タイトル", NULL},
	};
	static const struct {
		const char *search, *want;
	} cases[] = {
	    {"%", "pct meta"}, {"100%", "pct"},		{"_", "under meta 日本_1"},
	    {"g_b", "under"},  {"\\", "slash"},		{"k\\s", "slash"},
	    {"B_12%", "meta"}, {"COTTON", "pct plain"}, /* ASCII case folded, as before */
	    {"本_", "日本_1"},
	};
	char dir[] = "/tmp/gavel-test-search.XXXXXX", path[128], got[512];
	Db *db;
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/g.db", dir);
	if (db_open(path, DB_OPEN_CREATE, &db) != STATUS_OK)
		return 1;
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		char sha[65];
		DbItemOutcome outcome;
		DbItemNew item = {.external_id = items[i].id,
				  .path = "/x.png",
				  .sha256 = sha,
				  .title = items[i].title,
				  .metadata_json = items[i].metadata,
				  .has_image = 1};
		snprintf(sha, sizeof sha, "%064zu", i);
		CHECK_INT(db_item_add(db, &item, &outcome), STATUS_OK);
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		found(db, cases[i].search, got, sizeof got);
		CHECK_STR(got, cases[i].want);
		if (strcmp(got, cases[i].want))
			fprintf(stderr, "  search \"%s\"\n", cases[i].search);
	}
	db_close(db);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return test_summary();
}
