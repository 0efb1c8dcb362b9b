/* dawidskene.c - a driver for src/settle/dawidskene.c: reads votes as text,
 * fits, prints the result as JSON for tests/cli/dawidskene_check.py and the
 * benchmark.
 *
 *   dawidskene [--max-iterations N] [--tolerance T] [--min-posterior P]
 *              [--summary] [FILE]
 *
 * Input lines (from FILE or stdin; '#' starts a comment):
 *   labels K | items N | raters R      sizes, before any vote
 *   clamp ITEM LABEL                    an adjudicated item
 *   vote ITEM RATER LABEL               items and raters from 0, labels 1..K
 * --summary leaves out the per-item arrays and adds the fit's wall time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/base/xalloc.h"
#include "src/settle/dawidskene.h"

typedef struct {
	DsInput in;
	DsVote *votes;
	size_t cap;
	int *clamp;
	double min_posterior;
	int summary;
} Job;

static void die_line(long line, const char *text)
{
	fprintf(stderr, "dawidskene: line %ld: cannot read \"%s\"\n", line, text);
	exit(2);
}

static void add_vote(Job *job, unsigned long item, unsigned long rater, long label)
{
	job->votes = xgrow(job->votes, &job->cap, job->in.n_votes + 1, sizeof *job->votes);
	job->votes[job->in.n_votes++] = (DsVote){(uint32_t)item, (uint32_t)rater, (int32_t)label};
}

static void read_line(Job *job, char *text, long line)
{
	unsigned long a, b;
	long c;
	char *p = text;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#' || *p == '\n' || *p == '\0')
		return;
	if (sscanf(p, "vote %lu %lu %ld", &a, &b, &c) == 3)
		add_vote(job, a, b, c);
	else if (sscanf(p, "clamp %lu %ld", &a, &c) == 2 && job->clamp && a < job->in.n_items)
		job->clamp[a] = (int)c;
	else if (sscanf(p, "labels %ld", &c) == 1)
		job->in.n_labels = (int)c;
	else if (sscanf(p, "raters %lu", &a) == 1)
		job->in.n_raters = a;
	else if (sscanf(p, "items %lu", &a) == 1) {
		job->in.n_items = a;
		job->clamp = xcalloc(a + 1, sizeof *job->clamp);
	} else
		die_line(line, text);
}

static void read_input(Job *job, FILE *f)
{
	char text[256];
	long line = 0;

	while (fgets(text, sizeof text, f)) {
		line++;
		read_line(job, text, line);
	}
	job->in.votes = job->votes;
	job->in.clamp = job->clamp;
}

static void print_array(const char *name, const double *x, size_t n)
{
	printf("\"%s\":[", name);
	for (size_t i = 0; i < n; i++)
		printf("%s%.17g", i ? "," : "", x[i]);
	printf("]");
}

static void print_matrices(const DsResult *r)
{
	size_t K = (size_t)r->n_labels;

	printf(",\"confusion\":[");
	for (size_t k = 0; k < r->n_raters; k++) {
		printf("%s[", k ? "," : "");
		for (size_t j = 0; j < K; j++) {
			printf("%s[", j ? "," : "");
			for (size_t l = 0; l < K; l++)
				printf("%s%.17g", l ? "," : "", r->confusion[(k * K + j) * K + l]);
			printf("]");
		}
		printf("]");
	}
	printf("]");
}

static void print_items(const DsResult *r, double min_posterior)
{
	size_t K = (size_t)r->n_labels;

	printf(",\"posterior\":[");
	for (size_t i = 0; i < r->n_items; i++) {
		printf("%s[", i ? "," : "");
		for (size_t j = 0; j < K; j++)
			printf("%s%.17g", j ? "," : "", r->posterior[i * K + j]);
		printf("]");
	}
	printf("],\"label\":[");
	for (size_t i = 0; i < r->n_items; i++)
		printf("%s%d", i ? "," : "", dawidskene_label(r, i, min_posterior));
	printf("],\"tied\":[");
	for (size_t i = 0; i < r->n_items; i++) {
		int tied;
		dawidskene_best(r, i, NULL, &tied);
		printf("%s%d", i ? "," : "", tied);
	}
	printf("]");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void parse_args(Job *job, int argc, char **argv, const char **path)
{
	job->in.max_iterations = DAWIDSKENE_DEFAULT_MAX_ITERATIONS;
	job->in.tolerance = DAWIDSKENE_DEFAULT_TOLERANCE;
	job->min_posterior = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--max-iterations") && i + 1 < argc)
			job->in.max_iterations = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--tolerance") && i + 1 < argc)
			job->in.tolerance = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--min-posterior") && i + 1 < argc)
			job->min_posterior = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--summary"))
			job->summary = 1;
		else
			*path = argv[i];
	}
}

int main(int argc, char **argv)
{
	Job job = {0};
	DsResult r;
	const char *path = NULL;
	FILE *f = stdin;
	double t0, t1;

	parse_args(&job, argc, argv, &path);
	if (path && !(f = fopen(path, "r"))) {
		perror(path);
		return 2;
	}
	read_input(&job, f);
	t0 = now();
	if (dawidskene_fit(&job.in, &r) != STATUS_OK) {
		fprintf(stderr, "dawidskene: %s\n", status_detail());
		return 1;
	}
	t1 = now();
	printf("{\"iterations\":%d,\"converged\":%d,\"last_change\":%.17g,\"log_likelihood\":%.17g,"
	       "\"n_modelled\":%zu,",
	       r.iterations, r.converged, r.last_change, r.log_likelihood, r.n_modelled);
	print_array("priors", r.priors, (size_t)r.n_labels);
	if (job.summary)
		printf(",\"votes\":%zu,\"seconds\":%.6f", job.in.n_votes, t1 - t0);
	else {
		print_matrices(&r);
		print_items(&r, job.min_posterior);
	}
	printf("}\n");
	dawidskene_result_free(&r);
	free(job.votes);
	free(job.clamp);
	return 0;
}
