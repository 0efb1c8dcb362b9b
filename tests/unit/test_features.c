/* test_features.c - the pixel measurements of src/features.c on images made
 * here, whose exact values are worked out by hand in the comments, and on a
 * few fixtures of tests/data/img. */
#include <stdlib.h>

#include "src/img/features.h"
#include "src/base/xalloc.h"
#include "tests/unit/test.h"

static ImgRGB image_new(int w, int h)
{
	ImgRGB im = { w, h, xcalloc((size_t)w * h, 3) };

	return im;
}

static void put(ImgRGB *im, int x, int y, int r, int g, int b)
{
	unsigned char *p = im->pixels + 3 * ((size_t)y * im->width + x);

	p[0] = (unsigned char)r;
	p[1] = (unsigned char)g;
	p[2] = (unsigned char)b;
}

static ImgRGB solid(int w, int h, int r, int g, int b)
{
	ImgRGB im = image_new(w, h);

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			put(&im, x, y, r, g, b);
	return im;
}

/* Black and white squares of cell x cell pixels, black at the top left. */
static ImgRGB checkerboard(int w, int h, int cell)
{
	ImgRGB im = image_new(w, h);

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int v = ((x / cell + y / cell) % 2) * 255;

			put(&im, x, y, v, v, v);
		}
	return im;
}

/* A fixed pseudo-random byte stream (a 32-bit LCG), so the busy patterns are
 * the same on every run. */
static unsigned lcg_state;

static int lcg_byte(void)
{
	lcg_state = lcg_state * 1664525u + 1013904223u;
	return (int)(lcg_state >> 24);
}

/* Random colours in blocks of 2x2 where inside(x, y) says so, white
 * elsewhere. */
static ImgRGB busy_where(int w, int h, int (*inside)(int x, int y, int w, int h))
{
	ImgRGB im = solid(w, h, 255, 255, 255);

	lcg_state = 12345;
	for (int y = 0; y < h; y += 2)
		for (int x = 0; x < w; x += 2) {
			int r = lcg_byte(), g = lcg_byte(), b = lcg_byte();

			if (!inside(x, y, w, h))
				continue;
			for (int dy = 0; dy < 2; dy++)
				for (int dx = 0; dx < 2; dx++)
					put(&im, x + dx, y + dy, r, g, b);
		}
	return im;
}

static int in_centre_half(int x, int y, int w, int h)
{
	return x >= w / 4 && x < 3 * w / 4 && y >= h / 4 && y < 3 * h / 4;
}

static int outside_centre_half(int x, int y, int w, int h)
{
	return !in_centre_half(x, y, w, h);
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Channel c of the pixel at (x, y), the nearest edge pixel outside. */
static int channel_at(const ImgRGB *im, int x, int y, int c)
{
	x = clamp(x, 0, im->width - 1);
	y = clamp(y, 0, im->height - 1);
	return im->pixels[3 * ((size_t)y * im->width + x) + c];
}

/* A 3x3 box blur of every channel, rounded. */
static ImgRGB box_blur(const ImgRGB *src)
{
	ImgRGB out = image_new(src->width, src->height);

	for (int y = 0; y < src->height; y++)
		for (int x = 0; x < src->width; x++)
			for (int c = 0; c < 3; c++) {
				int sum = 0;

				for (int dy = -1; dy <= 1; dy++)
					for (int dx = -1; dx <= 1; dx++)
						sum += channel_at(src, x + dx, y + dy, c);
				out.pixels[3 * ((size_t)y * out.width + x) + c] =
					(unsigned char)((sum + 4) / 9);
			}
	return out;
}

static Features measure(const ImgRGB *im)
{
	Features f;

	CHECK_INT(features_measure(im, 0, 0, &f), STATUS_OK);
	return f;
}

static void test_solid_grey(void)
{
	ImgRGB im = solid(16, 12, 128, 128, 128);
	Features f = measure(&im);

	/* Luma weights sum to 1, so grey 128 has luma 128: 128/255. */
	CHECK_NEAR(f.exposure, 128.0 / 255, 1e-9);
	CHECK_NEAR(f.contrast, 0, 1e-9);
	CHECK_NEAR(f.saturation, 0, 1e-12);
	CHECK_NEAR(f.colourfulness, 0, 1e-9);
	CHECK_NEAR(f.sharpness, 0, 1e-9);
	CHECK_NEAR(f.edge_density, 0, 1e-12);
	CHECK_NEAR(f.noise, 0, 1e-9);
	CHECK_NEAR(f.clip_dark, 0, 1e-12);
	CHECK_NEAR(f.clip_bright, 0, 1e-12);
	/* Every border pixel is the border's one colour. */
	CHECK_NEAR(f.border_plainness, 1, 1e-12);
	/* No gradient at all: no centroid, reported as centred. */
	CHECK_NEAR(f.off_centre, 0, 1e-12);
	/* 16x12 = 192 pixels = 0.000192 MP; aspect 16/12. */
	CHECK_NEAR(f.resolution, log10(192e-6), 1e-12);
	CHECK_NEAR(f.aspect, 16.0 / 12, 1e-12);
	CHECK_INT(f.width, 16);
	CHECK_INT(f.height, 12);
	CHECK_INT(f.measured_width, 16);
	img_rgb_free(&im);
}

static void test_checkerboard_one_pixel(void)
{
	ImgRGB im = checkerboard(10, 10, 1);
	Features f = measure(&im);

	/* Half the pixels have luma 0, half 1: mean 0.5, std 0.5, and half
	 * are clipped each way. Grey has no saturation or colour. */
	CHECK_NEAR(f.exposure, 0.5, 1e-9);
	CHECK_NEAR(f.contrast, 0.5, 1e-9);
	CHECK_NEAR(f.clip_dark, 0.5, 1e-12);
	CHECK_NEAR(f.clip_bright, 0.5, 1e-12);
	CHECK_NEAR(f.saturation, 0, 1e-12);
	CHECK_NEAR(f.colourfulness, 0, 1e-9);
	/* The 8x8 interior has 32 white pixels with four black neighbours
	 * (Laplacian 0 - 4*255 = -1020) and 32 black ones with four white
	 * neighbours (+1020): mean 0, variance 1020^2. */
	CHECK_NEAR(f.sharpness, 1020.0 * 1020, 1e-3);
	/* Sobel differences pixels two apart, which are equal here: a 1-pixel
	 * checkerboard has no Sobel edges at all. */
	CHECK_NEAR(f.edge_density, 0, 1e-12);
	img_rgb_free(&im);
}

static void test_checkerboard_cells(void)
{
	ImgRGB im = checkerboard(32, 32, 4);
	Features f = measure(&im);

	/* Interior columns 1..30; a column sees a vertical edge when its two
	 * neighbours lie in different cells, x mod 4 in {0, 3}: 3,4,7,8, ...,
	 * 27,28, 14 columns; 14 rows likewise. Such pixels have |Gx| or |Gy|
	 * of 4*255 (or 2*255 where edges cross), far over the threshold;
	 * the other 16x16 interior pixels see one flat cell. So 900 - 256 =
	 * 644 of 900 interior pixels are edges. */
	CHECK_NEAR(f.edge_density, 644.0 / 900, 1e-12);
	CHECK_NEAR(f.exposure, 0.5, 1e-9);
	CHECK_NEAR(f.contrast, 0.5, 1e-9);
	CHECK(f.sharpness > 1000);
	/* The board is symmetric about its centre. */
	CHECK_NEAR(f.off_centre, 0, 1e-9);
	img_rgb_free(&im);
}

static void test_pure_red(void)
{
	ImgRGB im = solid(8, 8, 255, 0, 0);
	Features f = measure(&im);

	/* HSV saturation (255 - 0) / 255 = 1; luma 0.2126. */
	CHECK_NEAR(f.saturation, 1, 1e-12);
	CHECK_NEAR(f.exposure, 0.2126, 1e-9);
	CHECK_NEAR(f.contrast, 0, 1e-9);
	/* rg = 255, yb = 127.5 everywhere, no spread: M = 0.3 sqrt(255^2 +
	 * 127.5^2) = 0.3 * 285.0987... = 85.5296... */
	CHECK_NEAR(f.colourfulness, 0.3 * sqrt(255.0 * 255 + 127.5 * 127.5), 1e-9);
	CHECK_NEAR(f.colourfulness, 85.5296, 1e-4);
	img_rgb_free(&im);
}

static void test_dark_image(void)
{
	ImgRGB im = image_new(64, 64);
	Features f;

	/* Grey levels 0..7 in columns, each 1/8 of the image. */
	for (int y = 0; y < 64; y++)
		for (int x = 0; x < 64; x++)
			put(&im, x, y, x % 8, x % 8, x % 8);
	f = measure(&im);
	/* Mean level 3.5; levels 0, 1 and 2 are at or below 2/255. */
	CHECK_NEAR(f.exposure, 3.5 / 255, 1e-9);
	CHECK_NEAR(f.clip_dark, 3.0 / 8, 1e-12);
	CHECK_NEAR(f.clip_bright, 0, 1e-12);
	CHECK(f.exposure < 0.05);
	img_rgb_free(&im);
}

static void test_border_plainness_order(void)
{
	ImgRGB plain_border = busy_where(64, 64, in_centre_half);
	ImgRGB busy_border = busy_where(64, 64, outside_centre_half);
	Features a = measure(&plain_border), b = measure(&busy_border);

	/* The band is round(0.08 * 64) = 5 pixels; the busy centre starts at
	 * 16, so the first image's band is all white. */
	CHECK_NEAR(a.border_plainness, 1, 1e-12);
	/* Random colours: few band pixels lie within 24 of any one colour. */
	CHECK(b.border_plainness < 0.2);
	CHECK(a.border_plainness > b.border_plainness);
	img_rgb_free(&plain_border);
	img_rgb_free(&busy_border);
}

static void test_blur_lowers_sharpness(void)
{
	ImgRGB sharp = busy_where(64, 64, outside_centre_half);
	ImgRGB soft = box_blur(&sharp);
	ImgRGB board = checkerboard(32, 32, 4), board_soft = box_blur(&board);
	Features a = measure(&sharp), b = measure(&soft);
	Features c = measure(&board), d = measure(&board_soft);

	CHECK(b.sharpness < a.sharpness / 4);
	CHECK(b.noise < a.noise);
	CHECK(d.sharpness < c.sharpness / 2);
	CHECK(d.sharpness > 0);
	img_rgb_free(&sharp);
	img_rgb_free(&soft);
	img_rgb_free(&board);
	img_rgb_free(&board_soft);
}

static void test_noise(void)
{
	ImgRGB im = solid(48, 48, 128, 128, 128);
	Features f;

	lcg_state = 7;
	for (int y = 0; y < 48; y++)
		for (int x = 0; x < 48; x++) {
			int v = 128 + lcg_byte() % 21 - 10;

			put(&im, x, y, v, v, v);
		}
	f = measure(&im);
	/* Uniform noise of +-10 has a standard deviation of sqrt((21^2 - 1)
	 * / 12) = 6.06; Immerkaer's estimate assumes Gaussian noise and is
	 * taken on a quarter of the pixels, so it only comes near. */
	CHECK(f.noise > 3);
	CHECK(f.noise < 9);
	img_rgb_free(&im);
}

static void test_off_centre(void)
{
	ImgRGB centre = solid(64, 64, 255, 255, 255), corner = solid(64, 64, 255, 255, 255);
	Features a, b;

	for (int y = 24; y < 40; y++)
		for (int x = 24; x < 40; x++)
			put(&centre, x, y, 0, 0, 0);
	for (int y = 52; y < 62; y++)
		for (int x = 52; x < 62; x++)
			put(&corner, x, y, 0, 0, 0);
	a = measure(&centre);
	b = measure(&corner);
	/* A square centred on the frame: its edges balance exactly. */
	CHECK_NEAR(a.off_centre, 0, 1e-9);
	/* A square centred at (57, 57) of 64: (57 - 32) / 64 = 0.39 on each
	 * axis, 0.55 of the half diagonal. */
	CHECK_NEAR(b.off_centre, hypot(25.0 / 64, 25.0 / 64) / sqrt(0.5), 0.02);
	img_rgb_free(&centre);
	img_rgb_free(&corner);
}

static void test_original_size(void)
{
	ImgRGB im = solid(20, 10, 50, 50, 50);
	Features f;

	CHECK_INT(features_measure(&im, 2000, 1000, &f), STATUS_OK);
	/* 2 MP: log10(2) = 0.30103; 2000/1000 = 2. */
	CHECK_NEAR(f.resolution, 0.30103, 1e-5);
	CHECK_NEAR(f.aspect, 2, 1e-12);
	CHECK_INT(f.width, 2000);
	CHECK_INT(f.measured_width, 20);
	CHECK_INT(features_measure(&im, 1000, 4000, &f), STATUS_OK);
	CHECK_NEAR(f.resolution, log10(4.0), 1e-12);
	CHECK_NEAR(f.aspect, 4, 1e-12);
	img_rgb_free(&im);
}

static void test_empty_image(void)
{
	ImgRGB im = { 0, 0, NULL };
	Features f;

	CHECK_INT(features_measure(&im, 0, 0, &f), STATUS_ERR_INPUT);
	CHECK(strlen(status_detail()) > 0);
}

static void test_tiny_image(void)
{
	ImgRGB im = solid(2, 1, 255, 255, 255);
	Features f = measure(&im);

	/* No interior pixel: the 3x3 figures are 0, the rest still hold. */
	CHECK_NEAR(f.sharpness, 0, 1e-12);
	CHECK_NEAR(f.edge_density, 0, 1e-12);
	CHECK_NEAR(f.noise, 0, 1e-12);
	CHECK_NEAR(f.exposure, 1, 1e-9);
	CHECK_NEAR(f.clip_bright, 1, 1e-12);
	CHECK_NEAR(f.aspect, 2, 1e-12);
	img_rgb_free(&im);
}

static void test_vector(void)
{
	const char *const *names = features_names();
	ImgRGB im = checkerboard(32, 24, 4);
	Features f;
	float v[FEATURES_COUNT];

	CHECK_INT(features_measure(&im, 3000, 1500, &f), STATUS_OK);
	features_to_vector(&f, v);
	CHECK_STR(names[0], "exposure");
	CHECK_STR(names[4], "sharpness_log10");
	CHECK_STR(names[FEATURES_COUNT - 1], "aspect_log2");
	for (int i = 0; i < FEATURES_COUNT; i++) {
		CHECK(names[i] && names[i][0]);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(names[i], names[j]) != 0);
	}
	CHECK_NEAR(v[0], f.exposure, 1e-6);
	CHECK_NEAR(v[1], f.contrast, 1e-6);
	CHECK_NEAR(v[4], log10(1 + f.sharpness), 1e-5);
	CHECK_NEAR(v[6], f.border_plainness, 1e-6);
	CHECK_NEAR(v[11], log10(4.5), 1e-6);
	/* 3000:1500 is 2:1, one doubling from square. */
	CHECK_NEAR(v[12], 1, 1e-6);
	img_rgb_free(&im);
}

static void test_file(void)
{
	Features f;

	/* A lossless solid #123456: luma (0.2126*18 + 0.7152*52 +
	 * 0.0722*86) / 255 = 47.2264 / 255. */
	CHECK_INT(features_measure_file("tests/data/img/rgb.png", &f), STATUS_OK);
	CHECK_NEAR(f.exposure, 47.2264 / 255, 1e-9);
	CHECK_NEAR(f.contrast, 0, 1e-9);
	CHECK_INT(f.width, 30);
	CHECK_INT(f.height, 20);
	/* Fully transparent: laid on white. */
	CHECK_INT(features_measure_file("tests/data/img/clear.png", &f), STATUS_OK);
	CHECK_NEAR(f.exposure, 1, 1e-9);
	CHECK_NEAR(f.clip_bright, 1, 1e-12);
	/* A real photo is measured at 512 on its long side (800x500). */
	CHECK_INT(features_measure_file("samples/images/plasma-grey.jpg", &f), STATUS_OK);
	CHECK_INT(f.width, 800);
	CHECK_INT(f.measured_width, 512);
	CHECK_INT(f.measured_height, 320);
}

static void test_file_errors(void)
{
	Features f;

	CHECK_INT(features_measure_file("tests/data/img/no-such-file.png", &f), STATUS_ERR_IO);
	CHECK(strstr(status_detail(), "no-such-file.png") != NULL);
	CHECK_INT(features_measure_file("tests/data/img/text.jpg", &f), STATUS_ERR_FORMAT);
	CHECK(features_measure_file("tests/data/img/truncated.png", &f) != STATUS_OK);
	CHECK_INT(f.width, 0);
}

int main(void)
{
	RUN(test_solid_grey);
	RUN(test_checkerboard_one_pixel);
	RUN(test_checkerboard_cells);
	RUN(test_pure_red);
	RUN(test_dark_image);
	RUN(test_border_plainness_order);
	RUN(test_blur_lowers_sharpness);
	RUN(test_noise);
	RUN(test_off_centre);
	RUN(test_original_size);
	RUN(test_empty_image);
	RUN(test_tiny_image);
	RUN(test_vector);
	RUN(test_file);
	RUN(test_file_errors);
	return test_summary();
}
