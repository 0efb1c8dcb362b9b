/* ratingformats.h - the formats `gavel import-ratings` reads, as a table:
 * each turns a file into rating records (item, rater, label text, time)
 * and leaves checking and storing them to src/import/ratings.c.
 *
 *   table         CSV or JSONL with item, rater, label and optionally time
 *   gavel         gavel's own export (JSONL or CSV, docs/export.md): every
 *                 vote, the adjudication and the LLM's answer of each row
 *   label-studio  a Label Studio JSON export (a JSON array of tasks):
 *                 each annotation's "choices" (or "rating") result
 *   prodigy       Prodigy JSONL: "accept" (choice tasks) or "label" with
 *                 "answer": "accept" (binary tasks); reject and ignore give
 *                 no rating */
#ifndef GAVEL_RATINGFORMATS_H
#define GAVEL_RATINGFORMATS_H

#include "src/base/status.h"

typedef enum {
	RATING_HUMAN,       /* a reviewer's label: a review */
	RATING_LLM,         /* a model's label: a prediction of an imported run */
	RATING_ADJUDICATION /* an adjudicator's final label */
} RatingKind;

/* One rating as the file gives it; strings borrowed for the call. label is
 * text (a number or a name; the importer maps it onto the scale); time and
 * reason may be NULL. */
typedef struct {
	RatingKind kind;
	const char *item, *rater, *label, *time, *reason;
	long line;
} RatingRecord;

/* Where a format's reader sends what it reads. */
typedef struct {
	/* a rating; a status other than STATUS_OK stops the reading */
	Status (*take)(void *ctx, const RatingRecord *record);
	/* a record that is not a rating the format knows ("FILE:LINE: why") */
	void (*bad)(void *ctx, const char *message);
	/* a record that holds no rating on purpose (a rejected Prodigy task, a
	 * cancelled Label Studio annotation): counted, not an error */
	void (*passed)(void *ctx);
	void *ctx;
	const char *item_field; /* the field naming the item, or NULL: the format's */
} RatingSink;

typedef struct {
	const char *name;
	const char *summary;
	Status (*read)(const char *path, const RatingSink *sink);
} RatingFormat;

/* The format called name, or NULL. */
const RatingFormat *ratingformats_find(const char *name);

/* The format of the file at path, by a look at its start: a JSON array is
 * label-studio; a first record with "votes" is gavel, with "answer" is
 * prodigy; anything else is table. STATUS_ERR_IO when it cannot be read. */
Status ratingformats_detect(const char *path, const RatingFormat **format);

/* Their names, NULL-terminated, in the order of the table (for --format). */
extern const char *const ratingformats_names[];

#endif
