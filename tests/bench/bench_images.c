/* bench_images.c - how long a picture takes from its file to sixel bytes for a
 * 640x480 pane, next to img2sixel and chafa on the same files at the same size
 * (medians, ratios measured in the same run), and what the encoder settings
 * cost in quality. Run by bench_images.sh, which builds this file.
 *
 *   bench_images once FILE          prepare FILE as the UI does; sixel to stdout
 *   bench_images noop               start and exit (process start-up cost)
 *   bench_images stages FILE...     in-process medians: decode+scale, encode
 *   bench_images settings FILE...   palette size x dithering: time, bytes,
 *                                   colours used, mean error vs the source
 *   bench_images compare FILE...    whole processes: gavel vs img2sixel vs chafa
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sixel.h>

#include "src/img/imgscale.h"
#include "ui/gfx.h"

#define PANE_W 640
#define PANE_H 480
#define CELL_W 10
#define CELL_H 20
#define RUNS 7

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* A sixel terminal with a 640x480 pane: 64x24 cells of 10x20. */
static TtyCaps pane_caps(void)
{
	TtyCaps caps = {
		.graphics = TTY_GRAPHICS_SIXEL, .rows = 26, .cols = 64, .cell_w = CELL_W,
		.cell_h = CELL_H, .max_sixel_w = 1000, .max_sixel_h = 1000,
		.sixel_colours = 256,
	};
	return caps;
}

static int die_status(Status st, const char *what)
{
	fprintf(stderr, "bench_images: %s: %s: %s\n", what, status_message(st), status_detail());
	return 1;
}

static int mode_once(const char *path)
{
	TtyCaps caps = pane_caps();
	GfxImage *image;
	Status st = gfx_prepare(path, PANE_W / CELL_W, PANE_H / CELL_H, &caps, 0, &image);

	if (st != STATUS_OK)
		return die_status(st, path);
	st = gfx_write_all(1, image->sixel.data, image->sixel.len);
	gfx_image_free(image);
	return st == STATUS_OK ? 0 : die_status(st, "stdout");
}

/* ---- in-process stages ---- */

static int mode_stages(int argc, char **argv)
{
	printf("in-process, medians of %d (what the prefetch worker spends per image):\n", RUNS);
	printf("  %-22s %10s %12s %10s %12s %10s\n", "image", "output", "decode+fit", "encode",
	       "total", "bytes");
	for (int f = 0; f < argc; f++) {
		double dec[RUNS], enc[RUNS], tot[RUNS];
		ImgRGB img = { 0 };
		size_t bytes = 0;
		for (int r = 0; r < RUNS; r++) {
			GfxBuf buf = { 0 };
			double t0 = now_ms();
			Status st = img_decode_file(argv[f], PANE_W, PANE_H, 0, &img);
			if (st != STATUS_OK)
				return die_status(st, argv[f]);
			double t1 = now_ms();
			st = gfx_sixel_encode(&img, &(GfxSixelOpts){ .max_w = 1000, .max_h = 1000 },
					      &buf);
			double t2 = now_ms();
			if (st != STATUS_OK)
				return die_status(st, "encode");
			dec[r] = t1 - t0;
			enc[r] = t2 - t1;
			tot[r] = t2 - t0;
			bytes = buf.len;
			gfx_buf_free(&buf);
			if (r < RUNS - 1)
				img_rgb_free(&img);
		}
		char size[32];
		snprintf(size, sizeof size, "%dx%d", img.width, img.height);
		printf("  %-22s %10s %9.1f ms %7.1f ms %9.1f ms %10zu\n", base_name(argv[f]), size,
		       median(dec, RUNS), median(enc, RUNS), median(tot, RUNS), bytes);
		img_rgb_free(&img);
	}
	return 0;
}

/* ---- quality of encoder settings ---- */

static void box_blur(const unsigned char *src, double *dst, int w, int h)
{
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			for (int c = 0; c < 3; c++) {
				double sum = 0;
				int n = 0;
				for (int dy = -1; dy <= 1; dy++)
					for (int dx = -1; dx <= 1; dx++) {
						int yy = y + dy, xx = x + dx;
						if (yy < 0 || yy >= h || xx < 0 || xx >= w)
							continue;
						sum += src[((size_t)yy * w + xx) * 3 + c];
						n++;
					}
				dst[((size_t)y * w + x) * 3 + c] = sum / n;
			}
		}
	}
}

typedef struct {
	int colours_used;
	double error;           /* mean |decoded - source| per channel */
	double blurred_error;   /* the same after a 3x3 blur of both: what the eye
				 * sees of dithering, which trades pixel error for
				 * no banding */
} Quality;

/* Decodes sixel with libsixel and compares it with img (same size). */
static int measure_quality(const GfxBuf *sixel, const ImgRGB *img, const double *img_blur,
			   Quality *q)
{
	sixel_allocator_t *alloc;
	unsigned char *px = NULL, *pal = NULL;
	int w, h, ncolours, used[256] = { 0 };
	size_t n = (size_t)img->width * img->height;

	sixel_allocator_new(&alloc, NULL, NULL, NULL, NULL);
	if (SIXEL_FAILED(sixel_decode_raw(sixel->data, (int)sixel->len, &px, &w, &h, &pal,
					  &ncolours, alloc)) ||
	    w != img->width || h != img->height) {
		sixel_allocator_unref(alloc);
		return -1;
	}
	unsigned char *rgb = malloc(n * 3);
	double *blur = malloc(n * 3 * sizeof *blur), err = 0, berr = 0;
	memset(q, 0, sizeof *q);
	for (size_t i = 0; i < n; i++) {
		q->colours_used += !used[px[i]];
		used[px[i]] = 1;
		for (int c = 0; c < 3; c++) {
			rgb[i * 3 + c] = pal[px[i] * 3 + c];
			err += abs(rgb[i * 3 + c] - img->pixels[i * 3 + c]);
		}
	}
	box_blur(rgb, blur, w, h);
	for (size_t i = 0; i < n * 3; i++)
		berr += fabs(blur[i] - img_blur[i]);
	q->error = err / (double)(n * 3);
	q->blurred_error = berr / (double)(n * 3);
	free(rgb);
	free(blur);
	sixel_allocator_free(alloc, px);
	sixel_allocator_free(alloc, pal);
	sixel_allocator_unref(alloc);
	return 0;
}

static const struct {
	const char *name;
	GfxSixelOpts opts;
} SETTINGS[] = {
	{ "256 fs (libsixel pal)", { .colours = 256, .raw_palette = 1 } },
	{ "256 none", { .colours = 256, .dither = GFX_DITHER_NONE } },
	{ "256 fs", { .colours = 256 } },
	{ "128 fs", { .colours = 128 } },
	{ "64 none", { .colours = 64, .dither = GFX_DITHER_NONE } },
	{ "64 atkinson", { .colours = 64, .dither = GFX_DITHER_ATKINSON } },
	{ "64 fs (libsixel pal)", { .colours = 64, .raw_palette = 1 } },
	{ "64 fs  [default]", { .colours = 64 } },
	{ "32 fs", { .colours = 32 } },
	{ "16 fs", { .colours = 16 } },
};

static int settings_one(const char *path)
{
	ImgRGB img;
	Status st = img_decode_file(path, PANE_W, PANE_H, 0, &img);

	if (st != STATUS_OK)
		return die_status(st, path);
	img.height -= img.height % 6;   /* the encoder keeps whole bands */
	double *blur = malloc((size_t)img.width * img.height * 3 * sizeof *blur);
	box_blur(img.pixels, blur, img.width, img.height);
	printf("  %s (%dx%d)\n", base_name(path), img.width, img.height);
	for (size_t s = 0; s < sizeof SETTINGS / sizeof SETTINGS[0]; s++) {
		double t[RUNS];
		GfxBuf buf = { 0 };
		Quality q;
		for (int r = 0; r < RUNS; r++) {
			buf.len = 0;
			double t0 = now_ms();
			st = gfx_sixel_encode(&img, &SETTINGS[s].opts, &buf);
			t[r] = now_ms() - t0;
			if (st != STATUS_OK)
				return die_status(st, "encode");
		}
		if (measure_quality(&buf, &img, blur, &q) != 0) {
			fprintf(stderr, "bench_images: cannot decode our own sixel output\n");
			return 1;
		}
		printf("    %-22s %7.1f ms %9zu B %5d colours  error %5.2f  blurred %5.2f\n",
		       SETTINGS[s].name, median(t, RUNS), buf.len, q.colours_used, q.error,
		       q.blurred_error);
		gfx_buf_free(&buf);
	}
	free(blur);
	img_rgb_free(&img);
	return 0;
}

static int mode_settings(int argc, char **argv)
{
	printf("encoder settings, medians of %d (error: mean |decoded - source| per channel, "
	       "0-255;\nblurred: the same after a 3x3 blur, closer to what the eye sees of "
	       "dithering):\n", RUNS);
	for (int f = 0; f < argc; f++)
		if (settings_one(argv[f]) != 0)
			return 1;
	return 0;
}

/* ---- whole processes ---- */

/* Runs argv with stdout to out_path (NULL: /dev/null); wall ms, or -1 when
 * it failed. */
static double run_process(char *const argv[], const char *out_path)
{
	double t0 = now_ms();
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
			       0600);
		int err = open("/dev/null", O_WRONLY);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	double ms = now_ms() - t0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -1;
}

/* The raster size ("1;1;W;H) and length of a sixel file. */
static void sixel_file_info(const char *path, int *w, int *h, long *bytes)
{
	FILE *fp = fopen(path, "rb");
	char head[256];
	size_t n;

	*w = *h = 0;
	*bytes = 0;
	if (!fp)
		return;
	n = fread(head, 1, sizeof head - 1, fp);
	head[n] = '\0';
	const char *ra = memchr(head, '"', n);
	if (ra)
		sscanf(ra, "\"%*d;%*d;%d;%d", w, h);
	fseek(fp, 0, SEEK_END);
	*bytes = ftell(fp);
	fclose(fp);
}

typedef struct {
	const char *name;
	char *argv[12];
	double ms[RUNS];
	int ok;
} Tool;

static void print_tool(const Tool *t, double ours, const char *tmp)
{
	int w, h;
	long bytes;
	double ms[RUNS];

	if (!t->ok) {
		printf("    %-26s failed or missing\n", t->name);
		return;
	}
	memcpy(ms, t->ms, sizeof ms);
	sixel_file_info(tmp, &w, &h, &bytes);
	double m = median(ms, RUNS);
	printf("    %-26s %7.1f ms  %4dx%-4d %8ld B   %5.2fx gavel's time\n", t->name, m, w, h,
	       bytes, m / ours);
}

static int compare_one(const char *self, const char *path, double startup)
{
	ImgInfo info;
	char size_w[16], size_h[16], chafa_size[32], tmp[64];
	int w, h;

	if (img_probe_file(path, &info) != STATUS_OK)
		return die_status(STATUS_ERR_IO, path);
	imgscale_fit(info.width, info.height, PANE_W, PANE_H, &w, &h);
	snprintf(size_w, sizeof size_w, "%d", w);
	snprintf(size_h, sizeof size_h, "%d", h);
	/* with no terminal chafa takes cells as 8x8 pixels; font ratio 1/1 keeps the
	 * aspect, so this box is w x h pixels */
	snprintf(chafa_size, sizeof chafa_size, "--size=%dx%d", w / 8, h / 8);
	Tool tools[3] = {
		{ .name = "gavel (gfx_prepare)", .argv = { (char *)self, "once", (char *)path } },
		{ .name = "img2sixel -w W -h H",
		  .argv = { "img2sixel", "-w", size_w, "-h", size_h, (char *)path } },
		{ .name = "chafa -f sixels",
		  .argv = { "chafa", "-f", "sixels", chafa_size, "--font-ratio=1/1", (char *)path } },
	};
	printf("  %s %dx%d -> %dx%d\n", base_name(path), info.width, info.height, w, h);
	for (int t = 0; t < 3; t++)
		tools[t].ok = 1;
	/* interleaved, so drift on a shared machine hits all three alike */
	for (int r = 0; r < RUNS; r++)
		for (int t = 0; t < 3; t++)
			if (tools[t].ok && (tools[t].ms[r] = run_process(tools[t].argv, NULL)) < 0)
				tools[t].ok = 0;
	double ours_ms[RUNS];
	memcpy(ours_ms, tools[0].ms, sizeof ours_ms);
	double ours = tools[0].ok ? median(ours_ms, RUNS) : 1;
	for (int t = 0; t < 3; t++) {
		snprintf(tmp, sizeof tmp, "/tmp/bench_images.%d.six", (int)getpid());
		if (tools[t].ok)
			run_process(tools[t].argv, tmp);
		print_tool(&tools[t], ours, tmp);
		unlink(tmp);
	}
	if (tools[0].ok)
		printf("    %-26s %7.1f ms  (gavel less its process start-up of %.1f ms)\n",
		       "gavel in-process", ours - startup, startup);
	return tools[0].ok ? 0 : 1;
}

static int mode_compare(const char *self, int argc, char **argv)
{
	char *noop[] = { (char *)self, "noop", NULL };
	double start[RUNS];

	for (int r = 0; r < RUNS; r++)
		start[r] = run_process(noop, NULL);
	double startup = median(start, RUNS);
	printf("whole processes, file to sixel on stdout for a 640x480 pane, medians of %d "
	       "(interleaved);\nratios > 1 mean gavel is faster:\n", RUNS);
	int failed = 0;
	for (int f = 0; f < argc; f++)
		failed |= compare_one(self, argv[f], startup);
	return failed;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "noop") == 0)
		return 0;
	if (argc == 3 && strcmp(argv[1], "once") == 0)
		return mode_once(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "stages") == 0)
		return mode_stages(argc - 2, argv + 2);
	if (argc >= 3 && strcmp(argv[1], "settings") == 0)
		return mode_settings(argc - 2, argv + 2);
	if (argc >= 3 && strcmp(argv[1], "compare") == 0)
		return mode_compare("/proc/self/exe", argc - 2, argv + 2);
	fprintf(stderr, "usage: bench_images once|stages|settings|compare FILE...\n");
	return 2;
}
