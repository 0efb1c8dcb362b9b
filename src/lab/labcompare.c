/* labcompare.c - two labellers on the settled items both labelled. */
#include "src/lab/labcompare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/lab.h"
#include "src/agree/consistency.h"
#include "src/base/xalloc.h"

#define SEND_WORD(id, word, help) word,
#define SEND_HELP(id, word, help) help,
const char *const labcompare_send_words[] = { LABCOMPARE_SEND_LIST(SEND_WORD) NULL };
static const char *const send_help[] = { LABCOMPARE_SEND_LIST(SEND_HELP) };
#undef SEND_WORD
#undef SEND_HELP

const char *labcompare_send_help(LabSend kind)
{
	return kind < LABCOMPARE_SEND_COUNT ? send_help[kind] : "?";
}

/* B's consistency on one item: its answers on the scale and the majority's votes. */
static void b_votes(const LabLabeller *b, size_t j, int K, LabPair *p)
{
	ConsistencyItem it;
	consistency_item(b->answers + j * (size_t)b->repeats, b->repeats, K, &it);
	p->b_answers = it.answers;
	p->b_votes = it.votes;
}

/* The items both labelled, by a merge of the two id-ordered lists. */
static void pair_up(LabComparison *c)
{
	const LabLabeller *a = c->a, *b = c->b;
	size_t i = 0, j = 0;
	c->items =
		xmalloc((a->n_items < b->n_items ? a->n_items : b->n_items) * sizeof *c->items + 1);
	while (i < a->n_items || j < b->n_items) {
		const LabItem *x = i < a->n_items ? &a->items[i] : NULL;
		const LabItem *y = j < b->n_items ? &b->items[j] : NULL;
		if (!y || (x && x->item < y->item)) {
			c->only_a++, i++;
		} else if (!x || y->item < x->item) {
			c->only_b++, j++;
		} else {
			LabPair *p = &c->items[c->n++];
			*p = (LabPair){ .item = x->item,
					.human = x->human,
					.a = x->label,
					.b = y->label,
					.category = -1 };
			b_votes(b, j, c->K, p);
			i++, j++;
		}
	}
}

/* Item names and categories, streamed in id order beside the pairs. */
typedef struct {
	LabComparison *c;
	size_t next;
	size_t capacity;
} Naming;

static int category_index(LabComparison *c, const char *name, size_t *capacity)
{
	for (int k = 0; k < c->n_categories; k++)
		if (!strcmp(c->categories[k], name))
			return k;
	c->categories =
		xgrow(c->categories, capacity, (size_t)c->n_categories + 1, sizeof *c->categories);
	c->categories[c->n_categories] = xstrdup(name);
	return c->n_categories++;
}

static int on_item(void *arg, long long item_id, const char *external_id, const char *category)
{
	Naming *nm = arg;
	LabComparison *c = nm->c;
	LabPair *p;
	while (nm->next < c->n && c->items[nm->next].item < item_id)
		nm->next++;
	if (nm->next == c->n)
		return 1;
	p = &c->items[nm->next];
	if (p->item != item_id)
		return 0;
	p->external_id = xstrdup(external_id);
	if (category && *category)
		p->category = category_index(c, category, &nm->capacity);
	return 0;
}

static Status compare(LabComparison *c)
{
	size_t n = c->n ? c->n : 1;
	int *h = xmalloc(4 * n * sizeof *h), *a = h + n, *b = a + n, *cat = b + n;
	Status st;
	for (size_t i = 0; i < c->n; i++) {
		h[i] = c->items[i].human, a[i] = c->items[i].a, b[i] = c->items[i].b;
		cat[i] = c->items[i].category;
	}
	st = compare_run(h, a, b, c->n_categories ? cat : NULL, c->n, c->K, c->n_categories,
			 &c->options, &c->result);
	for (size_t i = 0; st == STATUS_OK && i < c->n; i++)
		c->items[i].cls = (CompareClass)c->result.item_class[i];
	free(h);
	return st;
}

Status labcompare_run(Db *db, LabData *d, int ia, int ib, const CompareOptions *opt,
		      LabComparison **out)
{
	LabComparison *c = xcalloc(1, sizeof *c);
	Naming naming = { .c = c };
	Status st = labdata_fill(db, d, ia);

	*out = NULL;
	if (st == STATUS_OK)
		st = labdata_fill(db, d, ib);
	if (st != STATUS_OK) {
		free(c);
		return st;
	}
	c->a = &d->labellers[ia], c->b = &d->labellers[ib];
	c->K = d->K;
	c->names = (const char *const *)d->names;
	c->source = xasprintf("%s %s", c->a->ref, c->b->ref);
	c->options =
		opt ? *opt
		    : (CompareOptions){ BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, BOOTSTRAP_CONFIDENCE,
					COMPARE_POWER, COMPARE_RESAMPLE_AUTO };
	pair_up(c);
	if (!c->n) {
		st = status_fail(
			STATUS_ERR_INPUT,
			"no settled item has a label from both %s and %s "
			"(%ld only from A, %ld only from B); rerun one on the other's items",
			c->a->ref, c->b->ref, c->only_a, c->only_b);
		labcompare_free(c);
		return st;
	}
	st = db_lab_items(db, on_item, &naming);
	if (st == STATUS_OK)
		st = compare(c);
	if (st == STATUS_OK)
		st = db_recheck_summary(db, c->source, &c->recheck);
	if (st != STATUS_OK) {
		labcompare_free(c);
		return st;
	}
	*out = c;
	return STATUS_OK;
}

int labcompare_is(const LabComparison *c, size_t i, LabSend kind)
{
	const LabPair *p = &c->items[i];
	switch (kind) {
	case LABCOMPARE_SEND_BROKEN: return p->cls == COMPARE_CLASS_BROKEN;
	case LABCOMPARE_SEND_DISAGREES: return p->b != p->human;
	case LABCOMPARE_SEND_UNANIMOUS:
		return p->b != p->human && p->b_answers >= 2 && p->b_votes == p->b_answers;
	case LABCOMPARE_SEND_COUNT: break;
	}
	return 0;
}

/* The order of sending: the surest disagreements first (all of B's answers
 * agreeing, then the largest share), then item order. */
static int surest_first(const void *pa, const void *pb, void *arg)
{
	const LabComparison *c = arg;
	const LabPair *x = &c->items[*(const size_t *)pa], *y = &c->items[*(const size_t *)pb];
	double sx = x->b_answers ? (double)x->b_votes / x->b_answers : 0;
	double sy = y->b_answers ? (double)y->b_votes / y->b_answers : 0;
	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->b_answers != y->b_answers)
		return x->b_answers > y->b_answers ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

Status labcompare_send(Db *db, const LabComparison *c, LabSend kind, long *sent)
{
	size_t *order = xmalloc((c->n + 1) * sizeof *order), n = 0;
	DbRecheckItem *items;
	Status st;
	for (size_t i = 0; i < c->n; i++)
		if (labcompare_is(c, i, kind))
			order[n++] = i;
	qsort_r(order, n, sizeof *order, surest_first, (void *)c);
	items = xmalloc((n + 1) * sizeof *items);
	for (size_t k = 0; k < n; k++)
		items[k] = (DbRecheckItem){ c->items[order[k]].item, c->items[order[k]].human };
	st = db_begin(db);
	if (st == STATUS_OK)
		st = db_recheck_send(db, items, n, labcompare_send_words[kind], c->source);
	if (st == STATUS_OK)
		st = db_commit(db);
	else
		db_rollback(db);
	*sent = st == STATUS_OK ? (long)n : 0;
	free(order);
	free(items);
	return st;
}

void labcompare_free(LabComparison *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->items[i].external_id);
	free(c->items);
	xfree_strings(c->categories, (size_t)c->n_categories);
	compare_result_free(&c->result);
	free(c->source);
	free(c);
}
