/* datacard.h - the README.md dataset card of an imagefolder export: YAML
 * front matter that declares the configs (train/validation/test folders)
 * and every column's type, the label as a class label with the scale's
 * names, so `datasets` loads it with a ClassLabel (which
 * train_test_split(stratify_by_column=...) needs); then a short text. */
#ifndef GAVEL_DATACARD_H
#define GAVEL_DATACARD_H

#include "src/base/strbuf.h"
#include "src/export/export.h"

/* Appends the card to out: parts[i] names part i, rows[i] its rows (a part
 * with none is left out, as its folder is); names[0] is label 1. */
void datacard_build(StrBuf *out, const char *const *parts, const long long *rows, int n_parts,
		    const char *const *names, int n_labels, const char *rule_json,
		    const char *content_hash);

#endif
