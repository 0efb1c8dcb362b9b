/* test_config.c - the settings file: values found, and every malformed line,
 * unknown section or key reported as PATH:LINE. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/cmd/config.h"
#include "tests/unit/test.h"

static char dir[] = "/tmp/gavel-test-config.XXXXXX";

/* Writes the settings file with text. */
static void settings(const char *text, size_t len)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof path, "%s/gavel/config", dir);
	f = fopen(path, "wb");
	fwrite(text, 1, len ? len : strlen(text), f);
	fclose(f);
}

static void values_found(void)
{
	char *v;
	settings("\xEF\xBB\xBF# a comment\r\n; another\r\n[openai]\r\n  model =  gpt-x \r\n"
		 "base_url=http://127.0.0.1:8000/v1   # a local vLLM\r\nprice_in = 0.15 ; USD\r\n"
		 "[ anthropic ]\r\nmodel = \"claude #1\"\r\napi_key = sk-ant-a#b\r\n[heuristic]\r\n"
		 "[openai]\r\nprice_out = 0\r\n",
		 0);
	CHECK_INT(config_check(), STATUS_OK);
	v = config_get("openai", "model");
	CHECK_STR(v, "gpt-x");
	free(v);
	v = config_get("openai", "base_url");
	CHECK_STR(v, "http://127.0.0.1:8000/v1");
	free(v);
	v = config_get("openai", "price_in");
	CHECK_STR(v, "0.15");
	free(v);
	v = config_get("openai", "price_out");
	CHECK_STR(v, "0"); /* a section may be opened twice */
	free(v);
	v = config_get("anthropic", "model");
	CHECK_STR(v, "claude #1"); /* quoted: a # inside stays */
	free(v);
	v = config_get("anthropic", "api_key");
	CHECK_STR(v, "sk-ant-a#b"); /* a # not after white space stays */
	free(v);
	CHECK(config_get("anthropic", "base_url") == NULL);
	CHECK(config_get("nothere", "model") == NULL);
}

static void missing_file_is_fine(void)
{
	char path[256];
	snprintf(path, sizeof path, "%s/gavel/config", dir);
	remove(path);
	CHECK_INT(config_check(), STATUS_OK);
	CHECK(config_get("openai", "model") == NULL);
}

/* Each case: the file, then what the detail must hold. config_get refuses
 * a file config_check refuses. */
static void problems_have_their_line(void)
{
	static const struct {
		const char *text;
		size_t len;
		const char *detail;
	} cases[] = {
	    {"[openai]\nmodel gpt-4o\n", 0,
	     "config:2: expected \"key = value\" or \"[section]\", not \"model gpt-4o\""},
	    {"[openai\nmodel = x\n", 0, "config:1: a section heading needs its ']'"},
	    {"[openai] model = x\n", 0, "config:1: text after the section heading: \"model = x\""},
	    {"# top\n\nmodel = x\n[openai]\n", 0,
	     "config:3: \"model\" is outside a section: put it under a labeller's heading, openai, "
	     "anthropic, heuristic or scorer"},
	    {"[openai]\nmodel = a\n[OpenAI]\n", 0,
	     "config:3: unknown section [OpenAI]: a section is a labeller, openai, anthropic, "
	     "heuristic or scorer"},
	    {"[ollama]\n", 0, "config:1: unknown section [ollama]"},
	    {"[]\n", 0, "config:1: unknown section []"},
	    {"[openai]\nbase_ulr = http://localhost:8000/v1\n", 0,
	     "config:2: unknown key \"base_ulr\" in [openai], which takes base_url, model, "
	     "api_key, price_in, price_out"},
	    {"[anthropic]\nModel = x\n", 0, "config:2: unknown key \"Model\" in [anthropic]"},
	    {"[heuristic]\nmodel = x\n", 0,
	     "config:2: unknown key \"model\": [heuristic] takes no settings"},
	    {"[openai]\n= x\n", 0, "config:2: a setting without a key"},
	    {"[openai]\nmodel = \"a\n", 0, "config:2: a quoted value needs its closing '\"'"},
	    {"[openai]\nmodel = \"a\" b\n", 0, "config:2: a quoted value needs its closing"},
	    {"[openai]\nmodel = a\n\n[anthropic]\nmodel = b\n[openai]\nmodel = c\n", 0,
	     "config:7: model is set twice in [openai] (also on line 2)"},
	    {"[openai]\nprice_in = cheap\n", 0,
	     "config:2: price_in is a price in USD per million tokens, not \"cheap\""},
	    {"[openai]\nprice_out = -1\n", 0, "config:2: price_out is a price"},
	    {"[openai]\nprice_out = 1e999\n", 0, "config:2: price_out is a price"},
	    {"[openai]\nmodel = caf\xe9\n", 0, "config:2: not UTF-8 (at byte 12)"},
	    {"[openai]\nmodel = a\x1b[31m\n", 0,
	     "config:2: a control character (U+001B) at byte 10"},
	    {"[openai]\nmodel = a\0b\n", 20, "config:2: a control character (U+0000) at byte 10"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *v;
		settings(cases[i].text, cases[i].len);
		CHECK_INT(config_check(), STATUS_ERR_INPUT);
		CHECK(strstr(status_detail(), cases[i].detail) != NULL);
		if (!strstr(status_detail(), cases[i].detail))
			fprintf(stderr, "  case %zu: %s\n", i, status_detail());
		v = config_get("openai", "model");
		CHECK(v == NULL);
		free(v);
	}
}

static void a_folder_is_an_error(void)
{
	char path[256];
	snprintf(path, sizeof path, "%s/gavel/config", dir);
	remove(path);
	mkdir(path, 0700);
	CHECK_INT(config_check(), STATUS_ERR_IO);
	rmdir(path);
}

int main(void)
{
	char path[256], cmd[300];
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/gavel", dir);
	mkdir(path, 0700);
	setenv("XDG_CONFIG_HOME", dir, 1);
	RUN(values_found);
	RUN(missing_file_is_fine);
	RUN(problems_have_their_line);
	RUN(a_folder_is_an_error);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return test_summary();
}
