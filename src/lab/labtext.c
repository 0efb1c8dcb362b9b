/* labtext.c - the lab screen's lines as text. */
#include "src/lab/labtext.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* What the columns other than NAME take, with their gaps: A, REF, MODEL,
 * COVERED, KAPPA_Q, 95% CI, EXACT, UNPARS; and RUNS, TOKENS, COST.
 * MARKS_ROOM keeps " current fewer items" in sight beside a long name; the
 * list shows RUNS, TOKENS and COST when all that fits. */
enum { NARROW_OTHERS = 70, WIDE_EXTRA = 21, MARKS_ROOM = 20, NAME_MIN = 10, NAME_MAX = 24 };
enum { WIDE_COLS = NARROW_OTHERS + WIDE_EXTRA + NAME_MIN + MARKS_ROOM };

LabColumns labtext_columns(int cols)
{
	LabColumns c = { .wide = cols >= WIDE_COLS };
	c.name_w = cols - NARROW_OTHERS - (c.wide ? WIDE_EXTRA : 0) - MARKS_ROOM;
	c.name_w = c.name_w < NAME_MIN ? NAME_MIN : c.name_w > NAME_MAX ? NAME_MAX : c.name_w;
	return c;
}

void labtext_head(const LabColumns *c, char *out, size_t size)
{
	snprintf(out, size, "  %-8s %-*s %-12s%s %11s %7s %-11s %6s %6s%s", "REF", c->name_w,
		 "NAME", "MODEL", c->wide ? " RUNS" : "", "COVERED", "KAPPA_Q", "95% CI", "EXACT",
		 "UNPARS", c->wide ? "  TOKENS    COST" : "");
}

static void cell(char *out, size_t size, MetricValue v, double scale, const char *fmt)
{
	if (v.defined)
		snprintf(out, size, fmt, scale * v.value);
	else
		snprintf(out, size, "-");
}

/* The columns of wide screens: runs before COVERED, tokens and cost after
 * UNPARS ("" on a narrow screen). */
static void wide_cells(const LabColumns *c, const LabRow *r, char runs[8], char money[24])
{
	char tokens[16] = "-", cost[16] = "-";
	runs[0] = money[0] = '\0';
	if (!c->wide)
		return;
	if (r) {
		labtable_tokens_text(r->who->prompt_tokens + r->who->completion_tokens, tokens,
				     sizeof tokens);
		labtable_money_text(r->cost, cost, sizeof cost);
	}
	snprintf(runs, 8, " %4d", r ? r->who->n_runs : 0);
	snprintf(money, 24, " %7.7s %7.7s", tokens, cost);
}

void labtext_line(const LabColumns *c, const LabRow *r, const DbPromptVersion *v, long long settled,
		  int marked, char *out, size_t size)
{
	const LabLabeller *l = r ? r->who : NULL;
	const char *name = v && v->name ? v->name : l && l->provider ? l->provider : "-";
	char kq[16], ci[32] = "-", ex[16], up[16], runs[8], money[24];
	wide_cells(c, r, runs, money);
	if (!r) {
		snprintf(out, size, "%c %-8lld %-*.*s %-12s%s %11s %7s  not run yet%s",
			 marked ? 'A' : ' ', v->id, c->name_w, c->name_w, name, "-", runs, "-", "-",
			 v->parent_id ? " (an edit: r reruns it)" : "");
		return;
	}
	cell(kq, sizeof kq, r->kappa_q, 1, "%.3f");
	if (r->kappa_q_ci.defined)
		snprintf(ci, sizeof ci, "%.2f..%.2f", r->kappa_q_ci.lo, r->kappa_q_ci.hi);
	cell(ex, sizeof ex, r->agreement, 100, "%.1f%%");
	cell(up, sizeof up, r->parse_failure_rate, 100, "%.1f%%");
	snprintf(out, size, "%c %-8s %-*.*s %-12.12s%s %5ld/%-5lld %7s %-11s %6s %6s%s%s%s%s",
		 marked ? 'A' : ' ', l->ref, c->name_w, c->name_w, name, l->model ? l->model : "-",
		 runs, r->covered, settled, kq, ci, ex, up, money, r->best ? " best" : "",
		 r->current ? " current" : "", r->fewer ? " fewer items" : "");
}

/* ---- the detail lines ---- */

typedef struct {
	char (*lines)[LABTEXT_DETAIL_WIDTH];
	int n;
} Say;

static void say(Say *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(Say *s, const char *fmt, ...)
{
	va_list ap;
	if (s->n >= LABTEXT_DETAIL_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(s->lines[s->n++], LABTEXT_DETAIL_WIDTH, fmt, ap);
	va_end(ap);
}

static void say_version(Say *s, const LabRow *r, const DbPromptVersion *v)
{
	const LabLabeller *l = r ? r->who : NULL;
	char parent[32] = "";
	if (!v) {
		say(s,
		    "%s  %s %s: no prompt version to edit or rerun (gavel label --prompt FILE "
		    "--settled makes one)",
		    l->ref, l->provider ? l->provider : "", l->model ? l->model : "");
		return;
	}
	if (v->parent_id)
		snprintf(parent, sizeof parent, "  edit of %lld", v->parent_id);
	say(s, "version %lld  %.12s  %s%s", v->id, v->hash, v->name ? v->name : "", parent);
	if (v->note)
		say(s, "meant to fix: %s", v->note);
}

/* "runs 3, 5, 8" (the first four, then the last) */
static void runs_text(const LabLabeller *l, char *out, size_t size)
{
	size_t at;
	snprintf(out, size, "run%s", l->n_runs == 1 ? "" : "s");
	for (int i = 0; i < l->n_runs && i < 4; i++) {
		at = strlen(out);
		snprintf(out + at, size - at, "%s %lld", i ? "," : "", l->runs[i]);
	}
	at = strlen(out);
	if (l->n_runs > 4)
		snprintf(out + at, size - at, " … %lld", l->runs[l->n_runs - 1]);
}

static void say_runs(Say *s, const LabRow *r)
{
	const LabLabeller *l = r->who;
	char runs[96], cost[24] = "unknown (no price)", saved[48] = "";
	runs_text(l, runs, sizeof runs);
	if (r->cost >= 0)
		labtable_money_text(r->cost, cost, sizeof cost);
	if (l->cached && r->saved > 0) {
		char money[24];
		labtable_money_text(r->saved, money, sizeof money);
		snprintf(saved, sizeof saved, ", the cache saved %s", money);
	}
	say(s, "%s · %lld answers, %lld from the cache, %lld unparsed · %lld tokens · cost %s%s",
	    runs, l->calls, l->cached, l->parse_failed, l->prompt_tokens + l->completion_tokens,
	    cost, saved);
	if (l->unfinished)
		say(s, "run %lld stopped before its end: r resumes it", l->runs[l->n_runs - 1]);
}

static void say_coverage(Say *s, const LabTable *t, const LabRow *r)
{
	if (r->fewer)
		say(s,
		    "fewer items: measured on %ld of the %ld items the best-measured version "
		    "covers, so ranked after those",
		    r->covered, t->max_covered);
}

static void say_consistency(Say *s, const LabRow *r)
{
	const ConsistencySummary *c = &r->consistency_summary;
	if (!r->consistency)
		return;
	if (c->all_unanimous)
		say(s,
		    "warning: every item unanimous over %d answers: the provider may ignore the "
		    "temperature",
		    r->who->repeats);
	else if (c->auc_split.defined)
		say(s, "split votes on %ld of %ld items; split vs wrong AUC %.2f", c->split,
		    c->answered, c->auc_split.value);
	else
		say(s, "split votes on %ld of %ld items; split vs wrong AUC undefined (%s)",
		    c->split, c->answered, c->auc_split.why ? c->auc_split.why : "no items");
}

int labtext_detail(const LabTable *t, const LabRow *r, const DbPromptVersion *v,
		   char lines[LABTEXT_DETAIL_MAX][LABTEXT_DETAIL_WIDTH])
{
	Say s = { lines, 0 };
	say_version(&s, r, v);
	if (r) {
		say_runs(&s, r);
		say_coverage(&s, t, r);
		say_consistency(&s, r);
	}
	return s.n;
}
