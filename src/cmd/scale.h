/* scale.h - the label scale given on the command line ("1:bad,2:ok,3:good"). */
#ifndef GAVEL_SCALE_H
#define GAVEL_SCALE_H

#include "src/base/status.h"

/* One digit key overrides a label in the review UI, so K is at most 9. A
 * name is at most SCALE_MAX_NAME characters (code points). */
enum { SCALE_MIN_LEVELS = 2, SCALE_MAX_LEVELS = 9, SCALE_MAX_NAME = 64 };

typedef struct {
	int count;
	char *names[SCALE_MAX_LEVELS]; /* owned; names[0] is value 1 */
} Scale;

/* The default product-photo quality scale (docs/gavel.1, init). */
void scale_default(Scale *scale);

/* Parses "1:bad,2:ok,3:good" (values must run 1..K in order) or "bad,ok,good".
 * Names are trimmed of Unicode spaces and zero-width characters; an empty
 * level, a repeated name, invalid UTF-8, a control or bidirectional mark in a
 * name, or a name over SCALE_MAX_NAME characters is STATUS_ERR_USAGE with a
 * detail naming the level. */
Status scale_parse(const char *spec, Scale *scale);

void scale_free(Scale *scale);

#endif
