/* test_heuristic.c - the offline labeller: its rules on hand-made
 * measurements, its ordering of real photos against their spoiled copies in
 * samples/, the JSON it writes, scale mapping and failures. */
#include <stdlib.h>

#include <cJSON.h>

#include "src/llm/heuristic.h"
#include "tests/unit/test.h"

static const char *const quality_names[] = { "unusable", "poor", "acceptable", "good",
					     "excellent" };

/* Measurements that pass every rule by a wide margin: a sharp, well-lit,
 * colourful 1000x1000 photo on a plain, centred backdrop. */
static Features clean_features(void)
{
	Features f = { 0 };

	f.exposure = 0.5;
	f.contrast = 0.25;
	f.saturation = 0.4;
	f.colourfulness = 60;
	f.sharpness = 800;
	f.edge_density = 0.1;
	f.border_plainness = 0.9;
	f.noise = 0.3;
	f.resolution = 0; /* 1 MP */
	f.aspect = 1;
	f.width = f.height = 1000;
	return f;
}

static int quality(const Features *f)
{
	HeuristicVerdict v;

	heuristic_judge(f, &v);
	return v.quality;
}

static void test_rules(void)
{
	Features f = clean_features();
	HeuristicVerdict v;

	heuristic_judge(&f, &v);
	CHECK_INT(v.quality, 5);
	CHECK_INT(v.points, 0);
	CHECK_NEAR(v.confidence, 0.9, 1e-9);
	/* Very dark (under 0.12) costs 2; dark (under 0.22) 1. */
	f.exposure = 0.05;
	CHECK_INT(quality(&f), 3);
	f.exposure = 0.18;
	CHECK_INT(quality(&f), 4);
	/* Blurred (Laplacian variance under 10) costs 2 more. */
	f.sharpness = 3;
	CHECK_INT(quality(&f), 2);
	/* A cluttered border (under 0.30) takes it past the bottom: clamped. */
	f.border_plainness = 0.1;
	heuristic_judge(&f, &v);
	CHECK_INT(v.points, 5);
	CHECK_INT(v.quality, 1);
}

static void test_backdrop_waiver(void)
{
	Features f = clean_features();
	HeuristicVerdict v;

	/* Half the frame clipped white on a plain border is a white backdrop. */
	f.clip_bright = 0.5;
	CHECK_INT(quality(&f), 5);
	/* The same clipping in a busy frame is blown highlights (2) on top of
	 * a busy background (1). */
	f.border_plainness = 0.35;
	heuristic_judge(&f, &v);
	CHECK_INT(v.points, 3);
	CHECK_INT(v.quality, 2);
}

static void test_confidence(void)
{
	Features f = clean_features();
	HeuristicVerdict far, near;

	heuristic_judge(&f, &far);
	/* Contrast right on its threshold: the score hangs on it. */
	f.contrast = 0.12;
	heuristic_judge(&f, &near);
	CHECK(near.confidence < far.confidence);
	CHECK(near.confidence >= 0.5);
	/* Far past the bottom of the scale, nothing near a threshold matters:
	 * crossing it would leave the quality at 1. */
	f = clean_features();
	f.exposure = 0.02;
	f.sharpness = 1;
	f.contrast = 0.01;
	f.border_plainness = 0.05;
	heuristic_judge(&f, &far);
	CHECK_INT(far.quality, 1);
	CHECK_NEAR(far.confidence, 0.9, 1e-9);
}

static void test_scale_level(void)
{
	/* 1 + round((q - 1)(K - 1) / 4), halves up. K = 3: 0, 0.5, 1, 1.5, 2. */
	const int three[] = { 1, 2, 2, 3, 3 };
	/* K = 2: 0, 0.25, 0.5, 0.75, 1. */
	const int two[] = { 1, 1, 2, 2, 2 };

	for (int q = 1; q <= 5; q++) {
		CHECK_INT(heuristic_scale_level(q, 5), q);
		CHECK_INT(heuristic_scale_level(q, 3), three[q - 1]);
		CHECK_INT(heuristic_scale_level(q, 2), two[q - 1]);
		/* K = 9: 2(q - 1) exactly. */
		CHECK_INT(heuristic_scale_level(q, 9), 2 * q - 1);
	}
	CHECK_INT(heuristic_scale_level(0, 3), 1);
	CHECK_INT(heuristic_scale_level(7, 3), 3);
}

static int score_of(const char *path)
{
	Features f;

	if (features_measure_file(path, &f) != STATUS_OK)
		return -1;
	return quality(&f);
}

/* samples/manifest.jsonl: each variant is a spoiled copy of the original. */
static void test_variants_score_lower(void)
{
	static const char *const pairs[][2] = {
		{ "samples/images/tux-apricot.png", "samples/variants/variant-apricot-dark.jpg" },
		{ "samples/images/skimage-coffee.png", "samples/variants/variant-coffee-blur.jpg" },
		{ "samples/images/tux-stethoscope.png",
		  "samples/variants/variant-stethoscope-tiny.jpg" },
		{ "samples/images/tux-kiwi.png", "samples/variants/variant-kiwi-cluttered.jpg" },
		{ "samples/images/mpl-grace-hopper.jpg",
		  "samples/variants/variant-grace-hopper-bright.jpg" },
	};

	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		int good = score_of(pairs[i][0]), bad = score_of(pairs[i][1]);

		CHECK(bad >= 1);
		CHECK(good > bad);
		if (good <= bad)
			fprintf(stderr, "  %s %d vs %s %d\n", pairs[i][0], good, pairs[i][1], bad);
	}
	/* A sharp, well-exposed cut-out on white is as good as it gets. */
	CHECK_INT(score_of("samples/images/tux-apricot.png"), 5);
}

static void check_string_member(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	CHECK(cJSON_IsString(item) && item->valuestring[0]);
}

static void test_json(void)
{
	const char *path = "samples/variants/variant-apricot-dark.jpg";
	char *json = NULL, *again = NULL;
	cJSON *root, *aspects, *score, *label, *conf, *provider, *rationale;

	CHECK_INT(heuristic_answer(path, quality_names, 5, &json), STATUS_OK);
	root = cJSON_Parse(json ? json : "");
	CHECK(cJSON_IsObject(root));
	aspects = cJSON_GetObjectItemCaseSensitive(root, "aspects");
	CHECK(cJSON_IsObject(aspects));
	check_string_member(aspects, "clarity");
	check_string_member(aspects, "context");
	check_string_member(aspects, "photography");
	rationale = cJSON_GetObjectItemCaseSensitive(root, "rationale");
	CHECK(cJSON_IsString(rationale));
	if (cJSON_IsString(rationale)) {
		CHECK(strncmp(rationale->valuestring, "Heuristic (not a model): ", 25) == 0);
		/* It cites its measurements and names the defects. */
		CHECK(strstr(rationale->valuestring, "mean brightness 0.") != NULL);
		CHECK(strstr(rationale->valuestring, "sharpness ") != NULL);
		CHECK(strstr(rationale->valuestring, "border plain ") != NULL);
		/* The original's mean brightness 0.67 times 0.28 is 0.19: dark
		 * (under 0.22), not very dark. */
		CHECK(strstr(rationale->valuestring, "mean brightness 0.19 (dark, -1)") != NULL);
	}
	score = cJSON_GetObjectItemCaseSensitive(root, "score");
	label = cJSON_GetObjectItemCaseSensitive(root, "label");
	conf = cJSON_GetObjectItemCaseSensitive(root, "confidence");
	provider = cJSON_GetObjectItemCaseSensitive(root, "provider");
	CHECK(cJSON_IsNumber(score) && score->valueint >= 1 && score->valueint <= 5);
	CHECK(cJSON_IsString(label));
	if (cJSON_IsNumber(score) && cJSON_IsString(label) && score->valueint >= 1 &&
	    score->valueint <= 5)
		CHECK_STR(label->valuestring, quality_names[score->valueint - 1]);
	CHECK(cJSON_IsNumber(conf) && conf->valuedouble >= 0.5 && conf->valuedouble <= 0.9);
	CHECK(cJSON_IsString(provider) && strcmp(provider->valuestring, "heuristic") == 0);
	/* Under-exposed, flat and blurred: the bottom of the scale. */
	CHECK(cJSON_IsNumber(score) && score->valueint == 1);
	/* Deterministic: the same image gives the same bytes. */
	CHECK_INT(heuristic_answer(path, quality_names, 5, &again), STATUS_OK);
	CHECK(json && again && strcmp(json, again) == 0);
	cJSON_Delete(root);
	free(json);
	free(again);
}

static int json_score(const char *json, const char *const *names, int levels)
{
	cJSON *root = cJSON_Parse(json ? json : "");
	const cJSON *score = cJSON_GetObjectItemCaseSensitive(root, "score");
	const cJSON *label = cJSON_GetObjectItemCaseSensitive(root, "label");
	int got = -1;

	if (cJSON_IsNumber(score) && cJSON_IsString(label) && score->valueint >= 1 &&
	    score->valueint <= levels &&
	    strcmp(label->valuestring, names[score->valueint - 1]) == 0)
		got = score->valueint;
	cJSON_Delete(root);
	return got;
}

static void test_three_level_scale(void)
{
	static const char *const names[] = { "bad", "ok", "good" };
	static const char *const paths[] = {
		"samples/images/tux-apricot.png",
		"samples/variants/variant-apricot-dark.jpg",
		"samples/images/skimage-coffee.png",
		"samples/variants/variant-coffee-blur.jpg",
	};
	/* Exposure decides: qualities 5 (clean), 4 (dark, 1 point), 3 (very
	 * dark, 2 points); with sharpness 3 (blurred, 2 more) 1. On three
	 * levels: 3, 3, 2, 1. */
	static const double exposure[] = { 0.5, 0.18, 0.05, 0.05 };
	static const double sharpness[] = { 800, 800, 800, 3 };
	static const int want[] = { 3, 3, 2, 1 };

	for (int i = 0; i < 4; i++) {
		Features f = clean_features();
		char *json = NULL;

		f.exposure = exposure[i];
		f.sharpness = sharpness[i];
		CHECK_INT(heuristic_answer_features(&f, names, 3, &json), STATUS_OK);
		CHECK_INT(json_score(json, names, 3), want[i]);
		free(json);
	}
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		char *json = NULL;
		int got;

		CHECK_INT(heuristic_answer(paths[i], names, 3, &json), STATUS_OK);
		got = json_score(json, names, 3);
		CHECK(got >= 1 && got <= 3);
		free(json);
	}
}

static void test_failures(void)
{
	char *json = (char *)"untouched";

	/* A file cut short inside its pixel data: the decoder's status. */
	CHECK_INT(heuristic_answer("tests/data/img/truncated.png", quality_names, 5, &json),
		  STATUS_ERR_CORRUPT);
	CHECK(json == NULL);
	CHECK(strstr(status_detail(), "truncated.png") != NULL);
	/* Text with a .jpg name. */
	CHECK_INT(heuristic_answer("tests/data/img/text.jpg", quality_names, 5, &json),
		  STATUS_ERR_FORMAT);
	CHECK(json == NULL);
	CHECK_INT(heuristic_answer("tests/data/img/missing.png", quality_names, 5, &json),
		  STATUS_ERR_IO);
	/* A scale must have two levels at least. */
	CHECK_INT(heuristic_answer("samples/images/tux-kiwi.png", quality_names, 1, &json),
		  STATUS_ERR_INPUT);
	CHECK(json == NULL);
}

int main(void)
{
	RUN(test_rules);
	RUN(test_backdrop_waiver);
	RUN(test_confidence);
	RUN(test_scale_level);
	RUN(test_variants_score_lower);
	RUN(test_json);
	RUN(test_three_level_scale);
	RUN(test_failures);
	return test_summary();
}
