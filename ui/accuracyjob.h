/* accuracyjob.h - the review dashboard's rater accuracy table fitted in the
 * background: a worker thread, with a database connection of its own that
 * only reads, runs settlement_load_accuracy() (Dawid-Skene over every vote,
 * src/settle/settlement.h), so the dashboard is drawn at once and fills its
 * table when the fit arrives. As ui/retrain.h: the UI thread never waits
 * for it (but a scripted run may ask to); it learns of the end through a
 * file descriptor its poll() watches. The worker touches neither curses nor
 * the UI's database handle, and the fit it makes is handed over whole.
 *
 * One fit at a time. Stopping one (a new start, cancel, free) sets the
 * flag settlement_load_accuracy() looks at between items and between EM
 * iterations, and its result, if it still comes, is dropped. */
#ifndef GAVEL_ACCURACYJOB_H
#define GAVEL_ACCURACYJOB_H

#include "src/base/status.h"
#include "src/settle/settlement.h"

typedef struct AccuracyJob AccuracyJob;

/* A fitter for the database at db_path (copied). Nothing starts yet. Never
 * NULL. */
AccuracyJob *accuracyjob_new(const char *db_path);

/* Stops a fit under way and waits for the worker to see it (an item read
 * or an iteration: milliseconds), then frees; NULL is fine. */
void accuracyjob_free(AccuracyJob *job);

/* Starts a fit of the database as it is now. A fit under way is stopped
 * first and its result dropped (the wait as in accuracyjob_free). A thread
 * that cannot start ends the fit at once with STATUS_ERR_IO. */
void accuracyjob_start(AccuracyJob *job);

/* Stops the fit under way without waiting; a result not yet taken by
 * accuracyjob_poll() is dropped. Nothing when none runs. */
void accuracyjob_cancel(AccuracyJob *job);

/* Whether a fit is under way (started, not ended or stopped). */
int accuracyjob_busy(AccuracyJob *job);

/* Readable when a fit has ended (or was stopped: then poll finds nothing). */
int accuracyjob_fd(const AccuracyJob *job);

/* 1 when a fit ended since the last call (the fd is drained): *fit is the
 * settlement, the caller's, or NULL when it could not be made, and *status
 * (may be NULL) says why. Else 0. Never blocks. */
int accuracyjob_poll(AccuracyJob *job, Settlement **fit, Status *status);

/* Waits for the fit under way to end, for scripted runs that must see its
 * table (ui/reviewui.c's dump). Nothing when none runs. */
void accuracyjob_wait(AccuracyJob *job);

#endif
