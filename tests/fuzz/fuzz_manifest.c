/* fuzz_manifest.c - libFuzzer target for the manifest reader
 * (src/import/manifest.c): any bytes, read as CSV, as JSONL and by sniffing,
 * must give records and messages that keep the reader's promises, the same
 * each time, without a crash, a leak, a hang or undefined behaviour. Built
 * and run by tests/fuzz/run.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/text.h"
#include "src/import/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void writes(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

static int valid_utf8(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0, k; i < len; i += k) {
		unsigned cp;
		if (!(k = text_utf8_decode(s + i, len - i, &cp)))
			return 0;
	}
	return 1;
}

/* Every key and string of a record is whole UTF-8 text; a CSV record holds
 * only non-empty strings. */
static void check_record(const cJSON *record, ManifestKind kind)
{
	if (!cJSON_IsObject(record))
		abort();
	for (const cJSON *f = record->child; f; f = f->next) {
		if (f->string && !valid_utf8(f->string))
			abort();
		if (cJSON_IsString(f) && !valid_utf8(f->valuestring))
			abort();
		if (kind == MANIFEST_CSV && (!cJSON_IsString(f) || !f->valuestring[0]))
			abort();
		if (cJSON_IsObject(f) || cJSON_IsArray(f))
			for (const cJSON *g = f->child; g; g = g->next)
				if ((g->string && !valid_utf8(g->string)) ||
				    (cJSON_IsString(g) && !valid_utf8(g->valuestring)))
					abort();
	}
}

/* The line a detail "PATH:LINE: ..." names, or -1 when it names none. */
static long detail_line(const char *detail, const char *path)
{
	size_t n = strlen(path);
	char *end;
	long line;
	if (strncmp(detail, path, n) != 0)
		abort(); /* every detail names the file */
	if (detail[n] != ':' || detail[n + 1] < '0' || detail[n + 1] > '9')
		return -1;
	line = strtol(detail + n + 1, &end, 10);
	if (*end != ':')
		abort();
	return line;
}

static unsigned long long mix(unsigned long long h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h * 31 + 7;
}

/* Reads the whole file; returns a fingerprint of everything it gave. */
static unsigned long long read_all(const char *path, long lines)
{
	ManifestReader *r;
	cJSON *record;
	long line, last = 0;
	unsigned long long h = 14695981039346656037ULL;
	Status st = manifest_open(path, &r);
	if (st != STATUS_OK) {
		if (st != STATUS_ERR_INPUT)
			abort();
		line = detail_line(status_detail(), path);
		if (line != -1 && (line < 1 || line > lines))
			abort();
		return mix(h, status_detail());
	}
	for (long calls = 0;; calls++) {
		if (calls > lines + 1)
			abort(); /* each call reads at least one line */
		st = manifest_next(r, &record, &line);
		if (st == STATUS_ERR_INPUT) {
			line = detail_line(status_detail(), path);
			h = mix(h, status_detail());
		} else if (st != STATUS_OK) {
			abort();
		} else if (record) {
			char *text = cJSON_PrintUnformatted(record);
			check_record(record, manifest_kind(r));
			h = mix(h, text);
			free(text);
			cJSON_Delete(record);
		} else {
			break;
		}
		if (line <= last || line > lines)
			abort(); /* records start on later and later lines, inside the file */
		last = line;
	}
	manifest_close(r);
	return h;
}

static const char *const names[] = {"m.csv", "m.jsonl", "m"};

static void clean_up(void)
{
	char path[128];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		remove(path);
	}
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long lines = 1;
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "%s/gavel-fuzz.XXXXXX",
			 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		if (!mkdtemp(dir))
			abort();
		atexit(clean_up);
		for (size_t i = 1; i < sizeof names / sizeof names[0]; i++) {
			char link[128];
			snprintf(link, sizeof link, "%s/%s", dir, names[i]);
			if (symlink(names[0], link) != 0) /* one write a run, three names */
				abort();
		}
	}
	for (size_t i = 0; i < size; i++) /* a lone CR ends a CSV line too */
		lines +=
		    data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[128];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (i == 0)
			writes(path, data, size);
		if (read_all(path, lines) != read_all(path, lines))
			abort();
	}
	return 0;
}
