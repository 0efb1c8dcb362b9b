/* features_measure.c - measures image files with src/img/features.c and
 * prints the figures as JSON, one object per line, for
 * tests/cli/features_check.py to recompute from the pixels.
 *
 *   features_measure FILE...
 *
 * Each line: the file, every field of Features (17 significant digits), the
 * sizes, and the vector features_to_vector() makes, with its names. A file
 * that cannot be measured prints {"file": F, "error": DETAIL} and the exit
 * status is 1. */
#include <stdio.h>

#include "src/img/features.h"

static void print_features(const char *path, const Features *f)
{
	const char *const *names = features_names();
	float vec[FEATURES_COUNT];

	features_to_vector(f, vec);
	printf("{\"file\": \"%s\", \"exposure\": %.17g, \"contrast\": %.17g, "
	       "\"saturation\": %.17g, \"colourfulness\": %.17g, \"sharpness\": %.17g, "
	       "\"edge_density\": %.17g, \"border_plainness\": %.17g, \"clip_dark\": %.17g, "
	       "\"clip_bright\": %.17g, \"noise\": %.17g, \"off_centre\": %.17g, "
	       "\"resolution\": %.17g, \"aspect\": %.17g, \"width\": %d, \"height\": %d, "
	       "\"measured_width\": %d, \"measured_height\": %d, \"vector\": {",
	       path, f->exposure, f->contrast, f->saturation, f->colourfulness, f->sharpness,
	       f->edge_density, f->border_plainness, f->clip_dark, f->clip_bright, f->noise,
	       f->off_centre, f->resolution, f->aspect, f->width, f->height, f->measured_width,
	       f->measured_height);
	for (int k = 0; k < FEATURES_COUNT; k++)
		printf("%s\"%s\": %.9g", k ? ", " : "", names[k], (double)vec[k]);
	printf("}}\n");
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: features_measure FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		Features f;

		if (features_measure_file(argv[i], &f) != STATUS_OK) {
			printf("{\"file\": \"%s\", \"error\": \"%s\"}\n", argv[i], status_detail());
			rc = 1;
			continue;
		}
		print_features(argv[i], &f);
	}
	return rc;
}
