/* out.h - the one way text reaches stdout, stderr or a terminal outside the
 * review screen. Every string that came from a user, a file or a model is
 * cleaned by text_clean() (src/base/text.h: control and escape characters,
 * bidirectional and hidden characters made visible) before it is written;
 * only newlines and tabs pass as they are. tests/lint.sh allows the C
 * library's printing functions in this file and a few named others only, so
 * a raw string cannot slip through a printf somewhere else. */
#ifndef GAVEL_OUT_H
#define GAVEL_OUT_H

#include <stddef.h>
#include <stdio.h>

struct cJSON;

/* printf to f, the whole result cleaned (newlines and tabs kept). Returns
 * the length of the formatted text (as printf counts it, before cleaning). */
int out_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* s to f, cleaned (newlines and tabs kept); no newline added. */
void out_puts(FILE *f, const char *s);

/* Data for a file or a pipe (a template's text, an exported row): the exact
 * bytes, so a redirect gets back what was stored; but when f is a terminal
 * it is cleaned like everything else, since a terminal must never receive
 * raw text. */
void out_data(FILE *f, const char *s, size_t len);

/* A JSON document, then a newline: on one line, or indented when pretty.
 * cJSON escapes control characters; this also writes the characters that
 * could reorder or hide text (the ones text_clean makes visible) as \uXXXX
 * escapes, which decode to the same string. */
void out_json(FILE *f, const struct cJSON *json, int pretty);

/* Whether f is a terminal (colour and escape sequences are for those only;
 * NO_COLOR turns colour off everywhere). */
int out_is_terminal(FILE *f);
int out_colour(FILE *f);

/* The escape sequences gavel itself writes to a terminal (a progress bar
 * redrawn in place, a coloured diff line): written as they are, to f only
 * when out_is_terminal(f). */
void out_control(FILE *f, const char *sequence);

#endif
