/* agree.c - the agreement report (see agree.h): which labels are compared
 * with which, and every figure with its interval.
 *
 * Everything works on one view of the data: the items that have at least
 * one human label, in id order, each pointing at its run of human labels
 * (sorted by reviewer) and its run of predictions (sorted by run id). The
 * LLM label of an item for a set of runs is then a scan of a few entries,
 * and each table is one pass over the items. */
#include "src/agree/agree.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/kinds.h"
#include "src/agree/agreeaudit.h"
#include "src/agree/agreedata.h"
#include "src/base/intmap.h"
#include "src/base/xalloc.h"

static const char WHY_FEW_REVIEWERS[] = "fewer than two reviewers";
static const char WHY_BUDGET[] = "not computed: resampling this many items one by one would "
				 "take too long (lower --resamples or narrow the data)";

const char *const agree_by_words[] = {
#define AGREE_BY_WORD(id, text) text,
	AGREE_BY_LIST(AGREE_BY_WORD)
#undef AGREE_BY_WORD
	NULL,
};

const char *agree_by_name(AgreeBy by)
{
	return by >= 0 && by < AGREE_BY_COUNT ? agree_by_words[by] : "";
}

/* ---- the view: items with a human label, their labels and predictions ---- */

typedef struct {
	long long id;
	size_t h0, p0;
	int hn, pn;
	int settled;  /* the agreed label, or 0 when the labels conflict */
	int category; /* -1: none */
	int stratum;  /* its stratum in the audit (AgreeData.audit), -1: not in it */
	int has_score;
	double score;
} Item;

typedef struct {
	const AgreeData *d;
	/* The rows in order: the data's own when they came sorted (from the
	 * database), else sorted copies (own_*). */
	const AgreeHuman *h;
	const AgreePred *p;
	const AgreeCategory *cats;
	const AgreeScore *scores;
	AgreeHuman *own_h;
	AgreePred *own_p;
	AgreeCategory *own_cats;
	AgreeScore *own_scores;
	const AgreeAuditItem *audit; /* the audit's items in item order */
	AgreeAuditItem *own_audit;
	int *rank;        /* reviewer index -> position in name order */
	char **reviewers; /* names in name order; borrowed from d */
	Item *items;
	size_t n_items;
} View;

static int cmp_ll(long long a, long long b)
{
	return (a > b) - (a < b);
}

static int human_cmp(const void *pa, const void *pb, void *rank)
{
	const AgreeHuman *a = pa, *b = pb;
	const int *r = rank;

	return a->item != b->item ? cmp_ll(a->item, b->item)
				  : cmp_ll(r[a->reviewer], r[b->reviewer]);
}

static int pred_cmp(const void *pa, const void *pb, void *unused)
{
	const AgreePred *a = pa, *b = pb;

	(void)unused;
	return a->item != b->item ? cmp_ll(a->item, b->item) : cmp_ll(a->run, b->run);
}

/* The rows in order: base itself when it is sorted already (data read from
 * the database arrive in order, and checking is far cheaper than sorting a
 * million rows), else a sorted copy put in *own. */
static const void *in_order(const void *base, size_t n, size_t size,
			    int (*cmp)(const void *, const void *, void *), void *arg, void **own)
{
	const char *b = base;

	*own = NULL;
	for (size_t i = 1; i < n; i++) {
		if (cmp(b + (i - 1) * size, b + i * size, arg) > 0) {
			*own = xmalloc(n * size);
			memcpy(*own, base, n * size);
			qsort_r(*own, n, size, cmp, arg);
			return *own;
		}
	}
	return base;
}

typedef struct {
	const char *name;
	int index;
} Named;

static int named_cmp(const void *pa, const void *pb)
{
	return strcmp(((const Named *)pa)->name, ((const Named *)pb)->name);
}

/* The indices 0..n-1 of names in name order, in a new array. */
static int *name_order(char *const *names, int n)
{
	Named *tmp = xmalloc(((size_t)n + 1) * sizeof *tmp);
	int *order = xmalloc(((size_t)n + 1) * sizeof *order);

	for (int i = 0; i < n; i++)
		tmp[i] = (Named){ names[i], i };
	qsort(tmp, (size_t)n, sizeof *tmp, named_cmp);
	for (int i = 0; i < n; i++)
		order[i] = tmp[i].index;
	free(tmp);
	return order;
}

/* The reviewers' names in name order, and each index's position in it. */
static void reviewers_sorted(View *v)
{
	int n = v->d->n_reviewers, *order = name_order(v->d->reviewers, n);

	v->rank = xmalloc(((size_t)n + 1) * sizeof *v->rank);
	v->reviewers = xmalloc(((size_t)n + 1) * sizeof *v->reviewers);
	for (int i = 0; i < n; i++) {
		v->rank[order[i]] = i;
		v->reviewers[i] = v->d->reviewers[order[i]];
	}
	free(order);
}

static int entry_cmp(const void *pa, const void *pb, void *unused)
{
	(void)unused;
	return cmp_ll(*(const long long *)pa, *(const long long *)pb);
}

/* The settled label of an item's human labels: their common label, else 0. */
static int settle(const AgreeHuman *h, int n)
{
	for (int i = 1; i < n; i++)
		if (h[i].label != h[0].label)
			return 0;
	return h[0].label;
}

static void view_items(View *v)
{
	const AgreeData *d = v->d;
	size_t pi = 0, ci = 0, si = 0, ai = 0, cap = 0;

	for (size_t i = 0; i < d->nh;) {
		Item it = { .id = v->h[i].item, .h0 = i, .category = -1, .stratum = -1 };

		while (i < d->nh && v->h[i].item == it.id)
			i++;
		it.hn = (int)(i - it.h0);
		it.settled = settle(v->h + it.h0, it.hn);
		while (pi < d->np && v->p[pi].item < it.id)
			pi++;
		it.p0 = pi;
		while (pi < d->np && v->p[pi].item == it.id)
			pi++;
		it.pn = (int)(pi - it.p0);
		while (ci < d->n_cats && v->cats[ci].item < it.id)
			ci++;
		if (ci < d->n_cats && v->cats[ci].item == it.id)
			it.category = v->cats[ci].category;
		while (si < d->n_scores && v->scores[si].item < it.id)
			si++;
		while (ai < d->audit.n_items && v->audit[ai].item < it.id)
			ai++;
		if (ai < d->audit.n_items && v->audit[ai].item == it.id)
			it.stratum = v->audit[ai].stratum;
		if (si < d->n_scores && v->scores[si].item == it.id) {
			it.has_score = 1;
			it.score = v->scores[si].score;
		}
		v->items = xgrow(v->items, &cap, v->n_items + 1, sizeof *v->items);
		v->items[v->n_items++] = it;
	}
}

static void view_build(View *v, const AgreeData *d)
{
	void *own;

	memset(v, 0, sizeof *v);
	v->d = d;
	reviewers_sorted(v);
	v->h = in_order(d->h, d->nh, sizeof *d->h, human_cmp, v->rank, &own);
	v->own_h = own;
	v->p = in_order(d->p, d->np, sizeof *d->p, pred_cmp, NULL, &own);
	v->own_p = own;
	/* AgreeCategory, AgreeScore and AgreeAuditItem all start with the item id. */
	v->cats = in_order(d->cats, d->n_cats, sizeof *d->cats, entry_cmp, NULL, &own);
	v->own_cats = own;
	v->scores = in_order(d->scores, d->n_scores, sizeof *d->scores, entry_cmp, NULL, &own);
	v->own_scores = own;
	v->audit = in_order(d->audit.items, d->audit.n_items, sizeof *d->audit.items, entry_cmp,
			    NULL, &own);
	v->own_audit = own;
	view_items(v);
}

static void view_free(View *v)
{
	free(v->own_h), free(v->own_p), free(v->own_cats), free(v->own_scores), free(v->own_audit);
	free(v->rank), free(v->reviewers), free(v->items);
}

/* What select_llm() gives besides a label. */
enum { LLM_NONE = 0, LLM_PARSE_FAILED = -1, LLM_FAILED = -2 };

/* The LLM label of it among the runs marked in use: the ok prediction of
 * the latest such run (its index in *run when run is not NULL); else why
 * there is none (the latest such run's failure, or LLM_NONE when none of
 * them labelled the item). An ok answer without a label on the scale counts
 * as a parse failure. */
static int select_llm_run(const View *v, const Item *it, const unsigned char *use, int *run)
{
	int why = LLM_NONE;

	for (int k = it->pn - 1; k >= 0; k--) {
		const AgreePred *p = &v->p[it->p0 + (size_t)k];

		if (!use[p->run])
			continue;
		if (p->status == DB_PREDICTION_OK && p->label >= 1 && p->label <= v->d->K) {
			if (run)
				*run = p->run;
			return p->label;
		}
		if (why == LLM_NONE)
			why = p->status == DB_PREDICTION_FAILED ? LLM_FAILED : LLM_PARSE_FAILED;
	}
	return why;
}

static int select_llm(const View *v, const Item *it, const unsigned char *use)
{
	return select_llm_run(v, it, use, NULL);
}

/* ---- pairs and their figures ---- */

static void pair_init(AgreePair *pair, int K, const char *a, const char *b)
{
	memset(pair, 0, sizeof *pair);
	pair->a = xstrdup(a);
	pair->b = xstrdup(b);
	pair->table = xcalloc((size_t)K * (size_t)K, sizeof *pair->table);
}

static void pair_free(AgreePair *pair)
{
	free(pair->a), free(pair->b), free(pair->table);
}

static void pair_add(AgreePair *pair, int K, int a, int b)
{
	pair->table[(a - 1) * K + (b - 1)]++;
	pair->n++;
}

/* Counts a human-labelled item the LLM side could not be paired with. */
static void pair_miss(AgreePair *pair, int llm)
{
	if (llm == LLM_NONE)
		pair->no_llm++;
	else if (llm == LLM_PARSE_FAILED)
		pair->parse_failed++;
	else
		pair->failed++;
}

static void pair_finish(AgreePair *pair, int K, const AgreeOptions *o)
{
	MetricInterval ci[METRICS_STAT_COUNT];

	for (int s = 0; s < METRICS_STAT_COUNT; s++) {
		pair->fig[s].value = metrics_table_stat(pair->table, K, (MetricsStat)s);
		pair->fig[s].n = pair->n;
		pair->fig[s].ci = (MetricInterval){ 0 };
	}
	if (!o->intervals)
		return;
	bootstrap_table(pair->table, K, &o->boot, ci);
	for (int s = 0; s < METRICS_STAT_COUNT; s++)
		pair->fig[s].ci = ci[s];
}

/* The settled human label of every item against the LLM label from the runs
 * in use; only items for which keep() says yes (NULL: all). */
static void pair_settled(AgreePair *pair, const View *v, const unsigned char *use,
			 int (*keep)(const Item *it, const void *arg), const void *arg)
{
	int K = v->d->K;

	pair_init(pair, K, "human", "LLM");
	for (size_t i = 0; i < v->n_items; i++) {
		const Item *it = &v->items[i];
		int llm;

		if (keep && !keep(it, arg))
			continue;
		if (!it->settled) {
			pair->unsettled++;
			continue;
		}
		llm = select_llm(v, it, use);
		if (llm > 0)
			pair_add(pair, K, it->settled, llm);
		else
			pair_miss(pair, llm);
	}
}

/* Every standing label for which keep() says yes against the LLM label. */
static void pair_labels(AgreePair *pair, const View *v, const unsigned char *use, const char *a,
			int (*keep)(const AgreeHuman *h, const void *arg), const void *arg)
{
	int K = v->d->K;

	pair_init(pair, K, a, "LLM");
	for (size_t i = 0; i < v->n_items; i++) {
		const Item *it = &v->items[i];
		int llm = 0, asked = 0;

		for (int k = 0; k < it->hn; k++) {
			const AgreeHuman *h = &v->h[it->h0 + (size_t)k];

			if (!keep(h, arg))
				continue;
			if (!asked)
				llm = select_llm(v, it, use), asked = 1;
			if (llm > 0)
				pair_add(pair, K, h->label, llm);
			else
				pair_miss(pair, llm);
		}
	}
}

/* keep_reviewer()'s argument: the reviewer's position in name order. */
typedef struct {
	const int *rank;
	int position;
} Reviewer;

static int keep_reviewer(const AgreeHuman *h, const void *arg)
{
	const Reviewer *r = arg;

	return r->rank[h->reviewer] == r->position;
}

static int keep_blind(const AgreeHuman *h, const void *arg)
{
	return h->blind == *(const int *)arg;
}

/* ---- reviewers against reviewers ---- */

/* The table of reviewers a and b (a < b), keyed in pairs by their indexes. */
static AgreePair *pair_for(AgreeReport *r, IntMap *pairs, const View *v, int a, int b)
{
	uint64_t key = (uint64_t)a * (uint64_t)v->d->n_reviewers + (uint64_t)b;
	int added, index = intmap_get_or_add(pairs, key, r->n_pairs, &added);

	if (added) {
		r->pairs = xrealloc(r->pairs, ((size_t)r->n_pairs + 1) * sizeof *r->pairs);
		pair_init(&r->pairs[r->n_pairs++], r->K, v->reviewers[a], v->reviewers[b]);
	}
	return &r->pairs[index];
}

static int pair_order(const void *pa, const void *pb)
{
	const AgreePair *a = pa, *b = pb;
	int c = strcmp(a->a, b->a);

	return c ? c : strcmp(a->b, b->b);
}

static void reviewer_pairs(AgreeReport *r, const View *v)
{
	IntMap *m = intmap_new();

	for (size_t i = 0; i < v->n_items; i++) {
		const AgreeHuman *h = v->h + v->items[i].h0;
		int n = v->items[i].hn;

		for (int x = 0; x < n; x++)
			for (int y = x + 1; y < n; y++)
				pair_add(pair_for(r, m, v, v->rank[h[x].reviewer],
						  v->rank[h[y].reviewer]),
					 r->K,
					 h[x].label, h[y].label);
	}
	intmap_free(m);
	if (r->n_pairs > 1)
		qsort(r->pairs, (size_t)r->n_pairs, sizeof *r->pairs, pair_order);
	for (int i = 0; i < r->n_pairs; i++)
		pair_finish(&r->pairs[i], r->K, &r->options);
}

/* A resampled interval whose cost grows with the items, or why there is none. */
static MetricInterval rows_interval(const AgreeOptions *o, ReliabilityStat s, MetricValue value,
				    const int *t, size_t rows, size_t width, int K)
{
	if (!o->intervals)
		return (MetricInterval){ 0 };
	if (!value.defined)
		return (MetricInterval){ .why = value.why };
	if ((double)rows * (double)width * o->boot.resamples > AGREE_RESAMPLE_BUDGET)
		return (MetricInterval){ .why = WHY_BUDGET };
	return bootstrap_rows(reliability_stat, &s, t, rows, width, K, &o->boot);
}

/* One row per rated item, its labels packed to the left: the coefficients
 * depend on a row only through how many of its ratings fall on each level. */
static void group_tables(const View *v, int width, int *all, int *paired, size_t *n_paired)
{
	*n_paired = 0;
	for (size_t i = 0; i < v->n_items; i++) {
		const Item *it = &v->items[i];
		int *row = all + i * (size_t)width;

		for (int k = 0; k < it->hn; k++)
			row[k] = v->h[it->h0 + (size_t)k].label;
		if (it->hn >= 2)
			memcpy(paired + (*n_paired)++ * (size_t)width, row, (size_t)width * sizeof *row);
	}
}

static void group_compute(AgreeReport *r, const View *v)
{
	AgreeGroup *g = &r->group;
	int width = 1, *all, *paired;
	size_t n_paired;

	g->raters = v->d->n_reviewers;
	g->items = (long)v->n_items;
	g->ratings = (long)v->d->nh;
	for (size_t i = 0; i < v->n_items; i++) {
		width = v->items[i].hn > width ? v->items[i].hn : width;
		g->pairable += v->items[i].hn >= 2;
	}
	if (g->raters < 2) {
		for (int s = 0; s < RELIABILITY_STAT_COUNT; s++) {
			g->fig[s].value = (MetricValue){ .why = WHY_FEW_REVIEWERS };
			if (r->options.intervals)
				g->fig[s].ci = (MetricInterval){ .why = WHY_FEW_REVIEWERS };
		}
		return;
	}
	all = xcalloc(v->n_items * (size_t)width + 1, sizeof *all);
	paired = xcalloc((size_t)g->pairable * (size_t)width + 1, sizeof *paired);
	group_tables(v, width, all, paired, &n_paired);
	for (int s = 0; s < RELIABILITY_STAT_COUNT; s++) {
		ReliabilityStat stat = (ReliabilityStat)s;
		int every = stat == RELIABILITY_STAT_AC1;
		const int *t = every ? all : paired;
		size_t rows = every ? v->n_items : n_paired;

		g->fig[s].value = reliability_stat(t, rows, (size_t)width, r->K, &stat);
		g->fig[s].n = (long)rows;
		g->fig[s].ci = rows_interval(&r->options, stat, g->fig[s].value, t, rows,
					     (size_t)width, r->K);
	}
	free(all);
	free(paired);
}

/* ---- the scorer ---- */

/* The nearest label to a score, halves rounded up, clamped to the scale. */
static int score_label(double score, int K)
{
	double r = floor(score + 0.5);

	return r < 1 ? 1 : r > K ? K : (int)r;
}

static MetricInterval scores_interval(const AgreeOptions *o, MetricsStat s, MetricValue value,
				      const double *x, const double *y, size_t n)
{
	/* a sort per resample: count it as about 20 passes */
	if (!o->intervals)
		return (MetricInterval){ 0 };
	if (!value.defined)
		return (MetricInterval){ .why = value.why };
	if ((double)n * 20.0 * o->boot.resamples > AGREE_RESAMPLE_BUDGET)
		return (MetricInterval){ .why = WHY_BUDGET };
	return bootstrap_scores(metrics_scores_stat, &s, x, y, n, &o->boot);
}

static void scorer_compute(AgreeReport *r, const View *v)
{
	static const MetricsStat raw[] = { METRICS_STAT_SPEARMAN, METRICS_STAT_KENDALL_TAU_B,
					   METRICS_STAT_PEARSON, METRICS_STAT_MAE };
	AgreeScorer *sc = &r->scorer;
	double *x = xmalloc((v->n_items + 1) * sizeof *x), *y = xmalloc((v->n_items + 1) * sizeof *y);
	size_t n = 0;

	sc->model_id = v->d->scorer;
	pair_init(&sc->rounded, r->K, "human", "scorer");
	for (size_t i = 0; i < v->n_items; i++) {
		const Item *it = &v->items[i];

		if (!it->settled) {
			sc->rounded.unsettled++;
		} else if (!it->has_score) {
			sc->unscored++;
		} else {
			pair_add(&sc->rounded, r->K, it->settled, score_label(it->score, r->K));
			x[n] = it->settled;
			y[n++] = it->score;
		}
	}
	pair_finish(&sc->rounded, r->K, &r->options);
	for (size_t k = 0; k < sizeof raw / sizeof raw[0]; k++) {
		AgreeFigure *f = &sc->raw[raw[k]];

		f->value = metrics_scores_stat(x, y, n, &raw[k]);
		f->n = (long)n;
		f->ci = scores_interval(&r->options, raw[k], f->value, x, y, n);
	}
	free(x);
	free(y);
}

/* ---- slices ---- */

/* Which runs --run and --prompt allow. */
static int run_selected(const AgreeRun *run, const AgreeOptions *o)
{
	return (!o->run_id || run->id == o->run_id) &&
	       (!o->prompt_version_id || run->prompt_version_id == o->prompt_version_id);
}

/* Which runs the report's LLM label may come from: the selected ones, but
 * the scorer's (db/kinds.h) only when --run names one; --by model shows
 * the scorer beside the LLMs as a model of its own. */
static int run_allowed(const AgreeRun *run, const AgreeOptions *o)
{
	int scorer = run->provider && !strcmp(run->provider, DB_PROVIDER_SCORER);
	return run_selected(run, o) && (!scorer || o->run_id);
}

static AgreeSlice *slice_add(AgreeReport *r, const char *key)
{
	AgreeSlice *s;

	r->slices = xrealloc(r->slices, ((size_t)r->n_slices + 1) * sizeof *r->slices);
	s = &r->slices[r->n_slices++];
	memset(s, 0, sizeof *s);
	s->key = xstrdup(key);
	return s;
}

/* Tokens and cost of the runs in use. */
static void slice_cost(AgreeSlice *s, const AgreeData *d, const unsigned char *use)
{
	s->has_cost = 1;
	for (int i = 0; i < d->n_runs; i++) {
		const AgreeRun *run = &d->runs[i];

		if (!use[i])
			continue;
		s->runs++;
		s->prompt_tokens += run->prompt_tokens;
		s->completion_tokens += run->completion_tokens;
		if (!run->prompt_tokens && !run->completion_tokens)
			continue;
		if (!run->has_price)
			s->has_cost = 0;
		else
			s->cost += ((double)run->prompt_tokens * run->price_in +
				    (double)run->completion_tokens * run->price_out) / 1e6;
	}
}

/* A row of the allowed runs that are like `like` by same(): one prompt
 * version or one model. prefix (may be NULL) starts the row's detail. */
static void slice_runs(AgreeReport *r, const View *v, const char *key, long long id,
		       const char *prefix, int (*same)(const AgreeRun *a, const AgreeRun *b), const AgreeRun *like,
		       int (*allowed)(const AgreeRun *run, const AgreeOptions *o))
{
	const AgreeData *d = v->d;
	unsigned char *use = xcalloc((size_t)d->n_runs + 1, 1);
	AgreeSlice *s = slice_add(r, key);
	char *runs = xstrdup("");

	s->id = id;
	for (int i = 0; i < d->n_runs; i++) {
		use[i] = allowed(&d->runs[i], &r->options) && same(&d->runs[i], like);
		if (use[i]) {
			char *more = xasprintf("%s%s%lld", runs, *runs ? ", " : "", d->runs[i].id);

			free(runs);
			runs = more;
		}
	}
	s->detail = xasprintf("%s%s%s %s", prefix ? prefix : "", prefix ? ", " : "",
			      strchr(runs, ',') ? "runs" : "run", runs);
	free(runs);
	pair_settled(&s->pair, v, use, NULL, NULL);
	pair_finish(&s->pair, r->K, &r->options);
	slice_cost(s, d, use);
	free(use);
}

static int same_version(const AgreeRun *a, const AgreeRun *b)
{
	return a->prompt_version_id == b->prompt_version_id;
}

static const char *model_key(const AgreeRun *run)
{
	return run->model ? run->model : run->provider ? run->provider : "(unknown)";
}

static int same_model(const AgreeRun *a, const AgreeRun *b)
{
	return !strcmp(model_key(a), model_key(b));
}

static void slices_prompt(AgreeReport *r, const View *v)
{
	const AgreeData *d = v->d;

	/* runs are in id order, so each version's row comes at its first run */
	for (int i = 0; i < d->n_runs; i++) {
		const AgreeRun *run = &d->runs[i];
		int seen = 0;
		char key[16];

		if (!run_allowed(run, &r->options))
			continue;
		for (int j = 0; j < i && !seen; j++)
			seen = run_allowed(&d->runs[j], &r->options) && same_version(&d->runs[j], run);
		if (seen)
			continue;
		snprintf(key, sizeof key, "%.8s", run->hash ? run->hash : "(none)");
		if (run->prompt_version_id) {
			char *prefix = xasprintf("version %lld%s%s", run->prompt_version_id,
						 run->name ? " " : "", run->name ? run->name : "");

			slice_runs(r, v, key, run->prompt_version_id, prefix, same_version, run,
				   run_allowed);
			free(prefix);
		} else {
			slice_runs(r, v, key, 0, "no prompt version", same_version, run, run_allowed);
		}
	}
}

static void slices_model(AgreeReport *r, const View *v)
{
	const AgreeData *d = v->d;

	for (int i = 0; i < d->n_runs; i++) {
		const AgreeRun *run = &d->runs[i];
		int seen = 0;

		if (!run_selected(run, &r->options))
			continue;
		for (int j = 0; j < i && !seen; j++)
			seen = run_selected(&d->runs[j], &r->options) && same_model(&d->runs[j], run);
		if (!seen)
			slice_runs(r, v, model_key(run), 0, NULL, same_model, run, run_selected);
	}
}

static int keep_category(const Item *it, const void *arg)
{
	return it->category == *(const int *)arg;
}

static void slices_category(AgreeReport *r, const View *v, const unsigned char *use)
{
	const AgreeData *d = v->d;
	int *order = name_order(d->categories, d->n_categories);

	for (int i = 0; i <= d->n_categories; i++) {
		int c = i < d->n_categories ? order[i] : -1;
		AgreeSlice *s = slice_add(r, c >= 0 ? d->categories[c] : "(none)");

		pair_settled(&s->pair, v, use, keep_category, &c);
		pair_finish(&s->pair, r->K, &r->options);
		if (c < 0 && s->pair.n + s->pair.unsettled + s->pair.no_llm + s->pair.parse_failed +
					 s->pair.failed == 0) {
			pair_free(&s->pair);
			free(s->key);
			r->n_slices--;
		}
	}
	free(order);
}

static void slices_build(AgreeReport *r, const View *v, const unsigned char *use)
{
	switch (r->options.by) {
	case AGREE_BY_PROMPT:
		slices_prompt(r, v);
		break;
	case AGREE_BY_MODEL:
		slices_model(r, v);
		break;
	case AGREE_BY_REVIEWER:
		for (int i = 0; i < (int)r->reviewers_count; i++) {
			AgreeSlice *s = slice_add(r, r->reviewers[i]);
			Reviewer who = { v->rank, i };

			pair_labels(&s->pair, v, use, r->reviewers[i], keep_reviewer, &who);
			pair_finish(&s->pair, r->K, &r->options);
		}
		break;
	case AGREE_BY_CATEGORY:
		slices_category(r, v, use);
		break;
	case AGREE_BY_BLIND:
		for (int blind = 1; blind >= 0; blind--) {
			AgreeSlice *s = slice_add(r, blind ? "blind" : "primed");

			pair_labels(&s->pair, v, use, s->key, keep_blind, &blind);
			pair_finish(&s->pair, r->K, &r->options);
		}
		break;
	case AGREE_BY_NONE:
	case AGREE_BY_COUNT:
		break;
	}
}

/* ---- the audit: agreement on a random sample ---- */

static int keep_stratum(const Item *it, const void *arg)
{
	int s = *(const int *)arg;

	return s < 0 ? it->stratum >= 0 : it->stratum == s;
}

/* The settled label against the LLM on the audit's items, per stratum and
 * pooled; the figures weigh the strata by population (agreeaudit.h). */
static void audit_compute(AgreeReport *r, const View *v, const unsigned char *use)
{
	const AgreeAudit *a = &v->d->audit;
	AgreeAuditReport *out = &r->audit;
	size_t cells = (size_t)r->K * (size_t)r->K;
	double *share = xcalloc((size_t)a->n_strata + 1, sizeof *share), total = 0;
	int all = -1;

	out->id = a->id;
	out->drawn = (long)a->n_items;
	out->n_strata = a->n_strata;
	out->weighted = a->n_strata > 1;
	out->strata = xcalloc((size_t)a->n_strata * cells + 1, sizeof *out->strata);
	pair_settled(&out->pair, v, use, keep_stratum, &all);
	for (size_t i = 0; i < v->n_items; i++)
		out->labelled += v->items[i].stratum >= 0;
	for (int s = 0; s < a->n_strata; s++) {
		AgreePair p;

		pair_settled(&p, v, use, keep_stratum, &s);
		memcpy(out->strata + (size_t)s * cells, p.table, cells * sizeof *p.table);
		pair_free(&p);
		total += (double)a->population[s];
	}
	for (int s = 0; s < a->n_strata; s++)
		share[s] = total > 0 ? (double)a->population[s] / total : 0;
	agreeaudit_figures(out->strata, share, a->n_strata, r->K, &r->options, out->fig);
	free(share);
}

/* ---- the report ---- */

static void report_summary(AgreeReport *r, const View *v, const unsigned char *use)
{
	r->items_total = v->d->items_total;
	r->human_labels = (long)v->d->nh;
	r->items_human = (long)v->n_items;
	r->invalid_human = v->d->invalid_human;
	r->reviewers_count = v->d->n_reviewers;
	r->reviewers = xcalloc((size_t)v->d->n_reviewers + 1, sizeof *r->reviewers);
	for (int i = 0; i < v->d->n_reviewers; i++)
		r->reviewers[i] = xstrdup(v->reviewers[i]);
	long *from = xcalloc((size_t)v->d->n_runs + 1, sizeof *from);
	for (size_t i = 0; i < v->n_items; i++) {
		int run = -1, llm = select_llm_run(v, &v->items[i], use, &run);
		r->settled += v->items[i].settled != 0;
		r->unsettled += v->items[i].settled == 0;
		r->items_llm += llm > 0;
		if (llm > 0)
			from[run]++;
	}
	/* which runs fed "the LLM label", newest first: several may have */
	r->llm_sources = xcalloc((size_t)v->d->n_runs + 1, sizeof *r->llm_sources);
	for (int i = v->d->n_runs - 1; i >= 0; i--)
		if (from[i]) {
			const AgreeRun *run = &v->d->runs[i];
			r->llm_sources[r->n_llm_sources++] = (AgreeLlmSource){
				run->id, run->provider, run->model, run->hash, from[i]};
		}
	free(from);
}

AgreeReport *agree_report(const AgreeData *d, const AgreeOptions *o)
{
	AgreeReport *r = xcalloc(1, sizeof *r);
	unsigned char *use = xcalloc((size_t)d->n_runs + 1, 1);
	View v;

	r->K = d->K;
	r->names = xcalloc((size_t)d->K, sizeof *r->names);
	for (int i = 0; i < d->K; i++)
		r->names[i] = xstrdup(d->names[i]);
	r->options = *o;
	for (int i = 0; i < d->n_runs; i++)
		use[i] = run_allowed(&d->runs[i], o);
	view_build(&v, d);
	report_summary(r, &v, use);
	pair_settled(&r->settled_pair, &v, use, NULL, NULL);
	pair_finish(&r->settled_pair, r->K, o);
	r->per_reviewer = xcalloc((size_t)r->reviewers_count + 1, sizeof *r->per_reviewer);
	for (int i = 0; i < (int)r->reviewers_count; i++) {
		Reviewer who = { v.rank, i };

		pair_labels(&r->per_reviewer[i], &v, use, r->reviewers[i], keep_reviewer, &who);
		pair_finish(&r->per_reviewer[i], r->K, o);
	}
	reviewer_pairs(r, &v);
	group_compute(r, &v);
	if (d->scorer)
		scorer_compute(r, &v);
	slices_build(r, &v, use);
	if (d->audit.id)
		audit_compute(r, &v, use);
	agreeaudit_froms(d, &r->froms, &r->n_froms);
	view_free(&v);
	free(use);
	return r;
}

void agree_report_free(AgreeReport *r)
{
	if (!r)
		return;
	free(r->llm_sources);
	xfree_strings(r->names, (size_t)r->K);
	xfree_strings(r->reviewers, r->reviewers_count);
	pair_free(&r->settled_pair);
	for (int i = 0; i < (int)r->reviewers_count; i++)
		pair_free(&r->per_reviewer[i]);
	free(r->per_reviewer);
	for (int i = 0; i < r->n_pairs; i++)
		pair_free(&r->pairs[i]);
	free(r->pairs);
	if (r->scorer.model_id)
		pair_free(&r->scorer.rounded);
	for (int i = 0; i < r->n_slices; i++) {
		free(r->slices[i].key), free(r->slices[i].detail);
		pair_free(&r->slices[i].pair);
	}
	free(r->slices);
	if (r->audit.id)
		pair_free(&r->audit.pair);
	free(r->audit.strata);
	free(r->froms);
	free(r);
}
