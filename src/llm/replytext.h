/* replytext.h - reading values in the text of an LLM reply: the keys models
 * use, numbers and labels as points of the label scale, "Score: N" lines and
 * refusal phrases. src/reply.c finds where the answer is (JSON or prose) and
 * decides; the rules both follow are written down in src/reply.h.
 *
 * Text is bytes with a length: NUL bytes are data, never an end. Failures are
 * newly allocated messages the caller frees, quoting at most 40 bytes of the
 * reply with control characters in caret notation ("^[", "^@"). */
#ifndef GAVEL_REPLYTEXT_H
#define GAVEL_REPLYTEXT_H

#include <stddef.h>

/* The label scale: point i+1 is names[i]; a NULL name matches nothing. */
typedef struct {
	const char *const *names;
	int count;
} ReplyTextScale;

typedef enum {
	REPLYTEXT_OTHER,
	REPLYTEXT_SCORE,
	REPLYTEXT_LABEL,
	REPLYTEXT_RATIONALE,
	REPLYTEXT_ASPECTS,
	REPLYTEXT_CONFIDENCE,
} ReplyTextKey;

/* The kind of a key (s, len bytes), case ignored and " " and "-" read as
 * "_"; *rank orders keys of one kind, lower first. in_json: also the keys
 * only JSON may use (reply.h marks them *). */
ReplyTextKey replytext_key(const char *s, size_t len, int in_json, int *rank);

/* A number as written: "4", "-1", "3.5", "4/5", "4 out of 5", "80%". */
typedef struct {
	double value;
	int integral;  /* no non-zero digit after the point */
	int has_denom; /* "4/5", "4 out of 5" */
	long denom;
	int percent; /* "80%" */
} ReplyTextNum;

/* Checks that num is a point of the 1..k scale: returns NULL and sets
 * *point, or returns the failure ("score 9 is off the scale 1..5"). what
 * names the value ("score", "label"); text is how the reply wrote it. */
char *replytext_num_point(const ReplyTextNum *num, const char *what, const char *text, int k,
			  int *point);

/* A string holding one number and nothing else ("4", " 4/5 "), as a point of
 * the 1..k scale: NULL and *point, or the failure. */
char *replytext_score_point(const char *s, size_t len, int k, int *point);

/* The point a label names: a scale name (ASCII case ignored, trimmed), the
 * point's number, or both ("4 - good", "good (4)") when they agree. NULL and
 * *point, or the failure ("label \"great\" is not on the scale 1..5"). */
char *replytext_label_point(const ReplyTextScale *scale, const char *s, size_t len, int *point);

/* A confidence in 0..1: value as it is when in 0..1, divided by 100 when in
 * (1, 100] or percent. Returns 0 (and leaves *confidence) for anything else. */
int replytext_confidence(double value, int percent, double *confidence);

/* The same for a string holding one number ("0.8", "80%"). */
int replytext_confidence_text(const char *s, size_t len, double *confidence);

/* What the "Key: value" lines and broken-JSON "key": value pairs of a text
 * say. Start it zeroed with scale set; release it with replytext_lines_free(). */
typedef struct {
	const ReplyTextScale *scale;
	int has_score;
	ReplyTextNum score; /* the first score, not yet checked against the scale */
	char *score_text;   /* owned: that score as written */
	char *conflict;	    /* owned: a second, different score, as a failure */
	char *bad;	    /* owned: the first value that is not a score or label */
	int has_label, label;
	int has_confidence;
	double confidence;
} ReplyTextLines;

/* Reads s for lines whose first word is a score, label or confidence key
 * ("Score: 4", "**Rating:** 4/5", "- Label = good", "Score (1-5): 3") and for
 * quoted "key": value pairs anywhere. */
void replytext_lines_scan(ReplyTextLines *lines, const char *s, size_t len);

/* Frees the strings of lines; the numbers stay readable. */
void replytext_lines_free(ReplyTextLines *lines);

/* The refusal phrase s contains ("i'm sorry, but", "as an ai"; curly
 * apostrophes count), as a static string, or NULL. */
const char *replytext_refusal(const char *s, size_t len);

/* Removes leading and trailing whitespace (space, \t, \n, \r, \f, \v). */
void replytext_trim(const char **s, size_t *len);

/* s starts with prefix, ASCII case ignored. */
int replytext_starts_with(const char *s, size_t len, const char *prefix);

/* Where the ASCII needle (lower case) first occurs in s[from..len), case
 * ignored; len when it does not. */
size_t replytext_find(const char *s, size_t len, size_t from, const char *needle);

/* The first index at or after i in s[0..len) that is not a space or tab. */
size_t replytext_skip_blank(const char *s, size_t len, size_t i);

/* 3 when s starts with an en or em dash (U+2013, U+2014, UTF-8), else 0. */
size_t replytext_dash(const char *s, size_t len);

#endif
