/* tty.h - what the terminal can draw, found out once before curses starts:
 * sixel or not (DA1), the largest sixel image (XTSMGRAPHICS), the colour
 * registers, the cell size in pixels, and whether a multiplexer is in the way;
 * the default background colour; the --graphics flag and GAVEL_GRAPHICS
 * override what the probe finds. */
#ifndef GAVEL_TTY_H
#define GAVEL_TTY_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/status.h"

/* How images are drawn. AUTO only ever appears as a parsed override. */
typedef enum {
	TTY_GRAPHICS_AUTO,
	TTY_GRAPHICS_NONE,
	TTY_GRAPHICS_BLOCKS,
	TTY_GRAPHICS_SIXEL,
} TtyGraphics;

/* Where the cell size came from, for the --debug line. */
typedef enum {
	TTY_CELL_DEFAULT,
	TTY_CELL_WINSIZE,
	TTY_CELL_CSI16T,
} TtyCellSource;

/* Used when the terminal reports no cell size; the usual 1:2 font cell. */
#define TTY_DEFAULT_CELL_W 10
#define TTY_DEFAULT_CELL_H 20
/* The sixel limit assumed when XTSMGRAPHICS does not answer: xterm's default,
 * the smallest limit in common use, so an image never gets dropped. */
#define TTY_DEFAULT_SIXEL_MAX 1000
/* Colour registers assumed when the terminal does not say (xterm's
 * numColorRegisters as docs/terminals.md recommends, and most sixel terminals). */
#define TTY_DEFAULT_SIXEL_COLOURS 256
/* How long the probe waits for replies, all queries together. */
#define TTY_PROBE_TIMEOUT_MS 300

/* What the probe found; plain data. */
typedef struct {
	TtyGraphics graphics;           /* never AUTO */
	int rows, cols;                 /* screen size in cells (24x80 if unknown) */
	int cell_w, cell_h;             /* one cell in pixels, always > 0 */
	TtyCellSource cell_source;
	int max_sixel_w, max_sixel_h;   /* never send a larger sixel image */
	int sixel_colours;              /* colour registers (2..256 used) */
	int answered;                   /* 1: the DA1 reply arrived in time */
	int da1_sixel;                  /* 1: DA1 listed attribute 4 (sixel) */
	int xtsm_answered;              /* 1: XTSMGRAPHICS gave the max size */
	int multiplexer;                /* 1: tmux or GNU screen detected */
	int has_background;             /* 1: OSC 11 gave the default background */
	uint32_t background_rgb;        /* 0xRRGGBB: pad sixel images with it and
					 * composite transparent images on it */
	char why[160];                  /* one line: why this graphics mode */
} TtyCaps;

/* What one batch of terminal replies said; see tty_parse_replies(). */
typedef struct {
	int da1;                        /* a DA1 reply was complete */
	int da1_sixel;                  /* it listed attribute 4 */
	int max_w, max_h;               /* XTSMGRAPHICS ?2 reply, 0 if none */
	int colours;                    /* XTSMGRAPHICS ?1 reply, 0 if none */
	int cell_w, cell_h;             /* CSI 6;H;W t reply, 0 if none */
	int has_background;             /* OSC 11 ; rgb:R/G/B reply */
	uint32_t background_rgb;
} TtyReplies;

/* Parses a graphics mode name: "sixel", "blocks", "none" or "auto" (also the
 * empty string). STATUS_ERR_USAGE with a detail naming the valid values
 * otherwise; *out is then AUTO. */
Status tty_graphics_parse(const char *name, TtyGraphics *out);

/* "sixel", "blocks", "none" or "auto"; never NULL. */
const char *tty_graphics_name(TtyGraphics graphics);

/* Probes the terminal on in_fd/out_fd (either < 0: opens /dev/tty). Which mode
 * wins: flag (the --graphics value; NULL or "" when absent), then the
 * GAVEL_GRAPHICS environment variable, then the probe (tmux/screen: blocks;
 * TERM=dumb: none; DA1 attribute 4: sixel; else blocks). Queries are only sent
 * when sixel is possible: XTSMGRAPHICS colours and size, CSI 16 t, OSC 11
 * (background colour), and DA1 last, whose reply ends the wait; replies are
 * read in raw mode for at most timeout_ms (<= 0: TTY_PROBE_TIMEOUT_MS) and the
 * terminal mode is always restored. *caps is always filled with something
 * usable. Returns STATUS_ERR_USAGE when the flag or the variable holds an
 * unknown name (the other sources decide then); never prints, never exits. */
Status tty_probe(int in_fd, int out_fd, const char *flag, int timeout_ms, TtyCaps *caps);

/* After a resize: re-reads the screen size and, if the terminal reports
 * pixels, the cell size from TIOCGWINSZ on fd (no queries, so it is safe
 * while curses runs). Leaves *caps alone when fd is not a terminal. */
void tty_update_size(int fd, TtyCaps *caps);

/* Reads the terminal replies in buf[0..len) into *out (zeroed first):
 * 7-bit (ESC [, ESC ]) and 8-bit (0x9B, 0x9D) CSI and OSC, mixed with other
 * bytes; an incomplete sequence at the end waits for more.
 * Returns 1 when a complete DA1 reply is among them. */
int tty_parse_replies(const unsigned char *buf, size_t len, TtyReplies *out);

/* One line describing *caps for --debug ("graphics sixel (...); cell 9x19
 * from TIOCGWINSZ; ..."). The caller frees it. */
char *tty_caps_describe(const TtyCaps *caps);

#endif
