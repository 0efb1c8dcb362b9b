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

/* How a labeller answers: over HTTP (build a request, read the reply) or
 * here, at once, without a network (the heuristic; later the scorer). */
typedef enum { PROVIDER_HTTP, PROVIDER_LOCAL } ProviderKind;

/* An item as a local labeller sees it; borrowed strings. */
typedef struct {
	const char *path; /* the image file, or NULL when the item has only a URL */
	const char *url;
	const char *const *scale_names; /* scale_names[0] names label 1 */
	int scale_count;
} ProviderItem;

/* One labeller: a row of the registry in provider.c. The labelling run
 * (src/llm/labelrun.c) treats them all alike but for kind. */
typedef struct {
	const char *name;    /* --provider NAME, and runs.provider */
	const char *summary; /* one line for --help */
	ProviderKind kind;
	const char *model;   /* a local labeller's own model name; NULL: the user names one */

	/* PROVIDER_HTTP */
	const char *default_base_url;
	const char *key_variable; /* the environment variable with the API key */
	const char *url_variable; /* the environment variable with the base URL */
	/* Builds the request; never fails for valid input. */
	void (*build)(const ProviderConfig *config, const ProviderPrompt *prompt, ProviderRequest *out);
	/* Reads a 2xx body. STATUS_ERR_INPUT with a detail when the body is not
	 * the protocol's JSON or lacks its fields. */
	Status (*parse)(const char *body, size_t len, ProviderAnswer *out);
	/* Whether a 400 reply means the endpoint does not take json_mode. */
	int (*rejects_json_mode)(const char *body);

	/* PROVIDER_LOCAL: the answer, as the JSON a model is asked for, in a new
	 * *reply_json the caller frees. On failure a status with a detail, and
	 * *reason, a short static phrase that sums failures up in the run's
	 * summary ("image unreadable"). NULL for a labeller whose runs another
	 * command makes (the scorer: `gavel score`); `gavel label` refuses it. */
	Status (*answer)(const ProviderItem *item, char **reply_json, const char **reason);
} ProviderOps;

/* The labeller called name ("openai", "anthropic", "heuristic"), or NULL. */
const ProviderOps *provider_find(const char *name);

/* The registered labellers in order, for help texts and messages: the i-th,
 * or NULL past the last. */
const ProviderOps *provider_at(int i);

/* Their names as "a, b or c", for messages. Static storage. */
const char *provider_names(void);

/* Their names, NULL-terminated (for option parsing and completion). Static. */
const char *const *provider_words(void);

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

/* Shared by the providers: how every parse() starts. Clears *out (tokens
 * unknown) and parses body into *json (the caller's to cJSON_Delete);
 * STATUS_ERR_INPUT "the reply is not JSON" when it is not. */
Status provider_parse_begin(const char *body, size_t len, ProviderAnswer *out,
			    struct cJSON **json);

/* Shared by the providers: "Name: value" as a new string. */
char *provider_header(const char *name, const char *value);

#endif
