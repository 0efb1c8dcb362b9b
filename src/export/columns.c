/* columns.c - the column table (see columns.h): one getter per column. */
#include "src/export/columns.h"

#include "src/export/jsonout.h"

static void text(ColumnValue *v, const char *s)
{
	*v = (ColumnValue){ .present = s != NULL, .text = s };
}

static void integer(ColumnValue *v, int present, long long i)
{
	*v = (ColumnValue){ .present = present, .i = i };
}

static void real(ColumnValue *v, int present, double d)
{
	*v = (ColumnValue){ .present = present, .d = d };
}

static void item(const ExportRow *r, ColumnValue *v)
{
	text(v, r->item->external_id);
}
static void image_path(const ExportRow *r, ColumnValue *v)
{
	text(v, r->item->path);
}
static void image_sha256(const ExportRow *r, ColumnValue *v)
{
	text(v, r->item->sha256);
}
static void title(const ExportRow *r, ColumnValue *v)
{
	text(v, r->item->title);
}
static void category(const ExportRow *r, ColumnValue *v)
{
	text(v, r->item->category);
}
static void metadata(const ExportRow *r, ColumnValue *v)
{
	text(v, r->item->metadata_json);
}

static void label(const ExportRow *r, ColumnValue *v)
{
	integer(v, r->outcome.label > 0, r->outcome.label);
}

static void label_name(const ExportRow *r, ColumnValue *v)
{
	int l = r->outcome.label;
	text(v, l >= 1 && l <= r->n_labels ? r->label_names[l - 1] : NULL);
}

/* the rule in force; settle_reason says when an adjudication overrode it */
static void settle_rule(const ExportRow *r, ColumnValue *v)
{
	text(v, r->rule);
}

static void settle_reason(const ExportRow *r, ColumnValue *v)
{
	text(v, settle_reason_name(r->outcome.reason));
}

static void settle_support(const ExportRow *r, ColumnValue *v)
{
	real(v, r->outcome.support > 0, r->outcome.support);
}

static void ds_posterior(const ExportRow *r, ColumnValue *v)
{
	real(v, r->posterior >= 0, r->posterior);
}

static void n_votes(const ExportRow *r, ColumnValue *v)
{
	integer(v, 1, (long long)r->votes->n_votes);
}
static void votes(const ExportRow *r, ColumnValue *v)
{
	text(v, r->votes_json);
}
static void reviewed_at(const ExportRow *r, ColumnValue *v)
{
	text(v, r->reviewed_at);
}
static void adjudicator(const ExportRow *r, ColumnValue *v)
{
	text(v, r->votes->adjudicator);
}
static void adjudication_reason(const ExportRow *r, ColumnValue *v)
{
	text(v, r->votes->reason);
}
static void adjudicated_at(const ExportRow *r, ColumnValue *v)
{
	text(v, r->votes->adjudicated_at);
}

static void llm_label(const ExportRow *r, ColumnValue *v)
{
	integer(v, r->item->run_id != 0 && r->item->llm_label > 0, r->item->llm_label);
}

static void llm_score(const ExportRow *r, ColumnValue *v)
{
	real(v, r->item->run_id != 0 && r->item->has_score, r->item->llm_score);
}

static void llm_confidence(const ExportRow *r, ColumnValue *v)
{
	real(v, r->item->run_id != 0 && r->item->has_confidence, r->item->llm_confidence);
}

static void llm_rationale(const ExportRow *r, ColumnValue *v)
{
	text(v, r->item->rationale);
}
static void rationale_verdict(const ExportRow *r, ColumnValue *v)
{
	text(v, r->verdict);
}
static void prompt_version(const ExportRow *r, ColumnValue *v)
{
	text(v, r->item->prompt_hash);
}
static void prompt_name(const ExportRow *r, ColumnValue *v)
{
	text(v, r->item->prompt_name);
}
static void llm_model(const ExportRow *r, ColumnValue *v)
{
	text(v, r->item->model);
}
static void llm_provider(const ExportRow *r, ColumnValue *v)
{
	text(v, r->item->provider);
}

static void llm_run(const ExportRow *r, ColumnValue *v)
{
	integer(v, r->item->run_id != 0, r->item->run_id);
}

static void split(const ExportRow *r, ColumnValue *v)
{
	text(v, r->split);
}

/* name, its member text as a JSON object writes it and that text's length
 * (no strlen a million times), kind, getter (the getter has the column's
 * name) */
/* clang-format off */
#define MEMBER(name) ",\"" #name "\":"
#define COLUMN(name, kind) { #name, MEMBER(name), sizeof MEMBER(name) - 1, COLUMN_##kind, name }
/* clang-format on */

static const Column columns[] = {
	COLUMN(item, TEXT),
	COLUMN(image_path, TEXT),
	COLUMN(image_sha256, TEXT),
	COLUMN(title, TEXT),
	COLUMN(category, TEXT),
	COLUMN(metadata, JSON),
	COLUMN(label, LABEL),
	COLUMN(label_name, TEXT),
	COLUMN(settle_rule, TEXT),
	COLUMN(settle_reason, TEXT),
	COLUMN(settle_support, FLOAT),
	COLUMN(ds_posterior, FLOAT),
	COLUMN(n_votes, INT),
	COLUMN(votes, JSON),
	COLUMN(reviewed_at, TEXT),
	COLUMN(adjudicator, TEXT),
	COLUMN(adjudication_reason, TEXT),
	COLUMN(adjudicated_at, TEXT),
	COLUMN(llm_label, INT),
	COLUMN(llm_score, FLOAT),
	COLUMN(llm_confidence, FLOAT),
	COLUMN(llm_rationale, TEXT),
	COLUMN(rationale_verdict, TEXT),
	COLUMN(prompt_version, TEXT),
	COLUMN(prompt_name, TEXT),
	COLUMN(llm_model, TEXT),
	COLUMN(llm_provider, TEXT),
	COLUMN(llm_run, INT),
	COLUMN(split, TEXT),
};

const Column *columns_all(size_t *count)
{
	*count = sizeof columns / sizeof columns[0];
	return columns;
}

/* One value as JSON in a style. */
static void json_value(StrBuf *b, const Column *c, const ColumnValue *v, ColumnsStyle style)
{
	int typed = style == COLUMNS_TYPED;
	if (!v->present && !typed) {
		strbuf_adds(b, "null");
		return;
	}
	switch (c->kind) {
	case COLUMN_TEXT: jsonout_string(b, v->present ? v->text : ""); break;
	case COLUMN_JSON:
		if (typed)
			jsonout_string(b, v->present ? v->text : "");
		else
			strbuf_adds(b, v->text);
		break;
	case COLUMN_INT: jsonout_integer(b, v->present ? v->i : -1); break;
	case COLUMN_LABEL: jsonout_integer(b, v->present ? v->i - typed : -1); break;
	case COLUMN_FLOAT: jsonout_number(b, v->present ? v->d : -1, typed); break;
	}
}

void columns_json_line(StrBuf *b, const ExportRow *row, ColumnsStyle style, const char *first_name,
		       const char *first_value)
{
	strbuf_addc(b, '{');
	if (first_name) {
		jsonout_string(b, first_name);
		strbuf_addc(b, ':');
		jsonout_string(b, first_value);
	}
	for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
		ColumnValue v;
		/* the first member has no comma before it */
		int skip = !(first_name || i);
		strbuf_add(b, columns[i].member + skip, columns[i].member_len - (size_t)skip);
		columns[i].get(row, &v);
		json_value(b, &columns[i], &v, style);
	}
	strbuf_adds(b, "}\n");
}
