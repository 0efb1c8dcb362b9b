/* manifest.h - reading JSONL and CSV manifests one record at a time, as JSON
 * objects, so the importer checks both kinds the same way and memory stays
 * flat however long the file is. */
#ifndef GAVEL_MANIFEST_H
#define GAVEL_MANIFEST_H

#include <cJSON.h>

#include "src/base/status.h"

typedef struct ManifestReader ManifestReader;

typedef enum { MANIFEST_JSONL, MANIFEST_CSV } ManifestKind;

/* A line longer than this is refused rather than read into memory. */
enum { MANIFEST_MAX_LINE = 1 << 20 };

/* Opens PATH; the kind comes from the extension (.jsonl/.ndjson/.json or
 * .csv), else from the first character ('{' means JSONL). STATUS_ERR_IO or
 * STATUS_ERR_INPUT (an empty file, a CSV without a header) with a detail. On
 * success *out is owned by the caller (manifest_close). */
Status manifest_open(const char *path, ManifestReader **out);

/* Reads the next record into *record (a JSON object, owned by the caller;
 * NULL at the end of the file) and its first line number into *line.
 * A bad record gives STATUS_ERR_INPUT with the detail "FILE:LINE: what is
 * wrong"; reading may go on with the next one. STATUS_ERR_IO is final.
 * CSV values are strings; empty CSV values are left out of the record. */
Status manifest_next(ManifestReader *reader, cJSON **record, long *line);

/* Closes the reader; NULL is fine. */
void manifest_close(ManifestReader *reader);

ManifestKind manifest_kind(const ManifestReader *reader);

#endif
