/* test_prompt.c - prompt templates (parsing, rendering, versions), the
 * stored prompt versions in the database, and the line diff that compares
 * them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db/database.h"
#include "db/prompts.h"
#include "src/llm/linediff.h"
#include "src/llm/prompt.h"
#include "tests/unit/test.h"
#include "tests/unit/test_sql.h"

static char dir[] = "/tmp/gavel-test-prompt.XXXXXX";

static const char *const default_scale[] = {"unusable", "poor", "acceptable", "good",
					    "excellent"};

static char *path_in_dir(const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
}

/* Parses text that must be valid; NULL (and a failed check) otherwise. */
static Prompt *parse_ok(const char *text)
{
	Prompt *p = NULL;
	Status st = prompt_parse("t.md", text, &p);
	CHECK_INT(st, STATUS_OK);
	if (st != STATUS_OK)
		fprintf(stderr, "  detail: %s\n", status_detail());
	return p;
}

/* Checks that text is refused with exactly this detail. */
static void parse_fails(const char *text, const char *detail)
{
	Prompt *p = (Prompt *)1;
	CHECK_INT(prompt_parse("t.md", text, &p), STATUS_ERR_INPUT);
	CHECK(p == NULL);
	CHECK_STR(status_detail(), detail);
}

/* Renders with the default scale and the given item; *out zeroed on failure. */
static Status render_item(const Prompt *p, PromptItem *item, PromptRendered *out)
{
	item->scale_names = default_scale;
	item->scale_count = 5;
	return prompt_render(p, prompt_item_lookup, item, item->id, out);
}

static void sections_and_description(void)
{
	Prompt *p = parse_ok("A description {{not_a_variable}} that is not sent.\n"
			     "# user\n"
			     "\n"
			     "Rate {{title}}.\n"
			     "\n"
			     "{{image}}\n"
			     "Answer in JSON.\n"
			     "\n"
			     "# system\n"
			     "You judge photos.\n"
			     "## a sub-heading is text\n"
			     "# a top heading that is not a section is text too\n");
	PromptItem item = {.id = "a", .title = "Lamp"};
	PromptRendered r;
	if (!p)
		return;
	CHECK_INT(render_item(p, &item, &r), STATUS_OK);
	CHECK_STR(r.system, "You judge photos.\n## a sub-heading is text\n"
			    "# a top heading that is not a section is text too");
	CHECK_STR(r.user_before_image, "Rate Lamp.");
	CHECK_STR(r.user_after_image, "Answer in JSON.");
	CHECK_STR(prompt_peek_name(p), "t.md");
	prompt_rendered_free(&r);
	CHECK(r.system == NULL && r.user_before_image == NULL);
	prompt_item_clear(&item);
	prompt_free(p);
}

static void user_only_and_crlf(void)
{
	Prompt *p = parse_ok("# user  \r\nLine one\r\n{{image}}\r\nLine two\r\n");
	PromptItem item = {.id = "a"};
	PromptRendered r;
	if (!p)
		return;
	CHECK_INT(render_item(p, &item, &r), STATUS_OK);
	CHECK_STR(r.system, "");
	CHECK_STR(r.user_before_image, "Line one");
	CHECK_STR(r.user_after_image, "Line two");
	prompt_rendered_free(&r);
	prompt_item_clear(&item);
	prompt_free(p);
}

static void image_first_gives_empty_before(void)
{
	Prompt *p = parse_ok("# user\n{{ image }}Describe it.");
	PromptItem item = {.id = "a"};
	PromptRendered r;
	if (!p)
		return;
	CHECK_INT(render_item(p, &item, &r), STATUS_OK);
	CHECK_STR(r.user_before_image, "");
	CHECK_STR(r.user_after_image, "Describe it.");
	prompt_rendered_free(&r);
	prompt_free(p);
}

static void syntax_errors_name_the_line(void)
{
	parse_fails("just a description\n", "t.md: no \"# user\" section (see prompts/README.md)");
	parse_fails("", "t.md: no \"# user\" section (see prompts/README.md)");
	parse_fails("# user\nno image here\n",
		    "t.md: no {{image}} in the \"# user\" section to say where the image goes");
	parse_fails("# user\n{{image}}\n# system\nx\n# user\n",
		    "t.md:5: a second \"# user\" section (the first is on line 1)");
	parse_fails("# system\nok\n# User\n{{image}}\n",
		    "t.md:3: write a section heading as \"# system\" or \"# user\"");
	parse_fails("#user\n{{image}}\n", "t.md:1: write a section heading as \"# system\" or \"# user\"");
	parse_fails("# user\n{{image}}\nPrice {{price\n", "t.md:3: {{ without }} on the same line");
	parse_fails("# user\n{{image}}\n{{title\n}}\n", "t.md:3: {{ without }} on the same line");
	parse_fails("# user\n{{image}}\n\n{{ }}\n", "t.md:4: a variable without a name");
	parse_fails("# user\n{{image}}\n{{{title}}}\n",
		    "t.md:3: a brace inside a variable name (write {{{{ for a literal {{): {title");
	parse_fails("# system\n{{image}}\n# user\n{{image}}\n",
		    "t.md:2: {{image}} belongs in the \"# user\" section");
	parse_fails("# user\n{{image}}\ntext\n{{image}}\n",
		    "t.md:4: a second {{image}} (the first is on line 2)");
	parse_fails("# user\n{{image|none}}\n", "t.md:2: {{image}} takes no default");
	parse_fails("# user\n{{image}}\nbad \xC3\x28 byte\n", "t.md:3: invalid UTF-8");
	parse_fails("# user\n{{image}}\nan \x1b[31m escape\n", "t.md:3: control character U+001B");
	parse_fails("# user\n{{image}}\na C1 \xC2\x9B control\n", "t.md:3: control character U+009B");
}

static void description_is_not_parsed_but_is_checked(void)
{
	/* Variables in the description are not variables, but its bytes are
	 * still part of the version and must be clean text. */
	Prompt *p = parse_ok("{{ unclosed and {{{ odd, fine here\n# user\n{{image}}\n");
	prompt_free(p);
	parse_fails("desc \x07 bell\n# user\n{{image}}\n", "t.md:1: control character U+0007");
}

static void variables_from_fields_and_metadata(void)
{
	Prompt *p = parse_ok("# system\nScale: {{scale}}. From {{scale_min}} to {{scale_max}}: "
			     "{{scale_names}}.\n"
			     "# user\n"
			     "{{id}} {{title}} / {{category}} at {{path}}\n"
			     "price {{price}} stock {{ in_stock }} tags {{tags}} size {{size}}\n"
			     "brand {{brand.name}} from {{brand.origin.country}}; dotted key "
			     "{{a.b}}\n"
			     "{{image}}\n");
	PromptItem item = {
		.id = "sku-17",
		.title = "Desk lamp",
		.category = "lighting",
		.path = "/photos/lamp.jpg",
		.metadata_json = "{\"price\":19.99,\"in_stock\":true,\"tags\":[\"red\",\"metal\"],"
				 "\"size\":{\"w\":20},\"brand\":{\"name\":\"Lumo\",\"origin\":"
				 "{\"country\":\"NO\"}},\"a.b\":\"dot key\",\"a\":{\"b\":\"nested\"}}",
	};
	PromptRendered r;
	if (!p)
		return;
	CHECK_INT(render_item(p, &item, &r), STATUS_OK);
	CHECK_STR(r.system, "Scale: 1 = unusable, 2 = poor, 3 = acceptable, 4 = good, "
			    "5 = excellent. From 1 to 5: unusable|poor|acceptable|good|excellent.");
	CHECK_STR(r.user_before_image,
		  "sku-17 Desk lamp / lighting at /photos/lamp.jpg\n"
		  "price 19.99 stock true tags [\"red\",\"metal\"] size {\"w\":20}\n"
		  "brand Lumo from NO; dotted key dot key");
	CHECK_STR(r.user_after_image, "");
	prompt_rendered_free(&r);
	prompt_item_clear(&item);
	CHECK(item.cache == NULL);
	prompt_free(p);
}

static void defaults_and_missing_values(void)
{
	Prompt *p = parse_ok("# user\n"
			     "{{image}}\n"
			     "Category: {{ category | unknown }}. Note: [{{note|}}]. Colour: "
			     "{{colour|n/a}}.\n"
			     "Title: {{title|untitled}}\n");
	PromptItem item = {.id = "x", .title = "", .metadata_json = "{\"colour\":null}"};
	PromptRendered r;
	if (!p)
		return;
	CHECK_INT(render_item(p, &item, &r), STATUS_OK);
	/* absent and null take the default; an empty string is a value */
	CHECK_STR(r.user_after_image, "Category: unknown. Note: []. Colour: n/a.\nTitle:");
	prompt_rendered_free(&r);
	prompt_item_clear(&item);
	prompt_free(p);
}

static void missing_variable_is_an_error(void)
{
	Prompt *p;
	PromptItem item = {.id = "sku-17", .title = "Lamp", .metadata_json = "{\"price\":null}"};
	PromptRendered r = {(char *)1, (char *)1, (char *)1};
	CHECK_INT(prompt_parse("image-quality.md",
			       "desc\n\n# user\n{{image}}\nTitle {{title}}\n\n\n\n\n\n\nPrice "
			       "{{price}}\n",
			       &p),
		  STATUS_OK);
	if (!p)
		return;
	CHECK_INT(render_item(p, &item, &r), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "prompt image-quality.md: item \"sku-17\" has no field "
				   "\"price\" ({{price}} on line 12)");
	CHECK(r.system == NULL && r.user_before_image == NULL && r.user_after_image == NULL);
	prompt_item_clear(&item);
	/* no metadata at all, and a nested field whose parent is not an object */
	item = (PromptItem){.id = "b", .title = "t", .metadata_json = "{\"brand\":\"x\"}"};
	prompt_free(p);
	p = parse_ok("# user\n{{image}} {{brand.name}}\n");
	if (!p)
		return;
	CHECK_INT(render_item(p, &item, &r), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "prompt t.md: item \"b\" has no field \"brand.name\" "
				   "({{brand.name}} on line 2)");
	prompt_item_clear(&item);
	prompt_free(p);
}

static void scale_missing_is_an_error(void)
{
	Prompt *p = parse_ok("# user\n{{image}}{{scale}}\n");
	PromptItem item = {.id = "a"};
	PromptRendered r;
	if (!p)
		return;
	CHECK_INT(prompt_render(p, prompt_item_lookup, &item, "a", &r), STATUS_ERR_INPUT);
	CHECK_STR(status_detail(), "prompt t.md: item \"a\" has no field \"scale\" ({{scale}} on "
				   "line 2)");
	prompt_item_clear(&item);
	prompt_free(p);
}

static void utf8_passes_untouched(void)
{
	/* "Café – 東京 👍" in the template and in the values */
	const char *text = "# user\nCaf\xC3\xA9 \xE2\x80\x93 {{title}} {{note}}\n{{image}}\n";
	Prompt *p = parse_ok(text);
	PromptItem item = {.id = "u", .title = "\xE6\x9D\xB1\xE4\xBA\xAC",
			   .metadata_json = "{\"note\":\"\\ud83d\\udc4d\"}"};
	PromptRendered r;
	if (!p)
		return;
	CHECK_INT(render_item(p, &item, &r), STATUS_OK);
	CHECK_STR(r.user_before_image,
		  "Caf\xC3\xA9 \xE2\x80\x93 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x91\x8D");
	CHECK_STR(prompt_peek_text(p), text);
	prompt_rendered_free(&r);
	prompt_item_clear(&item);
	prompt_free(p);
}

static void literal_braces(void)
{
	Prompt *p = parse_ok("# user\n{{image}}\nWrite {{{{ and {\"a\": {\"b\": 1}} and }} and "
			     "{{{{title}} and {{title}}}.\n");
	PromptItem item = {.id = "a", .title = "T"};
	PromptRendered r;
	if (!p)
		return;
	CHECK_INT(render_item(p, &item, &r), STATUS_OK);
	CHECK_STR(r.user_after_image,
		  "Write {{ and {\"a\": {\"b\": 1}} and }} and {{title}} and T}.");
	prompt_rendered_free(&r);
	prompt_item_clear(&item);
	prompt_free(p);
}

/* A lookup of our own: every call goes through it, and its answer is used. */
static const char *upper_lookup(void *arg, const char *name)
{
	int *calls = arg;
	(*calls)++;
	return !strcmp(name, "x") ? "X!" : NULL;
}

static void custom_lookup(void)
{
	Prompt *p = parse_ok("# system\n{{x}}\n# user\n{{x}}{{image}}{{x}}{{y|d}}\n");
	PromptRendered r;
	int calls = 0;
	if (!p)
		return;
	CHECK_INT(prompt_render(p, upper_lookup, &calls, "i", &r), STATUS_OK);
	CHECK_INT(calls, 4);
	CHECK_STR(r.system, "X!");
	CHECK_STR(r.user_before_image, "X!");
	CHECK_STR(r.user_after_image, "X!d");
	prompt_rendered_free(&r);
	prompt_free(p);
}

static void hash_is_sha256_of_the_text(void)
{
	Prompt *a = parse_ok("# user\n{{image}}\n");
	Prompt *b = parse_ok("# user\n{{image}}\n");
	Prompt *c = parse_ok("# user\n{{image}}\n\n");
	if (!a || !b || !c)
		goto out;
	/* printf '# user\n{{image}}\n' | sha256sum */
	CHECK_STR(prompt_peek_hash(a),
		  "f7b192da5c52a1b4caf524155a14c76dc945551775ae275fac6f0c541b2b1a66");
	CHECK_STR(prompt_peek_hash(b), prompt_peek_hash(a));
	/* printf '# user\n{{image}}\n\n' | sha256sum: one more byte, another version */
	CHECK_STR(prompt_peek_hash(c),
		  "18d0b3e4059297a0ef60881636278e507d4942968656480c662ec47bc149ce76");
out:
	prompt_free(a);
	prompt_free(b);
	prompt_free(c);
}

static void load_from_file(void)
{
	Prompt *p = NULL;
	char big_path[300];
	char *big;

	write_file(path_in_dir("my-prompt.md"), "# user\n{{image}}\n", 17);
	CHECK_INT(prompt_load(path_in_dir("my-prompt.md"), &p), STATUS_OK);
	if (p) {
		CHECK_STR(prompt_peek_name(p), "my-prompt.md");
		CHECK_STR(prompt_peek_hash(p),
			  "f7b192da5c52a1b4caf524155a14c76dc945551775ae275fac6f0c541b2b1a66");
	}
	prompt_free(p);

	CHECK_INT(prompt_load(path_in_dir("none.md"), &p), STATUS_ERR_IO);
	CHECK(p == NULL);
	CHECK(strstr(status_detail(), "none.md: No such file or directory") != NULL);

	write_file(path_in_dir("nul.md"), "# user\n{{image}}\0x\n", 19);
	CHECK_INT(prompt_load(path_in_dir("nul.md"), &p), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), "a NUL byte") != NULL);

	snprintf(big_path, sizeof big_path, "%s", path_in_dir("big.md"));
	big = malloc((size_t)PROMPT_MAX_BYTES + 1);
	memset(big, 'a', (size_t)PROMPT_MAX_BYTES + 1);
	write_file(big_path, big, (size_t)PROMPT_MAX_BYTES + 1);
	free(big);
	CHECK_INT(prompt_load(big_path, &p), STATUS_ERR_TOO_BIG);

	CHECK_INT(prompt_load(path_in_dir("."), &p), STATUS_ERR_IO);
}

static void shipped_template_parses_and_renders(void)
{
	Prompt *p = NULL;
	PromptItem item = {.id = "x"};
	PromptRendered r;
	CHECK_INT(prompt_load("prompts/image-quality.md", &p), STATUS_OK);
	if (!p)
		return;
	CHECK_STR(prompt_peek_name(p), "image-quality.md");
	/* title and category have defaults: an item with neither still renders */
	CHECK_INT(render_item(p, &item, &r), STATUS_OK);
	CHECK(strstr(r.user_before_image, "Listing title: (none given)") != NULL);
	CHECK(strstr(r.user_after_image, "an integer from 1 to 5") != NULL);
	CHECK(strstr(r.user_after_image, "one of: unusable|poor|acceptable|good|excellent") != NULL);
	CHECK(strstr(r.user_after_image, "{{") == NULL);
	CHECK(strstr(r.system, "exactly one JSON object") != NULL);
	CHECK(strstr(r.system, "image-quality.md") == NULL); /* the description is not sent */
	prompt_rendered_free(&r);
	prompt_item_clear(&item);
	prompt_free(p);
}

/* ---- the database ---- */

/* Hashes chosen by hand so that prefixes collide; the db layer trusts them. */
#define H1 "abcd111111111111111111111111111111111111111111111111111111111111"
#define H2 "abcd222222222222222222222222222222222222222222222222222222222222"
#define H3 "1234567890123456789012345678901234567890123456789012345678901234"

static void db_save_and_find(void)
{
	const char *path = path_in_dir("p.db");
	DbPromptVersion v;
	long long id1, id2, id3, again;
	int created = -1;
	Db *db;

	CHECK_INT(db_open(path, DB_OPEN_CREATE, &db), STATUS_OK);
	if (!db)
		return;
	CHECK_INT(db_prompt_version_save(db, H1, "q.md", "text one", &id1, &created), STATUS_OK);
	CHECK_INT(created, 1);
	CHECK_INT(db_prompt_version_save(db, H2, "q.md", "text two", &id2, &created), STATUS_OK);
	CHECK_INT(db_prompt_version_save(db, H3, "other.md", "text three", &id3, NULL), STATUS_OK);
	CHECK(id1 != id2 && id2 != id3);
	CHECK_INT(db_prompt_version_save(db, H1, "renamed.md", "text one", &again, &created),
		  STATUS_OK);
	CHECK_INT(again, id1);
	CHECK_INT(created, 0);
	CHECK_INT(db_prompt_version_save(db, H1, "q.md", "another text", &again, NULL),
		  STATUS_ERR_CORRUPT);

	CHECK_INT(db_prompt_version_find(db, "1", &v), STATUS_OK);
	CHECK_INT(v.id, 1);
	CHECK_STR(v.text, "text one");
	CHECK_STR(v.name, "q.md");
	db_prompt_version_clear(&v);

	CHECK_INT(db_prompt_version_find(db, "abcd2", &v), STATUS_OK);
	CHECK_INT(v.id, id2);
	db_prompt_version_clear(&v);
	CHECK_INT(db_prompt_version_find(db, "ABCD1111", &v), STATUS_OK);
	CHECK_INT(v.id, id1);
	db_prompt_version_clear(&v);
	/* all digits: no such id, so it is tried as a hash prefix */
	CHECK_INT(db_prompt_version_find(db, "123456", &v), STATUS_OK);
	CHECK_INT(v.id, id3);
	CHECK_STR(v.hash, H3);
	db_prompt_version_clear(&v);

	CHECK_INT(db_prompt_version_find(db, "abcd", &v), STATUS_ERR_INPUT);
	CHECK(strstr(status_detail(), "\"abcd\" is ambiguous") != NULL);
	CHECK(strstr(status_detail(), "1 (abcd11111111, q.md), 2 (abcd22222222, q.md)") != NULL);
	CHECK(v.text == NULL);

	/* a name gives its latest version, with or without ".md" */
	CHECK_INT(db_prompt_version_find(db, "q.md", &v), STATUS_OK);
	CHECK_INT(v.id, id2);
	db_prompt_version_clear(&v);
	CHECK_INT(db_prompt_version_find(db, "other", &v), STATUS_OK);
	CHECK_INT(v.id, id3);
	db_prompt_version_clear(&v);

	CHECK_INT(db_prompt_version_find(db, "nothing", &v), STATUS_ERR_NOT_FOUND);
	CHECK(strstr(status_detail(), "no prompt version \"nothing\"") != NULL);
	CHECK_INT(db_prompt_version_find(db, "abc", &v), STATUS_ERR_NOT_FOUND); /* too short */
	CHECK_INT(db_prompt_version_find(db, "99", &v), STATUS_ERR_NOT_FOUND);
	CHECK_INT(db_prompt_version_find(db, "", &v), STATUS_ERR_NOT_FOUND);
	db_close(db);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM prompt_versions"), 3);
}

static void db_list_counts_runs_and_predictions(void)
{
	const char *path = path_in_dir("p.db");
	DbPromptVersion *v;
	int count;
	Db *db;

	/* version 2 has two runs with 3 and 1 predictions; version 1 none */
	sql_exec(path, "INSERT INTO items (external_id) VALUES ('a'), ('b'), ('c');"
		       "INSERT INTO runs (provider, prompt_version_id) VALUES ('h', 2), ('h', 2),"
		       " ('h', 3);"
		       "INSERT INTO predictions (run_id, item_id, status) VALUES (1, 1, 'ok'),"
		       " (1, 2, 'ok'), (1, 3, 'failed'), (2, 1, 'ok'), (3, 1, 'ok');");
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_OK);
	if (!db)
		return;
	CHECK_INT(db_prompt_version_list(db, &v, &count), STATUS_OK);
	CHECK_INT(count, 3);
	if (count == 3) {
		CHECK_INT(v[0].id, 1);
		CHECK_INT(v[0].runs, 0);
		CHECK_INT(v[0].predictions, 0);
		CHECK_INT(v[1].runs, 2);
		CHECK_INT(v[1].predictions, 4);
		CHECK_INT(v[2].runs, 1);
		CHECK_INT(v[2].predictions, 1);
		CHECK_STR(v[2].name, "other.md");
		CHECK_STR(v[1].hash, H2);
		CHECK(v[1].text == NULL);
		CHECK(v[1].created_at && strlen(v[1].created_at) == 24 && v[1].created_at[10] == 'T');
	}
	db_prompt_version_list_free(v, count);
	db_close(db);
}

/* ---- the line diff ---- */

static void diff_is(const char *a, const char *b, int context, const char *want)
{
	char *got = linediff_unified(a, b, "a", "b", context, 0);
	CHECK_STR(got, want);
	free(got);
}

static void linediff_small_cases(void)
{
	diff_is("x\ny\n", "x\ny\n", 3, "");
	diff_is("", "", 3, "");
	/* one line changed in the middle, 3 lines of context */
	diff_is("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n", 3,
		"--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
	/* an insertion at the top: the empty range names line 0 */
	diff_is("a\nb\n", "new\na\nb\n", 0, "--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n");
	diff_is("a\nb\n", "new\na\nb\n", 1, "--- a\n+++ b\n@@ -1 +1,2 @@\n+new\n a\n");
	diff_is("a\nb\n", "new\na\nb\n", 3, "--- a\n+++ b\n@@ -1,2 +1,3 @@\n+new\n a\n b\n");
	/* a deletion at the end, no context */
	diff_is("a\nb\nc\n", "a\nb\n", 0, "--- a\n+++ b\n@@ -3 +2,0 @@\n-c\n");
	/* from and to nothing */
	diff_is("", "a\nb\n", 3, "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n");
	diff_is("a\n", "", 3, "--- a\n+++ b\n@@ -1 +0,0 @@\n-a\n");
	/* a missing final newline is a difference, and said so */
	diff_is("a\nb", "a\nb\n", 3,
		"--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
	/* two changes far apart make two hunks; close together, one */
	diff_is("1\n2\n3\n4\n5\n6\n7\n8\n", "X\n2\n3\n4\n5\n6\n7\nY\n", 1,
		"--- a\n+++ b\n@@ -1,2 +1,2 @@\n-1\n+X\n 2\n@@ -7,2 +7,2 @@\n 7\n-8\n+Y\n");
	diff_is("1\n2\n3\n4\n", "X\n2\n3\nY\n", 1,
		"--- a\n+++ b\n@@ -1,4 +1,4 @@\n-1\n+X\n 2\n 3\n-4\n+Y\n");
	/* the shortest edit keeps the common lines (LCS "a c e") */
	diff_is("a\nb\nc\nd\ne\n", "a\nc\ne\nf\n", 0,
		"--- a\n+++ b\n@@ -2 +1,0 @@\n-b\n@@ -4 +2,0 @@\n-d\n@@ -5,0 +4 @@\n+f\n");
}

static void linediff_colour_and_clean(void)
{
	char *got = linediff_unified("a\n", "b\x1b[2J\n", "x", "y", 3, LINEDIFF_COLOR | LINEDIFF_CLEAN);
	CHECK_STR(got, "\033[1m--- x\033[m\n\033[1m+++ y\033[m\n\033[36m@@ -1 +1 @@\033[m\n"
		       "\033[31m-a\033[m\n\033[32m+b^[[2J\033[m\n");
	free(got);
	got = linediff_unified("a\n", "b\x1b[2J\n", "x", "y", 3, 0);
	CHECK_STR(got, "--- x\n+++ y\n@@ -1 +1 @@\n-a\n+b\x1b[2J\n");
	free(got);
}

static void linediff_large_inputs_stay_correct(void)
{
	/* 3000 lines each, every line different: past the edit bound, shown as
	 * one block, which is still a correct diff */
	size_t n = 3000;
	char *a = malloc(n * 8 + 1), *b = malloc(n * 8 + 1), *got;
	size_t minus = 0, plus = 0;
	for (size_t i = 0; i < n; i++) {
		sprintf(a + i * 8, "a%06zu\n", i);
		sprintf(b + i * 8, "b%06zu\n", i);
	}
	got = linediff_unified(a, b, "a", "b", 3, 0);
	CHECK(strncmp(got, "--- a\n+++ b\n@@ -1,3000 +1,3000 @@\n-a000000\n", 39) == 0);
	for (const char *s = got; *s; s = strchr(s, '\n') + 1) {
		minus += *s == '-';
		plus += *s == '+';
	}
	CHECK_INT(minus, n + 1); /* and the "---" header */
	CHECK_INT(plus, n + 1);
	free(got);
	free(a);
	free(b);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(sections_and_description);
	RUN(user_only_and_crlf);
	RUN(image_first_gives_empty_before);
	RUN(syntax_errors_name_the_line);
	RUN(description_is_not_parsed_but_is_checked);
	RUN(variables_from_fields_and_metadata);
	RUN(defaults_and_missing_values);
	RUN(missing_variable_is_an_error);
	RUN(scale_missing_is_an_error);
	RUN(utf8_passes_untouched);
	RUN(literal_braces);
	RUN(custom_lookup);
	RUN(hash_is_sha256_of_the_text);
	RUN(load_from_file);
	RUN(shipped_template_parses_and_renders);
	RUN(db_save_and_find);
	RUN(db_list_counts_runs_and_predictions);
	RUN(linediff_small_cases);
	RUN(linediff_colour_and_clean);
	RUN(linediff_large_inputs_stay_correct);
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return test_summary();
}
