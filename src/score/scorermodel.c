/* scorermodel.c - a trained scorer applied, named, and written as JSON
 * (scorermodel.h). Numbers go through cJSON, which prints the shortest
 * decimal that reads back to the same double: an exported model applied
 * elsewhere gives the same probabilities to the last bits. */
#include "src/score/scorermodel.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/strbuf.h"
#include "src/base/xalloc.h"
#include "src/score/trainset.h"

#define FORMAT "gavel-linear-model"
#define FORMULA                                                                           \
	"z_j = (x_j - mean_j) / scale_j; s_o = intercepts_o + sum_j coefficients_oj z_j;"   \
	" logistic (one output): p(labels[1]) = 1 / (1 + exp(-s_0)), p(labels[0]) = 1 - that;" \
	" multinomial: p(labels[k]) = exp(s_k - m) / sum_c exp(s_c - m), m = max_c s_c;"     \
	" ridge: value = s_0; expected score = sum_k p_k labels[k]; predicted label = labels[k]" \
	" of the largest p (the first on a tie), for ridge the nearest label (halves up)."    \
	" docs/scorer.md"

/* How many classes the model tells apart: its own, or for ridge the class
 * space of its targets (the scale, or the two sides of a split). */
static int class_count(const ScorerModel *m)
{
	if (m->lm.kind == LINMODEL_LOGISTIC)
		return m->lm.classes;
	return m->positive_from ? 2 : m->scale;
}

const char *scorermodel_kind(const ScorerModel *m)
{
	if (m->lm.kind == LINMODEL_RIDGE)
		return "ridge";
	return m->lm.classes > 2 ? "multinomial" : "logistic";
}

void scorermodel_name_classes(ScorerModel *m, const char *const *scale_names)
{
	TrainsetClasses tc = {.scale = m->scale, .positive_from = m->positive_from};
	int n = class_count(m);
	free(m->levels);
	if (m->label_names)
		xfree_strings(m->label_names, (size_t)n);
	m->levels = xcalloc((size_t)n + 1, sizeof *m->levels);
	m->label_names = xcalloc((size_t)n + 1, sizeof *m->label_names);
	for (int k = 0; k < n; k++) {
		int cls = m->lm.kind == LINMODEL_LOGISTIC ? (int)m->lm.labels[k] : k + 1;
		int level = trainset_level_of(&tc, cls);
		const char *split = scale_names[m->positive_from ? m->positive_from - 1 : 0];
		m->levels[k] = level;
		if (!m->positive_from)
			m->label_names[k] = xstrdup(scale_names[level - 1]);
		else
			m->label_names[k] = cls == 2 ? xasprintf("%s or above", split)
						     : xasprintf("below %s", split);
	}
}

void scorermodel_apply(const ScorerModel *m, const double *x, ScorerAnswer *a)
{
	int n = class_count(m);
	memset(a, 0, sizeof *a);
	if (m->lm.kind == LINMODEL_RIDGE) {
		double pred = linmodel_predict(&m->lm, x, NULL);
		double cls = floor(pred + 0.5);
		cls = cls < 1 ? 1 : cls > n ? n : cls;
		a->label = (int)m->levels[(int)cls - 1];
		a->score = m->levels[0] + pred - 1;
		return;
	}
	linmodel_predict(&m->lm, x, a->prob);
	a->has_prob = 1;
	for (int k = 0; k < n; k++)
		a->score += a->prob[k] * m->levels[k];
	{
		int best = linmodel_argmax(a->prob, n);
		a->label = (int)m->levels[best];
		a->confidence = a->prob[best];
	}
	a->entropy = linmodel_entropy(a->prob, n);
}

/* ---- JSON ---- */

cJSON *scorermodel_json_number(double v)
{
	char text[32];
	if (!isfinite(v))
		return cJSON_CreateNull();
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(text, sizeof text, "%.*g", digits, v);
		if (strtod(text, NULL) == v)
			break;
	}
	return cJSON_CreateRaw(text);
}

static cJSON *numbers(const double *v, size_t n)
{
	cJSON *list = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(list, scorermodel_json_number(v[i]));
	return list;
}

static cJSON *strings(char *const *s, size_t n)
{
	cJSON *list = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(list, cJSON_CreateString(s[i]));
	return list;
}

static cJSON *fit_json(const ScorerModel *m)
{
	const Linmodel *lm = &m->lm;
	cJSON *fit = cJSON_CreateObject();
	cJSON_AddStringToObject(fit, "model", linmodel_kind_name(lm->kind));
	if (lm->kind == LINMODEL_LOGISTIC)
		cJSON_AddItemToObject(fit, "C", scorermodel_json_number(lm->params.C));
	else
		cJSON_AddItemToObject(fit, "alpha", scorermodel_json_number(lm->params.alpha));
	cJSON_AddBoolToObject(fit, "standardize", lm->params.standardize);
	cJSON_AddNumberToObject(fit, "rows", (double)lm->rows);
	cJSON_AddItemToObject(fit, "objective", scorermodel_json_number(lm->objective));
	cJSON_AddItemToObject(fit, "gradient_norm", scorermodel_json_number(lm->grad_norm));
	cJSON_AddNumberToObject(fit, "iterations", lm->iterations);
	cJSON_AddBoolToObject(fit, "converged", lm->converged);
	return fit;
}

cJSON *scorermodel_to_json(const ScorerModel *m)
{
	const Linmodel *lm = &m->lm;
	int n = class_count(m);
	cJSON *o = cJSON_CreateObject(), *coef = cJSON_CreateArray(), *outputs;
	cJSON_AddStringToObject(o, "format", FORMAT);
	cJSON_AddNumberToObject(o, "version", 1);
	cJSON_AddStringToObject(o, "kind", scorermodel_kind(m));
	cJSON_AddStringToObject(o, "target", m->target ? m->target : "human");
	cJSON_AddStringToObject(o, "feature_sources", m->sources ? m->sources : "");
	cJSON_AddNumberToObject(o, "llm_run", (double)m->llm_run);
	cJSON_AddItemToObject(o, "features", strings(m->names, lm->features));
	cJSON_AddItemToObject(o, "mean", numbers(lm->mean, lm->features));
	cJSON_AddItemToObject(o, "scale", numbers(lm->scale, lm->features));
	cJSON_AddNumberToObject(o, "scale_levels", m->scale);
	if (m->positive_from)
		cJSON_AddNumberToObject(o, "positive_from", m->positive_from);
	else
		cJSON_AddNullToObject(o, "positive_from");
	cJSON_AddItemToObject(o, "classes", lm->kind == LINMODEL_LOGISTIC
						   ? numbers(lm->labels, (size_t)lm->classes)
						   : cJSON_CreateArray());
	cJSON_AddItemToObject(o, "labels", numbers(m->levels, (size_t)n));
	cJSON_AddItemToObject(o, "label_names", strings(m->label_names, (size_t)n));
	outputs = cJSON_AddArrayToObject(o, "outputs");
	for (int r = 0; r < lm->outputs; r++) {
		const char *name = lm->kind == LINMODEL_RIDGE ? "value"
				   : lm->outputs == 1 ? m->label_names[1] : m->label_names[r];
		cJSON_AddItemToArray(outputs, cJSON_CreateString(name));
		cJSON_AddItemToArray(coef, numbers(lm->coef + (size_t)r * lm->features, lm->features));
	}
	cJSON_AddItemToObject(o, "intercepts", numbers(lm->intercept, (size_t)lm->outputs));
	cJSON_AddItemToObject(o, "coefficients", coef);
	cJSON_AddItemToObject(o, "fit", fit_json(m));
	cJSON_AddStringToObject(o, "formula", FORMULA);
	return o;
}

/* Reads the n numbers of array a into a new array; -1 when a is not an
 * array of n. */
static int array_numbers(const cJSON *a, size_t n, double **out)
{
	const cJSON *v;
	size_t i = 0;
	*out = NULL;
	if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
		return -1;
	*out = xcalloc(n + 1, sizeof **out);
	cJSON_ArrayForEach(v, a)
		(*out)[i++] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
	return 0;
}

/* Reads n numbers of the array field name into a new array. */
static Status read_numbers(const cJSON *o, const char *name, size_t n, double **out)
{
	if (array_numbers(cJSON_GetObjectItemCaseSensitive(o, name), n, out) < 0)
		return status_fail(STATUS_ERR_CORRUPT, "a stored model's \"%s\" should hold %zu "
				   "numbers", name, n);
	return STATUS_OK;
}

static Status read_strings(const cJSON *o, const char *name, size_t n, char ***out)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, name), *v;
	size_t i = 0;
	if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
		return status_fail(STATUS_ERR_CORRUPT, "a stored model's \"%s\" should hold %zu "
				   "names", name, n);
	*out = xcalloc(n + 1, sizeof **out);
	cJSON_ArrayForEach(v, a)
		(*out)[i++] = xstrdup(cJSON_IsString(v) ? v->valuestring : "");
	return STATUS_OK;
}

static double number(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static char *text(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return xstrdup(cJSON_IsString(v) ? v->valuestring : NULL);
}

/* The Linmodel's shape and fit figures from the JSON. */
static Status read_shape(const cJSON *o, ScorerModel *m)
{
	const cJSON *fit = cJSON_GetObjectItemCaseSensitive(o, "fit");
	const cJSON *fmodel = cJSON_GetObjectItemCaseSensitive(fit, "model");
	Linmodel *lm = &m->lm;
	Status st = linmodel_kind_parse(cJSON_IsString(fmodel) ? fmodel->valuestring : "",
					&lm->kind);
	if (st != STATUS_OK)
		return status_fail(STATUS_ERR_CORRUPT, "a stored model has no known \"fit\".\"model\"");
	lm->params = linmodel_params(lm->kind);
	lm->params.C = lm->kind == LINMODEL_LOGISTIC ? number(fit, "C") : lm->params.C;
	lm->params.alpha = lm->kind == LINMODEL_RIDGE ? number(fit, "alpha") : lm->params.alpha;
	lm->params.standardize = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fit, "standardize"));
	lm->rows = (size_t)number(fit, "rows");
	lm->objective = number(fit, "objective");
	lm->grad_norm = number(fit, "gradient_norm");
	lm->iterations = (int)number(fit, "iterations");
	lm->converged = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fit, "converged"));
	lm->features = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "features"));
	lm->outputs = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "intercepts"));
	lm->classes = lm->kind == LINMODEL_LOGISTIC
		      ? cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "classes")) : 0;
	m->scale = (int)number(o, "scale_levels");
	m->positive_from = (int)number(o, "positive_from");
	m->llm_run = (long long)number(o, "llm_run");
	m->sources = text(o, "feature_sources");
	m->target = text(o, "target");
	if (lm->outputs < 1 || m->scale < 1 || lm->classes > LINMODEL_MAX_CLASSES ||
	    (lm->kind == LINMODEL_LOGISTIC && lm->outputs != (lm->classes == 2 ? 1 : lm->classes)))
		return status_fail(STATUS_ERR_CORRUPT, "a stored model's shape is inconsistent");
	return STATUS_OK;
}

static Status read_rows(const cJSON *o, Linmodel *lm)
{
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(o, "coefficients"), *row;
	int r = 0;
	if (!cJSON_IsArray(rows) || cJSON_GetArraySize(rows) != lm->outputs)
		return status_fail(STATUS_ERR_CORRUPT, "a stored model's \"coefficients\" should hold "
				   "%d rows", lm->outputs);
	lm->coef = xcalloc((size_t)lm->outputs * lm->features + 1, sizeof *lm->coef);
	cJSON_ArrayForEach(row, rows) {
		double *values;
		if (array_numbers(row, lm->features, &values) < 0)
			return status_fail(STATUS_ERR_CORRUPT, "a stored model's coefficient row %d "
					   "should hold %zu numbers", r, lm->features);
		memcpy(lm->coef + (size_t)r++ * lm->features, values, lm->features * sizeof *values);
		free(values);
	}
	return STATUS_OK;
}

Status scorermodel_from_json(const char *json, ScorerModel *m)
{
	cJSON *o = cJSON_Parse(json);
	int n;
	Status st;
	memset(m, 0, sizeof *m);
	if (!cJSON_IsObject(o))
		st = status_fail(STATUS_ERR_CORRUPT, "a stored model is not a JSON object");
	else
		st = read_shape(o, m);
	n = class_count(m);
	if (st == STATUS_OK)
		st = read_strings(o, "features", m->lm.features, &m->names);
	if (st == STATUS_OK)
		st = read_numbers(o, "mean", m->lm.features, &m->lm.mean);
	if (st == STATUS_OK)
		st = read_numbers(o, "scale", m->lm.features, &m->lm.scale);
	if (st == STATUS_OK && m->lm.kind == LINMODEL_LOGISTIC)
		st = read_numbers(o, "classes", (size_t)m->lm.classes, &m->lm.labels);
	if (st == STATUS_OK)
		st = read_numbers(o, "labels", (size_t)n, &m->levels);
	if (st == STATUS_OK)
		st = read_strings(o, "label_names", (size_t)n, &m->label_names);
	if (st == STATUS_OK)
		st = read_numbers(o, "intercepts", (size_t)m->lm.outputs, &m->lm.intercept);
	if (st == STATUS_OK)
		st = read_rows(o, &m->lm);
	cJSON_Delete(o);
	if (st != STATUS_OK)
		scorermodel_free(m);
	return st;
}

char *scorermodel_reply(const ScorerModel *m, long long model_id, const ScorerAnswer *a)
{
	cJSON *o = cJSON_CreateObject();
	char *text;
	cJSON_AddNumberToObject(o, "label", a->label);
	cJSON_AddItemToObject(o, "score", scorermodel_json_number(a->score));
	if (a->has_prob) {
		cJSON *p = cJSON_AddObjectToObject(o, "probabilities");
		cJSON_AddItemToObject(o, "confidence", scorermodel_json_number(a->confidence));
		cJSON_AddItemToObject(o, "entropy", scorermodel_json_number(a->entropy));
		for (int k = 0; k < class_count(m); k++)
			cJSON_AddItemToObject(p, m->label_names[k], scorermodel_json_number(a->prob[k]));
	}
	cJSON_AddNumberToObject(o, "model", (double)model_id);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

char *scorermodel_rationale(const ScorerModel *m, long long model_id, const ScorerAnswer *a)
{
	StrBuf b = {0};
	strbuf_addf(&b, "scorer model %lld (%s on %s): ", model_id, scorermodel_kind(m),
		    m->sources ? m->sources : "?");
	if (a->has_prob)
		strbuf_addf(&b, "p %.2f, expected %.2f", a->confidence, a->score);
	else
		strbuf_addf(&b, "predicted %.2f", a->score);
	return strbuf_take(&b);
}

void scorermodel_free(ScorerModel *m)
{
	int n = class_count(m);
	size_t features = m->lm.features;
	linmodel_free(&m->lm);
	if (m->names)
		xfree_strings(m->names, features);
	if (m->label_names)
		xfree_strings(m->label_names, (size_t)(n > 0 ? n : 0));
	free(m->levels);
	free(m->sources);
	free(m->target);
	memset(m, 0, sizeof *m);
}
