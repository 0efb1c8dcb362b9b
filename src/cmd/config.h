/* config.h - the user's settings file, $XDG_CONFIG_HOME/gavel/config (else
 * ~/.config/gavel/config): INI-style "[section]" headings and "key = value"
 * lines, '#' or ';' comments (also after a value, following white space).
 * A section is a labeller of the provider table ([openai], [anthropic]) and
 * takes the keys that labeller uses. Flags beat the environment, which beats
 * this file. */
#ifndef GAVEL_CONFIG_H
#define GAVEL_CONFIG_H

#include "src/base/status.h"

/* Reads the whole settings file and checks it: every line a heading, a
 * setting, a comment or blank; every section a labeller; every key one its
 * labeller takes, given once; prices non-negative numbers. A missing file is
 * fine. STATUS_ERR_INPUT with "PATH:LINE: what is wrong" for the first
 * problem (unknown keys are errors: a misspelt base_url would otherwise send
 * requests, and the key, to the default endpoint); STATUS_ERR_IO when it
 * cannot be read. Commands that read settings call it first. */
Status config_check(void);

/* The value of key in [section], newly allocated, or NULL when the file or
 * the key is absent, or when config_check() would refuse the file (a broken
 * file is not half used). */
char *config_get(const char *section, const char *key);

/* A labeller's prices per million tokens from its section (price_in,
 * price_out; an absent one is 0): 1 when either is set, else 0. The shape of
 * labdata_price_fallback's callback (arg unused). */
int config_price(void *arg, const char *provider, double *in, double *out);

/* The path of the settings file, newly allocated. */
char *config_path(void);

#endif
