/* provenance.h - the manifest beside an export (manifest.json): the
 * command line, the filter, the rule and its parameters, the counts per
 * label and split (with the split's targets and the labels too small for
 * it), the agreement figures of the exported rows, gavel's version and the
 * hash of the database's content. Deterministic: no clock, no paths but
 * the ones the options hold. */
#ifndef GAVEL_PROVENANCE_H
#define GAVEL_PROVENANCE_H

#include "src/agree/metrics.h"
#include "src/export/export.h"

typedef struct Provenance Provenance;

Provenance *provenance_new(const ExportOptions *options, int n_labels);
void provenance_free(Provenance *p); /* NULL-safe */

/* Counts one written row: its label and split, the LLM's label against the
 * settled one, and the reviewers' votes for their agreement. */
void provenance_add(Provenance *p, const ExportRow *row);

/* The labels of the split so far (split.h), borrowed until the next add;
 * *count is set; NULL without a split. */
const SplitLabel *provenance_split_labels(Provenance *p, size_t *count);

/* Krippendorff's alpha (nominal) of the reviewers' votes on the rows: from
 * the coincidence matrix of each row's pairable votes (rows with at least
 * two). Undefined when there are none, or no disagreement is possible. */
MetricValue provenance_alpha(const Provenance *p);

/* The manifest as JSON text (formatted, newline at the end), newly
 * allocated. files lists what the export wrote, relative to its folder. */
char *provenance_json(Provenance *p, const ExportSummary *summary, const char *content_hash,
		      const char *const *label_names, const char *const *files, int n_files);

#endif
