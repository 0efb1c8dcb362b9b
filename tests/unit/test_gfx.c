/* test_gfx.c - sixel encoding checked by decoding the bytes back with a small
 * decoder written here from the DEC sixel format (not libsixel's), placement,
 * the write loop, half blocks, the xterm-256 mapping against xterm's own table
 * definition, and prepared images from the fixtures in tests/data/img. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/test.h"
#include "ui/gfx.h"

/* ---- a sixel decoder, independent of libsixel ---- */

typedef struct {
	int width, height;      /* from the raster attributes */
	int max_x, max_y;       /* extent of the pixels actually painted */
	int *pixels;            /* 0xRRGGBB, -1 where nothing was painted */
	int ok;                 /* 0: malformed, or a pixel outside the raster */
	int colours_used;
} Decoded;

static int parse_num(const unsigned char **p, const unsigned char *end)
{
	int v = 0;
	while (*p < end && **p >= '0' && **p <= '9')
		v = v * 10 + (*(*p)++ - '0');
	return v;
}

static int parse_nums(const unsigned char **p, const unsigned char *end, int *vals, int max)
{
	int n = 0;
	for (;;) {
		int v = parse_num(p, end);
		if (n < max)
			vals[n++] = v;
		if (*p < end && **p == ';')
			(*p)++;
		else
			return n;
	}
}

static void paint(Decoded *d, int x, int band, int bits, int colour)
{
	for (int b = 0; b < 6; b++) {
		if (!(bits & (1 << b)))
			continue;
		int y = band * 6 + b;
		if (x >= d->width || y >= d->height || !d->pixels) {
			d->ok = 0;
			continue;
		}
		d->pixels[y * d->width + x] = colour;
		if (x + 1 > d->max_x)
			d->max_x = x + 1;
		if (y + 1 > d->max_y)
			d->max_y = y + 1;
	}
}

/* Decodes ESC P ... q ... ESC \ ; colours are RGB percentages. */
static Decoded sixel_decode(const unsigned char *s, size_t len)
{
	Decoded d = { .ok = 1 };
	int palette[256] = { 0 }, used[256] = { 0 }, current = 0, x = 0, band = 0;
	const unsigned char *p = s, *end = s + len;

	if (len < 4 || p[0] != 0x1b || p[1] != 'P') {
		d.ok = 0;
		return d;
	}
	while (p < end && *p != 'q')
		p++;
	for (p++; p < end; ) {
		int vals[5], n, count = 1;
		unsigned char c = *p++;
		if (c == 0x1b)
			break;
		switch (c) {
		case '"':
			n = parse_nums(&p, end, vals, 4);
			if (n == 4 && !d.pixels) {
				d.width = vals[2];
				d.height = vals[3];
				d.pixels = malloc(sizeof(int) * (size_t)d.width * d.height);
				for (int i = 0; i < d.width * d.height; i++)
					d.pixels[i] = -1;
			}
			break;
		case '#':
			n = parse_nums(&p, end, vals, 5);
			current = vals[0] & 255;
			if (n == 5 && vals[1] == 2)
				palette[current] = (vals[2] * 255 + 50) / 100 << 16 |
						   (vals[3] * 255 + 50) / 100 << 8 | (vals[4] * 255 + 50) / 100;
			else if (n != 1)
				d.ok = 0;
			break;
		case '$':
			x = 0;
			break;
		case '-':
			x = 0;
			band++;
			break;
		case '!':
			count = parse_num(&p, end);
			if (p >= end)
				break;
			c = *p++;
			/* fall through */
		default:
			if (c < 0x3f || c > 0x7e) {
				d.ok = 0;
				break;
			}
			used[current] = 1;
			for (int i = 0; i < count; i++)
				paint(&d, x++, band, c - 0x3f, palette[current]);
		}
	}
	for (int i = 0; i < 256; i++)
		d.colours_used += used[i];
	return d;
}

static int decoded_at(const Decoded *d, int x, int y)
{
	return d->pixels[y * d->width + x];
}

static int near_rgb(int got, uint32_t want, int tol)
{
	for (int shift = 0; shift <= 16; shift += 8) {
		int g = got >> shift & 0xff, w = (int)(want >> shift & 0xff);
		if (abs(g - w) > tol)
			return 0;
	}
	return got >= 0;
}

/* Every painted pixel of d within tol of img's; 1 when all match. */
static int matches_image(const Decoded *d, const ImgRGB *img, int tol)
{
	for (int y = 0; y < d->height && y < img->height; y++) {
		for (int x = 0; x < d->width && x < img->width; x++) {
			const unsigned char *p = img->pixels + ((size_t)y * img->width + x) * 3;
			uint32_t want = (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
			if (!near_rgb(decoded_at(d, x, y), want, tol)) {
				fprintf(stderr, "pixel %d,%d is %06x, want %06x\n", x, y,
					decoded_at(d, x, y), want);
				return 0;
			}
		}
	}
	return 1;
}

static ImgRGB make_image(int w, int h)
{
	ImgRGB img = { w, h, calloc((size_t)w * h, 3) };
	return img;
}

static void set_px(ImgRGB *img, int x, int y, uint32_t rgb)
{
	unsigned char *p = img->pixels + ((size_t)y * img->width + x) * 3;
	p[0] = (unsigned char)(rgb >> 16);
	p[1] = (unsigned char)(rgb >> 8);
	p[2] = (unsigned char)rgb;
}

/* 4 vertical stripes, each 6 pixels wide, of colours that are not multiples of
 * 8 (libsixel's palette alone would be off by up to 7). */
static const uint32_t STRIPES[4] = { 0xff0000, 0x00ff00, 0xc86432, 0xffffff };

static ImgRGB stripes(int w, int h)
{
	ImgRGB img = make_image(w, h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			set_px(&img, x, y, STRIPES[(x / 6) % 4]);
	return img;
}

/* ---- sixel ---- */

static void test_sixel_stripes_round_trip(void)
{
	ImgRGB img = stripes(24, 12);
	GfxBuf buf = { 0 };

	CHECK_INT(gfx_sixel_encode(&img, NULL, &buf), STATUS_OK);
	Decoded d = sixel_decode(buf.data, buf.len);
	CHECK(d.ok);
	CHECK_INT(d.width, 24);
	CHECK_INT(d.height, 12);
	CHECK_INT(d.max_x, 24);
	CHECK_INT(d.max_y, 12);
	CHECK_INT(d.height % 6, 0);
	CHECK_INT(d.colours_used, 4);
	/* 1% steps: at most 1.3 off after the round trip through percentages */
	CHECK(matches_image(&d, &img, 2));
	CHECK(buf.len >= 4 && memcmp(buf.data + buf.len - 2, "\033\\", 2) == 0);
	free(d.pixels);
	gfx_buf_free(&buf);
	free(img.pixels);
}

static void test_sixel_all_settings_decode(void)
{
	/* a smooth gradient: dithering spreads error, so compare averages */
	ImgRGB img = make_image(48, 18);
	for (int y = 0; y < 18; y++)
		for (int x = 0; x < 48; x++)
			set_px(&img, x, y, (uint32_t)(x * 5) << 16 | (uint32_t)(y * 12) << 8 | 0x40);
	const GfxSixelOpts opts[] = {
		{ 0 },
		{ .colours = 16, .dither = GFX_DITHER_NONE },
		{ .colours = 256, .dither = GFX_DITHER_ATKINSON },
		{ .colours = 8, .raw_palette = 1 },
	};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		GfxBuf buf = { 0 };
		CHECK_INT(gfx_sixel_encode(&img, &opts[i], &buf), STATUS_OK);
		Decoded d = sixel_decode(buf.data, buf.len);
		CHECK(d.ok);
		CHECK_INT(d.max_x, 48);
		CHECK_INT(d.max_y, 18);
		CHECK(d.colours_used <= (opts[i].colours ? opts[i].colours : GFX_SIXEL_COLOURS));
		double err = 0;
		for (int y = 0; y < 18; y++)
			for (int x = 0; x < 48; x++)
				err += abs((decoded_at(&d, x, y) >> 16 & 0xff) - x * 5);
		/* 864 colours in the source: few palette entries cost more */
		CHECK(err / (48 * 18) < (opts[i].colours && opts[i].colours < 64 ? 40 : 12));
		free(d.pixels);
		gfx_buf_free(&buf);
	}
	free(img.pixels);
}

static void test_sixel_does_not_modify_input(void)
{
	ImgRGB img = make_image(30, 12);
	for (int i = 0; i < 30 * 12 * 3; i++)
		img.pixels[i] = (unsigned char)(i * 37);
	unsigned char *copy = malloc(30 * 12 * 3);
	memcpy(copy, img.pixels, 30 * 12 * 3);
	GfxBuf buf = { 0 };
	CHECK_INT(gfx_sixel_encode(&img, &(GfxSixelOpts){ .colours = 4 }, &buf), STATUS_OK);
	CHECK(memcmp(copy, img.pixels, 30 * 12 * 3) == 0);
	gfx_buf_free(&buf);
	free(copy);
	free(img.pixels);
}

static void test_sixel_clamped_to_limit_and_bands(void)
{
	ImgRGB img = stripes(30, 40);
	GfxBuf buf = { 0 };

	/* taller and wider than the terminal allows: cropped, whole bands */
	CHECK_INT(gfx_sixel_encode(&img, &(GfxSixelOpts){ .max_w = 20, .max_h = 25 }, &buf),
		  STATUS_OK);
	Decoded d = sixel_decode(buf.data, buf.len);
	CHECK(d.ok);
	CHECK_INT(d.width, 20);
	CHECK_INT(d.height, 24);
	CHECK_INT(d.max_y, 24);
	CHECK(matches_image(&d, &img, 2));
	free(d.pixels);
	gfx_buf_free(&buf);

	/* no limit: 40 rows are not whole bands, so 36 */
	CHECK_INT(gfx_sixel_encode(&img, NULL, &buf), STATUS_OK);
	d = sixel_decode(buf.data, buf.len);
	CHECK_INT(d.height, 36);
	CHECK_INT(d.width, 30);
	free(d.pixels);
	gfx_buf_free(&buf);
	free(img.pixels);

	/* under one band: padded by repeating the last row */
	img = stripes(12, 4);
	CHECK_INT(gfx_sixel_encode(&img, NULL, &buf), STATUS_OK);
	d = sixel_decode(buf.data, buf.len);
	CHECK_INT(d.height, 6);
	CHECK_INT(d.max_y, 6);
	CHECK(near_rgb(decoded_at(&d, 0, 5), STRIPES[0], 2));
	CHECK(near_rgb(decoded_at(&d, 11, 5), STRIPES[1], 2));
	free(d.pixels);
	gfx_buf_free(&buf);

	/* a limit under one band cannot be met */
	CHECK_INT(gfx_sixel_encode(&img, &(GfxSixelOpts){ .max_h = 5 }, &buf), STATUS_ERR_INPUT);
	CHECK_INT(buf.len, 0);
	free(img.pixels);

	ImgRGB empty = { 0 };
	CHECK_INT(gfx_sixel_encode(&empty, NULL, &buf), STATUS_ERR_INPUT);
}

static void test_sixel_place(void)
{
	GfxBuf sixel = { 0 }, out = { 0 };
	const char *want_head = "\0337\033[3;6H";

	gfx_buf_append(&sixel, "\033Pq#0~\033\\", 9);
	gfx_sixel_place(&out, 2, 5, &sixel);
	CHECK_INT(out.len, strlen(want_head) + 9 + 2);
	CHECK(memcmp(out.data, want_head, strlen(want_head)) == 0);
	CHECK(memcmp(out.data + strlen(want_head), sixel.data, 9) == 0);
	CHECK(memcmp(out.data + out.len - 2, "\0338", 2) == 0);

	/* appends: a second image after the first */
	gfx_sixel_place(&out, 0, 0, &sixel);
	CHECK(memcmp(out.data + strlen(want_head) + 11, "\0337\033[1;1H", 8) == 0);
	gfx_buf_free(&out);
	gfx_buf_free(&sixel);
}

typedef struct {
	int fd;
	unsigned char *got;
	size_t len;
} Reader;

static void *read_all(void *arg)
{
	Reader *r = arg;
	unsigned char buf[1000];
	ssize_t n;

	while ((n = read(r->fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		memcpy(r->got + r->len, buf, (size_t)n);
		r->len += (size_t)n;
		usleep(100);    /* a slow terminal: the writer must wait */
	}
	return NULL;
}

static void test_write_all_partial_and_eagain(void)
{
	enum { SIZE = 1 << 20 };
	int fds[2];
	pthread_t thread;
	unsigned char *data = malloc(SIZE);
	Reader r = { .got = malloc(SIZE) };

	for (int i = 0; i < SIZE; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	CHECK(pipe(fds) == 0);
	/* a non-blocking fd takes partial writes and EAGAIN once the pipe fills */
	fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
	r.fd = fds[0];
	pthread_create(&thread, NULL, read_all, &r);
	CHECK_INT(gfx_write_all(fds[1], data, SIZE), STATUS_OK);
	close(fds[1]);
	pthread_join(thread, NULL);
	CHECK_INT(r.len, SIZE);
	CHECK(memcmp(r.got, data, SIZE) == 0);
	close(fds[0]);

	CHECK(pipe(fds) == 0);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	CHECK_INT(gfx_write_all(fds[1], data, 10), STATUS_ERR_IO);
	close(fds[1]);
	free(data);
	free(r.got);
}

typedef struct {
	int seed;
	int ok;
} EncodeJob;

static void *encode_many(void *arg)
{
	EncodeJob *job = arg;
	job->ok = 1;
	for (int round = 0; round < 20; round++) {
		ImgRGB img = make_image(40 + job->seed, 30);
		for (int i = 0; i < img.width * img.height * 3; i++)
			img.pixels[i] = (unsigned char)(i * (job->seed + 3) + round);
		GfxBuf buf = { 0 };
		if (gfx_sixel_encode(&img, &(GfxSixelOpts){ .colours = 32 }, &buf) != STATUS_OK)
			job->ok = 0;
		Decoded d = sixel_decode(buf.data, buf.len);
		if (!d.ok || d.max_x != img.width || d.max_y != 30)
			job->ok = 0;
		free(d.pixels);
		gfx_buf_free(&buf);
		free(img.pixels);
	}
	return NULL;
}

static void test_sixel_threads(void)
{
	pthread_t threads[4];
	EncodeJob jobs[4];

	for (int i = 0; i < 4; i++) {
		jobs[i].seed = i;
		pthread_create(&threads[i], NULL, encode_many, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		CHECK(jobs[i].ok);
	}
}

/* ---- half blocks and colours ---- */

static void test_blocks_exact_cells(void)
{
	/* 2 wide, 4 high: two rows of cells, top pixel in fg, bottom in bg */
	static const uint32_t colours[4][2] = {
		{ 0xff0000, 0x00ff00 },
		{ 0x0000ff, 0xffffff },
		{ 0x123456, 0x654321 },
		{ 0x000000, 0x808080 },
	};
	ImgRGB img = make_image(2, 4);
	GfxBlocks blocks;

	for (int y = 0; y < 4; y++)
		for (int x = 0; x < 2; x++)
			set_px(&img, x, y, colours[y][x]);
	CHECK_INT(gfx_blocks_render(&img, 2, 2, 0, &blocks), STATUS_OK);
	CHECK_INT(blocks.cols, 2);
	CHECK_INT(blocks.rows, 2);
	CHECK_INT(blocks.cells[0].fg, 0xff0000);
	CHECK_INT(blocks.cells[0].bg, 0x0000ff);
	CHECK_INT(blocks.cells[1].fg, 0x00ff00);
	CHECK_INT(blocks.cells[1].bg, 0xffffff);
	CHECK_INT(blocks.cells[2].fg, 0x123456);
	CHECK_INT(blocks.cells[2].bg, 0x000000);
	CHECK_INT(blocks.cells[3].fg, 0x654321);
	CHECK_INT(blocks.cells[3].bg, 0x808080);
	gfx_blocks_free(&blocks);
	CHECK(blocks.cells == NULL);

	/* a larger pane does not enlarge it */
	CHECK_INT(gfx_blocks_render(&img, 80, 24, 0, &blocks), STATUS_OK);
	CHECK_INT(blocks.cols, 2);
	CHECK_INT(blocks.rows, 2);
	gfx_blocks_free(&blocks);

	/* a smaller one halves it by area averages: (ff0000+00ff00+0000ff+ffffff)/4 */
	CHECK_INT(gfx_blocks_render(&img, 1, 1, 0, &blocks), STATUS_OK);
	CHECK_INT(blocks.cols, 1);
	CHECK_INT(blocks.rows, 1);
	CHECK(near_rgb((int)blocks.cells[0].fg, 0x808080, 1));
	gfx_blocks_free(&blocks);
	free(img.pixels);

	/* an odd height: the last half cell is the background */
	img = make_image(1, 3);
	set_px(&img, 0, 0, 0x111111);
	set_px(&img, 0, 1, 0x222222);
	set_px(&img, 0, 2, 0x333333);
	CHECK_INT(gfx_blocks_render(&img, 5, 5, 0xabcdef, &blocks), STATUS_OK);
	CHECK_INT(blocks.rows, 2);
	CHECK_INT(blocks.cells[1].fg, 0x333333);
	CHECK_INT(blocks.cells[1].bg, 0xabcdef);
	gfx_blocks_free(&blocks);
	CHECK_INT(gfx_blocks_render(&img, 0, 5, 0, &blocks), STATUS_ERR_INPUT);
	free(img.pixels);
	CHECK_INT(strcmp(GFX_UPPER_HALF, "\u2580"), 0);
}

/* xterm's 256-colour table as its 256colres.pl defines it, written out. */
static void xterm_colour(int index, int *r, int *g, int *b)
{
	static const int levels[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff };
	if (index >= 232) {
		*r = *g = *b = 0x08 + 0x0a * (index - 232);
	} else {
		int i = index - 16;
		*r = levels[i / 36];
		*g = levels[i / 6 % 6];
		*b = levels[i % 6];
	}
}

static long table_dist(int index, int r, int g, int b)
{
	int tr, tg, tb;
	xterm_colour(index, &tr, &tg, &tb);
	return (long)(r - tr) * (r - tr) + (long)(g - tg) * (g - tg) + (long)(b - tb) * (b - tb);
}

static void test_xterm256(void)
{
	CHECK_INT(gfx_rgb_to_xterm256(0xff0000), 196);
	CHECK_INT(gfx_rgb_to_xterm256(0x000000), 16);
	CHECK_INT(gfx_rgb_to_xterm256(0xffffff), 231);
	CHECK_INT(gfx_rgb_to_xterm256(0x808080), 244);
	CHECK_INT(gfx_rgb_to_xterm256(0x5f87af), 67);
	CHECK_INT(gfx_rgb_to_xterm256(0xeeeeee), 255);
	CHECK_INT(gfx_rgb_to_xterm256(0x0a0a0a), 232);
	/* the published table says so too */
	int r, g, b;
	xterm_colour(196, &r, &g, &b);
	CHECK(r == 255 && g == 0 && b == 0);
	xterm_colour(244, &r, &g, &b);
	CHECK(r == 128 && g == 128 && b == 128);

	/* any colour: nothing in 16..255 is nearer than the pick */
	unsigned seed = 12345;
	int worse = 0;
	for (int n = 0; n < 5000; n++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t rgb = seed >> 8 & 0xffffff;
		int pr = rgb >> 16, pg = rgb >> 8 & 0xff, pb = rgb & 0xff;
		int pick = gfx_rgb_to_xterm256(rgb);
		long best = table_dist(16, pr, pg, pb);
		for (int i = 17; i < 256; i++) {
			long d = table_dist(i, pr, pg, pb);
			if (d < best)
				best = d;
		}
		if (pick < 16 || pick > 255 || table_dist(pick, pr, pg, pb) != best)
			worse++;
	}
	CHECK_INT(worse, 0);
}

/* ---- prepared images ---- */

static TtyCaps caps_for(TtyGraphics mode)
{
	TtyCaps caps = {
		.graphics = mode, .rows = 40, .cols = 120, .cell_w = 10, .cell_h = 20,
		.max_sixel_w = 1000, .max_sixel_h = 1000, .sixel_colours = 256,
	};
	return caps;
}

static void test_prepare_sixel_fixture(void)
{
	TtyCaps caps = caps_for(TTY_GRAPHICS_SIXEL);
	GfxImage *image;

	/* palette.png: 24x32, red top half, green bottom half; fits 80x60 as is,
	 * padded with the background to 36 rows */
	CHECK_INT(gfx_prepare("tests/data/img/palette.png", 8, 3, &caps, 0x0000ff, &image),
		  STATUS_OK);
	if (!image)
		return;
	CHECK_INT(image->mode, TTY_GRAPHICS_SIXEL);
	CHECK_INT(image->cols, 3);
	CHECK_INT(image->rows, 2);
	Decoded d = sixel_decode(image->sixel.data, image->sixel.len);
	CHECK(d.ok);
	CHECK_INT(d.width, 24);
	CHECK_INT(d.height, 36);
	CHECK(near_rgb(decoded_at(&d, 5, 0), 0xff0000, 2));
	CHECK(near_rgb(decoded_at(&d, 23, 15), 0xff0000, 2));
	CHECK(near_rgb(decoded_at(&d, 0, 16), 0x00ff00, 2));
	CHECK(near_rgb(decoded_at(&d, 10, 31), 0x00ff00, 2));
	CHECK(near_rgb(decoded_at(&d, 10, 32), 0x0000ff, 2));
	CHECK(near_rgb(decoded_at(&d, 23, 35), 0x0000ff, 2));
	CHECK(gfx_image_matches(image, 8, 3, &caps));
	CHECK(!gfx_image_matches(image, 9, 3, &caps));
	TtyCaps other = caps;
	other.cell_h = 19;
	CHECK(!gfx_image_matches(image, 8, 3, &other));
	other = caps_for(TTY_GRAPHICS_BLOCKS);
	CHECK(!gfx_image_matches(image, 8, 3, &other));
	free(d.pixels);
	gfx_image_free(image);

	/* graya.png: transparent right half composited on the background */
	CHECK_INT(gfx_prepare("tests/data/img/graya.png", 8, 3, &caps, 0x0000ff, &image),
		  STATUS_OK);
	d = sixel_decode(image->sixel.data, image->sixel.len);
	CHECK_INT(d.width, 16);
	CHECK_INT(d.height, 6);
	CHECK(near_rgb(decoded_at(&d, 0, 0), 0x808080, 2));
	CHECK(near_rgb(decoded_at(&d, 15, 5), 0x0000ff, 2));
	free(d.pixels);
	gfx_image_free(image);
}

static void test_prepare_sixel_scaled_and_limited(void)
{
	TtyCaps caps = caps_for(TTY_GRAPHICS_SIXEL);
	GfxImage *image;

	/* rgb.jpg 120x80 into 4x2 cells of 10x20: 40 wide, whole bands high */
	CHECK_INT(gfx_prepare("tests/data/img/rgb.jpg", 4, 2, &caps, 0, &image), STATUS_OK);
	Decoded d = sixel_decode(image->sixel.data, image->sixel.len);
	CHECK_INT(d.width, 40);
	CHECK_INT(d.height % 6, 0);
	CHECK(d.height >= 27 && d.height <= 40);
	CHECK_INT(image->cols, 4);
	CHECK(image->rows * caps.cell_h >= d.height && image->rows <= 2);
	/* red at the top, blue at the bottom of the picture */
	CHECK(near_rgb(decoded_at(&d, 20, 0), 0xff0000, 40));
	free(d.pixels);
	gfx_image_free(image);

	/* the terminal's limit wins over a larger pane */
	caps.max_sixel_w = 30;
	caps.max_sixel_h = 17;
	CHECK_INT(gfx_prepare("tests/data/img/rgb.jpg", 40, 20, &caps, 0, &image), STATUS_OK);
	d = sixel_decode(image->sixel.data, image->sixel.len);
	CHECK(d.width <= 30 && d.height <= 12 && d.height % 6 == 0);
	CHECK_INT(d.width, 18);    /* 120x80 fitted to 30x12 */
	free(d.pixels);
	gfx_image_free(image);

	/* a pane under one band */
	caps = caps_for(TTY_GRAPHICS_SIXEL);
	caps.cell_h = 5;
	CHECK_INT(gfx_prepare("tests/data/img/rgb.jpg", 4, 1, &caps, 0, &image), STATUS_ERR_INPUT);
	CHECK(image == NULL);
	CHECK_INT(gfx_prepare("tests/data/img/missing.png", 4, 2, &caps, 0, &image),
		  STATUS_ERR_IO);
	CHECK(image == NULL);
}

static void test_prepare_blocks_and_none(void)
{
	TtyCaps caps = caps_for(TTY_GRAPHICS_BLOCKS);
	GfxImage *image;

	CHECK_INT(gfx_prepare("tests/data/img/palette.png", 30, 20, &caps, 0, &image), STATUS_OK);
	CHECK_INT(image->mode, TTY_GRAPHICS_BLOCKS);
	CHECK_INT(image->cols, 24);
	CHECK_INT(image->rows, 16);
	CHECK_INT(image->blocks.cells[0].fg, 0xff0000);
	CHECK_INT(image->blocks.cells[7 * 24].bg, 0xff0000);
	CHECK_INT(image->blocks.cells[8 * 24].fg, 0x00ff00);
	CHECK_INT(image->blocks.cells[15 * 24 + 23].bg, 0x00ff00);
	CHECK_INT(image->sixel.len, 0);
	CHECK(gfx_image_matches(image, 30, 20, &caps));
	gfx_image_free(image);

	/* smaller pane: 24x32 into 6x4 cells = 6x8 half-cell pixels */
	CHECK_INT(gfx_prepare("tests/data/img/palette.png", 6, 4, &caps, 0, &image), STATUS_OK);
	CHECK_INT(image->cols, 6);
	CHECK_INT(image->rows, 4);
	gfx_image_free(image);

	caps = caps_for(TTY_GRAPHICS_NONE);
	CHECK_INT(gfx_prepare("tests/data/img/palette.png", 30, 20, &caps, 0, &image), STATUS_OK);
	CHECK_INT(image->mode, TTY_GRAPHICS_NONE);
	CHECK(image->pixels.pixels == NULL);
	CHECK_INT(image->cols, 0);
	gfx_image_free(image);
	gfx_image_free(NULL);
}

static void test_prepare_rgb(void)
{
	TtyCaps caps = caps_for(TTY_GRAPHICS_SIXEL);
	ImgRGB img = stripes(100, 50);
	GfxImage *image;

	caps.max_sixel_w = 40;
	caps.max_sixel_h = 30;
	/* 100x50 fitted to 40x30 is 40x20, padded to 24 with the background */
	CHECK_INT(gfx_prepare_rgb(&img, 20, 10, &caps, 0x102030, &image), STATUS_OK);
	CHECK_INT(image->pixels.width, 40);
	CHECK_INT(image->pixels.height, 24);
	Decoded d = sixel_decode(image->sixel.data, image->sixel.len);
	CHECK_INT(d.width, 40);
	CHECK_INT(d.height, 24);
	CHECK(near_rgb(decoded_at(&d, 39, 23), 0x102030, 2));
	CHECK(near_rgb(decoded_at(&d, 0, 0), STRIPES[0], 2));
	free(d.pixels);
	gfx_image_free(image);
	free(img.pixels);
}

int main(void)
{
	RUN(test_sixel_stripes_round_trip);
	RUN(test_sixel_all_settings_decode);
	RUN(test_sixel_does_not_modify_input);
	RUN(test_sixel_clamped_to_limit_and_bands);
	RUN(test_sixel_place);
	RUN(test_write_all_partial_and_eagain);
	RUN(test_sixel_threads);
	RUN(test_blocks_exact_cells);
	RUN(test_xterm256);
	RUN(test_prepare_sixel_fixture);
	RUN(test_prepare_sixel_scaled_and_limited);
	RUN(test_prepare_blocks_and_none);
	RUN(test_prepare_rgb);
	return test_summary();
}
