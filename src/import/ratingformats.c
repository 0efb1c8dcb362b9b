/* ratingformats.c - readers of the rating formats (see ratingformats.h). */
#include "src/import/ratingformats.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/base/xalloc.h"
#include "src/import/manifest.h"

/* Files larger than this are not read whole (Label Studio's one document). */
enum { MAX_DOCUMENT = 1 << 30 };

static void bad(const RatingSink *sink, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bad(const RatingSink *sink, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	sink->bad(sink->ctx, message);
}

/* A field as text: a string, or a number (whole numbers without a point);
 * NULL when absent, empty or of another type. Newly allocated. */
static char *text_of(const cJSON *value)
{
	if (cJSON_IsString(value) && value->valuestring[0])
		return xstrdup(value->valuestring);
	if (cJSON_IsNumber(value) && value->valuedouble == (double)(long long)value->valuedouble)
		return xasprintf("%lld", (long long)value->valuedouble);
	if (cJSON_IsNumber(value))
		return xasprintf("%.17g", value->valuedouble);
	return NULL;
}

static char *field(const cJSON *record, const char *name)
{
	return text_of(cJSON_GetObjectItemCaseSensitive(record, name));
}

/* The item's id: the sink's field, else the first of the usual names, in
 * record then in its nested object (Prodigy's meta, Label Studio's data). */
static char *item_of(const RatingSink *sink, const cJSON *record, const char *nested)
{
	static const char *const usual[] = { "item", "external_id", "id", NULL };
	const char *one[] = { sink->item_field, NULL };
	const char *const *names = sink->item_field ? one : usual;
	const cJSON *inner = nested ? cJSON_GetObjectItemCaseSensitive(record, nested) : NULL;
	for (int i = 0; names[i]; i++) {
		char *text = field(record, names[i]);
		if (!text && inner)
			text = field(inner, names[i]);
		if (text)
			return text;
	}
	return NULL;
}

/* Reads a JSONL or CSV file record by record into fn. */
static Status each_record(const char *path, const RatingSink *sink,
			  Status (*fn)(const RatingSink *sink, const cJSON *record, long line))
{
	ManifestReader *reader;
	cJSON *record;
	long line;
	Status st = manifest_open(path, &reader);
	while (st == STATUS_OK) {
		st = manifest_next(reader, &record, &line);
		if (st == STATUS_ERR_INPUT) {
			/* the reader says "PATH:LINE: why"; the sink adds the path */
			const char *why = status_detail();
			size_t n = strlen(path);
			sink->bad(sink->ctx,
				  strncmp(why, path, n) || why[n] != ':' ? why : why + n + 1);
			st = STATUS_OK;
			continue;
		}
		if (st != STATUS_OK || !record)
			break;
		st = fn(sink, record, line);
		cJSON_Delete(record);
	}
	manifest_close(reader);
	return st;
}

/* ---- table ---- */

static Status table_record(const RatingSink *sink, const cJSON *record, long line)
{
	char *item = field(record, "item"), *rater = field(record, "rater");
	char *label = field(record, "label"), *time = field(record, "time");
	Status st = STATUS_OK;
	if (!item || !rater || !label)
		bad(sink, "%ld: \"%s\" is missing (the columns are item, rater, label)", line,
		    !item    ? "item"
		    : !rater ? "rater"
			     : "label");
	else
		st = sink->take(sink->ctx, &(RatingRecord){ RATING_HUMAN, item, rater, label, time,
							    NULL, line });
	free(item), free(rater), free(label), free(time);
	return st;
}

static Status table_read(const char *path, const RatingSink *sink)
{
	return each_record(path, sink, table_record);
}

/* ---- gavel's own export ---- */

/* A list column: an array (JSONL) or its JSON text (CSV). Owned in *owned. */
static const cJSON *list_of(const cJSON *record, const char *name, cJSON **owned)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(record, name);
	*owned = NULL;
	if (cJSON_IsString(v))
		v = *owned = cJSON_Parse(v->valuestring);
	return cJSON_IsArray(v) ? v : NULL;
}

static Status gavel_votes(const RatingSink *sink, const cJSON *record, const char *item, long line)
{
	cJSON *owned;
	const cJSON *votes = list_of(record, "votes", &owned), *vote;
	Status st = STATUS_OK;
	cJSON_ArrayForEach(vote, votes) {
		char *rater = field(vote, "reviewer"), *label = field(vote, "label");
		char *time = field(vote, "time");
		if (!rater || !label)
			bad(sink, "%ld: a vote without %s", line, !rater ? "reviewer" : "label");
		else if (st == STATUS_OK)
			st = sink->take(sink->ctx, &(RatingRecord){ RATING_HUMAN, item, rater,
								    label, time, NULL, line });
		free(rater), free(label), free(time);
	}
	cJSON_Delete(owned);
	return st;
}

static Status gavel_record(const RatingSink *sink, const cJSON *record, long line)
{
	char *item = field(record, "item"), *adjudicator = field(record, "adjudicator");
	char *label = field(record, "label"), *llm = field(record, "llm_label");
	char *model = field(record, "llm_model"), *reason = field(record, "adjudication_reason");
	char *time = field(record, "adjudicated_at");
	Status st = STATUS_OK;
	if (!item) {
		bad(sink, "%ld: \"item\" is missing (not a gavel export?)", line);
		goto out;
	}
	st = gavel_votes(sink, record, item, line);
	if (st == STATUS_OK && adjudicator && label)
		st = sink->take(sink->ctx, &(RatingRecord){ RATING_ADJUDICATION, item, adjudicator,
							    label, time, reason, line });
	if (st == STATUS_OK && llm && strcmp(llm, "-1"))
		st = sink->take(sink->ctx, &(RatingRecord){ RATING_LLM, item, model ? model : "llm",
							    llm, NULL, NULL, line });
out:
	free(item), free(adjudicator), free(label), free(llm), free(model), free(reason);
	free(time);
	return st;
}

static Status gavel_read(const char *path, const RatingSink *sink)
{
	return each_record(path, sink, gavel_record);
}

/* ---- Prodigy ---- */

/* The label a Prodigy task gives: its one accepted option, or its "label"
 * (a binary task). NULL with *why set when there is none. */
static char *prodigy_label(const cJSON *record, const char **why)
{
	const cJSON *accept = cJSON_GetObjectItemCaseSensitive(record, "accept");
	int n = cJSON_IsArray(accept) ? cJSON_GetArraySize(accept) : -1;
	char *label;
	*why = NULL;
	if (n > 1) {
		*why = "several options accepted: the scale takes one label";
		return NULL;
	}
	if (n == 1)
		return text_of(cJSON_GetArrayItem(accept, 0));
	label = field(record, "label");
	if (!label)
		*why = n == 0 ? "no option accepted" : "no \"accept\" or \"label\"";
	return label;
}

/* Prodigy's answers (its words, not the review log's): accept gives a
 * rating, the others none. */
static const char *const prodigy_answers[] = { "accept", "reject", "ignore", NULL };

static int prodigy_answer(const char *answer)
{
	for (int i = 0; answer && prodigy_answers[i]; i++)
		if (!strcmp(answer, prodigy_answers[i]))
			return i;
	return -1;
}

static Status prodigy_record(const RatingSink *sink, const cJSON *record, long line)
{
	char *answer = field(record, "answer"), *item = NULL, *label = NULL, *rater, *time;
	const char *why = NULL;
	Status st = STATUS_OK;
	if (prodigy_answer(answer) != 0) {
		if (prodigy_answer(answer) > 0)
			sink->passed(sink->ctx);
		else
			bad(sink, "%ld: \"answer\" is %s (accept, reject or ignore)", line,
			    answer ? answer : "missing");
		free(answer);
		return STATUS_OK;
	}
	rater = field(record, "_annotator_id");
	if (!rater)
		rater = field(record, "_session_id");
	time = field(record, "_timestamp");
	item = item_of(sink, record, "meta");
	label = prodigy_label(record, &why);
	if (!item)
		bad(sink, "%ld: no item id (\"%s\", here or in \"meta\")", line,
		    sink->item_field ? sink->item_field : "item, external_id or id");
	else if (!label)
		bad(sink, "%ld: %s", line, why ? why : "no label");
	else
		st = sink->take(sink->ctx,
				&(RatingRecord){ RATING_HUMAN, item, rater ? rater : "prodigy",
						 label, time, NULL, line });
	free(answer), free(item), free(label), free(rater), free(time);
	return st;
}

static Status prodigy_read(const char *path, const RatingSink *sink)
{
	return each_record(path, sink, prodigy_record);
}

/* ---- Label Studio ---- */

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t cap = 0;
	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		text = xgrow(text, &cap, *len + 65536 + 1, 1);
		size_t n = fread(text + *len, 1, 65536, f);
		*len += n;
		if (n < 65536 || *len > MAX_DOCUMENT)
			break;
	}
	text[*len] = '\0';
	if (ferror(f)) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/* Who made an annotation: completed_by as an object (email, else id) or a
 * number. */
static char *ls_annotator(const cJSON *annotation)
{
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(annotation, "completed_by");
	char *id = cJSON_IsObject(by) ? field(by, "email") : NULL, *name;
	if (id)
		return id;
	id = text_of(cJSON_IsObject(by) ? cJSON_GetObjectItemCaseSensitive(by, "id") : by);
	name = xasprintf("label-studio:%s", id ? id : "unknown");
	free(id);
	return name;
}

/* The label of an annotation's results: one "choices" choice, or a
 * "rating". NULL with *why when there is none or more than one. */
static char *ls_label(const cJSON *annotation, const char **why)
{
	const cJSON *results = cJSON_GetObjectItemCaseSensitive(annotation, "result"), *r;
	char *label = NULL;
	*why = "no \"choices\" or \"rating\" result";
	cJSON_ArrayForEach(r, results) {
		const cJSON *value = cJSON_GetObjectItemCaseSensitive(r, "value");
		const cJSON *choices = cJSON_GetObjectItemCaseSensitive(value, "choices");
		const cJSON *rating = cJSON_GetObjectItemCaseSensitive(value, "rating");
		char *found = cJSON_IsArray(choices) && cJSON_GetArraySize(choices) == 1
				      ? text_of(cJSON_GetArrayItem(choices, 0))
				      : text_of(rating);
		if (cJSON_IsArray(choices) && cJSON_GetArraySize(choices) > 1) {
			*why = "several choices: the scale takes one label";
			free(label);
			return NULL;
		}
		if (found && label) {
			*why = "several classification results: the scale takes one label";
			free(found), free(label);
			return NULL;
		}
		if (found)
			label = found;
	}
	return label;
}

static Status ls_task(const RatingSink *sink, const cJSON *task, long position)
{
	const cJSON *annotations = cJSON_GetObjectItemCaseSensitive(task, "annotations"), *a;
	char *item = item_of(sink, task, "data");
	Status st = STATUS_OK;
	if (!item) {
		bad(sink, "task %ld: no item id (\"%s\" in \"data\", or the task's id)", position,
		    sink->item_field ? sink->item_field : "item, external_id or id");
		return STATUS_OK;
	}
	cJSON_ArrayForEach(a, annotations) {
		const char *why;
		char *label, *rater, *time;
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "was_cancelled"))) {
			sink->passed(sink->ctx);
			continue;
		}
		label = ls_label(a, &why);
		rater = ls_annotator(a);
		time = field(a, "created_at");
		if (!label)
			bad(sink, "task %ld (item %s): %s", position, item, why);
		else if (st == STATUS_OK)
			st = sink->take(sink->ctx, &(RatingRecord){ RATING_HUMAN, item, rater,
								    label, time, NULL, position });
		free(label), free(rater), free(time);
	}
	free(item);
	return st;
}

static Status ls_read(const char *path, const RatingSink *sink)
{
	size_t len;
	char *text = read_whole(path, &len);
	cJSON *tasks, *task;
	long position = 0;
	Status st = STATUS_OK;
	if (!text)
		return status_fail(STATUS_ERR_IO, "%s: cannot read", path);
	tasks = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsArray(tasks)) {
		cJSON_Delete(tasks);
		return status_fail(STATUS_ERR_INPUT,
				   "%s: not a Label Studio JSON export (a JSON array "
				   "of tasks)",
				   path);
	}
	cJSON_ArrayForEach(task, tasks) {
		position++;
		if (!cJSON_IsObject(task))
			bad(sink, "task %ld: not an object", position);
		else if ((st = ls_task(sink, task, position)) != STATUS_OK)
			break;
	}
	cJSON_Delete(tasks);
	return st;
}

/* ---- the table ---- */

static const RatingFormat formats[] = {
	{ "table", "CSV or JSONL: item, rater, label and optionally time", table_read },
	{ "gavel", "gavel's own export (JSONL or CSV): votes, adjudication, LLM", gavel_read },
	{ "label-studio", "a Label Studio JSON export: choices or rating results", ls_read },
	{ "prodigy", "Prodigy JSONL: accept (choice) or label with answer accept", prodigy_read },
};

const char *const ratingformats_names[] = { "table", "gavel", "label-studio", "prodigy", NULL };

const RatingFormat *ratingformats_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof formats / sizeof formats[0]; i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

/* The first record of a JSONL file, or NULL. */
static cJSON *first_record(const char *path)
{
	ManifestReader *reader;
	cJSON *record = NULL;
	long line;
	if (manifest_open(path, &reader) != STATUS_OK)
		return NULL;
	while (manifest_next(reader, &record, &line) == STATUS_ERR_INPUT)
		;
	manifest_close(reader);
	return record;
}

Status ratingformats_detect(const char *path, const RatingFormat **format)
{
	FILE *f = fopen(path, "rb");
	int c;
	cJSON *record;
	*format = &formats[0];
	if (!f)
		return status_fail(STATUS_ERR_IO, "%s: cannot read", path);
	while ((c = fgetc(f)) == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xEF ||
	       c == 0xBB || c == 0xBF)
		;
	fclose(f);
	if (c == '[') {
		*format = ratingformats_find("label-studio");
		return STATUS_OK;
	}
	record = first_record(path);
	if (cJSON_GetObjectItemCaseSensitive(record, "votes"))
		*format = ratingformats_find("gavel");
	else if (cJSON_GetObjectItemCaseSensitive(record, "answer"))
		*format = ratingformats_find("prodigy");
	cJSON_Delete(record);
	return STATUS_OK;
}
