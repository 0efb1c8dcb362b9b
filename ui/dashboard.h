/* dashboard.h - the agreement dashboard in the review UI: the headline
 * figures for one prompt version and one reviewer (or all), each rater's
 * estimated accuracy per label (Dawid-Skene, the LLM as one more rater:
 * src/settle/settlement.h), a confusion heat map and the LLM's label
 * against the human one, drawn as pictures (sixel or half blocks) or as
 * text. */
#ifndef GAVEL_DASHBOARD_H
#define GAVEL_DASHBOARD_H

#include "db/database.h"

typedef struct Dashboard Dashboard;

/* Reads the reviews and predictions of db and fits Dawid-Skene over every
 * vote (STATUS_OK and *out, or a status; a fit that cannot be made only
 * leaves the accuracy table out). */
Status dashboard_open(Db *db, const char *reviewer, Dashboard **out);
void dashboard_free(Dashboard *dashboard);

/* The screen itself is dashboard_view (ui/view.h); its state is the
 * Dashboard. */

#endif
