/* test_provider.c - request bodies and reply parsing of both protocols on
 * canned JSON, base64, and the settings file. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "src/base/base64.h"
#include "src/cmd/config.h"
#include "src/llm/provider.h"
#include "tests/unit/test.h"

static void base64_vectors(void)
{
	/* RFC 4648 section 10 */
	const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	const char *want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	for (int i = 0; i < 7; i++) {
		char *got = base64_encode((const unsigned char *)in[i], strlen(in[i]), NULL);
		CHECK_STR(got, want[i]);
		free(got);
	}
}

static const char *string_at(cJSON *json, const char *path)
{
	/* a tiny dotted path: "messages.1.content.1.image_url.url" */
	char copy[128], *save, *part;
	cJSON *at = json;
	snprintf(copy, sizeof copy, "%s", path);
	for (part = strtok_r(copy, ".", &save); part && at; part = strtok_r(NULL, ".", &save))
		at = cJSON_IsArray(at) ? cJSON_GetArrayItem(at, atoi(part))
				       : cJSON_GetObjectItemCaseSensitive(at, part);
	return cJSON_IsString(at) ? at->valuestring : NULL;
}

static const ProviderPrompt prompt = {.system = "be strict", .user_before_image = "before",
				      .user_after_image = "after", .image_base64 = "QUJD"};

static void openai_request(void)
{
	ProviderConfig config = {.base_url = "http://h/v1", .model = "m1", .api_key = "k-1",
				 .temperature = 0, .max_tokens = 50, .json_mode = 1};
	ProviderRequest req = {0};
	cJSON *body;
	provider_find("openai")->build(&config, &prompt, &req);
	CHECK_STR(req.url, "http://h/v1/chat/completions");
	CHECK_STR(req.headers[1], "Authorization: Bearer k-1");
	body = cJSON_Parse(req.body);
	CHECK_STR(string_at(body, "model"), "m1");
	CHECK_STR(string_at(body, "messages.0.role"), "system");
	CHECK_STR(string_at(body, "messages.0.content"), "be strict");
	CHECK_STR(string_at(body, "messages.1.content.0.text"), "before");
	CHECK_STR(string_at(body, "messages.1.content.1.type"), "image_url");
	CHECK_STR(string_at(body, "messages.1.content.1.image_url.url"), "data:image/jpeg;base64,QUJD");
	CHECK_STR(string_at(body, "messages.1.content.2.text"), "after");
	CHECK_STR(string_at(body, "response_format.type"), "json_object");
	CHECK_INT(cJSON_GetObjectItem(body, "max_tokens")->valueint, 50);
	cJSON_Delete(body);
	provider_request_free(&req);
}

static void anthropic_request(void)
{
	ProviderConfig config = {.base_url = "http://h", .model = "c1", .api_key = "k-2",
				 .temperature = -1, .json_mode = 1};
	ProviderRequest req = {0};
	cJSON *body;
	provider_find("anthropic")->build(&config, &prompt, &req);
	CHECK_STR(req.url, "http://h/v1/messages");
	CHECK_STR(req.headers[1], "anthropic-version: 2023-06-01");
	CHECK_STR(req.headers[2], "x-api-key: k-2");
	body = cJSON_Parse(req.body);
	CHECK_STR(string_at(body, "system"), "be strict");
	CHECK_INT(cJSON_GetObjectItem(body, "max_tokens")->valueint, 1024);
	CHECK(cJSON_GetObjectItem(body, "temperature") == NULL);
	CHECK(cJSON_GetObjectItem(body, "response_format") == NULL);
	CHECK_STR(string_at(body, "messages.0.content.1.type"), "image");
	CHECK_STR(string_at(body, "messages.0.content.1.source.type"), "base64");
	CHECK_STR(string_at(body, "messages.0.content.1.source.media_type"), "image/jpeg");
	CHECK_STR(string_at(body, "messages.0.content.1.source.data"), "QUJD");
	cJSON_Delete(body);
	provider_request_free(&req);
}

static void openai_replies(void)
{
	const ProviderOps *ops = provider_find("openai");
	ProviderAnswer a;
	const char *good = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"score\\\":4}\","
			   "\"reasoning_content\":\"hmm\"}}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7}}";
	const char *parts = "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
			    "{\"type\":\"text\",\"text\":\"b\"}]}}]}";
	const char *refusal = "{\"choices\":[{\"message\":{\"content\":null,\"refusal\":\"no\"}}]}";
	CHECK_INT(ops->parse(good, strlen(good), &a), STATUS_OK);
	CHECK_STR(a.content, "{\"score\":4}");
	CHECK_STR(a.reasoning, "hmm");
	CHECK_INT(a.prompt_tokens, 11);
	CHECK_INT(a.completion_tokens, 7);
	provider_answer_free(&a);
	CHECK_INT(ops->parse(parts, strlen(parts), &a), STATUS_OK);
	CHECK_STR(a.content, "ab");
	CHECK_INT(a.prompt_tokens, -1);
	provider_answer_free(&a);
	CHECK_INT(ops->parse(refusal, strlen(refusal), &a), STATUS_OK);
	CHECK(a.refused);
	provider_answer_free(&a);
	CHECK_INT(ops->parse("<html>", 6, &a), STATUS_ERR_INPUT);
	CHECK_INT(ops->parse("{\"id\":1}", 8, &a), STATUS_ERR_INPUT);
	CHECK(ops->rejects_json_mode("{\"error\":{\"message\":\"'response_format' is not supported\"}}"));
	CHECK(!ops->rejects_json_mode("{\"error\":{\"message\":\"bad image\"}}"));
}

static void anthropic_replies(void)
{
	const ProviderOps *ops = provider_find("anthropic");
	ProviderAnswer a;
	const char *good = "{\"type\":\"message\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"t\","
			   "\"signature\":\"s\"},{\"type\":\"text\",\"text\":\"x\"},{\"type\":\"text\","
			   "\"text\":\"y\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":5,"
			   "\"output_tokens\":3}}";
	const char *refused = "{\"content\":[],\"stop_reason\":\"refusal\"}";
	CHECK_INT(ops->parse(good, strlen(good), &a), STATUS_OK);
	CHECK_STR(a.content, "xy");
	CHECK_STR(a.reasoning, "t");
	CHECK_INT(a.prompt_tokens, 5);
	CHECK_INT(a.completion_tokens, 3);
	CHECK(!a.refused);
	provider_answer_free(&a);
	CHECK_INT(ops->parse(refused, strlen(refused), &a), STATUS_OK);
	CHECK(a.refused);
	CHECK(a.content == NULL);
	provider_answer_free(&a);
	CHECK_INT(ops->parse("{\"type\":\"message\"}", 18, &a), STATUS_ERR_INPUT);
}

static void error_messages(void)
{
	const char *openai = "{\"error\":{\"message\":\"Rate limit\",\"type\":\"requests\"}}";
	const char *anthropic = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
	char *m = provider_error_message(openai, strlen(openai));
	CHECK_STR(m, "Rate limit");
	free(m);
	m = provider_error_message(anthropic, strlen(anthropic));
	CHECK_STR(m, "Overloaded");
	free(m);
	CHECK(provider_error_message("oops", 4) == NULL);
	CHECK(provider_find("nope") == NULL);
}

static void settings_file(void)
{
	char dir[] = "/tmp/gavel-test-config.XXXXXX", path[256], *v;
	FILE *f;
	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof path, "%s/gavel", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/gavel/config", dir);
	f = fopen(path, "w");
	fputs("# comment\n[openai]\n  model =  gpt-x \nbase_url=http://a/v1\n[anthropic]\nmodel = c\n", f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);
	v = config_get("openai", "model");
	CHECK_STR(v, "gpt-x");
	free(v);
	v = config_get("anthropic", "model");
	CHECK_STR(v, "c");
	free(v);
	CHECK(config_get("openai", "api_key") == NULL);
	CHECK(config_get("nothere", "model") == NULL);
	remove(path);
	snprintf(path, sizeof path, "%s/gavel", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	RUN(base64_vectors);
	RUN(openai_request);
	RUN(anthropic_request);
	RUN(openai_replies);
	RUN(anthropic_replies);
	RUN(error_messages);
	RUN(settings_file);
	return test_summary();
}
