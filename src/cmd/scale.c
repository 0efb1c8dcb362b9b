/* scale.c - parsing and checking a label scale. */
#include "src/cmd/scale.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"

static const char *const default_names[] = {"unusable", "poor", "acceptable", "good",
					     "excellent"};

void scale_default(Scale *scale)
{
	scale->count = 5;
	for (int i = 0; i < 5; i++)
		scale->names[i] = xstrdup(default_names[i]);
}

void scale_free(Scale *scale)
{
	for (int i = 0; i < scale->count; i++)
		free(scale->names[i]);
	scale->count = 0;
}

/* Takes "N:name" or "name" as level number `expect`; returns the name or NULL. */
static Status parse_level(const char *level, int expect, char **name)
{
	const char *colon = strchr(level, ':');
	const char *start = level;
	if (colon) {
		char *end;
		long value = strtol(level, &end, 10);
		if (end != colon || value != expect)
			return status_fail(STATUS_ERR_USAGE,
					   "--scale: level \"%s\" should be numbered %d (levels run 1..K "
					   "in order)",
					   level, expect);
		start = colon + 1;
	}
	while (isspace((unsigned char)*start))
		start++;
	if (!*start)
		return status_fail(STATUS_ERR_USAGE, "--scale: level %d has no name", expect);
	for (const char *p = start; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			return status_fail(STATUS_ERR_USAGE,
					   "--scale: level %d has a control character in its name",
					   expect);
	*name = xstrdup(start);
	return STATUS_OK;
}

Status scale_parse(const char *spec, Scale *scale)
{
	char *copy = xstrdup(spec), *save = NULL;
	Status st = STATUS_OK;

	scale->count = 0;
	for (char *level = strtok_r(copy, ",", &save); level; level = strtok_r(NULL, ",", &save)) {
		if (scale->count == SCALE_MAX_LEVELS) {
			st = status_fail(STATUS_ERR_USAGE, "--scale: at most %d levels (one digit key each)",
					 SCALE_MAX_LEVELS);
			goto out;
		}
		st = parse_level(level, scale->count + 1, &scale->names[scale->count]);
		if (st != STATUS_OK)
			goto out;
		scale->count++;
		for (int i = 0; i < scale->count - 1; i++)
			if (!strcmp(scale->names[i], scale->names[scale->count - 1])) {
				st = status_fail(STATUS_ERR_USAGE, "--scale: the name \"%s\" is used twice",
						 scale->names[i]);
				goto out;
			}
	}
	if (scale->count < SCALE_MIN_LEVELS)
		st = status_fail(STATUS_ERR_USAGE, "--scale: give at least %d levels, like \"1:bad,2:ok,3:good\"",
				 SCALE_MIN_LEVELS);
out:
	free(copy);
	if (st != STATUS_OK)
		scale_free(scale);
	return st;
}
