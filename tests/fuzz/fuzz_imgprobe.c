/* fuzz_imgprobe.c - libFuzzer target for the image probe (src/img/img.c,
 * img_probe_memory): any bytes must give one of the promised statuses with a
 * size inside the limits, the same answer each time and the same answer as
 * img_probe_file on the same bytes, without a crash, a leak or undefined
 * behaviour. Built and run by tests/fuzz/run.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/img/img.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What img.h promises about an answer. */
static void check(Status st, const ImgInfo *info)
{
	switch (st) {
	case STATUS_OK:
		if (info->format == IMG_FORMAT_UNKNOWN || info->width < 1 || info->height < 1 ||
		    info->width > IMG_MAX_SIDE || info->height > IMG_MAX_SIDE ||
		    (long long)info->width * info->height > IMG_MAX_PIXELS)
			abort();
		break;
	case STATUS_ERR_FORMAT:
	case STATUS_ERR_CORRUPT:
	case STATUS_ERR_TOO_BIG:
		if (info->width || info->height || !status_detail()[0])
			abort();
		break;
	default: abort();
	}
	if (!img_format_name(info->format))
		abort();
}

static char path[64];

static void clean_up(void)
{
	remove(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ImgInfo a, b, c;
	Status sa = img_probe_memory(data, size, &a), sb = img_probe_memory(data, size, &b), sc;
	FILE *f;
	check(sa, &a);
	if (sa != sb || a.format != b.format || a.width != b.width || a.height != b.height)
		abort();
	/* the file reader sees the first 4 KiB for the formats read from the
	 * header alone, so it must agree on any input that short */
	if (size > 4096)
		return 0;
	if (!path[0]) {
		snprintf(path, sizeof path, "%s/gavel-fuzz-img.XXXXXX",
			 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		int fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(clean_up);
	}
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	sc = img_probe_file(path, &c);
	if (sc != sa || c.format != a.format || c.width != a.width || c.height != a.height)
		abort();
	return 0;
}
