/* keys.c - the key tables (htop's Action_setBindings, as data) and what is
 * derived from them: lookups, the help screen, the key line. */
#include "ui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw.h"

/* Keys with a name: how scripts write them and how help shows them. */
static const struct {
	int key;
	const char *script, *shown;
} named_keys[] = {
	{'\n', "<Enter>", "Enter"},
	{'\r', NULL, "Enter"},
	{KEY_ENTER | KEYS_CODE, NULL, "Enter"},
	{KEY_DOWN | KEYS_CODE, "<Down>", "Down"},
	{KEY_UP | KEYS_CODE, "<Up>", "Up"},
	{KEY_NPAGE | KEYS_CODE, "<PgDn>", "PgDn"},
	{KEY_PPAGE | KEYS_CODE, "<PgUp>", "PgUp"},
	{' ', "<Space>", "Space"},
	{12, "<C-l>", "^L"},
	{27, "<Esc>", "Esc"},
	{KEY_BACKSPACE | KEYS_CODE, "<Backspace>", "Backspace"},
	{KEY_RESIZE | KEYS_CODE, "<Resize>", NULL},
};

enum { NAMED_KEYS = sizeof named_keys / sizeof named_keys[0] };

/* A key, or the range first..last of keys (the digits), bound to a command. */
typedef struct {
	Keymap keymap;
	int first, last;
	UiCommand command;
} Binding;

#define KEY1(map, key, command) {map, key, key, command}
#define CODE(map, key, command) {map, (key) | KEYS_CODE, (key) | KEYS_CODE, command}

static const Binding bindings[] = {
	KEY1(KEYMAP_REVIEW, 'a', UI_CMD_ACCEPT),
	KEY1(KEYMAP_REVIEW, '\n', UI_CMD_ACCEPT),
	KEY1(KEYMAP_REVIEW, '\r', UI_CMD_ACCEPT),
	CODE(KEYMAP_REVIEW, KEY_ENTER, UI_CMD_ACCEPT),
	{ KEYMAP_REVIEW, '1', '9', UI_CMD_LABEL },
	KEY1(KEYMAP_REVIEW, 'r', UI_CMD_VERDICT),
	KEY1(KEYMAP_REVIEW, 's', UI_CMD_SKIP),
	KEY1(KEYMAP_REVIEW, 'u', UI_CMD_UNDO),
	KEY1(KEYMAP_REVIEW, 'n', UI_CMD_NOTE),
	KEY1(KEYMAP_REVIEW, 'j', UI_CMD_NEXT),
	CODE(KEYMAP_REVIEW, KEY_DOWN, UI_CMD_NEXT),
	KEY1(KEYMAP_REVIEW, 'k', UI_CMD_PREV),
	CODE(KEYMAP_REVIEW, KEY_UP, UI_CMD_PREV),
	CODE(KEYMAP_REVIEW, KEY_NPAGE, UI_CMD_SCROLL_DOWN),
	KEY1(KEYMAP_REVIEW, ' ', UI_CMD_SCROLL_DOWN),
	CODE(KEYMAP_REVIEW, KEY_PPAGE, UI_CMD_SCROLL_UP),
	KEY1(KEYMAP_REVIEW, '/', UI_CMD_SEARCH),
	KEY1(KEYMAP_REVIEW, 'f', UI_CMD_FILTER),
	KEY1(KEYMAP_REVIEW, 'o', UI_CMD_ORDER),
	KEY1(KEYMAP_REVIEW, 'h', UI_CMD_HISTORY),
	KEY1(KEYMAP_REVIEW, 'i', UI_CMD_ITEM),
	KEY1(KEYMAP_REVIEW, 'R', UI_CMD_RETRAIN),
	KEY1(KEYMAP_REVIEW, 'd', UI_CMD_DASHBOARD),
	KEY1(KEYMAP_REVIEW, 'L', UI_CMD_LAB),
	KEY1(KEYMAP_REVIEW, 'c', UI_CMD_ADJUDICATION),
	KEY1(KEYMAP_REVIEW, '?', UI_CMD_HELP),
	KEY1(KEYMAP_REVIEW, 12, UI_CMD_REDRAW),
	KEY1(KEYMAP_REVIEW, 'q', UI_CMD_QUIT),

	KEY1(KEYMAP_LINES, 'j', UI_CMD_NEXT),
	CODE(KEYMAP_LINES, KEY_DOWN, UI_CMD_NEXT),
	KEY1(KEYMAP_LINES, 'k', UI_CMD_PREV),
	CODE(KEYMAP_LINES, KEY_UP, UI_CMD_PREV),
	CODE(KEYMAP_LINES, KEY_NPAGE, UI_CMD_SCROLL_DOWN),
	KEY1(KEYMAP_LINES, ' ', UI_CMD_SCROLL_DOWN),
	CODE(KEYMAP_LINES, KEY_PPAGE, UI_CMD_SCROLL_UP),
	KEY1(KEYMAP_LINES, 12, UI_CMD_REDRAW),
	KEY1(KEYMAP_LINES, 'L', UI_CMD_LAB),
	KEY1(KEYMAP_LINES, 'q', UI_CMD_CLOSE),
	KEY1(KEYMAP_LINES, 27, UI_CMD_CLOSE),

	KEY1(KEYMAP_DASHBOARD, 'p', UI_CMD_NEXT_PROMPT),
	KEY1(KEYMAP_DASHBOARD, 'v', UI_CMD_NEXT_REVIEWER),
	KEY1(KEYMAP_DASHBOARD, 12, UI_CMD_REDRAW),
	KEY1(KEYMAP_DASHBOARD, 'L', UI_CMD_LAB),
	KEY1(KEYMAP_DASHBOARD, 'q', UI_CMD_CLOSE),
	KEY1(KEYMAP_DASHBOARD, 27, UI_CMD_CLOSE),

	KEY1(KEYMAP_LAB, 'j', UI_CMD_NEXT),
	CODE(KEYMAP_LAB, KEY_DOWN, UI_CMD_NEXT),
	KEY1(KEYMAP_LAB, 'k', UI_CMD_PREV),
	CODE(KEYMAP_LAB, KEY_UP, UI_CMD_PREV),
	CODE(KEYMAP_LAB, KEY_NPAGE, UI_CMD_SCROLL_DOWN),
	CODE(KEYMAP_LAB, KEY_PPAGE, UI_CMD_SCROLL_UP),
	KEY1(KEYMAP_LAB, 'e', UI_CMD_EDIT),
	KEY1(KEYMAP_LAB, 'r', UI_CMD_RERUN),
	KEY1(KEYMAP_LAB, 'R', UI_CMD_RERUN_SAMPLE),
	KEY1(KEYMAP_LAB, 'm', UI_CMD_MARK),
	KEY1(KEYMAP_LAB, 'c', UI_CMD_COMPARE),
	KEY1(KEYMAP_LAB, 'd', UI_CMD_DIFF),
	KEY1(KEYMAP_LAB, 's', UI_CMD_SUGGEST),
	KEY1(KEYMAP_LAB, 't', UI_CMD_TEST),
	KEY1(KEYMAP_LAB, 'x', UI_CMD_CANCEL),
	KEY1(KEYMAP_LAB, 'L', UI_CMD_LAB),
	KEY1(KEYMAP_LAB, '?', UI_CMD_HELP),
	KEY1(KEYMAP_LAB, 12, UI_CMD_REDRAW),
	KEY1(KEYMAP_LAB, 'q', UI_CMD_CLOSE),
	KEY1(KEYMAP_LAB, 27, UI_CMD_CLOSE),

	KEY1(KEYMAP_COMPARE, 'j', UI_CMD_NEXT),
	CODE(KEYMAP_COMPARE, KEY_DOWN, UI_CMD_NEXT),
	KEY1(KEYMAP_COMPARE, 'k', UI_CMD_PREV),
	CODE(KEYMAP_COMPARE, KEY_UP, UI_CMD_PREV),
	CODE(KEYMAP_COMPARE, KEY_NPAGE, UI_CMD_SCROLL_DOWN),
	KEY1(KEYMAP_COMPARE, ' ', UI_CMD_SCROLL_DOWN),
	CODE(KEYMAP_COMPARE, KEY_PPAGE, UI_CMD_SCROLL_UP),
	{ KEYMAP_COMPARE, '0', '6', UI_CMD_CLASS },
	KEY1(KEYMAP_COMPARE, '\n', UI_CMD_OPEN),
	KEY1(KEYMAP_COMPARE, '\r', UI_CMD_OPEN),
	CODE(KEYMAP_COMPARE, KEY_ENTER, UI_CMD_OPEN),
	KEY1(KEYMAP_COMPARE, 's', UI_CMD_SEND),
	KEY1(KEYMAP_COMPARE, 'x', UI_CMD_CANCEL),
	KEY1(KEYMAP_COMPARE, 'L', UI_CMD_LAB),
	KEY1(KEYMAP_COMPARE, '?', UI_CMD_HELP),
	KEY1(KEYMAP_COMPARE, 12, UI_CMD_REDRAW),
	KEY1(KEYMAP_COMPARE, 'q', UI_CMD_CLOSE),
	KEY1(KEYMAP_COMPARE, 27, UI_CMD_CLOSE),
	{ KEYMAP_ADJUDICATE, '1', '9', UI_CMD_FINAL },
	KEY1(KEYMAP_ADJUDICATE, 'u', UI_CMD_UNDO),
	KEY1(KEYMAP_ADJUDICATE, 'A', UI_CMD_BULK_ACCEPT),
	KEY1(KEYMAP_ADJUDICATE, 'f', UI_CMD_FILTER),
	KEY1(KEYMAP_ADJUDICATE, 'j', UI_CMD_NEXT),
	CODE(KEYMAP_ADJUDICATE, KEY_DOWN, UI_CMD_NEXT),
	KEY1(KEYMAP_ADJUDICATE, 'k', UI_CMD_PREV),
	CODE(KEYMAP_ADJUDICATE, KEY_UP, UI_CMD_PREV),
	CODE(KEYMAP_ADJUDICATE, KEY_NPAGE, UI_CMD_SCROLL_DOWN),
	KEY1(KEYMAP_ADJUDICATE, ' ', UI_CMD_SCROLL_DOWN),
	CODE(KEYMAP_ADJUDICATE, KEY_PPAGE, UI_CMD_SCROLL_UP),
	KEY1(KEYMAP_ADJUDICATE, 12, UI_CMD_REDRAW),
	KEY1(KEYMAP_ADJUDICATE, 'q', UI_CMD_CLOSE),
	KEY1(KEYMAP_ADJUDICATE, 27, UI_CMD_CLOSE),

	KEY1(KEYMAP_EDIT, '\n', UI_CMD_ACCEPT),
	KEY1(KEYMAP_EDIT, '\r', UI_CMD_ACCEPT),
	CODE(KEYMAP_EDIT, KEY_ENTER, UI_CMD_ACCEPT),
	KEY1(KEYMAP_EDIT, 27, UI_CMD_CLOSE),
	CODE(KEYMAP_EDIT, KEY_BACKSPACE, UI_CMD_DELETE),
	KEY1(KEYMAP_EDIT, 127, UI_CMD_DELETE),
	KEY1(KEYMAP_EDIT, 8, UI_CMD_DELETE),
};

enum { BINDINGS = sizeof bindings / sizeof bindings[0] };

/* What an unbound key does on each screen. */
static const UiCommand unbound[KEYMAP_COUNT] = {
	[KEYMAP_REVIEW] = UI_CMD_NONE,     [KEYMAP_LINES] = UI_CMD_CLOSE,
	[KEYMAP_DASHBOARD] = UI_CMD_CLOSE, [KEYMAP_LAB] = UI_CMD_NONE,
	[KEYMAP_COMPARE] = UI_CMD_NONE,    [KEYMAP_EDIT] = UI_CMD_NONE, /* a character to insert */
	[KEYMAP_ADJUDICATE] = UI_CMD_NONE,
};

static const char *const hint_words[] = {
	"",
#define UI_CMD_HINT(name, hint, help) hint,
	UI_COMMANDS(UI_CMD_HINT)
#undef UI_CMD_HINT
};

static const char *const help_texts[] = {
	"",
#define UI_CMD_HELP_TEXT(name, hint, help) help,
	UI_COMMANDS(UI_CMD_HELP_TEXT)
#undef UI_CMD_HELP_TEXT
};

UiCommand keys_lookup(Keymap keymap, int key, int *arg)
{
	*arg = 0;
	for (int i = 0; i < BINDINGS; i++) {
		const Binding *b = &bindings[i];
		if (b->keymap == keymap && key >= b->first && key <= b->last) {
			if (b->first != b->last)
				*arg = key - b->first + 1;
			return b->command;
		}
	}
	return unbound[keymap];
}

/* How a binding shows: "a", "Enter", "1-5" (a range, cut to the scale). */
static void key_shown(const Binding *b, int labels, char *out, size_t size)
{
	if (b->first != b->last) {
		/* the digits of labels (a decision, a final label) stop at the
		 * scale's size; other ranges (the lab's classes) show whole */
		int is_label = b->command == UI_CMD_LABEL || b->command == UI_CMD_FINAL;
		int last = is_label && b->first + labels - 1 < b->last ? b->first + labels - 1
								       : b->last;
		snprintf(out, size, "%c-%c", b->first, last);
		return;
	}
	for (int i = 0; i < NAMED_KEYS; i++)
		if (named_keys[i].key == b->first) {
			snprintf(out, size, "%s", named_keys[i].shown ? named_keys[i].shown : "");
			return;
		}
	snprintf(out, size, "%c", b->first);
}

/* Every key of command in keymap, as "a Enter" (each name once). */
static void keys_of(Keymap keymap, UiCommand command, int labels, char *out, size_t size)
{
	out[0] = '\0';
	for (int i = 0; i < BINDINGS; i++) {
		char name[16];
		if (bindings[i].keymap != keymap || bindings[i].command != command)
			continue;
		key_shown(&bindings[i], labels, name, sizeof name);
		if (!*name || strstr(out, name))
			continue;
		snprintf(out + strlen(out), size - strlen(out), "%s%s", *out ? " " : "", name);
	}
}

void keys_help(Keymap keymap, int labels, void (*line)(void *arg, const char *text), void *arg)
{
	for (int c = 1; c < UI_CMD_COUNT; c++) {
		char keys[64], text[256];
		keys_of(keymap, (UiCommand)c, labels, keys, sizeof keys);
		if (!*keys)
			continue;
		snprintf(text, sizeof text, "%-12s %s", keys, help_texts[c]);
		line(arg, text);
	}
}

void keys_hint(Keymap keymap, int labels, int width, char *out, size_t size)
{
	char entries[UI_CMD_COUNT][96];
	int count = 0, keep_last = 0, used = 0;
	for (int c = 1; c < UI_CMD_COUNT; c++) {
		char keys[64];
		keys_of(keymap, (UiCommand)c, labels, keys, sizeof keys);
		if (!hint_words[c] || !*keys)
			continue;
		/* the first key alone: "a accept", not "a Enter accept" */
		keys[strcspn(keys, " ")] = '\0';
		snprintf(entries[count++], sizeof entries[0], "%s %s", keys, hint_words[c]);
		if (c == UI_CMD_HELP || c == UI_CMD_CLOSE || c == UI_CMD_QUIT)
			keep_last++;
	}
	/* help, close and quit come last in UI_COMMANDS and always show; the
	 * entries before them go first, each where it still fits */
	out[0] = '\0';
	for (int i = count - keep_last; i < count; i++)
		used += draw_width(entries[i]) + 2;
	for (int i = 0; i < count; i++) {
		int w = draw_width(entries[i]) + 2;
		if (i < count - keep_last && used + w + 1 > width)
			continue;
		if (i < count - keep_last)
			used += w;
		snprintf(out + strlen(out), size - strlen(out), " %s ", entries[i]);
	}
	out[strlen(out) ? strlen(out) - 1 : 0] = '\0';
}

int keys_parse_name(const char *name)
{
	if (name[0] && !name[1])
		return (unsigned char)name[0];
	for (int i = 0; i < NAMED_KEYS; i++)
		if (named_keys[i].script && !strcmp(name, named_keys[i].script))
			return named_keys[i].key;
	return -1;
}
