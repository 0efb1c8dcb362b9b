/* text.h - untrusted text (manifests, the database, LLM replies) made safe to
 * show, and laid out by what a terminal shows: display columns and grapheme
 * clusters, never bytes or code points. This is the one place that knows how
 * wide text is; the UI (ui/draw.h) and the text reports use it.
 *
 * Grapheme clusters are Unicode 15's extended grapheme clusters (UAX #29) and
 * character widths are Unicode 15's East Asian Width, both from libutf8proc,
 * which Debian keeps current; no tables of our own. */
#ifndef GAVEL_TEXT_H
#define GAVEL_TEXT_H

#include <stddef.h>

/* Decodes one UTF-8 character at s (len bytes available). Returns its length
 * in bytes and the code point in *cp, or 0 for an invalid or truncated
 * sequence (overlong forms and surrogates are invalid). */
size_t text_utf8_decode(const char *s, size_t len, unsigned *cp);

/* A newly allocated copy of s, safe for one line of a terminal. NULL gives "".
 *   - C0 controls and DEL become caret notation (ESC shows as "^[", a tab as
 *     "^I", a newline as "^J"); C1 controls and invalid UTF-8 become U+FFFD.
 *   - Invisible characters that can reorder or hide text become a visible
 *     placeholder naming them, "<U+202E>": every format character (category
 *     Cf: the bidirectional embeddings, overrides and isolates U+202A-202E
 *     and U+2066-2069, the marks U+200E, U+200F and U+061C, U+200B, U+2060,
 *     U+FEFF, U+00AD, ...), the separators U+2028 and U+2029, and every
 *     other default-ignorable code point (U+3164 HANGUL FILLER, ...).
 *   - Except where such a character has a job, judged by its neighbours:
 *       ZWJ and ZWNJ (U+200D, U+200C) right after a visible character (or
 *         its variation selector) and before a visible, non-space one:
 *         emoji ZWJ sequences, Indic conjuncts, Persian words;
 *       one variation selector (U+FE00-FE0F, U+E0100-E01EF), Mongolian
 *         variation selector or U+034F right after a visible character: at
 *         most one per character, so they cannot smuggle hidden bytes;
 *       tag characters (U+E0020-E007F) only as a whole emoji tag sequence:
 *         right after an emoji (or its VS16 or skin tone), tags
 *         U+E0020-E007E, then one U+E007F (the Scotland flag);
 *       the Hangul fillers of an old-style syllable with a part missing:
 *         U+115F before a vowel jamo, U+1160 after a leading consonant jamo.
 *   - The prepended concatenation marks (U+0600-0605, U+06DD, ...) are
 *     category Cf but visible, and are kept.
 * Everything else valid is kept as it is. The result is its own cleaning:
 * text_clean(text_clean(s)) equals text_clean(s). */
char *text_clean(const char *s);

/* text_clean for a grid of cells that places code points one by one, as
 * curses does (with wcwidth), and xterm and tmux too, while newer terminals
 * draw an emoji sequence as one glyph: the two agree on every cluster except
 * emoji of several code points, so each of those (a ZWJ sequence, a skin
 * tone, a VS16 form, a keycap, a tag sequence) is reduced to its first
 * character: a family to its first person, 👍🏽 to 👍, the Scotland flag to 🏴.
 * Flags stay. Every cluster of the result then takes text_display_width's
 * columns on any terminal, and nothing drifts. Newly allocated. */
char *text_clean_cells(const char *s);

/* The end of the grapheme cluster that starts at byte at of s (len bytes):
 * the offset just past it; len when at >= len. An invalid byte is a cluster
 * of its own. at must be the start of a cluster (0, or a value this returned). */
size_t text_cluster_end(const char *s, size_t len, size_t at);

/* The start of the grapheme cluster that ends at byte at of s: where the
 * cursor goes when Backspace deletes one cluster. 0 when at is 0. Reads
 * s[0..at) only (clusters depend on what precedes them). */
size_t text_prev_cluster(const char *s, size_t at);

/* The columns one grapheme cluster (len bytes at s, as text_cluster_end
 * delimits it) takes on a terminal:
 *   - an emoji cluster (it starts with an Extended_Pictographic character, or
 *     with a keycap base 0-9 # * followed by U+FE0F) is one glyph: 2 columns
 *     when any of it is wide or it has U+FE0F (VS16 asks for the emoji form),
 *     else 1; so a ZWJ family, a skin-tone sequence and the Scotland flag are 2;
 *   - a flag (two regional indicators) is 2, a lone regional indicator 1;
 *   - otherwise the sum of its characters: East Asian wide and fullwidth 2,
 *     combining and enclosing marks and format characters 0, Hangul vowel
 *     and final jamo 0 (with the leading one they make one wide syllable),
 *     anything else 1, spacing marks and prepended marks included. For
 *     those last three utf8proc's widths differ from wcwidth's, and these
 *     follow wcwidth, which curses and most terminals use.
 * An invalid byte counts 1, as the U+FFFD that text_clean shows for it. */
int text_cluster_width(const char *s, size_t len);

/* The display width of s as a terminal shows it once cleaned: the sum of its
 * clusters' widths after text_clean (so ESC counts 2, as "^["). NULL is 0. */
int text_display_width(const char *s);

/* How many bytes of s fit in max_cols columns, cutting only between grapheme
 * clusters, and not right after a ZWJ or ZWNJ (they join what follows, and
 * text_clean would show a bare one) unless the clusters they join are wider
 * than max_cols by themselves; *used (when not NULL) gets the columns those
 * bytes take. s is measured as it is: pass cleaned text. A cluster is never
 * cut, so when the first one is wider than max_cols nothing fits; max_cols
 * <= 0 fits nothing. */
size_t text_cut(const char *s, int max_cols, int *used);

/* Called once per wrapped line with the line's text (borrowed, valid for the
 * call only; no newline). */
typedef void (*TextLineFn)(void *arg, const char *line);

/* Wraps s to lines of at most first_width columns for the first line and
 * width for the others, calling line() for each; returns the number of lines.
 * Each newline in s ends a paragraph; each paragraph is cleaned (text_clean)
 * and broken greedily at spaces where a word fits, and where text_cut may cut
 * inside a word longer than a line; spaces at a break are dropped, and so is
 * a ZWJ or ZWNJ left at the end of a line; leading spaces of a paragraph are
 * kept. Every line is clean text on its own. A cluster wider than the whole
 * line (a wide character in one column, a long run of spacing marks on one
 * letter) still takes a line of its own. An empty s gives one empty line.
 * Widths below 1 give no lines. */
int text_wrap(const char *s, int first_width, int width, TextLineFn line, void *arg);

/* text_wrap cleaning with text_clean_cells: for a curses screen. */
int text_wrap_cells(const char *s, int first_width, int width, TextLineFn line, void *arg);

#endif
