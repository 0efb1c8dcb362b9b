/* audit.h - drawing an audit and growing one: the population read from the
 * database, the sizes shared among strata, the next items in draw order
 * taken (src/estimate/draw.h), and everything written in one transaction
 * (db/audits.h). docs/estimates.md explains when to use which design. */
#ifndef GAVEL_AUDIT_H
#define GAVEL_AUDIT_H

#include <stdint.h>

#include "db/audits.h"
#include "db/database.h"

/* What to draw. For a new audit (grow 0) design, seed, blind and name are
 * used; growing keeps the audit's own. size is the total size wanted, or
 * -1 when every stratum's size is given; stratum_size (NULL, or K + 1
 * entries indexed by LLM label, -1 for unset) fixes strata of an audit by
 * LLM label. */
typedef struct {
	long long grow;   /* the audit to grow, 0 for a new one */
	const char *name; /* NULL for none */
	DbAuditDesign design;
	uint64_t seed;
	int blind;
	long long size;
	const long long *stratum_size;
} AuditDrawOptions;

/* What a draw did. */
typedef struct {
	long long id;          /* the audit */
	long long added, size; /* items this draw added; the audit's size now */
	long long population;  /* items it was drawn from */
	long long moved;       /* held items whose LLM label left their stratum */
} AuditDrawResult;

/* Draws a new audit, or grows options->grow to the sizes asked for, in one
 * IMMEDIATE transaction. STATUS_ERR_USAGE for sizes that cannot be drawn
 * (the detail names the stratum by its label), STATUS_ERR_NOT_FOUND for an
 * audit that does not exist, STATUS_ERR_INPUT for a database without a
 * scale or with nothing to draw from; db errors as db_*() give them. */
Status audit_draw(Db *db, const AuditDrawOptions *options, AuditDrawResult *result);

#endif
