/* trainset.c - feature sources, classes and training rows (trainset.h). */
#include "src/score/trainset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/sha256.h"
#include "src/base/strbuf.h"
#include "src/base/xalloc.h"

/* ---- sources ---- */

static Status add_source(TrainsetSources *s, const char *name, size_t len)
{
	char *copy = xstrndup(name, len);
	for (int i = 0; i < s->count; i++)
		if (!strcmp(s->items[i].name, copy)) {
			Status st = status_fail(STATUS_ERR_USAGE, "--features names %s twice", copy);
			free(copy);
			return st;
		}
	s->items = xrealloc(s->items, ((size_t)s->count + 1) * sizeof *s->items);
	s->items[s->count].from = strcmp(copy, TRAINSET_LLM_SCORE) ? TRAINSET_FROM_SET
								   : TRAINSET_FROM_LLM_SCORE;
	s->items[s->count++].name = copy;
	return STATUS_OK;
}

Status trainset_sources_parse(const char *list, TrainsetSources *out)
{
	const char *p = list ? list : "";
	Status st = STATUS_OK;
	memset(out, 0, sizeof *out);
	while (st == STATUS_OK) {
		size_t len = strcspn(p, ",");
		size_t start = 0, end = len;
		while (start < end && p[start] == ' ')
			start++;
		while (end > start && p[end - 1] == ' ')
			end--;
		if (end == start)
			st = status_fail(STATUS_ERR_USAGE, "--features takes a comma-separated list of "
					 "feature sets (%s, a name given to import-features, %s)",
					 TRAINSET_PIXELS, TRAINSET_LLM_SCORE);
		else
			st = add_source(out, p + start, end - start);
		if (!p[len])
			break;
		p += len + 1;
	}
	if (st != STATUS_OK)
		trainset_sources_free(out);
	return st;
}

char *trainset_sources_text(const TrainsetSources *s)
{
	StrBuf b = {0};
	for (int i = 0; i < s->count; i++)
		strbuf_addf(&b, "%s%s", i ? "," : "", s->items[i].name);
	return strbuf_take(&b);
}

void trainset_sources_free(TrainsetSources *s)
{
	for (int i = 0; i < s->count; i++)
		free(s->items[i].name);
	free(s->items);
	memset(s, 0, sizeof *s);
}

/* ---- classes ---- */

int trainset_class_count(const TrainsetClasses *c)
{
	return c->positive_from ? 2 : c->scale;
}

int trainset_class_of(const TrainsetClasses *c, int level)
{
	if (!c->positive_from)
		return level;
	return level >= c->positive_from ? 2 : 1;
}

int trainset_level_of(const TrainsetClasses *c, int cls)
{
	if (!c->positive_from)
		return cls;
	return cls == 2 ? c->positive_from : c->positive_from - 1;
}

/* ---- rows ---- */

void trainset_begin(Trainset *t, size_t cols, const char *const *names,
		    const char *const *sources)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->names = xcalloc(cols + 1, sizeof *t->names);
	for (size_t j = 0; j < cols; j++) {
		int shared = 0;
		for (size_t k = 0; k < cols && !shared; k++)
			shared = k != j && !strcmp(names[k], names[j]);
		t->names[j] = shared ? xasprintf("%s/%s", sources[j], names[j]) : xstrdup(names[j]);
	}
}

void trainset_add(Trainset *t, long long item, const double *values, int label, int llm)
{
	if (t->rows == t->capacity) {
		size_t cap = t->capacity;
		t->items = xgrow(t->items, &cap, t->rows + 1, sizeof *t->items);
		t->labels = xrealloc(t->labels, cap * sizeof *t->labels);
		t->llm = xrealloc(t->llm, cap * sizeof *t->llm);
		t->x = xrealloc(t->x, cap * (t->cols ? t->cols : 1) * sizeof *t->x);
		t->capacity = cap;
	}
	t->items[t->rows] = item;
	t->labels[t->rows] = label;
	t->llm[t->rows] = llm;
	if (t->cols)
		memcpy(t->x + t->rows * t->cols, values, t->cols * sizeof *values);
	t->rows++;
}

static void hash_u64(Sha256 *h, uint64_t v)
{
	unsigned char b[8];
	for (int k = 0; k < 8; k++)
		b[k] = (unsigned char)(v >> (8 * k));
	sha256_update(h, b, 8);
}

void trainset_hash(const Trainset *t, char hex[65])
{
	Sha256 h;
	uint8_t digest[32];
	sha256_init(&h);
	hash_u64(&h, t->cols);
	for (size_t j = 0; j < t->cols; j++)
		sha256_update(&h, t->names[j], strlen(t->names[j]) + 1);
	for (size_t i = 0; i < t->rows; i++) {
		hash_u64(&h, (uint64_t)t->items[i]);
		hash_u64(&h, (uint64_t)t->labels[i]);
		for (size_t j = 0; j < t->cols; j++) {
			uint64_t bits;
			memcpy(&bits, &t->x[i * t->cols + j], 8);
			hash_u64(&h, bits);
		}
	}
	sha256_final(&h, digest);
	sha256_hex(digest, hex);
}

void trainset_free(Trainset *t)
{
	if (t->names)
		xfree_strings(t->names, t->cols);
	free(t->x);
	free(t->labels);
	free(t->items);
	free(t->llm);
	memset(t, 0, sizeof *t);
}
