/* tty.c - the terminal probe. All queries go out in one write with DA1 last:
 * every terminal answers DA1, and answers in order, so its reply means nothing
 * else is coming and the wait can end early (notcurses termdesc.c, chafa
 * chafa-term.c). Without a reply the deadline ends it, so a silent terminal
 * costs at most the timeout and never hangs the start. */
#include "ui/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "src/base/clock.h"
#include "src/base/xalloc.h"

/* XTSMGRAPHICS: read colour registers (?1) and the largest image (?2); the
 * text area's cell size (CSI 16 t); the default background colour (OSC 11),
 * which sixel padding and transparent PNGs should blend into; DA1 last. */
static const char QUERIES[] = "\033[?1;1;0S\033[?2;1;0S\033[16t\033]11;?\033\\\033[c";

/* Replies are a few dozen bytes; more means keys were typed meanwhile. */
#define REPLY_BUF 4096
#define REPLY_KEEP 512
#define MAX_PARAMS 16
/* Larger numbers in a reply are nonsense; clamping keeps the int math safe. */
#define MAX_PARAM_VALUE 100000

static const char *const GRAPHICS_NAMES[] = {
	[TTY_GRAPHICS_AUTO] = "auto",
	[TTY_GRAPHICS_NONE] = "none",
	[TTY_GRAPHICS_BLOCKS] = "blocks",
	[TTY_GRAPHICS_SIXEL] = "sixel",
};

static const char *const CELL_SOURCES[] = {
	[TTY_CELL_DEFAULT] = "default",
	[TTY_CELL_WINSIZE] = "TIOCGWINSZ",
	[TTY_CELL_CSI16T] = "CSI 16 t",
};

Status tty_graphics_parse(const char *name, TtyGraphics *out)
{
	*out = TTY_GRAPHICS_AUTO;
	if (!name || !*name)
		return STATUS_OK;
	for (size_t i = 0; i < sizeof GRAPHICS_NAMES / sizeof GRAPHICS_NAMES[0]; i++) {
		if (strcmp(name, GRAPHICS_NAMES[i]) == 0) {
			*out = (TtyGraphics)i;
			return STATUS_OK;
		}
	}
	return status_fail(STATUS_ERR_USAGE, "unknown graphics mode \"%s\": use sixel, blocks, "
			   "none or auto", name);
}

const char *tty_graphics_name(TtyGraphics graphics)
{
	if ((unsigned)graphics >= sizeof GRAPHICS_NAMES / sizeof GRAPHICS_NAMES[0])
		return "auto";
	return GRAPHICS_NAMES[graphics];
}

/* ---- reply parsing ---- */

/* Splits CSI parameters "?63;1;4" into *private ('?', '>', ... or 0) and
 * numbers; empty fields are 0. Returns how many numbers. */
static int csi_params(const unsigned char *p, size_t n, int *private, int *vals)
{
	int count = 0;
	long v = 0;
	size_t i = 0;

	*private = 0;
	if (n > 0 && p[0] >= '<' && p[0] <= '?')
		*private = p[i++];
	if (i == n)
		return 0;
	for (; i <= n; i++) {
		if (i == n || p[i] == ';') {
			if (count < MAX_PARAMS)
				vals[count++] = (int)v;
			v = 0;
		} else if (p[i] >= '0' && p[i] <= '9') {
			v = v * 10 + (p[i] - '0');
			if (v > MAX_PARAM_VALUE)
				v = MAX_PARAM_VALUE;
		}
	}
	return count;
}

static void csi_reply(const unsigned char *p, size_t n, unsigned char final, TtyReplies *out)
{
	int vals[MAX_PARAMS], private;
	int count = csi_params(p, n, &private, vals);

	if (final == 'c' && private == '?') {
		out->da1 = 1;
		/* the first number is the terminal's class, not an attribute */
		for (int i = 1; i < count; i++)
			if (vals[i] == 4)
				out->da1_sixel = 1;
	} else if (final == 'S' && private == '?' && count >= 3 && vals[1] == 0) {
		if (vals[0] == 1) {
			out->colours = vals[2];
		} else if (vals[0] == 2 && count >= 4) {
			out->max_w = vals[2];
			out->max_h = vals[3];
		}
	} else if (final == 't' && !private && count >= 3 && vals[0] == 6) {
		out->cell_h = vals[1];
		out->cell_w = vals[2];
	}
}

/* The index of the final byte of the CSI whose parameters start at i, or
 * len when it is incomplete; *broken when a stray byte cut it short. */
static size_t csi_end(const unsigned char *buf, size_t i, size_t len, int *broken)
{
	*broken = 0;
	for (; i < len; i++) {
		if (buf[i] >= 0x40 && buf[i] <= 0x7e)
			return i;
		if (buf[i] < 0x20 || buf[i] > 0x3f) {
			*broken = 1;
			return i;
		}
	}
	return len;
}

/* One colour component of "rgb:RRRR/GGGG/BBBB": 1 to 4 hex digits scaled to
 * 8 bits. Returns -1 when malformed. */
static int hex_component(const unsigned char **p, const unsigned char *end)
{
	long v = 0, max = 0;
	int digits = 0;

	while (*p < end && digits < 4) {
		int c = **p, d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			break;
		v = v * 16 + d;
		max = max * 16 + 15;
		digits++;
		(*p)++;
	}
	return digits ? (int)((v * 255 + max / 2) / max) : -1;
}

/* An OSC reply body such as "11;rgb:ffff/ffff/dddd". */
static void osc_reply(const unsigned char *p, size_t n, TtyReplies *out)
{
	const unsigned char *end = p + n;
	int rgb[3];

	if (n < 7 || memcmp(p, "11;rgb:", 7) != 0)
		return;
	p += 7;
	for (int c = 0; c < 3; c++) {
		rgb[c] = hex_component(&p, end);
		if (rgb[c] < 0 || (c < 2 && (p >= end || *p++ != '/')))
			return;
	}
	out->has_background = 1;
	out->background_rgb = (uint32_t)rgb[0] << 16 | (uint32_t)rgb[1] << 8 | (uint32_t)rgb[2];
}

/* The index of the terminator (BEL, ST) of the OSC whose body starts at i,
 * *term_len its length; len when incomplete; *broken when an escape sequence
 * starts inside it instead. */
static size_t osc_end(const unsigned char *buf, size_t i, size_t len, size_t *term_len,
		      int *broken)
{
	*broken = 0;
	*term_len = 1;
	for (; i < len; i++) {
		if (buf[i] == 0x07 || buf[i] == 0x9c)
			return i;
		if (buf[i] != 0x1b)
			continue;
		if (i + 1 == len)
			return len;
		*term_len = 2;
		*broken = buf[i + 1] != '\\';
		return i;
	}
	return len;
}

/* Handles the OSC starting at buf[i]; returns where to go on, or len when it
 * is incomplete. */
static size_t skip_osc(const unsigned char *buf, size_t i, size_t len, TtyReplies *out)
{
	size_t start = i + (buf[i] == 0x9d ? 1 : 2), term_len;
	int broken;
	size_t end = osc_end(buf, start, len, &term_len, &broken);

	if (end == len)
		return len;
	if (broken)
		return end;
	osc_reply(buf + start, end - start, out);
	return end + term_len;
}

int tty_parse_replies(const unsigned char *buf, size_t len, TtyReplies *out)
{
	size_t i = 0;

	memset(out, 0, sizeof *out);
	while (i < len) {
		size_t start, end;
		int broken;

		if ((buf[i] == 0x1b && i + 1 < len && buf[i + 1] == ']') || buf[i] == 0x9d) {
			i = skip_osc(buf, i, len, out);
			continue;
		}
		if (buf[i] == 0x1b && i + 1 < len && buf[i + 1] == '[')
			start = i + 2;
		else if (buf[i] == 0x9b)
			start = i + 1;
		else {
			i++;
			continue;
		}
		end = csi_end(buf, start, len, &broken);
		if (end == len)
			break;
		if (!broken)
			csi_reply(buf + start, end - start, buf[end], out);
		i = broken ? end : end + 1;
	}
	return out->da1;
}

/* ---- the probe ---- */

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads replies until the DA1 reply or the deadline; keeps the tail when
 * typed keys flood the buffer, since the replies come last. */
static void read_replies(int fd, int timeout_ms, TtyReplies *replies)
{
	unsigned char buf[REPLY_BUF];
	size_t len = 0;
	long long deadline = clock_now_ms() + timeout_ms;

	memset(replies, 0, sizeof *replies);
	for (;;) {
		long long left = deadline - clock_now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (left <= 0)
			return;
		int ready = poll(&pfd, 1, (int)left);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0 || !(pfd.revents & POLLIN))
			return;
		if (len == sizeof buf) {
			memmove(buf, buf + len - REPLY_KEEP, REPLY_KEEP);
			len = REPLY_KEEP;
		}
		ssize_t n = read(fd, buf + len, sizeof buf - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return;
		len += (size_t)n;
		if (tty_parse_replies(buf, len, replies))
			return;
	}
}

/* Sends the queries in raw mode and collects the answers. Returns -1 when
 * in_fd is not a terminal (nothing was sent). */
static int query_terminal(int in_fd, int out_fd, int timeout_ms, TtyReplies *replies)
{
	struct termios saved, raw;

	memset(replies, 0, sizeof *replies);
	if (tcgetattr(in_fd, &saved) != 0)
		return -1;
	raw = saved;
	/* no echo of the replies, no line buffering, no signals from keys */
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL | INLCR | IGNCR);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(in_fd, TCSANOW, &raw) != 0)
		return -1;
	if (write_all(out_fd, QUERIES, sizeof QUERIES - 1) == 0)
		read_replies(in_fd, timeout_ms, replies);
	tcsetattr(in_fd, TCSANOW, &saved);
	return 0;
}

static void read_winsize(int fd, TtyCaps *caps)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return;
	caps->rows = ws.ws_row;
	caps->cols = ws.ws_col;
	if (ws.ws_xpixel >= ws.ws_col * 2 && ws.ws_ypixel >= ws.ws_row * 2) {
		caps->cell_w = ws.ws_xpixel / ws.ws_col;
		caps->cell_h = ws.ws_ypixel / ws.ws_row;
		caps->cell_source = TTY_CELL_WINSIZE;
	}
}

static void caps_defaults(TtyCaps *caps)
{
	memset(caps, 0, sizeof *caps);
	caps->graphics = TTY_GRAPHICS_BLOCKS;
	caps->rows = 24;
	caps->cols = 80;
	caps->cell_w = TTY_DEFAULT_CELL_W;
	caps->cell_h = TTY_DEFAULT_CELL_H;
	caps->cell_source = TTY_CELL_DEFAULT;
	caps->max_sixel_w = TTY_DEFAULT_SIXEL_MAX;
	caps->max_sixel_h = TTY_DEFAULT_SIXEL_MAX;
	caps->sixel_colours = TTY_DEFAULT_SIXEL_COLOURS;
}

static int starts_with(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* tmux 3.3a answers DA1 itself without 4 and drops sixel; GNU screen too. */
static const char *multiplexer_reason(void)
{
	const char *term = getenv("TERM"), *tmux = getenv("TMUX"), *sty = getenv("STY");

	if (tmux && *tmux)
		return "tmux ($TMUX is set), which drops sixel";
	if (sty && *sty)
		return "GNU screen ($STY is set), which drops sixel";
	if (starts_with(term, "tmux") || starts_with(term, "screen"))
		return "a multiplexer (TERM=tmux*/screen*), which drops sixel";
	return NULL;
}

/* Parses the value of an override named what ("--graphics", ...). */
static Status parse_override(const char *what, const char *value, TtyGraphics *mode)
{
	if (tty_graphics_parse(value, mode) == STATUS_OK)
		return STATUS_OK;
	return status_fail(STATUS_ERR_USAGE, "%s: unknown graphics mode \"%s\": use sixel, "
			   "blocks, none or auto", what, value);
}

/* The override: the flag if given (even "auto"), else GAVEL_GRAPHICS; an
 * unknown name is reported and the next source decides. *source names where
 * the override came from. */
static Status pick_override(const char *flag, TtyGraphics *mode, const char **source)
{
	const char *env = getenv("GAVEL_GRAPHICS");
	Status result = STATUS_OK;

	*mode = TTY_GRAPHICS_AUTO;
	*source = "probe";
	if (flag && *flag) {
		result = parse_override("--graphics", flag, mode);
		if (result == STATUS_OK) {
			*source = "--graphics";
			return STATUS_OK;
		}
	}
	if (env && *env) {
		Status st = parse_override("GAVEL_GRAPHICS", env, mode);
		if (st != STATUS_OK)
			return st;
		*source = "GAVEL_GRAPHICS";
	}
	return result;
}

static void apply_replies(const TtyReplies *r, TtyCaps *caps)
{
	caps->answered = r->da1;
	caps->da1_sixel = r->da1_sixel;
	caps->has_background = r->has_background;
	caps->background_rgb = r->background_rgb;
	if (r->max_w > 0 && r->max_h > 0) {
		caps->max_sixel_w = r->max_w;
		caps->max_sixel_h = r->max_h;
		caps->xtsm_answered = 1;
	}
	if (r->colours > 0)
		caps->sixel_colours = r->colours < 2 ? 2 : r->colours > 256 ? 256 : r->colours;
	if (caps->cell_source == TTY_CELL_DEFAULT && r->cell_w >= 2 && r->cell_h >= 2 &&
	    r->cell_w <= 1000 && r->cell_h <= 1000) {
		caps->cell_w = r->cell_w;
		caps->cell_h = r->cell_h;
		caps->cell_source = TTY_CELL_CSI16T;
	}
}

/* Decides AUTO from what the terminal said. */
static void decide(TtyCaps *caps, int was_terminal, int timeout_ms)
{
	if (!was_terminal) {
		caps->graphics = TTY_GRAPHICS_BLOCKS;
		snprintf(caps->why, sizeof caps->why, "not a terminal, nothing to ask");
	} else if (!caps->answered) {
		caps->graphics = TTY_GRAPHICS_BLOCKS;
		snprintf(caps->why, sizeof caps->why, "no DA1 reply within %d ms", timeout_ms);
	} else if (caps->da1_sixel) {
		caps->graphics = TTY_GRAPHICS_SIXEL;
		snprintf(caps->why, sizeof caps->why, "DA1 lists attribute 4 (sixel)");
	} else {
		caps->graphics = TTY_GRAPHICS_BLOCKS;
		snprintf(caps->why, sizeof caps->why, "DA1 does not list attribute 4 (no sixel)");
	}
}

/* The probe proper, on an open terminal. */
static Status probe_fds(int in_fd, int out_fd, const char *flag, int timeout_ms, TtyCaps *caps)
{
	TtyGraphics forced;
	const char *source, *mux, *term = getenv("TERM");
	TtyReplies replies;
	Status st = pick_override(flag, &forced, &source);

	read_winsize(out_fd, caps);
	mux = multiplexer_reason();
	caps->multiplexer = mux != NULL;
	if (forced == TTY_GRAPHICS_NONE || forced == TTY_GRAPHICS_BLOCKS) {
		caps->graphics = forced;
		snprintf(caps->why, sizeof caps->why, "%s %s", source, tty_graphics_name(forced));
		return st;
	}
	if (forced == TTY_GRAPHICS_AUTO && (mux || (term && strcmp(term, "dumb") == 0))) {
		caps->graphics = mux ? TTY_GRAPHICS_BLOCKS : TTY_GRAPHICS_NONE;
		snprintf(caps->why, sizeof caps->why, "%s", mux ? mux : "TERM=dumb");
		return st;
	}
	int was_terminal = query_terminal(in_fd, out_fd, timeout_ms, &replies) == 0;
	apply_replies(&replies, caps);
	if (forced == TTY_GRAPHICS_SIXEL) {
		caps->graphics = TTY_GRAPHICS_SIXEL;
		snprintf(caps->why, sizeof caps->why, "%s sixel", source);
	} else {
		decide(caps, was_terminal, timeout_ms);
	}
	return st;
}

Status tty_probe(int in_fd, int out_fd, const char *flag, int timeout_ms, TtyCaps *caps)
{
	int own = -1;
	Status st;

	caps_defaults(caps);
	if (timeout_ms <= 0)
		timeout_ms = TTY_PROBE_TIMEOUT_MS;
	if (in_fd < 0 || out_fd < 0) {
		own = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		in_fd = out_fd = own;
	}
	if (in_fd < 0) {
		TtyGraphics forced;
		const char *source;
		st = pick_override(flag, &forced, &source);
		caps->graphics = forced == TTY_GRAPHICS_AUTO ? TTY_GRAPHICS_BLOCKS : forced;
		if (forced == TTY_GRAPHICS_AUTO)
			snprintf(caps->why, sizeof caps->why, "no /dev/tty to ask");
		else
			snprintf(caps->why, sizeof caps->why, "%s %s", source,
				 tty_graphics_name(forced));
		return st;
	}
	st = probe_fds(in_fd, out_fd, flag, timeout_ms, caps);
	if (own >= 0)
		close(own);
	return st;
}

void tty_update_size(int fd, TtyCaps *caps)
{
	read_winsize(fd, caps);
}

char *tty_caps_describe(const TtyCaps *caps)
{
	char background[32] = "unknown";

	if (caps->has_background)
		snprintf(background, sizeof background, "#%06x", (unsigned)caps->background_rgb);
	return xasprintf("graphics %s: %s; screen %dx%d, cell %dx%d px from %s; sixel max "
			 "%dx%d%s, %d colour registers; background %s",
			 tty_graphics_name(caps->graphics), caps->why, caps->cols, caps->rows,
			 caps->cell_w, caps->cell_h, CELL_SOURCES[caps->cell_source],
			 caps->max_sixel_w, caps->max_sixel_h,
			 caps->xtsm_answered ? " (XTSMGRAPHICS)" : " (default)",
			 caps->sixel_colours, background);
}
