/* export.h - the gold set: every settled item (or every item) of a
 * database written as JSONL, CSV or a Hugging Face imagefolder, with the
 * full provenance of its label, optional stratified splits, and a manifest
 * beside it; the same database and options give the same bytes, and
 * nothing is written outside the target folder (docs/export.md).
 *
 * The formats are a table of ExportOps (like the providers' ProviderOps):
 * a format creates its files in begin, writes one row at a time, and
 * completes them in finish. The columns every format writes are
 * src/export/columns.h's. */
#ifndef GAVEL_EXPORT_H
#define GAVEL_EXPORT_H

#include <stdint.h>

#include "db/database.h"
#include "db/export.h"
#include "db/votes.h"
#include "src/export/split.h"
#include "src/settle/settlement.h"

typedef struct ExportOps ExportOps;

/* What to export and how. Strings borrowed. */
typedef struct {
	const ExportOps *format;
	const char *out;           /* the target folder */
	int force;                 /* replace an earlier export in it */
	int link;                  /* imagefolder: hard-link images instead of copying */
	int all;                   /* unsettled items too (their label empty) */
	const char *category;      /* filters; NULL or 0: any */
	const char *since, *until; /* YYYY-MM-DD: the item's last decision, UTC */
	const char *const *reviewers;
	int n_reviewers;             /* items with a vote by one of them */
	long long prompt_version_id; /* the LLM answer from this prompt's runs (items without
				      * one are left out) */
	const char *prompt_ref;      /* how the user named it, for the manifest */
	long long run_id;            /* ... or from this run */
	SettleConfig settle;
	int has_split;
	SplitSpec split;
	uint64_t seed;
	const char *command_line; /* for the manifest */
	const char *version;      /* gavel's */
	/* Called now and then with rows done so far, and once per warning. */
	void (*on_progress)(void *arg, long long done);
	void (*on_warning)(void *arg, const char *message);
	void *arg;
} ExportOptions;

/* What was written. */
typedef struct {
	long long rows;                 /* written */
	long long items;                /* looked at */
	long long unsettled;            /* left out: not settled under the rule */
	long long filtered;             /* left out by a filter */
	long long no_image;             /* left out: the format needs an image file */
	long long per_split[SPLIT_MAX]; /* rows in each part */
	int too_few;                    /* labels with too few items for the split */
} ExportSummary;

/* The formats, NULL-terminated names in table order (for --format). */
extern const char *const export_format_names[];
const ExportOps *export_format_find(const char *name);

/* Writes the export. STATUS_ERR_EXISTS when the target exists and force is
 * not set (or holds files gavel did not write), STATUS_ERR_IO for the file
 * system, STATUS_ERR_INPUT for a label with too few items for the split
 * is not an error (it is in the manifest and a warning); database errors as
 * db/ reports them. */
Status export_run(Db *db, const ExportOptions *options, ExportSummary *summary);

/* ---- for the format files ---- */

typedef struct OutDir OutDir;

/* One row, everything borrowed for the call. */
typedef struct {
	const DbExportItem *item;       /* the item's fields and the LLM answer shown */
	const DbVoteItem *votes;        /* its votes and adjudication */
	SettleOutcome outcome;          /* label 0 when unsettled (with options->all) */
	const char *rule;               /* the rule's name */
	double posterior;               /* the Dawid-Skene posterior of the label (or of the
				     * best one when unsettled); < 0 when not fitted */
	const char *const *label_names; /* names[0] is label 1 */
	int n_labels;
	int part;                /* the split part, -1 without --split */
	const char *split;       /* its name, NULL without --split */
	const char *votes_json;  /* the votes as a JSON array */
	const char *reviewed_at; /* the latest vote's time, NULL when none */
	const char *verdict;     /* flawed if a reviewer said so, else sound if one
				     * did, else NULL */
} ExportRow;

/* What a format sees of the export. */
typedef struct {
	const ExportOptions *options;
	OutDir *dir;
	const char *const *label_names;
	int n_labels;
	const char *content_hash; /* db/export.h's, set before finish */
	void *state;              /* the format's own */
} ExportWriter;

struct ExportOps {
	const char *name;
	const char *summary;
	/* Whether the format can write the item (the imagefolder needs an image
	 * file of a type the datasets loader knows); NULL: every item. */
	int (*accepts)(const DbExportItem *item);
	Status (*begin)(ExportWriter *w);
	Status (*row)(ExportWriter *w, const ExportRow *row);
	/* Completes the files; summary has the counts per part. Frees state. */
	Status (*finish)(ExportWriter *w, const ExportSummary *summary);
	/* Frees the state after a failure; may be NULL. */
	void (*abandon)(ExportWriter *w);
};

extern const ExportOps jsonl_ops;       /* src/export/jsonlfmt.c */
extern const ExportOps csv_ops;         /* src/export/csvfmt.c */
extern const ExportOps imagefolder_ops; /* src/export/imagefolder.c */

#endif
