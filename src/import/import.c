/* import.c - folder and manifest import: resolve each image path safely,
 * probe and hash the image, add the item; all of a file or none of it. */
#include "src/import/import.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "db/items.h"
#include "db/seen.h"
#include "src/img/img.h"
#include "src/import/manifest.h"
#include "src/base/sha256.h"
#include "src/base/text.h"
#include "src/base/xalloc.h"

/* How often on_progress hears from us, in records. */
enum { PROGRESS_EVERY = 500, MAX_FOLDER_DEPTH = 32 };

/* Manifest fields with a column of their own; the rest is kept as metadata. */
static const char *const own_fields[] = {"id", "path", "url", "title", "category"};
/* Fields trusted only with --no-probe; otherwise measured from the file. */
static const char *const probe_fields[] = {"sha256", "width", "height", "bytes", "format"};

typedef struct {
	Db *db;
	const ImportOptions *options;
	ImportReport *report;
	char *root;   /* real path images must stay inside */
	char *source; /* real path of the manifest or folder */
	char *base;   /* folder that relative manifest paths start from */
} Importer;

/* What probing an image file tells us. */
typedef struct {
	char sha256[65];
	ImgInfo info;
	long long bytes;
} Probe;

static void problem(Importer *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(Importer *im, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	im->report->bad++;
	if (im->options->on_problem)
		im->options->on_problem(im->options->arg, message);
}

/* A file of a folder passed over; the detail says why, naming it. */
static void skipped(Importer *im, ImportSkip why, const char *rel)
{
	im->report->skipped[why]++;
	if (im->options->on_skip)
		im->options->on_skip(im->options->arg, why, rel, status_detail());
}

static void progress(Importer *im)
{
	if (im->options->on_progress && im->report->records % PROGRESS_EVERY == 0)
		im->options->on_progress(im->options->arg, im->report->records);
}

static int inside(const char *root, const char *path)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return 1;
	return !strncmp(root, path, n) && path[n] == '/';
}

/* Resolves WRITTEN (relative to im->base) to a real path inside im->root
 * naming a regular file; *real is owned by the caller. */
/* Resolves "." and ".." in the absolute path PATH by its text alone, in
 * place, so "../x" is caught even when it names nothing. */
static void normalise(char *path)
{
	char *out = path;
	for (const char *p = path; *p;) {
		size_t n;
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 1 && p[0] == '.') {
			/* stays */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (out > path && *--out != '/')
				;
		} else if (n) {
			*out++ = '/';
			memmove(out, p, n);
			out += n;
		}
		p += n;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

static Status resolve_image(Importer *im, const char *written, char **real)
{
	char *joined = written[0] == '/' ? xstrdup(written) : xasprintf("%s/%s", im->base, written);
	char *resolved = realpath(joined, NULL);
	struct stat st;
	Status status = STATUS_OK;

	*real = NULL;
	normalise(joined);
	if (!inside(im->root, joined)) {
		status =
		    status_fail(STATUS_ERR_INPUT,
				"%s: outside the folder %s (through '..' or an absolute path); "
				"--root DIR allows another folder",
				written, im->root);
	} else if (!resolved) {
		status =
		    status_fail(errno == ENOENT ? STATUS_ERR_NOT_FOUND : STATUS_ERR_IO, "%s: %s",
				written, errno == ENOENT ? "no such file" : strerror(errno));
	} else if (!inside(im->root, resolved)) {
		status = status_fail(STATUS_ERR_INPUT,
				     "%s: outside the folder %s (through a link); --root DIR "
				     "allows another folder",
				     written, im->root);
	} else if (stat(resolved, &st) != 0 || !S_ISREG(st.st_mode)) {
		status = status_fail(STATUS_ERR_INPUT, "%s: not a regular file", written);
	}
	free(joined);
	if (status != STATUS_OK) {
		free(resolved);
		return status;
	}
	*real = resolved;
	return STATUS_OK;
}

/* A format gavel recognises but cannot decode (GIF, BMP, PNM, WebP, TIFF,
 * HEIF): such an item could be neither labelled nor shown, so it is refused
 * here, with what to do, rather than failing later in label and review. */
static Status unsupported(ImgFormat format)
{
	return status_fail(STATUS_ERR_FORMAT,
			   "unsupported format (%s): gavel labels and shows "
			   "JPEG and PNG; convert it to PNG or JPEG",
			   img_format_name(format));
}

/* Reads the image's header and hashes its bytes. Details name SHOWN.
 * STATUS_ERR_FORMAT is "not an image" when probe->info.format is unknown,
 * else "unsupported format". */
static Status probe_image(const char *real, const char *shown, Probe *probe)
{
	struct stat st;
	Status status = img_probe_file(real, &probe->info);
	ImgFormat format = probe->info.format;
	if ((status == STATUS_OK || status == STATUS_ERR_FORMAT) && format != IMG_FORMAT_UNKNOWN &&
	    !img_format_decodable(format))
		status = unsupported(format);
	if (status == STATUS_OK)
		status = img_check_complete(real, probe->info.format);
	if (status != STATUS_OK) {
		/* the detail names the real path; say it as the user wrote it */
		char why[512];
		const char *detail = status_detail();
		size_t n = strlen(real);
		if (!strncmp(detail, real, n) && !strncmp(detail + n, ": ", 2))
			detail += n + 2;
		snprintf(why, sizeof why, "%s", detail);
		return status_fail(status, "%s: %s", shown, why);
	}
	status = sha256_file(real, probe->sha256);
	if (status != STATUS_OK)
		return status;
	probe->bytes = stat(real, &st) == 0 ? (long long)st.st_size : 0;
	return STATUS_OK;
}

static Status add_item(Importer *im, const DbItemNew *item)
{
	DbItemOutcome outcome;
	Status st = db_item_add(im->db, item, &outcome);
	if (st != STATUS_OK)
		return st;
	if (outcome == DB_ITEM_ADDED)
		im->report->added++;
	else if (outcome == DB_ITEM_SAME_ID)
		im->report->same_id++;
	else
		im->report->same_content++;
	return STATUS_OK;
}

/* ---- manifests ---- */

/* Copies field NAME as a string into *out (NULL when absent or null). An
 * integral number is accepted where allow_number is set (ids often are). */
static Status take_string(cJSON *record, const char *name, int allow_number, char **out)
{
	cJSON *field = cJSON_GetObjectItemCaseSensitive(record, name);
	double v;
	*out = NULL;
	if (!field || cJSON_IsNull(field))
		return STATUS_OK;
	if (cJSON_IsString(field)) {
		*out = xstrdup(field->valuestring);
		return STATUS_OK;
	}
	v = field->valuedouble;
	/* the range first: converting 1e300 to long long is undefined */
	if (allow_number && cJSON_IsNumber(field) && v > -9007199254740992.0 &&
	    v < 9007199254740992.0 && v == (double)(long long)v) {
		*out = xasprintf("%lld", (long long)v);
		return STATUS_OK;
	}
	return status_fail(STATUS_ERR_INPUT, "\"%s\" must be a string%s", name,
			   allow_number ? " or a whole number under 2^53" : "");
}

/* A positive whole number from field NAME, or 0 when absent. */
static Status take_count(cJSON *record, const char *name, long long *out)
{
	cJSON *field = cJSON_GetObjectItemCaseSensitive(record, name);
	*out = 0;
	if (!field || cJSON_IsNull(field))
		return STATUS_OK;
	if (cJSON_IsString(field) && field->valuestring[0]) {
		char *end;
		*out = strtoll(field->valuestring, &end, 10);
		if (!*end && *out > 0)
			return STATUS_OK;
	} else if (cJSON_IsNumber(field) && field->valuedouble >= 1 &&
		   field->valuedouble < 9.0e15 &&
		   field->valuedouble == (double)(long long)field->valuedouble) {
		*out = (long long)field->valuedouble;
		return STATUS_OK;
	}
	return status_fail(STATUS_ERR_INPUT, "\"%s\" must be a positive whole number", name);
}

/* The item fields of a manifest record, owned. */
typedef struct {
	char *id, *path, *url, *title, *category, *real, *metadata, *format;
	long long width, height, bytes;
	char sha256[65];
} Record;

static void record_free(Record *r)
{
	free(r->id), free(r->path), free(r->url), free(r->title), free(r->category);
	free(r->real), free(r->metadata), free(r->format);
}

static Status take_own_fields(cJSON *json, Record *r)
{
	Status st = take_string(json, "id", 1, &r->id);
	if (st == STATUS_OK)
		st = take_string(json, "path", 0, &r->path);
	if (st == STATUS_OK)
		st = take_string(json, "url", 0, &r->url);
	if (st == STATUS_OK)
		st = take_string(json, "title", 1, &r->title);
	if (st == STATUS_OK)
		st = take_string(json, "category", 1, &r->category);
	if (st != STATUS_OK)
		return st;
	if (r->id && !r->id[0])
		return status_fail(STATUS_ERR_INPUT, "\"id\" is empty");
	if (!r->path && !r->url)
		return status_fail(STATUS_ERR_INPUT,
				   "\"path\" is missing (give \"path\" or \"url\")");
	if (r->path && !r->path[0])
		return status_fail(STATUS_ERR_INPUT, "\"path\" is empty");
	if (!r->path && strncmp(r->url, "http://", 7) && strncmp(r->url, "https://", 8))
		return status_fail(STATUS_ERR_INPUT, "\"url\" must start with http:// or https://");
	return STATUS_OK;
}

/* With --no-probe the manifest's "format" is all there is to go on: one
 * that names a format gavel recognises but cannot decode is refused as the
 * probe would refuse it; other words are kept as given. */
static Status check_stated_format(const char *stated)
{
	/* the formats are the enum's values after UNKNOWN, each named */
	for (int f = IMG_FORMAT_UNKNOWN + 1; strcmp(img_format_name((ImgFormat)f), "unknown"); f++)
		if (!strcasecmp(stated, img_format_name((ImgFormat)f)) &&
		    !img_format_decodable((ImgFormat)f))
			return unsupported((ImgFormat)f);
	return STATUS_OK;
}

/* With --no-probe, the image facts come from the manifest, when it has them. */
static Status take_probe_fields(cJSON *json, Record *r)
{
	char *sha = NULL;
	Status st = take_string(json, "sha256", 0, &sha);
	if (st == STATUS_OK && sha) {
		size_t n = strspn(sha, "0123456789abcdefABCDEF");
		if (n != 64 || sha[64])
			st = status_fail(STATUS_ERR_INPUT, "\"sha256\" must be 64 hex digits");
		for (int i = 0; st == STATUS_OK && i < 64; i++)
			r->sha256[i] = (char)tolower((unsigned char)sha[i]);
		r->sha256[64] = '\0';
	}
	free(sha);
	if (st == STATUS_OK)
		st = take_count(json, "width", &r->width);
	if (st == STATUS_OK)
		st = take_count(json, "height", &r->height);
	if (st == STATUS_OK)
		st = take_count(json, "bytes", &r->bytes);
	if (st == STATUS_OK)
		st = take_string(json, "format", 0, &r->format);
	if (st == STATUS_OK && r->format)
		st = check_stated_format(r->format);
	return st;
}

/* Checks and measures one record; what is left of json becomes the metadata. */
static Status check_record(Importer *im, cJSON *json, Record *r)
{
	Status st = take_own_fields(json, r);
	if (st == STATUS_OK && im->options->no_probe)
		st = take_probe_fields(json, r);
	if (st == STATUS_OK && r->path)
		st = resolve_image(im, r->path, &r->real);
	if (st == STATUS_OK && r->real && !im->options->no_probe) {
		Probe probe;
		st = probe_image(r->real, r->path, &probe);
		if (st == STATUS_OK) {
			memcpy(r->sha256, probe.sha256, sizeof r->sha256);
			r->width = probe.info.width, r->height = probe.info.height;
			r->bytes = probe.bytes;
			r->format = xstrdup(img_format_name(probe.info.format));
		}
	}
	if (st != STATUS_OK)
		return st;
	if (!r->id)
		r->id = xstrdup(r->path ? r->path : r->url);
	for (size_t i = 0; i < sizeof own_fields / sizeof own_fields[0]; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(json, own_fields[i]);
	for (size_t i = 0; i < sizeof probe_fields / sizeof probe_fields[0]; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(json, probe_fields[i]);
	r->metadata = cJSON_PrintUnformatted(json);
	return STATUS_OK;
}

/* An id given to two images in one manifest is a mistake in the manifest:
 * whichever went in, the other would be lost as "already present". The same
 * image under its id twice is only a repeat. The image is its content hash,
 * else its path or URL. */
static Status check_id_once(Importer *im, const Record *r, long line)
{
	const char *image = r->sha256[0] ? r->sha256 : r->real ? r->real : r->url;
	long first;
	int same;
	Status st = db_seen_add(im->db, r->id, line, image, &first, &same);
	if (st == STATUS_OK && first && !same)
		st = status_fail(STATUS_ERR_INPUT,
				 "the id \"%s\" is given on line %ld to another "
				 "image; ids must be unique",
				 r->id, first);
	return st;
}

static Status import_record(Importer *im, cJSON *json, const char *file, long line)
{
	Record r = {0};
	DbItemNew item;
	Status st = check_record(im, json, &r);
	if (st == STATUS_OK)
		st = check_id_once(im, &r, line);
	if (st != STATUS_OK) {
		if (st != STATUS_ERR_DB)
			problem(im, "%s:%ld: %s", file, line, status_detail());
		record_free(&r);
		return st == STATUS_ERR_DB ? st : STATUS_OK;
	}
	item = (DbItemNew){
	    .external_id = r.id,
	    .path = r.real,
	    .url = r.url,
	    .sha256 = r.sha256[0] ? r.sha256 : NULL,
	    .format = r.format,
	    .width = (int)r.width,
	    .height = (int)r.height,
	    .bytes = r.bytes,
	    .title = r.title,
	    .category = r.category,
	    .metadata_json = r.metadata,
	    .has_image = 1,
	    .source = im->source,
	};
	st = add_item(im, &item);
	record_free(&r);
	return st;
}

static Status import_manifest(Importer *im, const char *path)
{
	ManifestReader *reader;
	cJSON *json;
	long line;
	Status st = manifest_open(path, &reader);
	if (st == STATUS_OK)
		st = db_seen_reset(im->db);
	if (st != STATUS_OK) {
		manifest_close(reader);
		return st;
	}
	for (;;) {
		st = manifest_next(reader, &json, &line);
		if (st == STATUS_ERR_INPUT) {
			im->report->records++;
			problem(im, "%s", status_detail());
			continue;
		}
		if (st != STATUS_OK || !json)
			break;
		im->report->records++;
		st = import_record(im, json, path, line);
		cJSON_Delete(json);
		if (st != STATUS_OK)
			break;
		progress(im);
	}
	manifest_close(reader);
	return st;
}

/* ---- folders ---- */

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

static Status import_file(Importer *im, const char *real, const char *rel)
{
	const char *base = strrchr(rel, '/'), *dot;
	const char *slash = strchr(rel, '/');
	char *title, *category;
	DbItemNew item;
	Probe probe;
	Status st;

	im->report->records++;
	if (!valid_utf8(rel)) {
		/* its id, title and category come from the name, and must be text */
		problem(im,
			"%s: the file name is not UTF-8 (Latin-1? rename the files, e.g. "
			"convmv -f latin1 -t utf8 -r --notest FOLDER)",
			rel);
		return STATUS_OK;
	}
	st = probe_image(real, rel, &probe);
	if (st == STATUS_ERR_FORMAT) {
		skipped(im,
			probe.info.format == IMG_FORMAT_UNKNOWN ? IMPORT_SKIP_NOT_IMAGE
								: IMPORT_SKIP_UNSUPPORTED,
			rel);
		return STATUS_OK;
	}
	if (st != STATUS_OK) {
		problem(im, "%s", status_detail());
		return st == STATUS_ERR_DB ? st : STATUS_OK;
	}
	base = base ? base + 1 : rel;
	dot = strrchr(base, '.');
	title = dot && dot != base ? xstrndup(base, (size_t)(dot - base)) : xstrdup(base);
	category = slash ? xstrndup(rel, (size_t)(slash - rel)) : NULL;
	item = (DbItemNew){
	    .external_id = rel,
	    .path = real,
	    .sha256 = probe.sha256,
	    .format = img_format_name(probe.info.format),
	    .width = probe.info.width,
	    .height = probe.info.height,
	    .bytes = probe.bytes,
	    .title = title,
	    .category = category,
	    .has_image = 1,
	    .source = im->source,
	};
	st = add_item(im, &item);
	free(title);
	free(category);
	progress(im);
	return st;
}

static int visible(const struct dirent *entry)
{
	return entry->d_name[0] != '.';
}

/* Visits DIR (REL from the top) in sorted order; links to folders are not
 * followed, links to files only when they stay inside the root. */
static Status walk(Importer *im, const char *dir, const char *rel, int depth)
{
	struct dirent **entries;
	int n = scandir(dir, &entries, visible, alphasort);
	Status st = STATUS_OK;

	if (n < 0)
		return status_fail(STATUS_ERR_IO, "%s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, entries[i]->d_name);
		char *sub =
		    rel ? xasprintf("%s/%s", rel, entries[i]->d_name) : xstrdup(entries[i]->d_name);
		char *real = NULL;
		struct stat lst, fst;
		if (st != STATUS_OK || lstat(path, &lst) != 0) {
			/* stop after a hard error; skip what vanished */
		} else if (S_ISDIR(lst.st_mode)) {
			if (depth < MAX_FOLDER_DEPTH)
				st = walk(im, path, sub, depth + 1);
			else
				problem(im, "%s: folders nested too deep", sub);
		} else if (S_ISLNK(lst.st_mode) || S_ISREG(lst.st_mode)) {
			real = realpath(path, NULL);
			if (!real || stat(real, &fst) != 0 || S_ISDIR(fst.st_mode))
				; /* a dangling link, or a link to a folder: not followed */
			else if (!inside(im->root, real))
				problem(im, "%s: a link to %s, outside the folder", sub, real);
			else if (S_ISREG(fst.st_mode))
				st = import_file(im, real, sub);
		}
		free(real);
		free(sub);
		free(path);
		free(entries[i]);
	}
	free(entries);
	return st;
}

/* ---- the whole file ---- */

static char *folder_of(const char *real_file)
{
	const char *slash = strrchr(real_file, '/');
	if (!slash || slash == real_file)
		return xstrdup("/");
	return xstrndup(real_file, (size_t)(slash - real_file));
}

static Status setup(Importer *im, const char *path, int is_folder)
{
	im->source = realpath(path, NULL);
	if (!im->source)
		return status_fail(STATUS_ERR_IO, "%s: %s", path, strerror(errno));
	im->base = is_folder ? xstrdup(im->source) : folder_of(im->source);
	im->root = realpath(im->options->root ? im->options->root : im->base, NULL);
	if (!im->root)
		return status_fail(STATUS_ERR_IO, "%s: %s", im->options->root, strerror(errno));
	return STATUS_OK;
}

Status import_path(Db *db, const char *path, const ImportOptions *options, ImportReport *report)
{
	Importer im = {.db = db, .options = options, .report = report};
	struct stat sb;
	Status st;

	memset(report, 0, sizeof *report);
	if (stat(path, &sb) != 0)
		return status_fail(errno == ENOENT ? STATUS_ERR_NOT_FOUND : STATUS_ERR_IO, "%s: %s",
				   path, strerror(errno));
	st = setup(&im, path, S_ISDIR(sb.st_mode));
	if (st == STATUS_OK)
		st = db_begin(db);
	if (st != STATUS_OK)
		goto out;
	st = S_ISDIR(sb.st_mode) ? walk(&im, im.source, NULL, 0) : import_manifest(&im, path);
	/* an empty manifest is most often the wrong file or a failed export, a
	 * folder without an image the wrong folder; import-ratings says the same
	 * of a file without ratings */
	if (st == STATUS_OK && !S_ISDIR(sb.st_mode) && report->records == 0)
		st = status_fail(STATUS_ERR_INPUT, "%s: nothing to import: the file has no records",
				 path);
	if (st == STATUS_OK && S_ISDIR(sb.st_mode) &&
	    report->records ==
		report->skipped[IMPORT_SKIP_NOT_IMAGE] + report->skipped[IMPORT_SKIP_UNSUPPORTED])
		st = status_fail(STATUS_ERR_INPUT,
				 "%s: nothing to import: no JPEG or PNG image in the "
				 "folder",
				 path);
	if (st == STATUS_OK && report->bad && !options->skip_bad)
		st = status_fail(STATUS_ERR_INPUT,
				 "%s: nothing imported: %ld bad %s (--skip-bad imports the rest)",
				 path, report->bad, report->bad == 1 ? "record" : "records");
	if (st == STATUS_OK)
		st = db_commit(db);
	if (st == STATUS_OK)
		report->committed = 1;
	else
		db_rollback(db);
out:
	free(im.source);
	free(im.base);
	free(im.root);
	return st;
}
