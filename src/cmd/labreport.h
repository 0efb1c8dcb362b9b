/* labreport.h - the prompt lab's reports as text and JSON: the ranked table
 * of `gavel prompts list` and the comparison of `gavel prompts compare`.
 * Text from the database (names, notes, models) is cleaned before it is
 * printed. */
#ifndef GAVEL_LABREPORT_H
#define GAVEL_LABREPORT_H

#include <stdio.h>

#include "db/prompts.h"
#include "src/lab/labcompare.h"
#include "src/lab/labdata.h"
#include "src/lab/labtable.h"

struct cJSON;

/* The table, one line per labeller and one per stored version that never
 * ran (versions, count: every stored version, for names and dates). */
void labreport_table_text(FILE *out, const LabTable *t, const LabData *d,
			  const DbPromptVersion *versions, int count);
struct cJSON *labreport_table_json(const LabTable *t, const LabData *d,
				   const DbPromptVersion *versions, int count);

/* A comparison: the labellers, classes, paired statistics, per category,
 * what the re-review queue made of the items it sent back; JSON adds every
 * item with its class when items is set. */
void labreport_compare_text(FILE *out, const LabComparison *c);
struct cJSON *labreport_compare_json(const LabComparison *c, int items);

/* One labeller described in a line: "5 edited.md a1b2c3d4 gpt-4o (runs 3, 4)".
 * Cleaned; newly allocated. */
char *labreport_labeller_line(const LabLabeller *l);

#endif
