/* compareview.h - a comparison of two labellers in the review UI: the
 * paired statistics on top, the items below, one key per class to filter
 * them; an item opens with its image between A's and B's answers and
 * rationales, under the human label; the broken or disagreeing items go to
 * the re-review queue with one key. */
#ifndef GAVEL_COMPAREVIEW_H
#define GAVEL_COMPAREVIEW_H

#include "db/database.h"

typedef struct Compare Compare;

/* Compares a and b (as gavel prompts compare names them) into a new *out
 * for app_open_view(app, &compare_view, out). */
Status compareview_new(Db *db, const char *a, const char *b, Compare **out);

#endif
