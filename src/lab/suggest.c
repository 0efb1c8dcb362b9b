/* suggest.c - propose edits from disagreements, select on held-out items,
 * test the best once. */
#include "src/lab/suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "db/cache.h"
#include "db/items.h"
#include "db/lab.h"
#include "db/prompts.h"
#include "src/base/clock.h"
#include "src/base/intmap.h"
#include "src/base/strbuf.h"
#include "src/base/xalloc.h"
#include "src/lab/labrerun.h"
#include "src/lab/labsample.h"
#include "src/llm/callcache.h"
#include "src/llm/http.h"
#include "src/llm/labelitem.h"
#include "src/llm/labelrun.h"

enum {
	MIN_SETTLED = 8,  /* below this no part is worth measuring on */
	EXAMPLE_PX = 512, /* the examples' images, long side */
	PROPOSER_MAX_TOKENS = 8192,
	PROPOSER_ATTEMPTS = 3,
	PROPOSER_TIMEOUT_MS = 300000,
};

/* A marker the test server (tests/llmserver) knows a proposer request by;
 * harmless words to a real model. */
#define PROPOSER_MARKER "GAVEL_PROPOSER_V1"

typedef struct {
	long long *ids;
	int *labels;
	size_t n;
} Part;

struct Suggest {
	Db *db;
	SuggestOptions opt;
	char *api_key;
	int K;
	char *original; /* the labeller's ref */
	long long version_id, like_run;
	LabRunSetup setup; /* of like_run: provider, model, template */
	Part parts[3];
	long long *missing; /* test items the original never labelled */
	size_t n_missing;
	SuggestPlan plan;
	/* the proposer call */
	ProviderConfig proposer;
	ProviderRequest request;
	char key[CALLCACHE_KEY];
	Http *http;
	int attempts;
	double due;
	/* the candidates and their runs */
	SuggestCandidate *cands;
	int n_cands, current, best;
	StrBuf dropped;
	long long test_run;
	SuggestStage stage;
	LabelRun *run;
	LabRunSetup run_setup;
	LabelSummary sum;
	long long run_queue[2]; /* TESTING: the runs still to make (best, original) */
	int queued;
	char doing[96];
	Status result;
	volatile sig_atomic_t *stop;
};

/* ---- the split ---- */

static int read_part(void *arg, long long item_id, int part)
{
	intmap_get_or_add(arg, (uint64_t)item_id, part, NULL);
	return 0;
}

static void part_add(Part *p, long long id, int label)
{
	p->ids = xrealloc(p->ids, (p->n + 1) * sizeof *p->ids);
	p->labels = xrealloc(p->labels, (p->n + 1) * sizeof *p->labels);
	p->ids[p->n] = id;
	p->labels[p->n++] = label;
}

/* Every settled item's part: the stored one, or one given now to the items
 * settled since (split among themselves, stratified, then stored). */
static Status split(Suggest *s)
{
	IntMap *stored = intmap_new();
	long long *ids = NULL, *fresh = NULL;
	int *labels = NULL, *fresh_labels = NULL, *fresh_parts = NULL;
	size_t n = 0, m = 0;
	Status st = db_lab_split_read(s->db, read_part, stored);
	if (st == STATUS_OK)
		st = labrerun_settled(s->db, 0, 0, &ids, &labels, &n);
	for (size_t i = 0; st == STATUS_OK && i < n; i++)
		if (intmap_get(stored, (uint64_t)ids[i], -1) < 0) {
			fresh = xrealloc(fresh, (m + 1) * sizeof *fresh);
			fresh_labels = xrealloc(fresh_labels, (m + 1) * sizeof *fresh_labels);
			fresh[m] = ids[i], fresh_labels[m++] = labels[i];
		}
	if (st == STATUS_OK && m) {
		fresh_parts = xmalloc(m * sizeof *fresh_parts);
		labsample_split(fresh, fresh_labels, m, s->opt.percent, 3, s->opt.split_seed,
				fresh_parts);
		st = db_lab_split_add(s->db, fresh, fresh_parts, fresh_labels, m,
				      s->opt.split_seed);
		for (size_t i = 0; i < m; i++)
			intmap_get_or_add(stored, (uint64_t)fresh[i], fresh_parts[i], NULL);
	}
	for (size_t i = 0; st == STATUS_OK && i < n; i++)
		part_add(&s->parts[intmap_get(stored, (uint64_t)ids[i], 0)], ids[i], labels[i]);
	s->plan.newly_split = (long long)m;
	for (int p = 0; p < 3; p++)
		s->plan.parts[p] = (long long)s->parts[p].n;
	free(ids), free(labels), free(fresh), free(fresh_labels), free(fresh_parts);
	intmap_free(stored);
	return st;
}

/* ---- the examples and the proposer's request ---- */

static const LabItem *answered(const LabLabeller *l, long long item)
{
	size_t lo = 0, hi = l->n_items;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (l->items[mid].item < item)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n_items && l->items[lo].item == item ? &l->items[lo] : NULL;
}

static const char *name_of(const Suggest *s, int label)
{
	return label >= 1 && label <= s->setup.scale.count ? s->setup.scale.names[label - 1] : "?";
}

/* The latest answer the labeller's runs gave the item, for its rationale. */
static void latest_detail(Db *db, const LabLabeller *l, long long item, DbLabDetail *d)
{
	memset(d, 0, sizeof *d);
	for (int r = l->n_runs - 1; r >= 0; r--) {
		if (db_lab_detail(db, l->runs[r], item, d) == STATUS_OK && d->found &&
		    d->status == DB_PREDICTION_OK)
			return;
		db_lab_detail_free(d);
	}
}

/* One example: its words, and its image (NULL when it cannot be read). */
static Status example(Suggest *s, const LabLabeller *l, long long item_id, int k,
		      ProviderPart *part)
{
	DbItem item;
	DbLabDetail d;
	LabelItem li;
	char *note = NULL;
	const LabItem *it = answered(l, item_id);
	StrBuf b = { 0 };
	Status st = db_item_get(s->db, item_id, &item);
	if (st != STATUS_OK)
		return st;
	latest_detail(s->db, l, item_id, &d);
	db_lab_item_note(s->db, item_id, &note);
	strbuf_addf(&b,
		    "\n\nExample %d: item %s%s%s\nPeople's settled label: %d (%s)\n"
		    "The prompt's answer: %d (%s)\nIts rationale: %s\n",
		    k, item.external_id, item.title ? ", " : "", item.title ? item.title : "",
		    it->human, name_of(s, it->human), it->label, name_of(s, it->label),
		    d.rationale ? d.rationale : "(none)");
	if (note)
		strbuf_addf(&b, "The reviewer's note: %s\n", note);
	part->text = strbuf_take(&b);
	part->image_base64 = NULL;
	if (item.path &&
	    labelitem_open(&li, &item, s->setup.prompt, &s->setup.scale, EXAMPLE_PX) == STATUS_OK) {
		if (labelitem_image(&li) == STATUS_OK) {
			part->image_base64 = li.image64;
			li.image64 = NULL;
		}
		labelitem_close(&li);
	}
	free(note);
	db_lab_detail_free(&d);
	db_item_free(&item);
	return STATUS_OK;
}

static char *instructions(const Suggest *s)
{
	StrBuf b = { 0 };
	strbuf_addf(
		&b,
		"You improve a prompt template that asks a vision model to label product "
		"photos on an ordered scale. (%s)\nPropose exactly %d different edits of the "
		"template, each meant to fix a kind of mistake the examples show. Keep the "
		"template's format: its '# system' and '# user' sections, its {{variables}} and "
		"the {{image}} marker.\nAnswer with one JSON object and nothing else: "
		"{\"candidates\": [{\"hypothesis\": \"one line: what this edit should fix\", "
		"\"template\": \"the whole edited template\"}]}",
		PROPOSER_MARKER, s->opt.candidates);
	return strbuf_take(&b);
}

static char *request_text(const Suggest *s, int shown)
{
	StrBuf b = { 0 };
	strbuf_addf(&b, "The label scale:");
	for (int k = 0; k < s->setup.scale.count; k++)
		strbuf_addf(&b, " %d = %s%s", k + 1, s->setup.scale.names[k],
			    k + 1 < s->setup.scale.count ? "," : ".");
	strbuf_addf(&b,
		    "\n\nThe template now:\n<<<TEMPLATE\n%s\nTEMPLATE>>>\n\nOn %lld of the "
		    "items people settled, its label was not theirs. %d of them follow, with the "
		    "photo after each.",
		    prompt_peek_text(s->setup.prompt), s->plan.disagreements, shown);
	return strbuf_take(&b);
}

/* Builds the proposer's request over the sampled disagreements. */
static Status build_request(Suggest *s, const LabLabeller *l, const long long *picked, size_t n)
{
	ProviderPart *parts = xcalloc(n + 1, sizeof *parts);
	char *system = instructions(s), *text = request_text(s, (int)n);
	ProviderPrompt prompt = {
		.system = system, .user_before_image = text, .parts = parts, .n_parts = (int)n
	};
	CallKey key = { .ops = s->setup.ops, .config = &s->proposer, .prompt = &prompt };
	Status st = STATUS_OK;
	for (size_t i = 0; i < n && st == STATUS_OK; i++)
		st = example(s, l, picked[i], (int)i + 1, &parts[i]);
	if (st == STATUS_OK) {
		s->setup.ops->build(&s->proposer, &prompt, &s->request);
		callcache_key(&key, s->key);
	}
	for (size_t i = 0; i < n; i++)
		free((char *)parts[i].text), free((char *)parts[i].image_base64);
	free(parts), free(system), free(text);
	return st;
}

/* ---- the plan ---- */

static Status pick_examples(Suggest *s, const LabLabeller *l)
{
	const Part *search = &s->parts[0];
	long long *wrong = xmalloc((search->n + 1) * sizeof *wrong), *picked;
	int *labels = xmalloc((search->n + 1) * sizeof *labels);
	size_t n = 0, got, labelled = 0;
	Status st;
	for (size_t i = 0; i < search->n; i++) {
		const LabItem *it = answered(l, search->ids[i]);
		labelled += it && it->label > 0;
		if (it && it->label > 0 && it->label != it->human)
			wrong[n] = it->item, labels[n++] = it->human;
	}
	s->plan.disagreements = (long long)n;
	if (!n) {
		free(wrong), free(labels);
		if (!labelled) /* not "agrees on every item": it answered none */
			return status_fail(
				STATUS_ERR_INPUT,
				"%s has no answer on the %zu settled items of the search "
				"part: rerun it on the settled items first",
				s->original, search->n);
		return status_fail(
			STATUS_ERR_INPUT,
			"%s agrees with people on every item of the "
			"search part it labelled (%zu of %zu items): nothing to learn from",
			s->original, labelled, search->n);
	}
	picked = xmalloc(((size_t)s->opt.examples + 1) * sizeof *picked);
	got = labsample_stratified(wrong, labels, n, (size_t)s->opt.examples, s->opt.sample_seed,
				   picked);
	s->plan.examples = (int)got;
	st = build_request(s, l, picked, got);
	free(wrong), free(labels), free(picked);
	return st;
}

static Status count_calls(Suggest *s, const LabLabeller *l)
{
	const Part *test = &s->parts[2];
	DbCacheEntry entry;
	long long missing_cached = 0, made = l->calls - l->cached;
	int found;
	Status st = db_cache_get(s->db, s->key, &entry, &found);
	db_cache_entry_free(&entry);
	s->missing = xmalloc((test->n + 1) * sizeof *s->missing);
	for (size_t i = 0; i < test->n; i++) {
		const LabItem *it = answered(l, test->ids[i]);
		if (!it || !it->label)
			s->missing[s->n_missing++] = test->ids[i];
	}
	if (st == STATUS_OK)
		st = labelitem_count_cached(s->db, s->missing, s->n_missing, 1, s->setup.prompt,
					    &s->setup.scale, s->setup.ops, &s->setup.config,
					    s->setup.max_image_px, &missing_cached);
	s->plan.original_missing = (long long)s->n_missing;
	s->plan.calls = 1 + (long long)s->opt.candidates * s->plan.parts[1] + s->plan.parts[2] +
			(long long)s->n_missing;
	s->plan.cached = found + missing_cached;
	s->plan.tokens_per_call =
		made > 0 ? (double)(l->prompt_tokens + l->completion_tokens) / (double)made : 0;
	s->plan.cost = -1;
	if (l->has_price && made > 0)
		s->plan.cost = (double)(s->plan.calls - s->plan.cached) *
			       ((double)l->prompt_tokens * l->price_in +
				(double)l->completion_tokens * l->price_out) /
			       1e6 / (double)made;
	return st;
}

static Status check(Suggest *s, const LabLabeller *l)
{
	long long uncached;
	if (!l->version_id)
		return status_fail(STATUS_ERR_INPUT,
				   "%s has no prompt to edit (imported ratings or "
				   "a labeller without one)",
				   s->original);
	if (s->setup.ops->kind != PROVIDER_HTTP)
		return status_fail(STATUS_ERR_INPUT,
				   "%s ran with the %s labeller, which cannot "
				   "propose edits: rerun the prompt with an LLM first",
				   s->original, s->setup.ops->name);
	uncached = s->plan.calls - s->plan.cached;
	if (s->opt.max_calls > 0 && uncached > s->opt.max_calls)
		return status_fail(STATUS_ERR_USAGE,
				   "the plan needs %lld calls the cache does not "
				   "answer, over --max-calls %lld: ask for fewer candidates, or "
				   "allow more",
				   uncached, s->opt.max_calls);
	return STATUS_OK;
}

Status suggest_open(Db *db, LabData *d, int i, const SuggestOptions *opt, Suggest **out)
{
	Suggest *s = xcalloc(1, sizeof *s);
	const LabLabeller *l;
	Status st = labdata_fill(db, d, i);

	*out = NULL;
	s->db = db;
	s->opt = *opt;
	s->api_key = xstrdup(opt->api_key);
	s->opt.api_key = s->api_key;
	s->best = -1;
	s->result = STATUS_OK;
	l = &d->labellers[i];
	s->original = xstrdup(l->ref);
	s->version_id = l->version_id;
	s->like_run = l->runs[l->n_runs - 1];
	s->K = d->K;
	if (st == STATUS_OK)
		st = labrerun_setup(db, s->like_run, s->api_key, &s->setup);
	if (st == STATUS_OK && (!l->version_id || s->setup.ops->kind != PROVIDER_HTTP))
		st = check(s, l);
	if (st == STATUS_OK) {
		s->proposer = s->setup.config;
		if (opt->proposer_model)
			s->proposer.model = opt->proposer_model;
		s->proposer.max_tokens = PROPOSER_MAX_TOKENS;
		s->proposer.json_mode = 0; /* the reply is ours to find in the text */
		st = split(s);
	}
	if (st == STATUS_OK && (s->parts[1].n == 0 || s->parts[2].n == 0 ||
				s->parts[0].n + s->parts[1].n + s->parts[2].n < MIN_SETTLED))
		st = status_fail(STATUS_ERR_INPUT,
				 "too few settled items to search, select and test "
				 "on (%zu, %zu and %zu): review more items first",
				 s->parts[0].n, s->parts[1].n, s->parts[2].n);
	if (st == STATUS_OK)
		st = pick_examples(s, l);
	if (st == STATUS_OK)
		st = count_calls(s, l);
	if (st == STATUS_OK)
		st = check(s, l);
	if (st != STATUS_OK) {
		suggest_free(s);
		return st;
	}
	*out = s;
	return STATUS_OK;
}

const SuggestPlan *suggest_plan(const Suggest *s)
{
	return &s->plan;
}

/* ---- the proposer's reply ---- */

static void drop(Suggest *s, int k, const char *why)
{
	strbuf_addf(&s->dropped, "%sedit %d: %s", *strbuf_peek(&s->dropped) ? "; " : "", k, why);
}

/* Keeps edit k as a prompt version (parent: the original, note: its
 * hypothesis) unless it does not parse or repeats a text already seen. */
static Status add_candidate(Suggest *s, int k, const char *text, const char *hypothesis)
{
	Prompt *prompt = NULL;
	char *name;
	long long id;
	int created;
	Status st;
	if (!text) {
		drop(s, k, "no template");
		return STATUS_OK;
	}
	name = xasprintf("suggested-%lld-%d.md", s->version_id, k);
	st = prompt_parse(name, text, &prompt);
	if (st != STATUS_OK) {
		drop(s, k, status_detail());
		free(name);
		return STATUS_OK;
	}
	if (!strcmp(prompt_peek_hash(prompt), prompt_peek_hash(s->setup.prompt))) {
		drop(s, k, "the original text again");
		goto out;
	}
	st = db_prompt_version_save(s->db, prompt_peek_hash(prompt), name, text, &id, &created);
	if (st == STATUS_OK)
		st = db_prompt_version_set_origin(s->db, id, s->version_id,
						  hypothesis && *hypothesis
							  ? hypothesis
							  : "(no hypothesis given)");
	for (int i = 0; st == STATUS_OK && i < s->n_cands; i++)
		if (s->cands[i].version_id == id) {
			drop(s, k, "the same text as an earlier edit");
			goto out;
		}
	if (st == STATUS_OK) {
		s->cands = xrealloc(s->cands, ((size_t)s->n_cands + 1) * sizeof *s->cands);
		s->cands[s->n_cands++] =
			(SuggestCandidate){ .version_id = id,
					    .hypothesis = xstrdup(hypothesis ? hypothesis : "") };
	}
out:
	prompt_free(prompt);
	free(name);
	return st;
}

/* The candidates in the model's answer text: the JSON object in it. */
static Status read_candidates(Suggest *s, const char *content)
{
	const char *open = content ? strchr(content, '{') : NULL;
	const char *close = content ? strrchr(content, '}') : NULL;
	cJSON *json = open && close > open ? cJSON_ParseWithLength(open, (size_t)(close - open + 1))
					   : NULL;
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(json, "candidates"), *c;
	Status st = STATUS_OK;
	int k = 0;
	if (!cJSON_IsArray(list)) {
		cJSON_Delete(json);
		return status_fail(STATUS_ERR_INPUT,
				   "the proposer's answer holds no \"candidates\" "
				   "list: %.200s",
				   content ? content : "(empty)");
	}
	cJSON_ArrayForEach(c, list) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "template");
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(c, "hypothesis");
		k++;
		if (k > s->opt.candidates)
			break;
		st = add_candidate(s, k, cJSON_IsString(t) ? t->valuestring : NULL,
				   cJSON_IsString(h) ? h->valuestring : NULL);
		if (st != STATUS_OK)
			break;
	}
	cJSON_Delete(json);
	if (st == STATUS_OK && !s->n_cands)
		st = status_fail(STATUS_ERR_INPUT, "none of the proposer's %d edits is usable: %s",
				 k, strbuf_peek(&s->dropped));
	return st;
}

/* ---- the proposer's call ---- */

typedef struct {
	long status;
	HttpOutcome outcome;
	char *body;
	size_t len;
	long elapsed_ms;
	int arrived;
} Heard;

static void on_reply(void *arg, HttpReply *reply)
{
	Heard *h = arg;
	h->arrived = 1;
	h->status = reply->status;
	h->outcome = reply->outcome;
	h->body = xstrndup(reply->body, reply->body_len);
	h->len = reply->body_len;
	h->elapsed_ms = reply->elapsed_ms;
}

static Status submit(Suggest *s)
{
	const char *headers[7] = { 0 };
	HttpRequest r;
	for (int i = 0; i < 6 && s->request.headers[i]; i++)
		headers[i] = s->request.headers[i];
	r = (HttpRequest){ .url = s->request.url,
			   .headers = headers,
			   .body = s->request.body,
			   .body_len = strlen(s->request.body),
			   .timeout_ms = PROPOSER_TIMEOUT_MS };
	s->attempts++;
	s->due = 0;
	return http_submit(s->http, &r);
}

/* A readable reply: its candidates; the reply is kept in the cache. */
static Status take_reply(Suggest *s, const char *body, size_t len, long elapsed_ms, int store)
{
	ProviderAnswer answer;
	Status st = s->setup.ops->parse(body, len, &answer);
	if (st != STATUS_OK)
		return st;
	st = read_candidates(s, answer.content);
	if (st == STATUS_OK && store) {
		DbCachePut put = { .key = s->key,
				   .provider = s->setup.ops->name,
				   .model = s->proposer.model,
				   .body = body,
				   .body_len = len,
				   .prompt_tokens = answer.prompt_tokens,
				   .completion_tokens = answer.completion_tokens,
				   .latency_ms = elapsed_ms };
		st = db_cache_put(s->db, &put);
	}
	provider_answer_free(&answer);
	return st;
}

static int retryable(const Heard *h)
{
	return h->outcome != HTTP_DONE || h->status == 429 || h->status >= 500;
}

static Status heard(Suggest *s, Heard *h)
{
	char *message;
	Status st;
	if (h->outcome == HTTP_DONE && h->status >= 200 && h->status < 300)
		return take_reply(s, h->body, h->len, h->elapsed_ms, 1);
	if (retryable(h) && s->attempts < PROPOSER_ATTEMPTS) {
		s->due = clock_now_s() + s->attempts;
		return STATUS_OK;
	}
	message = h->outcome == HTTP_DONE ? provider_error_message(h->body, h->len) : NULL;
	if (h->outcome == HTTP_DONE)
		st = status_fail(STATUS_ERR_NETWORK,
				 "the proposer's call failed after %d attempt%s: "
				 "HTTP %ld: %s",
				 s->attempts, s->attempts == 1 ? "" : "s", h->status,
				 message ? message : "no message");
	else
		st = status_fail(STATUS_ERR_NETWORK,
				 "the proposer's call failed after %d attempt%s: "
				 "%s",
				 s->attempts, s->attempts == 1 ? "" : "s",
				 http_outcome_text(h->outcome));
	free(message);
	return st;
}

static void step_proposer(Suggest *s, int timeout_ms)
{
	Heard h = { 0 };
	if (s->due > 0 && clock_now_s() >= s->due)
		s->result = submit(s);
	if (s->result == STATUS_OK && http_poll(s->http, timeout_ms, on_reply, &h) != STATUS_OK)
		s->result = status_fail(STATUS_ERR_NETWORK, "curl's multi interface failed");
	if (h.arrived && s->result == STATUS_OK) {
		s->result = heard(s, &h);
		if (s->result == STATUS_OK && s->n_cands) {
			s->stage = SUGGEST_SELECTING;
			s->current = 0;
		}
	}
	free(h.body);
}

/* ---- the runs ---- */

static Status start_run(Suggest *s, long long version_id, const Part *items, const long long *ids,
			size_t n)
{
	long long run_id;
	LabelOptions o;
	Status st = labrerun_create(s->db, s->like_run, version_id, items ? items->ids : ids,
				    items ? items->n : n, 1, &run_id);
	if (st == STATUS_OK)
		st = labrerun_setup(s->db, run_id, s->api_key, &s->run_setup);
	if (st != STATUS_OK)
		return st;
	o = labrerun_options(&s->run_setup);
	o.concurrency = s->opt.concurrency;
	o.stop = s->stop;
	return labelrun_start(s->db, run_id, s->run_setup.prompt, &s->run_setup.scale, &o, &s->sum,
			      &s->run);
}

/* Ends the current run; returns its id. */
static long long end_run(Suggest *s)
{
	long long id = s->run_setup.run_id;
	Status st = labelrun_finish(s->run);
	s->run = NULL;
	labrerun_setup_free(&s->run_setup);
	if (st != STATUS_OK)
		s->result = st;
	else if (s->sum.stopped)
		s->result = status_fail(STATUS_ERR_INTERRUPTED,
					"stopped; run %lld is left interrupted", id);
	return id;
}

typedef struct {
	long table[METRICS_MAX_LEVELS * METRICS_MAX_LEVELS];
	int K;
	long covered;
} Tally;

static int tally(void *arg, const DbLabAnswer *a)
{
	Tally *t = arg;
	if (a->status == DB_PREDICTION_OK && a->human >= 1 && a->label >= 1 && a->label <= t->K) {
		t->table[(a->human - 1) * t->K + a->label - 1]++;
		t->covered++;
	}
	return 0;
}

static void measure(Suggest *s, SuggestCandidate *c)
{
	Tally *t = xcalloc(1, sizeof *t);
	t->K = s->K;
	if (db_lab_answers(s->db, c->run_id, tally, t) == STATUS_OK) {
		c->covered = t->covered;
		c->kappa = metrics_table_stat(t->table, t->K, METRICS_STAT_KAPPA_QUADRATIC);
		c->agreement = metrics_table_stat(t->table, t->K, METRICS_STAT_PERCENT);
	}
	free(t);
}

/* The best on select: the highest kappa; a tie goes to the earlier edit. */
static int best_of(const Suggest *s)
{
	int best = -1;
	for (int i = 0; i < s->n_cands; i++)
		if (s->cands[i].kappa.defined &&
		    (best < 0 || s->cands[i].kappa.value > s->cands[best].kappa.value))
			best = i;
	return best;
}

static void step_selecting(Suggest *s, int timeout_ms)
{
	SuggestCandidate *c = &s->cands[s->current];
	if (!s->run) {
		s->result = start_run(s, c->version_id, &s->parts[1], NULL, 0);
		c->run_id = s->run_setup.run_id;
		return;
	}
	if (labelrun_step(s->run, timeout_ms))
		return;
	end_run(s);
	measure(s, c);
	if (++s->current < s->n_cands)
		return;
	s->best = best_of(s);
	s->stage = s->best < 0 ? SUGGEST_DONE : SUGGEST_TESTING;
	s->queued = 0;
}

static void step_testing(Suggest *s, int timeout_ms)
{
	if (!s->run) {
		if (s->queued == 0)
			s->result =
				start_run(s, s->cands[s->best].version_id, &s->parts[2], NULL, 0);
		else if (s->queued == 1 && s->n_missing)
			s->result = start_run(s, s->version_id, NULL, s->missing, s->n_missing);
		else
			s->stage = SUGGEST_DONE;
		return;
	}
	if (labelrun_step(s->run, timeout_ms))
		return;
	if (s->queued++ == 0)
		s->test_run = end_run(s);
	else
		end_run(s);
}

Status suggest_start(Suggest *s, volatile sig_atomic_t *stop)
{
	static volatile sig_atomic_t never;
	DbCacheEntry hit;
	int found;
	Status st = db_cache_get(s->db, s->key, &hit, &found);
	s->stop = stop ? stop : &never;
	s->stage = SUGGEST_PROPOSING;
	if (st == STATUS_OK && found) {
		/* asked before: the same answer, free */
		st = take_reply(s, hit.body, hit.body_len, hit.latency_ms, 0);
		db_cache_entry_free(&hit);
		if (st == STATUS_OK)
			s->stage = SUGGEST_SELECTING;
	} else if (st == STATUS_OK) {
		s->http = http_new(1);
		st = submit(s);
	}
	s->result = st;
	return st;
}

int suggest_step(Suggest *s, int timeout_ms)
{
	if (s->result != STATUS_OK || s->stage == SUGGEST_DONE || s->stage == SUGGEST_READY)
		return 0;
	if (*s->stop && !s->run) {
		s->result = status_fail(STATUS_ERR_INTERRUPTED, "stopped");
		return 0;
	}
	switch (s->stage) {
	case SUGGEST_PROPOSING: step_proposer(s, timeout_ms); break;
	case SUGGEST_SELECTING: step_selecting(s, timeout_ms); break;
	case SUGGEST_TESTING: step_testing(s, timeout_ms); break;
	case SUGGEST_READY:
	case SUGGEST_DONE: break;
	}
	if (s->result != STATUS_OK && s->run)
		end_run(s);
	return s->result == STATUS_OK && s->stage != SUGGEST_DONE;
}

void suggest_status(const Suggest *s, char *out, size_t size)
{
	long long done = s->sum.ok + s->sum.parse_failed + s->sum.failed;
	switch (s->stage) {
	case SUGGEST_READY: snprintf(out, size, "suggest: ready"); break;
	case SUGGEST_PROPOSING:
		snprintf(out, size, "suggest: asking %s for %d edits (%d examples)",
			 s->proposer.model ? s->proposer.model : "the model", s->opt.candidates,
			 s->plan.examples);
		break;
	case SUGGEST_SELECTING:
		snprintf(out, size, "suggest: edit %d of %d on %lld select items: %lld done",
			 s->current + 1, s->n_cands, s->plan.parts[1], done);
		break;
	case SUGGEST_TESTING:
		snprintf(out, size, "suggest: %s on %lld test items: %lld done",
			 s->queued ? "the original" : "the best edit",
			 s->queued ? (long long)s->n_missing : s->plan.parts[2], done);
		break;
	case SUGGEST_DONE: snprintf(out, size, "suggest: done"); break;
	}
}

SuggestStage suggest_stage(const Suggest *s)
{
	return s->stage;
}

Status suggest_result(const Suggest *s)
{
	return s->result;
}

const SuggestCandidate *suggest_candidates(const Suggest *s, int *n)
{
	*n = s->n_cands;
	return s->cands;
}

int suggest_best(const Suggest *s)
{
	return s->best;
}

long long suggest_test_run(const Suggest *s)
{
	return s->test_run;
}

const char *suggest_dropped(const Suggest *s)
{
	return strbuf_peek(&s->dropped);
}

const char *suggest_original(const Suggest *s)
{
	return s->original;
}

void suggest_free(Suggest *s)
{
	if (!s)
		return;
	if (s->run)
		end_run(s);
	http_free(s->http);
	provider_request_free(&s->request);
	labrerun_setup_free(&s->setup);
	for (int p = 0; p < 3; p++)
		free(s->parts[p].ids), free(s->parts[p].labels);
	for (int i = 0; i < s->n_cands; i++)
		free(s->cands[i].hypothesis);
	free(s->cands);
	free(s->missing);
	strbuf_free(&s->dropped);
	free(s->original);
	free(s->api_key);
	free(s);
}
