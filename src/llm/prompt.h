/* prompt.h - prompt templates (prompts/README.md gives the format): a file
 * with a "# system" and a "# user" section, {{variables}} filled from an
 * item's fields, its manifest metadata and the label scale, and one {{image}}
 * marking where the image goes. A version of a template is the SHA-256 of its
 * whole text, so any edit, even to the description, is a new version. */
#ifndef GAVEL_PROMPT_H
#define GAVEL_PROMPT_H

#include "src/base/status.h"

/* A parsed template. Opaque; immutable once parsed. */
typedef struct Prompt Prompt;

/* Templates larger than this are refused: a prompt is text a person edits. */
enum { PROMPT_MAX_BYTES = 1 << 20 };

/* Parses text (a NUL-terminated template) under the display name name (the
 * file's base name). On success *out is owned by the caller (prompt_free).
 * A syntax error is STATUS_ERR_INPUT with the detail "NAME:LINE: what is
 * wrong"; a template with no user section or no {{image}} names no line. */
Status prompt_parse(const char *name, const char *text, Prompt **out);

/* Reads the text of a template file, unparsed, into a new string *out (the
 * caller frees it). STATUS_ERR_IO ("PATH: reason") when it cannot be read,
 * STATUS_ERR_TOO_BIG over PROMPT_MAX_BYTES, STATUS_ERR_INPUT when it holds a
 * NUL byte (a template is handled as a C string). */
Status prompt_read(const char *path, char **out);

/* Reads (as prompt_read) and parses the file at path; the name is its base
 * name. Errors as prompt_read, then as prompt_parse. */
Status prompt_load(const char *path, Prompt **out);

/* Frees a template; NULL is fine. */
void prompt_free(Prompt *prompt);

/* The version: 64 lower-case hex digits of the SHA-256 of the whole text.
 * Borrowed, valid while the prompt lives. */
const char *prompt_peek_hash(const Prompt *prompt);

/* The display name given to prompt_parse (the file's base name). Borrowed. */
const char *prompt_peek_name(const Prompt *prompt);

/* The whole template text, byte for byte as parsed. Borrowed. */
const char *prompt_peek_text(const Prompt *prompt);

/* Looks up variable name for one item: a string borrowed until the render
 * that asked for it returns, or NULL when the item has no such value (which
 * makes the render fail unless the variable has a default). */
typedef const char *(*PromptLookup)(void *arg, const char *name);

/* One rendered template: the system text and the user text split where the
 * image goes. All three are owned (prompt_rendered_free), never NULL, and
 * trimmed of surrounding white space; system is "" when the template has no
 * system section. */
typedef struct {
	char *system;
	char *user_before_image;
	char *user_after_image;
} PromptRendered;

/* Fills the template's variables through lookup(arg, name). item_id only
 * names the item in errors. A variable the lookup does not know and that has
 * no default is STATUS_ERR_INPUT with the detail
 *   prompt NAME: item "ID" has no field "VAR" ({{VAR}} on line N)
 * and leaves *out zeroed. Values are copied in as they are (UTF-8 untouched). */
Status prompt_render(const Prompt *prompt, PromptLookup lookup, void *arg, const char *item_id,
		     PromptRendered *out);

/* Frees the three texts and zeroes *rendered; a zeroed struct is fine. */
void prompt_rendered_free(PromptRendered *rendered);

/* What prompt_item_lookup serves, for callers that render items from the
 * database. Fill the fields (all borrowed; NULL means absent) with a
 * designated initializer so that cache starts NULL, pass &item as arg, and
 * call prompt_item_clear() when done with the rendered strings. */
typedef struct {
	const char *id;            /* the item's external id */
	const char *title;
	const char *category;
	const char *path;
	const char *metadata_json; /* the manifest metadata: a JSON object or NULL */
	const char *const *scale_names; /* scale_names[0] names value 1 */
	int scale_count;
	struct PromptItemCache *cache; /* private: values made by lookups; owned */
} PromptItem;

/* A PromptLookup over a PromptItem (arg). Names, first match wins:
 *   scale        "1 = unusable, 2 = poor, ..."
 *   scale_min    "1"           scale_max    "K"
 *   scale_names  "unusable|poor|..."
 *   id, title, category, path   the item's own fields
 *   anything else: the metadata field of that name; failing that, a dotted
 *   name walks nested objects ("brand.name"). Strings are given as they
 *   are, numbers, booleans, arrays and objects as compact JSON, and JSON
 *   null, like a missing field or metadata that is not a JSON object, as
 *   absent (NULL). */
const char *prompt_item_lookup(void *arg, const char *name);

/* Frees what lookups cached in item (strings they returned become invalid). */
void prompt_item_clear(PromptItem *item);

#endif
