/* split.c - stable, hash-keyed splits and their largest-remainder targets
 * (see split.h for the design and its trade-off). */
#include "src/export/split.h"

#include <stdlib.h>
#include <string.h>

#include "src/base/sha256.h"
#include "src/base/xalloc.h"

const char *const split_mode_names[] = { "stable", "exact", NULL };

/* Versioned, so that a changed derivation can never pass for the old one. */
static const char DOMAIN[] = "gavel-split-v1";

static const char *const names[SPLIT_MAX][SPLIT_MAX] = {
    {"train"},
    {"train", "test"},
    {"train", "validation", "test"},
};

static Status bad_spec(const char *text)
{
	return status_fail(
	    STATUS_ERR_USAGE,
	    "--split %s: give 1 to 3 whole percentages separated by /, such as 80/10/10", text);
}

Status split_parse(const char *text, SplitSpec *spec)
{
	const char *p = text;
	unsigned total = 0;

	memset(spec, 0, sizeof *spec);
	while (*p) {
		unsigned value = 0;
		int digits = 0;
		for (; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
			value = value * 10 + (unsigned)(*p - '0');
		if (!digits || digits > 3 || spec->n == SPLIT_MAX || (*p && *p != '/') ||
		    (*p == '/' && !p[1]))
			return bad_spec(text);
		spec->percent[spec->n++] = value;
		total += value;
		p += *p == '/';
	}
	if (spec->n == 0)
		return bad_spec(text);
	if (total != 100)
		return status_fail(STATUS_ERR_USAGE, "--split %s: the parts must add up to 100",
				   text);
	for (int i = 0; i < spec->n; i++)
		spec->name[i] = names[spec->n - 1][i];
	return STATUS_OK;
}

uint64_t split_hash(uint64_t seed, const char *key)
{
	Sha256 ctx;
	uint8_t seed_bytes[8], digest[32];
	uint64_t h = 0;

	for (int i = 0; i < 8; i++)
		seed_bytes[i] = (uint8_t)(seed >> (56 - 8 * i));
	sha256_init(&ctx);
	sha256_update(&ctx, DOMAIN, sizeof DOMAIN); /* with its NUL */
	sha256_update(&ctx, seed_bytes, sizeof seed_bytes);
	sha256_update(&ctx, key, strlen(key));
	sha256_final(&ctx, digest);
	for (int i = 0; i < 8; i++)
		h = h << 8 | digest[i];
	return h;
}

int split_of(const SplitSpec *spec, uint64_t seed, const char *key)
{
	/* 40 bits times 100 stays below 2^47: exact integer arithmetic */
	unsigned bucket = (unsigned)(((split_hash(seed, key) >> 24) * 100) >> 40);
	unsigned edge = 0;

	for (int i = 0; i < spec->n - 1; i++) {
		edge += spec->percent[i];
		if (bucket < edge)
			return i;
	}
	return spec->n - 1;
}

void split_targets(const SplitSpec *spec, size_t n, size_t target[SPLIT_MAX])
{
	size_t given = 0;
	unsigned rest[SPLIT_MAX];

	for (int i = 0; i < spec->n; i++) {
		target[i] = n * spec->percent[i] / 100;
		rest[i] = (unsigned)(n * spec->percent[i] % 100);
		given += target[i];
	}
	for (; given < n; given++) {
		int best = 0;
		for (int i = 1; i < spec->n; i++)
			if (rest[i] > rest[best])
				best = i;
		target[best]++;
		rest[best] = 0;
	}
}

/* ---- exact mode ---- */

/* An item as exact mode sorts it: by its group's label, then its hash (the
 * group), then its place in the caller's order. 16 bytes. */
typedef struct {
	uint64_t hash;
	uint32_t at;
	int label; /* the group's: its first item's */
} Ranked;

static int by_hash(const void *a, const void *b)
{
	const Ranked *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->at > y->at) - (x->at < y->at);
}

static int by_label(const void *a, const void *b)
{
	const Ranked *x = a, *y = b;
	if (x->label != y->label)
		return x->label < y->label ? -1 : 1;
	return by_hash(a, b);
}

/* The part whose cut lies beyond position pos of a label of n items. */
static int part_at(const SplitSpec *spec, const size_t target[SPLIT_MAX], size_t pos)
{
	size_t edge = 0;
	for (int i = 0; i < spec->n - 1; i++) {
		edge += target[i];
		if (pos < edge)
			return i;
	}
	return spec->n - 1;
}

/* Cuts one label's items r[0 .. n): groups whole, at the targets. */
static void cut_label(const SplitSpec *spec, const Ranked *r, size_t n, unsigned char *part)
{
	size_t target[SPLIT_MAX];
	int p = 0;
	split_targets(spec, n, target);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || r[i].hash != r[i - 1].hash)
			p = part_at(spec, target, i); /* a group's first item decides */
		part[r[i].at] = (unsigned char)p;
	}
}

void split_exact(const SplitSpec *spec, const SplitItem *items, size_t n, unsigned char *part)
{
	Ranked *r;
	if (n > UINT32_MAX)
		xdie("split: %zu items is more than exact mode can order", n);
	r = xmalloc((n ? n : 1) * sizeof *r);
	for (size_t i = 0; i < n; i++)
		r[i] = (Ranked){ .hash = items[i].hash,
				 .at = (uint32_t)i,
				 .label = items[i].label };
	/* each group takes its first item's label, so it is cut whole */
	if (n)
		qsort(r, n, sizeof *r, by_hash);
	for (size_t i = 1; i < n; i++)
		if (r[i].hash == r[i - 1].hash)
			r[i].label = r[i - 1].label;
	if (n)
		qsort(r, n, sizeof *r, by_label);
	for (size_t first = 0, i = 1; i <= n; i++)
		if (i == n || r[i].label != r[first].label) {
			cut_label(spec, r + first, i - first, part);
			first = i;
		}
	free(r);
}

struct SplitTally {
	SplitSpec spec;
	SplitLabel *labels;
	size_t n, cap;
};

SplitTally *split_tally_new(const SplitSpec *spec)
{
	SplitTally *t = xcalloc(1, sizeof *t);

	t->spec = *spec;
	return t;
}

void split_tally_free(SplitTally *tally)
{
	if (!tally)
		return;
	free(tally->labels);
	free(tally);
}

/* The entry of label, inserted in order when new. */
static SplitLabel *entry(SplitTally *t, int label)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->labels[mid].label < label)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n && t->labels[lo].label == label)
		return &t->labels[lo];
	t->labels = xgrow(t->labels, &t->cap, t->n + 1, sizeof *t->labels);
	memmove(&t->labels[lo + 1], &t->labels[lo], (t->n - lo) * sizeof *t->labels);
	t->n++;
	memset(&t->labels[lo], 0, sizeof t->labels[lo]);
	t->labels[lo].label = label;
	return &t->labels[lo];
}

void split_tally_add(SplitTally *tally, int label, int part)
{
	SplitLabel *e = entry(tally, label);

	e->n++;
	if (part >= 0 && part < tally->spec.n)
		e->count[part]++;
}

static void judge(const SplitSpec *spec, SplitLabel *e)
{
	split_targets(spec, e->n, e->target);
	e->too_few = e->missing = 0;
	e->off = 0;
	for (int i = 0; i < spec->n; i++) {
		size_t off = e->count[i] > e->target[i] ? e->count[i] - e->target[i]
							: e->target[i] - e->count[i];
		if (spec->percent[i] > 0 && e->target[i] == 0)
			e->too_few = 1;
		if (e->target[i] > 0 && e->count[i] == 0)
			e->missing = 1;
		if (off > e->off)
			e->off = off;
	}
}

const SplitLabel *split_tally_labels(SplitTally *tally, size_t *count)
{
	for (size_t i = 0; i < tally->n; i++)
		judge(&tally->spec, &tally->labels[i]);
	*count = tally->n;
	return tally->labels;
}
