/* intmap.c - the open-addressing map of intmap.h. */
#include "src/base/intmap.h"

#include <stdlib.h>

#include "src/base/xalloc.h"

enum { FIRST_SIZE = 16 };

struct IntMap {
	uint64_t *keys; /* key + 1; 0 marks a free slot (so key UINT64_MAX is not allowed) */
	int *values;
	size_t size, used; /* size is a power of two */
};

/* Fibonacci hashing spreads neighbouring keys (ids) over the table. */
static size_t slot_of(const IntMap *m, uint64_t key)
{
	size_t s = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 20) & (m->size - 1);
	while (m->keys[s] && m->keys[s] != key + 1)
		s = (s + 1) & (m->size - 1);
	return s;
}

static void resize(IntMap *m, size_t size)
{
	IntMap bigger = {xcalloc(size, sizeof(uint64_t)), xcalloc(size, sizeof(int)), size, m->used};
	for (size_t i = 0; i < m->size; i++)
		if (m->keys[i]) {
			size_t s = slot_of(&bigger, m->keys[i] - 1);
			bigger.keys[s] = m->keys[i];
			bigger.values[s] = m->values[i];
		}
	free(m->keys);
	free(m->values);
	*m = bigger;
}

IntMap *intmap_new(void)
{
	IntMap *m = xcalloc(1, sizeof *m);
	resize(m, FIRST_SIZE);
	return m;
}

void intmap_free(IntMap *m)
{
	if (!m)
		return;
	free(m->keys);
	free(m->values);
	free(m);
}

int intmap_get_or_add(IntMap *m, uint64_t key, int fresh, int *added)
{
	size_t s;
	if (2 * (m->used + 1) > m->size)
		resize(m, m->size * 2);
	s = slot_of(m, key);
	if (added)
		*added = !m->keys[s];
	if (!m->keys[s]) {
		m->keys[s] = key + 1;
		m->values[s] = fresh;
		m->used++;
	}
	return m->values[s];
}

int intmap_get(const IntMap *m, uint64_t key, int missing)
{
	size_t s = slot_of(m, key);
	return m->keys[s] ? m->values[s] : missing;
}

size_t intmap_count(const IntMap *m)
{
	return m->used;
}
