/* intmap.h - a hash map from 64-bit keys to int values (open addressing,
 * linear probing, doubling at half full): mapping ids to array indices
 * where a sort would cost more. */
#ifndef GAVEL_INTMAP_H
#define GAVEL_INTMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct IntMap IntMap;

/* An empty map; never NULL (allocation failure is fatal). */
IntMap *intmap_new(void);

/* Frees the map; NULL is fine. */
void intmap_free(IntMap *map);

/* The value of key; when key is new it is stored with value fresh first,
 * and *added (when not NULL) is set to 1, else 0. */
int intmap_get_or_add(IntMap *map, uint64_t key, int fresh, int *added);

/* The value of key, or missing when the map does not hold it. */
int intmap_get(const IntMap *map, uint64_t key, int missing);

/* How many keys it holds. */
size_t intmap_count(const IntMap *map);

#endif
