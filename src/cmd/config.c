/* config.c - reading the user's settings file. */
#include "src/cmd/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

char *config_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		return xasprintf("%s/gavel/config", xdg);
	return xasprintf("%s/.config/gavel/config", home && *home ? home : ".");
}

/* Trims white space at both ends, in place. */
static char *trim(char *s)
{
	char *end;
	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

char *config_get(const char *section, const char *key)
{
	char *path = config_path(), *line = NULL, *value = NULL;
	size_t cap = 0;
	int in_section = 0;
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return NULL;
	while (!value && getline(&line, &cap, f) > 0) {
		char *s = trim(line), *eq;
		if (*s == '#' || *s == ';' || !*s)
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');
			if (close) {
				*close = '\0';
				in_section = !strcmp(trim(s + 1), section);
			}
			continue;
		}
		eq = strchr(s, '=');
		if (!in_section || !eq)
			continue;
		*eq = '\0';
		if (!strcmp(trim(s), key))
			value = xstrdup(trim(eq + 1));
	}
	free(line);
	fclose(f);
	return value;
}
