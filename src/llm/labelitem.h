/* labelitem.h - what the request for one item is made of: the template
 * rendered for it, the image as it will be sent (decoded and encoded only
 * when the request is really built), and the call's cache key. The
 * labelling run builds its requests here, and the lab counts beforehand how
 * many calls of a plan the cache already answers. */
#ifndef GAVEL_LABELITEM_H
#define GAVEL_LABELITEM_H

#include <stddef.h>

#include "db/database.h"
#include "db/items.h"
#include "src/llm/callcache.h"
#include "src/llm/prompt.h"
#include "src/llm/provider.h"

/* JPEG quality of the images sent. */
enum { LABELITEM_JPEG_QUALITY = 85 };

/* One item's request parts; owned (labelitem_close). */
typedef struct {
	const DbItem *item; /* borrowed */
	int max_px;
	PromptRendered text;
	char *image64;                     /* the image as sent (base64 JPEG), once encoded */
	char image_id[CALLCACHE_IMAGE_ID]; /* its identity in cache keys */
	int image_failed;                  /* it could not be read: status_detail() says why */
} LabelItem;

/* Renders prompt for item (scale names fill {{scale}}) and finds the
 * image's identity, decoding it only when gavel holds no hash and size it
 * can trust (the file is no longer the size imported). A template that
 * does not render is the returned status; an unreadable image is not an
 * error here (image_failed). */
Status labelitem_open(LabelItem *li, const DbItem *item, const Prompt *prompt, const DbScale *scale,
		      int max_px);

/* Encodes the image when it is not yet (a no-op for URL items); sets
 * image_failed and returns the status when it cannot be read. */
Status labelitem_image(LabelItem *li);

/* The provider's view of the request (image_base64 NULL until encoded). */
ProviderPrompt labelitem_prompt(const LabelItem *li);

/* The cache key of sample `sample` of this request. */
void labelitem_key(const LabelItem *li, const ProviderOps *ops, const ProviderConfig *config,
		   int sample, char key[CALLCACHE_KEY]);

void labelitem_close(LabelItem *li);

/* How many of the calls for items ids[0..n-1], samples 0..repeats-1 each,
 * the cache holds an answer to, into *hits. */
Status labelitem_count_cached(Db *db, const long long *ids, size_t n, int repeats,
			      const Prompt *prompt, const DbScale *scale, const ProviderOps *ops,
			      const ProviderConfig *config, int max_px, long long *hits);

#endif
