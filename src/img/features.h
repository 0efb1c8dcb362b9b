/* features.h - measurements of an image's pixels that say something about
 * its quality as a product photo: exposure, contrast, colour, sharpness,
 * edges, how plain the background is at the border, clipping, noise, framing,
 * resolution and aspect. They feed the offline `heuristic` labeller
 * (src/heuristic.h) and, as a vector, the linear scorer. Pure computation;
 * only features_measure_file() reads a file. docs/heuristic.md explains each
 * figure and what values photos give.
 *
 * Pixel figures depend on the size they are measured at (a Laplacian or a
 * Sobel gradient sees different detail at different scales), so images are
 * measured after decoding to fit FEATURES_DECODE_SIDE x FEATURES_DECODE_SIDE:
 * that keeps a measurement fast (at most ~262k pixels) and makes the numbers
 * of a 4000 px and an 800 px copy of the same photo comparable. Only
 * resolution and aspect come from the original size. */
#ifndef GAVEL_FEATURES_H
#define GAVEL_FEATURES_H

#include "src/img/img.h"
#include "src/base/status.h"

/* The box images are decoded into before measuring. */
#define FEATURES_DECODE_SIDE 512
/* The background transparent pixels are laid on (white, as product cut-outs
 * are shown in shops), channel by channel as img.c does it:
 * (c a + bg (255 - a) + 127) / 255 in integers. */
#define FEATURES_BACKGROUND 0xFFFFFFu

/* The border band is this share of each side, rounded to the nearest pixel
 * (halves away from zero, lround) and at least one pixel. */
#define FEATURES_BORDER_SHARE 0.08
/* Border pixels this close to the band's main colour (0..255, on every
 * channel) count as plain. */
#define FEATURES_PLAIN_TOLERANCE 24
/* Noise is estimated on this share of the interior pixels, the flattest. */
#define FEATURES_NOISE_SHARE 0.25
/* A pixel is an edge when its Sobel gradient, divided by 4 so that a clean
 * step of height h in luma (0..1) gives h, exceeds this (strictly). */
#define FEATURES_EDGE_THRESHOLD 0.1
/* Luma at or below / at or above these (out of 255) counts as clipped;
 * luma within 1e-9 of the limit counts too, because the Rec.709 weights do
 * not sum to exactly 1 in binary (grey 2 gives a luma of 2.0000000000000004). */
#define FEATURES_CLIP_DARK   2
#define FEATURES_CLIP_BRIGHT 253

/* Luma is Rec.709 on the gamma-encoded values, Y' = 0.2126 R' + 0.7152 G' +
 * 0.0722 B', on 0..255, evaluated in that order in doubles. "Interior"
 * pixels are those with all 8 neighbours (the 3x3 operators use no padding);
 * an image under 3x3 has none, and the figures that need them are then 0.
 * Means, variances and standard deviations are over all the pixels they
 * name, dividing by their number (population figures, not n - 1).
 *
 * The Sobel gradient of an interior pixel, with u, r, d the rows above, at
 * and below it: gx = (u[x+1] + 2 r[x+1] + d[x+1]) - (u[x-1] + 2 r[x-1] +
 * d[x-1]), gy = (d[x-1] + 2 d[x] + d[x+1]) - (u[x-1] + 2 u[x] + u[x+1]), and
 * its magnitude sqrt(gx^2 + gy^2) / (4 * 255), in luma 0..1. */
typedef struct {
	/* Mean luma / 255, 0 (black) .. 1 (white). */
	double exposure;
	/* RMS contrast: the standard deviation of luma / 255, 0 .. 0.5. */
	double contrast;
	/* Mean HSV saturation (max - min) / max, 0 for black; 0 .. 1. */
	double saturation;
	/* Hasler and Suesstrunk's colourfulness M (2003) on 0..255 RGB:
	 * sqrt(sd_rg^2 + sd_yb^2) + 0.3 sqrt(mean_rg^2 + mean_yb^2), with
	 * rg = R - G, yb = (R + G) / 2 - B over every pixel (population
	 * standard deviations). 0 for grey; their scale reads
	 * 15 slightly, 33 moderately, 45 averagely, 59 quite, 82 highly
	 * colourful. */
	double colourfulness;
	/* Variance of the 4-neighbour Laplacian (up + down + left + right -
	 * 4 centre) of luma on 0..255, over interior pixels. 0 for a flat
	 * image; at 512 px sharp photos give hundreds to thousands, soft ones
	 * 10 .. 40, blurred ones under 10. */
	double sharpness;
	/* Share of interior pixels that are edges: Sobel magnitude above
	 * FEATURES_EDGE_THRESHOLD, 0 .. 1. */
	double edge_density;
	/* How plain the background is at the border: the share of the band
	 * (FEATURES_BORDER_SHARE of each side) within
	 * FEATURES_PLAIN_TOLERANCE, on every channel, of the band's main
	 * colour, 0 .. 1. The band is every pixel less than the band width
	 * from a side (FEATURES_BORDER_SHARE of the width for the left and
	 * right sides, of the height for the top and bottom). Its main
	 * colour is the mean of the pixels in its most common 16x16x16 RGB
	 * cell (cell R/16, G/16, B/16; on a tie the cell with the lowest
	 * R, then G, then B).
	 * A backdrop, even a tightly cropped one, gives 0.5 .. 1; a room,
	 * foliage or a crowd of objects under 0.3. */
	double border_plainness;
	/* Share of pixels with luma <= FEATURES_CLIP_DARK/255, and
	 * >= FEATURES_CLIP_BRIGHT/255. */
	double clip_dark;
	double clip_bright;
	/* Noise: Immerkaer's (1996) estimate of the standard deviation of
	 * luma on 0..255, sqrt(pi/2) / 6 times the mean of |[1 -2 1; -2 4 -2;
	 * 1 -2 1] * luma|, taken over the FEATURES_NOISE_SHARE of interior
	 * pixels with the smallest Sobel gradient (so edges and most texture
	 * do not count): those whose magnitude is at most the one at index
	 * floor(FEATURES_NOISE_SHARE (n - 1)) of the n interior magnitudes
	 * sorted, so ties can take a little more than the share. 0 without
	 * interior pixels. Clean photos give under 1.5, grain or heavy JPEG
	 * artefacts 2 and more; so does a frame full of fine texture. */
	double noise;
	/* Where the detail is: the distance from the frame's centre of the
	 * centroid of the edge pixels weighted by their Sobel magnitude, in
	 * units of the half diagonal, 0 (centred) .. 1 (a corner). The frame
	 * is taken as a unit square: pixel (x, y) sits at ((x + 0.5) / width
	 * - 0.5, (y + 0.5) / height - 0.5), so the distance is
	 * hypot(cx, cy) / sqrt(0.5). 0 when there is no edge at all. */
	double off_centre;
	/* log10 of the original size in megapixels: 0 for 1 MP, -1 for
	 * 0.1 MP (e.g. 316x316), 1 for 10 MP. */
	double resolution;
	/* Long side / short side of the original, >= 1. */
	double aspect;
	/* The original size, and the size the pixels were measured at. */
	int width, height;
	int measured_width, measured_height;
} Features;

/* Number of elements features_to_vector() writes. */
#define FEATURES_COUNT 13

/* The names of the vector's elements, in order (FEATURES_COUNT of them,
 * "exposure" .. "aspect_log2"); static, never NULL. */
const char *const *features_names(void);

/* Writes the FEATURES_COUNT figures into vec in features_names() order, as
 * the struct holds them except sharpness, which becomes log10(1 +
 * sharpness) (its raw value spans five decades) and aspect, which becomes
 * log2(aspect) (square 0, 2:1 one, 4:1 two). */
void features_to_vector(const Features *features, float *vec);

/* Measures image, which the caller has decoded to fit about
 * FEATURES_DECODE_SIDE on its long side (see the top of this file);
 * orig_width x orig_height is the size of the original file (<= 0: take the
 * image's own). Fills *out. STATUS_ERR_INPUT with a detail when the image
 * is empty. */
Status features_measure(const ImgRGB *image, int orig_width, int orig_height, Features *out);

/* Probes the file at path for its original size, decodes it to fit
 * FEATURES_DECODE_SIDE x FEATURES_DECODE_SIDE over FEATURES_BACKGROUND and
 * measures it. On failure *out is zeroed and the status and detail are
 * img_probe_file()'s or img_decode_file()'s (the detail starts with
 * "PATH: "). */
Status features_measure_file(const char *path, Features *out);

#endif
