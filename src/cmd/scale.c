/* scale.c - parsing and checking a label scale. */
#include "src/cmd/scale.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/text.h"
#include "src/base/xalloc.h"

static const char *const default_names[] = {"unusable", "poor", "acceptable", "good", "excellent"};

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

/* Unicode white space and the zero-width characters: trimmed from both ends
 * of a name, since they cannot be seen (a name made of them is empty). */
static int invisible(unsigned cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200D) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202F || cp == 0x205F || cp == 0x2060 || cp == 0x3000 || cp == 0xFEFF;
}

/* What a name may not hold anywhere: control characters (C0, DEL, C1) and
 * the marks that reorder or hide text (bidirectional embeddings, overrides,
 * isolates); a label name is shown in every report for the database's life. */
static int forbidden(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
	       cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Trims invisible characters from both ends of the valid UTF-8 text
 * [*start, *end). */
static void trim(const char **start, const char **end)
{
	unsigned cp;
	size_t k;
	const char *last;
	while (*start < *end && (k = text_utf8_decode(*start, (size_t)(*end - *start), &cp)) &&
	       invisible(cp))
		*start += k;
	last = *start;
	for (const char *p = *start; p < *end; p += k) {
		k = text_utf8_decode(p, (size_t)(*end - p), &cp);
		if (!invisible(cp))
			last = p + k;
	}
	*end = last;
}

/* Checks the trimmed name [start, end) of level `level`. */
static Status check_name(const char *start, const char *end, int level)
{
	unsigned cp;
	size_t k;
	int count = 0;
	if (start == end)
		return status_fail(STATUS_ERR_USAGE, "--scale: level %d is empty", level);
	for (const char *p = start; p < end; p += k, count++) {
		k = text_utf8_decode(p, (size_t)(end - p), &cp);
		if (forbidden(cp))
			return status_fail(STATUS_ERR_USAGE,
					   "--scale: level %d has a control or "
					   "formatting character (U+%04X) in its name",
					   level, cp);
	}
	if (count > SCALE_MAX_NAME)
		return status_fail(STATUS_ERR_USAGE,
				   "--scale: level %d is longer than %d characters", level,
				   SCALE_MAX_NAME);
	return STATUS_OK;
}

/* Takes "N:name" or "name", the bytes [start, end), as level number
 * `expect`; the name, trimmed, goes to *name. */
static Status parse_level(const char *start, const char *end, int expect, char **name)
{
	const char *colon = memchr(start, ':', (size_t)(end - start)), *num = start, *num_end;
	char *digits_end;
	Status st;

	for (const char *p = start; p < end;) {
		unsigned cp;
		size_t k = text_utf8_decode(p, (size_t)(end - p), &cp);
		if (!k)
			return status_fail(STATUS_ERR_USAGE, "--scale: level %d is not UTF-8",
					   expect);
		p += k;
	}
	if (colon) {
		num_end = colon;
		trim(&num, &num_end);
		if (num == num_end || !isdigit((unsigned char)*num) ||
		    strtol(num, &digits_end, 10) != expect || digits_end != num_end)
			return status_fail(
			    STATUS_ERR_USAGE,
			    "--scale: level \"%.*s\" should be numbered %d (levels run "
			    "1..K in order)",
			    (int)(end - start), start, expect);
		start = colon + 1;
	}
	trim(&start, &end);
	st = check_name(start, end, expect);
	if (st == STATUS_OK)
		*name = xstrndup(start, (size_t)(end - start));
	return st;
}

/* Every level is between commas: an empty one is an error, not skipped. */
Status scale_parse(const char *spec, Scale *scale)
{
	Status st = STATUS_OK;
	const char *p = spec;

	scale->count = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		if (scale->count == SCALE_MAX_LEVELS) {
			st = status_fail(STATUS_ERR_USAGE,
					 "--scale: at most %d levels (one digit key each)",
					 SCALE_MAX_LEVELS);
			break;
		}
		st = parse_level(p, end, scale->count + 1, &scale->names[scale->count]);
		if (st != STATUS_OK)
			break;
		scale->count++;
		for (int i = 0; i < scale->count - 1; i++)
			if (!strcmp(scale->names[i], scale->names[scale->count - 1]))
				st = status_fail(STATUS_ERR_USAGE,
						 "--scale: the name \"%s\" is used twice",
						 scale->names[i]);
		if (st != STATUS_OK || !comma)
			break;
		p = comma + 1;
	}
	if (st == STATUS_OK && scale->count < SCALE_MIN_LEVELS)
		st = status_fail(STATUS_ERR_USAGE,
				 "--scale: give at least %d levels, like \"1:bad,2:ok,3:good\"",
				 SCALE_MIN_LEVELS);
	if (st != STATUS_OK)
		scale_free(scale);
	return st;
}
