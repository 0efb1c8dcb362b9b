/* test_imgscale.c - fitting a size into a box (src/imgscale.c); the
 * scaler itself is exercised through img_scale_box in test_img.c. */
#include "src/img/imgscale.h"
#include "tests/unit/test.h"

static void test_fit(void)
{
	int w, h;
	imgscale_fit(100, 50, 10, 10, &w, &h);
	CHECK(w == 10 && h == 5);
	imgscale_fit(50, 100, 10, 10, &w, &h);
	CHECK(w == 5 && h == 10);
	imgscale_fit(1000, 1, 10, 10, &w, &h);
	CHECK(w == 10 && h == 1);
	imgscale_fit(12000, 12000, 640, 480, &w, &h);
	CHECK(w == 480 && h == 480);
	imgscale_fit(1920, 1080, 640, 0, &w, &h);
	CHECK(w == 640 && h == 360);
	/* 100 * 8 / 30 = 26.67 rounds to 27, either way round. */
	imgscale_fit(100, 30, 1000, 8, &w, &h);
	CHECK(w == 27 && h == 8);
	imgscale_fit(30, 100, 8, 1000, &w, &h);
	CHECK(w == 8 && h == 27);
	imgscale_fit(30, 20, 0, 0, &w, &h);
	CHECK(w == 30 && h == 20);
	imgscale_fit(30, 20, 300, 200, &w, &h);
	CHECK(w == 30 && h == 20);
}

int main(void)
{
	RUN(test_fit);
	return test_summary();
}
