/* outdir.h - writing an export's files inside its target folder and
 * nowhere else: every file is created by name relative to a folder opened
 * once (openat), never over an existing file and never through a symbolic
 * link; names are single path components that gavel makes itself. */
#ifndef GAVEL_OUTDIR_H
#define GAVEL_OUTDIR_H

#include <stdio.h>

#include "src/base/status.h"

typedef struct OutDir OutDir;

/* Creates the folder at path (its parent must exist) and opens it. When
 * path exists: STATUS_ERR_EXISTS unless force; with force it must be a
 * folder holding nothing but names from ours (files, or folders of plain
 * files), which are removed first - never anything else. *out is the
 * caller's. */
Status outdir_open(const char *path, int force, const char *const *ours, OutDir **out);

/* Closes the folder and its subfolders; NULL-safe. */
void outdir_close(OutDir *dir);

/* Creates subfolder name and returns its handle in *sub (-1 is the folder
 * itself in the calls below). */
Status outdir_mkdir(OutDir *dir, const char *name, int *sub);

/* A new file name in sub, open for writing (the caller fcloses it). */
Status outdir_create(OutDir *dir, int sub, const char *name, FILE **out);

/* Puts a copy of the file at source (or, with link, a hard link to it)
 * into sub as name. STATUS_ERR_IO with "SOURCE: why" (a link across file
 * systems says to leave --link out). */
Status outdir_place(OutDir *dir, int sub, const char *name, const char *source, int link);

/* Writes len bytes to a new file name in sub. */
Status outdir_write(OutDir *dir, int sub, const char *name, const char *data, size_t len);

const char *outdir_path(const OutDir *dir);

#endif
