/* runlist.h - the labelling runs as `gavel label --list` and `gavel stats`
 * show them: each run's state as a user needs it (a run marked running whose
 * process is gone has died: kill -9, a crash, a reboot) and, for each
 * unfinished one (interrupted, failed or died), the exact command that
 * finishes it. */
#ifndef GAVEL_RUNLIST_H
#define GAVEL_RUNLIST_H

#include <stdio.h>

#include "db/database.h"

struct cJSON;

/* The command that finishes run_id of the database at db_path, with the
 * path made absolute and quoted for a POSIX shell where it needs it, so it
 * can be pasted anywhere. Newly allocated. */
char *runlist_resume_command(const char *db_path, long long run_id);

/* Prints the runs (all, or only the unfinished) to out as a table, then the
 * command that finishes each unfinished one. Strings from the database are
 * cleaned (src/base/out.h). */
Status runlist_print(Db *db, const char *db_path, int unfinished_only, FILE *out);

/* The same as a new JSON array (the caller's to cJSON_Delete): one object
 * per run with id, state, alive, pid, provider, model, prompt, planned, done,
 * started_at, finished_at, and resume (the command) when unfinished. */
Status runlist_json(Db *db, const char *db_path, int unfinished_only, struct cJSON **out);

#endif
