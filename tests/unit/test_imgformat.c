/* test_imgformat.c - the format table of src/img/img.c: what gavel reads,
 * what it only recognises, and what it says about each (test_img.c has the
 * decoders). */
#include "src/img/img.h"
#include "tests/unit/test.h"

/* Formats gavel recognises but does not read are named, not "not an image". */
static void test_probe_unsupported(void)
{
	static const struct {
		const char *bytes;
		size_t len;
		ImgFormat format;
		const char *detail;
	} cases[] = {
		{"RIFF\x24\0\0\0WEBPVP8 ", 16, IMG_FORMAT_WEBP, "WebP images are not supported: "
								 "gavel reads JPEG and PNG"},
		{"II*\0\x08\0\0\0", 8, IMG_FORMAT_TIFF, "TIFF images are not supported: gavel "
							 "reads JPEG and PNG"},
		{"\0\0\0\x1c" "ftypheic\0\0\0\0", 16, IMG_FORMAT_HEIF, "HEIF/AVIF images are not "
									"supported: gavel reads JPEG and PNG"},
		{"\0\0\0\x1c" "ftypavif\0\0\0\0", 16, IMG_FORMAT_HEIF, "HEIF/AVIF images are not "
									"supported: gavel reads JPEG and PNG"},
		/* an MP4 video has an ftyp box too, with another brand */
		{"\0\0\0\x1c" "ftypisom\0\0\0\0", 16, IMG_FORMAT_UNKNOWN,
		 "not an image (unrecognised format)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ImgInfo info;
		CHECK_INT(img_probe_memory((const unsigned char *)cases[i].bytes, cases[i].len, &info),
			  STATUS_ERR_FORMAT);
		CHECK_STR(status_detail(), cases[i].detail);
		CHECK_INT(info.format, cases[i].format);
	}
	CHECK(img_format_decodable(IMG_FORMAT_JPEG) && img_format_decodable(IMG_FORMAT_PNG));
	CHECK(!img_format_decodable(IMG_FORMAT_GIF) && !img_format_decodable(IMG_FORMAT_WEBP));
	CHECK_STR(img_format_name(IMG_FORMAT_WEBP), "WebP");
	CHECK_STR(img_format_name(IMG_FORMAT_UNKNOWN), "unknown");
}

int main(void)
{
	RUN(test_probe_unsupported);
	return test_summary();
}
