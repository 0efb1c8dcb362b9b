/* fuzz_text.c - libFuzzer target for src/base/text.c: any bytes (the first
 * one picks a width of 1 to 40 columns) must clean to text that cleans to
 * itself, cut on a cluster boundary within the width, and wrap to lines that
 * are clean on their own and no wider than the width (a single cluster wider
 * than the line excepted), without a crash, a leak or undefined behaviour.
 * Build it as run.sh builds fuzz_reply, with src/base/text.c, strbuf.c,
 * xalloc.c and libutf8proc. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int width;

static void check_line(void *arg, const char *line)
{
	char *again = text_clean(line);
	size_t len = strlen(line);

	(void)arg;
	if (strcmp(again, line) != 0)
		abort();
	if (text_display_width(line) > width && text_cluster_end(line, len, 0) != len)
		abort();
	free(again);
}

static void check_cut(const char *clean)
{
	size_t len = strlen(clean), at = 0, n;
	int used;

	n = text_cut(clean, width, &used);
	if (used > width)
		abort();
	while (at < n)
		at = text_cluster_end(clean, len, at);
	if (at != n || text_prev_cluster(clean, len) > len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *clean, *twice, *cells;

	if (size < 1)
		return 0;
	width = 1 + data[0] % 40;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	clean = text_clean(s);
	twice = text_clean(clean);
	if (strcmp(clean, twice) != 0)
		abort();
	check_cut(clean);
	text_wrap(s, width, width, check_line, NULL);
	text_wrap_cells(s, width, width, check_line, NULL);
	cells = text_clean_cells(s);
	(void)text_display_width(cells);
	free(cells);
	free(twice);
	free(clean);
	free(s);
	return 0;
}
