/* config.h - the user's settings file, $XDG_CONFIG_HOME/gavel/config (else
 * ~/.config/gavel/config): INI-style "[section]" headings and "key = value"
 * lines, '#' comments. Flags beat the environment, which beats this file. */
#ifndef GAVEL_CONFIG_H
#define GAVEL_CONFIG_H

/* The value of key in [section], newly allocated, or NULL when the file or
 * the key is absent. Malformed lines are passed over. */
char *config_get(const char *section, const char *key);

/* The path of the settings file, newly allocated. */
char *config_path(void);

#endif
