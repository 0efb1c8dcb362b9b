/* prefetch.h - images decoded, scaled and encoded ahead of time by a worker
 * thread that never touches curses, kept in a small cache, so a keypress
 * never waits on image work. */
#ifndef GAVEL_PREFETCH_H
#define GAVEL_PREFETCH_H

#include <stdint.h>

#include "ui/gfx.h"

typedef struct Prefetch Prefetch;

/* Up to capacity images are kept. background_rgb pads and composites. */
Prefetch *prefetch_new(int capacity, uint32_t background_rgb);

/* Stops the worker and frees every image; NULL is fine. */
void prefetch_free(Prefetch *prefetch);

/* Sets the pane and terminal the images are for; images made for another
 * size are dropped. */
void prefetch_set_pane(Prefetch *prefetch, int cols, int rows, const TtyCaps *caps);

/* Replaces the wish list: paths, most urgent first (copied). */
void prefetch_want(Prefetch *prefetch, const char *const *paths, int count);

/* The image for path when it is ready (borrowed: valid until the next call
 * of prefetch_get or prefetch_set_pane), else NULL. When it could not be
 * made, NULL and *error gets why (error may be NULL). */
const GfxImage *prefetch_get(Prefetch *prefetch, const char *path, char *error, size_t size);

/* Readable when the worker finished an image; prefetch_drain empties it. */
int prefetch_fd(const Prefetch *prefetch);
void prefetch_drain(Prefetch *prefetch);

/* Waits at most ms for path to be ready or failed; 1 when it is. */
int prefetch_wait(Prefetch *prefetch, const char *path, int ms);

#endif
