/* test_chart.c - the dashboard's pictures: sizes, the hottest cell, colours
 * rising with the count, the text matrix's counts, and refusals. */
#include <math.h>
#include <stdlib.h>

#include "src/agree/chart.h"
#include "tests/unit/test.h"

static const char *const names[] = { "unusable", "poor", "acceptable", "good", "excellent" };

static unsigned long pixel(const ImgRGB *im, int x, int y)
{
	const unsigned char *p = im->pixels + ((size_t)y * (size_t)im->width + (size_t)x) * 3;

	return (unsigned long)p[0] << 16 | (unsigned long)p[1] << 8 | p[2];
}

static int lum(unsigned long rgb)
{
	return (int)(299 * (rgb >> 16) + 587 * ((rgb >> 8) & 0xff) + 114 * (rgb & 0xff));
}

/* The bounding box of the pixels of one colour; returns how many there are. */
static long box(const ImgRGB *im, unsigned long rgb, int *x0, int *y0, int *x1, int *y1)
{
	long n = 0;

	*x0 = *y0 = 1 << 30, *x1 = *y1 = -1;
	for (int y = 0; y < im->height; y++)
		for (int x = 0; x < im->width; x++)
			if (pixel(im, x, y) == rgb) {
				n++;
				*x0 = x < *x0 ? x : *x0, *x1 = x > *x1 ? x : *x1;
				*y0 = y < *y0 ? y : *y0, *y1 = y > *y1 ? y : *y1;
			}
	return n;
}

static void test_heat_colour(void)
{
	int last = -1;

	for (long c = 0; c <= 1000; c += 50) {
		int l = lum(chart_heat_colour(c, 1000));

		CHECK(l > last);
		last = l;
	}
	CHECK_INT(chart_heat_colour(0, 0), chart_heat_colour(0, 1000));
	CHECK_INT(chart_heat_colour(1000, 1000), chart_heat_colour(5, 5));
}

static void test_confusion(void)
{
	/* the largest count, 410, is at human 3, LLM 4; the next at 1, 1 */
	long m[25] = { 300, 30, 5, 1, 0, 20, 200, 40, 3, 1, 2, 35, 60, 410, 4,
		       0,   4,  50, 90, 25, 0, 0, 3, 30, 90 };
	unsigned long hot = chart_heat_colour(410, 410), second = chart_heat_colour(300, 410);
	int hx0, hy0, hx1, hy1, sx0, sy0, sx1, sy1;
	long hotter = 0;
	ImgRGB im;

	CHECK_INT(chart_confusion(m, 5, names, 640, 420, &im), STATUS_OK);
	CHECK_INT(im.width, 640);
	CHECK_INT(im.height, 420);
	CHECK(box(&im, hot, &hx0, &hy0, &hx1, &hy1) > 1000);
	CHECK(box(&im, second, &sx0, &sy0, &sx1, &sy1) > 1000);
	/* the hottest cell is right of and below the (1, 1) cell: column 4, row 3 */
	CHECK(hx0 > sx1 && hy0 > sy1);
	CHECK_NEAR((double)(hx0 - sx0) / (sx1 - sx0 + 1), 3.0, 0.1);
	CHECK_NEAR((double)(hy0 - sy0) / (sy1 - sy0 + 1), 2.0, 0.1);
	/* nothing is hotter than the hottest cell (but the light text) */
	for (int y = 0; y < im.height; y++)
		for (int x = 0; x < im.width; x++)
			hotter += lum(pixel(&im, x, y)) > lum(hot) && pixel(&im, x, y) != 0xdcdcdc;
	CHECK_INT(hotter, 0);
	img_rgb_free(&im);
	CHECK(im.pixels == NULL);
	/* small, and many levels */
	CHECK_INT(chart_confusion(m, 5, NULL, CHART_MIN_WIDTH, CHART_MIN_HEIGHT, &im), STATUS_OK);
	CHECK_INT(im.width * im.height, CHART_MIN_WIDTH * CHART_MIN_HEIGHT);
	img_rgb_free(&im);
}

static void test_refusals(void)
{
	long m[4] = { 1, 2, 3, -1 };
	ImgRGB im;

	CHECK_INT(chart_confusion(m, 2, NULL, 200, 200, &im), STATUS_ERR_INPUT);
	CHECK(im.pixels == NULL && im.width == 0);
	m[3] = 4;
	CHECK_INT(chart_confusion(m, 0, NULL, 200, 200, &im), STATUS_ERR_INPUT);
	CHECK_INT(chart_confusion(m, 2, NULL, 10, 200, &im), STATUS_ERR_INPUT);
	CHECK_INT(chart_confusion(m, 2, NULL, 200, 20000000, &im), STATUS_ERR_INPUT);
	CHECK_INT(chart_scatter(NULL, NULL, 0, 65, NULL, 200, 200, &im), STATUS_ERR_INPUT);
	CHECK(im.pixels == NULL);
}

static void test_scatter(void)
{
	enum { N = 500 };
	int labels[N];
	double scores[N];
	ImgRGB a, b;
	long changed = 0;

	for (int i = 0; i < N; i++) {
		labels[i] = 1 + i % 5;
		scores[i] = labels[i] + ((i * 7) % 5 - 2) * 0.25;
	}
	labels[0] = 9;		/* off the scale: skipped */
	scores[1] = NAN;	/* not a number: skipped */
	CHECK_INT(chart_scatter(labels, scores, 0, 5, names, 400, 300, &b), STATUS_OK);
	CHECK_INT(chart_scatter(labels, scores, N, 5, names, 400, 300, &a), STATUS_OK);
	CHECK_INT(a.width, 400);
	CHECK_INT(a.height, 300);
	for (size_t i = 0; i < (size_t)400 * 300 * 3; i++)
		changed += a.pixels[i] != b.pixels[i];
	CHECK(changed > 1000); /* the dots are drawn */
	img_rgb_free(&b);
	CHECK_INT(chart_scatter(labels, scores, N, 5, names, 400, 300, &b), STATUS_OK);
	CHECK(memcmp(a.pixels, b.pixels, (size_t)400 * 300 * 3) == 0); /* deterministic */
	img_rgb_free(&a);
	img_rgb_free(&b);
}

static void test_text(void)
{
	long m[9] = { 3, 1, 0, 0, 2, 1, 0, 1, 1234567 };
	const char *const three[] = { "bad", "ok", "good" };
	char buf[2048], small[16];
	size_t need = chart_confusion_text(m, 3, three, 80, NULL, 0);

	CHECK(need > 0);
	CHECK_INT(chart_confusion_text(m, 3, three, 80, buf, sizeof buf), need);
	CHECK_INT(strlen(buf), need);
	CHECK(strstr(buf, "1234567") != NULL);
	CHECK(strstr(buf, "3 good") != NULL);
	CHECK(strstr(buf, "1234568") != NULL); /* row total of good: 0 + 1 + 1234567 */
	CHECK(strstr(buf, "1234575") != NULL); /* grand total */
	CHECK(strstr(buf, "total") != NULL);
	/* snprintf semantics: cut, terminated, full length returned */
	CHECK_INT(chart_confusion_text(m, 3, three, 80, small, sizeof small), need);
	CHECK_INT(strlen(small), sizeof small - 1);
	/* too narrow for the counts: abbreviated, never wrong digits */
	chart_confusion_text(m, 3, three, 40, buf, sizeof buf);
	CHECK(strstr(buf, "1235k") != NULL); /* 1,234,567 to the digits shown */
	CHECK(strstr(buf, "1234567") == NULL);
}

int main(void)
{
	RUN(test_heat_colour);
	RUN(test_confusion);
	RUN(test_refusals);
	RUN(test_scatter);
	RUN(test_text);
	return test_summary();
}
