/* reply.h - deciding what an LLM reply says about an item: a score and a label
 * on the database's scale, or a recorded parse failure. Never a guess.
 *
 * The order of attempts:
 *   1. strict JSON: the whole answer is one JSON value;
 *   2. embedded JSON: JSON objects inside code fences (```json, ```, ~~~,
 *      closed or not) or surrounded by prose;
 *   3. score lines: a line whose first word (after bullets, numbering and
 *      markdown) is a score or label key: "Score: 4", "score = 4",
 *      "Rating: 4/5", "**Score:** 4", "Label: good", "Score (1-5): 3"; and
 *      "key": value pairs of JSON too broken for a parser (a trailing comma,
 *      single quotes, cut off). "Clarity score: 3" is not the score. Every
 *      score line must give the same point and be readable: "Score: 3-4",
 *      "Score: N/A" fail.
 * A later form is only tried when the earlier ones located no answer at all;
 * an answer that was located but is wrong (a score off the scale) is a
 * failure, never a reason to look for something else.
 *
 * An answer is a JSON object with a score or a label key. Keys are matched
 * without regard to case, with " " and "-" read as "_":
 *   score       score, rating, quality_score, quality_rating, final_score,
 *               overall_score, overall_quality_score, final_rating,
 *               overall_rating
 *   label       label, quality_label, final_label, quality*, class*
 *   rationale   rationale, explanation, justification, reasoning (the first
 *               in this order wins; JSON only)
 *   aspects     aspects, aspect_notes (JSON only)
 *   confidence  confidence
 * (* only in JSON: in a "Key: value" line of prose these words are headings
 * too often to count.) An object without a score or label key is not an
 * answer; the objects and arrays inside it are searched instead, so
 * {"result": {"score": 4}} and [{"score": 4}] are answers.
 *
 * Score forms: a JSON number or a string holding one; 4, 4.0, "4", " 4 ",
 * "4/5" and "4 out of 5" when 5 is K. Failures: 3.5 (not a point of the
 * scale), 0, 6 and -1 on 1..5 (off the scale), 4/10 (another scale), true,
 * "four", [], {} (not a number). A null score counts as absent.
 * Label forms: a scale name, ASCII case-insensitive and trimmed ("Good",
 * " good "); the point as a number or string (4, "4"); the point and the name
 * together ("4 good", "4 - good", "4: good", "4 (good)", "good (4)") when
 * they agree.
 * Anything else is "not on the scale". A null label counts as absent.
 *
 * Verdict: a missing label is taken from the score (label_from_score); a
 * missing score is taken from the label; a label naming another point than
 * the score is kept and flagged inconsistent. Every answer found must agree:
 * two answers (or two score keys of one answer, or a JSON answer and a score
 * line outside it) with different scores are "two conflicting scores";
 * identical duplicates are fine and the first one is used.
 *
 * Confidence: a number in 0..1 is taken as it is; a number in (1, 100] or a
 * string "80%" is a percentage and divided by 100; anything else (negative,
 * over 100, not a number) is ignored (has_confidence 0). It never decides
 * whether the reply parses.
 *
 * Thinking models: a leading <think>...</think> (or <thinking>) block, or
 * everything before a lone </think>, is the reasoning; it is kept in
 * Reply.reasoning and never parsed for a score. An unclosed <think> leaves no
 * answer ("empty reply").
 *
 * Refusals ("I'm sorry, but I can't help with that", "As an AI ...") are
 * only looked for when nothing usable was located: no answer at all, only
 * unreadable score lines ("Rating: N/A"), or one JSON answer whose score and
 * label are null. A rationale saying "I can't see the handle" next to a valid
 * score is never one; an invalid score next to a refusal phrase stays an
 * invalid score.
 *
 * Hostile input: only the first REPLY_MAX_SCAN bytes are read (truncated is
 * set, and the verdict is about that part alone); NUL bytes are data (len is
 * given), but JSON containing one is not parsed as JSON and the owned strings
 * below end at the first NUL; invalid UTF-8, control characters and escape
 * sequences are kept verbatim in the rationale (the UI cleans text when it
 * draws it); JSON nested deeper than cJSON's limit (CJSON_NESTING_LIMIT) is
 * not parsed, without recursion proportional to the input; a reply with more
 * brace pairs than the parser will examine is a failure.
 *
 * Threads: cJSON records the position of a parse error in a global, so two
 * threads parsing at once race on it (the verdicts do not depend on it). */
#ifndef GAVEL_REPLY_H
#define GAVEL_REPLY_H

#include <stddef.h>

#include "src/base/status.h"

/* Only this many bytes of a reply are read; real replies are far shorter. */
enum { REPLY_MAX_SCAN = 1 << 20 };

/* Where the verdict came from. */
typedef enum {
	REPLY_NONE,	     /* no answer located: empty, refusal, nothing found */
	REPLY_STRICT_JSON,   /* the whole answer is JSON */
	REPLY_EMBEDDED_JSON, /* JSON in fences or prose */
	REPLY_SCORE_LINE,    /* "Score: N" lines or broken-JSON "key": value pairs */
} ReplyMethod;

typedef struct {
	int ok;		      /* 1: score and label usable; 0: failure says why */
	ReplyMethod method;   /* also set on failure: where the bad answer was */
	int score;	      /* 1..K when ok, else 0 */
	int label;	      /* 1..K when ok (the score when absent), else 0 */
	int label_from_score; /* the reply gave no label */
	int inconsistent;     /* ok, and the label names another point than score */
	int has_confidence;
	double confidence;  /* 0..1 when has_confidence */
	int refusal;	    /* the failure is a refusal */
	int truncated;	    /* the reply was longer than REPLY_MAX_SCAN */
	char *rationale;    /* owned or NULL: the JSON rationale, or for score
			     * lines the whole answer text; kept on failure too */
	char *aspects_json; /* owned or NULL: the aspects value as compact JSON */
	char *reasoning;    /* owned or NULL: the <think> block's text */
	char *failure;	    /* owned when !ok: "score 9 is off the scale 1..5",
			     * "two conflicting scores: 3 and 4", "refusal (...)",
			     * "empty reply", "no score found"; NULL when ok */
} Reply;

/* Decides what the reply text (len bytes, NUL bytes allowed, need not be
 * NUL-terminated) says on the scale scale_names[0..scale_count-1] (point i+1
 * is scale_names[i]; a NULL name matches nothing). Fills *out, which the
 * caller releases with reply_free(); the raw text is not copied, so the
 * caller keeps it (it is what a failure is recorded with). Returns STATUS_OK
 * whenever a verdict was reached, a parse failure included; only a bad call
 * (text NULL with len > 0, scale_count < 1, scale_names NULL) returns
 * STATUS_ERR_USAGE, with *out zeroed. */
Status reply_parse(const char *text, size_t len, const char *const *scale_names, int scale_count,
		   Reply *out);

/* Frees the strings of reply and zeroes it; NULL-safe. */
void reply_free(Reply *reply);

/* A part of a text: bytes [off, off + len). */
typedef struct {
	size_t off, len;
} ReplySpan;

/* Splits a thinking model's reply into its reasoning and its answer (spans
 * borrowed from text; tags excluded). Without think tags the reasoning is
 * empty and the answer is the whole text. Returns 1 when a think block was
 * found. */
int reply_split_think(const char *text, size_t len, ReplySpan *reasoning, ReplySpan *answer);

/* "none", "strict_json", "embedded_json" or "score_line", for storage. */
const char *reply_method_name(ReplyMethod method);

#endif
