/* import.h - adding items to the database from a folder of images or a JSONL
 * or CSV manifest. A file's items go in all together or not at all: one bad
 * line imports nothing from the file unless skip_bad is set. */
#ifndef GAVEL_IMPORT_H
#define GAVEL_IMPORT_H

#include "db/database.h"

/* Why a file of a folder was passed over. */
typedef enum {
	IMPORT_SKIP_NOT_IMAGE,	 /* not an image (or an empty file) */
	IMPORT_SKIP_UNSUPPORTED, /* an image gavel cannot decode: GIF, BMP, PNM, WebP, TIFF, HEIF */
	IMPORT_SKIP_COUNT
} ImportSkip;

typedef struct {
	int skip_bad;	  /* import the good records, report the bad */
	int no_probe;	  /* don't open the images: trust the manifest's sha256/width/height */
	const char *root; /* images must be inside this folder; default the manifest's own */
	/* Called for every bad record with "FILE:LINE: what is wrong". */
	void (*on_problem)(void *arg, const char *message);
	/* Called for every file of a folder passed over, with its path from the
	 * folder and "PATH: why". */
	void (*on_skip)(void *arg, ImportSkip why, const char *path, const char *detail);
	/* Called every few hundred records with the number read so far. */
	void (*on_progress)(void *arg, long records);
	void *arg;
} ImportOptions;

typedef struct {
	long records; /* records (manifest lines or image files) read */
	long added;
	long same_id;			 /* already present: same external id */
	long same_content;		 /* already present: same content hash */
	long bad;			 /* records with a problem */
	long skipped[IMPORT_SKIP_COUNT]; /* folder import: files passed over */
	int committed;			 /* whether the file's items went in */
} ImportReport;

/* Imports PATH, a folder (recursive) or a manifest, into db. In a manifest
 * an image gavel cannot decode is a bad record; in a folder it is passed
 * over (on_skip). Returns STATUS_ERR_INPUT when bad records kept the file
 * out (the report says how many) or when there was nothing to import (a
 * manifest without records, a folder without a JPEG or PNG), another error
 * when reading or the database failed; the database is unchanged then. */
Status import_path(Db *db, const char *path, const ImportOptions *options, ImportReport *report);

#endif
