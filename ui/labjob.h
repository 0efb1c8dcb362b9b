/* labjob.h - the prompt lab's work in the background of the review UI: a
 * rerun of a prompt version on the settled items (or the resumption of an
 * interrupted one) or a suggestion (src/lab/suggest.h), pumped a step at a
 * time from the UI's loop, so that the screens stay usable while requests
 * are in flight on curl's multi interface. One job at a time. */
#ifndef GAVEL_LABJOB_H
#define GAVEL_LABJOB_H

#include <stddef.h>
#include <stdint.h>

#include "db/database.h"
#include "src/lab/suggest.h"

typedef struct LabJob LabJob;

/* A new run of prompt version version_id with the settings of run
 * like_run, on the settled items (sample > 0: that many, stratified by
 * label with seed). */
Status labjob_rerun(Db *db, long long like_run, long long version_id, size_t sample, uint64_t seed,
		    LabJob **out);

/* Finishes run_id, interrupted earlier. */
Status labjob_resume(Db *db, long long run_id, LabJob **out);

/* Runs a planned suggestion; the job owns it from now on. */
Status labjob_suggest(Suggest *suggestion, LabJob **out);

/* Does what is ready within timeout_ms; 1 while work is left. */
int labjob_step(LabJob *job, int timeout_ms);

/* Where it stands, one line for the status line. */
void labjob_status(const LabJob *job, char *out, size_t size);

/* Asks it to stop: the run in progress is left interrupted (resumable). */
void labjob_cancel(LabJob *job);

/* What a finished job leaves: a line for the status line, and for a
 * suggestion the two labellers to compare on the test items ("" else). */
typedef struct {
	char summary[256];
	char compare_a[64], compare_b[64];
} LabJobResult;

/* Ends the job (stopping it if needed), frees it, and says how it went. */
Status labjob_finish(LabJob *job, LabJobResult *result);

#endif
