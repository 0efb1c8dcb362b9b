/* view.h - the screens of the review UI as tables of operations (tig's
 * view_ops): the review screen, lists of lines (help, history) and the
 * dashboard are instances; the loop in reviewui.c dispatches through them.
 * Adding a screen is a file with its ops and the command that opens it. */
#ifndef GAVEL_VIEW_H
#define GAVEL_VIEW_H

#include "ui/keys.h"

typedef struct App App;

/* What a handler changed; the loop alone decides what to redraw (htop's
 * reactions), and turns REACT_CLEAR into the one wipe of the screen. */
enum {
	REACT_NONE = 0,
	REACT_TEXT = 1,  /* redraw the text */
	REACT_IMAGE = 2, /* repaint the image pane and draw the picture again */
	REACT_WIPE = 4,  /* curses must resend every cell (a picture it cannot see must go) */
	REACT_POP = 8,   /* close the view on top */
	REACT_QUIT = 16,
	/* what handlers return */
	REACT_CLEAR = REACT_WIPE | REACT_TEXT | REACT_IMAGE,
	REACT_CLOSE = REACT_POP | REACT_CLEAR,
};

typedef struct {
	const char *title;  /* shown above the view's text ("" for the review screen) */
	Keymap keymap;      /* the keys it reads */
	/* Runs a command of the view's keymap; returns REACT_* flags. */
	int (*command)(App *app, void *state, UiCommand command, int arg);
	/* Draws the view's text with curses in the panes' rows. */
	void (*draw)(App *app, void *state);
	/* After doupdate(): writes the view's pictures (sixel); may be NULL. */
	void (*draw_image)(App *app, void *state);
	/* Frees the state; NULL is fine. */
	void (*close)(void *state);
} UiViewOps;

/* The screens; each file that defines one declares it here. */
extern const UiViewOps review_view;    /* ui/reviewview.c */
extern const UiViewOps lines_view;     /* ui/linesview.c */
extern const UiViewOps dashboard_view; /* ui/dashboard.c */
extern const UiViewOps lab_view;       /* ui/labview.c */
extern const UiViewOps compare_view;   /* ui/compareview.c */
extern const UiViewOps adjudicate_view; /* ui/adjudicateview.c */

#endif
