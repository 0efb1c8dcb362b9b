/* labview.h - the prompt lab in the review UI (docs/prompt-lab.md): every
 * prompt version with the figures of `gavel prompts list`, and the keys
 * that edit a version in $VISUAL/$EDITOR, rerun it on the settled items in
 * the background, diff and compare two, and ask for a suggested edit. */
#ifndef GAVEL_LABVIEW_H
#define GAVEL_LABVIEW_H

typedef struct App App;

/* Opens the lab over the current screen (reading every version's answers);
 * returns the reaction. A failure leaves a message and changes nothing. */
int labview_open(App *app);

/* Rereads the lab's figures when the lab is the screen on top (a
 * background run ended: its line may now be resumable, or ranked
 * elsewhere), keeping the selected and marked versions; returns the
 * reaction (REACT_NONE when the lab is not on top). */
int labview_refresh(App *app);

/* Opens the comparison of the labellers named a and b (as gavel prompts
 * compare takes them) over the current screen. */
int labview_compare(App *app, const char *a, const char *b);

#endif
