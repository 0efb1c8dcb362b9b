/* keys.c - the key table (htop's Action_setBindings, as data). */
#include "ui/keys.h"

#include <curses.h>
#include <string.h>

typedef struct {
	int key;
	UiCommand command;
} Binding;

static const Binding bindings[] = {
	{'a', UI_CMD_ACCEPT},       {'\n', UI_CMD_ACCEPT},      {'\r', UI_CMD_ACCEPT},
	{KEY_ENTER, UI_CMD_ACCEPT}, {'r', UI_CMD_VERDICT},      {'s', UI_CMD_SKIP},
	{'u', UI_CMD_UNDO},         {'n', UI_CMD_NOTE},         {'j', UI_CMD_NEXT},
	{KEY_DOWN, UI_CMD_NEXT},    {'k', UI_CMD_PREV},         {KEY_UP, UI_CMD_PREV},
	{KEY_NPAGE, UI_CMD_SCROLL_DOWN}, {' ', UI_CMD_SCROLL_DOWN},
	{KEY_PPAGE, UI_CMD_SCROLL_UP}, {'/', UI_CMD_SEARCH},    {'f', UI_CMD_FILTER},
	{'o', UI_CMD_ORDER},        {'h', UI_CMD_HISTORY},      {'d', UI_CMD_DASHBOARD},
	{'?', UI_CMD_HELP},         {12 /* ^L */, UI_CMD_REDRAW}, {'q', UI_CMD_QUIT},
};

UiCommand keys_lookup(int key, int *arg)
{
	*arg = 0;
	if (key >= '1' && key <= '9') {
		*arg = key - '0';
		return UI_CMD_LABEL;
	}
	for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
		if (bindings[i].key == key)
			return bindings[i].command;
	return UI_CMD_NONE;
}

static const char *const help_keys[] = {
	"",
#define UI_CMD_KEYS(name, keys, help) keys,
	UI_COMMANDS(UI_CMD_KEYS)
#undef UI_CMD_KEYS
};

static const char *const help_texts[] = {
	"",
#define UI_CMD_TEXT(name, keys, help) help,
	UI_COMMANDS(UI_CMD_TEXT)
#undef UI_CMD_TEXT
};

const char *keys_help_keys(UiCommand command)
{
	return command > 0 && command < UI_CMD_COUNT ? help_keys[command] : "";
}

const char *keys_help_text(UiCommand command)
{
	return command > 0 && command < UI_CMD_COUNT ? help_texts[command] : "";
}

int keys_parse_name(const char *name)
{
	static const struct {
		const char *name;
		int key;
	} named[] = {
		{"<Down>", KEY_DOWN}, {"<Up>", KEY_UP},       {"<Enter>", '\n'},
		{"<PgDn>", KEY_NPAGE}, {"<PgUp>", KEY_PPAGE}, {"<C-l>", 12},
		{"<Esc>", 27},        {"<Resize>", KEY_RESIZE}, {"<Space>", ' '},
		{"<Backspace>", KEY_BACKSPACE},
	};
	if (name[0] && !name[1])
		return (unsigned char)name[0];
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (!strcmp(name, named[i].name))
			return named[i].key;
	return -1;
}
