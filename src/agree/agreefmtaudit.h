/* agreefmtaudit.h - the part of the agreement report that says which items
 * the figures rest on: the headline on the audit (design-weighted for a
 * stratified one) beside the figure over every reviewed item, labelled as
 * not representative, and how the reviewed items were chosen. agreefmt.c
 * puts it in the text and JSON reports; docs/estimates.md explains why. */
#ifndef GAVEL_AGREEFMTAUDIT_H
#define GAVEL_AGREEFMTAUDIT_H

#include <cJSON.h>
#include <stdio.h>

#include "src/agree/agree.h"

/* The headline section (or, without an audit, the warning that the
 * reviewed items are not a random sample), within 80 columns. */
void agreefmtaudit_text(const AgreeReport *report, FILE *out);

/* One sentence naming the items the figures below it rest on, for the
 * head of each section; static. */
const char *agreefmtaudit_basis(const AgreeReport *report);

/* "audit": the audit and what its figures rest on, with an "every_review"
 * object for the figures over every reviewed item (agreefmt.c adds the
 * "metrics" of both); null without an audit. */
cJSON *agreefmtaudit_json(const AgreeReport *report);

/* "items_chosen_by": {word: labels} in the report's order. */
cJSON *agreefmtaudit_froms_json(const AgreeReport *report);

#endif
