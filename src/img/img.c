/* img.c - image formats by magic bytes, header sizes, and JPEG/PNG decoding
 * to scaled RGB. libjpeg and libpng report errors by longjmp: each decoder
 * keeps its state in a job struct owned by the caller, the longjmp lands in
 * the small *_run function that called setjmp, and the caller cleans up. */
#include "src/img/img.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include "src/img/imgscale.h"
#include "src/base/xalloc.h"

/* Enough for every magic number and for GIF, BMP and PNM headers. */
#define PREFIX_BYTES 4096
/* libjpeg needs a whole-image coefficient buffer for progressive JPEGs; past
 * this it fails (no backing store) instead of eating the machine. */
#define JPEG_MAX_MEMORY (256L * 1024 * 1024)
#define TRUNCATED_MESSAGE "the data ends early (file truncated?)"

/* Where a decoder reads from: a FILE or a memory block. */
typedef struct {
	FILE *fp;
	const unsigned char *data;
	size_t len, pos;
} Source;

/* What a decoder is asked to do, and where it puts the result. */
typedef struct {
	int decode;             /* 0: header only */
	int max_w, max_h;
	uint32_t background;
	ImgInfo info;
	ImgRGB out;
} Job;

void img_rgb_free(ImgRGB *image)
{
	if (!image)
		return;
	free(image->pixels);
	memset(image, 0, sizeof *image);
}

static size_t source_read(Source *src, void *buf, size_t len)
{
	size_t n;
	if (src->fp)
		return fread(buf, 1, len, src->fp);
	n = src->len - src->pos < len ? src->len - src->pos : len;
	memcpy(buf, src->data + src->pos, n);
	src->pos += n;
	return n;
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* A BMP's second header announces its own size; only these exist. */
static int bmp_header_size_ok(uint32_t size)
{
	return size == 12 || size == 16 || size == 40 || size == 52 || size == 56 ||
	       size == 64 || size == 108 || size == 124;
}

/* ---- magic bytes ---- */

static int is_jpeg(const unsigned char *d, size_t n)
{
	return n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff;
}

static int is_png(const unsigned char *d, size_t n)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	return n >= 8 && memcmp(d, sig, 8) == 0;
}

static int is_gif(const unsigned char *d, size_t n)
{
	return n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0);
}

/* "BM" alone is too common in text: the second header's size must be
 * valid, or while that is cut off, the reserved bytes zero. */
static int is_bmp(const unsigned char *d, size_t n)
{
	return n >= 2 && d[0] == 'B' && d[1] == 'M' &&
	       (n >= 18 ? bmp_header_size_ok(le32(d + 14)) : n < 10 || le32(d + 6) == 0);
}

static int is_pnm(const unsigned char *d, size_t n)
{
	return n >= 3 && d[0] == 'P' && d[1] >= '1' && d[1] <= '6' && is_space(d[2]);
}

static int is_webp(const unsigned char *d, size_t n)
{
	return n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0;
}

static int is_tiff(const unsigned char *d, size_t n)
{
	return n >= 4 && (memcmp(d, "II*\0", 4) == 0 || memcmp(d, "MM\0*", 4) == 0);
}

/* HEIF and AVIF: an ISO media "ftyp" box naming an image brand. */
static int is_heif(const unsigned char *d, size_t n)
{
	static const char *const brands[] = {"heic", "heix", "mif1", "avif", "avis"};
	if (n < 12 || memcmp(d + 4, "ftyp", 4) != 0)
		return 0;
	for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
		if (memcmp(d + 8, brands[i], 4) == 0)
			return 1;
	return 0;
}

static Status check_size(ImgInfo *info, long long w, long long h)
{
	const char *name = img_format_name(info->format);
	if (w <= 0 || h <= 0)
		return status_fail(STATUS_ERR_CORRUPT, "%s header gives an empty size (%lldx%lld)",
				   name, w, h);
	if (w > IMG_MAX_SIDE || h > IMG_MAX_SIDE || w * h > IMG_MAX_PIXELS)
		return status_fail(STATUS_ERR_TOO_BIG,
				   "%s image is %lldx%lld; gavel takes at most %d pixels a side "
				   "and %lld megapixels", name, w, h, IMG_MAX_SIDE,
				   IMG_MAX_PIXELS / 1000000);
	info->width = (int)w;
	info->height = (int)h;
	return STATUS_OK;
}

static Status truncated_header(ImgFormat format)
{
	return status_fail(STATUS_ERR_CORRUPT, "%s header is truncated", img_format_name(format));
}

/* GIF: the logical screen size follows the 6-byte signature. */
static Status probe_gif(const unsigned char *d, size_t n, ImgInfo *info)
{
	if (n < 10)
		return truncated_header(info->format);
	return check_size(info, le16(d + 6), le16(d + 8));
}

/* BMP: a 14-byte file header, then a header whose first field is its size;
 * the old 12-byte core header has 16-bit sides, the others 32-bit signed
 * ones where a negative height means top-down rows. */
static Status probe_bmp(const unsigned char *d, size_t n, ImgInfo *info)
{
	long long w, h;
	if (n < 26)
		return truncated_header(info->format);
	if (le32(d + 14) == 12) {
		w = le16(d + 18);
		h = le16(d + 20);
	} else {
		w = (int32_t)le32(d + 18);
		h = (int32_t)le32(d + 22);
		if (h < 0)
			h = -h;
	}
	return check_size(info, w, h);
}

/* The next decimal number of a PNM header after whitespace and # comments.
 * 0 when it is missing or runs into the end of the data (then *value is -1,
 * or -2 for junk); numbers are capped, so huge ones stay huge. */
static int pnm_number(const unsigned char *d, size_t n, size_t *pos, long long *value)
{
	size_t i = *pos;
	for (;;) {
		while (i < n && is_space(d[i]))
			i++;
		if (i >= n || d[i] != '#')
			break;
		while (i < n && d[i] != '\n' && d[i] != '\r')
			i++;
	}
	*value = i < n ? -2 : -1;
	if (i >= n || d[i] < '0' || d[i] > '9')
		return 0;
	*value = 0;
	for (; i < n && d[i] >= '0' && d[i] <= '9'; i++)
		if (*value < 1000000000LL)
			*value = *value * 10 + (d[i] - '0');
	*pos = i;
	/* A number must end in whitespace (or a comment): else it may go on. */
	if (i >= n) {
		*value = -1;
		return 0;
	}
	if (!is_space(d[i]) && d[i] != '#') {
		*value = -2;
		return 0;
	}
	return 1;
}

static Status probe_pnm(const unsigned char *d, size_t n, ImgInfo *info)
{
	long long w, h;
	size_t pos = 2;
	if (!pnm_number(d, n, &pos, &w) || !pnm_number(d, n, &pos, &h)) {
		long long bad = w < 0 ? w : h;
		if (bad == -1)
			return truncated_header(info->format);
		return status_fail(STATUS_ERR_CORRUPT, "PNM header has no valid width and height");
	}
	return check_size(info, w, h);
}

static Status unrecognised(size_t len)
{
	if (len == 0)
		return status_fail(STATUS_ERR_FORMAT, "empty file (not an image)");
	return status_fail(STATUS_ERR_FORMAT, "not an image (unrecognised format)");
}

/* The output size for a w x h source, refused when over the output limit. */
static Status plan_output(const Job *job, int w, int h, int *dst_w, int *dst_h)
{
	imgscale_fit(w, h, job->max_w, job->max_h, dst_w, dst_h);
	if ((long long)*dst_w * *dst_h > IMG_MAX_OUTPUT_PIXELS)
		return status_fail(STATUS_ERR_TOO_BIG, "decoding to %dx%d is over the %lld "
				   "megapixel limit", *dst_w, *dst_h,
				   IMG_MAX_OUTPUT_PIXELS / 1000000);
	return STATUS_OK;
}

/* Allocates job->out and a scaler that fills it from src_w x src_h rows. */
static ImgScaler *start_output(Job *job, int src_w, int src_h, int dst_w, int dst_h)
{
	job->out.pixels = xmalloc((size_t)dst_w * dst_h * 3);
	job->out.width = dst_w;
	job->out.height = dst_h;
	return imgscale_new(src_w, src_h, dst_w, dst_h, job->out.pixels);
}

/* ---- JPEG ---- */

typedef struct {
	struct jpeg_error_mgr pub;      /* first: libjpeg casts to this */
	jmp_buf jump;
	int truncated;
	char message[JMSG_LENGTH_MAX];
} JpegErr;

typedef struct {
	struct jpeg_decompress_struct cinfo;
	JpegErr err;
	unsigned char *line, *rgb;
	ImgScaler *scaler;
} JpegJob;

static void on_jpeg_error(j_common_ptr cinfo)
{
	JpegErr *err = (JpegErr *)cinfo->err;
	(*cinfo->err->format_message)(cinfo, err->message);
	longjmp(err->jump, 1);
}

/* Warnings are tolerated (real files have stray bytes) except running out of
 * data, after which libjpeg would go on inventing grey pixels. */
static void on_jpeg_message(j_common_ptr cinfo, int level)
{
	JpegErr *err = (JpegErr *)cinfo->err;
	if (level >= 0)
		return;
	if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
		err->truncated = 1;
		longjmp(err->jump, 1);
	}
	cinfo->err->num_warnings++;
}

static void on_jpeg_output(j_common_ptr cinfo)
{
	(void)cinfo;
}

static Status jpeg_failure(JpegJob *jj)
{
	int code = jj->err.pub.msg_code;
	if (jj->err.truncated)
		return status_fail(STATUS_ERR_CORRUPT, "JPEG: " TRUNCATED_MESSAGE);
	if (code == JERR_BAD_PRECISION || code == JERR_SOF_UNSUPPORTED)
		return status_fail(STATUS_ERR_FORMAT, "unsupported kind of JPEG: %s", jj->err.message);
	if (code == JERR_OUT_OF_MEMORY || code == JERR_NO_BACKING_STORE)
		return status_fail(STATUS_ERR_TOO_BIG, "%sJPEG of %ux%u needs more than %ld MiB "
				   "to decode", jj->cinfo.progressive_mode ? "progressive " : "",
				   jj->cinfo.image_width, jj->cinfo.image_height,
				   JPEG_MAX_MEMORY / (1024 * 1024));
	return status_fail(STATUS_ERR_CORRUPT, "corrupt JPEG: %s", jj->err.message);
}

/* The largest DCT reduction (1/8, 1/4, 1/2) that keeps the image at least
 * as big as the target, so the box filter only ever shrinks. */
static void jpeg_pick_scale(struct jpeg_decompress_struct *cinfo, int dst_w, int dst_h)
{
	static const unsigned denoms[] = { 8, 4, 2 };
	cinfo->scale_num = 1;
	cinfo->scale_denom = 1;
	for (size_t i = 0; i < sizeof denoms / sizeof denoms[0]; i++) {
		unsigned d = denoms[i];
		if ((cinfo->image_width + d - 1) / d >= (unsigned)dst_w &&
		    (cinfo->image_height + d - 1) / d >= (unsigned)dst_h) {
			cinfo->scale_denom = d;
			return;
		}
	}
}

/* Adobe's CMYK JPEGs store inverted values (255 = no ink); others do not. */
static void cmyk_to_rgb(const unsigned char *in, unsigned char *out, size_t n, int inverted)
{
	for (size_t i = 0; i < n; i++, in += 4, out += 3) {
		unsigned k = inverted ? in[3] : 255u - in[3];
		for (int c = 0; c < 3; c++) {
			unsigned v = inverted ? in[c] : 255u - in[c];
			out[c] = (unsigned char)((v * k + 127) / 255);
		}
	}
}

static void gray_to_rgb(const unsigned char *in, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++, out += 3)
		out[0] = out[1] = out[2] = in[i];
}

static J_COLOR_SPACE jpeg_output_space(J_COLOR_SPACE in, int *components)
{
	switch (in) {
	case JCS_GRAYSCALE:
		*components = 1;
		return JCS_GRAYSCALE;
	case JCS_CMYK:
	case JCS_YCCK:
		*components = 4;
		return JCS_CMYK;
	default:
		*components = 3;
		return JCS_RGB;
	}
}

/* Decodes scanline by scanline into the scaler; memory is a few lines. */
static Status jpeg_decode_lines(JpegJob *jj, Job *job)
{
	struct jpeg_decompress_struct *cinfo = &jj->cinfo;
	int dst_w, dst_h, components;
	size_t width;
	Status st = plan_output(job, job->info.width, job->info.height, &dst_w, &dst_h);

	if (st != STATUS_OK)
		return st;
	jpeg_pick_scale(cinfo, dst_w, dst_h);
	cinfo->out_color_space = jpeg_output_space(cinfo->jpeg_color_space, &components);
	cinfo->mem->max_memory_to_use = JPEG_MAX_MEMORY;
	jpeg_start_decompress(cinfo);
	if (cinfo->output_components != components)
		return status_fail(STATUS_ERR_CORRUPT, "JPEG has %d colour components, expected %d",
				   cinfo->output_components, components);
	width = cinfo->output_width;
	jj->line = xmalloc(width * (size_t)components);
	jj->rgb = xmalloc(width * 3);
	jj->scaler = start_output(job, (int)width, (int)cinfo->output_height, dst_w, dst_h);
	while (cinfo->output_scanline < cinfo->output_height) {
		if (jpeg_read_scanlines(cinfo, &jj->line, 1) != 1)
			return status_fail(STATUS_ERR_CORRUPT, "JPEG: " TRUNCATED_MESSAGE);
		if (components == 1)
			gray_to_rgb(jj->line, jj->rgb, width);
		else if (components == 4)
			cmyk_to_rgb(jj->line, jj->rgb, width, cinfo->saw_Adobe_marker);
		imgscale_push(jj->scaler, components == 3 ? jj->line : jj->rgb);
	}
	return STATUS_OK;
}

static Status jpeg_run(JpegJob *jj, Source *src, Job *job)
{
	struct jpeg_decompress_struct *cinfo = &jj->cinfo;

	cinfo->err = jpeg_std_error(&jj->err.pub);
	jj->err.pub.error_exit = on_jpeg_error;
	jj->err.pub.emit_message = on_jpeg_message;
	jj->err.pub.output_message = on_jpeg_output;
	if (setjmp(jj->err.jump))
		return jpeg_failure(jj);
	jpeg_create_decompress(cinfo);
	if (src->fp)
		jpeg_stdio_src(cinfo, src->fp);
	else
		jpeg_mem_src(cinfo, src->data, (unsigned long)src->len);
	jpeg_read_header(cinfo, TRUE);
	Status st = check_size(&job->info, cinfo->image_width, cinfo->image_height);
	if (st != STATUS_OK || !job->decode)
		return st;
	return jpeg_decode_lines(jj, job);
}

static Status jpeg_job(Source *src, Job *job)
{
	JpegJob jj;
	Status st;

	memset(&jj, 0, sizeof jj);
	st = jpeg_run(&jj, src, job);
	jpeg_destroy_decompress(&jj.cinfo);
	free(jj.line);
	free(jj.rgb);
	imgscale_free(jj.scaler);
	return st;
}

/* ---- PNG ---- */

typedef struct {
	png_structp png;
	png_infop info;
	Source *src;
	char message[256];
	unsigned char *image, **rows, *rgb;
	ImgScaler *scaler;
} PngJob;

static void on_png_error(png_structp png, png_const_charp message)
{
	PngJob *pj = png_get_error_ptr(png);
	snprintf(pj->message, sizeof pj->message, "%s", message);
	png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message)
{
	(void)png;
	(void)message;
}

static void on_png_read(png_structp png, png_bytep data, size_t len)
{
	PngJob *pj = png_get_io_ptr(png);
	if (source_read(pj->src, data, len) != len)
		png_error(png, TRUNCATED_MESSAGE);
}

/* Asks libpng for 8-bit RGB or RGBA whatever the file holds. */
static void png_want_rgb(PngJob *pj, int color_type, int depth)
{
	if (color_type == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(pj->png);
	if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8)
		png_set_expand_gray_1_2_4_to_8(pj->png);
	if (png_get_valid(pj->png, pj->info, PNG_INFO_tRNS))
		png_set_tRNS_to_alpha(pj->png);
	if (depth == 16)
		png_set_scale_16(pj->png);
	if (!(color_type & PNG_COLOR_MASK_COLOR))
		png_set_gray_to_rgb(pj->png);
}

/* Composites an RGBA row onto background in place, leaving n RGB pixels. */
static void composite_row(unsigned char *row, size_t n, uint32_t background)
{
	unsigned bg[3] = { background >> 16 & 255, background >> 8 & 255, background & 255 };
	unsigned char *out = row;
	for (size_t i = 0; i < n; i++, row += 4, out += 3) {
		unsigned a = row[3];
		for (int c = 0; c < 3; c++)
			out[c] = (unsigned char)((row[c] * a + bg[c] * (255 - a) + 127) / 255);
	}
}

static void png_push(PngJob *pj, unsigned char *row, size_t width, int channels, Job *job)
{
	if (channels == 4)
		composite_row(row, width, job->background);
	imgscale_push(pj->scaler, row);
}

/* Interlaced rows only become final after the last pass: read it whole. */
static Status png_decode_whole(PngJob *pj, size_t width, size_t height, int channels, Job *job)
{
	if ((long long)width * height * 4 > IMG_MAX_INTERLACED_BYTES)
		return status_fail(STATUS_ERR_TOO_BIG, "interlaced PNG of %zux%zu is too large to "
				   "decode (limit %lld MiB); save it non-interlaced", width,
				   height, IMG_MAX_INTERLACED_BYTES / (1024 * 1024));
	pj->image = xmalloc(width * height * (size_t)channels);
	pj->rows = xmalloc(height * sizeof *pj->rows);
	for (size_t y = 0; y < height; y++)
		pj->rows[y] = pj->image + y * width * (size_t)channels;
	png_read_image(pj->png, pj->rows);
	for (size_t y = 0; y < height; y++)
		png_push(pj, pj->rows[y], width, channels, job);
	return STATUS_OK;
}

static Status png_decode_rows(PngJob *pj, Job *job, int interlace)
{
	size_t width = (size_t)job->info.width, height = (size_t)job->info.height;
	int passes = interlace != PNG_INTERLACE_NONE ? png_set_interlace_handling(pj->png) : 1;
	int channels, dst_w, dst_h;
	Status st = plan_output(job, (int)width, (int)height, &dst_w, &dst_h);

	if (st != STATUS_OK)
		return st;
	png_read_update_info(pj->png, pj->info);
	channels = png_get_channels(pj->png, pj->info);
	if ((channels != 3 && channels != 4) || png_get_rowbytes(pj->png, pj->info) != width * channels)
		return status_fail(STATUS_ERR_CORRUPT, "PNG: unexpected pixel layout");
	pj->scaler = start_output(job, (int)width, (int)height, dst_w, dst_h);
	if (passes > 1)
		return png_decode_whole(pj, width, height, channels, job);
	pj->rgb = xmalloc(width * 4);
	for (size_t y = 0; y < height; y++) {
		png_read_row(pj->png, pj->rgb, NULL);
		png_push(pj, pj->rgb, width, channels, job);
	}
	return STATUS_OK;
}

/* The most libpng may allocate at once, and how many ancillary chunks it
 * keeps (the rest are skipped). A chunk's length is read before its data:
 * 93 bytes declaring a 800 MB text chunk had libpng allocate and clear it,
 * ten seconds a file (a fuzzer's find; png_set_chunk_malloc_max did not stop
 * it in libpng 1.6.39). Decoding needs rows (at most 65535 px * 8 bytes) and
 * zlib's windows, so 16 MB refuses nothing real. */
enum { PNG_ALLOC_MAX_BYTES = 16 << 20, PNG_CHUNK_MAX_COUNT = 1000 };

static png_voidp png_alloc_capped(png_structp png, png_alloc_size_t size)
{
	(void)png;
	return size > PNG_ALLOC_MAX_BYTES ? NULL : malloc(size);
}

static void png_free_capped(png_structp png, png_voidp p)
{
	(void)png;
	free(p);
}

static Status png_run(PngJob *pj, Job *job)
{
	png_uint_32 w, h;
	int depth, color_type, interlace;

	if (setjmp(png_jmpbuf(pj->png))) {
		if (strcmp(pj->message, TRUNCATED_MESSAGE) == 0)
			return status_fail(STATUS_ERR_CORRUPT, "PNG: " TRUNCATED_MESSAGE);
		return status_fail(STATUS_ERR_CORRUPT, "corrupt PNG: %s", pj->message);
	}
	png_set_read_fn(pj->png, pj, on_png_read);
	/* Our own limits apply (check_size), so that huge reads as too big. */
	png_set_user_limits(pj->png, 0x7fffffff, 0x7fffffff);
	png_set_chunk_cache_max(pj->png, PNG_CHUNK_MAX_COUNT);
	png_read_info(pj->png, pj->info);
	png_get_IHDR(pj->png, pj->info, &w, &h, &depth, &color_type, &interlace, NULL, NULL);
	Status st = check_size(&job->info, w, h);
	if (st != STATUS_OK || !job->decode)
		return st;
	png_want_rgb(pj, color_type, depth);
	return png_decode_rows(pj, job, interlace);
}

static Status png_job(Source *src, Job *job)
{
	PngJob pj;
	Status st;

	memset(&pj, 0, sizeof pj);
	pj.src = src;
	pj.png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &pj, on_png_error, on_png_warning,
					  NULL, png_alloc_capped, png_free_capped);
	if (pj.png)
		pj.info = png_create_info_struct(pj.png);
	if (!pj.info)
		st = status_fail(STATUS_ERR_CORRUPT, "PNG: libpng could not start");
	else
		st = png_run(&pj, job);
	png_destroy_read_struct(&pj.png, pj.info ? &pj.info : NULL, NULL);
	free(pj.image);
	free(pj.rows);
	free(pj.rgb);
	imgscale_free(pj.scaler);
	return st;
}

/* ---- the formats ---- */

static int jpeg_complete(const unsigned char *tail, size_t n)
{
	/* cameras may append a little after the end-of-image marker */
	for (size_t i = 0; i + 1 < n; i++)
		if (tail[i] == 0xFF && tail[i + 1] == 0xD9)
			return 1;
	return 0;
}

static int png_complete(const unsigned char *tail, size_t n)
{
	static const unsigned char iend[] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
	return n >= sizeof iend && !memcmp(tail + n - sizeof iend, iend, sizeof iend);
}

static int gif_complete(const unsigned char *tail, size_t n)
{
	return n > 0 && memchr(tail + (n > 16 ? n - 16 : 0), 0x3B, n > 16 ? 16 : n) != NULL;
}

/* Every format gavel recognises by its first bytes: how to read its size
 * from the header, how to decode it (NULL: recognised, so the message is
 * true, but not read), and how its file must end (NULL: no marker). Adding
 * a decoder for WebP is filling in its row (chafa's loader_vtable). */
typedef struct {
	ImgFormat format;
	const char *name;
	int (*is)(const unsigned char *d, size_t n);
	Status (*probe)(const unsigned char *d, size_t n, ImgInfo *info);
	Status (*decode)(Source *src, Job *job); /* also gives the size */
	int (*complete)(const unsigned char *tail, size_t n);
} Format;

static const Format formats[] = {
	{IMG_FORMAT_JPEG, "JPEG", is_jpeg, NULL, jpeg_job, jpeg_complete},
	{IMG_FORMAT_PNG, "PNG", is_png, NULL, png_job, png_complete},
	{IMG_FORMAT_GIF, "GIF", is_gif, probe_gif, NULL, gif_complete},
	{IMG_FORMAT_BMP, "BMP", is_bmp, probe_bmp, NULL, NULL},
	{IMG_FORMAT_PNM, "PNM", is_pnm, probe_pnm, NULL, NULL},
	{IMG_FORMAT_WEBP, "WebP", is_webp, NULL, NULL, NULL},
	{IMG_FORMAT_TIFF, "TIFF", is_tiff, NULL, NULL, NULL},
	{IMG_FORMAT_HEIF, "HEIF/AVIF", is_heif, NULL, NULL, NULL},
};

enum { FORMAT_COUNT = sizeof formats / sizeof formats[0] };

static const Format *format_of(ImgFormat format)
{
	for (int i = 0; i < FORMAT_COUNT; i++)
		if (formats[i].format == format)
			return &formats[i];
	return NULL;
}

static const Format *format_of_bytes(const unsigned char *d, size_t n)
{
	for (int i = 0; i < FORMAT_COUNT; i++)
		if (formats[i].is(d, n))
			return &formats[i];
	return NULL;
}

const char *img_format_name(ImgFormat format)
{
	const Format *f = format_of(format);
	return f ? f->name : "unknown";
}

int img_format_decodable(ImgFormat format)
{
	const Format *f = format_of(format);
	return f && f->decode;
}

/* ---- entry points ---- */

/* Probes or decodes once the format is known; prefix holds the first n bytes
 * (the whole data when src reads memory). */
static Status dispatch(const unsigned char *prefix, size_t n, Source *src, Job *job)
{
	const Format *f = format_of_bytes(prefix, n);
	job->info.format = f ? f->format : IMG_FORMAT_UNKNOWN;
	if (!f)
		return unrecognised(n);
	if (f->decode)
		return f->decode(src, job);
	if (job->decode || !f->probe)
		return status_fail(STATUS_ERR_FORMAT, "%s images are not supported: gavel reads "
				   "JPEG and PNG", f->name);
	return f->probe(prefix, n, &job->info);
}

static void finish_info(Status st, const Job *job, ImgInfo *info)
{
	*info = job->info;
	if (st != STATUS_OK)
		info->width = info->height = 0;
}

Status img_probe_memory(const unsigned char *data, size_t len, ImgInfo *info)
{
	Source src = { .data = data, .len = len };
	Job job = { 0 };
	Status st = dispatch(data, len, &src, &job);
	finish_info(st, &job, info);
	return st;
}

/* Opens path, reads its first bytes and hands the stream on, rewound. */
static Status file_job(const char *path, Job *job)
{
	unsigned char prefix[PREFIX_BYTES];
	Source src = { 0 };
	char detail[768];
	Status st;
	size_t n;

	src.fp = fopen(path, "rb");
	if (!src.fp)
		return status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
	n = fread(prefix, 1, sizeof prefix, src.fp);
	if (ferror(src.fp) || fseek(src.fp, 0, SEEK_SET) != 0) {
		st = status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	st = dispatch(prefix, n, &src, job);
	if (st != STATUS_OK) {
		snprintf(detail, sizeof detail, "%s", status_detail());
		status_fail(st, "%s: %s", path, detail);
	}
out:
	fclose(src.fp);
	return st;
}

Status img_probe_file(const char *path, ImgInfo *info)
{
	Job job = { 0 };
	Status st = file_job(path, &job);
	finish_info(st, &job, info);
	return st;
}

Status img_decode_file(const char *path, int max_w, int max_h, uint32_t background_rgb,
		       ImgRGB *out)
{
	Job job = { .decode = 1, .max_w = max_w, .max_h = max_h, .background = background_rgb };
	Status st = file_job(path, &job);
	if (st != STATUS_OK)
		img_rgb_free(&job.out);
	*out = job.out;
	return st;
}

Status img_scale_box(const ImgRGB *src, int max_w, int max_h, ImgRGB *out)
{
	size_t stride;
	ImgScaler *scaler;

	memset(out, 0, sizeof *out);
	if (!src || !src->pixels || src->width <= 0 || src->height <= 0)
		return status_fail(STATUS_ERR_INPUT, "cannot scale an empty image");
	imgscale_fit(src->width, src->height, max_w, max_h, &out->width, &out->height);
	out->pixels = xmalloc((size_t)out->width * out->height * 3);
	scaler = imgscale_new(src->width, src->height, out->width, out->height, out->pixels);
	stride = (size_t)src->width * 3;
	for (int y = 0; y < src->height; y++)
		imgscale_push(scaler, src->pixels + (size_t)y * stride);
	imgscale_free(scaler);
	return STATUS_OK;
}

/* Reads up to want bytes from the end of f into tail; returns how many. */
static size_t read_tail(FILE *f, unsigned char *tail, size_t want)
{
	long size;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0)
		return 0;
	if ((size_t)size < want)
		want = (size_t)size;
	if (fseek(f, size - (long)want, SEEK_SET) != 0)
		return 0;
	return fread(tail, 1, want, f);
}

Status img_check_complete(const char *path, ImgFormat format)
{
	const Format *f = format_of(format);
	unsigned char tail[4096];
	size_t n;
	FILE *fp;

	if (!f || !f->complete)
		return STATUS_OK; /* no end marker to look for */
	fp = fopen(path, "rb");
	if (!fp)
		return status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
	n = read_tail(fp, tail, sizeof tail);
	fclose(fp);
	if (!f->complete(tail, n))
		return status_fail(STATUS_ERR_CORRUPT, "%s: truncated %s (its end marker is missing)",
				   path, f->name);
	return STATUS_OK;
}
