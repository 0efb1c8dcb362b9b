/* screen.h - curses set up and torn down, on the real terminal or headless
 * (a virtual screen of a given size, for scripted tests), plus the two
 * things curses does not do for us: writing sixel bytes after it has drawn,
 * and dumping what is on the screen as text. */
#ifndef GAVEL_SCREEN_H
#define GAVEL_SCREEN_H

#include <stdint.h>
#include <stdio.h>

#include "src/base/status.h"

/* Starts curses. Headless when cols and rows are > 0: nothing is written to
 * the terminal and the screen is cols x rows. Restores the terminal on
 * SIGTERM, SIGHUP, SIGINT (they set a flag the loop reads) and on fatal
 * errors. */
Status screen_start(int headless_cols, int headless_rows);

/* Ends curses and restores the terminal; safe to call twice. */
void screen_stop(void);

/* Hands the terminal to a command for as long as it runs (an editor): curses
 * steps aside (endwin), `sh -c command` runs with arg as $1, then curses takes
 * the terminal back; the caller redraws everything, pictures too. In
 * headless mode curses has no terminal to give: the command just runs.
 * *exit_status gets its exit status (-1 when it did not exit normally). */
Status screen_run(const char *command, const char *arg, int *exit_status);

/* Set when a terminating signal arrived; the loop should save and leave. */
int screen_should_quit(void);

/* Whether the terminal can show 256 colours (blocks use the xterm-256 cube). */
int screen_has_256_colours(void);

/* A colour pair with xterm-256 foreground and background (cached). */
int screen_pair(int fg, int bg);

/* Writes bytes straight to the terminal, after curses' doupdate(); nothing in
 * headless mode. */
Status screen_write_raw(const void *data, size_t len);

/* Writes the screen's text, one line per row (trailing spaces trimmed), to f. */
void screen_dump(FILE *f);

/* The terminal's file descriptor for input (poll it; -1 when headless). */
int screen_input_fd(void);

#endif
