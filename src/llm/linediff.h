/* linediff.h - a line diff (Myers' O(ND) algorithm) printed as a unified
 * diff, for comparing prompt versions. */
#ifndef GAVEL_LINEDIFF_H
#define GAVEL_LINEDIFF_H

enum {
	LINEDIFF_COLOR = 1, /* ANSI colours as git uses them: for a terminal only */
	LINEDIFF_CLEAN = 2, /* control characters in the texts and labels made visible */
};

/* Beyond this many differing lines the diff stops searching for the
 * shortest edit and shows everything between the common head and tail as
 * one change: still a correct diff, and time and memory stay bounded
 * (the search keeps about MAX_EDITS^2 positions). */
enum { LINEDIFF_MAX_EDITS = 2000 };

/* A unified diff turning text a into text b: "--- label_a", "+++ label_b",
 * then hunks with context lines of context around each change ("\ No
 * newline at end of file" where a text does not end in one). flags is a
 * combination of LINEDIFF_COLOR and LINEDIFF_CLEAN. Returns a new string
 * the caller frees: "" when the texts are equal. */
char *linediff_unified(const char *a, const char *b, const char *label_a, const char *label_b,
		       int context, unsigned flags);

#endif
