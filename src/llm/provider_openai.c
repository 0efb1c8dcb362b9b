/* provider_openai.c - OpenAI-compatible Chat Completions: OpenAI, vLLM,
 * llama.cpp server, Ollama, LM Studio, OpenRouter. The image goes as a
 * base64 data: URL content part. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "src/llm/provider.h"
#include "src/base/xalloc.h"

static void add_image_part(cJSON *parts, const ProviderPrompt *prompt)
{
	cJSON *part = cJSON_CreateObject();
	cJSON *image = cJSON_AddObjectToObject(part, "image_url");
	char *url = prompt->image_url ? xstrdup(prompt->image_url)
				      : xasprintf("data:image/jpeg;base64,%s", prompt->image_base64);
	cJSON_AddStringToObject(part, "type", "image_url");
	cJSON_AddStringToObject(image, "url", url);
	cJSON_AddItemToArray(parts, part);
	free(url);
}

static void add_message(cJSON *messages, const char *role, cJSON *content)
{
	cJSON *message = cJSON_CreateObject();
	cJSON_AddStringToObject(message, "role", role);
	cJSON_AddItemToObject(message, "content", content);
	cJSON_AddItemToArray(messages, message);
}

static void build(const ProviderConfig *config, const ProviderPrompt *prompt, ProviderRequest *out)
{
	cJSON *body = cJSON_CreateObject();
	cJSON *messages = cJSON_AddArrayToObject(body, "messages");
	cJSON *parts = cJSON_CreateArray();
	int h = 0;

	cJSON_AddStringToObject(body, "model", config->model);
	if (prompt->system && *prompt->system)
		add_message(messages, "system", cJSON_CreateString(prompt->system));
	provider_add_text_part(parts, prompt->user_before_image);
	if (prompt->image_base64 || prompt->image_url)
		add_image_part(parts, prompt);
	provider_add_text_part(parts, prompt->user_after_image);
	provider_add_parts(parts, prompt, add_image_part);
	add_message(messages, "user", parts);
	if (config->temperature >= 0)
		cJSON_AddNumberToObject(body, "temperature", config->temperature);
	if (config->max_tokens > 0)
		cJSON_AddNumberToObject(body, "max_tokens", config->max_tokens);
	if (config->json_mode)
		cJSON_AddStringToObject(cJSON_AddObjectToObject(body, "response_format"), "type",
					"json_object");

	out->url = xasprintf("%s/chat/completions", config->base_url);
	out->headers[h++] = provider_header("Content-Type", "application/json");
	if (config->api_key && *config->api_key) {
		char *bearer = xasprintf("Bearer %s", config->api_key);
		out->headers[h++] = provider_header("Authorization", bearer);
		free(bearer);
	}
	out->body = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
}

/* content is a string, or (some servers) an array of text parts. */
static char *content_text(const cJSON *content)
{
	size_t len = 0, cap = 0;
	char *text = NULL;
	const cJSON *part;
	if (cJSON_IsString(content))
		return xstrdup(content->valuestring);
	if (!cJSON_IsArray(content))
		return NULL;
	cJSON_ArrayForEach(part, content) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(part, "text");
		size_t n;
		if (!cJSON_IsString(t))
			continue;
		n = strlen(t->valuestring);
		text = xgrow(text, &cap, len + n + 1, 1);
		memcpy(text + len, t->valuestring, n + 1);
		len += n;
	}
	return text;
}

static Status parse(const char *body, size_t len, ProviderAnswer *out)
{
	cJSON *json;
	const cJSON *message, *reasoning, *refusal, *usage;
	Status st = STATUS_OK;

	st = provider_parse_begin(body, len, out, &json);
	if (st != STATUS_OK)
		goto out;
	message = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(json, "choices"), 0), "message");
	if (!cJSON_IsObject(message)) {
		st = status_fail(STATUS_ERR_INPUT, "the reply has no choices[0].message");
		goto out;
	}
	out->content = content_text(cJSON_GetObjectItemCaseSensitive(message, "content"));
	/* vLLM and DeepSeek say reasoning_content; OpenRouter and Ollama say reasoning */
	reasoning = cJSON_GetObjectItemCaseSensitive(message, "reasoning_content");
	if (!cJSON_IsString(reasoning))
		reasoning = cJSON_GetObjectItemCaseSensitive(message, "reasoning");
	if (cJSON_IsString(reasoning) && *reasoning->valuestring)
		out->reasoning = xstrdup(reasoning->valuestring);
	refusal = cJSON_GetObjectItemCaseSensitive(message, "refusal");
	if (cJSON_IsString(refusal) && *refusal->valuestring) {
		out->refused = 1;
		if (!out->content)
			out->content = xstrdup(refusal->valuestring);
	}
	usage = cJSON_GetObjectItemCaseSensitive(json, "usage");
	out->prompt_tokens = provider_token_count(usage, "prompt_tokens");
	out->completion_tokens = provider_token_count(usage, "completion_tokens");
out:
	cJSON_Delete(json);
	return st;
}

static int rejects_json_mode(const char *body)
{
	return body && strcasestr(body, "response_format") != NULL;
}

const ProviderOps provider_openai = {
	.name = "openai",
	.summary = "Chat Completions: OpenAI, vLLM, llama.cpp, Ollama, LM Studio...",
	.kind = PROVIDER_HTTP,
	.default_base_url = "https://api.openai.com/v1",
	.key_variable = "OPENAI_API_KEY",
	.url_variable = "OPENAI_BASE_URL",
	.build = build,
	.parse = parse,
	.rejects_json_mode = rejects_json_mode,
};
