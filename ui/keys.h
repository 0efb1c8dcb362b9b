/* keys.h - every command of the review UI, declared once: the enum, the key
 * table and the help screen all come from UI_COMMANDS (tig's request.h). */
#ifndef GAVEL_KEYS_H
#define GAVEL_KEYS_H

/* name, keys as the help shows them, what it does */
#define UI_COMMANDS(X)                                                            \
	X(ACCEPT, "a Enter", "accept the LLM's label")                           \
	X(LABEL, "1-9", "override with that label")                              \
	X(VERDICT, "r", "mark the rationale flawed, then sound, then unmarked")  \
	X(SKIP, "s", "skip this item")                                           \
	X(UNDO, "u", "undo the last decision (again for the one before)")        \
	X(NOTE, "n", "add a note to this item")                                  \
	X(NEXT, "j Down", "next item")                                           \
	X(PREV, "k Up", "previous item")                                         \
	X(SCROLL_DOWN, "PgDn Space", "scroll the rationale down")                \
	X(SCROLL_UP, "PgUp", "scroll the rationale up")                          \
	X(SEARCH, "/", "search titles, ids and metadata")                        \
	X(FILTER, "f", "filter by state, label, category or LLM label")          \
	X(ORDER, "o", "change the queue order")                                  \
	X(HISTORY, "h", "item history: every prediction and review")             \
	X(DASHBOARD, "d", "agreement dashboard")                                 \
	X(HELP, "?", "this help")                                                \
	X(REDRAW, "^L", "redraw the screen")                                     \
	X(QUIT, "q", "quit (everything is already saved)")

typedef enum {
	UI_CMD_NONE,
#define UI_CMD_ENUM(name, keys, help) UI_CMD_##name,
	UI_COMMANDS(UI_CMD_ENUM)
#undef UI_CMD_ENUM
	UI_CMD_COUNT
} UiCommand;

/* The command bound to a curses key code; *arg gets the label for digits. */
UiCommand keys_lookup(int key, int *arg);

/* For the help screen: the keys and the text of command (index 1..COUNT-1). */
const char *keys_help_keys(UiCommand command);
const char *keys_help_text(UiCommand command);

/* Parses a key name from a script ("a", "3", "<Down>", "<Enter>", "<PgDn>",
 * "<C-l>", "<Esc>", "<Resize>") into a curses key code; -1 when unknown. */
int keys_parse_name(const char *name);

#endif
