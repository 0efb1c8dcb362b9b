/* dashboard.h - the agreement dashboard in the review UI: the headline
 * figures for one prompt version and one reviewer (or all), each rater's
 * estimated accuracy per label (Dawid-Skene, the LLM as one more rater:
 * src/settle/settlement.h, fitted in the background by ui/accuracyjob.h),
 * a confusion heat map and the LLM's label against the human one, drawn as
 * pictures (sixel or half blocks) or as text. */
#ifndef GAVEL_DASHBOARD_H
#define GAVEL_DASHBOARD_H

#include "db/database.h"
#include "ui/accuracyjob.h"
#include "ui/view.h"

typedef struct Dashboard Dashboard;

/* Reads the reviews and predictions of db (STATUS_OK and *out, or a
 * status) and starts job (borrowed: it must outlive the dashboard) fitting
 * Dawid-Skene over every vote; until the fit arrives the accuracy table's
 * place says so, and a fit that cannot be made only leaves the table out. */
Status dashboard_open(Db *db, const char *reviewer, AccuracyJob *job, Dashboard **out);

/* Frees; a fit still under way is stopped, not waited for. NULL is fine. */
void dashboard_free(Dashboard *dashboard);

/* Takes in the fit that ended (app->accuracy): into the dashboard when it
 * is the screen on top, else dropped. Returns the reaction (REACT_NONE when
 * no fit ended; REACT_CLEAR when the table moved the charts). */
int dashboard_background(App *app);

/* The screen itself is dashboard_view (ui/view.h); its state is the
 * Dashboard. */

#endif
