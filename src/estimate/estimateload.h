/* estimateload.h - the estimates' data read from a database
 * (src/estimate/estimate.h): the catalogue counted by LLM label, and the
 * sample, an audit's items or every reviewed item, with each item's human
 * label by the rule of estimate_human_label(). */
#ifndef GAVEL_ESTIMATELOAD_H
#define GAVEL_ESTIMATELOAD_H

#include "db/audits.h"
#include "db/database.h"
#include "src/estimate/estimate.h"

/* Where the sample comes from. */
typedef enum {
	ESTIMATE_SAMPLE_NONE,     /* no audit: only the LLM's share can be given */
	ESTIMATE_SAMPLE_AUDIT,    /* an audit's items */
	ESTIMATE_SAMPLE_REVIEWED, /* every reviewed item, declared a uniform sample */
} EstimateSampleKind;

typedef struct {
	long long audit_id;     /* the audit to use; 0: the newest */
	int reviewed_as_sample; /* every reviewed item is the sample (no audit) */
	int by_category;
} EstimateLoadOptions;

/* What the data came from, for the report's head. Owns what it holds. */
typedef struct {
	EstimateSampleKind kind;
	DbAudit audit; /* kind AUDIT */
	int K;
	char **names;    /* the scale: names[0] is label 1 */
	long long moved; /* audit items whose LLM label is no longer their stratum */
	long long
		joined; /* items the audit's design would draw from that came after its last draw */
} EstimateSource;

/* Reads the data into a new *data and describes it in *source (free both
 * whatever the status: estimate_data_free, estimate_source_free).
 * STATUS_ERR_NOT_FOUND for an audit that does not exist, STATUS_ERR_INPUT
 * for a database without a scale; db errors as db_*() report them. */
Status estimateload(Db *db, const EstimateLoadOptions *options, EstimateData **data,
		    EstimateSource *source);

void estimate_source_free(EstimateSource *source);

#endif
