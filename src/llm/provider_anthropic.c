/* provider_anthropic.c - the Anthropic Messages API: x-api-key and
 * anthropic-version headers, the image as a base64 source block. */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/llm/provider.h"
#include "src/base/xalloc.h"

enum { DEFAULT_MAX_TOKENS = 1024 };

static void add_image_block(cJSON *blocks, const ProviderPrompt *prompt)
{
	cJSON *block = cJSON_CreateObject();
	cJSON *source = cJSON_AddObjectToObject(block, "source");
	cJSON_AddStringToObject(block, "type", "image");
	if (prompt->image_url) {
		cJSON_AddStringToObject(source, "type", "url");
		cJSON_AddStringToObject(source, "url", prompt->image_url);
	} else {
		cJSON_AddStringToObject(source, "type", "base64");
		cJSON_AddStringToObject(source, "media_type", "image/jpeg");
		cJSON_AddStringToObject(source, "data", prompt->image_base64);
	}
	cJSON_AddItemToArray(blocks, block);
}

static void build(const ProviderConfig *config, const ProviderPrompt *prompt, ProviderRequest *out)
{
	cJSON *body = cJSON_CreateObject();
	cJSON *message = cJSON_CreateObject();
	cJSON *blocks = cJSON_CreateArray();
	int h = 0;

	cJSON_AddStringToObject(body, "model", config->model);
	cJSON_AddNumberToObject(body, "max_tokens",
				config->max_tokens > 0 ? config->max_tokens : DEFAULT_MAX_TOKENS);
	if (prompt->system && *prompt->system)
		cJSON_AddStringToObject(body, "system", prompt->system);
	if (config->temperature >= 0)
		cJSON_AddNumberToObject(body, "temperature", config->temperature);
	provider_add_text_part(blocks, prompt->user_before_image);
	if (prompt->image_base64 || prompt->image_url)
		add_image_block(blocks, prompt);
	provider_add_text_part(blocks, prompt->user_after_image);
	provider_add_parts(blocks, prompt, add_image_block);
	cJSON_AddStringToObject(message, "role", "user");
	cJSON_AddItemToObject(message, "content", blocks);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(body, "messages"), message);

	out->url = xasprintf("%s/v1/messages", config->base_url);
	out->headers[h++] = provider_header("content-type", "application/json");
	out->headers[h++] = provider_header("anthropic-version", "2023-06-01");
	if (config->api_key && *config->api_key)
		out->headers[h++] = provider_header("x-api-key", config->api_key);
	out->body = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
}

/* Appends s to *text (a growing string). */
static void append(char **text, const char *s)
{
	char *joined = xasprintf("%s%s", *text ? *text : "", s);
	free(*text);
	*text = joined;
}

static Status parse(const char *body, size_t len, ProviderAnswer *out)
{
	cJSON *json;
	const cJSON *content, *block, *usage, *stop;
	Status st = STATUS_OK;

	st = provider_parse_begin(body, len, out, &json);
	if (st != STATUS_OK)
		goto out;
	content = cJSON_GetObjectItemCaseSensitive(json, "content");
	if (!cJSON_IsArray(content)) {
		st = status_fail(STATUS_ERR_INPUT, "the reply has no content array");
		goto out;
	}
	cJSON_ArrayForEach(block, content) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(block, "type");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(block, "text");
		const cJSON *thinking = cJSON_GetObjectItemCaseSensitive(block, "thinking");
		if (!cJSON_IsString(type))
			continue;
		if (!strcmp(type->valuestring, "text") && cJSON_IsString(text))
			append(&out->content, text->valuestring);
		else if (!strcmp(type->valuestring, "thinking") && cJSON_IsString(thinking))
			append(&out->reasoning, thinking->valuestring);
	}
	stop = cJSON_GetObjectItemCaseSensitive(json, "stop_reason");
	out->refused = cJSON_IsString(stop) && !strcmp(stop->valuestring, "refusal");
	usage = cJSON_GetObjectItemCaseSensitive(json, "usage");
	out->prompt_tokens = provider_token_count(usage, "input_tokens");
	out->completion_tokens = provider_token_count(usage, "output_tokens");
out:
	cJSON_Delete(json);
	return st;
}

static int rejects_json_mode(const char *body)
{
	(void)body;
	return 0; /* json_mode is never sent to Anthropic */
}

const ProviderOps provider_anthropic = {
	.name = "anthropic",
	.summary = "the Anthropic Messages API",
	.kind = PROVIDER_HTTP,
	.default_base_url = "https://api.anthropic.com",
	.key_variable = "ANTHROPIC_API_KEY",
	.url_variable = "ANTHROPIC_BASE_URL",
	.build = build,
	.parse = parse,
	.rejects_json_mode = rejects_json_mode,
};
