/* adjudicateview.h - the adjudication screen (adjudicate_view, ui/view.h),
 * opened over the review screen with c: the items in conflict, one key for
 * the final label (src/review/adjudicate.h does the work). */
#ifndef GAVEL_ADJUDICATEVIEW_H
#define GAVEL_ADJUDICATEVIEW_H

#include "ui/view.h"

/* Fits Dawid-Skene, claims the first items in conflict and opens the
 * screen for app's reviewer as adjudicator; on failure the review screen
 * stays and the status line says why. Returns the reaction. */
int adjudicateview_open(App *app);

#endif
