/* linmodel_fit.c - fits one linear model to a CSV file and prints it as JSON,
 * for tests/cli/linmodel_check.py to compare with its own solver.
 *
 *   linmodel_fit [--model logistic|ridge] [--C C] [--alpha A]
 *                [--no-standardize] [--cg] [--predict] FILE.csv
 *
 * FILE.csv has a header line; the first column is the target, the others
 * the features. Prints objective, gradient norm, iterations, classes, mean,
 * scale, intercepts and coefficients (rows by output), the same on the raw
 * values, and with --predict every row's probabilities (logistic) or
 * prediction (ridge), all with 17 significant digits. A failed fit prints
 * {"error": STATUS, "detail": TEXT} and exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/xalloc.h"
#include "src/score/linmodel.h"
#include "tests/tools/csvtable.h"

static void print_array(const char *key, const double *v, size_t n, const char *after)
{
	printf("\"%s\": [", key);
	for (size_t i = 0; i < n; i++)
		printf("%s%.17g", i ? ", " : "", v[i]);
	printf("]%s\n", after);
}

static void print_rows(const char *key, const double *v, int rows, size_t cols, const char *after)
{
	printf("\"%s\": [", key);
	for (int o = 0; o < rows; o++) {
		printf("%s[", o ? ", " : "");
		for (size_t j = 0; j < cols; j++)
			printf("%s%.17g", j ? ", " : "", v[o * cols + j]);
		printf("]");
	}
	printf("]%s\n", after);
}

static void print_predictions(const Linmodel *m, const CsvTable *t)
{
	int k = m->kind == LINMODEL_RIDGE ? 1 : m->classes;
	double *out = xmalloc(t->rows * (size_t)k * sizeof *out);

	for (size_t i = 0; i < t->rows; i++) {
		double v = linmodel_predict(m, t->x + i * t->cols, out + i * k);

		if (m->kind == LINMODEL_RIDGE)
			out[i] = v;
	}
	printf(",\n");
	print_rows("predictions", out, (int)t->rows, (size_t)k, "");
	free(out);
}

static void print_model(const Linmodel *m, const CsvTable *t, int predict)
{
	double *raw_coef = xmalloc((size_t)m->outputs * (m->features + 1) * sizeof *raw_coef);
	double *raw_b = xmalloc((size_t)m->outputs * sizeof *raw_b);

	linmodel_raw(m, raw_coef, raw_b);
	printf("{\"model\": \"%s\", \"rows\": %zu, \"features\": %zu, \"outputs\": %d,\n",
	       linmodel_kind_name(m->kind), m->rows, m->features, m->outputs);
	printf("\"objective\": %.17g, \"grad_norm\": %.17g, \"iterations\": %d, "
	       "\"converged\": %d,\n",
	       m->objective, m->grad_norm, m->iterations, m->converged);
	print_array("classes", m->labels, (size_t)m->classes, ",");
	print_array("mean", m->mean, m->features, ",");
	print_array("scale", m->scale, m->features, ",");
	print_array("intercept", m->intercept, (size_t)m->outputs, ",");
	print_rows("coef", m->coef, m->outputs, m->features, ",");
	print_array("raw_intercept", raw_b, (size_t)m->outputs, ",");
	print_rows("raw_coef", raw_coef, m->outputs, m->features, "");
	if (predict)
		print_predictions(m, t);
	printf("}\n");
	free(raw_coef);
	free(raw_b);
}

int main(int argc, char **argv)
{
	LinmodelParams p = linmodel_params(LINMODEL_LOGISTIC);
	int predict = 0, i = 1;
	Linmodel m;
	CsvTable t;
	Status st;

	for (; i < argc - 1; i++) {
		if (strcmp(argv[i], "--model") == 0 && i + 1 < argc - 1) {
			LinmodelKind kind;

			if (linmodel_kind_parse(argv[++i], &kind) != STATUS_OK)
				return 2;
			double C = p.C, alpha = p.alpha;
			int standardize = p.standardize;
			LinmodelSolver solver = p.solver;

			p = linmodel_params(kind);
			p.C = C, p.alpha = alpha, p.standardize = standardize, p.solver = solver;
		} else if (strcmp(argv[i], "--C") == 0 && i + 1 < argc - 1) {
			p.C = strtod(argv[++i], NULL);
		} else if (strcmp(argv[i], "--alpha") == 0 && i + 1 < argc - 1) {
			p.alpha = strtod(argv[++i], NULL);
		} else if (strcmp(argv[i], "--no-standardize") == 0) {
			p.standardize = 0;
		} else if (strcmp(argv[i], "--cg") == 0) {
			p.solver = LINMODEL_SOLVER_CG;
		} else if (strcmp(argv[i], "--predict") == 0) {
			predict = 1;
		} else {
			break;
		}
	}
	if (i != argc - 1 || csvtable_read(argv[i], &t) != 0) {
		fprintf(stderr, "usage: linmodel_fit [--model logistic|ridge] [--C C] [--alpha A] "
				"[--no-standardize] [--cg] [--predict] FILE.csv\n");
		return 2;
	}
	st = linmodel_fit(t.x, t.rows, t.cols, t.y, &p, &m);
	if (st != STATUS_OK)
		printf("{\"error\": \"%s\", \"detail\": \"%s\"}\n", status_message(st),
		       status_detail());
	else
		print_model(&m, &t, predict);
	linmodel_free(&m);
	free(t.x);
	free(t.y);
	return st == STATUS_OK ? 0 : 1;
}
