/* ppi_json.c - a test driver: reads PPI requests from stdin, runs
 * ppi_estimate(), prints each result as one JSON line. For tests/cli/
 * ppi_check.py, which recomputes the estimates independently.
 *
 * Input, whitespace-separated, repeated:
 *   ppi K alpha lambda target_width n_cells     (lambda: nan to tune it)
 *     then n_cells lines: human llm weight count  (human 0: not audited) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/agree/ppi.h"
#include "src/base/xalloc.h"

static void num(const char *key, double v, int comma)
{
	if (isnan(v) || isinf(v))
		printf("\"%s\":null", key);
	else
		printf("\"%s\":%.17g", key, v);
	if (comma)
		putchar(',');
}

static void print_estimate(const PpiEstimate *e)
{
	if (!e->defined) {
		printf("{\"why\":\"%s\"}", e->why);
		return;
	}
	putchar('{');
	num("point", e->point, 1), num("se", e->se, 1), num("lo", e->lo, 1), num("hi", e->hi, 1);
	if (e->planned)
		printf("\"more\":%ld,", e->more_reviews);
	printf("\"planned\":%d}", e->planned);
}

static void print_result(const PpiResult *r)
{
	printf("{\"n\":%ld,\"N\":%ld,", r->n, r->N);
	num("z", r->z, 1), num("lambda", r->lambda, 1), num("effective_n", r->effective_n, 1);
	printf("\"lambda_tuned\":%d,\"weighted\":%d,\"labels\":[", r->lambda_tuned, r->weighted);
	for (int k = 0; k < r->K; k++) {
		printf("%s{", k ? "," : "");
		for (int m = 0; m < PPI_METHOD_COUNT; m++) {
			printf("\"%s\":", ppi_method_name((PpiMethod)m));
			print_estimate(&r->label[k].est[m]);
			putchar(',');
		}
		num("effective_n", r->label[k].effective_n, 0);
		putchar('}');
	}
	printf("]}\n");
}

int main(void)
{
	char what[16];

	while (scanf("%15s", what) == 1 && strcmp(what, "ppi") == 0) {
		PpiOptions o;
		PpiResult r;
		PpiCell *c;
		size_t n;
		int K;

		if (scanf("%d %lf %lf %lf %zu", &K, &o.alpha, &o.lambda, &o.target_width, &n) != 5)
			return 2;
		c = xmalloc((n ? n : 1) * sizeof *c);
		for (size_t i = 0; i < n; i++)
			if (scanf("%d %d %lf %ld", &c[i].human, &c[i].llm, &c[i].weight, &c[i].count) != 4)
				return 2;
		if (ppi_estimate(c, n, K, &o, &r) == STATUS_OK)
			print_result(&r);
		else
			printf("{\"error\":\"%s\"}\n", status_detail());
		ppi_result_free(&r);
		free(c);
		fflush(stdout);
	}
	return 0;
}
