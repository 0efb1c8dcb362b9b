/* labrerun.h - reruns for the prompt lab: a new run of a prompt version
 * with the labeller, model and parameters of an earlier run, planned on
 * the settled items (all, a stratified sample, or chosen ones), and what it
 * takes to run it (provider, configuration, prompt, scale). The lab screen's
 * background rerun and gavel prompts suggest start their runs here; gavel
 * label --settled plans with labrerun_settled. */
#ifndef GAVEL_LABRERUN_H
#define GAVEL_LABRERUN_H

#include <stddef.h>
#include <stdint.h>

#include "db/database.h"
#include "db/items.h"
#include "src/llm/labelrun.h"
#include "src/llm/prompt.h"
#include "src/llm/provider.h"

/* The settled items in id order with their labels (new arrays, the
 * caller's to free), or a sample of them: sample > 0 draws that many,
 * stratified by label with seed (src/lab/labsample.h). */
Status labrerun_settled(Db *db, size_t sample, uint64_t seed, long long **ids, int **labels,
			size_t *n);

/* How a rerun's items were drawn, kept in its parameters so the draw can be
 * repeated: sample 0 when they are not a sample of the settled items. */
typedef struct {
	size_t sample;
	uint64_t seed;
} LabDraw;

/* Creates a run of prompt version version_id (0: like_run's own) with the
 * labeller, model and parameters of run like_run, asking each of the n
 * items repeats times (0: like_run's count), and plans it, in one
 * transaction; *run_id gets it. draw (or NULL) says how the items were
 * drawn. */
Status labrerun_create(Db *db, long long like_run, long long version_id, const long long *items,
		       size_t n, int repeats, const LabDraw *draw, long long *run_id);

/* What it takes to run a run; everything owned (labrerun_setup_free). */
typedef struct {
	long long run_id;
	const ProviderOps *ops;
	ProviderConfig config; /* its strings point into the fields below */
	char *base_url, *model, *api_key;
	int max_image_px;
	Prompt *prompt; /* NULL for a labeller that needs none */
	DbScale scale;
	int has_price;
	double price_in, price_out;
} LabRunSetup;

/* Reads run_id's provider, model, parameters and prompt. api_key: the key
 * to use, else (NULL) the provider's environment variable. Fails with a
 * detail when the provider is unknown or an HTTP labeller has no prompt. */
Status labrerun_setup(Db *db, long long run_id, const char *api_key, LabRunSetup *out);
void labrerun_setup_free(LabRunSetup *setup);

/* Label options for a setup: the lab's defaults (8 in flight, 5 attempts,
 * 120 s per request, the cache used). The caller adds callbacks and stop. */
LabelOptions labrerun_options(const LabRunSetup *setup);

/* The latest run of labeller runs that had a prompt (for settings), from
 * the given ids (ascending); 0 when none. */
long long labrerun_latest(const long long *runs, int n);

#endif
