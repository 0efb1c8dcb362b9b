/* keys.h - every command of the review UI, declared once: the enum, the
 * help text and the key line all come from UI_COMMANDS, and every key is
 * bound in one table (keys.c), per keymap (tig's request.h and keys.c: the
 * help is derived from the bindings, never written twice). */
#ifndef GAVEL_KEYS_H
#define GAVEL_KEYS_H

#include <stddef.h>

/* name, its word in the key line (NULL: not shown there), what it does */
#define UI_COMMANDS(X)                                                                         \
	X(ACCEPT, "accept", "accept the LLM's label")                                          \
	X(LABEL, "override", "override with that label")                                       \
	X(VERDICT, "rationale", "mark the rationale flawed, then sound, then unmarked")        \
	X(SKIP, "skip", "skip this item")                                                      \
	X(UNDO, "undo", "undo the last decision (again for the one before)")                   \
	X(NOTE, "note", "add a note to this item")                                             \
	X(NEXT, NULL, "next item")                                                             \
	X(PREV, NULL, "previous item")                                                         \
	X(SCROLL_DOWN, NULL, "scroll the rationale down")                                      \
	X(SCROLL_UP, NULL, "scroll the rationale up")                                          \
	X(SEARCH, "find", "search titles, ids and metadata")                                   \
	X(FILTER, "filter", "filter by state, label, category or LLM label")                   \
	X(ORDER, "order", "change the queue order")                                            \
	X(HISTORY, "history", "item history: every prediction and review")                     \
	X(ITEM, NULL, "the whole item: title, metadata, notes, the LLM's answer")              \
	X(RETRAIN, "refit", "refit the scorer on the settled labels, in the background")       \
	X(DASHBOARD, NULL, "agreement dashboard")                                              \
	X(ADJUDICATION, "adjudicate", "adjudicate conflicts: pick each item's final label")    \
	X(FINAL, "final", "the final label (a reason may follow)")                             \
	X(BULK_ACCEPT, "accept unanimous", "accept every unanimous item (asks first)")         \
	X(NEXT_PROMPT, "prompt", "the next prompt version")                                    \
	X(NEXT_REVIEWER, "reviewer", "the next reviewer, or everyone's settled label")         \
	X(LAB, NULL, "the prompt lab: every prompt version against the settled labels")        \
	X(EDIT, "edit", "edit this version in $VISUAL/$EDITOR: a changed text is a new one")   \
	X(RERUN, "rerun", "rerun it on the settled items, in the background (or resume)")      \
	X(RERUN_SAMPLE, "rerun N", "rerun it on N settled items, stratified by their label")   \
	X(MARK, "mark A", "mark this version as A of a comparison (again: unmark)")            \
	X(COMPARE, "compare", "compare A (marked, else the parent) with this version as B")    \
	X(DIFF, "diff", "the line diff from A (marked, else the parent) to this version")      \
	X(SUGGEST, "suggest", "suggest an edit: proposed, selected, tested on held-out items") \
	X(TEST, "test", "compare the last suggestion's best edit with the original, on test")  \
	X(CANCEL, "cancel", "stop the background run (r resumes it)")                          \
	X(CLASS, "class",                                                                      \
	  "only one class: 1 fixed 2 broken 3 closer 4 farther 5 moved 6 unchanged, 0 all")    \
	X(OPEN, "open", "the item: its image, the human label, both answers side by side")     \
	X(SEND, "re-review", "send items to the re-review queue (order recheck)")              \
	X(HELP, "help", "this help")                                                           \
	X(REDRAW, NULL, "redraw the screen")                                                   \
	X(CLOSE, "close", "close this screen")                                                 \
	X(DELETE, NULL, "delete the last character")                                           \
	X(QUIT, "quit", "quit (everything is already saved)")

typedef enum {
	UI_CMD_NONE,
#define UI_CMD_ENUM(name, hint, help) UI_CMD_##name,
	UI_COMMANDS(UI_CMD_ENUM)
#undef UI_CMD_ENUM
	UI_CMD_COUNT
} UiCommand;

/* Which screen a key is read on: each has its own bindings. */
typedef enum {
	KEYMAP_REVIEW,    /* the review screen */
	KEYMAP_LINES,     /* a list of lines: help, item history */
	KEYMAP_DASHBOARD, /* the agreement dashboard */
	KEYMAP_LAB,       /* the prompt lab: prompt versions and runs */
	KEYMAP_COMPARE,   /* a comparison of two of them, item by item */
	KEYMAP_EDIT,      /* a line being typed: Enter takes it, Esc cancels */
	KEYMAP_ADJUDICATE, /* the adjudication screen */
	KEYMAP_COUNT
} Keymap;

/* A curses function key (KEY_DOWN ...) as the loop passes it: its code with
 * this bit set, so it never collides with a character. */
enum { KEYS_CODE = 1 << 24 };

/* The command key has in keymap; *arg gets the label for digits (1..9).
 * An unbound key gives the keymap's default: nothing on the review screen,
 * UI_CMD_CLOSE on the others ("any other key closes"). */
UiCommand keys_lookup(Keymap keymap, int key, int *arg);

/* The help of a keymap, one line per command ("a Enter      accept ..."),
 * to line(); labels is the scale's size (the digits shown are 1-labels). */
void keys_help(Keymap keymap, int labels, void (*line)(void *arg, const char *text), void *arg);

/* The key line of a keymap in at most width columns: "a accept  1-5
 * override ... ? help  q quit", dropping entries from the middle when it
 * does not fit, so help and quit always stay. Written to out. */
void keys_hint(Keymap keymap, int labels, int width, char *out, size_t size);

/* Parses a key name from a script ("a", "3", "<Down>", "<Enter>", "<PgDn>",
 * "<C-l>", "<Esc>", "<Resize>") into the loop's key code; -1 when unknown. */
int keys_parse_name(const char *name);

#endif
