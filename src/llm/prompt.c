/* prompt.c - parsing and rendering prompt templates; the format is described
 * in prompts/README.md. A template is parsed once into pieces (literal text,
 * variables, the image marker) per section, so rendering an item is a walk
 * over the pieces and every syntax error is found before any item is sent. */
#include "src/llm/prompt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/base/sha256.h"
#include "src/base/text.h"
#include "src/base/xalloc.h"

typedef enum { PIECE_TEXT, PIECE_VAR, PIECE_IMAGE } PieceKind;

typedef struct {
	PieceKind kind;
	char *text;     /* the literal text, or the variable's name */
	char *fallback; /* a variable's default ({{name|default}}), or NULL */
	int line;
} Piece;

typedef struct {
	Piece *pieces;
	size_t count, capacity;
	int line; /* of the heading; 0 when the template has no such section */
} Section;

enum { SECTION_SYSTEM, SECTION_USER, SECTION_COUNT };
static const char *const section_names[SECTION_COUNT] = {"system", "user"};

struct Prompt {
	char *name;
	char *text;
	char hash[65];
	Section sections[SECTION_COUNT];
	int image_line;
};

/* A growing NUL-terminated string. */
typedef struct {
	char *data;
	size_t len, capacity;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
	b->data = xgrow(b->data, &b->capacity, b->len + n + 1, 1);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void buf_adds(Buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A new string of s[0..len) without the white space around it. */
static char *trimmed(const char *s, size_t len)
{
	while (len && is_blank(*s))
		s++, len--;
	while (len && is_blank(s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* ---- parsing ---- */

typedef struct {
	Prompt *prompt;
	int section; /* -1 in the description before the first heading */
	int line;
	Buf literal; /* text not yet made a piece */
} Parser;

static Status syntax_error(const Parser *ps, const char *what, const char *arg)
{
	return status_fail(STATUS_ERR_INPUT, "%s:%d: %s%s", ps->prompt->name, ps->line, what,
			   arg ? arg : "");
}

static void add_piece(Parser *ps, PieceKind kind, char *text, char *fallback)
{
	Section *sec = &ps->prompt->sections[ps->section];
	sec->pieces = xgrow(sec->pieces, &sec->capacity, sec->count + 1, sizeof *sec->pieces);
	sec->pieces[sec->count++] = (Piece){kind, text, fallback, ps->line};
}

static void flush_literal(Parser *ps)
{
	if (ps->literal.len && ps->section >= 0)
		add_piece(ps, PIECE_TEXT, xstrndup(ps->literal.data, ps->literal.len), NULL);
	ps->literal.len = 0;
}

/* Templates go to an API as JSON strings and are shown in a terminal, so
 * they must be valid UTF-8 without control characters (tab and CRLF aside). */
static Status check_line(const Parser *ps, const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = text_utf8_decode(s + i, len - i, &cp);
		if (k == 0)
			return syntax_error(ps, "invalid UTF-8", NULL);
		if (cp == '\r' && i + 1 == len)
			break;
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp < 0xA0)) {
			char what[48];
			snprintf(what, sizeof what, "control character U+%04X", cp);
			return syntax_error(ps, what, NULL);
		}
		i += k;
	}
	return STATUS_OK;
}

/* Which heading s[0..len) is: a section index, -1 for none, or -2 for a
 * near miss ("# User", "#user") that would otherwise be sent as text. */
static int heading(const char *s, size_t len)
{
	size_t i = 1, start;
	if (len < 2 || s[0] != '#' || s[1] == '#')
		return -1;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	start = i;
	while (len > start && is_blank(s[len - 1]))
		len--;
	if (len == start)
		return -1;
	for (int k = 0; k < SECTION_COUNT; k++) {
		size_t n = strlen(section_names[k]);
		if (len - start != n || strncasecmp(s + start, section_names[k], n) != 0)
			continue;
		if (start == 2 && s[1] == ' ' && !strncmp(s + start, section_names[k], n))
			return k;
		return -2;
	}
	return -1;
}

static Status start_section(Parser *ps, int k)
{
	Section *sec = &ps->prompt->sections[k];
	flush_literal(ps);
	if (sec->line) {
		char what[80];
		snprintf(what, sizeof what, "a second \"# %s\" section (the first is on line %d)",
			 section_names[k], sec->line);
		return syntax_error(ps, what, NULL);
	}
	sec->line = ps->line;
	ps->section = k;
	return STATUS_OK;
}

static Status image_marker(Parser *ps, const char *fallback)
{
	if (fallback)
		return syntax_error(ps, "{{image}} takes no default", NULL);
	if (ps->section != SECTION_USER)
		return syntax_error(ps, "{{image}} belongs in the \"# user\" section", NULL);
	if (ps->prompt->image_line) {
		char what[64];
		snprintf(what, sizeof what, "a second {{image}} (the first is on line %d)",
			 ps->prompt->image_line);
		return syntax_error(ps, what, NULL);
	}
	ps->prompt->image_line = ps->line;
	flush_literal(ps);
	add_piece(ps, PIECE_IMAGE, NULL, NULL);
	return STATUS_OK;
}

/* One {{...}} whose inside is s[0..len): "name" or "name|default". */
static Status variable(Parser *ps, const char *s, size_t len)
{
	const char *bar = memchr(s, '|', len);
	char *name = trimmed(s, bar ? (size_t)(bar - s) : len);
	char *fallback = bar ? trimmed(bar + 1, len - (size_t)(bar + 1 - s)) : NULL;
	Status st;

	if (*name && !strpbrk(name, "{}") && strcmp(name, "image") != 0) {
		flush_literal(ps);
		add_piece(ps, PIECE_VAR, name, fallback); /* the piece owns both now */
		return STATUS_OK;
	}
	if (!*name)
		st = syntax_error(ps, "a variable without a name", NULL);
	else if (strpbrk(name, "{}"))
		st = syntax_error(ps, "a brace inside a variable name (write {{{{ for a literal {{): ",
				  name);
	else
		st = image_marker(ps, fallback);
	free(name);
	free(fallback);
	return st;
}

/* The text of a section line: literals and {{variables}}, which never span lines. */
static Status content_line(Parser *ps, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *open = len - i >= 2 ? memmem(s + i, len - i, "{{", 2) : NULL;
		const char *close;
		Status st;
		if (!open) {
			buf_add(&ps->literal, s + i, len - i);
			break;
		}
		buf_add(&ps->literal, s + i, (size_t)(open - (s + i)));
		i = (size_t)(open - s) + 2;
		if (len - i >= 2 && !strncmp(s + i, "{{", 2)) {
			buf_add(&ps->literal, "{{", 2); /* {{{{ is a literal {{ */
			i += 2;
			continue;
		}
		close = memmem(s + i, len - i, "}}", 2);
		if (!close)
			return syntax_error(ps, "{{ without }} on the same line", NULL);
		st = variable(ps, s + i, (size_t)(close - (s + i)));
		if (st != STATUS_OK)
			return st;
		i = (size_t)(close - s) + 2;
	}
	buf_add(&ps->literal, "\n", 1);
	return STATUS_OK;
}

static Status parse_line(Parser *ps, const char *s, size_t len)
{
	Status st = check_line(ps, s, len);
	int k;
	if (st != STATUS_OK)
		return st;
	if (len && s[len - 1] == '\r')
		len--;
	k = heading(s, len);
	if (k == -2)
		return syntax_error(ps, "write a section heading as \"# system\" or \"# user\"", NULL);
	if (k >= 0)
		return start_section(ps, k);
	if (ps->section < 0)
		return STATUS_OK; /* the description is not sent */
	return content_line(ps, s, len);
}

static Status check_whole(const Prompt *p)
{
	if (!p->sections[SECTION_USER].line)
		return status_fail(STATUS_ERR_INPUT,
				   "%s: no \"# user\" section (see prompts/README.md)", p->name);
	if (!p->image_line)
		return status_fail(STATUS_ERR_INPUT,
				   "%s: no {{image}} in the \"# user\" section to say where the "
				   "image goes",
				   p->name);
	return STATUS_OK;
}

Status prompt_parse(const char *name, const char *text, Prompt **out)
{
	Prompt *p = xcalloc(1, sizeof *p);
	Parser ps = {.prompt = p, .section = -1};
	Sha256 sha;
	uint8_t digest[32];
	Status st = STATUS_OK;

	*out = NULL;
	p->name = xstrdup(name);
	p->text = xstrdup(text);
	sha256_init(&sha);
	sha256_update(&sha, text, strlen(text));
	sha256_final(&sha, digest);
	sha256_hex(digest, p->hash);
	for (const char *s = text; *s && st == STATUS_OK;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		ps.line++;
		st = parse_line(&ps, s, len);
		s += len + (nl ? 1 : 0);
	}
	if (st == STATUS_OK) {
		flush_literal(&ps);
		st = check_whole(p);
	}
	free(ps.literal.data);
	if (st != STATUS_OK) {
		prompt_free(p);
		return st;
	}
	*out = p;
	return STATUS_OK;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

Status prompt_read(const char *path, char **out)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0;
	Status st = STATUS_OK;

	*out = NULL;
	if (!f)
		return status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
	data = xmalloc((size_t)PROMPT_MAX_BYTES + 2);
	len = fread(data, 1, (size_t)PROMPT_MAX_BYTES + 1, f);
	if (ferror(f))
		st = status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
	else if (len > PROMPT_MAX_BYTES)
		st = status_fail(STATUS_ERR_TOO_BIG, "%s: a template over %d bytes", path,
				 PROMPT_MAX_BYTES);
	else if (memchr(data, '\0', len))
		st = status_fail(STATUS_ERR_INPUT, "%s: a NUL byte: not a text file", path);
	fclose(f);
	if (st != STATUS_OK) {
		free(data);
		return st;
	}
	data[len] = '\0';
	*out = data;
	return STATUS_OK;
}

Status prompt_load(const char *path, Prompt **out)
{
	char *text;
	Status st = prompt_read(path, &text);
	*out = NULL;
	if (st != STATUS_OK)
		return st;
	st = prompt_parse(base_name(path), text, out);
	free(text);
	return st;
}

void prompt_free(Prompt *prompt)
{
	if (!prompt)
		return;
	for (int k = 0; k < SECTION_COUNT; k++) {
		Section *sec = &prompt->sections[k];
		for (size_t i = 0; i < sec->count; i++) {
			free(sec->pieces[i].text);
			free(sec->pieces[i].fallback);
		}
		free(sec->pieces);
	}
	free(prompt->name);
	free(prompt->text);
	free(prompt);
}

const char *prompt_peek_hash(const Prompt *prompt)
{
	return prompt->hash;
}

const char *prompt_peek_name(const Prompt *prompt)
{
	return prompt->name;
}

const char *prompt_peek_text(const Prompt *prompt)
{
	return prompt->text;
}

/* ---- rendering ---- */

/* Appends a section's pieces to *part, moving to the next part at the image. */
static Status render_section(const Prompt *p, const Section *sec, PromptLookup lookup, void *arg,
			     const char *item_id, Buf parts[2])
{
	Buf *part = &parts[0];
	for (size_t i = 0; i < sec->count; i++) {
		const Piece *piece = &sec->pieces[i];
		const char *value;
		if (piece->kind == PIECE_TEXT) {
			buf_adds(part, piece->text);
			continue;
		}
		if (piece->kind == PIECE_IMAGE) {
			part = &parts[1];
			continue;
		}
		value = lookup(arg, piece->text);
		if (!value)
			value = piece->fallback;
		if (!value)
			return status_fail(STATUS_ERR_INPUT,
					   "prompt %s: item \"%s\" has no field \"%s\" ({{%s}} on "
					   "line %d)",
					   p->name, item_id ? item_id : "?", piece->text, piece->text,
					   piece->line);
		buf_adds(part, value);
	}
	return STATUS_OK;
}

Status prompt_render(const Prompt *prompt, PromptLookup lookup, void *arg, const char *item_id,
		     PromptRendered *out)
{
	Buf system[2] = {{0}}, user[2] = {{0}};
	Status st;

	*out = (PromptRendered){0};
	st = render_section(prompt, &prompt->sections[SECTION_SYSTEM], lookup, arg, item_id, system);
	if (st == STATUS_OK)
		st = render_section(prompt, &prompt->sections[SECTION_USER], lookup, arg, item_id,
				    user);
	if (st == STATUS_OK) {
		out->system = trimmed(system[0].data ? system[0].data : "", system[0].len);
		out->user_before_image = trimmed(user[0].data ? user[0].data : "", user[0].len);
		out->user_after_image = trimmed(user[1].data ? user[1].data : "", user[1].len);
	}
	for (int i = 0; i < 2; i++) {
		free(system[i].data);
		free(user[i].data);
	}
	return st;
}

void prompt_rendered_free(PromptRendered *rendered)
{
	free(rendered->system);
	free(rendered->user_before_image);
	free(rendered->user_after_image);
	*rendered = (PromptRendered){0};
}

/* ---- the ready lookup over an item ---- */

struct PromptItemCache {
	cJSON *metadata; /* NULL when absent or not an object */
	int parsed;
	char **strings; /* values made for lookups, owned */
	size_t count, capacity;
};

/* Takes ownership of s until prompt_item_clear and returns it. */
static const char *keep(PromptItem *item, char *s)
{
	struct PromptItemCache *c = item->cache;
	c->strings = xgrow(c->strings, &c->capacity, c->count + 1, sizeof *c->strings);
	c->strings[c->count++] = s;
	return s;
}

static const char *scale_value(PromptItem *item, const char *name)
{
	Buf b = {0};
	if (item->scale_count < 1)
		return NULL;
	if (!strcmp(name, "scale_min"))
		return "1";
	if (!strcmp(name, "scale_max"))
		return keep(item, xasprintf("%d", item->scale_count));
	for (int i = 0; i < item->scale_count; i++) {
		char *entry = !strcmp(name, "scale")
				      ? xasprintf("%s%d = %s", i ? ", " : "", i + 1,
						  item->scale_names[i])
				      : xasprintf("%s%s", i ? "|" : "", item->scale_names[i]);
		buf_adds(&b, entry);
		free(entry);
	}
	return keep(item, b.data);
}

/* The field name in obj: the key itself, else a dotted path through nested
 * objects, tried at every dot so that keys which contain dots still work. */
static const cJSON *find_field(const cJSON *obj, const char *name)
{
	const cJSON *field;
	if (!cJSON_IsObject(obj))
		return NULL;
	field = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (field)
		return field;
	for (const char *dot = strchr(name, '.'); dot; dot = strchr(dot + 1, '.')) {
		char *head = xstrndup(name, (size_t)(dot - name));
		const cJSON *child = cJSON_GetObjectItemCaseSensitive(obj, head);
		free(head);
		if (child && (field = find_field(child, dot + 1)))
			return field;
	}
	return NULL;
}

static const char *metadata_value(PromptItem *item, const char *name)
{
	struct PromptItemCache *c = item->cache;
	const cJSON *field;
	char *printed;
	if (!c->parsed) {
		c->parsed = 1;
		c->metadata = item->metadata_json ? cJSON_Parse(item->metadata_json) : NULL;
	}
	field = find_field(c->metadata, name);
	if (!field || cJSON_IsNull(field))
		return NULL;
	if (cJSON_IsString(field))
		return field->valuestring;
	printed = cJSON_PrintUnformatted(field);
	if (!printed)
		xdie("out of memory printing a metadata field");
	return keep(item, printed);
}

const char *prompt_item_lookup(void *arg, const char *name)
{
	PromptItem *item = arg;
	if (!item->cache)
		item->cache = xcalloc(1, sizeof *item->cache);
	if (!strcmp(name, "scale") || !strcmp(name, "scale_min") || !strcmp(name, "scale_max") ||
	    !strcmp(name, "scale_names"))
		return scale_value(item, name);
	if (!strcmp(name, "id"))
		return item->id;
	if (!strcmp(name, "title"))
		return item->title;
	if (!strcmp(name, "category"))
		return item->category;
	if (!strcmp(name, "path"))
		return item->path;
	return metadata_value(item, name);
}

void prompt_item_clear(PromptItem *item)
{
	struct PromptItemCache *c = item->cache;
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++)
		free(c->strings[i]);
	free(c->strings);
	cJSON_Delete(c->metadata);
	free(c);
	item->cache = NULL;
}
