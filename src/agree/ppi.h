/* ppi.h - each label's share of the catalogue (every item with an LLM
 * label), estimated four ways from the LLM's labels and a human audit:
 * what `gavel estimate` prints. Pure computation: no I/O, no global state.
 * docs/estimates.md explains the estimates to users.
 *
 * Sources: prediction-powered inference, Angelopoulos, Bates, Fannjiang,
 * Jordan & Zrnic, "Prediction-powered inference", Science 382 (2023),
 * arXiv 2301.09633; power tuning, Angelopoulos, Duchi & Zrnic, "PPI++:
 * efficient prediction-powered inference", arXiv 2311.01453; the formulas
 * as the reference implementation computes them: aangelopoulos/ppi_py at
 * bd90caad, ppi_py/ppi.py (ppi_mean_pointestimate, ppi_mean_ci,
 * _calc_lam_glm with optim_mode "overall"), ppi_py/baselines.py
 * (classical_mean_ci) and ppi_py/utils/statistics_utils.py
 * (construct_weight_vector).
 *
 * Notation. The audit L holds n items with a human label Y and the LLM's
 * label Yh; the rest U holds N items with the LLM's label only (the two are
 * disjoint: an audited item is not also in U). For label k, Y_k = [Y = k]
 * and Yh_k = [Yh = k] (one-hot rows, d = K coordinates). Weights are
 * normalised to average 1 in each part, as construct_weight_vector does:
 * w_i = weight_i * n / sum_L weight, u_j = weight_j * N / sum_U weight.
 * mean_L, mean_U average over the items of L, U; std0 is the population
 * standard deviation (divide by the count, numpy's default ddof = 0);
 * z = Phi^-1(1 - alpha / 2).
 *
 * - LLM (the LLM's raw share): p_k = share of Yh = k over all n + N items,
 *   unweighted (the whole catalogue is counted, not sampled);
 *   SE = std0 / sqrt(n + N) = sqrt(p_k (1 - p_k) / (n + N)). This interval
 *   ignores the LLM's errors, the estimate's real weakness: its bias.
 * - AUDIT (classical_mean_ci with w): theta_k = mean_L(w Y_k),
 *   SE = std0_L(w Y_k) / sqrt(n). Equal to PPI at lambda = 0.
 * - PPI at lambda (ppi_mean_pointestimate, ppi_mean_ci):
 *     theta_k = mean_U(u lambda Yh_k) + mean_L(w (Y_k - lambda Yh_k)),
 *     SE_k^2 = std0_U(u lambda Yh_k)^2 / N + std0_L(w (Y_k - lambda Yh_k))^2 / n,
 *   the interval theta_k -+ z SE_k. The PPI row is lambda = 1.
 * - PPI++ (lambda tuned, _calc_lam_glm, one lambda for all K labels): with
 *   t = theta at lambda = 1, g = w (Y - t), gh = w (Yh - t) on L and
 *   gu = u (Yh - t) on U (rows of K),
 *     lambda = clip(num / den, 0, 1),
 *     num = sum_k (2 / n) sum_L (g_k - mean_L g_k)(gh_k - mean_L gh_k),
 *     den = 2 (1 + n / N) sum_k Var1(gh_k stacked on gu_k),
 *   Var1 the sample variance (divide by n + N - 1, numpy's np.cov). With
 *   unit weights t cancels. When den is 0 (the LLM gave one label to every
 *   item, unweighted) every lambda gives the same variance; lambda is 0.
 * - Effective number of human labels PPI++ is worth: the audit size at
 *   which the audit alone would have the same variance,
 *   n_eff = n SE_audit^2 / SE_ppi++^2, per label and, with the sums over
 *   labels of both variances (the trace that lambda minimises), overall.
 * - Design weights (stratified audits): an item audited with inclusion
 *   probability p weighs 1 / p (Horvitz-Thompson), an item left out 1 / (1 -
 *   p), so that L and U each stand for the whole catalogue. A uniform audit
 *   gives equal weights, which normalise to 1: the unweighted formulas.
 * - Further reviews for a target interval width W (full width, hi - lo):
 *   with the variances per item measured now, and lambda held at its
 *   current value, the smallest audit size n' >= n (the catalogue's size
 *   M = n + N fixed, so N' = M - n') with
 *     AUDIT: v_a / n' <= (W / 2z)^2,  v_a = std0_L(w Y_k)^2;
 *     PPI:   lambda^2 v_u / (M - n') + v_r / n' <= (W / 2z)^2,
 *            v_u = std0_U(u Yh_k)^2, v_r = std0_L(w (Y_k - lambda Yh_k))^2;
 *   the answer is n' - n. The PPI variance is convex in n', so a target
 *   below its minimum cannot be reached by reviewing; nor one needing more
 *   items than the catalogue has. The LLM's share has no such number: more
 *   reviews do not change it.
 */
#ifndef GAVEL_PPI_H
#define GAVEL_PPI_H

#include <stddef.h>

#include "src/base/status.h"

/* The four estimates, declared once: id, short name, description. */
#define PPI_METHOD_LIST(X)                                                       \
	X(LLM, "llm", "the LLM's share over every item")                         \
	X(AUDIT, "audit", "the audit sample alone")                              \
	X(PPI, "ppi", "prediction-powered, lambda = 1")                          \
	X(PPI_PLUS, "ppi++", "prediction-powered, lambda tuned (PPI++)")

typedef enum {
#define PPI_METHOD_ENUM(id, name, help) PPI_METHOD_##id,
	PPI_METHOD_LIST(PPI_METHOD_ENUM)
#undef PPI_METHOD_ENUM
	PPI_METHOD_COUNT
} PpiMethod;

#define PPI_ALPHA 0.05

/* Items sharing a human label (1..K on an audited item, 0 on an item
 * outside the audit), an LLM label (1..K), and a design weight (> 0; any
 * constant for a uniform audit). count may be 0. */
typedef struct {
	int human, llm;
	double weight;
	long count;
} PpiCell;

/* Pass NULL for the defaults: alpha PPI_ALPHA, lambda tuned, no target. */
typedef struct {
	double alpha;        /* strictly between 0 and 1 */
	double lambda;       /* the last estimate's lambda in [0, 1], or NaN to tune it */
	double target_width; /* full interval width to plan for; 0 for no plan */
} PpiOptions;

/* One estimate of one label's share. When defined is 0 the numbers are 0
 * and why says what is missing. more_reviews is the number of further audit
 * reviews that would bring the interval to the target width: 0 when it is
 * already there or no target was given (planned = 0), -1 when reviewing
 * cannot reach it (plan_why says why). */
typedef struct {
	int defined;
	const char *why;
	double point, se, lo, hi;
	int planned;
	long more_reviews;
	const char *plan_why;
} PpiEstimate;

typedef struct {
	PpiEstimate est[PPI_METHOD_COUNT];
	double effective_n; /* NaN when undefined */
} PpiLabel;

/* Every label's four estimates. Owns label; free with ppi_result_free(). */
typedef struct {
	int K;
	long n, N;          /* items audited, items outside the audit */
	double alpha, z;
	double lambda;      /* the PPI++ estimate's lambda, as tuned or as given */
	int lambda_tuned;
	double effective_n; /* overall; NaN when undefined */
	int weighted;       /* 1 when the weights were not all equal within a part */
	PpiLabel *label;    /* K entries, label k at index k - 1 */
} PpiResult;

/* The short name ("ppi++") and description of an estimate; static. */
const char *ppi_method_name(PpiMethod m);
const char *ppi_method_help(PpiMethod m);

/* The design weight of an item drawn into the audit with inclusion
 * probability p (audited = 1: 1 / p), or left out (audited = 0:
 * 1 / (1 - p)). NaN unless 0 < p < 1 (p = 1 for an audited item gives 1). */
double ppi_design_weight(int audited, double p);

/* Cells from per-item labels: human[i] (0 = not audited) and llm[i] on 1..K,
 * weight[i] the design weight or weight NULL for a uniform audit (then the
 * items are counted into at most (K + 1) K cells; with weights, into one
 * cell per distinct (human, llm, weight), after an O(n log n) sort). Items
 * whose llm label is outside 1..K are left out; a human label outside 1..K
 * counts as not audited. Returns a new array (caller frees) and sets
 * *n_cells. */
PpiCell *ppi_cells_from_items(const int *human, const int *llm, const double *weight, size_t n,
			      int K, size_t *n_cells);

/* Estimates every label's share from the cells on the scale 1..K. Fills
 * *out (free it with ppi_result_free() whatever the status). An estimate
 * that cannot be made (no audit, nothing outside it) is undefined with a
 * reason; the call still succeeds. Returns STATUS_ERR_INPUT for a label
 * outside the scale, a weight that is not positive, a negative count,
 * an option out of range, or no item at all. */
Status ppi_estimate(const PpiCell *cells, size_t n_cells, int K, const PpiOptions *opt,
		    PpiResult *out);

/* Frees what ppi_estimate() allocated; NULL-safe. */
void ppi_result_free(PpiResult *r);

#endif
