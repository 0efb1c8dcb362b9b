/* test_tty.c - the terminal probe against a pseudo-terminal whose other end is
 * a fake terminal thread: it reads the queries and answers like xterm -ti
 * vt340, plain xterm, a terminal that only answers CSI 16 t, one that splits
 * its reply, and one that never answers (docs/terminals.md has the real replies).
 * Also the override order (flag > GAVEL_GRAPHICS > probe; tmux -> blocks) and
 * the reply parser on canned bytes. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/test.h"
#include "ui/tty.h"

/* xterm -ti vt340 with numColorRegisters 256, as recorded from a real xterm -ti vt340. */
#define VT340_REPLY "\033[?1;0;256S\033[?2;0;1000;1000S\033]11;rgb:ffff/ffff/ffff\033\\" \
	"\033[?63;1;2;4;6;9;15;16;22;28c"
/* plain xterm: XTSMGRAPHICS fails, DA1 without 4 */
#define XTERM_REPLY "\033[?1;3;0S\033[?2;3;0S\033[?63;1;2;6;9;15;16;22;28c"

typedef struct {
	int master;
	const char *reply;      /* sent once the DA1 query is in; NULL: stay silent */
	int split_ms;           /* > 0: the reply goes in two halves this far apart */
	atomic_int stop;
	char got[512];          /* what the probe sent */
	size_t got_len;
	pthread_t thread;
} FakeTerm;

typedef struct {
	int master, slave;
	FakeTerm term;
} Pty;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_str(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void answer(FakeTerm *t)
{
	size_t n = strlen(t->reply);

	if (t->split_ms <= 0) {
		write_str(t->master, t->reply, n);
		return;
	}
	/* cut inside the DA1 reply, the last one */
	write_str(t->master, t->reply, n - 5);
	usleep((useconds_t)t->split_ms * 1000);
	write_str(t->master, t->reply + n - 5, 5);
}

static void *fake_terminal(void *arg)
{
	FakeTerm *t = arg;
	size_t answered_upto = 0;

	while (!atomic_load(&t->stop)) {
		struct pollfd pfd = { .fd = t->master, .events = POLLIN };
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		ssize_t n = read(t->master, t->got + t->got_len, sizeof t->got - 1 - t->got_len);
		if (n <= 0)
			continue;
		t->got_len += (size_t)n;
		t->got[t->got_len] = '\0';
		/* every DA1 query gets its answer, once */
		char *da1 = strstr(t->got + answered_upto, "\033[c");
		if (da1 && t->reply) {
			answered_upto = (size_t)(da1 - t->got) + 3;
			answer(t);
		}
	}
	return NULL;
}

/* A pty of rows x cols cells and xpix x ypix pixels (0: unknown), with a fake
 * terminal on the master side. */
static int pty_open(Pty *p, int rows, int cols, int xpix, int ypix, const char *reply,
		    int split_ms)
{
	struct winsize ws = { (unsigned short)rows, (unsigned short)cols, (unsigned short)xpix,
			      (unsigned short)ypix };

	memset(p, 0, sizeof *p);
	p->master = posix_openpt(O_RDWR | O_NOCTTY);
	if (p->master < 0 || grantpt(p->master) != 0 || unlockpt(p->master) != 0)
		return -1;
	p->slave = open(ptsname(p->master), O_RDWR | O_NOCTTY);
	if (p->slave < 0)
		return -1;
	ioctl(p->slave, TIOCSWINSZ, &ws);
	p->term.master = p->master;
	p->term.reply = reply;
	p->term.split_ms = split_ms;
	atomic_init(&p->term.stop, 0);
	pthread_create(&p->term.thread, NULL, fake_terminal, &p->term);
	return 0;
}

static void pty_close(Pty *p)
{
	atomic_store(&p->term.stop, 1);
	pthread_join(p->term.thread, NULL);
	close(p->slave);
	close(p->master);
}

/* Bytes waiting on the probe's side after it returned. */
static int leftover(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	return poll(&pfd, 1, 50) > 0;
}

static void clean_env(void)
{
	unsetenv("TMUX");
	unsetenv("STY");
	unsetenv("GAVEL_GRAPHICS");
	setenv("TERM", "xterm-256color", 1);
}

static void test_vt340(void)
{
	Pty p;
	TtyCaps caps;
	struct termios before, after;

	clean_env();
	CHECK(pty_open(&p, 36, 100, 904, 688, VT340_REPLY, 0) == 0);
	tcgetattr(p.slave, &before);
	long long t0 = now_ms();
	CHECK_INT(tty_probe(p.slave, p.slave, NULL, 1000, &caps), STATUS_OK);
	long long took = now_ms() - t0;
	tcgetattr(p.slave, &after);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_SIXEL);
	CHECK(caps.answered && caps.da1_sixel && caps.xtsm_answered && !caps.multiplexer);
	CHECK_INT(caps.rows, 36);
	CHECK_INT(caps.cols, 100);
	/* 904x688 px over 100x36 cells */
	CHECK_INT(caps.cell_w, 9);
	CHECK_INT(caps.cell_h, 19);
	CHECK_INT(caps.cell_source, TTY_CELL_WINSIZE);
	CHECK_INT(caps.max_sixel_w, 1000);
	CHECK_INT(caps.max_sixel_h, 1000);
	CHECK_INT(caps.sixel_colours, 256);
	CHECK(caps.has_background);
	CHECK_INT(caps.background_rgb, 0xffffff);
	/* the DA1 reply ended the wait long before the deadline */
	CHECK(took < 500);
	/* mode restored, replies consumed */
	CHECK(before.c_lflag == after.c_lflag && before.c_iflag == after.c_iflag);
	CHECK(!leftover(p.slave));
	char *line = tty_caps_describe(&caps);
	CHECK(strstr(line, "graphics sixel") != NULL);
	CHECK(strstr(line, "9x19") != NULL);
	free(line);
	pty_close(&p);
	/* all four queries, DA1 last */
	CHECK(strstr(p.term.got, "\033[?2;1;0S") != NULL);
	CHECK(strstr(p.term.got, "\033[?1;1;0S") != NULL);
	CHECK(strstr(p.term.got, "\033[16t") != NULL);
	CHECK(strstr(p.term.got, "\033]11;?\033\\") != NULL);
	CHECK(p.term.got_len >= 3 && strcmp(p.term.got + p.term.got_len - 3, "\033[c") == 0);
}

static void test_plain_xterm(void)
{
	Pty p;
	TtyCaps caps;

	clean_env();
	CHECK(pty_open(&p, 24, 80, 0, 0, XTERM_REPLY, 0) == 0);
	CHECK_INT(tty_probe(p.slave, p.slave, NULL, 1000, &caps), STATUS_OK);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_BLOCKS);
	CHECK(caps.answered && !caps.da1_sixel && !caps.xtsm_answered);
	CHECK(!caps.has_background);
	CHECK(strstr(caps.why, "DA1") != NULL);
	/* XTSMGRAPHICS failed: the safe default limit stays */
	CHECK_INT(caps.max_sixel_w, TTY_DEFAULT_SIXEL_MAX);
	/* no pixels anywhere: the default cell */
	CHECK_INT(caps.cell_w, TTY_DEFAULT_CELL_W);
	CHECK_INT(caps.cell_h, TTY_DEFAULT_CELL_H);
	CHECK_INT(caps.cell_source, TTY_CELL_DEFAULT);
	CHECK(!leftover(p.slave));
	pty_close(&p);
}

static void test_cell_from_csi16t(void)
{
	Pty p;
	TtyCaps caps;

	clean_env();
	/* TIOCGWINSZ without pixels; CSI 6;H;W t says 17 high, 8 wide */
	CHECK(pty_open(&p, 30, 90, 0, 0, "\033[6;17;8t\033[?62;4;22c", 0) == 0);
	CHECK_INT(tty_probe(p.slave, p.slave, NULL, 1000, &caps), STATUS_OK);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_SIXEL);
	CHECK_INT(caps.cell_w, 8);
	CHECK_INT(caps.cell_h, 17);
	CHECK_INT(caps.cell_source, TTY_CELL_CSI16T);
	pty_close(&p);

	/* TIOCGWINSZ pixels win over CSI 16 t */
	CHECK(pty_open(&p, 30, 90, 900, 600, "\033[6;17;8t\033[?62;4;22c", 0) == 0);
	CHECK_INT(tty_probe(p.slave, p.slave, NULL, 1000, &caps), STATUS_OK);
	CHECK_INT(caps.cell_w, 10);
	CHECK_INT(caps.cell_h, 20);
	CHECK_INT(caps.cell_source, TTY_CELL_WINSIZE);
	pty_close(&p);
}

static void test_silent_terminal_deadline(void)
{
	Pty p;
	TtyCaps caps;

	clean_env();
	CHECK(pty_open(&p, 24, 80, 0, 0, NULL, 0) == 0);
	long long t0 = now_ms();
	CHECK_INT(tty_probe(p.slave, p.slave, NULL, 200, &caps), STATUS_OK);
	long long took = now_ms() - t0;
	CHECK(took >= 190 && took < 450);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_BLOCKS);
	CHECK(!caps.answered);
	CHECK(strstr(caps.why, "no DA1 reply") != NULL);
	pty_close(&p);
	/* the queries did go out */
	CHECK(strstr(p.term.got, "\033[c") != NULL);
}

static void test_split_reply(void)
{
	Pty p;
	TtyCaps caps;

	clean_env();
	CHECK(pty_open(&p, 24, 80, 0, 0, VT340_REPLY, 60) == 0);
	long long t0 = now_ms();
	CHECK_INT(tty_probe(p.slave, p.slave, NULL, 1000, &caps), STATUS_OK);
	long long took = now_ms() - t0;
	CHECK_INT(caps.graphics, TTY_GRAPHICS_SIXEL);
	CHECK(took >= 55 && took < 600);
	/* the second half was read too, nothing left for curses */
	CHECK(!leftover(p.slave));
	pty_close(&p);
}

static void test_overrides(void)
{
	Pty p;
	TtyCaps caps;

	/* the flag beats the variable and the probe; no query is sent */
	clean_env();
	setenv("GAVEL_GRAPHICS", "sixel", 1);
	CHECK(pty_open(&p, 24, 80, 0, 0, VT340_REPLY, 0) == 0);
	CHECK_INT(tty_probe(p.slave, p.slave, "none", 300, &caps), STATUS_OK);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_NONE);
	CHECK(strstr(caps.why, "--graphics") != NULL);
	usleep(30000);
	pty_close(&p);
	CHECK_INT(p.term.got_len, 0);

	/* the variable beats the probe */
	clean_env();
	setenv("GAVEL_GRAPHICS", "blocks", 1);
	CHECK(pty_open(&p, 24, 80, 0, 0, VT340_REPLY, 0) == 0);
	CHECK_INT(tty_probe(p.slave, p.slave, NULL, 300, &caps), STATUS_OK);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_BLOCKS);
	CHECK(strstr(caps.why, "GAVEL_GRAPHICS") != NULL);
	pty_close(&p);

	/* forcing sixel still asks for the limits */
	clean_env();
	setenv("GAVEL_GRAPHICS", "sixel", 1);
	CHECK(pty_open(&p, 24, 80, 0, 0, "\033[?2;0;640;480S\033[?63;1;2c", 0) == 0);
	CHECK_INT(tty_probe(p.slave, p.slave, NULL, 1000, &caps), STATUS_OK);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_SIXEL);
	CHECK_INT(caps.max_sixel_w, 640);
	CHECK_INT(caps.max_sixel_h, 480);
	pty_close(&p);

	/* an explicit "auto" flag ignores the variable */
	clean_env();
	setenv("GAVEL_GRAPHICS", "none", 1);
	CHECK(pty_open(&p, 24, 80, 0, 0, VT340_REPLY, 0) == 0);
	CHECK_INT(tty_probe(p.slave, p.slave, "auto", 1000, &caps), STATUS_OK);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_SIXEL);
	pty_close(&p);

	/* unknown names are usage errors; the next source decides */
	clean_env();
	setenv("GAVEL_GRAPHICS", "blocks", 1);
	CHECK(pty_open(&p, 24, 80, 0, 0, VT340_REPLY, 0) == 0);
	CHECK_INT(tty_probe(p.slave, p.slave, "kitty", 300, &caps), STATUS_ERR_USAGE);
	CHECK(strstr(status_detail(), "--graphics") != NULL);
	CHECK(strstr(status_detail(), "kitty") != NULL);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_BLOCKS);
	setenv("GAVEL_GRAPHICS", "sixels", 1);
	CHECK_INT(tty_probe(p.slave, p.slave, NULL, 1000, &caps), STATUS_ERR_USAGE);
	CHECK(strstr(status_detail(), "GAVEL_GRAPHICS") != NULL);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_SIXEL);
	pty_close(&p);
	clean_env();
}

static void test_multiplexers(void)
{
	static const char *const cases[][2] = {
		{ "TMUX", "/tmp/tmux-0/default,123,0" },
		{ "STY", "123.pts-0.host" },
		{ "TERM", "screen-256color" },
		{ "TERM", "tmux-256color" },
	};
	Pty p;
	TtyCaps caps;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		clean_env();
		setenv(cases[i][0], cases[i][1], 1);
		CHECK(pty_open(&p, 24, 80, 0, 0, VT340_REPLY, 0) == 0);
		CHECK_INT(tty_probe(p.slave, p.slave, NULL, 300, &caps), STATUS_OK);
		CHECK_INT(caps.graphics, TTY_GRAPHICS_BLOCKS);
		CHECK(caps.multiplexer);
		CHECK(strstr(caps.why, "sixel") != NULL);
		usleep(20000);
		pty_close(&p);
		CHECK_INT(p.term.got_len, 0);
		/* the flag still wins */
		CHECK(pty_open(&p, 24, 80, 0, 0, VT340_REPLY, 0) == 0);
		CHECK_INT(tty_probe(p.slave, p.slave, "sixel", 1000, &caps), STATUS_OK);
		CHECK_INT(caps.graphics, TTY_GRAPHICS_SIXEL);
		CHECK_INT(caps.max_sixel_w, 1000);
		pty_close(&p);
	}
	clean_env();
	setenv("TERM", "dumb", 1);
	CHECK(pty_open(&p, 24, 80, 0, 0, VT340_REPLY, 0) == 0);
	CHECK_INT(tty_probe(p.slave, p.slave, NULL, 300, &caps), STATUS_OK);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_NONE);
	pty_close(&p);
	clean_env();
}

static void test_not_a_terminal(void)
{
	int fds[2];
	TtyCaps caps;

	clean_env();
	CHECK(pipe(fds) == 0);
	long long t0 = now_ms();
	CHECK_INT(tty_probe(fds[0], fds[1], NULL, 300, &caps), STATUS_OK);
	CHECK(now_ms() - t0 < 100);
	CHECK_INT(caps.graphics, TTY_GRAPHICS_BLOCKS);
	CHECK_INT(caps.rows, 24);
	CHECK_INT(caps.cols, 80);
	CHECK(!leftover(fds[0]));   /* nothing was sent */
	close(fds[0]);
	close(fds[1]);
}

static void test_update_size(void)
{
	Pty p;
	TtyCaps caps;
	struct winsize ws = { 50, 160, 1280, 1000, };

	clean_env();
	CHECK(pty_open(&p, 24, 80, 720, 480, XTERM_REPLY, 0) == 0);
	CHECK_INT(tty_probe(p.slave, p.slave, "blocks", 300, &caps), STATUS_OK);
	CHECK_INT(caps.cell_w, 9);
	CHECK_INT(caps.cell_h, 20);
	ioctl(p.slave, TIOCSWINSZ, &ws);
	tty_update_size(p.slave, &caps);
	CHECK_INT(caps.rows, 50);
	CHECK_INT(caps.cols, 160);
	CHECK_INT(caps.cell_w, 8);
	CHECK_INT(caps.cell_h, 20);
	/* no queries: the terminal heard nothing */
	usleep(20000);
	pty_close(&p);
	CHECK_INT(p.term.got_len, 0);
}

static void test_parse_replies(void)
{
	TtyReplies r;
	const unsigned char eight_bit[] = "\x9b?62;4c";
	const char *junk = "a\033[A\033]11;rgb:0/0/0\007\033[?2;0;800;600S\033[6;20;9tzz"
			   "\033[?65;1;9c";

	CHECK_INT(tty_parse_replies((const unsigned char *)junk, strlen(junk), &r), 1);
	CHECK(!r.da1_sixel);
	CHECK_INT(r.max_w, 800);
	CHECK_INT(r.max_h, 600);
	CHECK_INT(r.cell_w, 9);
	CHECK_INT(r.cell_h, 20);
	CHECK_INT(tty_parse_replies(eight_bit, sizeof eight_bit - 1, &r), 1);
	CHECK(r.da1_sixel);
	/* 4 as the class (first number) is not the sixel attribute */
	CHECK_INT(tty_parse_replies((const unsigned char *)"\033[?4;6c", 7, &r), 1);
	CHECK(!r.da1_sixel);
	/* incomplete: no DA1 yet */
	CHECK_INT(tty_parse_replies((const unsigned char *)"\033[?63;4", 7, &r), 0);
	/* an XTSMGRAPHICS error carries no size; colours reply */
	CHECK_INT(tty_parse_replies((const unsigned char *)"\033[?2;3;0S\033[?1;0;16S", 19, &r), 0);
	CHECK_INT(r.max_w, 0);
	CHECK_INT(r.colours, 16);
	/* a stray ESC cuts a sequence; the next one still parses */
	CHECK_INT(tty_parse_replies((const unsigned char *)"\033[?2;0;5\033[?1;2;4c", 18, &r), 1);
	CHECK(r.da1_sixel);
	CHECK_INT(r.max_w, 0);
	/* OSC 11 with ST or BEL, 4 or 2 hex digits per component */
	const char *osc = "\033]11;rgb:8080/0000/ffff\033\\\033[?62c";
	CHECK_INT(tty_parse_replies((const unsigned char *)osc, strlen(osc), &r), 1);
	CHECK(r.has_background);
	CHECK_INT(r.background_rgb, 0x8000ff);
	osc = "\033]11;rgb:1e/1e/2e\007";
	tty_parse_replies((const unsigned char *)osc, strlen(osc), &r);
	CHECK_INT(r.background_rgb, 0x1e1e2e);
	/* an unterminated OSC holds the parse until more comes... */
	osc = "\033]11;rgb:ff/ff/ff";
	CHECK_INT(tty_parse_replies((const unsigned char *)osc, strlen(osc), &r), 0);
	/* ...but an escape sequence inside it ends it */
	osc = "\033]11;rgb:ff\033[?62;4c";
	CHECK_INT(tty_parse_replies((const unsigned char *)osc, strlen(osc), &r), 1);
	CHECK(r.da1_sixel && !r.has_background);
	osc = "\033]11;rgb:zz/00/00\007";
	tty_parse_replies((const unsigned char *)osc, strlen(osc), &r);
	CHECK(!r.has_background);
	/* huge numbers are clamped, not overflowed */
	const char *big = "\033[?2;0;99999999999;7S";
	tty_parse_replies((const unsigned char *)big, strlen(big), &r);
	CHECK(r.max_w > 0 && r.max_w <= 100000);
}

static void test_graphics_names(void)
{
	TtyGraphics g;

	CHECK_INT(tty_graphics_parse("sixel", &g), STATUS_OK);
	CHECK_INT(g, TTY_GRAPHICS_SIXEL);
	CHECK_INT(tty_graphics_parse("blocks", &g), STATUS_OK);
	CHECK_INT(g, TTY_GRAPHICS_BLOCKS);
	CHECK_INT(tty_graphics_parse("none", &g), STATUS_OK);
	CHECK_INT(g, TTY_GRAPHICS_NONE);
	CHECK_INT(tty_graphics_parse("", &g), STATUS_OK);
	CHECK_INT(g, TTY_GRAPHICS_AUTO);
	CHECK_INT(tty_graphics_parse("Sixel", &g), STATUS_ERR_USAGE);
	CHECK(strstr(status_detail(), "sixel, blocks, none or auto") != NULL);
	CHECK_STR(tty_graphics_name(TTY_GRAPHICS_BLOCKS), "blocks");
	CHECK_STR(tty_graphics_name((TtyGraphics)99), "auto");
}

int main(void)
{
	RUN(test_vt340);
	RUN(test_plain_xterm);
	RUN(test_cell_from_csi16t);
	RUN(test_silent_terminal_deadline);
	RUN(test_split_reply);
	RUN(test_overrides);
	RUN(test_multiplexers);
	RUN(test_not_a_terminal);
	RUN(test_update_size);
	RUN(test_parse_replies);
	RUN(test_graphics_names);
	return test_summary();
}
