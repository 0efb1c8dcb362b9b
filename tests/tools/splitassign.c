/* splitassign.c - a driver for src/export/split.c, for tests/cli/split_check.py:
 *   splitassign SPEC SEED [stable|exact] < items
 * reads "KEY LABEL" lines (KEY a content hash, LABEL an int) and prints JSON:
 * {"assign":[[KEY,PART],...],"labels":[{label,n,count,target,too_few,missing,off}]}
 * with the items in input order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/export/split.h"

typedef struct {
	char key[256];
	int label, part;
} Item;

static void print_sizes(const char *name, const size_t *x, int n)
{
	printf("\"%s\":[", name);
	for (int i = 0; i < n; i++)
		printf("%s%zu", i ? "," : "", x[i]);
	printf("]");
}

static Item *read_items(size_t *n)
{
	Item *items = NULL;
	size_t cap = 0;
	*n = 0;
	for (;;) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			items = realloc(items, cap * sizeof *items);
			if (!items)
				exit(3);
		}
		if (scanf("%255s %d", items[*n].key, &items[*n].label) != 2)
			return items;
		++*n;
	}
}

/* The parts of exact mode, through split_exact(). */
static void assign_exact(const SplitSpec *spec, uint64_t seed, Item *items, size_t n)
{
	SplitItem *in = calloc(n + 1, sizeof *in);
	unsigned char *part = calloc(n + 1, 1);
	if (!in || !part)
		exit(3);
	for (size_t i = 0; i < n; i++)
		in[i] = (SplitItem){ .hash = split_hash(seed, items[i].key),
				     .label = items[i].label };
	split_exact(spec, in, n, part);
	for (size_t i = 0; i < n; i++)
		items[i].part = part[i];
	free(in);
	free(part);
}

static void print_labels(const SplitSpec *spec, const Item *items, size_t n)
{
	SplitTally *tally = split_tally_new(spec);
	const SplitLabel *l;
	size_t count;
	for (size_t i = 0; i < n; i++)
		split_tally_add(tally, items[i].label, items[i].part);
	l = split_tally_labels(tally, &count);
	for (size_t i = 0; i < count; i++) {
		printf("%s{\"label\":%d,\"n\":%zu,", i ? "," : "", l[i].label, l[i].n);
		print_sizes("count", l[i].count, spec->n);
		printf(",");
		print_sizes("target", l[i].target, spec->n);
		printf(",\"too_few\":%d,\"missing\":%d,\"off\":%zu}", l[i].too_few, l[i].missing,
		       l[i].off);
	}
	split_tally_free(tally);
}

int main(int argc, char **argv)
{
	SplitSpec spec;
	Item *items;
	size_t n;
	uint64_t seed;
	int exact = argc == 4 && !strcmp(argv[3], split_mode_names[SPLIT_EXACT]);

	if (argc < 3 || argc > 4 || (argc == 4 && !exact && strcmp(argv[3], "stable"))) {
		fprintf(stderr, "usage: splitassign SPEC SEED [stable|exact] < items\n");
		return 2;
	}
	if (split_parse(argv[1], &spec) != STATUS_OK) {
		fprintf(stderr, "splitassign: %s\n", status_detail());
		return 2;
	}
	seed = strtoull(argv[2], NULL, 10);
	items = read_items(&n);
	if (exact)
		assign_exact(&spec, seed, items, n);
	for (size_t i = 0; !exact && i < n; i++)
		items[i].part = split_of(&spec, seed, items[i].key);
	printf("{\"assign\":[");
	for (size_t i = 0; i < n; i++)
		printf("%s[\"%s\",\"%s\"]", i ? "," : "", items[i].key, spec.name[items[i].part]);
	printf("],\"labels\":[");
	print_labels(&spec, items, n);
	printf("]}\n");
	free(items);
	return 0;
}
