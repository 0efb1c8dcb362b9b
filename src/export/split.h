/* split.h - train/validation/test splits for gold-set exports
 * (--split 80/10/10 --seed S). Pure computation, no I/O.
 *
 * The two demands, and how they are met:
 * 1. Stability, exactly: adding items never moves an item already
 *    assigned, and identical images (the same content hash) never straddle
 *    splits. Any rule that never moves old items must decide each item from
 *    the item alone: build any set by adding its items one at a time,
 *    starting from the item in question, and its split is the one it got
 *    when it was alone. So an item's split here is a function of its key
 *    (its content hash) and the seed, nothing else: SHA-256 of
 *    "gavel-split-v1", NUL, the seed (8 bytes, big-endian) and the key; the
 *    top 40 bits x of the digest's first 8 bytes give the bucket
 *    floor(100 x / 2^40) in 0..99, and the parts take consecutive buckets
 *    (80/10/10: 0-79 train, 80-89 validation, 90-99 test). The label plays
 *    no part, so items of one image with different labels stay together.
 * 2. Stratification, as closely as 1 allows: every label sees each part
 *    with exactly its probability (to 2^-40), so the split is stratified in
 *    expectation and a label's counts are multinomial around its share:
 *    for a label of n items and a part of fraction f, |count - n f| <=
 *    sqrt(n ln(2/d) / 2) with probability 1 - d (Hoeffding), 2.69 sqrt(n)
 *    at d = 1e-6; the largest-remainder target differs from n f by less
 *    than 1. No rule that satisfies 1 can do better in general: with the
 *    keys random, every such rule gives multinomial counts. The exact
 *    largest-remainder counts (Hamilton's method per label: floors of
 *    n p / 100, then one more to the largest remainders, ties to the
 *    earlier part) are computed as targets and reported beside the actual
 *    counts, with the labels that have too few items for the split, so
 *    nothing is dropped silently. Exact counts and stability together
 *    would need remembered assignments (and largest remainder itself is
 *    not monotone in n, the Alabama paradox): a database's job, not a
 *    function's. */
#ifndef GAVEL_SPLIT_H
#define GAVEL_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/status.h"

#define SPLIT_MAX 3

/* A parsed --split: n parts (1..3) with percentages summing to 100, named
 * train; train, test; or train, validation, test. A part may be 0%. */
typedef struct {
	int n;
	unsigned percent[SPLIT_MAX];
	const char *name[SPLIT_MAX];
} SplitSpec;

/* Parses "80/10/10", "90/10" or "100" into *spec. STATUS_ERR_USAGE with a
 * detail ("--split 80/10/5: the parts must add up to 100") when not. */
Status split_parse(const char *text, SplitSpec *spec);

/* The 64-bit key hash of key under seed (the derivation above). */
uint64_t split_hash(uint64_t seed, const char *key);

/* The part (0 .. spec->n - 1) of the item whose content hash is key. */
int split_of(const SplitSpec *spec, uint64_t seed, const char *key);

/* Hamilton's largest-remainder allocation of n items over the parts into
 * target[0 .. spec->n - 1] (ties to the earlier part; integers only). */
void split_targets(const SplitSpec *spec, size_t n, size_t target[SPLIT_MAX]);

/* What a label got, against its targets. */
typedef struct {
	int label;
	size_t n;
	size_t count[SPLIT_MAX];
	size_t target[SPLIT_MAX];
	int too_few; /* a part with a share gets no item even by target */
	int missing; /* a part with a positive target got no item */
	size_t off;  /* the largest |count - target| over the parts */
} SplitLabel;

/* Counts per label while items are assigned; labels are any ints. */
typedef struct SplitTally SplitTally;

SplitTally *split_tally_new(const SplitSpec *spec);
void split_tally_free(SplitTally *tally); /* NULL-safe */

/* Counts one item of label in part. */
void split_tally_add(SplitTally *tally, int label, int part);

/* The labels seen, in increasing order, with targets and flags filled in;
 * *count is set. Borrowed: valid until the next add or the free. */
const SplitLabel *split_tally_labels(SplitTally *tally, size_t *count);

#endif
