/* imgscale.h - area-average (box filter) downscaling of packed RGB images,
 * fed one source row at a time so a huge image never has to be in memory. */
#ifndef GAVEL_IMGSCALE_H
#define GAVEL_IMGSCALE_H

/* A downscale in progress; opaque. */
typedef struct ImgScaler ImgScaler;

/* The size that fits src_w x src_h inside max_w x max_h keeping the aspect
 * ratio, never larger than the source; a limit <= 0 means none on that side.
 * Both results are at least 1. */
void imgscale_fit(int src_w, int src_h, int max_w, int max_h, int *dst_w, int *dst_h);

/* A scaler from src_w x src_h to dst_w x dst_h (1 <= dst <= src on each
 * side) that writes finished rows into dst, which the caller owns and which
 * must hold dst_w * dst_h * 3 bytes; dst is complete once all src_h rows have
 * been pushed. Free with imgscale_free(). */
ImgScaler *imgscale_new(int src_w, int src_h, int dst_w, int dst_h, unsigned char *dst);

/* Feeds the next source row: src_w packed RGB pixels. Rows beyond src_h are
 * ignored. */
void imgscale_push(ImgScaler *scaler, const unsigned char *row);

/* Frees the scaler (NULL-safe); never frees dst. */
void imgscale_free(ImgScaler *scaler);

#endif
