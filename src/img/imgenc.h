/* imgenc.h - encoding decoded pixels as JPEG with libjpeg-turbo, for images
 * sent to an LLM (downscaled first, so requests stay small). */
#ifndef GAVEL_IMGENC_H
#define GAVEL_IMGENC_H

#include <stddef.h>

#include "src/img/img.h"

/* Encodes image as a baseline JPEG of the given quality (1..100) into a new
 * buffer *out of *len bytes, owned by the caller (free). STATUS_ERR_INPUT for
 * an empty image; libjpeg errors become STATUS_ERR_CORRUPT with a detail. */
Status imgenc_jpeg(const ImgRGB *image, int quality, unsigned char **out, size_t *len);

#endif
