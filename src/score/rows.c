/* rows.c - items' feature rows from their sources (rows.h). Each source is
 * read once, in item order, over the range of the items asked for; every
 * value lands in its item's row by binary search, so sources that cover
 * other items too cost a read, not a lookup each. */
#include "src/score/rows.h"

#include <stdlib.h>
#include <string.h>

#include "db/features.h"
#include "db/scorer.h"
#include "src/base/xalloc.h"

Status rows_layout(Db *db, const TrainsetSources *sources, RowsLayout *l)
{
	Status st = STATUS_OK;
	memset(l, 0, sizeof *l);
	l->n_sources = sources->count;
	l->offset = xcalloc((size_t)sources->count + 1, sizeof *l->offset);
	l->dim = xcalloc((size_t)sources->count + 1, sizeof *l->dim);
	for (int s = 0; st == STATUS_OK && s < sources->count; s++) {
		const TrainsetSource *src = &sources->items[s];
		DbFeatureSet set = {0};
		size_t cols = l->cols;
		if (src->from == TRAINSET_FROM_SET)
			st = db_feature_set_get(db, src->name, &set);
		if (st != STATUS_OK)
			break;
		l->offset[s] = (int)cols;
		l->dim[s] = src->from == TRAINSET_FROM_SET ? set.dim : 1;
		l->cols += (size_t)l->dim[s];
		l->names = xrealloc(l->names, (l->cols + 1) * sizeof *l->names);
		l->origin = xrealloc(l->origin, (l->cols + 1) * sizeof *l->origin);
		for (int j = 0; j < l->dim[s]; j++) {
			l->names[cols + (size_t)j] = xstrdup(set.columns ? set.columns[j] : "llm_score");
			l->origin[cols + (size_t)j] = xstrdup(src->name);
		}
		db_feature_set_free(&set);
	}
	if (st != STATUS_OK)
		rows_layout_free(l);
	return st;
}

void rows_layout_free(RowsLayout *l)
{
	if (l->names)
		xfree_strings(l->names, l->cols);
	if (l->origin)
		xfree_strings(l->origin, l->cols);
	free(l->offset);
	free(l->dim);
	memset(l, 0, sizeof *l);
}

/* Where one source's values go. */
typedef struct {
	const long long *items;
	size_t n, cols;
	double *x;
	int offset, dim;
	unsigned char *seen; /* rows this source filled */
} Target;

/* The row of item, or -1 when it is not asked for. */
static long row_of(const Target *t, long long item)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->items[mid] < item)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->items[lo] == item ? (long)lo : -1;
}

static void put(Target *t, long long item, const double *values)
{
	long r = row_of(t, item);
	if (r < 0)
		return;
	memcpy(t->x + (size_t)r * t->cols + (size_t)t->offset, values,
	       (size_t)t->dim * sizeof *values);
	t->seen[r] = 1;
}

static void put_score(void *arg, long long item, double score)
{
	put(arg, item, &score);
}

static Status fill_set(Db *db, const char *set, Target *t)
{
	DbFeatureCursor *cursor;
	double *values;
	int dim, more = 1;
	long long item;
	Status st = db_feature_cursor_open(db, set, t->items[0] - 1, &cursor, &dim);
	if (st != STATUS_OK)
		return st;
	values = xcalloc((size_t)dim + 1, sizeof *values);
	while (st == STATUS_OK) {
		st = db_feature_cursor_next(cursor, &item, values, &more);
		if (st != STATUS_OK || !more || item > t->items[t->n - 1])
			break;
		put(t, item, values);
	}
	free(values);
	db_feature_cursor_close(cursor);
	return st;
}

Status rows_fill(Db *db, const TrainsetSources *sources, const RowsLayout *l,
		 long long llm_run, const long long *items, size_t n, double *x, unsigned char *have,
		 long long *missing)
{
	Target t = {.items = items, .n = n, .cols = l->cols, .x = x};
	Status st = STATUS_OK;
	memset(have, 1, n);
	if (!n)
		return STATUS_OK;
	t.seen = xcalloc(n, 1);
	for (int s = 0; st == STATUS_OK && s < sources->count; s++) {
		memset(t.seen, 0, n);
		t.offset = l->offset[s];
		t.dim = l->dim[s];
		if (sources->items[s].from == TRAINSET_FROM_SET)
			st = fill_set(db, sources->items[s].name, &t);
		else
			st = db_scorer_llm_scores(db, llm_run, items[0], items[n - 1], put_score, &t);
		for (size_t i = 0; i < n; i++) {
			have[i] &= t.seen[i];
			if (missing)
				missing[s] += !t.seen[i];
		}
	}
	free(t.seen);
	return st;
}
