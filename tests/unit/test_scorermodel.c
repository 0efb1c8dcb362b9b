/* test_scorermodel.c - a scorer model applied, named, written as JSON and
 * read back: the answers from the JSON form are the same doubles. */
#include "src/score/scorermodel.h"
#include "tests/unit/test.h"

#include <cJSON.h>
#include <stdlib.h>

static const char *const NAMES[] = {"bad", "poor", "ok", "good", "great"};

/* A model fitted on rows made here (multinomial over levels 1, 2, 4). */
static void fit(ScorerModel *m, LinmodelKind kind, int positive_from)
{
	double x[60 * 2], y[60];
	LinmodelParams p = linmodel_params(kind);
	memset(m, 0, sizeof *m);
	for (int i = 0; i < 60; i++) {
		x[2 * i] = (i % 10) * 0.7 + (i % 3);
		x[2 * i + 1] = (i % 7) - 3.0;
		y[i] = i % 3 == 0 ? 1 : i % 3 == 1 ? 2 : 4;
		if (positive_from)
			y[i] = y[i] >= positive_from ? 2 : 1;
	}
	CHECK_INT(linmodel_fit(x, 60, 2, y, &p, &m->lm), STATUS_OK);
	m->names = calloc(3, sizeof *m->names);
	m->names[0] = strdup("f0");
	m->names[1] = strdup("f1");
	m->sources = strdup("emb");
	m->target = strdup("human");
	m->scale = 5;
	m->positive_from = positive_from;
	scorermodel_name_classes(m, NAMES);
}

static void multinomial_answers(void)
{
	ScorerModel m;
	ScorerAnswer a;
	double x[] = {3.1, -1.0}, sum = 0, expect = 0;
	fit(&m, LINMODEL_LOGISTIC, 0);
	CHECK_INT(m.lm.classes, 3);
	CHECK_STR(m.label_names[2], "good"); /* class 4: the scale's name of level 4 */
	CHECK_INT((int)m.levels[2], 4);
	CHECK_STR(scorermodel_kind(&m), "multinomial");
	scorermodel_apply(&m, x, &a);
	for (int k = 0; k < 3; k++) {
		sum += a.prob[k];
		expect += a.prob[k] * m.levels[k];
	}
	CHECK_NEAR(sum, 1, 1e-15);
	CHECK_NEAR(a.score, expect, 1e-15);
	CHECK_INT(a.label, (int)m.levels[linmodel_argmax(a.prob, 3)]);
	CHECK_NEAR(a.confidence, a.prob[linmodel_argmax(a.prob, 3)], 0);
	CHECK_NEAR(a.entropy, linmodel_entropy(a.prob, 3), 0);
	scorermodel_free(&m);
}

/* The JSON round trip keeps every bit: the same answers, exactly. */
static void json_round_trip(void)
{
	const LinmodelKind kinds[] = {LINMODEL_LOGISTIC, LINMODEL_LOGISTIC, LINMODEL_RIDGE};
	const int splits[] = {0, 2, 0};
	for (int c = 0; c < 3; c++) {
		ScorerModel m, back;
		ScorerAnswer a, b;
		cJSON *json;
		char *text;
		int same = 1;
		fit(&m, kinds[c], splits[c]);
		json = scorermodel_to_json(&m);
		text = cJSON_PrintUnformatted(json);
		CHECK_INT(scorermodel_from_json(text, &back), STATUS_OK);
		for (int i = 0; i < 40; i++) {
			double x[] = {i * 0.37 - 3, (i % 9) * 1.1};
			scorermodel_apply(&m, x, &a);
			scorermodel_apply(&back, x, &b);
			same &= a.label == b.label && a.score == b.score && !memcmp(a.prob, b.prob, sizeof a.prob);
		}
		CHECK(same);
		CHECK_STR(back.names[1], "f1");
		CHECK_INT(back.positive_from, splits[c]);
		free(text);
		cJSON_Delete(json);
		scorermodel_free(&back);
		scorermodel_free(&m);
	}
}

static void split_names_and_levels(void)
{
	ScorerModel m;
	ScorerAnswer a;
	double x[] = {1, 1};
	char *reply;
	fit(&m, LINMODEL_LOGISTIC, 2);
	CHECK_STR(m.label_names[0], "below poor");
	CHECK_STR(m.label_names[1], "poor or above");
	CHECK_INT((int)m.levels[0], 1);
	CHECK_INT((int)m.levels[1], 2);
	scorermodel_apply(&m, x, &a);
	CHECK_NEAR(a.score, 1 + a.prob[1], 1e-15); /* the levels either side of the split */
	reply = scorermodel_reply(&m, 7, &a);
	CHECK(strstr(reply, "\"poor or above\":") != NULL && strstr(reply, "\"entropy\":") != NULL);
	free(reply);
	scorermodel_free(&m);
}

static void corrupt_json_is_refused(void)
{
	ScorerModel m;
	CHECK_INT(scorermodel_from_json("[]", &m), STATUS_ERR_CORRUPT);
	CHECK_INT(scorermodel_from_json("{\"fit\": {\"model\": \"ridge\"}}", &m), STATUS_ERR_CORRUPT);
	CHECK(m.names == NULL && m.lm.coef == NULL);
}

int main(void)
{
	RUN(multinomial_answers);
	RUN(json_round_trip);
	RUN(split_names_and_levels);
	RUN(corrupt_json_is_refused);
	return test_summary();
}
