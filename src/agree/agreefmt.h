/* agreefmt.h - the agreement report (src/agree.h) as text that fits 80
 * columns, or as JSON with the same figures for scripts. docs/metrics.md
 * ("The report") describes both. */
#ifndef GAVEL_AGREEFMT_H
#define GAVEL_AGREEFMT_H

#include <stdio.h>

#include "src/agree/agree.h"

/* What the report was asked for, to say at its head. Strings borrowed; NULL
 * or 0 for what was not given. */
typedef struct {
	const char *database;
	long long run_id;
	long long prompt_version_id;
	const char *prompt_hash;
	const char *since, *until;
	const char *const *reviewers;
	int n_reviewers;
} AgreeFmtContext;

/* Writes the report as text, every line at most 80 display columns:
 * coefficients to 3 decimals, percentages to 1, each with its interval,
 * Landis & Koch band (Krippendorff's thresholds for alpha) and n; an
 * undefined figure as "undefined (reason)". With options.by set, the summary
 * and the --by table replace the detailed sections. */
void agreefmt_text(const AgreeReport *report, const AgreeFmtContext *context, FILE *out);

/* Writes the report as one JSON object (every section, and the --by table
 * when asked for). Each figure is an object with value, defined, reason,
 * n, ci_low, ci_high, ci_reason and band; values are full precision, null
 * when undefined. */
void agreefmt_json(const AgreeReport *report, const AgreeFmtContext *context, FILE *out);

#endif
