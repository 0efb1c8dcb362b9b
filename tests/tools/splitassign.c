/* splitassign.c - a driver for src/export/split.c, for tests/cli/split_check.py:
 *   splitassign SPEC SEED < items
 * reads "KEY LABEL" lines (KEY a content hash, LABEL an int) and prints JSON:
 * {"assign":[[KEY,PART],...],"labels":[{label,n,count,target,too_few,missing,off}]}. */
#include <stdio.h>
#include <stdlib.h>

#include "src/export/split.h"

static void print_sizes(const char *name, const size_t *x, int n)
{
	printf("\"%s\":[", name);
	for (int i = 0; i < n; i++)
		printf("%s%zu", i ? "," : "", x[i]);
	printf("]");
}

int main(int argc, char **argv)
{
	SplitSpec spec;
	SplitTally *tally;
	const SplitLabel *l;
	char key[256];
	int label, first = 1;
	size_t n;
	uint64_t seed;

	if (argc != 3) {
		fprintf(stderr, "usage: splitassign SPEC SEED < items\n");
		return 2;
	}
	if (split_parse(argv[1], &spec) != STATUS_OK) {
		fprintf(stderr, "splitassign: %s\n", status_detail());
		return 2;
	}
	seed = strtoull(argv[2], NULL, 10);
	tally = split_tally_new(&spec);
	printf("{\"assign\":[");
	while (scanf("%255s %d", key, &label) == 2) {
		int part = split_of(&spec, seed, key);
		split_tally_add(tally, label, part);
		printf("%s[\"%s\",\"%s\"]", first ? "" : ",", key, spec.name[part]);
		first = 0;
	}
	printf("],\"labels\":[");
	l = split_tally_labels(tally, &n);
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"label\":%d,\"n\":%zu,", i ? "," : "", l[i].label, l[i].n);
		print_sizes("count", l[i].count, spec.n);
		printf(",");
		print_sizes("target", l[i].target, spec.n);
		printf(",\"too_few\":%d,\"missing\":%d,\"off\":%zu}", l[i].too_few, l[i].missing,
		       l[i].off);
	}
	printf("]}\n");
	split_tally_free(tally);
	return 0;
}
