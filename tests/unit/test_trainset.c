/* test_trainset.c - feature sources, classes across a split, training rows
 * and the hash of what a fit sees. */
#include "src/score/trainset.h"
#include "tests/unit/test.h"

#include <stdlib.h>

static void sources_parse_and_print(void)
{
	TrainsetSources s;
	char *text;
	CHECK_INT(trainset_sources_parse(" pixels-v1 ,emb,llm-score", &s), STATUS_OK);
	CHECK_INT(s.count, 3);
	CHECK_STR(s.items[0].name, "pixels-v1");
	CHECK_INT(s.items[0].from, TRAINSET_FROM_SET);
	CHECK_INT(s.items[2].from, TRAINSET_FROM_LLM_SCORE);
	text = trainset_sources_text(&s);
	CHECK_STR(text, "pixels-v1,emb,llm-score");
	free(text);
	trainset_sources_free(&s);
	CHECK_INT(trainset_sources_parse("emb,,x", &s), STATUS_ERR_USAGE);
	CHECK_INT(trainset_sources_parse("", &s), STATUS_ERR_USAGE);
	CHECK_INT(trainset_sources_parse("emb,emb", &s), STATUS_ERR_USAGE);
	CHECK(strstr(status_detail(), "twice") != NULL);
	CHECK_INT(s.count, 0);
}

static void classes_across_a_split(void)
{
	TrainsetClasses whole = {.scale = 5}, split = {.scale = 5, .positive_from = 4};
	CHECK_INT(trainset_class_count(&whole), 5);
	CHECK_INT(trainset_class_count(&split), 2);
	for (int level = 1; level <= 5; level++) {
		CHECK_INT(trainset_class_of(&whole, level), level);
		CHECK_INT(trainset_class_of(&split, level), level >= 4 ? 2 : 1);
	}
	CHECK_INT(trainset_level_of(&whole, 3), 3);
	CHECK_INT(trainset_level_of(&split, 1), 3);
	CHECK_INT(trainset_level_of(&split, 2), 4);
}

static void rows_names_and_hash(void)
{
	const char *names[] = {"a", "x", "x"}, *from[] = {"s1", "s1", "s2"};
	double r1[] = {1, 2, 3}, r2[] = {4, 5, 6};
	Trainset t, u;
	char h1[65], h2[65], h3[65];
	trainset_begin(&t, 3, names, from);
	CHECK_STR(t.names[0], "a");
	CHECK_STR(t.names[1], "s1/x");
	CHECK_STR(t.names[2], "s2/x");
	for (int i = 0; i < 50; i++)
		trainset_add(&t, 10 + i, i % 2 ? r1 : r2, 1 + i % 3, i % 4);
	CHECK_INT(t.rows, 50);
	CHECK(t.x[3 * 49 + 2] == 3 && t.items[49] == 59 && t.labels[49] == 2 && t.llm[49] == 1);
	trainset_hash(&t, h1);
	CHECK_INT(strlen(h1), 64);
	trainset_begin(&u, 3, names, from);
	for (int i = 0; i < 50; i++)
		trainset_add(&u, 10 + i, i % 2 ? r1 : r2, 1 + i % 3, 0);
	trainset_hash(&u, h2);
	CHECK_STR(h2, h1); /* the LLM's labels are not what a fit sees */
	u.x[7] += 1e-12;
	trainset_hash(&u, h3);
	CHECK(strcmp(h3, h1) != 0);
	trainset_free(&t);
	trainset_free(&u);
}

int main(void)
{
	RUN(sources_parse_and_print);
	RUN(classes_across_a_split);
	RUN(rows_names_and_hash);
	return test_summary();
}
