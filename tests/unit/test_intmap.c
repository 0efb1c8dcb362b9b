/* test_intmap.c - the id-to-index map against a plain array. */
#include "src/base/intmap.h"
#include "src/base/rng.h"
#include "tests/unit/test.h"

#include <stdlib.h>

static void fresh_keys_get_their_value(void)
{
	IntMap *m = intmap_new();
	int added = -1;
	CHECK_INT(intmap_get_or_add(m, 42, 7, &added), 7);
	CHECK_INT(added, 1);
	CHECK_INT(intmap_get_or_add(m, 42, 9, &added), 7);
	CHECK_INT(added, 0);
	CHECK_INT(intmap_get(m, 42, -1), 7);
	CHECK_INT(intmap_get(m, 43, -1), -1);
	CHECK_INT(intmap_get_or_add(m, 0, 3, NULL), 3);
	CHECK_INT(intmap_count(m), 2);
	intmap_free(m);
	intmap_free(NULL);
}

/* Many keys, with collisions and growth: every value is the one stored. */
static void many_keys_survive_growth(void)
{
	enum { N = 100000 };
	IntMap *m = intmap_new();
	uint64_t *keys = malloc(N * sizeof *keys);
	Rng rng;
	int wrong = 0;
	rng_seed(&rng, 7);
	for (int i = 0; i < N; i++) {
		/* neighbouring ids and random ones, as item ids and pairs come */
		keys[i] = i % 2 ? (uint64_t)i : rng_next(&rng) >> 1;
		intmap_get_or_add(m, keys[i], i, NULL);
	}
	for (int i = 0; i < N; i++)
		wrong += intmap_get(m, keys[i], -1) != i;
	CHECK_INT(wrong, 0);
	CHECK_INT(intmap_count(m), N);
	free(keys);
	intmap_free(m);
}

int main(void)
{
	RUN(fresh_keys_get_their_value);
	RUN(many_keys_survive_growth);
	return test_summary();
}
