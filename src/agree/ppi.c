/* ppi.c - label shares from LLM labels and a human audit (see ppi.h for
 * every formula and its source).
 *
 * Every quantity is a sum over items of a function of (human, llm, weight),
 * so the items come grouped into cells and each sum runs over the cells,
 * weighted by their counts. Means and variances take two passes: the values
 * differ in late digits, and the reference computes them the same way. */
#include "src/agree/ppi.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/agree/stattest.h"
#include "src/base/xalloc.h"

#define PPI_MAX_LEVELS 64

static const struct {
	const char *name, *help;
} method_info[] = {
#define PPI_METHOD_INFO(id, name, help) { name, help },
	PPI_METHOD_LIST(PPI_METHOD_INFO)
#undef PPI_METHOD_INFO
};

static const char WHY_NO_AUDIT[] = "no item was audited";
static const char WHY_ALL_AUDITED[] = "every item was audited: the audit alone is the answer";
static const char WHY_FEW[] = "lambda needs at least two items";
static const char WHY_LLM_PLAN[] = "more reviews do not change the LLM's share; its error is bias";
static const char WHY_FLOOR[] = "the interval cannot get that narrow by reviewing: the part "
				"that comes from the items outside the audit is too wide";
static const char WHY_TOO_MANY[] = "that would take more reviews than the catalogue has items";

/* The cells with their weights normalised per part, and the part sizes. */
typedef struct {
	const PpiCell *cell;
	size_t n_cells;
	double n, N;       /* items in L (audited) and U */
	double scale[2];   /* weight normaliser of U (0) and L (1) */
} Data;

typedef struct {
	double mean, var; /* var with ddof 0 */
} Moments;

const char *ppi_method_name(PpiMethod m)
{
	return (unsigned)m < PPI_METHOD_COUNT ? method_info[m].name : "?";
}

const char *ppi_method_help(PpiMethod m)
{
	return (unsigned)m < PPI_METHOD_COUNT ? method_info[m].help : "?";
}

double ppi_design_weight(int audited, double p)
{
	if (audited)
		return p > 0 && p <= 1 ? 1 / p : NAN;
	return p >= 0 && p < 1 ? 1 / (1 - p) : NAN;
}

static double weight_of(const Data *d, const PpiCell *c)
{
	return c->weight * d->scale[c->human != 0];
}

/* The value a cell's items take in a sum over one part, for label k. */
typedef double (*CellFn)(const Data *d, const PpiCell *c, int k, double lambda, double t);

/* u Yh_k on U */
static double fn_imputed(const Data *d, const PpiCell *c, int k, double lambda, double t)
{
	(void)lambda, (void)t;
	return weight_of(d, c) * (c->llm == k);
}

/* w (Y_k - lambda Yh_k) on L */
static double fn_rectifier(const Data *d, const PpiCell *c, int k, double lambda, double t)
{
	(void)t;
	return weight_of(d, c) * ((c->human == k) - lambda * (c->llm == k));
}

/* w (Y_k - t) on L: the gradient g of _calc_lam_glm */
static double fn_grad(const Data *d, const PpiCell *c, int k, double lambda, double t)
{
	(void)lambda;
	return weight_of(d, c) * ((c->human == k) - t);
}

/* w (Yh_k - t) on either part: gh and gu */
static double fn_grad_hat(const Data *d, const PpiCell *c, int k, double lambda, double t)
{
	(void)lambda;
	return weight_of(d, c) * ((c->llm == k) - t);
}

/* Which cells a sum runs over. */
enum { PART_U = 1, PART_L = 2, PART_BOTH = 3 };

static int in_part(const PpiCell *c, int part)
{
	return (part & (c->human != 0 ? PART_L : PART_U)) != 0;
}

/* The mean and the sum of squared deviations of fn over a part. */
static void part_sums(const Data *d, int part, CellFn fn, int k, double lambda, double t,
		      double *mean, double *ss)
{
	double sum = 0, items = 0, dev = 0;

	for (size_t i = 0; i < d->n_cells; i++) {
		const PpiCell *c = &d->cell[i];

		if (in_part(c, part) && c->count > 0) {
			sum += (double)c->count * fn(d, c, k, lambda, t);
			items += (double)c->count;
		}
	}
	*mean = items > 0 ? sum / items : 0;
	for (size_t i = 0; i < d->n_cells; i++) {
		const PpiCell *c = &d->cell[i];

		if (in_part(c, part) && c->count > 0) {
			double x = fn(d, c, k, lambda, t) - *mean;

			dev += (double)c->count * x * x;
		}
	}
	*ss = dev;
}

static Moments moments(const Data *d, int part, CellFn fn, int k, double lambda)
{
	double items = part == PART_L ? d->n : d->N;
	Moments m;

	part_sums(d, part, fn, k, lambda, 0, &m.mean, &m.var);
	m.var = items > 0 ? m.var / items : 0;
	return m;
}

static PpiEstimate estimate_undefined(const char *why)
{
	return (PpiEstimate){ .defined = 0, .why = why, .more_reviews = 0 };
}

static PpiEstimate estimate_of(double point, double se, double z)
{
	return (PpiEstimate){ .defined = 1, .point = point, .se = se, .lo = point - z * se,
			      .hi = point + z * se };
}

/* PPI at lambda for label k, with the per-item variances the planner
 * needs: v_u of u Yh_k on U, v_r of the rectifier on L. */
static PpiEstimate ppi_at(const Data *d, int k, double lambda, double z, double *v_u, double *v_r)
{
	Moments u = { 0, 0 }, r;

	if (d->n == 0)
		return estimate_undefined(WHY_NO_AUDIT);
	if (lambda != 0 && d->N == 0)
		return estimate_undefined(WHY_ALL_AUDITED);
	if (lambda != 0)
		u = moments(d, PART_U, fn_imputed, k, 0);
	r = moments(d, PART_L, fn_rectifier, k, lambda);
	*v_u = u.var;
	*v_r = r.var;
	return estimate_of(lambda * u.mean + r.mean,
			   sqrt(lambda * lambda * u.var / (d->N > 0 ? d->N : 1) + r.var / d->n), z);
}

/* _calc_lam_glm, optim_mode "overall", identity Hessian, clipped to
 * [0, 1]; t[k - 1] is label k's PPI estimate at lambda = 1. Returns NaN
 * when it cannot be computed. */
static double lambda_tune(const Data *d, int K, const double *t)
{
	double num = 0, var = 0, total = d->n + d->N, lambda;

	if (d->n == 0 || d->N == 0 || total < 2)
		return NAN;
	for (int k = 1; k <= K; k++) {
		double mg, mh, ss, cross = 0, mean;

		part_sums(d, PART_L, fn_grad, k, 0, t[k - 1], &mg, &ss);
		part_sums(d, PART_L, fn_grad_hat, k, 0, t[k - 1], &mh, &ss);
		for (size_t i = 0; i < d->n_cells; i++) {
			const PpiCell *c = &d->cell[i];

			if (c->human != 0 && c->count > 0)
				cross += (double)c->count * (fn_grad(d, c, k, 0, t[k - 1]) - mg) *
					 (fn_grad_hat(d, c, k, 0, t[k - 1]) - mh);
		}
		num += 2 * cross / d->n;
		part_sums(d, PART_BOTH, fn_grad_hat, k, 0, t[k - 1], &mean, &ss);
		var += ss / (total - 1);
	}
	if (var == 0)
		return 0; /* Yh never varies: every lambda does the same */
	lambda = num / (2 * (1 + d->n / d->N) * var);
	return lambda < 0 ? 0 : lambda > 1 ? 1 : lambda;
}

/* The smallest n' in [n, M - 1] (in [n, inf) when a = 0) with
 * a / (M - n') + b / n' <= target; -1 when there is none. The function is
 * convex in n', falling until n* = M sqrt b / (sqrt a + sqrt b). */
static double plan_size(double a, double b, double n, double M, double target)
{
#define F(x) (a / (M - (x)) + b / (x))
	double lo = n, hi, best;

	if (n > 0 && F(n) <= target)
		return n;
	if (a == 0)
		return b > 0 ? fmax(n, ceil(b / target)) : n;
	if (b == 0)
		return -1;
	best = floor(M * sqrt(b) / (sqrt(a) + sqrt(b)));
	hi = -1;
	for (double x = fmax(best, n); x <= fmin(best + 1, M - 1); x++)
		if (x > 0 && F(x) <= target) {
			hi = x;
			break;
		}
	if (hi < 0)
		return -1;
	while (hi - lo > 1) { /* F(lo) > target >= F(hi) */
		double mid = floor((lo + hi) / 2);

		if (F(mid) <= target)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
#undef F
}

static void plan(PpiEstimate *e, double a, double b, const Data *d, double target)
{
	double M = d->n + d->N, need;

	e->planned = 1;
	need = plan_size(a, b, d->n, M, target);
	if (need < 0) {
		e->more_reviews = -1;
		e->plan_why = WHY_FLOOR;
	} else if (need > M) {
		e->more_reviews = -1;
		e->plan_why = WHY_TOO_MANY;
	} else {
		e->more_reviews = (long)(need - d->n);
	}
}

static PpiEstimate llm_share(const Data *d, int k, double z)
{
	double with_k = 0, all = d->n + d->N, p;
	PpiEstimate e;

	for (size_t i = 0; i < d->n_cells; i++)
		if (d->cell[i].llm == k)
			with_k += (double)d->cell[i].count;
	p = with_k / all;
	e = estimate_of(p, sqrt(p * (1 - p) / all), z);
	return e;
}

/* The four estimates of label k. */
static void label_estimates(const Data *d, int k, const PpiResult *r, double target,
			    PpiLabel *out)
{
	static const PpiMethod lambda_methods[] = { PPI_METHOD_AUDIT, PPI_METHOD_PPI,
						    PPI_METHOD_PPI_PLUS };
	double lambdas[] = { 0, 1, r->lambda };

	out->est[PPI_METHOD_LLM] = llm_share(d, k, r->z);
	if (target > 0) {
		out->est[PPI_METHOD_LLM].planned = 1;
		out->est[PPI_METHOD_LLM].more_reviews = -1;
		out->est[PPI_METHOD_LLM].plan_why = WHY_LLM_PLAN;
	}
	for (int j = 0; j < 3; j++) {
		double v_u = 0, v_r = 0, lam = lambdas[j];
		PpiEstimate *e = &out->est[lambda_methods[j]];

		*e = isnan(lam) ? estimate_undefined(d->n == 0 ? WHY_NO_AUDIT
					       : d->N == 0 ? WHY_ALL_AUDITED : WHY_FEW)
				: ppi_at(d, k, lam, r->z, &v_u, &v_r);
		if (e->defined && target > 0)
			plan(e, lam * lam * v_u, v_r, d, target);
	}
	out->effective_n = NAN;
	if (out->est[PPI_METHOD_AUDIT].defined && out->est[PPI_METHOD_PPI_PLUS].defined &&
	    out->est[PPI_METHOD_PPI_PLUS].se > 0)
		out->effective_n = d->n * pow(out->est[PPI_METHOD_AUDIT].se, 2) /
				   pow(out->est[PPI_METHOD_PPI_PLUS].se, 2);
}

static Status options_resolve(const PpiOptions *opt, PpiOptions *o)
{
	*o = opt ? *opt : (PpiOptions){ PPI_ALPHA, NAN, 0 };
	if (!(o->alpha > 0 && o->alpha < 1))
		return status_fail(STATUS_ERR_INPUT, "alpha must lie strictly between 0 and 1");
	if (!isnan(o->lambda) && !(o->lambda >= 0 && o->lambda <= 1))
		return status_fail(STATUS_ERR_INPUT, "lambda must lie between 0 and 1");
	if (!(o->target_width >= 0))
		return status_fail(STATUS_ERR_INPUT, "the target width must not be negative");
	return STATUS_OK;
}

/* Checks the cells and sums the part sizes and weights; sets *weighted
 * when weights differ within a part. */
static Status data_init(Data *d, const PpiCell *cells, size_t n_cells, int K, int *weighted)
{
	double sum_w[2] = { 0, 0 }, first[2] = { NAN, NAN };

	memset(d, 0, sizeof *d);
	d->cell = cells;
	d->n_cells = n_cells;
	*weighted = 0;
	if (K < 1 || K > PPI_MAX_LEVELS)
		return status_fail(STATUS_ERR_INPUT, "the scale must have 1 to %d levels",
				   PPI_MAX_LEVELS);
	for (size_t i = 0; i < n_cells; i++) {
		const PpiCell *c = &cells[i];
		int part = c->human != 0;

		if (c->human < 0 || c->human > K || c->llm < 1 || c->llm > K)
			return status_fail(STATUS_ERR_INPUT, "cell %zu: a label lies outside 1..%d",
					   i + 1, K);
		if (!(c->weight > 0) || isinf(c->weight) || c->count < 0)
			return status_fail(STATUS_ERR_INPUT,
					   "cell %zu: weights must be positive and counts not negative", i + 1);
		if (c->count == 0)
			continue;
		if (isnan(first[part]))
			first[part] = c->weight;
		*weighted |= c->weight != first[part];
		sum_w[part] += (double)c->count * c->weight;
		*(part ? &d->n : &d->N) += (double)c->count;
	}
	if (d->n + d->N == 0)
		return status_fail(STATUS_ERR_INPUT, "no item has an LLM label");
	d->scale[0] = d->N > 0 ? d->N / sum_w[0] : 0;
	d->scale[1] = d->n > 0 ? d->n / sum_w[1] : 0;
	return STATUS_OK;
}

/* PPI++'s lambda: as given, or tuned from every label's PPI at 1. */
static void lambda_choose(const Data *d, int K, const PpiOptions *o, PpiResult *r)
{
	double *t;

	r->lambda_tuned = isnan(o->lambda);
	r->lambda = o->lambda;
	if (!r->lambda_tuned)
		return;
	t = xmalloc((size_t)K * sizeof *t);
	for (int k = 1; k <= K && d->n > 0 && d->N > 0; k++) {
		double v_u, v_r;

		t[k - 1] = ppi_at(d, k, 1, 0, &v_u, &v_r).point;
	}
	r->lambda = lambda_tune(d, K, t);
	free(t);
}

/* n sum SE_audit^2 / sum SE_ppi++^2 over the labels. */
static double effective_n(const PpiResult *r)
{
	double audit = 0, tuned = 0;

	for (int k = 0; k < r->K; k++) {
		const PpiEstimate *a = &r->label[k].est[PPI_METHOD_AUDIT];
		const PpiEstimate *p = &r->label[k].est[PPI_METHOD_PPI_PLUS];

		if (!a->defined || !p->defined)
			return NAN;
		audit += a->se * a->se;
		tuned += p->se * p->se;
	}
	return tuned > 0 ? (double)r->n * audit / tuned : NAN;
}

Status ppi_estimate(const PpiCell *cells, size_t n_cells, int K, const PpiOptions *opt,
		    PpiResult *out)
{
	PpiOptions o;
	Data d;
	Status st;
	double target;

	memset(out, 0, sizeof *out);
	if ((st = options_resolve(opt, &o)) != STATUS_OK)
		return st;
	if ((st = data_init(&d, cells, n_cells, K, &out->weighted)) != STATUS_OK)
		return st;
	out->K = K;
	out->n = (long)d.n;
	out->N = (long)d.N;
	out->alpha = o.alpha;
	out->z = stattest_normal_quantile(1 - o.alpha / 2);
	lambda_choose(&d, K, &o, out);
	out->label = xcalloc((size_t)K, sizeof *out->label);
	target = o.target_width > 0 ? pow(o.target_width / (2 * out->z), 2) : 0;
	for (int k = 1; k <= K; k++)
		label_estimates(&d, k, out, target, &out->label[k - 1]);
	out->effective_n = effective_n(out);
	return STATUS_OK;
}

void ppi_result_free(PpiResult *r)
{
	if (!r)
		return;
	free(r->label);
	memset(r, 0, sizeof *r);
}

static int cell_cmp(const void *pa, const void *pb)
{
	const PpiCell *a = pa, *b = pb;

	if (a->weight != b->weight)
		return a->weight < b->weight ? -1 : 1;
	if (a->human != b->human)
		return a->human - b->human;
	return a->llm - b->llm;
}

/* Merges cells with the same labels and weight (a stratified audit has one
 * weight per stratum and part): the estimates then run over a few cells,
 * not over every item. */
static size_t cells_merge(PpiCell *c, size_t n)
{
	size_t m = 0;

	qsort(c, n, sizeof *c, cell_cmp);
	for (size_t i = 0; i < n; i++) {
		if (m > 0 && cell_cmp(&c[m - 1], &c[i]) == 0)
			c[m - 1].count += c[i].count;
		else
			c[m++] = c[i];
	}
	return m;
}

/* Counts the items into (K + 1) K cells per distinct weight while there are
 * at most FEW_WEIGHTS of them (a stratified audit has one per stratum and
 * part); returns the number of cells, or 0 past that many weights. */
#define FEW_WEIGHTS 64

static size_t cells_by_weight(const int *human, const int *llm, const double *weight, size_t n,
			      int K, PpiCell **out)
{
	size_t table = (size_t)(K + 1) * (size_t)K, seen = 0, last = 0, m = 0;
	double w[FEW_WEIGHTS];
	PpiCell *c = xcalloc(table * FEW_WEIGHTS, sizeof *c);

	for (size_t i = 0; i < n; i++) {
		int h = human[i] >= 1 && human[i] <= K ? human[i] : 0;

		if (llm[i] < 1 || llm[i] > K)
			continue;
		if (seen == 0 || w[last] != weight[i]) {
			for (last = 0; last < seen && w[last] != weight[i]; last++)
				;
			if (last == seen && seen == FEW_WEIGHTS) {
				free(c);
				return 0;
			}
			if (last == seen)
				w[seen++] = weight[i];
		}
		c[last * table + (size_t)(h * K + llm[i] - 1)].count++;
	}
	for (size_t j = 0; j < seen * table; j++)
		if (c[j].count > 0)
			c[m++] = (PpiCell){ (int)(j % table / (size_t)K), (int)(j % (size_t)K) + 1,
					    w[j / table], c[j].count };
	*out = c;
	return m ? m : 1; /* no item: one empty cell, not "too many weights" */
}

PpiCell *ppi_cells_from_items(const int *human, const int *llm, const double *weight, size_t n,
			      int K, size_t *n_cells)
{
	size_t table = (size_t)(K + 1) * (size_t)K, m = 0;
	PpiCell *c;

	if (weight && (m = cells_by_weight(human, llm, weight, n, K, &c)) > 0) {
		*n_cells = c[0].count > 0 ? m : 0;
		return c;
	}
	c = xcalloc(weight ? (n ? n : 1) : table, sizeof *c);
	for (size_t i = 0; i < n; i++) {
		int h = human[i] >= 1 && human[i] <= K ? human[i] : 0;

		if (llm[i] < 1 || llm[i] > K)
			continue;
		if (weight) {
			c[m++] = (PpiCell){ h, llm[i], weight[i], 1 };
			continue;
		}
		c[h * K + llm[i] - 1].count++;
	}
	if (!weight) {
		for (size_t j = 0; j < table; j++)
			c[j] = (PpiCell){ (int)(j / (size_t)K), (int)(j % (size_t)K) + 1, 1, c[j].count };
		m = table;
	} else {
		m = cells_merge(c, m);
	}
	*n_cells = m;
	return c;
}
