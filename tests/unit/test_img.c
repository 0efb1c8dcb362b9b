/* test_img.c - image probing, decoding and scaling against fixtures made by
 * tests/data/img/make.sh (sizes and colours are the ones written there), and
 * huge images written here row by row to check that memory stays bounded. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>

#include "src/img/img.h"
#include "src/img/imgscale.h"
#include "tests/unit/test.h"

#define DATA "tests/data/img/"

static char tmpdir[64];

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	long n;
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc(n > 0 ? (size_t)n : 1);
	*len = fread(buf, 1, (size_t)n, fp);
	fclose(fp);
	return buf;
}

static void spill(const char *path, const unsigned char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return;
	fwrite(data, 1, len, fp);
	fclose(fp);
}

static const char *tmp_path(const char *name)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const unsigned char *pixel(const ImgRGB *img, int x, int y)
{
	return img->pixels + ((size_t)y * img->width + x) * 3;
}

/* How many pixels of img are further than tol from (r, g, b) in a channel. */
static long count_off(const ImgRGB *img, int r, int g, int b, int tol)
{
	long off = 0;
	for (int y = 0; y < img->height; y++)
		for (int x = 0; x < img->width; x++) {
			const unsigned char *p = pixel(img, x, y);
			if (abs(p[0] - r) > tol || abs(p[1] - g) > tol || abs(p[2] - b) > tol)
				off++;
		}
	return off;
}

static void test_format_names(void)
{
	CHECK_STR(img_format_name(IMG_FORMAT_JPEG), "JPEG");
	CHECK_STR(img_format_name(IMG_FORMAT_PNG), "PNG");
	CHECK_STR(img_format_name(IMG_FORMAT_GIF), "GIF");
	CHECK_STR(img_format_name(IMG_FORMAT_BMP), "BMP");
	CHECK_STR(img_format_name(IMG_FORMAT_PNM), "PNM");
	CHECK_STR(img_format_name(IMG_FORMAT_UNKNOWN), "unknown");
	CHECK_STR(img_format_name((ImgFormat)99), "unknown");
}

static const struct {
	const char *path;
	ImgFormat format;
	int width, height;
} fixtures[] = {
	{ DATA "solid.jpg", IMG_FORMAT_JPEG, 40, 30 },
	{ DATA "rgb.jpg", IMG_FORMAT_JPEG, 120, 80 },
	{ DATA "gray.jpg", IMG_FORMAT_JPEG, 50, 40 },
	{ DATA "cmyk.jpg", IMG_FORMAT_JPEG, 32, 24 },
	{ DATA "progressive.jpg", IMG_FORMAT_JPEG, 64, 48 },
	{ DATA "truncated.jpg", IMG_FORMAT_JPEG, 160, 120 },
	{ DATA "rgb.png", IMG_FORMAT_PNG, 30, 20 },
	{ DATA "palette.png", IMG_FORMAT_PNG, 24, 32 },
	{ DATA "palette_trns.png", IMG_FORMAT_PNG, 16, 8 },
	{ DATA "gray1.png", IMG_FORMAT_PNG, 16, 4 },
	{ DATA "clear.png", IMG_FORMAT_PNG, 20, 20 },
	{ DATA "halfred.png", IMG_FORMAT_PNG, 10, 10 },
	{ DATA "graya.png", IMG_FORMAT_PNG, 16, 6 },
	{ DATA "rgb16.png", IMG_FORMAT_PNG, 12, 9 },
	{ DATA "interlaced.png", IMG_FORMAT_PNG, 33, 17 },
	{ DATA "truncated.png", IMG_FORMAT_PNG, 64, 64 },
	{ DATA "gif.gif", IMG_FORMAT_GIF, 25, 15 },
	{ DATA "bmp3.bmp", IMG_FORMAT_BMP, 23, 11 },
	{ DATA "bmp.bmp", IMG_FORMAT_BMP, 21, 13 },
	{ DATA "pnm.ppm", IMG_FORMAT_PNM, 17, 9 },
	{ DATA "comment.pgm", IMG_FORMAT_PNM, 3, 2 },
};
#define N_FIXTURES (sizeof fixtures / sizeof fixtures[0])

static void test_probe_fixtures(void)
{
	for (size_t i = 0; i < N_FIXTURES; i++) {
		ImgInfo info;
		size_t len = 0;
		unsigned char *data = slurp(fixtures[i].path, &len);
		Status st = img_probe_file(fixtures[i].path, &info);

		CHECK(data != NULL);
		if (st != STATUS_OK)
			fprintf(stderr, "  %s: %s\n", fixtures[i].path, status_detail());
		CHECK_INT(st, STATUS_OK);
		CHECK_INT(info.format, fixtures[i].format);
		CHECK_INT(info.width, fixtures[i].width);
		CHECK_INT(info.height, fixtures[i].height);
		memset(&info, 0, sizeof info);
		CHECK_INT(img_probe_memory(data, len, &info), STATUS_OK);
		CHECK_INT(info.format, fixtures[i].format);
		CHECK_INT(info.width, fixtures[i].width);
		CHECK_INT(info.height, fixtures[i].height);
		free(data);
	}
}

static void test_probe_not_images(void)
{
	ImgInfo info = { IMG_FORMAT_PNG, 5, 5 };
	CHECK_INT(img_probe_file(DATA "text.jpg", &info), STATUS_ERR_FORMAT);
	CHECK_STR(status_detail(), DATA "text.jpg: not an image (unrecognised format)");
	CHECK_INT(info.format, IMG_FORMAT_UNKNOWN);
	CHECK_INT(info.width, 0);
	CHECK_INT(img_probe_file(DATA "empty.jpg", &info), STATUS_ERR_FORMAT);
	CHECK_STR(status_detail(), DATA "empty.jpg: empty file (not an image)");
	CHECK_INT(img_probe_file(DATA "no-such.png", &info), STATUS_ERR_IO);
	CHECK_STR(status_detail(), DATA "no-such.png: No such file or directory");
	CHECK_INT(img_probe_memory((const unsigned char *)"BMW is a car", 12, &info),
		  STATUS_ERR_FORMAT);
	CHECK_STR(status_detail(), "not an image (unrecognised format)");
	CHECK_INT(img_probe_memory((const unsigned char *)"", 0, &info), STATUS_ERR_FORMAT);
}

/* Where the header ends: the shortest prefix a probe can succeed on. */
static size_t header_end(const unsigned char *d, size_t len, ImgFormat format)
{
	size_t i;
	switch (format) {
	case IMG_FORMAT_JPEG:
		/* After the start-of-scan segment. */
		for (i = 2; i + 1 < len; i++)
			if (d[i] == 0xff && d[i + 1] == 0xda)
				return i + 2 + ((size_t)d[i + 2] << 8 | d[i + 3]);
		return len;
	case IMG_FORMAT_PNG:
		/* libpng stops at the first IDAT's length and type. */
		for (i = 8; i + 4 <= len; i++)
			if (memcmp(d + i, "IDAT", 4) == 0)
				return i + 4;
		return len;
	case IMG_FORMAT_GIF:
		return 10;
	case IMG_FORMAT_BMP:
		return 26;
	default:
		/* PNM: two numbers after the magic, then one whitespace byte. */
		i = 2;
		for (int k = 0; k < 2; k++) {
			while (i < len && (d[i] < '0' || d[i] > '9'))
				if (d[i++] == '#')
					while (i < len && d[i] != '\n')
						i++;
			while (i < len && d[i] >= '0' && d[i] <= '9')
				i++;
		}
		return i + 1;
	}
}

/* Every prefix shorter than the header fails cleanly: not an image while the
 * magic is incomplete, corrupt after that; the whole header succeeds. */
static void test_probe_truncated_headers(void)
{
	for (size_t i = 0; i < N_FIXTURES; i++) {
		size_t len = 0, end;
		unsigned char *data = slurp(fixtures[i].path, &len);
		ImgInfo info;
		long bad = 0;

		end = header_end(data, len, fixtures[i].format);
		CHECK(end <= len);
		for (size_t n = 0; n < end && n <= len; n++) {
			/* A copy of exactly n bytes, so ASan sees any over-read. */
			unsigned char *cut = malloc(n ? n : 1);
			Status st;
			memcpy(cut, data, n);
			st = img_probe_memory(cut, n, &info);
			if ((n >= 8 ? st != STATUS_ERR_CORRUPT
				    : st != STATUS_ERR_CORRUPT && st != STATUS_ERR_FORMAT) &&
			    bad++ == 0)
				fprintf(stderr, "  %s cut at %zu: %s\n", fixtures[i].path, n,
					status_detail());
			free(cut);
		}
		CHECK_INT(bad, 0);
		CHECK_INT(img_probe_memory(data, end, &info), STATUS_OK);
		CHECK_INT(info.width, fixtures[i].width);
		free(data);
	}
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A PNG signature, an IHDR of w x h RGB, and the start of an IDAT. */
static Status probe_png_header(uint32_t w, uint32_t h)
{
	unsigned char d[8 + 25 + 8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	ImgInfo info;
	put_be32(d + 8, 13);
	memcpy(d + 12, "IHDR", 4);
	put_be32(d + 16, w);
	put_be32(d + 20, h);
	d[24] = 8;
	d[25] = 2;
	put_be32(d + 29, crc32_of(d + 12, 17));
	memcpy(d + 37, "IDAT", 4);
	return img_probe_memory(d, sizeof d, &info);
}

/* solid.jpg with the frame header claiming w x h. */
static Status probe_jpeg_size(unsigned w, unsigned h)
{
	size_t len = 0;
	unsigned char *d = slurp(DATA "solid.jpg", &len);
	ImgInfo info;
	Status st = STATUS_OK;
	for (size_t i = 2; i + 9 < len; i++)
		if (d[i] == 0xff && d[i + 1] == 0xc0) {
			d[i + 5] = (unsigned char)(h >> 8);
			d[i + 6] = (unsigned char)h;
			d[i + 7] = (unsigned char)(w >> 8);
			d[i + 8] = (unsigned char)w;
			st = img_probe_memory(d, len, &info);
			break;
		}
	free(d);
	return st;
}

static Status probe_text(const char *s)
{
	ImgInfo info;
	return img_probe_memory((const unsigned char *)s, strlen(s), &info);
}

static void test_probe_bad_sizes(void)
{
	/* GIF: 0 x 10 (70000 can't be said in 16 bits; in BMP it can). */
	CHECK_INT(img_probe_memory((const unsigned char *)"GIF89a\0\0\x0a\0\0\0\0", 13,
				   &(ImgInfo){ 0 }), STATUS_ERR_CORRUPT);
	CHECK_STR(status_detail(), "GIF header gives an empty size (0x10)");
	{
		unsigned char bmp[26] = { 'B', 'M' };
		ImgInfo info;
		bmp[14] = 40;
		bmp[18] = 0x70, bmp[19] = 0x11, bmp[20] = 0x01; /* 70000 */
		bmp[22] = 0xf6, bmp[23] = 0xff, bmp[24] = 0xff, bmp[25] = 0xff; /* -10 */
		CHECK_INT(img_probe_memory(bmp, sizeof bmp, &info), STATUS_ERR_TOO_BIG);
		bmp[18] = 100, bmp[19] = 0, bmp[20] = 0;
		CHECK_INT(img_probe_memory(bmp, sizeof bmp, &info), STATUS_OK);
		CHECK_INT(info.width, 100);
		CHECK_INT(info.height, 10); /* top-down rows */
	}
	CHECK_INT(probe_text("P6\n70000 2\n255\n"), STATUS_ERR_TOO_BIG);
	CHECK_INT(probe_text("P6\n30000 20000\n255\n"), STATUS_ERR_TOO_BIG); /* 600 MP */
	CHECK_INT(probe_text("P6\n20000 20000\n255\n"), STATUS_OK);         /* 400 MP */
	CHECK_INT(probe_text("P6 99999999999999999999 2\n"), STATUS_ERR_TOO_BIG);
	CHECK_INT(probe_text("P6\n0 2\n255\n"), STATUS_ERR_CORRUPT);
	CHECK_INT(probe_text("P6\nabc def\n"), STATUS_ERR_CORRUPT);
	CHECK_STR(status_detail(), "PNM header has no valid width and height");
	CHECK_INT(probe_text("P6\n12 3"), STATUS_ERR_CORRUPT);
	CHECK_STR(status_detail(), "PNM header is truncated");
	CHECK_INT(probe_text("P3 # a comment\n# another\n 7\t8 255"), STATUS_OK);

	CHECK_INT(probe_png_header(640, 480), STATUS_OK);
	CHECK_INT(probe_png_header(70000, 10), STATUS_ERR_TOO_BIG);
	CHECK(strstr(status_detail(), "70000x10") != NULL);
	CHECK_INT(probe_png_header(30000, 20000), STATUS_ERR_TOO_BIG);
	CHECK_INT(probe_png_header(0, 10), STATUS_ERR_CORRUPT);

	CHECK_INT(probe_jpeg_size(40, 30), STATUS_OK);
	CHECK_INT(probe_jpeg_size(30000, 20000), STATUS_ERR_TOO_BIG);
	CHECK_INT(probe_jpeg_size(0, 30), STATUS_ERR_CORRUPT);
}

/* Several 64 KiB EXIF-like segments before the frame header: the probe must
 * read past any fixed prefix. */
static void test_probe_big_exif(void)
{
	size_t len = 0, seg = 65535, pos = 2;
	unsigned char *jpg = slurp(DATA "solid.jpg", &len);
	unsigned char *big = malloc(len + 3 * (seg + 2));
	ImgInfo info;
	ImgRGB rgb;

	memcpy(big, jpg, 2);
	for (int k = 0; k < 3; k++) {
		big[pos] = 0xff;
		big[pos + 1] = 0xe1;
		big[pos + 2] = (unsigned char)(seg >> 8);
		big[pos + 3] = (unsigned char)seg;
		memset(big + pos + 4, 'x', seg - 2);
		memcpy(big + pos + 4, "Exif\0\0", 6);
		pos += seg + 2;
	}
	memcpy(big + pos, jpg + 2, len - 2);
	spill(tmp_path("exif.jpg"), big, pos + len - 2);
	CHECK_INT(img_probe_file(tmp_path("exif.jpg"), &info), STATUS_OK);
	CHECK_INT(info.format, IMG_FORMAT_JPEG);
	CHECK_INT(info.width, 40);
	CHECK_INT(info.height, 30);
	CHECK_INT(img_decode_file(tmp_path("exif.jpg"), 0, 0, 0, &rgb), STATUS_OK);
	CHECK_INT(count_off(&rgb, 0x30, 0x80, 0xc0, 4), 0);
	img_rgb_free(&rgb);
	unlink(tmp_path("exif.jpg"));
	free(big);
	free(jpg);
}

static void test_decode_sizes(void)
{
	static const struct {
		const char *path;
		int max_w, max_h, want_w, want_h;
	} cases[] = {
		{ DATA "solid.jpg", 16, 16, 16, 12 },
		{ DATA "rgb.jpg", 60, 60, 60, 40 },
		{ DATA "gray.jpg", 25, 100, 25, 20 },
		{ DATA "cmyk.jpg", 0, 0, 32, 24 },
		{ DATA "progressive.jpg", 32, 32, 32, 24 },
		{ DATA "progressive.jpg", 0, 12, 16, 12 },
		{ DATA "rgb.png", 15, 15, 15, 10 },
		{ DATA "palette.png", 12, 12, 9, 12 },
		{ DATA "interlaced.png", 11, 100, 11, 6 },
		{ DATA "rgb16.png", 100, 100, 12, 9 },
		{ DATA "graya.png", -1, 3, 8, 3 },
		{ DATA "halfred.png", 1, 1, 1, 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ImgRGB out;
		Status st = img_decode_file(cases[i].path, cases[i].max_w, cases[i].max_h,
					    0xffffff, &out);
		if (st != STATUS_OK)
			fprintf(stderr, "  %s: %s\n", cases[i].path, status_detail());
		CHECK_INT(st, STATUS_OK);
		CHECK_INT(out.width, cases[i].want_w);
		CHECK_INT(out.height, cases[i].want_h);
		CHECK(out.pixels != NULL);
		img_rgb_free(&out);
	}
}

static void decode_expect(const char *path, uint32_t bg, int r, int g, int b, int tol)
{
	ImgRGB out;
	CHECK_INT(img_decode_file(path, 0, 0, bg, &out), STATUS_OK);
	if (!out.pixels)
		return;
	CHECK_INT(count_off(&out, r, g, b, tol), 0);
	if (count_off(&out, r, g, b, tol))
		fprintf(stderr, "  %s: pixel 0 is %d,%d,%d\n", path, out.pixels[0], out.pixels[1],
			out.pixels[2]);
	img_rgb_free(&out);
}

static void test_decode_colours(void)
{
	/* JPEG is lossy: a few levels of slack; PNG is exact. */
	decode_expect(DATA "solid.jpg", 0, 0x30, 0x80, 0xc0, 4);
	decode_expect(DATA "gray.jpg", 0, 128, 128, 128, 2);
	decode_expect(DATA "cmyk.jpg", 0, 255, 0, 0, 6);
	decode_expect(DATA "progressive.jpg", 0, 0x20, 0xc0, 0x40, 4);
	decode_expect(DATA "rgb.png", 0, 0x12, 0x34, 0x56, 0);
	decode_expect(DATA "interlaced.png", 0, 0xc0, 0x80, 0x40, 0);
	/* 16-bit 65535, 32768, 0 scaled to 8 bits. */
	decode_expect(DATA "rgb16.png", 0, 255, 128, 0, 1);
	/* Fully transparent: nothing but the background. */
	decode_expect(DATA "clear.png", 0x336699, 0x33, 0x66, 0x99, 0);
	/* Alpha 127 of red over white: 255 * (1 - 127/255) = 128 in G and B. */
	decode_expect(DATA "halfred.png", 0xffffff, 255, 128, 128, 1);
	decode_expect(DATA "halfred.png", 0x000000, 127, 0, 0, 1);
}

static void test_decode_palette_and_gray_alpha(void)
{
	ImgRGB out;
	long red = 0, green = 0;

	/* Red rows 0-15 over green rows 16-31; halved, rows 0-7 and 8-15. */
	CHECK_INT(img_decode_file(DATA "palette.png", 12, 16, 0, &out), STATUS_OK);
	CHECK_INT(out.width, 12);
	CHECK_INT(out.height, 16);
	for (int y = 0; y < out.height; y++)
		for (int x = 0; x < out.width; x++) {
			const unsigned char *p = pixel(&out, x, y);
			red += y < 8 && p[0] == 255 && p[1] == 0 && p[2] == 0;
			green += y >= 8 && p[0] == 0 && p[1] == 255 && p[2] == 0;
		}
	CHECK_INT(red, 12 * 8);
	CHECK_INT(green, 12 * 8);
	img_rgb_free(&out);

	/* Grey 128 opaque in columns 0-7, transparent in 8-15. */
	CHECK_INT(img_decode_file(DATA "graya.png", 0, 0, 0x102030, &out), STATUS_OK);
	CHECK_INT(out.width, 16);
	CHECK_INT(out.height, 6);
	red = green = 0;
	for (int y = 0; y < out.height; y++)
		for (int x = 0; x < out.width; x++) {
			const unsigned char *p = pixel(&out, x, y);
			red += x < 8 && p[0] == 128 && p[1] == 128 && p[2] == 128;
			green += x >= 8 && p[0] == 0x10 && p[1] == 0x20 && p[2] == 0x30;
		}
	CHECK_INT(red, 8 * 6);
	CHECK_INT(green, 8 * 6);
	img_rgb_free(&out);
}

/* Pixels left of column split must be one colour, the rest another. */
static void decode_halves(const char *path, uint32_t bg, int split, uint32_t left, uint32_t right)
{
	ImgRGB out;
	long wrong = 0;
	CHECK_INT(img_decode_file(path, 0, 0, bg, &out), STATUS_OK);
	for (int y = 0; y < out.height; y++)
		for (int x = 0; x < out.width; x++) {
			const unsigned char *p = pixel(&out, x, y);
			uint32_t want = x < split ? left : right;
			wrong += p[0] != (want >> 16 & 255) || p[1] != (want >> 8 & 255) ||
				 p[2] != (want & 255);
		}
	CHECK_INT(wrong, 0);
	img_rgb_free(&out);
}

static void test_decode_palette_trns_and_1bit(void)
{
	/* Transparent palette entry left, blue right. */
	decode_halves(DATA "palette_trns.png", 0x336699, 8, 0x336699, 0x0000ff);
	/* 1-bit grey: white left, black right. */
	decode_halves(DATA "gray1.png", 0x336699, 8, 0xffffff, 0x000000);
}

/* A YCCK JPEG (Adobe's inverted CMYK transformed like YCbCr) written here:
 * stored C=255 M=0 Y=0 K=255 means cyan-free, full magenta and yellow, no
 * black: red. */
static void test_decode_ycck(void)
{
	struct jpeg_compress_struct cinfo;
	struct jpeg_error_mgr jerr;
	unsigned char row[24 * 4];
	FILE *fp = fopen(tmp_path("ycck.jpg"), "wb");
	ImgRGB out;

	CHECK(fp != NULL);
	if (!fp)
		return;
	for (int x = 0; x < 24; x++)
		memcpy(row + 4 * x, "\xff\x00\x00\xff", 4);
	cinfo.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&cinfo);
	jpeg_stdio_dest(&cinfo, fp);
	cinfo.image_width = 24;
	cinfo.image_height = 16;
	cinfo.input_components = 4;
	cinfo.in_color_space = JCS_CMYK;
	jpeg_set_defaults(&cinfo);
	jpeg_set_colorspace(&cinfo, JCS_YCCK);
	jpeg_set_quality(&cinfo, 95, TRUE);
	jpeg_start_compress(&cinfo, TRUE);
	while (cinfo.next_scanline < cinfo.image_height) {
		unsigned char *rows[1] = { row };
		jpeg_write_scanlines(&cinfo, rows, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	fclose(fp);
	CHECK_INT(img_decode_file(tmp_path("ycck.jpg"), 12, 12, 0, &out), STATUS_OK);
	CHECK_INT(out.width, 12);
	CHECK_INT(out.height, 8);
	if (out.pixels)
		CHECK_INT(count_off(&out, 255, 0, 0, 6), 0);
	img_rgb_free(&out);
	unlink(tmp_path("ycck.jpg"));
}

/* rgb.jpg is a red (top) to blue (bottom) gradient: scaling keeps it so. */
static void test_decode_orientation(void)
{
	ImgRGB out;
	const unsigned char *top, *bottom;
	CHECK_INT(img_decode_file(DATA "rgb.jpg", 60, 60, 0, &out), STATUS_OK);
	if (!out.pixels)
		return;
	top = pixel(&out, 30, 0);
	bottom = pixel(&out, 30, out.height - 1);
	CHECK(top[0] > 240 && top[2] < 15);
	CHECK(bottom[2] > 240 && bottom[0] < 15);
	img_rgb_free(&out);
}

static void decode_fails(const char *path, Status want, const char *detail_part)
{
	ImgRGB out = { 1, 1, NULL };
	CHECK_INT(img_decode_file(path, 64, 64, 0, &out), want);
	CHECK(out.pixels == NULL && out.width == 0 && out.height == 0);
	CHECK(starts_with(status_detail(), path));
	if (!strstr(status_detail(), detail_part)) {
		fprintf(stderr, "  detail \"%s\" lacks \"%s\"\n", status_detail(), detail_part);
		CHECK(0);
	}
}

static void test_decode_errors(void)
{
	decode_fails(DATA "truncated.jpg", STATUS_ERR_CORRUPT, "JPEG: the data ends early");
	decode_fails(DATA "truncated.png", STATUS_ERR_CORRUPT, "PNG: the data ends early");
	decode_fails(DATA "text.jpg", STATUS_ERR_FORMAT, "not an image (unrecognised format)");
	decode_fails(DATA "empty.jpg", STATUS_ERR_FORMAT, "empty file");
	decode_fails(DATA "gif.gif", STATUS_ERR_FORMAT, "GIF images are not supported: gavel reads "
		     "JPEG and PNG");
	decode_fails(DATA "bmp.bmp", STATUS_ERR_FORMAT, "BMP images are not supported");
	decode_fails(DATA "pnm.ppm", STATUS_ERR_FORMAT, "PNM images are not supported");
	decode_fails(DATA "missing.jpg", STATUS_ERR_IO, "No such file or directory");
	decode_fails(DATA, STATUS_ERR_IO, "Is a directory");
}

/* Decoding with no limit still refuses a gigantic output. */
static void test_decode_output_limit(void)
{
	ImgRGB out;
	CHECK_INT(img_decode_file(tmp_path("huge.png"), 0, 0, 0, &out), STATUS_ERR_TOO_BIG);
	CHECK(strstr(status_detail(), "12000x12000") != NULL);
	CHECK(out.pixels == NULL);
}

/* Bytes of every decodable fixture changed one at a time: whatever comes out,
 * nothing crashes, leaks or prints, and the status is a sane one. */
static void test_decode_mutations(void)
{
	static const char *names[] = { "solid.jpg", "gray.jpg", "cmyk.jpg", "progressive.jpg",
				       "rgb.png", "palette.png", "graya.png", "interlaced.png",
				       "rgb16.png" };
	long bad = 0, runs = 0;
	for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
		char path[128];
		size_t len = 0;
		unsigned char *data;
		snprintf(path, sizeof path, DATA "%s", names[f]);
		data = slurp(path, &len);
		for (size_t at = 0; data && at < len; at += 1 + at / 64) {
			static const unsigned char values[] = { 0x00, 0xff, 0x7f };
			for (size_t v = 0; v < sizeof values; v++) {
				unsigned char keep = data[at];
				ImgRGB out;
				Status st;
				data[at] = values[v] == keep ? (unsigned char)~keep : values[v];
				spill(tmp_path("mutant"), data, len);
				data[at] = keep;
				st = img_decode_file(tmp_path("mutant"), 48, 48, 0x808080, &out);
				runs++;
				if (st == STATUS_OK)
					bad += !out.pixels || out.width < 1 || out.width > 48 ||
					       out.height < 1 || out.height > 48;
				else
					bad += (st != STATUS_ERR_CORRUPT && st != STATUS_ERR_FORMAT &&
						st != STATUS_ERR_TOO_BIG) || out.pixels != NULL;
				img_rgb_free(&out);
			}
		}
		free(data);
	}
	CHECK(runs > 500);
	CHECK_INT(bad, 0);
	unlink(tmp_path("mutant"));
}

static ImgRGB make_rgb(int w, int h)
{
	ImgRGB img = { w, h, calloc((size_t)w * h * 3, 1) };
	return img;
}

static void test_scale_box(void)
{
	ImgRGB src = make_rgb(3, 1), out;
	/* 3 -> 2 columns: each output pixel covers 1.5 inputs, so
	 * (0 + 90/2) / 1.5 = 30 and (90/2 + 180) / 1.5 = 150. */
	src.pixels[0] = 0, src.pixels[3] = 90, src.pixels[6] = 180;
	src.pixels[1] = src.pixels[4] = src.pixels[7] = 200;
	CHECK_INT(img_scale_box(&src, 2, 2, &out), STATUS_OK);
	CHECK_INT(out.width, 2);
	CHECK_INT(out.height, 1);
	CHECK_INT(out.pixels[0], 30);
	CHECK_INT(out.pixels[3], 150);
	CHECK_INT(out.pixels[1], 200);
	CHECK_INT(out.pixels[4], 200);
	img_rgb_free(&out);

	/* Fits already: an equal copy in a new buffer. */
	CHECK_INT(img_scale_box(&src, 10, 0, &out), STATUS_OK);
	CHECK_INT(out.width, 3);
	CHECK(out.pixels != src.pixels && memcmp(out.pixels, src.pixels, 9) == 0);
	img_rgb_free(&out);
	img_rgb_free(&src);
	img_rgb_free(NULL);

	CHECK_INT(img_scale_box(&src, 10, 10, &out), STATUS_ERR_INPUT);
	CHECK(out.pixels == NULL);
}

/* 640x480 of pseudo-random pixels into 64x48: every output pixel is the
 * rounded mean of a 10x10 block, computed here the plain way. */
static void test_scale_box_blocks(void)
{
	ImgRGB src = make_rgb(640, 480), out;
	uint32_t seed = 12345;
	long wrong = 0;

	for (size_t i = 0; i < (size_t)640 * 480 * 3; i++) {
		seed = seed * 1103515245u + 12345u;
		src.pixels[i] = (unsigned char)(seed >> 16);
	}
	CHECK_INT(img_scale_box(&src, 64, 64, &out), STATUS_OK);
	CHECK_INT(out.width, 64);
	CHECK_INT(out.height, 48);
	for (int by = 0; by < 48; by++)
		for (int bx = 0; bx < 64; bx++)
			for (int c = 0; c < 3; c++) {
				long sum = 0;
				for (int y = 0; y < 10; y++)
					for (int x = 0; x < 10; x++)
						sum += pixel(&src, bx * 10 + x, by * 10 + y)[c];
				wrong += pixel(&out, bx, by)[c] != (sum + 50) / 100;
			}
	CHECK_INT(wrong, 0);
	img_rgb_free(&out);
	img_rgb_free(&src);
}

/* ---- huge images, written here row by row ---- */

#define HUGE_SIDE 12000

static long max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A 12000x12000 JPEG, quality 25 (colours within a few levels after
 * averaging, file a few MB): red rises left to right, green top to bottom, blue 128. */
static int write_huge_jpeg(const char *path)
{
	struct jpeg_compress_struct cinfo;
	struct jpeg_error_mgr jerr;
	unsigned char *row = malloc(HUGE_SIDE * 3);
	FILE *fp = fopen(path, "wb");

	if (!fp || !row)
		return 0;
	cinfo.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&cinfo);
	jpeg_stdio_dest(&cinfo, fp);
	cinfo.image_width = cinfo.image_height = HUGE_SIDE;
	cinfo.input_components = 3;
	cinfo.in_color_space = JCS_RGB;
	jpeg_set_defaults(&cinfo);
	jpeg_set_quality(&cinfo, 25, TRUE);
	jpeg_start_compress(&cinfo, TRUE);
	for (int x = 0; x < HUGE_SIDE; x++) {
		row[x * 3] = (unsigned char)(x * 255 / (HUGE_SIDE - 1));
		row[x * 3 + 2] = 128;
	}
	while (cinfo.next_scanline < cinfo.image_height) {
		int y = (int)cinfo.next_scanline;
		for (int x = 0; x < HUGE_SIDE; x++)
			row[x * 3 + 1] = (unsigned char)(y * 255 / (HUGE_SIDE - 1));
		jpeg_write_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	fclose(fp);
	free(row);
	return 1;
}

/* A 12000x12000 8-bit grey PNG, dark on the left to light on the right. */
static int write_huge_png(const char *path)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	unsigned char *row = malloc(HUGE_SIDE);
	FILE *fp = fopen(path, "wb");

	if (!fp || !row || !info || setjmp(png_jmpbuf(png)))
		return 0;
	png_init_io(png, fp);
	png_set_compression_level(png, 1);
	png_set_filter(png, 0, PNG_FILTER_NONE);
	png_set_IHDR(png, info, HUGE_SIDE, HUGE_SIDE, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int x = 0; x < HUGE_SIDE; x++)
		row[x] = (unsigned char)(x * 255 / (HUGE_SIDE - 1));
	for (int y = 0; y < HUGE_SIDE; y++)
		png_write_row(png, row);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	fclose(fp);
	free(row);
	return 1;
}

/* An interlaced grey PNG just over the whole-image limit (4100 x 4100 x 4
 * bytes > 64 MiB); the file itself is tiny. */
static void test_interlaced_too_big(void)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	unsigned char *row = calloc(4100, 1);
	FILE *fp = fopen(tmp_path("interlaced.png"), "wb");
	ImgRGB out;
	int passes;

	CHECK(fp && row && info);
	if (!fp || !row || !info || setjmp(png_jmpbuf(png)))
		return;
	png_init_io(png, fp);
	png_set_IHDR(png, info, 4100, 4100, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_ADAM7,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	passes = png_set_interlace_handling(png);
	for (int pass = 0; pass < passes; pass++)
		for (int y = 0; y < 4100; y++)
			png_write_row(png, row);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	fclose(fp);
	free(row);
	CHECK_INT(img_decode_file(tmp_path("interlaced.png"), 100, 100, 0, &out),
		  STATUS_ERR_TOO_BIG);
	CHECK(strstr(status_detail(), "interlaced PNG of 4100x4100") != NULL);
	CHECK(out.pixels == NULL);
	unlink(tmp_path("interlaced.png"));
}

/* The mean of the gradient the writers draw over the 25 source columns (or
 * rows) that output column (or row) i averages. */
static double gradient_at(int i)
{
	long sum = 0;
	for (int x = i * 25; x < i * 25 + 25; x++)
		sum += x * 255 / (HUGE_SIDE - 1);
	return sum / 25.0;
}

static void test_huge_jpeg(void)
{
	ImgRGB out;
	long before, growth;
	int far = 0;

	CHECK(write_huge_jpeg(tmp_path("huge.jpg")));
	before = max_rss_kb();
	CHECK_INT(img_decode_file(tmp_path("huge.jpg"), 640, 480, 0, &out), STATUS_OK);
	growth = max_rss_kb() - before;
	if (growth >= 40 * 1024 || getenv("DEBUG_HUGE"))
		fprintf(stderr, "  peak RSS grew by %ld KiB\n", growth);
	CHECK(growth < 40 * 1024);
	CHECK_INT(out.width, 480);
	CHECK_INT(out.height, 480);
	if (!out.pixels)
		return;
	for (int i = 0; i < 480; i += 7) {
		const unsigned char *p = pixel(&out, i, 479 - i);
		if (getenv("DEBUG_HUGE"))
			fprintf(stderr, "%d: %d %d %d want %.1f %.1f\n", i, p[0], p[1], p[2],
				gradient_at(i), gradient_at(479 - i));
		far += fabs(p[0] - gradient_at(i)) > 8 || fabs(p[1] - gradient_at(479 - i)) > 8 ||
		       abs(p[2] - 128) > 8;
	}
	CHECK_INT(far, 0);
	img_rgb_free(&out);
	unlink(tmp_path("huge.jpg"));
}

static void test_huge_png(void)
{
	ImgRGB out;
	long before, growth;
	int far = 0;

	CHECK(write_huge_png(tmp_path("huge.png")));
	before = max_rss_kb();
	CHECK_INT(img_decode_file(tmp_path("huge.png"), 640, 480, 0, &out), STATUS_OK);
	growth = max_rss_kb() - before;
	if (growth >= 40 * 1024 || getenv("DEBUG_HUGE"))
		fprintf(stderr, "  peak RSS grew by %ld KiB\n", growth);
	CHECK(growth < 40 * 1024);
	CHECK_INT(out.width, 480);
	CHECK_INT(out.height, 480);
	if (!out.pixels)
		return;
	for (int i = 0; i < 480; i += 7) {
		const unsigned char *p = pixel(&out, i, (i * 13) % 480);
		if (getenv("DEBUG_HUGE"))
			fprintf(stderr, "%d: %d %d %d want %.1f\n", i, p[0], p[1], p[2], gradient_at(i));
		far += fabs(p[0] - gradient_at(i)) > 1 || p[1] != p[0] || p[2] != p[0];
	}
	CHECK_INT(far, 0);
	img_rgb_free(&out);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/gavel-img-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	/* First, so that the peak RSS they measure is not an earlier case's. */
	RUN(test_huge_jpeg);
	RUN(test_huge_png);
	RUN(test_decode_output_limit);
	unlink(tmp_path("huge.png"));

	RUN(test_format_names);
	RUN(test_probe_fixtures);
	RUN(test_probe_not_images);
	RUN(test_probe_truncated_headers);
	RUN(test_probe_bad_sizes);
	RUN(test_probe_big_exif);
	RUN(test_decode_sizes);
	RUN(test_decode_colours);
	RUN(test_decode_palette_and_gray_alpha);
	RUN(test_decode_palette_trns_and_1bit);
	RUN(test_decode_ycck);
	RUN(test_interlaced_too_big);
	RUN(test_decode_orientation);
	RUN(test_decode_errors);
	RUN(test_decode_mutations);
	RUN(test_scale_box);
	RUN(test_scale_box_blocks);
	rmdir(tmpdir);
	return test_summary();
}
