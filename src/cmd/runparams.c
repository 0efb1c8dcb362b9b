/* runparams.c - a run's stored parameters, one table for storing, reading
 * back and the --resume rules. */
#include "src/cmd/runparams.h"

#include <stddef.h>
#include <stdio.h>

#include <cJSON.h>

#include "src/cmd/cli.h"

typedef enum { PARAM_INT, PARAM_DOUBLE, PARAM_BOOL } ParamKind;

typedef enum {
	PARAM_SESSION, /* how the run is driven: a flag on --resume overrides it */
	PARAM_ANSWER,  /* shapes the answers: fixed for the run */
} ParamRole;

typedef struct {
	const char *key;  /* in runs.params */
	const char *flag; /* for messages */
	size_t offset;    /* in RunParams */
	ParamKind kind;
	ParamRole role;
	double fallback;  /* the default */
	int omit_default; /* not stored when it is the default (the provider's own) */
} Param;

#define AT(field) offsetof(RunParams, field)
static const Param params[] = {
	{"temperature", "--temperature", AT(temperature), PARAM_DOUBLE, PARAM_ANSWER, -1, 1},
	{"max_tokens", "--max-tokens", AT(max_tokens), PARAM_INT, PARAM_ANSWER, 0, 1},
	{"max_image_px", "--max-image-px", AT(max_image_px), PARAM_INT, PARAM_ANSWER, 1024, 0},
	{"json_mode", "--no-json-mode", AT(json_mode), PARAM_BOOL, PARAM_ANSWER, 1, 0},
	{"concurrency", "--concurrency", AT(concurrency), PARAM_INT, PARAM_SESSION, 8, 0},
	{"max_attempts", "--max-attempts", AT(max_attempts), PARAM_INT, PARAM_SESSION, 5, 0},
	{"timeout_s", "--timeout", AT(timeout_s), PARAM_DOUBLE, PARAM_SESSION, 120, 0},
	{"backoff_s", "--backoff", AT(backoff_s), PARAM_DOUBLE, PARAM_SESSION, 1, 0},
};
#undef AT
enum { PARAM_COUNT = sizeof params / sizeof params[0] };

static double get(const RunParams *p, const Param *param)
{
	const char *at = (const char *)p + param->offset;
	if (param->kind == PARAM_DOUBLE)
		return *(const double *)at;
	return *(const int *)at;
}

static void set(RunParams *p, const Param *param, double value)
{
	char *at = (char *)p + param->offset;
	if (param->kind == PARAM_DOUBLE)
		*(double *)at = value;
	else
		*(int *)at = (int)value;
}

void runparams_unset(RunParams *p)
{
	for (int i = 0; i < PARAM_COUNT; i++)
		set(p, &params[i], RUNPARAMS_UNSET);
}

void runparams_default(RunParams *p)
{
	for (int i = 0; i < PARAM_COUNT; i++)
		if (get(p, &params[i]) == RUNPARAMS_UNSET)
			set(p, &params[i], params[i].fallback);
}

void runparams_store(const RunParams *p, cJSON *json)
{
	for (int i = 0; i < PARAM_COUNT; i++) {
		const Param *param = &params[i];
		double value = get(p, param);
		if (value == RUNPARAMS_UNSET || (param->omit_default && value == param->fallback))
			continue;
		if (param->kind == PARAM_BOOL)
			cJSON_AddBoolToObject(json, param->key, value != 0);
		else
			cJSON_AddNumberToObject(json, param->key, value);
	}
}

/* Whether the run stored param, and its value in *value. One left out
 * because it was the provider's default is stored as that default. */
static int stored_value(const cJSON *json, const Param *param, double *value)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(json, param->key);
	if (param->kind == PARAM_BOOL && cJSON_IsBool(v))
		*value = cJSON_IsTrue(v);
	else if (param->kind != PARAM_BOOL && cJSON_IsNumber(v))
		*value = v->valuedouble;
	else if (param->omit_default)
		*value = param->fallback;
	else
		return 0;
	return 1;
}

/* How a value reads in a message: "on"/"off", "the provider's default", a number. */
static const char *shown(const Param *param, double value, char *buf, size_t size)
{
	if (param->kind == PARAM_BOOL)
		return value ? "on" : "off";
	if (param->omit_default && value == param->fallback)
		return "the provider's default";
	snprintf(buf, size, "%g", value);
	return buf;
}

static void resume_one(RunParams *p, const Param *param, const cJSON *json, long long run_id)
{
	double given = get(p, param), stored;
	char a[32], b[32];
	if (!stored_value(json, param, &stored)) {
		return; /* a run from before it was stored: the flag or the default */
	} else if (given == RUNPARAMS_UNSET) {
		set(p, param, stored);
	} else if (stored == given) {
		return;
	} else if (param->role == PARAM_SESSION) {
		cli_note("%s %s for this session; run %lld was started with %s", param->flag,
			 shown(param, given, a, sizeof a), run_id, shown(param, stored, b, sizeof b));
	} else {
		cli_warn("%s ignored: run %lld keeps its own (%s) so that its answers stay "
			 "comparable; start a new run to change it",
			 param->flag, run_id, shown(param, stored, b, sizeof b));
		set(p, param, stored);
	}
}

void runparams_resume(RunParams *p, const cJSON *json, long long run_id)
{
	for (int i = 0; i < PARAM_COUNT; i++)
		resume_one(p, &params[i], json, run_id);
	runparams_default(p);
}
