/* dashboard.h - the agreement dashboard in the review UI: the headline
 * figures for one prompt version and one reviewer (or all), a confusion
 * heat map and the LLM's label against the human one, drawn as pictures
 * (sixel or half blocks) or as text. */
#ifndef GAVEL_DASHBOARD_H
#define GAVEL_DASHBOARD_H

#include "db/database.h"

typedef struct Dashboard Dashboard;

/* Reads the reviews and predictions of db (STATUS_OK and *out, or a status). */
Status dashboard_open(Db *db, const char *reviewer, Dashboard **out);
void dashboard_free(Dashboard *dashboard);

/* The screen itself is dashboard_view (ui/view.h); its state is the
 * Dashboard. */

#endif
