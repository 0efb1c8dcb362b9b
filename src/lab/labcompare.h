/* labcompare.h - two labellers of the lab compared on the settled items
 * both labelled (src/agree/compare.h does the statistics): the items with
 * their classes and categories, B's self-consistency on each, what the
 * re-review queue made of the items this comparison sent back, and the
 * sending itself. What `gavel prompts compare` and the comparison screen
 * show. */
#ifndef GAVEL_LABCOMPARE_H
#define GAVEL_LABCOMPARE_H

#include <stddef.h>

#include "db/database.h"
#include "db/recheck.h"
#include "src/agree/compare.h"
#include "src/lab/labdata.h"

/* One item both labelled. */
typedef struct {
	long long item;
	int human, a, b;        /* labels on 1..K */
	int category;           /* index into categories, -1 for none */
	int b_answers, b_votes; /* B's answers on the scale, and those that gave its label */
	CompareClass cls;
	char *external_id; /* owned */
} LabPair;

/* Which items a comparison sends back to review, declared once: id, the
 * word (--send, and the reason stored), what it means. */
#define LABCOMPARE_SEND_LIST(X)                                                                 \
	X(BROKEN, "broken", "A was right and B is wrong")                                       \
	X(DISAGREES, "disagrees", "B's label is not the settled one (unanimous answers first)") \
	X(UNANIMOUS, "unanimous", "B's label is not the settled one though all its answers agree")

typedef enum {
#define LABCOMPARE_SEND_ENUM(id, word, help) LABCOMPARE_SEND_##id,
	LABCOMPARE_SEND_LIST(LABCOMPARE_SEND_ENUM)
#undef LABCOMPARE_SEND_ENUM
		LABCOMPARE_SEND_COUNT
} LabSend;

/* The --send words, NULL-terminated, and each one's meaning. */
extern const char *const labcompare_send_words[];
const char *labcompare_send_help(LabSend kind);

typedef struct {
	const LabLabeller *a, *b; /* borrowed from the LabData */
	char *source;             /* "REF_A REF_B": names this comparison in the recheck table */
	int K;
	const char *const *names; /* the scale's names, borrowed */
	LabPair *items;           /* ascending item id */
	size_t n;
	long only_a, only_b; /* settled items only one of them labelled */
	char **categories;
	int n_categories;
	CompareOptions options;
	CompareResult result;
	DbRecheckSummary recheck; /* the items this comparison sent back before */
} LabComparison;

/* Compares labellers ia (A) and ib (B) of d (their answers read here) on
 * the settled items both labelled; opt as compare_run takes it (NULL for the
 * defaults). *out is the caller's (labcompare_free). STATUS_ERR_INPUT when
 * no item is left to compare, with a detail saying why. */
Status labcompare_run(Db *db, LabData *d, int ia, int ib, const CompareOptions *opt,
		      LabComparison **out);

/* Sends the items of kind back to review, in the order the kind gives;
 * *sent gets how many. */
Status labcompare_send(Db *db, const LabComparison *c, LabSend kind, long *sent);

/* Whether item i is one of kind. */
int labcompare_is(const LabComparison *c, size_t i, LabSend kind);

void labcompare_free(LabComparison *c);

#endif
