/* xalloc.h - allocation that never returns NULL: out of memory is fatal, after
 * the registered cleanup (the UI restores the terminal) has run (htop XUtils). */
#ifndef GAVEL_XALLOC_H
#define GAVEL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows an array of count elements of size bytes to at least need elements,
 * doubling; updates *capacity. */
void *xgrow(void *ptr, size_t *capacity, size_t need, size_t size);
/* A copy of s; NULL gives NULL. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Frees count strings and the array that holds them; NULL is fine. */
void xfree_strings(char **strings, size_t count);
/* A newly allocated printf-formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "gavel: MESSAGE" to stderr after running the fatal hook, then exits 1. */
_Noreturn void xdie(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sets the function xdie() calls first (for example to end curses). */
void xalloc_set_fatal_hook(void (*hook)(void));

#endif
