/* provider.c - the provider registry and what the providers share. */
#include "src/llm/provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/base/xalloc.h"

extern const ProviderOps provider_openai;
extern const ProviderOps provider_anthropic;
extern const ProviderOps provider_heuristic;
extern const ProviderOps provider_scorer;

/* The registry: adding a labeller is a file with its ops and a row here. */
static const ProviderOps *const providers[] = {&provider_openai, &provider_anthropic,
					       &provider_heuristic, &provider_scorer};

enum { PROVIDER_COUNT = sizeof providers / sizeof providers[0] };

const ProviderOps *provider_find(const char *name)
{
	for (int i = 0; name && i < PROVIDER_COUNT; i++)
		if (!strcmp(providers[i]->name, name))
			return providers[i];
	return NULL;
}

const ProviderOps *provider_at(int i)
{
	return i >= 0 && i < PROVIDER_COUNT ? providers[i] : NULL;
}

const char *const *provider_words(void)
{
	static const char *words[PROVIDER_COUNT + 1];
	for (int i = 0; i < PROVIDER_COUNT; i++)
		words[i] = providers[i]->name;
	return words;
}

const char *provider_names(void)
{
	static char names[256];
	if (!names[0])
		for (int i = 0; i < PROVIDER_COUNT; i++)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 i == 0 ? "" : i + 1 < PROVIDER_COUNT ? ", " : " or ",
				 providers[i]->name);
	return names;
}

char *provider_error_message(const char *body, size_t len)
{
	cJSON *json = cJSON_ParseWithLength(body, len);
	cJSON *error = cJSON_GetObjectItemCaseSensitive(json, "error");
	cJSON *message = cJSON_GetObjectItemCaseSensitive(error, "message");
	char *text = NULL;
	if (cJSON_IsString(message))
		text = xstrdup(message->valuestring);
	else if (cJSON_IsString(error))
		text = xstrdup(error->valuestring);
	cJSON_Delete(json);
	return text;
}

void provider_request_free(ProviderRequest *request)
{
	free(request->url);
	for (size_t i = 0; i < sizeof request->headers / sizeof request->headers[0]; i++)
		free(request->headers[i]);
	free(request->body);
	memset(request, 0, sizeof *request);
}

void provider_answer_free(ProviderAnswer *answer)
{
	free(answer->content);
	free(answer->reasoning);
	memset(answer, 0, sizeof *answer);
}

Status provider_parse_begin(const char *body, size_t len, ProviderAnswer *out, cJSON **json)
{
	memset(out, 0, sizeof *out);
	out->prompt_tokens = out->completion_tokens = -1;
	*json = cJSON_ParseWithLength(body, len);
	return *json ? STATUS_OK : status_fail(STATUS_ERR_INPUT, "the reply is not JSON");
}

char *provider_header(const char *name, const char *value)
{
	return xasprintf("%s: %s", name, value);
}

void provider_add_text_part(cJSON *parts, const char *text)
{
	cJSON *part;
	if (!text || !*text)
		return;
	part = cJSON_CreateObject();
	cJSON_AddStringToObject(part, "type", "text");
	cJSON_AddStringToObject(part, "text", text);
	cJSON_AddItemToArray(parts, part);
}

long provider_token_count(const cJSON *usage, const char *name)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(usage, name);
	return cJSON_IsNumber(n) ? (long)n->valuedouble : -1;
}
