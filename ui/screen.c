/* screen.c - curses life cycle, signals, colour pairs, raw writes, dumps. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/screen.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wchar.h>

#include "src/base/xalloc.h"
#include "ui/gfx.h"

static SCREEN *screen;
static FILE *headless_out, *headless_in;
static int started, headless;
static volatile sig_atomic_t quit_requested;

static void on_signal(int sig)
{
	(void)sig;
	quit_requested = 1;
}

int screen_should_quit(void)
{
	return quit_requested;
}

static void fatal_hook(void)
{
	screen_stop();
}

Status screen_start(int cols, int rows)
{
	struct sigaction sa;
	headless = cols > 0 && rows > 0;
	if (headless) {
		/* a virtual terminal: curses draws into its own screen and we read it back */
		headless_out = fopen("/dev/null", "w");
		headless_in = fopen("/dev/null", "r");
		if (!headless_out || !headless_in)
			return status_fail(STATUS_ERR_IO, "cannot open /dev/null");
		screen = newterm("xterm-256color", headless_out, headless_in);
		if (!screen)
			return status_fail(STATUS_ERR_IO, "curses has no xterm-256color terminal");
		set_term(screen);
		resizeterm(rows, cols);
	} else {
		if (!isatty(0) || !isatty(1))
			return status_fail(STATUS_ERR_USAGE, "gavel review needs a terminal (or "
					   "--script for a headless run)");
		if (!initscr())
			return status_fail(STATUS_ERR_IO, "cannot start curses");
	}
	started = 1;
	xalloc_set_fatal_hook(fatal_hook);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE); /* the loop polls the tty and the image worker together */
	curs_set(0);
	/* images sit on the screen where curses cannot see them: it must never
	 * scroll or shift lines to save bytes */
	scrollok(stdscr, FALSE);
	idlok(stdscr, FALSE);
	idcok(stdscr, FALSE);
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	return STATUS_OK;
}

Status screen_run(const char *command, const char *arg, int *exit_status)
{
	pid_t pid;
	int status = 0;
	*exit_status = -1;
	if (!headless) {
		def_prog_mode();
		endwin();
	}
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", command, "sh", arg, (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!headless) {
		reset_prog_mode();
		refresh();
	}
	if (pid < 0)
		return status_fail(STATUS_ERR_IO, "cannot start %s: %s", command, strerror(errno));
	if (WIFEXITED(status))
		*exit_status = WEXITSTATUS(status);
	return STATUS_OK;
}

void screen_stop(void)
{
	if (!started)
		return;
	started = 0;
	endwin();
	if (headless) {
		delscreen(screen);
		fclose(headless_out);
		fclose(headless_in);
	} else {
		/* leave the shell where it was: off the alternate screen, cursor shown */
		fflush(stdout);
	}
}

int screen_has_256_colours(void)
{
	return has_colors() && COLORS >= 256;
}

int screen_pair(int fg, int bg)
{
	int pair = alloc_pair(fg, bg);
	return pair < 0 ? 0 : pair;
}

Status screen_write_raw(const void *data, size_t len)
{
	if (headless) /* to /dev/null: the bytes still cost what writing them costs */
		return gfx_write_all(fileno(headless_out), data, len);
	fflush(stdout);
	return gfx_write_all(1, data, len);
}

void screen_dump(FILE *f)
{
	for (int y = 0; y < LINES; y++) {
		char line[4096];
		size_t n = 0;
		for (int x = 0; x < COLS && n + MB_LEN_MAX < sizeof line; x++) {
			cchar_t cell;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t attrs;
			short pair;
			if (mvin_wch(y, x, &cell) == ERR)
				break;
			if (getcchar(&cell, wch, &attrs, &pair, NULL) == ERR || !wch[0])
				continue; /* the right half of a wide character */
			for (int i = 0; wch[i]; i++) {
				int k = wctomb(line + n, wch[i]);
				if (k > 0)
					n += (size_t)k;
			}
			/* a wide character fills the next cell too: read it once */
			if (wcwidth(wch[0]) > 1)
				x += wcwidth(wch[0]) - 1;
		}
		while (n && line[n - 1] == ' ')
			n--;
		fprintf(f, "%.*s\n", (int)n, line);
	}
}

int screen_input_fd(void)
{
	return headless ? -1 : 0;
}
