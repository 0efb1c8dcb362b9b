/* labelitem.c - one item's request: text, image identity, cache key. */
#include "src/llm/labelitem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db/cache.h"
#include "src/base/base64.h"
#include "src/base/xalloc.h"
#include "src/img/img.h"
#include "src/img/imgenc.h"

/* The image as base64 JPEG, downscaled to max_px on its long side. */
static Status encode_image(const char *path, int max_px, char **base64)
{
	ImgRGB rgb;
	unsigned char *jpeg;
	size_t len;
	Status st = img_decode_file(path, max_px, max_px, 0xFFFFFF, &rgb);
	if (st != STATUS_OK)
		return st;
	st = imgenc_jpeg(&rgb, LABELITEM_JPEG_QUALITY, &jpeg, &len);
	img_rgb_free(&rgb);
	if (st != STATUS_OK)
		return st;
	*base64 = base64_encode(jpeg, len, NULL);
	free(jpeg);
	return STATUS_OK;
}

Status labelitem_image(LabelItem *li)
{
	Status st;
	if (!li->item->path || li->image64)
		return STATUS_OK;
	if (li->image_failed)
		return STATUS_ERR_IO;
	st = encode_image(li->item->path, li->max_px, &li->image64);
	li->image_failed = st != STATUS_OK;
	return st;
}

/* The image as it will be sent, known without decoding it when gavel holds
 * the imported file's hash and size and the file is still that size. */
static void identify(LabelItem *li)
{
	const DbItem *item = li->item;
	struct stat sb;
	if (!item->path) {
		snprintf(li->image_id, sizeof li->image_id, "url:%s", item->url ? item->url : "");
		return;
	}
	if (item->sha256 && item->width > 0 && item->height > 0 && stat(item->path, &sb) == 0 &&
	    sb.st_size == item->bytes) {
		callcache_image_id(item->sha256, item->width, item->height, li->max_px,
				   LABELITEM_JPEG_QUALITY, li->image_id);
		return;
	}
	if (labelitem_image(li) == STATUS_OK)
		callcache_image_bytes_id(li->image64, li->image_id);
}

Status labelitem_open(LabelItem *li, const DbItem *item, const Prompt *prompt, const DbScale *scale,
		      int max_px)
{
	PromptItem fields = {
		.id = item->external_id,
		.title = item->title,
		.category = item->category,
		.path = item->path,
		.metadata_json = item->metadata_json,
		.scale_names = (const char *const *)scale->names,
		.scale_count = scale->count,
	};
	Status st;
	memset(li, 0, sizeof *li);
	li->item = item;
	li->max_px = max_px;
	st = prompt_render(prompt, prompt_item_lookup, &fields, item->external_id, &li->text);
	prompt_item_clear(&fields);
	if (st == STATUS_OK)
		identify(li);
	return st;
}

ProviderPrompt labelitem_prompt(const LabelItem *li)
{
	return (ProviderPrompt){
		.system = li->text.system,
		.user_before_image = li->text.user_before_image,
		.user_after_image = li->text.user_after_image,
		.image_base64 = li->image64,
		.image_url = li->item->path ? NULL : li->item->url,
	};
}

void labelitem_key(const LabelItem *li, const ProviderOps *ops, const ProviderConfig *config,
		   int sample, char key[CALLCACHE_KEY])
{
	ProviderPrompt prompt = labelitem_prompt(li);
	CallKey k = { .ops = ops,
		      .config = config,
		      .prompt = &prompt,
		      .image_id = li->image_id,
		      .sample = sample };
	callcache_key(&k, key);
}

void labelitem_close(LabelItem *li)
{
	free(li->image64);
	prompt_rendered_free(&li->text);
	memset(li, 0, sizeof *li);
}

Status labelitem_count_cached(Db *db, const long long *ids, size_t n, int repeats,
			      const Prompt *prompt, const DbScale *scale, const ProviderOps *ops,
			      const ProviderConfig *config, int max_px, long long *hits)
{
	Status st = STATUS_OK;
	*hits = 0;
	for (size_t i = 0; i < n && st == STATUS_OK; i++) {
		DbItem item;
		LabelItem li;
		st = db_item_get(db, ids[i], &item);
		if (st == STATUS_OK &&
		    (st = labelitem_open(&li, &item, prompt, scale, max_px)) == STATUS_OK) {
			for (int k = 0; k < repeats && st == STATUS_OK && !li.image_failed; k++) {
				char key[CALLCACHE_KEY];
				DbCacheEntry entry;
				int found;
				labelitem_key(&li, ops, config, k, key);
				st = db_cache_get(db, key, &entry, &found);
				*hits += found;
				db_cache_entry_free(&entry);
			}
			labelitem_close(&li);
		}
		db_item_free(&item);
	}
	return st;
}
