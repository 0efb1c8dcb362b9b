/* estimateload.c - filling EstimateData from a database (see estimateload.h). */
#include "src/estimate/estimateload.h"

#include <stdlib.h>
#include <string.h>

#include "db/estimates.h"
#include "db/items.h"
#include "src/base/xalloc.h"

/* The loader's state: the item being read and its standing labels. */
typedef struct {
	EstimateData *d;
	EstimateSource *src;
	int by_category;
	long long item_id;
	EstimateItem item;
	int *labels;
	int n_labels;
	size_t labels_cap;
} Loader;

static int on_count(void *arg, const char *category, int llm, long long n)
{
	EstimateData *d = arg;

	estimate_data_count(d, estimate_data_category(d, category), llm, n);
	return 0;
}

static void flush(Loader *l)
{
	if (!l->item_id)
		return;
	l->item.human = estimate_human_label(l->labels, l->n_labels);
	if (l->d->stratified && l->item.llm && l->item.llm != l->item.stratum)
		l->src->moved++;
	estimate_data_add_item(l->d, &l->item);
	l->item_id = 0;
	l->n_labels = 0;
}

static int on_row(void *arg, const DbEstimateRow *row)
{
	Loader *l = arg;

	if (row->item_id != l->item_id) {
		flush(l);
		l->item_id = row->item_id;
		l->item =
			(EstimateItem){ 0, row->llm, row->stratum,
					l->by_category ? estimate_data_category(l->d, row->category)
						       : -1 };
	}
	if (row->label > 0) {
		l->labels = xgrow(l->labels, &l->labels_cap, (size_t)l->n_labels + 1,
				  sizeof *l->labels);
		l->labels[l->n_labels++] = row->label;
	}
	return 0;
}

/* Which audit, if any, the sample is. */
static Status choose_sample(Db *db, const EstimateLoadOptions *o, EstimateSource *src)
{
	long long id = o->audit_id;
	Status st = STATUS_OK;

	if (o->reviewed_as_sample) {
		src->kind = ESTIMATE_SAMPLE_REVIEWED;
		return STATUS_OK;
	}
	if (!id)
		st = db_audit_latest(db, &id);
	if (st != STATUS_OK || !id)
		return st;
	st = db_audit_get(db, id, &src->audit);
	if (st == STATUS_OK)
		src->kind = ESTIMATE_SAMPLE_AUDIT;
	return st;
}

/* The items that joined the audit's frame since its last draw: they could
 * not have been drawn, and the weights cannot see them. */
static Status count_joined(Db *db, EstimateSource *src)
{
	long long now;
	Status st = db_estimate_frame_size(db, src->audit.design == DB_AUDIT_LLM, src->K, &now);

	if (st == STATUS_OK && now > src->audit.population)
		src->joined = now - src->audit.population;
	return st;
}

Status estimateload(Db *db, const EstimateLoadOptions *o, EstimateData **data, EstimateSource *src)
{
	Loader l = { .src = src, .by_category = o->by_category };
	DbScale scale;
	Status st;

	*data = NULL;
	memset(src, 0, sizeof *src);
	st = db_scale_get(db, &scale);
	if (st != STATUS_OK)
		return st;
	src->K = scale.count;
	src->names = scale.names;
	if (scale.count < 1)
		return status_fail(STATUS_ERR_INPUT, "%s has no label scale", db_path(db));
	st = choose_sample(db, o, src);
	if (st != STATUS_OK)
		return st;
	l.d = *data = estimate_data_new(scale.count, src->kind == ESTIMATE_SAMPLE_AUDIT &&
							     src->audit.design == DB_AUDIT_LLM);
	st = db_estimate_catalogue(db, scale.count, o->by_category, on_count, l.d);
	if (st == STATUS_OK && src->kind == ESTIMATE_SAMPLE_AUDIT)
		st = count_joined(db, src);
	if (st == STATUS_OK && src->kind != ESTIMATE_SAMPLE_NONE)
		st = db_estimate_rows(db, src->kind == ESTIMATE_SAMPLE_AUDIT ? src->audit.id : 0,
				      on_row, &l);
	flush(&l);
	free(l.labels);
	return st;
}

void estimate_source_free(EstimateSource *src)
{
	if (!src)
		return;
	db_audit_free(&src->audit);
	xfree_strings(src->names, (size_t)src->K);
	memset(src, 0, sizeof *src);
}
