/* out.c - cleaned output (out.h). */
#include "src/base/out.h"

#include <cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/text.h"
#include "src/base/xalloc.h"

/* Writes s cleaned, keeping its newlines and tabs: each run between them is
 * cleaned on its own (text_clean would show them as ^J and ^I). */
static void write_clean(FILE *f, const char *s, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		char *run, *clean;
		if (i < len && s[i] != '\n' && s[i] != '\t')
			continue;
		run = xstrndup(s + start, i - start);
		clean = text_clean(run);
		fputs(clean, f);
		free(clean);
		free(run);
		if (i < len)
			fputc(s[i], f);
		start = i + 1;
	}
}

int out_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	text = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	write_clean(f, text, (size_t)n);
	free(text);
	return n;
}

void out_puts(FILE *f, const char *s)
{
	if (s)
		write_clean(f, s, strlen(s));
}

int out_is_terminal(FILE *f)
{
	/* asked for every field of an export: remember the last stream's answer
	 * (a stream keeps its descriptor, and a descriptor does not turn into a
	 * terminal) */
	static _Thread_local FILE *last;
	static _Thread_local int last_fd = -1, last_answer;
	int fd = fileno(f);
	if (f != last || fd != last_fd) {
		last = f;
		last_fd = fd;
		last_answer = isatty(fd);
	}
	return last_answer;
}

int out_colour(FILE *f)
{
	const char *no = getenv("NO_COLOR");
	return out_is_terminal(f) && !(no && *no);
}

void out_data(FILE *f, const char *s, size_t len)
{
	if (out_is_terminal(f))
		write_clean(f, s, len);
	else
		fwrite(s, 1, len, f);
}

void out_control(FILE *f, const char *sequence)
{
	if (out_is_terminal(f))
		fputs(sequence, f);
}

/* Whether code point cp is one that text_clean would make visible: a
 * format, separator or other hidden character. JSON keeps the string the
 * same with \u escapes, so every such character is escaped, whatever its
 * neighbours. */
static int hidden(unsigned cp)
{
	char utf8[8] = {0}, *clean;
	int n = 0, is_hidden;
	if (cp < 0x80)
		return 0;
	if (cp < 0x800)
		utf8[n++] = (char)(0xC0 | cp >> 6);
	else if (cp < 0x10000)
		utf8[n++] = (char)(0xE0 | cp >> 12), utf8[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
	else
		utf8[n++] = (char)(0xF0 | cp >> 18), utf8[n++] = (char)(0x80 | (cp >> 12 & 0x3F)),
		utf8[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
	utf8[n++] = (char)(0x80 | (cp & 0x3F));
	/* between two visible letters, as a joiner would stand when it has a job */
	{
		char probe[16];
		snprintf(probe, sizeof probe, "a%sb", utf8);
		clean = text_clean(probe);
		is_hidden = strcmp(clean, probe) != 0;
		free(clean);
	}
	return is_hidden;
}

void out_json(FILE *f, const cJSON *json, int pretty)
{
	char *text = pretty ? cJSON_Print(json) : cJSON_PrintUnformatted(json);
	size_t len;
	if (!text)
		xdie("out of memory");
	len = strlen(text);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = text_utf8_decode(text + i, len - i, &cp);
		if (k > 1 && hidden(cp)) {
			if (cp > 0xFFFF) /* a surrogate pair, as JSON spells those */
				fprintf(f, "\\u%04x\\u%04x", 0xD800 + ((cp - 0x10000) >> 10),
					0xDC00 + ((cp - 0x10000) & 0x3FF));
			else
				fprintf(f, "\\u%04x", cp);
			i += k;
			continue;
		}
		fputc(text[i], f);
		i++;
	}
	fputc('\n', f);
	free(text);
}
