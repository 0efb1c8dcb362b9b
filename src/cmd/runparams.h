/* runparams.h - what a labelling run keeps of how it was started (runs.params),
 * declared once as a table, so that --resume runs it the same way. Two kinds:
 * how the run is driven (concurrency, attempts, timeout, backoff), which a
 * flag given on --resume overrides for that session, with a note; and what
 * shapes the answers (temperature, max tokens, image size, JSON mode), which
 * stay the run's own so that its answers remain comparable, with a warning
 * when a flag tries to change them. */
#ifndef GAVEL_RUNPARAMS_H
#define GAVEL_RUNPARAMS_H

struct cJSON;

/* A field holds RUNPARAMS_UNSET until a flag, the stored run or the default
 * gives it a value. */
#define RUNPARAMS_UNSET (-1)

typedef struct {
	double temperature; /* < 0: the provider's default */
	int max_tokens;     /* 0: the provider's default */
	int max_image_px;   /* long side of the image sent */
	int json_mode;      /* ask for a JSON object where the API can */
	int concurrency;    /* requests in flight */
	int max_attempts;   /* per item */
	double timeout_s;   /* per request */
	double backoff_s;   /* the first retry's delay */
} RunParams;

/* Every field RUNPARAMS_UNSET, before the options are parsed into it. */
void runparams_unset(RunParams *p);

/* Gives every field still unset its default (concurrency 8, 5 attempts,
 * 120 s, 1 s backoff, 1024 px, JSON mode on, the provider's temperature and
 * max tokens). */
void runparams_default(RunParams *p);

/* Adds the parameters to json (an object), as --resume reads them back. */
void runparams_store(const RunParams *p, struct cJSON *json);

/* For --resume of run_id: takes the stored values (json, NULL for none)
 * into the fields no flag gave; a flag that overrides a stored value is
 * noted on stderr ("--concurrency 2 for this session; run 3 was started
 * with 8"), and a flag that would change the answers is ignored with a
 * warning. Then gives the rest their defaults. */
void runparams_resume(RunParams *p, const struct cJSON *json, long long run_id);

#endif
