/* agreeaudit.h - agreement that knows its items: the design-weighted
 * figures of an audit (the headline of gavel agree and of the dashboard)
 * and how the reviewed items were chosen. Pure computation; agree.c feeds
 * it the tables.
 *
 * An audit by LLM label draws its strata at different rates, so its pooled
 * table over-represents the strata drawn most. The catalogue's K x K table
 * is estimated instead as sum_s W_s t_s / m_s, W_s the stratum's share of
 * the population, t_s its table of m_s items (the stratified estimator of
 * a proportion, Cochran 1977, 5.2). Percent agreement, the three kappas,
 * AC1, Pearson's r and the MAE depend on a table only through its
 * proportions, so they are computed on that table; the rank correlations
 * count ties by items and are left out. The interval resamples each
 * stratum's table as its own multinomial (a stratified bootstrap). One
 * stratum gives exactly the unweighted figures and bootstrap_table(). */
#ifndef GAVEL_AGREEAUDIT_H
#define GAVEL_AGREEAUDIT_H

#include "src/agree/agree.h"

/* The figures of the strata's tables (n_strata tables of K*K counts, human
 * rows, one after another) weighted by share (n_strata entries, summing to
 * 1), into out[METRICS_STAT_COUNT], with intervals when o->intervals. */
void agreeaudit_figures(const long *tables, const double *share, int n_strata, int K,
			const AgreeOptions *o, AgreeFigure out[METRICS_STAT_COUNT]);

/* The standing human labels counted by how their items were chosen, most
 * first (ties by name), into a new array *out (free it; the names are
 * borrowed from data). */
void agreeaudit_froms(const AgreeData *data, AgreeFrom **out, int *n);

#endif
