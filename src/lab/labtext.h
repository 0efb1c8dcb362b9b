/* labtext.h - the lab screen's words: a line of the ranked list, its
 * heading, and the detail lines that say the selected line's figures in
 * full (runs, answers, tokens, cost, coverage, self-consistency). Text only,
 * no curses (ui/labview.c draws it), with the token and money formats of
 * `gavel prompts list` (src/lab/labtable.h), so the two show the same
 * figures the same way. */
#ifndef GAVEL_LABTEXT_H
#define GAVEL_LABTEXT_H

#include <stddef.h>

#include "db/prompts.h"
#include "src/lab/labtable.h"

/* The list's layout for a screen cols wide: the NAME column's width, and
 * whether RUNS, TOKENS and COST show (wide screens; the detail lines give
 * them for the selected line on any screen). */
typedef struct {
	int name_w, wide;
} LabColumns;

LabColumns labtext_columns(int cols);

/* The heading of the list, into out. */
void labtext_head(const LabColumns *c, char *out, size_t size);

/* One line of the list: a labeller (row, and version when it has one) or a
 * version never run (row NULL); marked: it is A of a comparison. settled:
 * the database's settled items. */
void labtext_line(const LabColumns *c, const LabRow *row, const DbPromptVersion *version,
		  long long settled, int marked, char *out, size_t size);

enum { LABTEXT_DETAIL_MAX = 8, LABTEXT_DETAIL_WIDTH = 320 };

/* The detail lines of a line (as labtext_line takes it), most important
 * first, into lines; returns how many. */
int labtext_detail(const LabTable *table, const LabRow *row, const DbPromptVersion *version,
		   char lines[LABTEXT_DETAIL_MAX][LABTEXT_DETAIL_WIDTH]);

#endif
