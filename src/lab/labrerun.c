/* labrerun.c - new runs like earlier ones, on settled items. */
#include "src/lab/labrerun.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "db/lab.h"
#include "db/runs.h"
#include "src/base/xalloc.h"
#include "src/lab/labsample.h"

enum { DEFAULT_MAX_IMAGE_PX = 1024 };

typedef struct {
	long long *ids;
	int *labels;
	size_t n, cap_ids, cap_labels;
} Settled;

static int add_settled(void *arg, long long item_id, int label)
{
	Settled *s = arg;
	s->ids = xgrow(s->ids, &s->cap_ids, s->n + 1, sizeof *s->ids);
	s->labels = xgrow(s->labels, &s->cap_labels, s->n + 1, sizeof *s->labels);
	s->ids[s->n] = item_id;
	s->labels[s->n++] = label;
	return 0;
}

Status labrerun_settled(Db *db, size_t sample, uint64_t seed, long long **ids, int **labels,
			size_t *n)
{
	Settled s = { 0 };
	Status st = db_lab_settled(db, add_settled, &s);
	*ids = NULL, *labels = NULL, *n = 0;
	if (st != STATUS_OK) {
		free(s.ids), free(s.labels);
		return st;
	}
	if (sample > 0 && sample < s.n) {
		long long *picked = xmalloc(sample * sizeof *picked);
		size_t got = labsample_stratified(s.ids, s.labels, s.n, sample, seed, picked);
		int *picked_labels = xmalloc((got + 1) * sizeof *picked_labels);
		/* both lists ascend: the labels follow by a merge */
		for (size_t i = 0, j = 0; i < got; i++) {
			while (s.ids[j] != picked[i])
				j++;
			picked_labels[i] = s.labels[j];
		}
		free(s.ids), free(s.labels);
		s.ids = picked, s.labels = picked_labels, s.n = got;
	}
	*ids = s.ids, *labels = s.labels, *n = s.n;
	return STATUS_OK;
}

/* like_run's parameters, marked as a lab rerun of n items (drawn as draw says). */
static char *params_for(const char *like, size_t n, int repeats, const LabDraw *draw)
{
	cJSON *json = cJSON_Parse(like ? like : "{}");
	char *text;
	if (!cJSON_IsObject(json)) {
		cJSON_Delete(json);
		json = cJSON_CreateObject();
	}
	cJSON_DeleteItemFromObjectCaseSensitive(json, "items");
	cJSON_DeleteItemFromObjectCaseSensitive(json, "limit");
	cJSON_DeleteItemFromObjectCaseSensitive(json, "sample");
	cJSON_DeleteItemFromObjectCaseSensitive(json, "seed");
	cJSON_DeleteItemFromObjectCaseSensitive(json, "repeat");
	cJSON_AddStringToObject(json, "items", "settled");
	cJSON_AddNumberToObject(json, "planned", (double)n);
	if (draw && draw->sample > 0) {
		cJSON_AddNumberToObject(json, "sample", (double)draw->sample);
		cJSON_AddNumberToObject(json, "seed", (double)draw->seed);
	}
	if (repeats > 1)
		cJSON_AddNumberToObject(json, "repeat", repeats);
	text = cJSON_PrintUnformatted(json);
	cJSON_Delete(json);
	return text;
}

Status labrerun_create(Db *db, long long like_run, long long version_id, const long long *items,
		       size_t n, int repeats, const LabDraw *draw, long long *run_id)
{
	DbRun like;
	DbRunNew run;
	char *params;
	Status st = db_run_get(db, like_run, &like);
	if (st != STATUS_OK)
		return st;
	if (repeats <= 0)
		repeats = like.repeats > 0 ? like.repeats : 1;
	params = params_for(like.params_json, n, repeats, draw);
	run = (DbRunNew){ .provider = like.provider,
			  .model = like.model,
			  .params_json = params,
			  .prompt_version_id = version_id > 0 ? version_id : like.prompt_version_id,
			  .repeats = repeats };
	st = db_begin(db);
	if (st == STATUS_OK)
		st = db_run_create(db, &run, run_id);
	if (st == STATUS_OK)
		st = db_lab_plan(db, *run_id, items, n);
	if (st == STATUS_OK)
		st = db_commit(db);
	else
		db_rollback(db);
	free(params);
	db_run_free(&like);
	return st;
}

static void read_params(LabRunSetup *s, const char *params)
{
	cJSON *json = cJSON_Parse(params ? params : "{}");
	const cJSON *v;
	s->config.temperature = -1;
	s->config.json_mode = 1;
	s->max_image_px = DEFAULT_MAX_IMAGE_PX;
	if ((v = cJSON_GetObjectItemCaseSensitive(json, "base_url")) && cJSON_IsString(v))
		s->base_url = xstrdup(v->valuestring);
	if ((v = cJSON_GetObjectItemCaseSensitive(json, "temperature")) && cJSON_IsNumber(v))
		s->config.temperature = v->valuedouble;
	if ((v = cJSON_GetObjectItemCaseSensitive(json, "max_tokens")) && cJSON_IsNumber(v))
		s->config.max_tokens = v->valueint;
	if ((v = cJSON_GetObjectItemCaseSensitive(json, "json_mode")))
		s->config.json_mode = cJSON_IsTrue(v);
	if ((v = cJSON_GetObjectItemCaseSensitive(json, "max_image_px")) && cJSON_IsNumber(v))
		s->max_image_px = v->valueint;
	if ((v = cJSON_GetObjectItemCaseSensitive(json, "price_in")) && cJSON_IsNumber(v))
		s->has_price = 1, s->price_in = v->valuedouble;
	if ((v = cJSON_GetObjectItemCaseSensitive(json, "price_out")) && cJSON_IsNumber(v))
		s->has_price = 1, s->price_out = v->valuedouble;
	cJSON_Delete(json);
}

Status labrerun_setup(Db *db, long long run_id, const char *api_key, LabRunSetup *s)
{
	DbRun run;
	Status st = db_run_get(db, run_id, &run);
	const char *env;

	memset(s, 0, sizeof *s);
	if (st != STATUS_OK)
		return st;
	s->run_id = run_id;
	s->ops = provider_find(run.provider);
	if (!s->ops) {
		st = status_fail(STATUS_ERR_INPUT,
				 "run %lld used the labeller '%s', which this gavel "
				 "does not know (%s)",
				 run_id, run.provider, provider_names());
		goto out;
	}
	read_params(s, run.params_json);
	s->model = xstrdup(run.model);
	if (s->ops->kind == PROVIDER_HTTP) {
		env = getenv(s->ops->key_variable);
		s->api_key = xstrdup(api_key ? api_key : env);
		if (!s->base_url)
			s->base_url = xstrdup(s->ops->default_base_url);
		if (!run.prompt_text)
			st = status_fail(STATUS_ERR_INPUT, "run %lld has no prompt to run again",
					 run_id);
	}
	if (st == STATUS_OK && run.prompt_text)
		st = prompt_parse(run.prompt_name ? run.prompt_name : "prompt", run.prompt_text,
				  &s->prompt);
	if (st == STATUS_OK)
		st = db_scale_get(db, &s->scale);
	s->config.base_url = s->base_url;
	s->config.model = s->model;
	s->config.api_key = s->api_key;
out:
	db_run_free(&run);
	if (st != STATUS_OK)
		labrerun_setup_free(s);
	return st;
}

void labrerun_setup_free(LabRunSetup *s)
{
	free(s->base_url), free(s->model), free(s->api_key);
	prompt_free(s->prompt);
	db_scale_free(&s->scale);
	memset(s, 0, sizeof *s);
}

LabelOptions labrerun_options(const LabRunSetup *s)
{
	return (LabelOptions){ .ops = s->ops,
			       .config = s->config,
			       .concurrency = 8,
			       .max_attempts = 5,
			       .timeout_ms = 120000,
			       .max_image_px = s->max_image_px,
			       .backoff_s = 1,
			       .backoff_max_s = 60,
			       .cache = LABEL_CACHE_USE };
}

long long labrerun_latest(const long long *runs, int n)
{
	return n > 0 ? runs[n - 1] : 0;
}
