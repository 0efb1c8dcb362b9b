/* linediff.c - Myers' shortest edit script over lines ("An O(ND) Difference
 * Algorithm and Its Variations", 1986), printed the way diff -u prints it.
 * The common head and tail are cut first, so a small edit to a long prompt
 * costs next to nothing; the search keeps one row of its frontier per edit
 * to walk back the path, which is why the edits searched are bounded. */
#include "src/llm/linediff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/text.h"
#include "src/base/xalloc.h"
#include "src/base/strbuf.h"

typedef struct {
	const char *s;
	size_t len;       /* without the newline */
	int newline;      /* 0 only for a last line that lacks one */
	unsigned long hash;
} Line;

typedef struct {
	Line *lines;
	size_t count;
	char *changed; /* per line: deleted (in a) or inserted (in b) */
} Side;

static void split_lines(const char *text, Side *side)
{
	size_t capacity = 0;
	side->lines = NULL;
	side->count = 0;
	for (const char *s = text; *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		unsigned long h = 5381;
		for (size_t i = 0; i < len; i++)
			h = h * 33 + (unsigned char)s[i];
		side->lines = xgrow(side->lines, &capacity, side->count + 1, sizeof *side->lines);
		side->lines[side->count++] = (Line){s, len, nl != NULL, h};
		s += len + (nl ? 1 : 0);
	}
	side->changed = xcalloc(side->count + 1, 1);
}

static int same(const Line *x, const Line *y)
{
	return x->hash == y->hash && x->len == y->len && x->newline == y->newline &&
	       memcmp(x->s, y->s, x->len) == 0;
}

/* The forward search over a[0..n) and b[0..m): fills trace[d] (2d+1 values,
 * the furthest x on each diagonal -d..d) and returns the number of edits,
 * or -1 when more than LINEDIFF_MAX_EDITS are needed. */
static long search(const Line *a, long n, const Line *b, long m, long **trace)
{
	long max = n + m < LINEDIFF_MAX_EDITS ? n + m : LINEDIFF_MAX_EDITS;
	long *v = xcalloc((size_t)(2 * max + 3), sizeof *v), *mid = v + max + 1;
	long result = -1;

	for (long d = 0; d <= max && result < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x = k == -d || (k != d && mid[k - 1] < mid[k + 1]) ? mid[k + 1]
										  : mid[k - 1] + 1;
			long y = x - k;
			while (x < n && y < m && same(&a[x], &b[y]))
				x++, y++;
			mid[k] = x;
			if (x >= n && y >= m)
				result = d;
		}
		trace[d] = xmalloc((size_t)(2 * d + 1) * sizeof **trace);
		memcpy(trace[d], mid - d, (size_t)(2 * d + 1) * sizeof **trace);
	}
	free(v);
	return result;
}

/* Walks the trace back from (n, m), marking each deleted and inserted line. */
static void backtrack(long **trace, long edits, long n, long m, char *a_changed, char *b_changed)
{
	long x = n, y = m;
	for (long d = edits; d > 0; d--) {
		const long *prev = trace[d - 1] + (d - 1); /* prev[k] for k in -(d-1)..d-1 */
		long k = x - y, prev_k, prev_x, prev_y;
		prev_k = k == -d || (k != d && prev[k - 1] < prev[k + 1]) ? k + 1 : k - 1;
		prev_x = prev[prev_k];
		prev_y = prev_x - prev_k;
		while (x > prev_x && y > prev_y)
			x--, y--;
		if (x == prev_x)
			b_changed[prev_y] = 1;
		else
			a_changed[prev_x] = 1;
		x = prev_x, y = prev_y;
	}
}

/* Marks the changed lines of both sides: the shortest edit when it is
 * within bounds, else everything between the common head and tail. */
static void compare(Side *a, Side *b)
{
	size_t head = 0, tail = 0;
	long n, m, edits, **trace;

	while (head < a->count && head < b->count && same(&a->lines[head], &b->lines[head]))
		head++;
	while (tail < a->count - head && tail < b->count - head &&
	       same(&a->lines[a->count - 1 - tail], &b->lines[b->count - 1 - tail]))
		tail++;
	n = (long)(a->count - head - tail);
	m = (long)(b->count - head - tail);
	trace = xcalloc((size_t)LINEDIFF_MAX_EDITS + 1, sizeof *trace);
	edits = search(a->lines + head, n, b->lines + head, m, trace);
	if (edits >= 0) {
		backtrack(trace, edits, n, m, a->changed + head, b->changed + head);
	} else {
		memset(a->changed + head, 1, (size_t)n);
		memset(b->changed + head, 1, (size_t)m);
	}
	for (long d = 0; d <= LINEDIFF_MAX_EDITS; d++)
		free(trace[d]);
	free(trace);
}

typedef enum { OP_SAME = ' ', OP_DELETE = '-', OP_INSERT = '+' } OpKind;

typedef struct {
	OpKind kind;
	size_t i, j; /* line of a and of b where the op stands */
} Op;

/* The edit script in order, deletions before insertions within a change. */
static Op *script(const Side *a, const Side *b, size_t *count)
{
	Op *ops = xmalloc((a->count + b->count + 1) * sizeof *ops);
	size_t i = 0, j = 0, n = 0;
	while (i < a->count || j < b->count) {
		if (i < a->count && a->changed[i])
			ops[n++] = (Op){OP_DELETE, i++, j};
		else if (j < b->count && b->changed[j])
			ops[n++] = (Op){OP_INSERT, i, j++};
		else
			ops[n++] = (Op){OP_SAME, i++, j++};
	}
	*count = n;
	return ops;
}

/* The diff is built as a string; the caller decides where it goes. */
typedef struct {
	StrBuf *out;
	unsigned flags;
} Printer;

static void colour(const Printer *p, const char *sgr)
{
	if (p->flags & LINEDIFF_COLOR)
		strbuf_adds(p->out, sgr);
}

static void print_text(const Printer *p, const char *s, size_t len)
{
	if (p->flags & LINEDIFF_CLEAN) {
		char *raw = xstrndup(s, len), *clean = text_clean(raw);
		strbuf_adds(p->out, clean);
		free(clean);
		free(raw);
	} else {
		strbuf_add(p->out, s, len);
	}
}

static void print_line(const Printer *p, OpKind kind, const Line *line)
{
	colour(p, kind == OP_DELETE ? "\033[31m" : kind == OP_INSERT ? "\033[32m" : "");
	strbuf_addc(p->out, (char)kind);
	print_text(p, line->s, line->len);
	colour(p, kind == OP_SAME ? "" : "\033[m");
	strbuf_adds(p->out, "\n");
	if (!line->newline)
		strbuf_adds(p->out, "\\ No newline at end of file\n");
}

/* "-3,2": a hunk's range; an empty range names the line before it. */
static void print_range(const Printer *p, char sign, size_t start, size_t count)
{
	if (count == 1)
		strbuf_addf(p->out, "%c%zu", sign, start + 1);
	else
		strbuf_addf(p->out, "%c%zu,%zu", sign, count ? start + 1 : start, count);
}

static void print_hunk(const Printer *p, const Side *a, const Side *b, const Op *ops, size_t from,
		       size_t to)
{
	size_t a_count = 0, b_count = 0;
	for (size_t k = from; k < to; k++) {
		a_count += ops[k].kind != OP_INSERT;
		b_count += ops[k].kind != OP_DELETE;
	}
	colour(p, "\033[36m");
	strbuf_adds(p->out, "@@ ");
	print_range(p, '-', ops[from].i, a_count);
	strbuf_adds(p->out, " ");
	print_range(p, '+', ops[from].j, b_count);
	strbuf_adds(p->out, " @@");
	colour(p, "\033[m");
	strbuf_adds(p->out, "\n");
	for (size_t k = from; k < to; k++)
		print_line(p, ops[k].kind,
			   ops[k].kind == OP_INSERT ? &b->lines[ops[k].j] : &a->lines[ops[k].i]);
}

static void print_header(const Printer *p, const char *mark, const char *label)
{
	colour(p, "\033[1m");
	strbuf_adds(p->out, mark);
	print_text(p, label, strlen(label));
	colour(p, "\033[m");
	strbuf_adds(p->out, "\n");
}

/* Groups the changes into hunks: changes closer than 2 * context lines
 * share one, as diff -u does. */
static void print_hunks(const Printer *p, const Side *a, const Side *b, const Op *ops, size_t n,
			size_t context)
{
	size_t k = 0;
	while (k < n) {
		size_t first, last;
		while (k < n && ops[k].kind == OP_SAME)
			k++;
		if (k == n)
			break;
		first = last = k;
		for (k++; k < n; k++) {
			if (ops[k].kind == OP_SAME)
				continue;
			if (k - last - 1 > 2 * context)
				break;
			last = k;
		}
		k = last + 1;
		print_hunk(p, a, b, ops, first > context ? first - context : 0,
			   last + 1 + context < n ? last + 1 + context : n);
	}
}

char *linediff_unified(const char *a_text, const char *b_text, const char *label_a,
		       const char *label_b, int context, unsigned flags)
{
	Side a, b;
	Op *ops;
	size_t n, changes = 0;
	StrBuf out = {0};
	Printer p = {&out, flags};

	split_lines(a_text, &a);
	split_lines(b_text, &b);
	compare(&a, &b);
	ops = script(&a, &b, &n);
	for (size_t k = 0; k < n; k++)
		changes += ops[k].kind != OP_SAME;
	if (changes) {
		print_header(&p, "--- ", label_a);
		print_header(&p, "+++ ", label_b);
		print_hunks(&p, &a, &b, ops, n, context > 0 ? (size_t)context : 0);
	}
	free(ops);
	free(a.lines), free(a.changed);
	free(b.lines), free(b.changed);
	return strbuf_take(&out); /* "" when nothing changed */
}
