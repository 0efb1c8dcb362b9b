/* estimatefmt.h - the estimates (src/estimate/estimate.h) as text within 80
 * columns or as JSON naming every figure. docs/estimates.md describes both. */
#ifndef GAVEL_ESTIMATEFMT_H
#define GAVEL_ESTIMATEFMT_H

#include <stdio.h>

#include "src/estimate/estimate.h"
#include "src/estimate/estimateload.h"

/* Writes the report as text: the sample it rests on (and what that means
 * when it was declared, not drawn), each label's four estimates as a share
 * in percent with half its interval's width, what PPI++ is worth in human
 * labels, and, with a target width, the further audit reviews each
 * estimate needs. database names the file. */
void estimatefmt_text(const EstimateReport *report, const EstimateSource *source,
		      const char *database, FILE *out);

/* The same as one JSON object: every point, standard error and bound at
 * full precision, lambda, the effective numbers, the plan, the strata;
 * null for what is undefined, with the reason beside it. */
void estimatefmt_json(const EstimateReport *report, const EstimateSource *source,
		      const char *database, FILE *out);

/* The sentence that says what the sample is ("audit 3 (uniform, seed 7):
 * 380 of its 400 items reviewed"), for the head of the report and the
 * dashboard. Owned by the caller. */
char *estimatefmt_sample(const EstimateReport *report, const EstimateSource *source);

#endif
