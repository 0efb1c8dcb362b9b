/* evaluate_run.c - cross-validates one linear model on a CSV file and prints
 * everything as JSON, for tests/cli/evaluate_check.py to recompute.
 *
 *   evaluate_run --levels K [--folds F] [--seed S] [--model logistic|ridge]
 *                [--C C] [--alpha A] FILE.csv
 *
 * FILE.csv: a header, then rows whose first column is the label (1..K) and
 * the rest the features. Prints the folds, every row's out-of-fold label,
 * value and probabilities, the scorer's and the baseline's figures (null
 * with the reason when undefined), and the full model's objective. Errors
 * print {"error": STATUS, "detail": TEXT} and exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"
#include "src/score/evaluate.h"
#include "tests/tools/csvtable.h"

static void print_metrics(const char *key, const EvaluateMetrics *m)
{
	printf("\"%s\": {", key);
	for (int k = 0; k < EVALUATE_METRIC_COUNT; k++) {
		printf("%s\"%s\": ", k ? ", " : "", evaluate_metric_name((EvaluateMetric)k));
		if (m->v[k].defined)
			printf("%.17g", m->v[k].value);
		else
			printf("null, \"%s_why\": \"%s\"", evaluate_metric_name((EvaluateMetric)k),
			       m->v[k].why);
	}
	printf("}");
}

static void print_ints(const char *key, const int *v, size_t n)
{
	printf("\"%s\": [", key);
	for (size_t i = 0; v && i < n; i++)
		printf("%s%d", i ? ", " : "", v[i]);
	printf("],\n");
}

static void print_doubles(const char *key, const double *v, size_t n, size_t per_row)
{
	printf("\"%s\": [", key);
	for (size_t i = 0; v && i < n; i++) {
		printf("%s", i ? ", " : "");
		if (per_row > 1)
			printf("[");
		for (size_t k = 0; k < per_row; k++)
			printf("%s%.17g", k ? ", " : "", v[i * per_row + k]);
		if (per_row > 1)
			printf("]");
	}
	printf("],\n");
}

static void print_evaluation(const Evaluation *e)
{
	printf("{\"folds\": %d, \"seed\": %llu, \"rows\": %zu, \"levels\": %d,\n", e->folds,
	       (unsigned long long)e->seed, e->rows, e->K);
	printf("\"objective\": %.17g,\n", e->model.objective);
	print_ints("fold", e->fold, e->rows);
	print_ints("oof_label", e->oof_label, e->rows);
	print_doubles("oof_value", e->oof_value, e->rows, 1);
	print_doubles("oof_prob", e->oof_prob, e->rows, (size_t)e->K);
	print_metrics("scorer", &e->scorer);
	printf(",\n");
	print_metrics("baseline", &e->baseline);
	printf("}\n");
}

int main(int argc, char **argv)
{
	LinmodelParams p = linmodel_params(LINMODEL_LOGISTIC), q;
	int K = 0, folds = 5, i = 1, *labels;
	unsigned long long seed = 1;
	Evaluation e;
	CsvTable t;
	Status st;

	for (; i < argc - 1; i++) {
		const char *a = argv[i], *v = argv[i + 1];

		if (strcmp(a, "--levels") == 0)
			K = atoi(v);
		else if (strcmp(a, "--folds") == 0)
			folds = atoi(v);
		else if (strcmp(a, "--seed") == 0)
			seed = strtoull(v, NULL, 10);
		else if (strcmp(a, "--C") == 0)
			p.C = strtod(v, NULL);
		else if (strcmp(a, "--alpha") == 0)
			p.alpha = strtod(v, NULL);
		else if (strcmp(a, "--model") == 0 && linmodel_kind_parse(v, &p.kind) == STATUS_OK)
			q = linmodel_params(p.kind), p.tol = q.tol, p.max_iter = q.max_iter;
		else
			break;
		i++;
	}
	if (i != argc - 1 || K < 1 || csvtable_read(argv[i], &t) != 0) {
		fprintf(stderr, "usage: evaluate_run --levels K [--folds F] [--seed S] "
				"[--model logistic|ridge] [--C C] [--alpha A] FILE.csv\n");
		return 2;
	}
	labels = xmalloc((t.rows ? t.rows : 1) * sizeof *labels);
	for (size_t r = 0; r < t.rows; r++)
		labels[r] = (int)t.y[r];
	st = evaluate_run(t.x, t.rows, t.cols, labels, K, &p, folds, seed, &e);
	if (st != STATUS_OK)
		printf("{\"error\": \"%s\", \"detail\": \"%s\"}\n", status_message(st),
		       status_detail());
	else
		print_evaluation(&e);
	evaluate_free(&e);
	free(labels), free(t.x), free(t.y);
	return st == STATUS_OK ? 0 : 1;
}
