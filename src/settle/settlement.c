/* settlement.c - reading the votes of every item into compact arrays,
 * fitting Dawid-Skene over them, and settling each item (see
 * settlement.h). The report writers are in settlefmt.c. */
#include "src/settle/settlement.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "db/items.h"
#include "db/votes.h"
#include "src/base/xalloc.h"

/* Rater names to indices: open addressing over FNV-1a hashes, compared in
 * full (a collision only costs a probe). */
typedef struct {
	char **names;
	size_t count, cap;
	uint32_t *slot; /* index + 1; 0 empty */
	size_t n_slots;
} Names;

struct Settlement {
	SettleConfig config;
	DbScale scale;
	size_t n; /* items */
	long long *id;
	size_t *ext; /* offsets into text */
	char *text;
	size_t text_len, text_cap;
	size_t *human_start; /* n + 1 into labels */
	int *labels;
	size_t n_labels, cap_labels;
	int *adjudicated, *unsure;
	DsVote *votes; /* every vote for the fit: reviewers' and the LLM's */
	size_t n_votes, cap_votes;
	Names raters; /* reviewers in name order after loading */
	size_t *rater_votes;
	int has_llm; /* the last rater is the LLM */
	int fitted;
	DsResult ds;
	volatile sig_atomic_t *stop; /* while loading: the caller gave up (may be NULL) */
};

/* ---- the config ---- */

SettleConfig settlement_config_default(void)
{
	return (SettleConfig){ .rule = settle_rule_find("unanimous"),
			       .params = settle_params_default(),
			       .tolerance = DAWIDSKENE_DEFAULT_TOLERANCE,
			       .max_iterations = DAWIDSKENE_DEFAULT_MAX_ITERATIONS };
}

static int is_dawid_skene(const SettleRule *rule)
{
	return (rule->params & SETTLE_PARAM_MIN_POSTERIOR) != 0;
}

char *settlement_config_json(const SettleConfig *c)
{
	char *rule = settle_rule_json(c->rule, &c->params), *text;
	cJSON *json = cJSON_Parse(rule);
	free(rule);
	if (is_dawid_skene(c->rule)) {
		cJSON_AddBoolToObject(json, "with_llm", c->with_llm);
		if (c->with_llm)
			cJSON_AddNumberToObject(json, "llm_run", (double)c->llm_run);
		cJSON_AddNumberToObject(json, "tolerance", c->tolerance);
		cJSON_AddNumberToObject(json, "max_iterations", c->max_iterations);
	}
	text = cJSON_PrintUnformatted(json);
	cJSON_Delete(json);
	return text;
}

static void number_field(const cJSON *json, const char *name, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(json, name);
	if (cJSON_IsNumber(v))
		*out = v->valuedouble;
}

Status settlement_config_parse(const char *text, SettleConfig *c)
{
	cJSON *json = cJSON_Parse(text ? text : "");
	const cJSON *rule = cJSON_GetObjectItemCaseSensitive(json, "rule");
	double min_reviews = c->params.min_reviews, iterations = c->max_iterations;
	double run = (double)c->llm_run;
	Status st = STATUS_OK;
	if (!cJSON_IsString(rule) || !settle_rule_find(rule->valuestring)) {
		st = status_fail(STATUS_ERR_INPUT, "the stored rule is not one gavel knows: %.200s",
				 text ? text : "(none)");
		goto out;
	}
	c->rule = settle_rule_find(rule->valuestring);
	number_field(json, "min_reviews", &min_reviews);
	number_field(json, "quorum", &c->params.quorum);
	number_field(json, "min_posterior", &c->params.min_posterior);
	number_field(json, "tolerance", &c->tolerance);
	number_field(json, "max_iterations", &iterations);
	number_field(json, "llm_run", &run);
	c->params.min_reviews = (int)min_reviews;
	c->max_iterations = (int)iterations;
	c->llm_run = (long long)run;
	c->with_llm = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json, "with_llm"));
out:
	cJSON_Delete(json);
	return st;
}

Status settlement_config_of(Db *db, SettleConfig *config)
{
	char *json;
	Status st = db_votes_rule_get(db, &json);
	*config = settlement_config_default();
	if (st == STATUS_OK && json)
		st = settlement_config_parse(json, config);
	free(json);
	return st;
}

/* ---- rater names ---- */

static uint64_t fnv(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static void names_rehash(Names *t)
{
	free(t->slot);
	t->n_slots = t->n_slots ? t->n_slots * 2 : 64;
	t->slot = xcalloc(t->n_slots, sizeof *t->slot);
	for (size_t i = 0; i < t->count; i++) {
		size_t at = fnv(t->names[i]) & (t->n_slots - 1);
		while (t->slot[at])
			at = (at + 1) & (t->n_slots - 1);
		t->slot[at] = (uint32_t)(i + 1);
	}
}

/* The index of name, added when new. */
static size_t names_index(Names *t, const char *name)
{
	size_t at;
	if (2 * (t->count + 1) > t->n_slots)
		names_rehash(t);
	for (at = fnv(name) & (t->n_slots - 1); t->slot[at]; at = (at + 1) & (t->n_slots - 1))
		if (!strcmp(t->names[t->slot[at] - 1], name))
			return t->slot[at] - 1;
	t->names = xgrow(t->names, &t->cap, t->count + 1, sizeof *t->names);
	t->names[t->count] = xstrdup(name);
	t->slot[at] = (uint32_t)(t->count + 1);
	return t->count++;
}

static size_t names_lookup(const Names *t, const char *name)
{
	for (size_t at = t->n_slots ? fnv(name) & (t->n_slots - 1) : 0; t->n_slots && t->slot[at];
	     at = (at + 1) & (t->n_slots - 1))
		if (!strcmp(t->names[t->slot[at] - 1], name))
			return t->slot[at] - 1;
	return (size_t)-1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* Renumbers the reviewers in name order (the report lists them so, and the
 * fit does not depend on the numbering). */
static void sort_raters(Settlement *s)
{
	size_t n = s->raters.count, *new_of = xmalloc((n ? n : 1) * sizeof *new_of);
	char ***order = xmalloc((n ? n : 1) * sizeof *order), **sorted;
	for (size_t i = 0; i < n; i++)
		order[i] = &s->raters.names[i];
	qsort(order, n, sizeof *order, by_name);
	sorted = xmalloc((n ? n : 1) * sizeof *sorted);
	for (size_t k = 0; k < n; k++) {
		size_t old = (size_t)(order[k] - s->raters.names);
		new_of[old] = k;
		sorted[k] = s->raters.names[old];
	}
	for (size_t v = 0; v < s->n_votes; v++)
		s->votes[v].rater = (uint32_t)new_of[s->votes[v].rater];
	if (n) /* NULL when there are no raters, which memcpy may not be given */
		memcpy(s->raters.names, sorted, n * sizeof *sorted);
	s->raters.n_slots = 0;
	names_rehash(&s->raters);
	free(sorted), free(order), free(new_of);
}

/* ---- loading ---- */

static size_t keep_text(Settlement *s, const char *text)
{
	size_t n = strlen(text) + 1, at = s->text_len;
	s->text = xgrow(s->text, &s->text_cap, s->text_len + n, 1);
	memcpy(s->text + at, text, n);
	s->text_len += n;
	return at;
}

static void add_vote(Settlement *s, size_t item, size_t rater, int label)
{
	s->votes = xgrow(s->votes, &s->cap_votes, s->n_votes + 1, sizeof *s->votes);
	s->votes[s->n_votes++] = (DsVote){ (uint32_t)item, (uint32_t)rater, label };
}

/* Room in the per-item arrays for one more item (and the end of
 * human_start). */
static void reserve_item(Settlement *s, size_t *cap)
{
	size_t want;
	if (s->n + 2 <= *cap)
		return;
	want = *cap ? *cap * 2 : 1024;
	s->id = xrealloc(s->id, want * sizeof *s->id);
	s->ext = xrealloc(s->ext, want * sizeof *s->ext);
	s->human_start = xrealloc(s->human_start, want * sizeof *s->human_start);
	s->adjudicated = xrealloc(s->adjudicated, want * sizeof *s->adjudicated);
	s->unsure = xrealloc(s->unsure, want * sizeof *s->unsure);
	*cap = want;
}

static void take_item(Settlement *s, const DbVoteItem *it, size_t *cap, int K)
{
	size_t i = s->n;
	reserve_item(s, cap);
	s->id[i] = it->item_id;
	s->ext[i] = keep_text(s, it->external_id ? it->external_id : "");
	s->human_start[i] = s->n_labels;
	s->adjudicated[i] = it->adjudicated >= 1 && it->adjudicated <= K ? it->adjudicated : 0;
	s->unsure[i] = it->unsure;
	for (size_t v = 0; v < it->n_votes; v++) {
		int label = it->votes[v].label;
		if (label < 1 || label > K)
			continue; /* the scale forbids it; a hand-edited file is passed over */
		s->labels = xgrow(s->labels, &s->cap_labels, s->n_labels + 1, sizeof *s->labels);
		s->labels[s->n_labels++] = label;
		add_vote(s, i, names_index(&s->raters, it->votes[v].reviewer), label);
	}
	s->human_start[i + 1] = s->n_labels;
	s->n++;
}

/* The LLM's labels, kept aside until the reviewers are numbered. */
typedef struct {
	size_t item;
	int label;
} LlmVote;

static Status read_items(Db *db, Settlement *s, LlmVote **llm, size_t *n_llm)
{
	DbVoteQuery q = { .run_id = s->config.with_llm ? s->config.llm_run : -1 };
	DbVoteCursor *cursor;
	const DbVoteItem *it;
	size_t cap = 0, cap_llm = 0;
	int K = s->scale.count;
	Status st = db_votes_open(db, &q, &cursor);
	while (st == STATUS_OK && (st = db_votes_next(cursor, &it)) == STATUS_OK && it) {
		/* reading is most of the time: look at every item */
		if (s->stop && *s->stop) {
			st = status_fail(STATUS_ERR_INTERRUPTED, "reading the votes was stopped");
			break;
		}
		if (it->llm_label >= 1 && it->llm_label <= K) {
			*llm = xgrow(*llm, &cap_llm, *n_llm + 1, sizeof **llm);
			(*llm)[(*n_llm)++] = (LlmVote){ s->n, it->llm_label };
		}
		take_item(s, it, &cap, K);
	}
	db_votes_close(cursor);
	if (!s->human_start)
		s->human_start = xcalloc(1, sizeof *s->human_start);
	return st;
}

static void count_rater_votes(Settlement *s)
{
	s->rater_votes = xcalloc(s->raters.count + 1, sizeof *s->rater_votes);
	for (size_t v = 0; v < s->n_votes; v++)
		s->rater_votes[s->votes[v].rater]++;
}

static Status fit(Settlement *s)
{
	int any = 0;
	DsInput in = { .n_items = s->n,
		       .n_raters = s->raters.count + (size_t)s->has_llm,
		       .n_labels = s->scale.count,
		       .votes = s->votes,
		       .n_votes = s->n_votes,
		       .max_iterations = s->config.max_iterations,
		       .tolerance = s->config.tolerance,
		       .stop = s->stop };
	for (size_t i = 0; i < s->n; i++)
		any |= s->adjudicated[i] != 0;
	in.clamp = any ? s->adjudicated : NULL;
	s->fitted = 1;
	return dawidskene_fit(&in, &s->ds);
}

static Status load(Db *db, const SettleConfig *config, int fit_ds, volatile sig_atomic_t *stop,
		   Settlement **out)
{
	Settlement *s = xcalloc(1, sizeof *s);
	LlmVote *llm = NULL;
	size_t n_llm = 0;
	Status st = db_scale_get(db, &s->scale);
	*out = NULL;
	s->config = *config;
	s->stop = stop;
	if (st == STATUS_OK && s->scale.count < 1)
		st = status_fail(STATUS_ERR_INPUT, "%s has no label scale", db_path(db));
	if (st == STATUS_OK)
		st = read_items(db, s, &llm, &n_llm);
	if (st == STATUS_OK) {
		sort_raters(s);
		s->has_llm = config->with_llm;
		for (size_t v = 0; v < n_llm; v++)
			add_vote(s, llm[v].item, s->raters.count, llm[v].label);
		count_rater_votes(s);
		if (fit_ds || is_dawid_skene(config->rule))
			st = fit(s);
	}
	free(llm);
	s->stop = NULL;
	if (st != STATUS_OK) {
		settlement_free(s);
		return st;
	}
	*out = s;
	return STATUS_OK;
}

Status settlement_load(Db *db, const SettleConfig *config, int fit_ds, Settlement **out)
{
	return load(db, config, fit_ds, NULL, out);
}

Status settlement_load_accuracy(Db *db, volatile sig_atomic_t *stop, Settlement **out)
{
	SettleConfig config;
	if (settlement_config_of(db, &config) != STATUS_OK)
		config = settlement_config_default();
	config.with_llm = 1;
	return load(db, &config, 1, stop, out);
}

void settlement_free(Settlement *s)
{
	if (!s)
		return;
	db_scale_free(&s->scale);
	free(s->id), free(s->ext), free(s->text), free(s->human_start), free(s->labels);
	free(s->adjudicated), free(s->unsure), free(s->votes), free(s->rater_votes);
	xfree_strings(s->raters.names, s->raters.count);
	free(s->raters.slot);
	dawidskene_result_free(&s->ds);
	free(s);
}

/* ---- reading it ---- */

int settlement_labels(const Settlement *s)
{
	return s->scale.count;
}

const char *settlement_label_name(const Settlement *s, int label)
{
	return label >= 1 && label <= s->scale.count ? s->scale.names[label - 1] : "?";
}

size_t settlement_items(const Settlement *s)
{
	return s->n;
}

long long settlement_item_id(const Settlement *s, size_t i)
{
	return s->id[i];
}

const char *settlement_external_id(const Settlement *s, size_t i)
{
	return s->text + s->ext[i];
}

size_t settlement_find(const Settlement *s, long long item_id)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->id[mid] < item_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->id[lo] == item_id ? lo : (size_t)-1;
}

const int *settlement_human_labels(const Settlement *s, size_t i, size_t *n)
{
	*n = s->human_start[i + 1] - s->human_start[i];
	return s->labels + s->human_start[i];
}

int settlement_unsure(const Settlement *s, size_t i)
{
	return s->unsure[i];
}

int settlement_adjudicated(const Settlement *s, size_t i)
{
	return s->adjudicated[i];
}

SettleOutcome settlement_outcome(const Settlement *s, size_t i)
{
	SettleItem item = { .adjudicated = s->adjudicated[i], .n_scale = s->scale.count };
	const double *row = s->fitted ? dawidskene_posterior(&s->ds, i) : NULL;
	int modelled = 0;
	item.labels = settlement_human_labels(s, i, &item.n_labels);
	for (int j = 0; row && j < s->scale.count; j++)
		modelled |= row[j] > 0;
	item.posterior = modelled ? row : NULL;
	return settle_item(s->config.rule, &item, &s->config.params);
}

const DsResult *settlement_ds(const Settlement *s)
{
	return s->fitted ? &s->ds : NULL;
}

size_t settlement_raters(const Settlement *s)
{
	return s->raters.count + (size_t)s->has_llm;
}

const char *settlement_rater_name(const Settlement *s, size_t rater)
{
	return rater < s->raters.count ? s->raters.names[rater] : "llm";
}

int settlement_rater_is_llm(const Settlement *s, size_t rater)
{
	return s->has_llm && rater == s->raters.count;
}

size_t settlement_rater_votes(const Settlement *s, size_t rater)
{
	return rater < settlement_raters(s) ? s->rater_votes[rater] : 0;
}

size_t settlement_rater_find(const Settlement *s, const char *name)
{
	return names_lookup(&s->raters, name);
}

const SettleConfig *settlement_config(const Settlement *s)
{
	return &s->config;
}

Status settlement_mark_posteriors(Db *db, const Settlement *s)
{
	long long *ids;
	double *best;
	unsigned char *doubt;
	Status st;
	if (!s->fitted)
		return STATUS_OK;
	ids = xmalloc((s->n ? s->n : 1) * sizeof *ids);
	best = xmalloc((s->n ? s->n : 1) * sizeof *best);
	doubt = xmalloc(s->n ? s->n : 1);
	for (size_t i = 0; i < s->n; i++) {
		int tied = 0;
		ids[i] = s->id[i];
		best[i] = -1;
		if (dawidskene_best(&s->ds, i, &best[i], &tied) == 0)
			best[i] = -1;
		doubt[i] = best[i] >= 0 && (tied || best[i] < s->config.params.min_posterior);
	}
	st = db_votes_mark_posteriors(db, ids, best, doubt, s->n);
	free(ids), free(best), free(doubt);
	return st;
}
