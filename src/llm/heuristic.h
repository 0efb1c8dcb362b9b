/* heuristic.h - the offline `heuristic` labeller: it measures an image
 * (src/features.h) and answers in the same JSON an LLM is asked for, with a
 * rationale that cites the measurements and says it is not a model's
 * judgement. No network, deterministic: the same image gives the same bytes.
 * The rules (thresholds and points) are one table in heuristic.c and are
 * documented, with their calibration on samples/, in docs/heuristic.md. */
#ifndef GAVEL_HEURISTIC_H
#define GAVEL_HEURISTIC_H

#include "src/img/features.h"
#include "src/base/status.h"

/* Every rationale starts with this. */
#define HEURISTIC_PREFIX "Heuristic (not a model): "

/* The quality scale the rules work on, 1 (unusable) .. 5 (excellent). */
#define HEURISTIC_QUALITY_MAX 5

/* The verdict on one image. */
typedef struct {
	int quality;	   /* 1..HEURISTIC_QUALITY_MAX: the top minus the points lost, clamped */
	int points;	   /* points lost, >= 0 */
	double confidence; /* 0.5 (measurements at the thresholds) .. 0.9 (far from them) */
} HeuristicVerdict;

/* Applies the rules to measured features. Pure; never fails. */
void heuristic_judge(const Features *features, HeuristicVerdict *out);

/* Maps a quality 1..HEURISTIC_QUALITY_MAX proportionally onto a scale of
 * levels (>= 2): 1 + round((quality - 1) (levels - 1) / 4), halves rounding
 * up; so a 3-level scale gets 1,2,2,3,3 for qualities 1..5. Out-of-range
 * input is clamped. */
int heuristic_scale_level(int quality, int levels);

/* The JSON answer for measured features on a scale of scale_count names
 * (names[0] is value 1):
 *   {"aspects":{"clarity":"...","context":"...","photography":"..."},
 *    "rationale":"Heuristic (not a model): ...","score":N,"label":"NAME",
 *    "confidence":C,"provider":"heuristic"}
 * On success *reply_json is a new string the caller frees. STATUS_ERR_INPUT
 * with a detail when the scale has fewer than 2 levels or a NULL name;
 * *reply_json is NULL then. */
Status heuristic_answer_features(const Features *features, const char *const *scale_names,
				 int scale_count, char **reply_json);

/* Measures the image at image_path (features_measure_file()) and writes
 * heuristic_answer_features()'s JSON. When the image cannot be read or
 * decoded the status and detail are those of src/img.h (the caller records
 * a failed item); *reply_json is NULL then. */
Status heuristic_answer(const char *image_path, const char *const *scale_names, int scale_count,
			char **reply_json);

#endif
