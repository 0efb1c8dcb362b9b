/* heuristic.c - the offline labeller (see heuristic.h). Every rule is a row
 * of one table: which measurement, which way is bad, two thresholds and the
 * points each costs, and the words the rationale uses. The answer starts at
 * the top of a 1..5 quality scale and loses points; docs/heuristic.md is the
 * same table in prose, with the calibration on samples/. */
#include "src/llm/heuristic.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "src/base/xalloc.h"

/* A plain border at least this share in one colour is a backdrop: clipping
 * there is a white (or black) background chosen on purpose, not lost
 * highlights or shadows. */
#define BACKDROP_PLAINNESS 0.4
/* Confidence looks at this many rules, those nearest their thresholds. */
#define CONFIDENCE_RULES 3

typedef enum {
	ASPECT_CLARITY,
	ASPECT_CONTEXT,
	ASPECT_PHOTOGRAPHY,
	ASPECT_COUNT
} Aspect;

static const char *const aspect_keys[ASPECT_COUNT] = { "clarity", "context", "photography" };

/* What a rule reads, in the unit it is shown in. */
typedef enum {
	READ_EXPOSURE,
	READ_CONTRAST,
	READ_CLIP_BRIGHT_PERCENT,
	READ_CLIP_DARK_PERCENT,
	READ_COLOURFULNESS,
	READ_SHARPNESS,
	READ_NOISE,
	READ_MEGAPIXELS,
	READ_EDGE_PERCENT,
	READ_PLAINNESS,
	READ_OFF_CENTRE,
	READ_ASPECT,
} Reading;

/* One rule. Values below (with high_is_bad: above) mild cost mild_points;
 * beyond severe they cost severe_points instead (severe_points 0: one level
 * only). Thresholds are in the unit of the reading. */
typedef struct {
	Aspect aspect;
	const char *name;
	Reading reading;
	const char *fmt; /* printf format of the reading */
	int high_is_bad;
	double mild, severe;
	int mild_points, severe_points;
	const char *ok_word, *mild_word, *severe_word;
	double spread;  /* distance from a threshold that counts as sure */
	int log_scale;  /* distances in decades */
	int backdrop;   /* waived when the border is a backdrop */
} Rule;

/* The rules, in the order the rationale cites them; docs/heuristic.md has
 * the same table and the calibration on samples/ behind each threshold. */
/* clang-format off */
static const Rule rules[] = {
	/* aspect, name, reading, format, high_is_bad, mild, severe, points,
	 * words (ok, mild, severe), spread, log_scale, backdrop */
	{ ASPECT_PHOTOGRAPHY, "mean brightness", READ_EXPOSURE, "%.2f", 0, 0.22, 0.12, 1, 2,
	  "ok", "dark", "very dark", 0.08, 0, 0 },
	{ ASPECT_PHOTOGRAPHY, "contrast", READ_CONTRAST, "%.2f", 0, 0.12, 0.07, 1, 2,
	  "ok", "flat", "very flat", 0.04, 0, 0 },
	{ ASPECT_PHOTOGRAPHY, "bright clipping", READ_CLIP_BRIGHT_PERCENT, "%.0f%%", 1, 5, 15, 1, 2,
	  "ok", "blown highlights", "badly blown highlights", 5, 0, 1 },
	{ ASPECT_PHOTOGRAPHY, "dark clipping", READ_CLIP_DARK_PERCENT, "%.0f%%", 1, 8, 25, 1, 2,
	  "ok", "crushed shadows", "badly crushed shadows", 5, 0, 1 },
	{ ASPECT_PHOTOGRAPHY, "colourfulness", READ_COLOURFULNESS, "%.0f", 0, 2, 0, 1, 0,
	  "ok", "no colour", NULL, 10, 0, 0 },
	{ ASPECT_CLARITY, "sharpness", READ_SHARPNESS, "%.0f", 0, 40, 10, 1, 2,
	  "sharp", "soft", "blurred", 0.5, 1, 0 },
	{ ASPECT_CLARITY, "noise", READ_NOISE, "%.1f", 1, 1.8, 2.8, 1, 2,
	  "clean", "grainy", "very grainy", 0.5, 0, 0 },
	{ ASPECT_CLARITY, "size", READ_MEGAPIXELS, "%.2f MP", 0, 0.05, 0.01, 1, 2,
	  "ok", "small", "tiny", 0.5, 1, 0 },
	{ ASPECT_CLARITY, "edge density", READ_EDGE_PERCENT, "%.1f%%", 0, 1, 0, 1, 0,
	  "ok", "little detail: subject small or missing", NULL, 0.5, 1, 0 },
	{ ASPECT_CONTEXT, "border plain", READ_PLAINNESS, "%.2f", 0, 0.45, 0.30, 1, 2,
	  "plain", "busy background", "cluttered background", 0.1, 0, 0 },
	{ ASPECT_CONTEXT, "off-centre", READ_OFF_CENTRE, "%.2f", 1, 0.48, 0.62, 1, 2,
	  "centred", "off-centre", "far off-centre", 0.1, 0, 0 },
	{ ASPECT_CONTEXT, "aspect", READ_ASPECT, "%.1f:1", 1, 2.5, 4, 1, 2,
	  "ok", "elongated", "very elongated", 0.5, 0, 0 },
};
/* clang-format on */

static double reading_value(const Features *f, Reading reading)
{
	switch (reading) {
	case READ_EXPOSURE: return f->exposure;
	case READ_CONTRAST: return f->contrast;
	case READ_CLIP_BRIGHT_PERCENT: return 100 * f->clip_bright;
	case READ_CLIP_DARK_PERCENT: return 100 * f->clip_dark;
	case READ_COLOURFULNESS: return f->colourfulness;
	case READ_SHARPNESS: return f->sharpness;
	case READ_NOISE: return f->noise;
	case READ_MEGAPIXELS: return pow(10, f->resolution);
	case READ_EDGE_PERCENT: return 100 * f->edge_density;
	case READ_PLAINNESS: return f->border_plainness;
	case READ_OFF_CENTRE: return f->off_centre;
	case READ_ASPECT: return f->aspect;
	}
	return 0;
}

enum { RULE_COUNT = sizeof rules / sizeof rules[0] };

/* What one rule said about one image. */
typedef struct {
	double value;
	int level;  /* 0 ok, 1 mild, 2 severe */
	int waived; /* a backdrop rule on a backdrop: its level costs nothing */
	int points;
	const char *word;
} Finding;

static int beyond(const Rule *r, double v, double threshold)
{
	return r->high_is_bad ? v > threshold : v < threshold;
}

static int level_points(const Rule *r, int level)
{
	return level == 2 ? r->severe_points : level == 1 ? r->mild_points : 0;
}

static void apply(const Rule *r, const Features *f, Finding *out)
{
	static const char waived_word[] = "on a plain backdrop, not counted";
	const char *words[] = { r->ok_word, r->mild_word, r->severe_word };

	out->value = reading_value(f, r->reading);
	out->level = 0;
	if (r->severe_points && beyond(r, out->value, r->severe))
		out->level = 2;
	else if (beyond(r, out->value, r->mild))
		out->level = 1;
	out->waived = r->backdrop && f->border_plainness >= BACKDROP_PLAINNESS;
	out->points = out->waived ? 0 : level_points(r, out->level);
	out->word = out->waived && out->level ? waived_word : words[out->level];
}

static int quality_of(int points)
{
	return points < HEURISTIC_QUALITY_MAX - 1 ? HEURISTIC_QUALITY_MAX - points : 1;
}

/* How sure one rule is of its part in the score: the distance from its
 * nearest threshold in spreads, 0 .. 1; 1 when crossing that threshold would
 * leave the quality as it is (the image is already at the bottom). */
static double sureness(const Rule *r, const Finding *fd, int total)
{
	double v = fd->value, mild = r->mild, severe = r->severe, d_mild, d_severe;
	int to, crossed;

	if (r->log_scale) {
		/* A floor keeps log10 finite for a flat or empty image. */
		v = log10(fmax(v, 1e-6));
		mild = log10(mild);
		severe = r->severe_points ? log10(severe) : mild;
	}
	d_mild = fabs(v - mild);
	d_severe = r->severe_points ? fabs(v - severe) : INFINITY;
	if (d_severe < d_mild)
		to = fd->level == 2 ? 1 : 2;
	else
		to = fd->level == 0 ? 1 : 0;
	crossed = total - level_points(r, fd->level) + level_points(r, to);
	if (quality_of(crossed) == quality_of(total))
		return 1;
	return fmin(1, fmin(d_mild, d_severe) / r->spread);
}

/* The mean of the CONFIDENCE_RULES smallest sureness values: the decisions
 * nearest to flipping say how firm the score is; the many rules an image
 * passes by a mile say little. */
static double firmness(double *sure, int n)
{
	double sum = 0;
	int k = n < CONFIDENCE_RULES ? n : CONFIDENCE_RULES;

	/* A partial selection sort: n is a dozen. */
	for (int i = 0; i < k; i++) {
		for (int j = i + 1; j < n; j++) {
			if (sure[j] < sure[i]) {
				double t = sure[i];

				sure[i] = sure[j];
				sure[j] = t;
			}
		}
		sum += sure[i];
	}
	return k ? sum / k : 1;
}

static void judge_all(const Features *f, Finding findings[RULE_COUNT], HeuristicVerdict *out)
{
	double sure[RULE_COUNT];
	int counted = 0;

	out->points = 0;
	for (int i = 0; i < RULE_COUNT; i++) {
		apply(&rules[i], f, &findings[i]);
		out->points += findings[i].points;
	}
	out->quality = quality_of(out->points);
	for (int i = 0; i < RULE_COUNT; i++)
		if (!findings[i].waived)
			sure[counted++] = sureness(&rules[i], &findings[i], out->points);
	/* Rounded to hundredths so the JSON prints a short, stable number. */
	out->confidence = round(100 * (0.5 + 0.4 * firmness(sure, counted))) / 100;
}

void heuristic_judge(const Features *features, HeuristicVerdict *out)
{
	Finding findings[RULE_COUNT];

	judge_all(features, findings, out);
}

int heuristic_scale_level(int quality, int levels)
{
	if (levels < 1)
		levels = 1;
	if (quality < 1)
		quality = 1;
	if (quality > HEURISTIC_QUALITY_MAX)
		quality = HEURISTIC_QUALITY_MAX;
	/* Integer form of round-half-up of (q - 1)(K - 1) / (Q - 1). */
	return 1 + ((quality - 1) * (levels - 1) * 2 + (HEURISTIC_QUALITY_MAX - 1)) /
			   (2 * (HEURISTIC_QUALITY_MAX - 1));
}

/* Appends "; " (unless first) and "NAME VALUE (WORD[, -N])" to a text. */
static void cite(char **text, const Rule *r, const Finding *fd, const Features *f)
{
	char value[64], *old = *text;

	/* The pixel size says more to a reviewer than megapixels alone. */
	if (r->reading == READ_MEGAPIXELS)
		snprintf(value, sizeof value, "%dx%d, %.2f MP", f->width, f->height, fd->value);
	else
		snprintf(value, sizeof value, r->fmt, fd->value);
	if (fd->points)
		*text = xasprintf("%s%s%s %s (%s, -%d)", old ? old : "", old ? "; " : "", r->name,
				  value, fd->word, fd->points);
	else
		*text = xasprintf("%s%s%s %s (%s)", old ? old : "", old ? "; " : "", r->name, value,
				  fd->word);
	free(old);
}

static char *rationale_text(const Features *f, const Finding *findings,
			    const HeuristicVerdict *v, int score, int levels, const char *label)
{
	char *list = NULL, *text;

	for (int i = 0; i < RULE_COUNT; i++)
		cite(&list, &rules[i], &findings[i], f);
	text = xasprintf("%s%s. Starting from %d and losing %d point%s gives quality %d of %d, "
			 "which is %d of %d (%s) on this scale.",
			 HEURISTIC_PREFIX, list, HEURISTIC_QUALITY_MAX, v->points,
			 v->points == 1 ? "" : "s", v->quality, HEURISTIC_QUALITY_MAX, score,
			 levels, label);
	free(list);
	return text;
}

static cJSON *aspects_object(const Features *f, const Finding *findings)
{
	cJSON *aspects = cJSON_CreateObject();

	for (int a = 0; a < ASPECT_COUNT; a++) {
		char *text = NULL;

		for (int i = 0; i < RULE_COUNT; i++)
			if (rules[i].aspect == (Aspect)a)
				cite(&text, &rules[i], &findings[i], f);
		cJSON_AddStringToObject(aspects, aspect_keys[a], text);
		free(text);
	}
	return aspects;
}

static Status check_scale(const char *const *names, int count)
{
	if (!names || count < 2)
		return status_fail(STATUS_ERR_INPUT,
				   "the heuristic needs a scale of 2 or more levels");
	for (int i = 0; i < count; i++)
		if (!names[i])
			return status_fail(STATUS_ERR_INPUT, "scale level %d has no name", i + 1);
	return STATUS_OK;
}

Status heuristic_answer_features(const Features *features, const char *const *scale_names,
				 int scale_count, char **reply_json)
{
	Finding findings[RULE_COUNT];
	HeuristicVerdict v;
	cJSON *root;
	char *rationale;
	const char *label;
	int score;
	Status st;

	*reply_json = NULL;
	st = check_scale(scale_names, scale_count);
	if (st != STATUS_OK)
		return st;
	judge_all(features, findings, &v);
	score = heuristic_scale_level(v.quality, scale_count);
	label = scale_names[score - 1];
	rationale = rationale_text(features, findings, &v, score, scale_count, label);
	root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "aspects", aspects_object(features, findings));
	cJSON_AddStringToObject(root, "rationale", rationale);
	cJSON_AddNumberToObject(root, "score", score);
	cJSON_AddStringToObject(root, "label", label);
	cJSON_AddNumberToObject(root, "confidence", v.confidence);
	cJSON_AddStringToObject(root, "provider", "heuristic");
	*reply_json = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	free(rationale);
	if (!*reply_json)
		xdie("out of memory");
	return STATUS_OK;
}

Status heuristic_answer(const char *image_path, const char *const *scale_names, int scale_count,
			char **reply_json)
{
	Features f;
	Status st;

	*reply_json = NULL;
	st = check_scale(scale_names, scale_count);
	if (st != STATUS_OK)
		return st;
	st = features_measure_file(image_path, &f);
	if (st != STATUS_OK)
		return st;
	return heuristic_answer_features(&f, scale_names, scale_count, reply_json);
}
