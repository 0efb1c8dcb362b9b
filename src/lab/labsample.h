/* labsample.h - the prompt lab's seeded draws of settled items, stratified
 * by their human label: a sample of N to rerun a prompt on (gavel label
 * --settled --sample N), and the search / select / test split of gavel
 * prompts suggest. Pure computation: no I/O, no global state.
 *
 * Both work label by label. A label with m of the count items gets its
 * largest-remainder share (Hamilton's method: floor(n m / count) each, then
 * one more to the largest remainders, ties to the smaller label), so the
 * sample has the labels in the proportions of the whole as nearly as whole
 * numbers allow. Within a label the items, taken in id order, are put in a
 * seeded random order (Fisher-Yates over splitmix64 from the seed and the
 * label) and the first ones are taken: the same items, seed and n always
 * give the same draw, on any machine. */
#ifndef GAVEL_LABSAMPLE_H
#define GAVEL_LABSAMPLE_H

#include <stddef.h>
#include <stdint.h>

/* Draws n of the count items (ids[i] has label labels[i]; ids distinct),
 * stratified as above, into out (at least n entries) in ascending id
 * order; returns how many: n, or count when n is larger. */
size_t labsample_stratified(const long long *ids, const int *labels, size_t count, size_t n,
			    uint64_t seed, long long *out);

enum { LABSAMPLE_MAX_PARTS = 3 };

/* Splits the count items into parts parts of percent[0..parts-1] percent
 * (summing to 100), label by label: each label's items in their seeded
 * order, cut by largest remainder (ties to the earlier part). part[i] gets
 * item i's part. */
void labsample_split(const long long *ids, const int *labels, size_t count, const unsigned *percent,
		     int parts, uint64_t seed, int *part);

/* Hamilton's largest-remainder allocation of n over k groups of the given
 * sizes (weights; all zero gives nothing): floors of n w_j / sum w, then
 * one more to the largest remainders, ties to the earlier group. into[j]
 * gets group j's share. */
void labsample_quota(size_t n, const size_t *weights, int k, size_t *into);

#endif
