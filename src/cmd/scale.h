/* scale.h - the label scale given on the command line ("1:bad,2:ok,3:good"). */
#ifndef GAVEL_SCALE_H
#define GAVEL_SCALE_H

#include "src/base/status.h"

/* One digit key overrides a label in the review UI, so K is at most 9. */
enum { SCALE_MIN_LEVELS = 2, SCALE_MAX_LEVELS = 9 };

typedef struct {
	int count;
	char *names[SCALE_MAX_LEVELS]; /* owned; names[0] is value 1 */
} Scale;

/* The default product-photo quality scale (docs/gavel.1, init). */
void scale_default(Scale *scale);

/* Parses "1:bad,2:ok,3:good" (values must run 1..K in order) or "bad,ok,good".
 * STATUS_ERR_USAGE with a detail saying what is wrong. */
Status scale_parse(const char *spec, Scale *scale);

void scale_free(Scale *scale);

#endif
