/* provider.h - the LLM providers as small tables of operations: build the
 * request for one item, read the reply. The labelling run (src/labelrun.c)
 * does the rest the same way for all of them. */
#ifndef GAVEL_PROVIDER_H
#define GAVEL_PROVIDER_H

#include <stddef.h>

#include "src/base/status.h"

/* Settings for one run; api_key is never stored or printed. */
typedef struct {
	const char *base_url;
	const char *model;
	const char *api_key;
	double temperature;  /* < 0: leave it to the provider */
	int max_tokens;      /* <= 0: the provider's default */
	int json_mode;       /* ask for a JSON object where the API can */
} ProviderConfig;

/* What to send for one item. The image is either JPEG bytes (base64-encoded
 * here) or a URL the provider fetches itself. */
typedef struct {
	const char *system;
	const char *user_before_image;
	const char *user_after_image;
	const char *image_base64; /* JPEG, base64; NULL when image_url is used */
	const char *image_url;
} ProviderPrompt;

/* An HTTP request a provider builds; owned strings, freed by provider_request_free. */
typedef struct {
	char *url;
	char *headers[6]; /* NULL-terminated "Name: value" lines */
	char *body;
} ProviderRequest;

/* What a provider read from a 2xx reply. */
typedef struct {
	char *content;   /* the answer's text, owned; NULL when there was none */
	char *reasoning; /* a separate reasoning channel, owned, or NULL */
	int refused;     /* the API said the model refused */
	long prompt_tokens, completion_tokens; /* -1 when not reported */
} ProviderAnswer;

typedef struct {
	const char *name;
	const char *default_base_url;
	const char *key_variable; /* the environment variable with the API key */
	/* Builds the request. STATUS_OK always for valid input. */
	void (*build)(const ProviderConfig *config, const ProviderPrompt *prompt, ProviderRequest *out);
	/* Reads a 2xx body. STATUS_ERR_INPUT with a detail when the body is not
	 * the protocol's JSON or lacks its fields. */
	Status (*parse)(const char *body, size_t len, ProviderAnswer *out);
	/* Whether a 400 reply means the endpoint does not take json_mode. */
	int (*rejects_json_mode)(const char *body);
} ProviderOps;

/* The provider called name ("openai", "anthropic"), or NULL. */
const ProviderOps *provider_find(const char *name);

/* The message of an API error body ({"error": {"message": ...}} in either
 * protocol), newly allocated, or NULL when the body has none. */
char *provider_error_message(const char *body, size_t len);

void provider_request_free(ProviderRequest *request);
void provider_answer_free(ProviderAnswer *answer);

/* Shared by the providers: appends {"type": "text", "text": text} to parts
 * (a cJSON array) unless text is empty; both protocols spell it so. */
struct cJSON;
void provider_add_text_part(struct cJSON *parts, const char *text);

/* Shared by the providers: the number field name of usage (a cJSON
 * object), or -1 when there is none. */
long provider_token_count(const struct cJSON *usage, const char *name);

/* Shared by the providers: "Name: value" as a new string. */
char *provider_header(const char *name, const char *value);

#endif
