/* config.c - reading and checking the user's settings file. */
#include "src/cmd/config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/base/text.h"
#include "src/base/xalloc.h"
#include "src/llm/provider.h"

/* The keys a labeller's section takes, by the kind of labeller: a local one
 * (the heuristic) has no endpoint, model, key or price. */
static const struct {
	const char *key;
	ProviderKind kind;
	int price; /* a non-negative number: USD per million tokens */
} known_keys[] = {
    {"base_url", PROVIDER_HTTP, 0}, {"model", PROVIDER_HTTP, 0},     {"api_key", PROVIDER_HTTP, 0},
    {"price_in", PROVIDER_HTTP, 1}, {"price_out", PROVIDER_HTTP, 1},
};
enum { KEY_COUNT = sizeof known_keys / sizeof known_keys[0] };

/* A key set in a section, and where. */
typedef struct {
	const ProviderOps *section;
	int key; /* index into known_keys */
	long line;
} Set;

/* One pass over the file: where it is, and what has been seen. */
typedef struct {
	const char *path;
	long line;
	const ProviderOps *section; /* the labeller of the current heading */
	Set *set;		    /* owned: every key set so far */
	size_t set_count, set_cap;
	const char *want_section, *want_key;
	char *value; /* owned: the wanted key's value */
} Pass;

char *config_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		return xasprintf("%s/gavel/config", xdg);
	return xasprintf("%s/.config/gavel/config", home && *home ? home : ".");
}

static Status bad(const Pass *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static Status bad(const Pass *p, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return status_fail(STATUS_ERR_INPUT, "%s:%ld: %s", p->path, p->line, what);
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

/* Cuts a comment off a value: '#' or ';' after white space. */
static void cut_comment(char *value)
{
	for (char *c = value; *c; c++)
		if ((*c == '#' || *c == ';') && c > value && (c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			return;
		}
}

/* The value in s: "quoted" (a comment may follow), or up to a comment and
 * trimmed. NULL when a quote is not closed or text follows it. */
static char *unquote(char *s)
{
	char *close, *rest;
	if (*s != '"') {
		cut_comment(s);
		return trim(s);
	}
	close = strchr(s + 1, '"');
	if (!close)
		return NULL;
	*close = '\0';
	rest = trim(close + 1);
	return !*rest || *rest == '#' || *rest == ';' ? s + 1 : NULL;
}

/* The line as text: valid UTF-8 without control characters but tabs and
 * the line end. */
static Status check_text(const Pass *p, const char *s, size_t len)
{
	for (size_t i = 0, k; i < len; i += k) {
		unsigned cp;
		k = text_utf8_decode(s + i, len - i, &cp);
		if (!k)
			return bad(p, "not UTF-8 (at byte %zu)", i + 1);
		if ((cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\n') || cp == 0x7F)
			return bad(p, "a control character (U+%04X) at byte %zu", cp, i + 1);
	}
	return STATUS_OK;
}

/* "key, key, key": the keys a kind of labeller takes ("" for none). */
static void keys_of(ProviderKind kind, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < KEY_COUNT && n < cap; i++)
		if (known_keys[i].kind == kind)
			n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? ", " : "",
					      known_keys[i].key);
}

static Status heading(Pass *p, char *s)
{
	char *close = strchr(s, ']'), *rest, *name;
	if (!close)
		return bad(p, "a section heading needs its ']': \"%s\"", s);
	*close = '\0';
	rest = trim(close + 1);
	if (*rest && *rest != '#' && *rest != ';')
		return bad(p, "text after the section heading: \"%s\"", rest);
	name = trim(s + 1);
	p->section = provider_find(name);
	if (!p->section)
		return bad(p, "unknown section [%s]: a section is a labeller, %s", name,
			   provider_names());
	return STATUS_OK;
}

static int key_index(const Pass *p, const char *key)
{
	for (int i = 0; i < KEY_COUNT; i++)
		if (known_keys[i].kind == p->section->kind && !strcmp(known_keys[i].key, key))
			return i;
	return -1;
}

/* The line key k was first set on in the current section, or 0; notes it
 * as set on this line. */
static long first_set(Pass *p, int k)
{
	for (size_t i = 0; i < p->set_count; i++)
		if (p->set[i].section == p->section && p->set[i].key == k)
			return p->set[i].line;
	p->set = xgrow(p->set, &p->set_cap, p->set_count + 1, sizeof *p->set);
	p->set[p->set_count++] = (Set){p->section, k, p->line};
	return 0;
}

static Status setting(Pass *p, char *s)
{
	char *eq = strchr(s, '='), *key, *value, *end, keys[256];
	long first;
	int k;
	if (!eq)
		return bad(p, "expected \"key = value\" or \"[section]\", not \"%s\"", s);
	*eq = '\0';
	key = trim(s);
	value = unquote(trim(eq + 1));
	if (!value)
		return bad(p, "a quoted value needs its closing '\"' and nothing after it but a "
			      "comment");
	if (!*key)
		return bad(p, "a setting without a key: \"= %s\"", value);
	if (!p->section)
		return bad(p, "\"%s\" is outside a section: put it under a labeller's heading, %s",
			   key, provider_names());
	k = key_index(p, key);
	keys_of(p->section->kind, keys, sizeof keys);
	if (k < 0 && !keys[0])
		return bad(p, "unknown key \"%s\": [%s] takes no settings", key, p->section->name);
	if (k < 0)
		return bad(p, "unknown key \"%s\" in [%s], which takes %s", key, p->section->name,
			   keys);
	first = first_set(p, k);
	if (first)
		return bad(p, "%s is set twice in [%s] (also on line %ld)", key, p->section->name,
			   first);
	if (known_keys[k].price) {
		double price = strtod(value, &end);
		if (end == value || *end || !isfinite(price) || price < 0)
			return bad(p, "%s is a price in USD per million tokens, not \"%s\"", key,
				   value);
	}
	if (p->want_key && !strcmp(p->want_section, p->section->name) && !strcmp(p->want_key, key))
		p->value = xstrdup(value);
	return STATUS_OK;
}

static Status one_line(Pass *p, char *line, size_t len)
{
	char *s;
	Status st;
	if (p->line == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3))
		line += 3, len -= 3; /* a byte order mark (Notepad) */
	st = check_text(p, line, len);
	if (st != STATUS_OK)
		return st;
	s = trim(line);
	if (!*s || *s == '#' || *s == ';')
		return STATUS_OK;
	return *s == '[' ? heading(p, s) : setting(p, s);
}

/* Whether a config file that would not open counts as absent: it does not
 * exist, or a folder above it may not be searched, as when another user runs
 * gavel with root's HOME (sudo -u). A file that is there but unreadable is
 * an error: the user wrote settings we would silently ignore. */
static bool config_absent(const char *path, int open_errno)
{
	struct stat sb;
	if (open_errno == ENOENT)
		return true;
	return open_errno == EACCES && stat(path, &sb) != 0 && errno == EACCES;
}

/* Reads the file at p->path; a missing one is an empty one. */
static Status read_file(Pass *p)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	Status st = STATUS_OK;
	FILE *f = fopen(p->path, "r");
	if (!f)
		return config_absent(p->path, errno)
			   ? STATUS_OK
			   : status_fail(STATUS_ERR_IO, "%s: %s", p->path, strerror(errno));
	while (st == STATUS_OK && (len = getline(&line, &cap, f)) >= 0) {
		p->line++;
		st = one_line(p, line, (size_t)len);
	}
	if (st == STATUS_OK && ferror(f))
		st = status_fail(STATUS_ERR_IO, "%s: %s", p->path, strerror(errno));
	free(line);
	free(p->set);
	fclose(f);
	return st;
}

Status config_check(void)
{
	char *path = config_path();
	Pass p = {.path = path};
	Status st = read_file(&p);
	free(path);
	return st;
}

char *config_get(const char *section, const char *key)
{
	char *path = config_path();
	Pass p = {.path = path, .want_section = section, .want_key = key};
	if (read_file(&p) != STATUS_OK) {
		free(p.value);
		p.value = NULL;
	}
	free(path);
	return p.value;
}

int config_price(void *arg, const char *provider, double *in, double *out)
{
	char *a = config_get(provider, "price_in"), *b = config_get(provider, "price_out");
	int known = a || b;
	(void)arg;
	*in = a ? atof(a) : 0;
	*out = b ? atof(b) : 0;
	free(a), free(b);
	return known;
}
