/* imgenc.c - JPEG encoding into memory. */
#include "src/img/imgenc.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>

typedef struct {
	struct jpeg_error_mgr base;
	jmp_buf escape;
	char message[JMSG_LENGTH_MAX];
} EncodeError;

/* libjpeg's default handler exits the process; we jump back instead. */
static void on_error(j_common_ptr cinfo)
{
	EncodeError *err = (EncodeError *)cinfo->err;
	(*cinfo->err->format_message)(cinfo, err->message);
	longjmp(err->escape, 1);
}

Status imgenc_jpeg(const ImgRGB *image, int quality, unsigned char **out, size_t *len)
{
	struct jpeg_compress_struct cinfo;
	EncodeError err;
	unsigned char *volatile buffer = NULL;
	unsigned long size = 0;

	*out = NULL;
	*len = 0;
	if (!image->pixels || image->width <= 0 || image->height <= 0)
		return status_fail(STATUS_ERR_INPUT, "no image to encode");
	cinfo.err = jpeg_std_error(&err.base);
	err.base.error_exit = on_error;
	if (setjmp(err.escape)) {
		jpeg_destroy_compress(&cinfo);
		free(buffer);
		return status_fail(STATUS_ERR_CORRUPT, "JPEG encoding failed: %s", err.message);
	}
	jpeg_create_compress(&cinfo);
	jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &size);
	cinfo.image_width = (JDIMENSION)image->width;
	cinfo.image_height = (JDIMENSION)image->height;
	cinfo.input_components = 3;
	cinfo.in_color_space = JCS_RGB;
	jpeg_set_defaults(&cinfo);
	jpeg_set_quality(&cinfo, quality < 1 ? 1 : quality > 100 ? 100 : quality, TRUE);
	jpeg_start_compress(&cinfo, TRUE);
	while (cinfo.next_scanline < cinfo.image_height) {
		JSAMPROW row = image->pixels + (size_t)cinfo.next_scanline * (size_t)image->width * 3;
		jpeg_write_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	*out = buffer;
	*len = size;
	return STATUS_OK;
}
