/* dashboard.h - the agreement dashboard in the review UI: the headline
 * figures for one prompt version and one reviewer (or all), a confusion
 * heat map and the LLM's label against the human one, drawn as pictures
 * (sixel or half blocks) or as text. */
#ifndef GAVEL_DASHBOARD_H
#define GAVEL_DASHBOARD_H

#include "db/database.h"
#include "ui/tty.h"

typedef struct Dashboard Dashboard;

/* Reads the reviews and predictions of db (STATUS_OK and *out, or a status). */
Status dashboard_open(Db *db, const char *reviewer, Dashboard **out);
void dashboard_free(Dashboard *dashboard);

/* Keys the dashboard takes: p (next prompt version), v (next reviewer).
 * Returns 1 when it used the key (redraw), 0 when the key closes it. */
int dashboard_key(Dashboard *dashboard, int key);

/* Draws the figures and, for blocks or none, the charts, in rows
 * top..top+rows-1 of the whole width. */
void dashboard_draw(Dashboard *dashboard, const TtyCaps *caps, int top, int rows);

/* After doupdate(), for sixel: writes the two charts. */
void dashboard_draw_sixel(Dashboard *dashboard, const TtyCaps *caps, int top, int rows);

#endif
