/* img.h - what an image file is (format and size, from its header) and its
 * pixels decoded to RGB and scaled down to fit a box, in bounded memory. */
#ifndef GAVEL_IMG_H
#define GAVEL_IMG_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/status.h"

/* Largest side and pixel count gavel accepts in an image header. */
#define IMG_MAX_SIDE 65535
#define IMG_MAX_PIXELS 400000000LL
/* Largest decoded output (img_decode_file with no or a huge limit). */
#define IMG_MAX_OUTPUT_PIXELS 100000000LL
/* Interlaced PNGs must be decoded whole; they may use at most this much. */
#define IMG_MAX_INTERLACED_BYTES (64LL * 1024 * 1024)

typedef enum {
	IMG_FORMAT_UNKNOWN,
	IMG_FORMAT_JPEG,
	IMG_FORMAT_PNG,
	IMG_FORMAT_GIF,
	IMG_FORMAT_BMP,
	IMG_FORMAT_PNM,
	IMG_FORMAT_WEBP, /* recognised by their magic bytes, never read */
	IMG_FORMAT_TIFF,
	IMG_FORMAT_HEIF,
} ImgFormat;

/* A short name ("JPEG", "PNG", "WebP" ...; "unknown"); never NULL. */
const char *img_format_name(ImgFormat format);

/* Whether gavel decodes the format (JPEG and PNG): the others are
 * recognised, and some have their size read, but cannot be shown or
 * labelled. */
int img_format_decodable(ImgFormat format);

/* What a header says. */
typedef struct {
	ImgFormat format;
	int width, height;
} ImgInfo;

/* Identifies data by its magic bytes (never by a file name) and reads the
 * size from its header. On failure *info holds the format the magic bytes
 * gave (or UNKNOWN) and a zero size, and the status is STATUS_ERR_FORMAT (not
 * an image), STATUS_ERR_CORRUPT (truncated or broken header, zero size) or
 * STATUS_ERR_TOO_BIG (a side over IMG_MAX_SIDE or over IMG_MAX_PIXELS), with
 * a detail. Never prints, never exits. */
Status img_probe_memory(const unsigned char *data, size_t len, ImgInfo *info);

/* img_probe_memory() for the file at path, reading only its header (JPEG
 * markers are streamed, so a large EXIF block before the frame header is
 * fine). Also STATUS_ERR_IO when the file cannot be read; every detail
 * starts with "PATH: ". */
Status img_probe_file(const char *path, ImgInfo *info);

/* Checks that the file at path, of the given format, is not cut short: a
 * PNG must end with its IEND chunk, a JPEG must have an end-of-image marker
 * in its last 4 KiB (cameras may append a little after it), a GIF its
 * trailer. Cheap: reads only the tail. STATUS_ERR_CORRUPT "PATH: truncated
 * ..." when the end is missing; STATUS_ERR_IO when it cannot be read. */
Status img_check_complete(const char *path, ImgFormat format);

/* Packed RGB pixels, 3 bytes a pixel, rows top to bottom; owns pixels. */
typedef struct {
	int width, height;
	unsigned char *pixels;
} ImgRGB;

/* Frees image->pixels and zeroes *image; NULL-safe. */
void img_rgb_free(ImgRGB *image);

/* Decodes the JPEG or PNG file at path to RGB scaled down (never up) to fit
 * inside max_w x max_h with its aspect ratio kept, by area averaging; a limit
 * <= 0 means none on that side, but the output may not exceed
 * IMG_MAX_OUTPUT_PIXELS. Transparent pixels are composited onto
 * background_rgb (0xRRGGBB). Memory stays bounded by the output size and a
 * few rows of the source: huge JPEGs are reduced in the DCT and streamed,
 * PNGs are streamed row by row (interlaced ones up to
 * IMG_MAX_INTERLACED_BYTES). On success the caller owns *out (free with
 * img_rgb_free); on failure *out is zeroed and the status is one of
 * img_probe_file()'s, or STATUS_ERR_FORMAT for formats that cannot be decoded
 * yet. Never prints, never exits (except out of memory, via xalloc). */
Status img_decode_file(const char *path, int max_w, int max_h, uint32_t background_rgb,
		       ImgRGB *out);

/* The same area-average downscale for an image in memory: *out becomes a new
 * image that fits inside max_w x max_h (limits <= 0: none), keeping the
 * aspect ratio, never enlarged (a copy when src already fits). The caller
 * owns *out. STATUS_ERR_INPUT when src is empty; *out is zeroed then. */
Status img_scale_box(const ImgRGB *src, int max_w, int max_h, ImgRGB *out);

#endif
