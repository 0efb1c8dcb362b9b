/* linesview.h - a screen that shows lines of text over the review screen
 * (the help, an item's history): j/k and the page keys scroll, any other
 * key closes it. */
#ifndef GAVEL_LINESVIEW_H
#define GAVEL_LINESVIEW_H

typedef struct LinesView LinesView;

/* A new, empty list under title (copied); open it with
 * app_open_view(app, &lines_view, list). */
LinesView *linesview_new(const char *title);

/* Appends a copy of line; arg is the LinesView (a callback for producers). */
void linesview_add(void *list, const char *line);

/* Frees a list that was never opened (an opened one is the view's). */
void linesview_free(LinesView *list);

/* How many lines it holds. */
int linesview_count(const LinesView *list);

#endif
