/* gfx.h - pictures for the review UI: RGB pixels encoded as sixel (with
 * libsixel) or as coloured half blocks, prepared for one pane off the UI
 * thread, and the bytes that place a sixel image at a cell. Nothing here
 * writes to the terminal except gfx_write_all(); nothing touches curses. */
#ifndef GAVEL_GFX_H
#define GAVEL_GFX_H

#include <stddef.h>
#include <stdint.h>

#include "src/img/img.h"
#include "src/base/status.h"
#include "ui/tty.h"

/* A growable byte buffer; zero-initialise it. Owns data. */
typedef struct {
	unsigned char *data;
	size_t len, cap;
} GfxBuf;

/* Appends len bytes (out of memory is fatal, via xalloc). */
void gfx_buf_append(GfxBuf *buf, const void *data, size_t len);

/* Frees the bytes and zeroes *buf; NULL-safe. */
void gfx_buf_free(GfxBuf *buf);

/* ---- sixel ---- */

/* Palette size used unless told otherwise: with Floyd-Steinberg dithering it
 * looks close to 256 on photos, encodes about 3x faster and the output is
 * 35-45% smaller (docs/terminals.md has the measurements). */
#define GFX_SIXEL_COLOURS 64

typedef enum {
	GFX_DITHER_FS,          /* Floyd-Steinberg: the default, no banding */
	GFX_DITHER_NONE,        /* fastest; bands on gradients */
	GFX_DITHER_ATKINSON,
} GfxDither;

/* How to encode; all zeroes (or NULL) means the defaults. */
typedef struct {
	int colours;            /* palette size 2..256; 0: GFX_SIXEL_COLOURS */
	GfxDither dither;
	int raw_palette;        /* 1: keep libsixel's 5-bit palette (for the bench) */
	int max_w, max_h;       /* the terminal's limit (XTSMGRAPHICS); <= 0: none */
} GfxSixelOpts;

/* Appends img as one sixel image (DCS q ... ST, 7-bit, RGB palette) to *out.
 * The image is cropped to opts->max_w and to a height that is a whole number
 * of 6-pixel bands within opts->max_h (an image under 6 rows high is padded by
 * repeating its last row), so the terminal never paints below it and never
 * drops it. img is not modified. Safe to call from several threads.
 * STATUS_ERR_INPUT for an empty image or a limit under 1x6 pixels,
 * STATUS_ERR_IO when libsixel fails; *out is then unchanged. */
Status gfx_sixel_encode(const ImgRGB *img, const GfxSixelOpts *opts, GfxBuf *out);

/* Appends to *out the bytes that draw sixel with its top-left corner at the
 * 0-based cell (row, col) and leave the cursor where it was: ESC 7,
 * CSI row+1;col+1 H, the image, ESC 8. Write them after curses' doupdate(),
 * with gfx_write_all(); the image must end above the screen's last row, or
 * the terminal scrolls. */
void gfx_sixel_place(GfxBuf *out, int row, int col, const GfxBuf *sixel);

/* Writes all len bytes to fd, resuming after partial writes, EINTR and
 * EAGAIN (waiting in poll() on a non-blocking fd), so an image is never cut
 * in half. STATUS_ERR_IO with the reason when the fd fails. */
Status gfx_write_all(int fd, const void *data, size_t len);

/* ---- half blocks ---- */

/* Every cell is this glyph, U+2580 UPPER HALF BLOCK, in UTF-8. */
#define GFX_UPPER_HALF "\xe2\x96\x80"

/* One cell: fg paints the top half, bg the bottom; 0xRRGGBB. */
typedef struct {
	uint32_t fg, bg;
} GfxCell;

/* cols x rows cells, row by row; owns cells. */
typedef struct {
	int cols, rows;
	GfxCell *cells;
} GfxBlocks;

/* Renders img as half blocks in at most max_cols x max_rows cells: scaled
 * with img_scale_box() to fit max_cols x 2*max_rows pixels (one pixel per
 * half cell, which is roughly square in a 1:2 font cell), never enlarged -
 * one source pixel per half cell is already several screen pixels. out->cols
 * and out->rows say how much was used; an odd last pixel row gets
 * background_rgb below it. Pure computation. The caller owns *out
 * (gfx_blocks_free). STATUS_ERR_INPUT for an empty image or no room. */
Status gfx_blocks_render(const ImgRGB *img, int max_cols, int max_rows, uint32_t background_rgb,
			 GfxBlocks *out);

/* Frees the cells and zeroes *blocks; NULL-safe. */
void gfx_blocks_free(GfxBlocks *blocks);

/* The xterm-256 colour index (16..255) nearest to 0xRRGGBB by squared RGB
 * distance, over the 6x6x6 cube (levels 0,95,135,175,215,255) and the grey
 * ramp (8,18,..,238); the 16 system colours are skipped because the user's
 * theme redefines them. For curses colour pairs when the terminal has 256
 * colours but no init_color (or too few pairs for 24-bit). */
int gfx_rgb_to_xterm256(uint32_t rgb);

/* ---- prepared images ---- */

/* One picture ready to draw in one pane; plain data, owned by its holder. */
typedef struct {
	TtyGraphics mode;               /* SIXEL, BLOCKS, or NONE (nothing to draw) */
	int pane_cols, pane_rows;       /* what it was prepared for */
	int cell_w, cell_h;
	int max_sixel_w, max_sixel_h;
	ImgRGB pixels;                  /* decoded and scaled, not dithered */
	int cols, rows;                 /* cells covered, from the pane's top-left */
	GfxBuf sixel;                   /* SIXEL: the image, not yet placed */
	GfxBlocks blocks;               /* BLOCKS: cols x rows cells */
} GfxImage;

/* Decodes the image at path straight to the pane's size in pixels (JPEGs are
 * reduced in the DCT; transparency is composited on background_rgb) and
 * encodes it for caps->graphics: sixel within pane_cols*cell_w x
 * pane_rows*cell_h pixels and the XTSMGRAPHICS limit, padded with
 * background_rgb to whole 6-pixel bands, with min(GFX_SIXEL_COLOURS,
 * caps->sixel_colours) colours; or half blocks in pane_cols x pane_rows.
 * Mode NONE decodes nothing. Thread-safe (a worker thread prefetches with
 * it). On success the caller owns *out (gfx_image_free); on failure *out is
 * NULL and the status is img_decode_file()'s, or STATUS_ERR_INPUT when the
 * pane is too small (under 1 cell, or under 6 pixels high for sixel). */
Status gfx_prepare(const char *path, int pane_cols, int pane_rows, const TtyCaps *caps,
		   uint32_t background_rgb, GfxImage **out);

/* gfx_prepare() for pixels already in memory (a chart, say); img is copied
 * and scaled down to the pane, never up. */
Status gfx_prepare_rgb(const ImgRGB *img, int pane_cols, int pane_rows, const TtyCaps *caps,
		       uint32_t background_rgb, GfxImage **out);

/* 1 when image was prepared for exactly this pane and terminal (size, cell,
 * mode, sixel limit), so a prefetched image can be drawn as is. */
int gfx_image_matches(const GfxImage *image, int pane_cols, int pane_rows, const TtyCaps *caps);

/* Frees everything; NULL-safe. */
void gfx_image_free(GfxImage *image);

#endif
